// Turns the XValues of an XNNPACK graph into graph values: dtype, shape, quantisation, constants.
#pragma once

#include "core/graph.hpp"
#include "parsers/xnnpack/xnnpack_context.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace pteron {

// XNNPACK's "no value" id (an absent bias, an unused attention mask).
inline constexpr std::uint32_t kXnnInvalidValueId = 0xFFFFFFFFu;

// Maps the ids nodes use (XNNTensorValue.id_out) onto graph value indices.
class XnnpackValueIds {
  public:
    void add(std::uint32_t id, std::int64_t index) { indices_.emplace(id, index); }
    bool contains(std::uint32_t id) const { return indices_.count(id) != 0; }
    // The value index of `id`, kAbsentValue for the invalid id; throws naming `path` otherwise.
    std::int64_t resolve(std::uint32_t id, const XnnpackContext& context,
                         const std::string& path) const;

  private:
    std::unordered_map<std::uint32_t, std::int64_t> indices_;
};

// Appends one value per XValue to `graph`, in order, and returns their id map.
XnnpackValueIds decodeXnnpackValues(const XnnpackContext& context, Graph& graph);

} // namespace pteron
