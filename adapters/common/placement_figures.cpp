#include "adapters/common/placement_figures.hpp"

#include "adapters/common/op_macs.hpp"

#include <array>
#include <map>
#include <utility>

namespace pteron {

namespace {

// Decoded payloads nest a level or two; a deeper chain can only be a malformed model.
constexpr std::size_t kMaxCallDepth = 16;

class Counter {
  public:
    explicit Counter(const Model& model) : model_(model), figures_(model.graphs.size()) {}

    // What one node runs.
    RunFigures node(const Graph& graph, const Node& node, std::size_t depth = 0) {
        RunFigures run;
        if (!node.childGraphs.empty()) {
            for (const auto child : node.childGraphs)
                if (child < model_.graphs.size() && depth < kMaxCallDepth)
                    run.add(graphFigures(child, depth + 1));
            run.calls = 1; // the child graphs' own calls are counted in their rows
            return run;
        }
        run.operators = 1;
        const bool npu = node.partition < graph.partitions.size() &&
                         graph.partitions[node.partition].device == DeviceClass::NPU;
        run.npuOperators = npu ? 1 : 0;
        run.macs = operatorMacs(graph, node);
        if (npu && run.macs) run.npuMacs = *run.macs;
        return run;
    }

  private:
    RunFigures graphFigures(std::size_t index, std::size_t depth) {
        if (auto& known = figures_[index]) return *known;
        RunFigures run;
        const auto& graph = model_.graphs[index];
        for (const auto& member : graph.nodes)
            run.add(node(graph, member, depth));
        figures_[index] = run;
        return run;
    }

    const Model& model_;
    std::vector<std::optional<RunFigures>> figures_;
};

// Graphs no node calls: the ones whose figures are counted directly.
std::vector<bool> calledGraphs(const Model& model) {
    std::vector<bool> called(model.graphs.size(), false);
    for (const auto& graph : model.graphs)
        for (const auto& node : graph.nodes)
            for (const auto child : node.childGraphs)
                if (child < called.size()) called[child] = true;
    return called;
}

} // namespace

void RunFigures::add(const RunFigures& other) {
    calls += other.calls;
    operators += other.operators;
    npuOperators += other.npuOperators;
    if (other.macs) macs = macs.value_or(0) + *other.macs;
    npuMacs += other.npuMacs;
}

std::optional<double> nodeMacs(const Node& node) {
    static constexpr std::array<std::string_view, 3> kNames{"macs", "ethosu.macs", "vela.macs"};
    for (auto name : kNames) {
        const auto* attribute = findAttribute(node.attributes, name);
        if (!attribute) continue;
        if (const auto* integer = std::get_if<std::int64_t>(&attribute->value))
            return double(*integer);
        if (const auto* real = std::get_if<double>(&attribute->value)) return *real;
    }
    return std::nullopt;
}

std::optional<double> operatorMacs(const Graph& graph, const Node& node) {
    if (auto recorded = nodeMacs(node)) return recorded;
    return estimateMacs(graph, node);
}

RunFigures partitionFigures(const Model& model, const Graph& graph, std::size_t partition) {
    Counter counter(model);
    RunFigures run;
    for (const auto& node : graph.nodes)
        if (node.partition == partition) run.add(counter.node(graph, node));
    return run;
}

PlacementSummary summarisePlacement(const Model& model) {
    PlacementSummary summary;
    Counter counter(model);
    const auto called = calledGraphs(model);
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        if (called[g]) continue;
        const auto& graph = model.graphs[g];
        // One row per backend and device of the graph, however many partitions share them.
        std::map<std::pair<std::string, DeviceClass>, BackendShare> rows;
        for (const auto& node : graph.nodes) {
            if (node.partition >= graph.partitions.size()) continue;
            const auto& partition = graph.partitions[node.partition];
            auto& row = rows[{partition.backend, partition.device}];
            row.graph = graph.id;
            row.backend = partition.backend;
            row.device = partition.device;
            const auto run = counter.node(graph, node);
            row.calls += node.childGraphs.empty() ? 0 : 1;
            row.operators += run.operators;
            summary.operators += run.operators;
            summary.npuOperators += run.npuOperators;
            if (run.macs) {
                row.macs = row.macs.value_or(0) + *run.macs;
                summary.macs += *run.macs;
            }
            summary.npuMacs += run.npuMacs;
        }
        for (auto& [key, row] : rows)
            summary.rows.push_back(std::move(row));
    }
    return summary;
}

} // namespace pteron
