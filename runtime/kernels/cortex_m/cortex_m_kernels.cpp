// Registers the cortex_m kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addCortexMKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
