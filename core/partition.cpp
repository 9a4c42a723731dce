#include "core/partition.hpp"

namespace pteron {

std::string_view deviceClassName(DeviceClass device) {
    switch (device) {
    case DeviceClass::CPU:
        return "CPU";
    case DeviceClass::NPU:
        return "NPU";
    case DeviceClass::GPU:
        return "GPU";
    case DeviceClass::DSP:
        return "DSP";
    case DeviceClass::Unknown:
        return "unknown";
    }
    return "unknown";
}

} // namespace pteron
