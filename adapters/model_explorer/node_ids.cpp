#include "adapters/model_explorer/node_ids.hpp"

#include <cstdint>

namespace pteron {

namespace {

std::string idText(std::size_t graph, const char* kind, std::string number) {
    return "g" + std::to_string(graph) + "." + kind + number;
}

} // namespace

std::string meNodeId(std::size_t graph, std::size_t node) {
    return idText(graph, "n", std::to_string(node));
}

std::string meInputId(std::size_t graph, std::size_t position) {
    return idText(graph, "in", std::to_string(position));
}

std::string meOutputId(std::size_t graph, std::size_t position) {
    return idText(graph, "out", std::to_string(position));
}

std::string meConstantId(std::size_t graph, std::int64_t value) {
    return idText(graph, "c", std::to_string(value));
}

} // namespace pteron
