// Registers the aten kernel family: ExecuTorch's portable operators, one file per group.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/aten/aten_family.hpp"

namespace pteron::runtime {

void addAtenKernels(KernelRegistry& registry) {
    aten::addBinaryKernels(registry);
    aten::addComparisonKernels(registry);
    aten::addUnaryKernels(registry);
    aten::addActivationKernels(registry);
    aten::addReductionKernels(registry);
    aten::addSoftmaxKernels(registry);
    aten::addMatmulKernels(registry);
    aten::addConvolutionKernels(registry);
    aten::addPoolingKernels(registry);
    aten::addUpsampleKernels(registry);
    aten::addNormalizationKernels(registry);
    aten::addShapeKernels(registry);
    aten::addConcatKernels(registry);
    aten::addIndexingKernels(registry);
    aten::addCreationKernels(registry);
}

} // namespace pteron::runtime
