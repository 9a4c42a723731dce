// TOSA table kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addTableKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
