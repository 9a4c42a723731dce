// What pteron knows about ExecuTorch backend ids and kernel namespaces: device class and host
// placement.
#pragma once

#include "core/partition.hpp"

#include <string>
#include <string_view>

namespace pteron {

// Device class a delegate backend id targets ("EthosUBackend" -> NPU); Unknown when not known.
DeviceClass deviceForBackend(std::string_view backendId);

// Host placement of a kernel: "portable" for the core operator libraries, else the op namespace.
std::string hostBackendForOperator(std::string_view qualifiedName);

} // namespace pteron
