// Registers the tosa kernel family.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime {

void addTosaKernels(KernelRegistry& registry) {
    tosa::addConvolutionKernels(registry);
    tosa::addPoolingKernels(registry);
    tosa::addTypeConversionKernels(registry);
    tosa::addActivationKernels(registry);
    tosa::addElementwiseBinaryKernels(registry);
    tosa::addElementwiseUnaryKernels(registry);
    tosa::addTableKernels(registry);
    tosa::addReductionKernels(registry);
    tosa::addDataLayoutKernels(registry);
    tosa::addScatterGatherKernels(registry);
    tosa::addResizeKernels(registry);
    tosa::addFftKernels(registry);
    tosa::addControlFlowKernels(registry);
    tosa::addShapeKernels(registry);
    tosa::addBlockScaledKernels(registry);
}

} // namespace pteron::runtime
