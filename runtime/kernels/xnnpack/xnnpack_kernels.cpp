// Registers the xnnpack kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addXnnpackKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
