// Registers the quantized kernel family: ExecuTorch's quantized_decomposed operators.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/quantized/quantized_family.hpp"

namespace pteron::runtime {

void addQuantizedKernels(KernelRegistry& registry) {
    quantized::addQuantizeKernels(registry);
}

} // namespace pteron::runtime
