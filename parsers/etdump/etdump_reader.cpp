#include "parsers/etdump/etdump_reader.hpp"

#include "core/format_error.hpp"
#include "etdump_generated.h"
#include "parsers/etdump/etdump_file.hpp"
#include "parsers/etdump/etdump_values.hpp"

#include <filesystem>

namespace pteron {

namespace {

namespace fbe = fb::etdump;

constexpr std::int32_t kNoDelegateId = -1;

// The buffer named by ReadOptions::debugBuffer, else any companion that is not a named-data file.
std::shared_ptr<const MappedFile> debugBuffer(const ReadOptions& options) {
    if (!options.debugBuffer.empty()) return MappedFile::open(options.debugBuffer);
    for (const auto& companion : options.companions)
        if (std::filesystem::path(companion).extension() != ".ptd")
            return MappedFile::open(companion);
    return nullptr;
}

template <typename Event> void addDelegateIds(const Event& event, Node& node) {
    if (event.delegate_debug_id_int() != kNoDelegateId)
        node.attributes.push_back(
            {"delegate_debug_id_int", static_cast<std::int64_t>(event.delegate_debug_id_int())});
    if (event.delegate_debug_id_str())
        node.attributes.push_back({"delegate_debug_id_str", event.delegate_debug_id_str()->str()});
}

template <typename Event> bool isDelegateEvent(const Event& event) {
    return event.delegate_debug_id_int() != kNoDelegateId ||
           event.delegate_debug_id_str() != nullptr;
}

// Events a delegate logged about its own work sit apart from the host's kernel calls.
std::size_t placementOf(bool delegateEvent, Graph& graph) {
    if (!delegateEvent) return graph.hostPartition("executorch");
    for (std::size_t i = 0; i < graph.partitions.size(); ++i)
        if (graph.partitions[i].delegated) return i;
    Partition partition;
    partition.backend = "delegate";
    partition.device = DeviceClass::Unknown;
    partition.delegated = true;
    partition.note = "events a delegate logged; the trace does not name the backend";
    graph.partitions.push_back(std::move(partition));
    return graph.partitions.size() - 1;
}

Node profileNode(const fbe::ProfileEvent& event, Graph& graph) {
    Node node;
    node.name = event.name() ? event.name()->str() : std::string();
    node.op = "etdump." + (node.name.empty() ? std::string("unnamed") : node.name);
    node.partition = placementOf(isDelegateEvent(event), graph);
    node.attributes.push_back({"chain", static_cast<std::int64_t>(event.chain_index())});
    node.attributes.push_back(
        {"instruction_id", static_cast<std::int64_t>(event.instruction_id())});
    addDelegateIds(event, node);
    if (const auto* metadata = event.delegate_debug_metadata())
        node.attributes.push_back(
            {"delegate_debug_metadata", Blob{{metadata->begin(), metadata->end()}}});
    const auto start = event.start_time();
    const auto end = event.end_time();
    node.attributes.push_back({"start", static_cast<std::int64_t>(start)});
    node.attributes.push_back({"end", static_cast<std::int64_t>(end)});
    if (end >= start)
        node.attributes.push_back({"duration", static_cast<std::int64_t>(end - start)});
    return node;
}

Node debugNode(const fbe::DebugEvent& event, const DebugValueSource& source,
               const std::string& path, Graph& graph) {
    Node node;
    node.name = event.name() ? event.name()->str() : std::string();
    node.op = "etdump.debug";
    node.partition = placementOf(isDelegateEvent(event), graph);
    node.attributes.push_back({"chain", static_cast<std::int64_t>(event.chain_index())});
    node.attributes.push_back(
        {"instruction_id", static_cast<std::int64_t>(event.instruction_id())});
    addDelegateIds(event, node);
    if (event.debug_entry())
        addDebugEntry(*event.debug_entry(), source, path + ".debug_entry", graph, node);
    return node;
}

Node allocationNode(const fbe::AllocationEvent& event, const fbe::RunData& run, Graph& graph) {
    Node node;
    node.op = "etdump.allocation";
    node.partition = graph.hostPartition("executorch");
    const auto id = event.allocator_id();
    node.attributes.push_back({"allocator_id", static_cast<std::int64_t>(id)});
    const auto* allocators = run.allocators();
    if (allocators && id >= 0 && static_cast<flatbuffers::uoffset_t>(id) < allocators->size() &&
        allocators->Get(static_cast<flatbuffers::uoffset_t>(id))->name())
        node.attributes.push_back(
            {"allocator", allocators->Get(static_cast<flatbuffers::uoffset_t>(id))->name()->str()});
    node.attributes.push_back(
        {"allocation_size", static_cast<std::int64_t>(event.allocation_size())});
    return node;
}

Graph runGraph(const fbe::RunData& run, std::size_t index, const DebugValueSource& source) {
    Graph graph;
    graph.name = run.name() ? run.name()->str() : "run";
    graph.id = graph.name + "#" + std::to_string(index);
    graph.kind = "run";
    graph.hostPartition("executorch");
    if (run.bundled_input_index() != -1)
        graph.attributes.push_back(
            {"bundled input index", static_cast<std::int64_t>(run.bundled_input_index())});
    if (const auto* allocators = run.allocators()) {
        std::vector<std::string> names;
        for (const auto* allocator : *allocators)
            names.push_back(allocator->name() ? allocator->name()->str() : "");
        graph.attributes.push_back({"allocators", std::move(names)});
    }
    if (!run.events()) return graph;
    const std::string runPath = "ETDump.run_data[" + std::to_string(index) + "]";
    for (flatbuffers::uoffset_t i = 0; i < run.events()->size(); ++i) {
        const auto* event = run.events()->Get(i);
        const std::string path = runPath + ".events[" + std::to_string(i) + "]";
        if (event->profile_event())
            graph.nodes.push_back(profileNode(*event->profile_event(), graph));
        else if (event->debug_event())
            graph.nodes.push_back(
                debugNode(*event->debug_event(), source, path + ".debug_event", graph));
        else if (event->allocation_event())
            graph.nodes.push_back(allocationNode(*event->allocation_event(), run, graph));
        else
            throw FormatError(source.file, kEtdumpFormat, path,
                              "one of profile_event, allocation_event, debug_event");
    }
    return graph;
}

Model readEtdump(std::shared_ptr<const MappedFile> file, const ReaderContext& context) {
    const auto& root = verifiedEtdump(*file);
    DebugValueSource source{file->path(), debugBuffer(context.options)};
    Model model;
    model.path = file->path();
    model.format = kEtdumpFormat;
    model.formatVersion = "ED00";
    model.files.push_back(file);
    model.metadata.push_back({"schema version", static_cast<std::int64_t>(root.version())});
    model.metadata.push_back(
        {"size prefix", static_cast<std::int64_t>(flatbuffers::GetPrefixedSize(
                            reinterpret_cast<const std::uint8_t*>(file->bytes().data())))});
    model.metadata.push_back(
        {"time unit", std::string("ticks of the runtime clock (ns or cycles)")});
    if (source.buffer) {
        model.files.push_back(source.buffer);
        model.metadata.push_back({"debug buffer", source.buffer->path()});
    }
    const auto* runs = root.run_data();
    model.metadata.push_back({"runs", static_cast<std::int64_t>(runs ? runs->size() : 0)});
    if (!runs) return model;
    for (flatbuffers::uoffset_t i = 0; i < runs->size(); ++i)
        model.addGraph(runGraph(*runs->Get(i), i, source));
    return model;
}

} // namespace

FormatReader etdumpFormatReader() {
    return {kEtdumpFormat, looksLikeEtdump, readEtdump};
}

} // namespace pteron
