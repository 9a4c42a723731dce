#include "runtime/kernel_registry.hpp"

namespace pteron::runtime {

KernelRegistry KernelRegistry::withAllKernels() {
    KernelRegistry registry;
    addTosaKernels(registry);
    addAtenKernels(registry);
    addQuantizedKernels(registry);
    addCortexMKernels(registry);
    addXnnpackKernels(registry);
    addTfliteKernels(registry);
    addExecutorchKernels(registry);
    return registry;
}

void KernelRegistry::add(std::string op, Kernel kernel) {
    kernels_[std::move(op)] = std::move(kernel);
}

const Kernel* KernelRegistry::find(std::string_view op) const {
    const auto found = kernels_.find(op);
    return found == kernels_.end() ? nullptr : &found->second;
}

std::vector<std::string> KernelRegistry::operators() const {
    std::vector<std::string> names;
    for (const auto& [name, kernel] : kernels_)
        names.push_back(name);
    return names;
}

} // namespace pteron::runtime
