#include "parsers/pte/pte_reader.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "executorch_program_generated.h"
#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/pte/flat_tensor_reader.hpp"
#include "parsers/pte/pte_delegates.hpp"
#include "parsers/pte/pte_instructions.hpp"
#include "parsers/pte/pte_storage_views.hpp"
#include "parsers/pte/pte_values.hpp"

#include <filesystem>

namespace pteron {

namespace {

namespace fbp = fb::pte;

bool hasEtIdentifier(std::span<const std::byte> bytes) {
    return bytes.size() >= 8 && hasTag(bytes, 4, "ET") &&
           std::isdigit(std::to_integer<unsigned char>(bytes[6])) &&
           std::isdigit(std::to_integer<unsigned char>(bytes[7]));
}

bool looksLikePte(std::span<const std::byte> bytes, std::string_view path) {
    // Any "ETnn" identifier is claimed so other versions get a clear version error, and so is
    // any file named .pte so a damaged one is told what it should have been.
    return hasEtIdentifier(bytes) || std::filesystem::path(path).extension() == ".pte";
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

struct CompanionPath {
    std::string path;
    bool explicitlyGiven = false;
};

// Companions given explicitly (any extension), else a .ptd with the same stem beside the program.
std::vector<CompanionPath> companionPaths(const std::string& path, const ReadOptions& options) {
    std::vector<CompanionPath> paths;
    for (const auto& companion : options.companions)
        paths.push_back({companion, true});
    if (!paths.empty()) return paths;
    auto sibling = std::filesystem::path(path).replace_extension(".ptd");
    std::error_code error;
    if (sibling != std::filesystem::path(path) && std::filesystem::is_regular_file(sibling, error))
        paths.push_back({sibling.string(), false});
    return paths;
}

// An explicit companion must read; one found beside the program only adds a note when it does
// not, and the external constants it would have held stay marked unresolved.
void loadCompanions(PteProgram& program, const ReaderContext& context, Model& model) {
    for (const auto& companion : companionPaths(program.file->path(), context.options)) {
        try {
            auto companionFile = MappedFile::open(companion.path);
            // Read into a separate store so a companion that fails half way adds nothing.
            NamedDataStore companionData;
            const auto added = readFlatTensor(companionFile, companionData);
            program.namedData.addAll(companionData);
            model.files.push_back(companionFile);
            model.metadata.push_back(
                {"companion", companion.path + " (" + std::to_string(added) + " named tensors)"});
        } catch (const FormatError& error) {
            if (companion.explicitlyGiven) throw;
            model.metadata.push_back(
                {"companion error", companion.path + " not used: " + error.what()});
        }
    }
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
    const auto graphIndex = model.addGraph(std::move(graph));
    // Payloads first: a decoded child graph tells how a delegate call's arguments split.
    decodeDelegatePayloads(program, *plan, path, graphIndex, delegates, decoders, model);
    const auto signatures = delegateSignatures(model, graphIndex, delegates);
    auto& planGraph = model.graphs[graphIndex];
    decodePlanInstructions(program, *plan, path, signatures, planGraph);
    linkDelegateCalls(planGraph);
    addStorageViews(planGraph);
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
    if (!hasEtIdentifier(file->bytes()))
        throw FormatError(
            file->path(), kPteFormat, atOffset(4),
            "flatbuffer identifier ET12 at bytes 4..7 of a .pte program, found \"" +
                magicText(file->bytes().subspan(std::min<std::size_t>(4, file->bytes().size())),
                          4) +
                "\" (the file starts \"" + magicText(file->bytes(), 12) + "\")");
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
    loadCompanions(program, context, model);
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
