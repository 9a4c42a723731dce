// Turns the segments of a decoded VGF file into graph nodes and values of the unified model.
#pragma once

#include "core/graph.hpp"
#include "parsers/vgf/vgf_document.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace pteron::vgf {

// Partitions that segment nodes are placed in.
struct SegmentPlacement {
    std::size_t graphPartition = 0;
    std::size_t computePartition = 0;
};

// Appends segments to one graph; resources shared between segments become the same value.
class SegmentGraphBuilder {
  public:
    SegmentGraphBuilder(const Document& document, std::string file, Graph& graph)
        : document_(document), file_(std::move(file)), graph_(graph) {}

    void appendSegment(std::size_t segmentIndex, const SegmentPlacement& placement);

    // Value of resource `mrtIndex`, created from the resource table on first use.
    std::int64_t resourceValue(std::uint32_t mrtIndex);

    const Document& document() const { return document_; }
    const std::string& file() const { return file_; }
    Graph& graph() { return graph_; }

    // Records that resource `mrtIndex` is carried by `value` (graph inputs, outputs).
    void bindResource(std::uint32_t mrtIndex, std::int64_t value);
    // The value already carrying resource `mrtIndex`, if any (written by an earlier segment).
    std::optional<std::int64_t> boundResource(std::uint32_t mrtIndex) const;
    // Adds the resource's Vulkan description to `value` and marks model inputs/outputs.
    void describeResource(std::uint32_t mrtIndex, Value& value) const;

  private:
    // One node for the whole segment; `note` says why its module was not lowered (may be empty).
    void appendOpaqueSegment(const Segment& segment, std::size_t partition, const std::string& op,
                             const std::string& note = {});

    const Document& document_;
    std::string file_;
    Graph& graph_;
    std::unordered_map<std::uint32_t, std::int64_t> resourceValues_;
};

} // namespace pteron::vgf
