// Registers the executorch kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addExecutorchKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
