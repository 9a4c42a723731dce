// TOSA control_flow kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addControlFlowKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
