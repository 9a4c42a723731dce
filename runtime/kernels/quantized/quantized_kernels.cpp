// Registers the quantized kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addQuantizedKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
