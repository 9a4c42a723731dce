// TOSA fft kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addFftKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
