// Registers the xnnpack kernel family: the node types of ExecuTorch's XNNPACK delegate graphs
// (fp32/fp16 and quantised qs8/qu8/qc8/qc4/qd8), with XNNPACK's requantisation arithmetic.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/xnnpack/xnnpack_family.hpp"

namespace pteron::runtime {

void addXnnpackKernels(KernelRegistry& registry) {
    xnnpack::addGemmKernels(registry);
    xnnpack::addBinaryKernels(registry);
    xnnpack::addUnaryKernels(registry);
    xnnpack::addConvertKernels(registry);
    xnnpack::addPoolingKernels(registry);
    xnnpack::addLayoutKernels(registry);
    xnnpack::addAttentionKernels(registry);
}

} // namespace pteron::runtime
