// Registers the tosa kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addTosaKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
