// Writes a unified Model as a Model Explorer GraphCollection JSON document.
#pragma once

#include "adapters/palette/backend_palette.hpp"
#include "core/model.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace pteron {

struct ModelExplorerOptions {
    // Constants with a decodable dtype show this many elements as text; 0 shows none.
    std::size_t maxConstantElements = 16;
};

// One Model Explorer graph per model graph, all in one collection so a delegate call's
// `subgraphIds` resolve to its decoded payload. Graph inputs and outputs become "Input" and
// "Output" nodes, constants "Constant" nodes next to their first user; edges come from the last
// writer of each value in execution order.
class ModelExplorerWriter {
  public:
    explicit ModelExplorerWriter(BackendPalette palette, ModelExplorerOptions options = {})
        : palette_(std::move(palette)), options_(options) {}

    // {"label": file name, "graphs": [...]}: the shape Model Explorer's JSON loader accepts.
    nlohmann::json collection(const Model& model) const;
    // One graph object: {"id", "nodes", "groupNodeAttributes"}.
    nlohmann::json graph(const Model& model, std::size_t graphIndex) const;

  private:
    BackendPalette palette_;
    ModelExplorerOptions options_;
};

} // namespace pteron
