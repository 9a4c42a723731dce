// TOSA scatter_gather kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addScatterGatherKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
