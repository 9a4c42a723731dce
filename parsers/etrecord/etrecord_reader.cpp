#include "parsers/etrecord/etrecord_reader.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "core/model_correspondence.hpp"
#include "parsers/common/zip_archive.hpp"
#include "parsers/etrecord/exported_program_graph.hpp"
#include "parsers/etrecord/torch_archive.hpp"
#include "parsers/pte/pte_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <optional>

namespace pteron {

namespace {

using Json = nlohmann::json;
using etrecord::SavedTensors;

const std::string kFormat = "etrecord";
constexpr std::string_view kIdentifier = "ETRECORD_V0";
constexpr std::string_view kEdgeProgram = "edge_dialect_exported_program";
// Nesting deeper than any ExportedProgram needs is refused before it can exhaust the stack.
constexpr int kMaxJsonDepth = 512;

constexpr std::array<std::string_view, 9> kReservedMembers{"ETRECORD_V0",
                                                           "debug_handle_map",
                                                           "delegate_map",
                                                           "instruction_id_to_num_outs_map",
                                                           "export_graph_id",
                                                           "reference_outputs",
                                                           "representative_inputs",
                                                           "program_buffer",
                                                           "et_dialect_graph_module"};
constexpr std::array<std::string_view, 3> kSidecarSuffixes{"_state_dict", "_constants",
                                                           "_example_inputs"};

[[noreturn]] void fail(const std::string& file, const std::string& where,
                       const std::string& expected) {
    throw FormatError(file, kFormat, where, expected);
}

// A PK\3\4 local header whose member is ETRECORD_V0, as the writer puts first; damaged copies
// are still told what they should have been.
bool startsWithIdentifier(std::span<const std::byte> bytes) {
    if (!hasTag(bytes, 0, "PK\x03\x04") || bytes.size() < 30 + kIdentifier.size()) return false;
    const auto nameLength =
        static_cast<std::size_t>(bytes[26]) | (static_cast<std::size_t>(bytes[27]) << 8);
    return nameLength == kIdentifier.size() && hasTag(bytes, 30, kIdentifier);
}

bool hasIdentifierMember(std::span<const std::byte> bytes) {
    if (!hasTag(bytes, 0, "PK\x03\x04")) return false;
    try {
        const ZipArchive zip(ByteView(nullptr, bytes), "");
        return zip.find(kIdentifier) != nullptr;
    } catch (const FormatError&) {
        return false;
    }
}

bool isSidecar(std::string_view name) {
    return std::any_of(kSidecarSuffixes.begin(), kSidecarSuffixes.end(),
                       [&](auto suffix) { return name.ends_with(suffix); });
}

bool isReserved(std::string_view name) {
    return std::find(kReservedMembers.begin(), kReservedMembers.end(), name) !=
           kReservedMembers.end();
}

class EtrecordArchive {
  public:
    explicit EtrecordArchive(std::shared_ptr<const MappedFile> file)
        : file_(std::move(file)), zip_(openZip(file_)) {
        if (!zip_.find(kIdentifier))
            fail(file_->path(), "central directory", "a member named ETRECORD_V0");
    }

    const ZipArchive& zip() const { return zip_; }
    const std::string& path() const { return file_->path(); }

    std::optional<ByteView> member(std::string_view name) const {
        const auto* entry = zip_.find(name);
        if (!entry) return std::nullopt;
        return zip_.contents(*entry);
    }

    Json json(std::string_view name) const {
        const auto bytes = member(name);
        if (!bytes) fail(path(), "central directory", "a member " + std::string(name));
        const auto* begin = reinterpret_cast<const char*>(bytes->bytes().data());
        const auto where = "member " + std::string(name);
        const Json::parser_callback_t limitDepth = [&](int depth, Json::parse_event_t, Json&) {
            if (depth > kMaxJsonDepth)
                fail(path(), where,
                     "JSON nested at most " + std::to_string(kMaxJsonDepth) + " deep");
            return true;
        };
        try {
            return Json::parse(begin, begin + bytes->size(), limitDepth);
        } catch (const Json::exception& error) {
            fail(path(), where, std::string("JSON: ") + error.what());
        }
    }

    std::optional<SavedTensors> tensors(const std::string& name) const {
        const auto bytes = member(name);
        if (!bytes) return std::nullopt;
        return etrecord::readTorchArchive(*bytes, path() + "!" + name);
    }

  private:
    // A damaged container is reported as the ETRecord it claims to be.
    static ZipArchive openZip(const std::shared_ptr<const MappedFile>& file) {
        try {
            return ZipArchive(ByteView(file, file->bytes()), file->path());
        } catch (const FormatError& error) {
            fail(file->path(), error.where(), "a complete ZIP archive: " + error.expected());
        }
    }

