#include "parsers/pte/backend_catalog.hpp"

#include <array>
#include <utility>

namespace pteron {

DeviceClass deviceForBackend(std::string_view backendId) {
    static constexpr std::array<std::pair<std::string_view, DeviceClass>, 20> kBackends{{
        {"XnnpackBackend", DeviceClass::CPU},      {"EthosUBackend", DeviceClass::NPU},
        {"ArmBackend", DeviceClass::NPU},          {"VgfBackend", DeviceClass::GPU},
        {"TOSABackend", DeviceClass::Unknown},     {"VulkanBackend", DeviceClass::GPU},
        {"QnnBackend", DeviceClass::NPU},          {"CoreMLBackend", DeviceClass::Unknown},
        {"MPSBackend", DeviceClass::GPU},          {"MetalBackend", DeviceClass::GPU},
        {"CudaBackend", DeviceClass::GPU},         {"NeuropilotBackend", DeviceClass::NPU},
        {"MLXBackend", DeviceClass::GPU},          {"NeutronBackend", DeviceClass::NPU},
        {"OpenvinoBackend", DeviceClass::Unknown}, {"EnnBackend", DeviceClass::NPU},
        {"CadenceBackend", DeviceClass::DSP},      {"NativeBackend", DeviceClass::CPU},
        {"ExampleBackend", DeviceClass::CPU},      {"WebGPUBackend", DeviceClass::GPU},
    }};
    for (const auto& [id, device] : kBackends)
        if (id == backendId) return device;
    return DeviceClass::Unknown;
}

std::string hostBackendForOperator(std::string_view qualifiedName) {
    const auto separator = qualifiedName.find("::");
    const auto ns = separator == std::string_view::npos ? std::string_view{}
                                                        : qualifiedName.substr(0, separator);
    // Kernels of the portable/optimized operator libraries and the runtime's own prim ops.
    static constexpr std::array<std::string_view, 5> kPortable{
        "aten", "dim_order_ops", "executorch_prim", "quantized_decomposed", "executorch"};
    for (auto portable : kPortable)
        if (ns == portable || ns.empty()) return "portable";
    return std::string(ns);
}

} // namespace pteron
