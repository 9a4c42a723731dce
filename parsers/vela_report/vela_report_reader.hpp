// Readers that open Vela's reports on their own: the summary and per-layer CSVs, and the raw
// .npz output; each gives a model whose metadata holds the figures.
#pragma once

#include "parsers/registry.hpp"

namespace pteron::vela_report {

// CSV files whose header row has Vela's summary or per-layer columns. A summary gives a model
// with no graphs; a per-layer report gives one graph with a node per row.
FormatReader velaSummaryFormatReader();

// ".npz" ZIP archives (or any ZIP whose first entry is cmd_data.npy) of Vela's raw output: metadata
// for the command stream, weights, scratch and the placed inputs and outputs.
FormatReader velaRawFormatReader();

} // namespace pteron::vela_report
