// TOSA reduction kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addReductionKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
