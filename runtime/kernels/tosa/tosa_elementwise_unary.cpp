// TOSA elementwise_unary kernels.
#include "runtime/kernels/tosa/tosa_family.hpp"

namespace pteron::runtime::tosa {

void addElementwiseUnaryKernels(KernelRegistry& registry) {
    (void)registry;
}

} // namespace pteron::runtime::tosa
