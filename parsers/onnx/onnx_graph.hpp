// Turns an ONNX GraphProto into graphs of the unified model, control-flow bodies as child graphs.
#pragma once

#include "core/model.hpp"
#include "parsers/onnx/onnx_constant_data.hpp"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace pteron {

struct OnnxGraphSite {
    std::string id;   // model-unique graph id
    std::string kind; // "graph" for the main graph, "region" for If/Loop/Scan bodies
    std::optional<std::size_t> parent; // model index of the graph whose node holds this one
    std::string wirePath;              // as locateRawData names it
    std::string where;                 // table path for errors, "ModelProto.graph"
};

// Adds the graph and, recursively, every graph its nodes' attributes hold; returns its index.
std::size_t addOnnxGraph(const ::onnx::GraphProto& proto, const OnnxGraphSite& site,
                         OnnxConstantData& constants, Model& model);

} // namespace pteron
