#include "parsers/pte/pte_reader.hpp"

#include "core/format_error.hpp"
#include "executorch_program_generated.h"
#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/common/little_endian_reader.hpp"
#include "parsers/pte/flat_tensor_reader.hpp"
#include "parsers/pte/pte_delegates.hpp"
#include "parsers/pte/pte_instructions.hpp"
#include "parsers/pte/pte_values.hpp"

#include <filesystem>

namespace pteron {

namespace {

namespace fbp = fb::pte;

bool looksLikePte(std::span<const std::byte> bytes, std::string_view) {
    // Any "ETnn" identifier is claimed so other versions get a clear version error.
    return bytes.size() >= 8 && hasTag(bytes, 4, "ET") &&
           std::isdigit(std::to_integer<unsigned char>(bytes[6])) &&
           std::isdigit(std::to_integer<unsigned char>(bytes[7]));
}

void loadNamedData(PteProgram& program) {
    const auto* named = program.root->named_data();
    if (!named) return;
    for (flatbuffers::uoffset_t i = 0; i < named->size(); ++i) {
        const auto* entry = named->Get(i);
        const std::string path = "Program.named_data[" + std::to_string(i) + "]";
        if (!entry->key()) program.fail(path + ".key", "a key");
        program.namedData.add(
            entry->key()->str(),
            NamedBlob{program.segment(entry->segment_index(), path), "program", {}, {}});
    }
}

// Companions given explicitly, else a .ptd with the same stem beside the program.
std::vector<std::string> companionPaths(const std::string& path, const ReadOptions& options) {
    std::vector<std::string> paths;
    for (const auto& companion : options.companions)
        if (std::filesystem::path(companion).extension() == ".ptd") paths.push_back(companion);
    if (!paths.empty()) return paths;
    auto sibling = std::filesystem::path(path).replace_extension(".ptd");
    std::error_code error;
    if (std::filesystem::is_regular_file(sibling, error)) paths.push_back(sibling.string());
    return paths;
}

void markIo(Graph& graph, const flatbuffers::Vector<std::int32_t>* indices, ValueKind kind,
            std::vector<std::int64_t>& list, const PteProgram& program, const std::string& path) {
    if (!indices) return;
    for (flatbuffers::uoffset_t i = 0; i < indices->size(); ++i) {
        const auto index = indices->Get(i);
        if (index < 0 || static_cast<std::size_t>(index) >= graph.values.size())
            program.fail(path + "[" + std::to_string(i) + "]",
                         "a value index below " + std::to_string(graph.values.size()));
        list.push_back(index);
        auto& value = graph.values[static_cast<std::size_t>(index)];
        if (value.kind == ValueKind::Intermediate || value.kind == ValueKind::Input)
            value.kind = kind;
    }
}

void addPlanAttributes(const fbp::ExecutionPlan& plan, Graph& graph) {
    if (const auto* meta = plan.container_meta_type()) {
        if (meta->encoded_inp_str())
            graph.attributes.push_back({"input spec", meta->encoded_inp_str()->str()});
        if (meta->encoded_out_str())
            graph.attributes.push_back({"output spec", meta->encoded_out_str()->str()});
    }
    if (const auto* sizes = plan.non_const_buffer_sizes()) {
        std::vector<std::int64_t> values(sizes->begin(), sizes->end());
        graph.attributes.push_back({"memory-planned buffer sizes", std::move(values)});
    }
}

void readPlan(const PteProgram& program, flatbuffers::uoffset_t planIndex,
              const PayloadDecoders& decoders, Model& model) {
    const auto* plan = program.root->execution_plan()->Get(planIndex);
    const std::string path = "Program.execution_plan[" + std::to_string(planIndex) + "]";
    Graph graph;
    graph.name = plan->name() ? plan->name()->str() : "plan" + std::to_string(planIndex);
    graph.id = graph.name;
    graph.kind = "method";
    addPlanAttributes(*plan, graph);
    decodePlanValues(program, *plan, path, graph);
    markIo(graph, plan->inputs(), ValueKind::Input, graph.inputs, program, path + ".inputs");
    markIo(graph, plan->outputs(), ValueKind::Output, graph.outputs, program, path + ".outputs");
    graph.hostPartition("portable");
    const auto delegates = addDelegatePartitions(program, *plan, path, graph);
    decodePlanInstructions(program, *plan, path, delegates, graph);
    const auto graphIndex = model.addGraph(std::move(graph));
    decodeDelegatePayloads(program, *plan, path, graphIndex, delegates, decoders, model);
}

void addProgramMetadata(const PteProgram& program, Model& model) {
    const auto& layout = program.layout;
    model.metadata.push_back(
        {"schema version", static_cast<std::int64_t>(program.root->version())});
    model.metadata.push_back(
        {"extended header", layout.hasExtendedHeader()
                                ? "eh00, " + std::to_string(layout.headerLength) + " bytes"
                                : std::string("none")});
    model.metadata.push_back({"program bytes", static_cast<std::int64_t>(layout.programSize)});
    const auto* segments = program.root->segments();
    model.metadata.push_back(
        {"segments", static_cast<std::int64_t>(segments ? segments->size() : 0)});
    const bool legacy =
        program.root->constant_buffer() && program.root->constant_buffer()->size() > 0;
    model.metadata.push_back(
        {"constant storage", std::string(legacy ? "inline constant_buffer (legacy)"
                                         : program.root->constant_segment() ? "constant segment"
                                                                            : "none")});
    model.metadata.push_back(
        {"named data entries", static_cast<std::int64_t>(program.namedData.size())});
}

Model readPte(std::shared_ptr<const MappedFile> file, const ReaderContext& context) {
    if (!hasTag(file->bytes(), 4, "ET12"))
        throw FormatError(file->path(), kPteFormat, atOffset(4),
                          "identifier ET12 (the only published program version), found \"" +
                              magicText(file->bytes().subspan(4), 4) + "\"");
    PteProgram program;
    program.file = file;
    program.layout = readPteLayout(*file);
    program.root = verifiedRoot<fbp::Program>(file->bytes().first(program.layout.programSize),
                                              "ET12", {file->path(), kPteFormat, "Program", 0});
    loadNamedData(program);

    Model model;
    model.path = file->path();
    model.format = kPteFormat;
    model.formatVersion = "ET12";
    model.files.push_back(file);
    for (const auto& companion : companionPaths(file->path(), context.options)) {
        auto companionFile = MappedFile::open(companion);
        const auto added = readFlatTensor(companionFile, program.namedData);
        model.files.push_back(companionFile);
        model.metadata.push_back(
            {"companion", companion + " (" + std::to_string(added) + " named tensors)"});
    }
    addProgramMetadata(program, model);
    if (!program.root->execution_plan() || program.root->execution_plan()->size() == 0)
        throw FormatError(file->path(), kPteFormat, "Program.execution_plan",
                          "at least one execution plan");
    for (flatbuffers::uoffset_t i = 0; i < program.root->execution_plan()->size(); ++i)
        readPlan(program, i, context.payloadDecoders, model);
    return model;
}

} // namespace

FormatReader pteFormatReader() {
    return {"executorch", looksLikePte, readPte};
}

} // namespace pteron
