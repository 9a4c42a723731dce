// Kernels by canonical operator name ("tosa.CONV2D", "aten::add.out"); each family adds its own.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pteron::runtime {

class KernelContext;
using Kernel = std::function<void(KernelContext&)>;

class KernelRegistry {
  public:
    // A registry holding every kernel family the runtime has.
    static KernelRegistry withAllKernels();

    void add(std::string op, Kernel kernel);
    // The kernel for `op`, or nullptr.
    const Kernel* find(std::string_view op) const;
    std::vector<std::string> operators() const;

  private:
    std::map<std::string, Kernel, std::less<>> kernels_;
};

// One registration function per kernel family (runtime/kernels/<family>/).
void addTosaKernels(KernelRegistry& registry);
void addAtenKernels(KernelRegistry& registry);
void addQuantizedKernels(KernelRegistry& registry);
void addCortexMKernels(KernelRegistry& registry);
void addXnnpackKernels(KernelRegistry& registry);
void addTfliteKernels(KernelRegistry& registry);
void addExecutorchKernels(KernelRegistry& registry);

} // namespace pteron::runtime
