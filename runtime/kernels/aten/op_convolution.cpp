// placeholder
#include "runtime/kernels/aten/aten_family.hpp"

namespace pteron::runtime::aten {

void addConvolutionKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::aten
