#include "tests/support/weight_fault.hpp"

#include <algorithm>
#include <fstream>

namespace pteron::testing {

std::optional<WeightFault> findWeightFault(const Model& model, const std::string& op,
                                           std::size_t ordinal) {
    const auto top = model.topLevelGraphs();
    if (top.empty()) return std::nullopt;
    WeightFault fault;
    fault.graph = top.front();
    const auto& graph = model.graphs[fault.graph];
    std::size_t seen = 0;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
        if (graph.nodes[n].op != op || ++seen != ordinal) continue;
        for (const auto& operand : graph.nodes[n].inputs) {
            const auto* value = graph.value(operand.value);
            if (!value || value->data.size() < 64) continue;
            fault.offset = value->data.fileOffset() + value->data.size() / 2;
            fault.reader = n;
            for (std::size_t r = 0; r < n; ++r)
                for (const auto& input : graph.nodes[r].inputs)
                    if (input.value == operand.value) fault.reader = std::min(fault.reader, r);
            return fault;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

void writeFaultyCopy(const std::filesystem::path& original, const std::filesystem::path& copy,
                     std::uint64_t offset) {
    std::filesystem::create_directories(copy.parent_path());
    std::filesystem::copy_file(original, copy, std::filesystem::copy_options::overwrite_existing);
    std::fstream stream(copy, std::ios::in | std::ios::out | std::ios::binary);
    stream.seekg(static_cast<std::streamoff>(offset));
    char byte = 0;
    stream.read(&byte, 1);
    byte = static_cast<char>(byte + 1);
    stream.seekp(static_cast<std::streamoff>(offset));
    stream.write(&byte, 1);
}

} // namespace pteron::testing
