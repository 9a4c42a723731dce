// placeholder
#include "runtime/kernels/aten/aten_family.hpp"

namespace pteron::runtime::aten {

void addUpsampleKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::aten
