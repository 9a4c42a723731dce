// The input tensors of a `pteron run`: named .npy files, a folder of them, or seeded random values.
#pragma once

#include "app/cli/command_line.hpp"
#include "runtime/interpreter.hpp"

#include <string>
#include <vector>

namespace pteron {

struct RunInput {
    runtime::InputSpec spec;
    runtime::Tensor tensor;
    std::string source; // the .npy path, or "random (seed N)"
};

// One tensor per graph input, in order: `--input NAME=FILE.npy` (NAME is the input's name or
// its position), then `--inputs DIR` (DIR/NAME.npy, or DIR/inputN.npy / placeholder_N.npy by
// position), then seeded random values (`--seed N`, default 0). A file that does not exist is
// a RuntimeError naming the input.
std::vector<RunInput> gatherInputs(const Graph& graph, const CommandLine& line);

// A file name made from a value name: characters other than letters, digits, '-', '_' and '.'
// become '_', and the name is cut to 200 bytes.
std::string fileNameFor(const std::string& valueName);

} // namespace pteron
