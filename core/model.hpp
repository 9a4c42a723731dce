// One opened artifact: format, metadata, and every graph including decoded child graphs.
#pragma once

#include "core/attribute.hpp"
#include "core/graph.hpp"
#include "core/mapped_file.hpp"
#include "core/report_table.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

// A partition of one of the model's graphs: the graph's index and the partition's index in it.
struct PartitionRef {
    std::size_t graph = 0;
    std::size_t partition = 0;
};

struct Model {
    std::string path;
    std::string format; // "executorch", "tosa", "vgf", "tflite", "onnx", "etdump"
    std::string formatVersion;
    Attributes metadata;
    // Every graph: top-level ones have no parent; child graphs point at the graph that calls them.
    std::vector<Graph> graphs;
    // Mapped files whose bytes constants view (the artifact and companions such as a .ptd).
    std::vector<std::shared_ptr<const MappedFile>> files;
    // Tables reported about the model by other tools (Vela's per-layer rows), in the order added.
    std::vector<ReportTable> reportTables;

    std::size_t addGraph(Graph graph);
    const Graph* findGraph(std::string_view id) const;
    // The report table called `name`, or nullptr.
    const ReportTable* findReportTable(std::string_view name) const;
    std::vector<std::size_t> topLevelGraphs() const;
    // The partition of `graph`'s parent whose payload decoded into `graph`; nullopt for a
    // top-level graph or one no partition of its parent points to.
    std::optional<PartitionRef> sourcePartition(const Graph& graph) const;
    // Bytes of constant data over all graphs; a buffer shared by several tensors counts once.
    std::uint64_t constantBytes() const;
};

} // namespace pteron
