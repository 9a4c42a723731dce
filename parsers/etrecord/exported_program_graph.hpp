// Turns one serialized torch.export ExportedProgram (the JSON ETRecord stores per program) into a
// graph: nodes with their out-variant ops and schema-positioned arguments, tensor values, user
// inputs, and parameters/buffers/constants filled from the program's state dict.
#pragma once

#include "core/graph.hpp"
#include "parsers/etrecord/torch_archive.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace pteron::etrecord {

// Where a program came from, for error messages, and the tensors its signature names.
struct ProgramSource {
    std::string file;   // the ETRecord's path
    std::string member; // the program's member name
    const SavedTensors* stateDict = nullptr;
    const SavedTensors* constants = nullptr;
};

// Fills `graph` (id, name and kind already set) from `program`; throws FormatError (format
// "etrecord") naming the member and the JSON path of anything malformed or unsupported.
void buildExportedProgramGraph(const nlohmann::json& program, const ProgramSource& source,
                               Graph& graph);

// The DType of an ExportedProgram ScalarType number (FLOAT is 7 there), Unknown if none.
DType dtypeOfSerializedScalarType(std::int64_t number);

} // namespace pteron::etrecord
