// Registers the executorch kernel family: value moves and views the program inserts, scalar
// prim ops, dim-order copies and the etnp custom LSTM.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/executorch/executorch_family.hpp"

namespace pteron::runtime {

void addExecutorchKernels(KernelRegistry& registry) {
    executorch::addValueKernels(registry);
    executorch::addPrimKernels(registry);
    executorch::addDimOrderKernels(registry);
    executorch::addLstmKernels(registry);
}

} // namespace pteron::runtime
