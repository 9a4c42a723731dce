#include "parsers/onnx/onnx_reader.hpp"

#include "core/format_error.hpp"
#include "parsers/onnx/onnx_constant_data.hpp"
#include "parsers/onnx/onnx_graph.hpp"
#include "parsers/onnx/onnx_wire.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>

namespace pteron {

namespace {

// Tags of the ModelProto fields that can follow ir_version: producer_name, producer_version,
// domain, model_version, doc_string, graph, opset_import, metadata_props.
constexpr std::array<unsigned, 8> kSecondFieldTags{0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72};

// A ModelProto nearly always opens with a small ir_version (field 1, varint) followed by another
// of its fields; the check needs no parse and rejects other formats' headers.
bool looksLikeOnnx(std::span<const std::byte> bytes, std::string_view path) {
    if (std::filesystem::path(path).extension() == ".onnx") return true;
    if (bytes.size() < 4 || bytes[0] != std::byte{0x08}) return false;
    const auto version = std::to_integer<unsigned>(bytes[1]);
    const auto tag = std::to_integer<unsigned>(bytes[2]);
    return version > 0 && version < 0x40 &&
           std::find(kSecondFieldTags.begin(), kSecondFieldTags.end(), tag) !=
               kSecondFieldTags.end();
}

void addModelMetadata(const ::onnx::ModelProto& proto, Model& model) {
    model.metadata.push_back({"ir version", static_cast<std::int64_t>(proto.ir_version())});
    if (!proto.producer_name().empty())
        model.metadata.push_back({"producer", proto.producer_name()});
    if (!proto.producer_version().empty())
        model.metadata.push_back({"producer version", proto.producer_version()});
    if (!proto.domain().empty()) model.metadata.push_back({"domain", proto.domain()});
    if (proto.has_model_version())
        model.metadata.push_back(
            {"model version", static_cast<std::int64_t>(proto.model_version())});
    if (!proto.doc_string().empty()) model.metadata.push_back({"doc", proto.doc_string()});
    for (const auto& opset : proto.opset_import()) {
        const auto domain = opset.domain().empty() ? std::string("ai.onnx") : opset.domain();
        model.metadata.push_back({"opset " + domain, static_cast<std::int64_t>(opset.version())});
    }
    for (const auto& entry : proto.metadata_props())
        model.metadata.push_back({"property " + entry.key(), entry.value()});
    if (proto.functions_size() > 0)
        model.metadata.push_back(
            {"local functions", static_cast<std::int64_t>(proto.functions_size())});
    if (proto.training_info_size() > 0)
        model.metadata.push_back(
            {"training info entries", static_cast<std::int64_t>(proto.training_info_size())});
}

Model readOnnx(std::shared_ptr<const MappedFile> file, const ReaderContext&) {
    const auto bytes = file->bytes();
    // protobuf cannot parse messages of 2 GiB or more; such models keep weights in external files.
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw FormatError(
            file->path(), kOnnxFormat, atOffset(0),
            "a model file below 2 GiB (protobuf's limit; larger models store weights as "
            "external data), found " +
                std::to_string(bytes.size()) + " bytes");
    ::onnx::ModelProto proto;
    if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw FormatError(
            file->path(), kOnnxFormat, "ModelProto",
            "a well-formed protobuf ModelProto (a field length or tag runs past the end or "
            "nests too deep)");
    if (!proto.has_graph())
        throw FormatError(file->path(), kOnnxFormat, "ModelProto.graph", "a main graph");

    Model model;
    model.path = file->path();
    model.format = kOnnxFormat;
    model.formatVersion = "IR " + std::to_string(proto.ir_version());
    model.files.push_back(file);
    addModelMetadata(proto, model);

    auto locations = locateRawData(bytes);
    if (!locations)
        model.metadata.push_back({"raw data", std::string("copied (file uses protobuf groups)")});
    OnnxConstantData constants(file, std::move(locations));
    const auto& graph = proto.graph();
    const OnnxGraphSite site{graph.name().empty() ? "main" : graph.name(), "graph", std::nullopt,
                             "graph", "ModelProto.graph"};
    addOnnxGraph(graph, site, constants, model);
    for (auto& extra : constants.files())
        model.files.push_back(std::move(extra));
    if (constants.copiedTensors() > 0)
        model.metadata.push_back(
            {"decoded constant tensors", static_cast<std::int64_t>(constants.copiedTensors())});
    return model;
}

} // namespace

FormatReader onnxFormatReader() {
    return {kOnnxFormat, looksLikeOnnx, readOnnx};
}

} // namespace pteron
