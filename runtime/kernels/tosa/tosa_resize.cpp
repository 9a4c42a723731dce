// TOSA resize kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addResizeKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
