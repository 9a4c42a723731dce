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
    std::size_t operators = 0;
    std::optional<double> macs; // summed when nodes carry a "macs" attribute
};

struct PlacementSummary {
    std::vector<BackendShare> rows;
    std::size_t operators = 0;    // every node of every graph but calls of decoded child graphs
    std::size_t npuOperators = 0; // nodes placed on an NPU partition
    double npuShare() const { return operators ? double(npuOperators) / double(operators) : 0.0; }
};

// Numeric MACs of a node from "macs", "ethosu.macs" or "vela.macs".
std::optional<double> nodeMacs(const Node& node);

PlacementSummary summarisePlacement(const Model& model);

} // namespace pteron
