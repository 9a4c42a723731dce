// Registers the tflite kernel family.
#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

void addTfliteKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime
