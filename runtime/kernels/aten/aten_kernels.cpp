// Registers the aten kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addAtenKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
