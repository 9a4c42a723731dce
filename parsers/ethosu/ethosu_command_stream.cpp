#include "parsers/ethosu/ethosu_command_stream.hpp"

namespace pteron::ethosu {

EthosUCommandStream EthosUCommandStream::decode(std::span<const std::byte> bytes,
                                                const std::string& file, std::uint64_t base) {
    const auto wrapped = unwrapCommandStream(bytes, file, base);
    EthosUCommandStream stream;
    stream.config_ = wrapped.config;
    stream.commandsOffset_ = wrapped.commandsOffset;
    stream.streamBytes_ = wrapped.commands.size();
    stream.commands_ = splitCommands(wrapped.commands, wrapped.config.product, file,
                                     base + wrapped.commandsOffset);
    stream.operations_ = buildOperations(stream.commands_, wrapped.config.product);
    return stream;
}

std::map<std::string, std::size_t> EthosUCommandStream::operationCounts() const {
    std::map<std::string, std::size_t> counts;
    for (const auto& op : operations_)
        ++counts[op.kind];
    return counts;
}

std::size_t EthosUCommandStream::workCount() const {
    std::size_t count = 0;
    for (const auto& op : operations_)
        if (op.isCompute() || op.kind == "DMA") ++count;
    return count;
}

} // namespace pteron::ethosu
