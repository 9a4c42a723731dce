// Operators per backend, their share on NPUs and MACs per backend, computed from a model.
#pragma once

#include "core/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pteron {

struct BackendShare {
    std::string graph;
    std::string backend;
    DeviceClass device = DeviceClass::CPU;
    std::size_t operators = 0;  // nodes but calls of decoded child graphs
    std::size_t calls = 0;      // calls of decoded child graphs, counted through their operations
    std::optional<double> macs; // summed over the operators whose MACs are known
};

struct PlacementSummary {
    std::vector<BackendShare> rows;
    std::size_t operators = 0;    // every node of every graph but calls of decoded child graphs
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

PlacementSummary summarisePlacement(const Model& model);

} // namespace pteron