    std::shared_ptr<const MappedFile> file_;
    ZipArchive zip_;
};

struct ProgramMember {
    std::string member;
    std::string graphId;
    std::string kind;
    std::string dialect;
};

// Programs in display order: the edge-dialect methods (forward first), then the others.
std::vector<ProgramMember> programMembers(const ZipArchive& zip) {
    std::vector<ProgramMember> edge;
    std::vector<ProgramMember> others;
    const std::string methodPrefix = std::string(kEdgeProgram) + "/";
    for (const auto& entry : zip.entries()) {
        const auto& name = entry.name;
        if (isReserved(name) || name.ends_with("/")) continue;
        if (name.starts_with(methodPrefix)) {
            if (!isSidecar(name))
                edge.push_back({name, name.substr(methodPrefix.size()), "method", "edge"});
            continue;
        }
        if (name == kEdgeProgram) {
            edge.push_back({name, "forward", "method", "edge"});
            continue;
        }
        if (isSidecar(name)) continue;
        others.push_back(
            {name, name, "exported-program", name == "exported_program" ? "aten" : ""});
    }
    std::stable_sort(edge.begin(), edge.end(), [](const auto& a, const auto& b) {
        return (a.graphId == "forward") > (b.graphId == "forward");
    });
    edge.insert(edge.end(), others.begin(), others.end());
    return edge;
}

void readProgram(const EtrecordArchive& archive, const ProgramMember& program, Model& model) {
    const auto stateDict = archive.tensors(program.member + "_state_dict");
    const auto constants = archive.tensors(program.member + "_constants");
    const auto json = archive.json(program.member);
    Graph graph;
    graph.id = model.findGraph(program.graphId) ? program.member : program.graphId;
    graph.name = graph.id;
    graph.kind = program.kind;
    if (!program.dialect.empty()) graph.attributes.push_back({"dialect", program.dialect});
    etrecord::ProgramSource source{archive.path(), program.member,
                                   stateDict ? &*stateDict : nullptr,
                                   constants ? &*constants : nullptr};
    etrecord::buildExportedProgramGraph(json, source, graph);
    if (stateDict) {
        graph.attributes.push_back(
            {"state dict tensors", static_cast<std::int64_t>(stateDict->tensors.size())});
        if (!stateDict->serializationVersion.empty())
            graph.attributes.push_back(
                {"torch.save serialization version", stateDict->serializationVersion});
    }
    if (constants)
        graph.attributes.push_back(
            {"constant tensors", static_cast<std::int64_t>(constants->tensors.size())});
    if (archive.member(program.member + "_example_inputs"))
        graph.attributes.push_back({"example inputs", std::string("recorded (not read)")});
    model.addGraph(std::move(graph));
}

std::string handleList(const Json& handles) {
    if (!handles.is_array()) return handles.dump();
    std::string text;
    for (const auto& handle : handles)
        text += (text.empty() ? "" : ", ") + handle.dump();
    return "[" + text + "]";
}

// {method: {instruction: handles}}; old files write a flat {} without methods.
void addDebugHandleMap(const Json& map, Model& model) {
    if (!map.is_object()) return;
    for (const auto& [method, instructions] : map.items()) {
        if (!instructions.is_object()) continue;
        model.metadata.push_back({"debug_handle_map " + method + " instructions",
                                  static_cast<std::int64_t>(instructions.size())});
        for (const auto& [instruction, handles] : instructions.items())
            model.metadata.push_back({"debug_handle_map " + method + " instruction " + instruction,
                                      handleList(handles)});
        // Nodes of the method's edge graph learn which program instructions they became.
        const auto& methodName = method; // a lambda may not capture a structured binding
        const auto graph = std::find_if(model.graphs.begin(), model.graphs.end(),
                                        [&](const Graph& g) { return g.id == methodName; });
        if (graph == model.graphs.end()) continue;
        for (auto& node : graph->nodes) {
            const auto* handle = findAttribute(node.attributes, "debug_handle");
            const auto* number = handle ? std::get_if<std::int64_t>(&handle->value) : nullptr;
            if (!number) continue;
            std::vector<std::int64_t> ids;
            for (const auto& [instruction, handles] : instructions.items()) {
                if (!handles.is_array()) continue;
                for (const auto& item : handles)
                    if (item.is_number_integer() && item.get<std::int64_t>() == *number) {
                        std::int64_t id = 0;
                        try {
                            id = std::stoll(instruction);
                        } catch (const std::exception&) {
                            continue;
                        }
                        ids.push_back(id);
                    }
            }
            std::sort(ids.begin(), ids.end());
            if (!ids.empty())
                node.attributes.push_back({std::string(kProgramInstructionsAttribute), ids});
        }
    }
}

// {method: {instruction: {name: backend, delegate_map: {id: handles}}}}
void addDelegateMap(const Json& map, Model& model) {
    if (!map.is_object()) return;
    for (const auto& [method, instructions] : map.items()) {
        if (!instructions.is_object()) continue;
        for (const auto& [instruction, entry] : instructions.items()) {
            std::string text;
            if (entry.is_object() && entry.contains("name") && entry["name"].is_string())
                text = entry["name"].get<std::string>();
            if (entry.is_object() && entry.contains("delegate_map") &&
                entry["delegate_map"].is_object()) {
                std::string ids;
                for (const auto& [id, handles] : entry["delegate_map"].items())
                    ids += (ids.empty() ? "" : ", ") + id + ": " + handleList(handles);
                text += " {" + ids + "}";
            }
            model.metadata.push_back(
                {"delegate_map " + method + " instruction " + instruction, text});
        }
    }
}

void addMaps(const EtrecordArchive& archive, Model& model) {
    if (archive.member("debug_handle_map")) {
        const auto map = archive.json("debug_handle_map");
        model.metadata.push_back(
            {"debug_handle_map entries", static_cast<std::int64_t>(map.size())});
        addDebugHandleMap(map, model);
    }
    if (archive.member("delegate_map")) {
        const auto map = archive.json("delegate_map");
        model.metadata.push_back({"delegate_map entries", static_cast<std::int64_t>(map.size())});
        addDelegateMap(map, model);
    }
    if (archive.member("instruction_id_to_num_outs_map")) {
        const auto map = archive.json("instruction_id_to_num_outs_map");
        for (const auto& [method, instructions] : map.items())
            if (instructions.is_object())
                for (const auto& [instruction, count] : instructions.items())
                    model.metadata.push_back(
                        {"outputs of " + method + " instruction " + instruction, count.dump()});
    }
    if (archive.member("export_graph_id")) {
        const auto id = archive.json("export_graph_id");
        model.metadata.push_back({"export_graph_id", id.dump()});
    }
    for (const std::string name : {"reference_outputs", "representative_inputs"})
        if (const auto bytes = archive.member(name))
            model.metadata.push_back(
                {name, "recorded, " + std::to_string(bytes->size()) + " bytes (not read)"});
}

// The ExecuTorch program the oldest writer embedded: its graphs follow the recorded ones.
void addEmbeddedProgram(const EtrecordArchive& archive, const ReaderContext& context,
                        Model& model) {
    const auto bytes = archive.member("program_buffer");
    if (!bytes) return;
    const auto embedded = MappedFile::fromBytes(archive.path() + "!program_buffer", bytes->bytes());
    Model program = pteFormatReader().read(embedded, context);
    const auto offset = model.graphs.size();
    for (auto& graph : program.graphs) {
        graph.id = "program/" + graph.id;
        if (graph.parent) *graph.parent += offset;
        for (auto& partition : graph.partitions)
            if (partition.childGraph) *partition.childGraph += offset;
        for (auto& node : graph.nodes)
            for (auto& child : node.childGraphs)
                child += offset;
        model.graphs.push_back(std::move(graph));
    }
    model.files.insert(model.files.end(), program.files.begin(), program.files.end());
    model.metadata.push_back({"embedded program", program.format + " " + program.formatVersion});
}

Model readEtrecord(std::shared_ptr<const MappedFile> file, const ReaderContext& context) {
    const EtrecordArchive archive(file);
    Model model;
    model.path = file->path();
    model.format = "etrecord";
    model.formatVersion = std::string(kIdentifier);
    model.files.push_back(file);
    model.metadata.push_back({"container", std::string("ExecuTorch ETRecord (ZIP)")});
    model.metadata.push_back(
        {"members", static_cast<std::int64_t>(archive.zip().entries().size())});
    const auto programs = programMembers(archive.zip());
    if (programs.empty())
        fail(file->path(), "central directory", "at least one recorded ExportedProgram member");
    for (const auto& program : programs)
        readProgram(archive, program, model);
    addMaps(archive, model);
    addEmbeddedProgram(archive, context, model);
    return model;
}

} // namespace

FormatReader etrecordFormatReader() {
    return {"etrecord",
            [](std::span<const std::byte> bytes, std::string_view) {
                return startsWithIdentifier(bytes) || hasIdentifierMember(bytes);
            },
            readEtrecord};
}

} // namespace pteron
