// Which graphs, nodes and graph inputs/outputs of two models correspond: a delegate and its
// TOSA, a TOSA and its VGF, a Vela input and its output, one program run two ways.
#pragma once

#include "core/model.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pteron {

struct GraphPairing {
    std::size_t left = 0;                                   // model graph index in the left model
    std::size_t right = 0;                                  // model graph index in the right model
    std::vector<std::pair<std::size_t, std::size_t>> nodes; // matched node indices
    std::size_t byName = 0;        // how many of `nodes` matched by output value names
    std::size_t byDebugHandle = 0; // how many matched through a recorded debug-handle map
    std::size_t score = 0;         // 2 per name or equal-op match, 1 per related-op match
};

// "tosa.CONV2D", "tflite.CONV_2D" and "aten::conv2d" all become "conv2d": format prefix dropped,
// lower case, letters and digits only.
std::string normalisedOp(std::string_view op);

// Integer node attribute: the index of the program instruction a node is (ExecuTorch programs).
inline constexpr std::string_view kInstructionAttribute = "instruction";
// Integer-list node attribute: the program instructions a recorded node became, from the
// debug-handle map of an ETRecord (the node's debug_handle listed under each instruction).
inline constexpr std::string_view kProgramInstructionsAttribute = "program instructions";

// Matches the nodes of two graphs. First a node recorded with the program instructions it
// became (kProgramInstructionsAttribute) pairs with the node of the other graph at the first of
// those instructions (kInstructionAttribute): the debug handles of an ETRecord against its
// program. Then nodes whose outputs share a value name (names of the
// form "%N" are generated, not meaningful, and are skipped); each node matches once, in execution
// order. Then the remaining nodes of both graphs by a weighted longest common subsequence of their
// normalised op names, which keeps the matches in execution order: equal names weigh 2, names
// where one holds the other (an NPU "conv" against a TOSA "conv2d") weigh 1, so exact matches win
// and differently spelled stages still line up. The subsequence is skipped when it would need
// more than `maxCells` table cells.
GraphPairing pairGraphs(const Graph& left, const Graph& right, std::size_t maxCells = 16'000'000);

enum class GraphRelation {
    SameInterface, // the same graph inputs and outputs (dtype and element count)
    ViaCaller,     // one is the payload of a call whose activation operands are the other's
};

struct GraphCorrespondence {
    std::size_t left = 0;  // graph index in the left model
    std::size_t right = 0; // graph index in the right model
    GraphRelation relation = GraphRelation::SameInterface;
    std::vector<std::pair<std::size_t, std::size_t>> nodes;   // node indices, in left order
    std::vector<std::pair<std::size_t, std::size_t>> inputs;  // graph input positions
    std::vector<std::pair<std::size_t, std::size_t>> outputs; // graph output positions
    std::size_t byName = 0; // node and terminal matches made by tensor name
};

// Pairs only graphs with a known correspondence: the same graph inputs and outputs (dtype and
// element count, so layout transposes agree: a TOSA and its VGF, a Vela input and its output),
// or one is the payload of a call whose activation operands are the other's interface (a .pte
// delegate and its TOSA, a Vela ethos-u operator's command stream and the Vela input). Throws
// std::invalid_argument when no graph pair corresponds. Pairs are taken by score and each node
// is mapped at most once on either side; graphs with the same interface also map their inputs
// and outputs, by tensor name where the names agree, else by position. Pairs that map nothing
// not already mapped are left out.
std::vector<GraphCorrespondence> correspondModels(const Model& left, const Model& right);

} // namespace pteron
