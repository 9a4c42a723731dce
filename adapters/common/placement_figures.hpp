// Operators per backend, their share on NPUs and MACs per backend: the one definition of these
// figures, printed by `pteron info` and shown by the app's placement panel and properties.
#pragma once

#include "core/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pteron {

// What a set of nodes runs. A call whose child graphs were decoded (a delegate, a control-flow
// region) is one call, and its operators are those of its child graphs, counted the same way.
struct RunFigures {
    std::size_t calls = 0;
    std::size_t operators = 0;
    std::size_t npuOperators = 0; // operators placed on an NPU partition of their own graph
    std::optional<double> macs;   // summed over the operators whose MACs are known
    double npuMacs = 0;
    void add(const RunFigures& other);
};

// One row per top-level graph, backend and device.
struct BackendShare {
    std::string graph;
    std::string backend;
    DeviceClass device = DeviceClass::CPU;
    std::size_t operators = 0;  // operators, counted through decoded calls
    std::size_t calls = 0;      // calls of decoded child graphs
    std::optional<double> macs; // summed over the operators whose MACs are known
};

struct PlacementSummary {
    std::vector<BackendShare> rows;
    std::size_t operators = 0;    // every operator every top-level graph runs
    std::size_t npuOperators = 0; // those placed on an NPU partition
    double macs = 0;              // of the operators whose MACs are known
    double npuMacs = 0;
    double npuShare() const { return operators ? double(npuOperators) / double(operators) : 0.0; }
    double share(const BackendShare& row) const {
        return operators ? double(row.operators) / double(operators) : 0.0;
    }
    double npuMacShare() const { return macs > 0 ? npuMacs / macs : 0.0; }
};

// Numeric MACs a decoder recorded on a node: "macs", "ethosu.macs" or "vela.macs".
std::optional<double> nodeMacs(const Node& node);

// Recorded MACs, else MACs estimated from the operand shapes of a known compute op.
std::optional<double> operatorMacs(const Graph& graph, const Node& node);

// What the nodes of `graph` placed in `partition` run.
RunFigures partitionFigures(const Model& model, const Graph& graph, std::size_t partition);

PlacementSummary summarisePlacement(const Model& model);

} // namespace pteron
