// A decoded Ethos-U command stream: target hardware, raw register commands and NPU operations.
#pragma once

#include "parsers/ethosu/ethosu_hardware.hpp"
#include "parsers/ethosu/ethosu_operations.hpp"
#include "parsers/ethosu/ethosu_registers.hpp"

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace pteron::ethosu {

class EthosUCommandStream {
  public:
    // Decodes a COP1/COP2 payload; `base` is its file offset for error messages. Throws
    // FormatError.
    static EthosUCommandStream decode(std::span<const std::byte> bytes, const std::string& file,
                                      std::uint64_t base);

    const HardwareConfig& config() const { return config_; }
    const std::vector<RegisterCommand>& commands() const { return commands_; }
    const std::vector<NpuOperation>& operations() const { return operations_; }
    std::uint64_t commandsOffset() const { return commandsOffset_; }
    std::size_t streamBytes() const { return streamBytes_; }
    // Operation kind ("CONV", "POOL", ...) -> count.
    std::map<std::string, std::size_t> operationCounts() const;
    // Operations that compute (CONV, DEPTHWISE, POOL, ELEMENTWISE, RESIZE) plus DMA transfers.
    std::size_t workCount() const;

  private:
    HardwareConfig config_;
    std::vector<RegisterCommand> commands_;
    std::vector<NpuOperation> operations_;
    std::uint64_t commandsOffset_ = 0;
    std::size_t streamBytes_ = 0;
};

} // namespace pteron::ethosu
