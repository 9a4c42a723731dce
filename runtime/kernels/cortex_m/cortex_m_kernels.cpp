// Registers the cortex_m kernel family: ExecuTorch's Cortex-M backend operators with CMSIS-NN
// integer semantics.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/cortex_m/cortex_m_family.hpp"

namespace pteron::runtime {

void addCortexMKernels(KernelRegistry& registry) {
    cortex_m::addCortexMQuantizeKernels(registry);
    cortex_m::addCortexMConvolutionKernels(registry);
    cortex_m::addCortexMLinearKernels(registry);
    cortex_m::addCortexMPoolingKernels(registry);
    cortex_m::addCortexMLayoutKernels(registry);
    cortex_m::addCortexMElementwiseKernels(registry);
    cortex_m::addCortexMSoftmaxKernels(registry);
}

} // namespace pteron::runtime
