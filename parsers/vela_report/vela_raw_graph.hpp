// Decodes the command stream of Vela's raw .npz output into a graph of NPU operations.
#pragma once

#include "core/model.hpp"
#include "parsers/vela_report/vela_raw_output.hpp"

namespace pteron::vela_report {

// Adds the graph "ethos-u" decoded from cmd_data, with weight_data as the contents of the weight
// region (region 0 unless weight_region says otherwise) and the input/output records as its
// inputs and outputs. A stream that does not decode adds no graph; its error goes to metadata
// "vela.command_stream_error".
void addRawCommandStreamGraph(Model& model, const VelaRawOutput& raw);

} // namespace pteron::vela_report
