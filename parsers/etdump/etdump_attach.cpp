#include "parsers/etdump/etdump_attach.hpp"

#include "core/format_error.hpp"
#include "etdump_generated.h"
#include "parsers/etdump/etdump_file.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

namespace pteron {

namespace {

namespace fbe = fb::etdump;

constexpr std::string_view kExecuteRun = "Execute";
constexpr std::string_view kKernelPrefix = "native_call_";

// The runtime's own per-instruction events; each one is one execution of the instruction.
bool isInstructionCall(std::string_view name) {
    return name == "OPERATOR_CALL" || name == "DELEGATE_CALL" || name == "MOVE_CALL" ||
           name == "FREE_CALL" || name == "JF_CALL";
}

struct Durations {
    std::vector<std::uint64_t> ticks;

    void add(std::uint64_t value) { ticks.push_back(value); }
    void addTo(Attributes& attributes, const std::string& prefix) const {
        if (ticks.empty()) return;
        const auto [low, high] = std::minmax_element(ticks.begin(), ticks.end());
        const auto total = std::accumulate(ticks.begin(), ticks.end(), std::uint64_t{0});
        attributes.push_back({prefix + ".min", static_cast<std::int64_t>(*low)});
        attributes.push_back(
            {prefix + ".avg", static_cast<double>(total) / static_cast<double>(ticks.size())});
        attributes.push_back({prefix + ".max", static_cast<std::int64_t>(*high)});
        attributes.push_back({prefix + ".total", static_cast<std::int64_t>(total)});
    }
};

struct InstructionTimes {
    Durations calls;                           // OPERATOR_CALL, DELEGATE_CALL, ...
    Durations other;                           // kernel-level events when no call event exists
    std::set<std::string> kernels;             // native_call_<op> names seen
    std::map<std::string, Durations> delegate; // delegate-internal events by name and id
};

struct Collected {
    std::map<std::int64_t, InstructionTimes> instructions;
    std::size_t runs = 0;
    std::size_t executeRuns = 0;
};

std::string delegateKey(const fbe::ProfileEvent& event) {
    std::string key = event.name() ? event.name()->str() : "unnamed";
    if (event.delegate_debug_id_str())
        return key + " [" + event.delegate_debug_id_str()->str() + "]";
    if (event.delegate_debug_id_int() != -1)
        return key + " [" + std::to_string(event.delegate_debug_id_int()) + "]";
    return key;
}

void collectEvent(const fbe::ProfileEvent& event, Collected& collected) {
    if (event.chain_index() != 0 || event.instruction_id() < 0)
        return; // framework events use chain -1
    if (event.end_time() < event.start_time()) return;
    const auto ticks = event.end_time() - event.start_time();
    auto& times = collected.instructions[event.instruction_id()];
    const std::string name = event.name() ? event.name()->str() : std::string();
    if (event.delegate_debug_id_int() != -1 || event.delegate_debug_id_str()) {
        times.delegate[delegateKey(event)].add(ticks);
    } else if (isInstructionCall(name)) {
        times.calls.add(ticks);
    } else {
        times.other.add(ticks);
        if (name.starts_with(kKernelPrefix))
            times.kernels.insert(name.substr(kKernelPrefix.size()));
    }
}

Collected collect(const fbe::ETDump& root) {
    Collected collected;
    if (!root.run_data()) return collected;
    for (const auto* run : *root.run_data()) {
        ++collected.runs;
        if (!run->name() || run->name()->string_view() != kExecuteRun || !run->events()) continue;
        ++collected.executeRuns;
        for (const auto* event : *run->events())
            if (event->profile_event()) collectEvent(*event->profile_event(), collected);
    }
    return collected;
}

// A kernel event names "<op>.<overload>"; the node says "<namespace>::<op>.<overload>".
bool kernelMatches(const std::string& op, const std::string& kernel) {
    const auto separator = op.rfind("::");
    const auto bare = separator == std::string::npos ? op : op.substr(separator + 2);
    return bare == kernel;
}

std::vector<std::string> delegateSummary(const std::map<std::string, Durations>& events) {
    std::vector<std::string> lines;
    for (const auto& [key, durations] : events) {
        const auto total =
            std::accumulate(durations.ticks.begin(), durations.ticks.end(), std::uint64_t{0});
        lines.push_back(key + ": " + std::to_string(durations.ticks.size()) + " calls, " +
                        std::to_string(total / durations.ticks.size()) + " ticks avg");
    }
    return lines;
}

// Returns the number of kernel names that disagree with the node's operator.
std::size_t annotate(Node& node, const InstructionTimes& times) {
    const auto& durations = times.calls.ticks.empty() ? times.other : times.calls;
    node.attributes.push_back({"runtime.calls", static_cast<std::int64_t>(durations.ticks.size())});
    durations.addTo(node.attributes, "runtime.ticks");
    std::size_t mismatches = 0;
    if (!times.kernels.empty()) {
        std::vector<std::string> kernels(times.kernels.begin(), times.kernels.end());
        for (const auto& kernel : kernels)
            mismatches += kernelMatches(node.op, kernel) ? 0 : 1;
        node.attributes.push_back({"runtime.kernel", std::move(kernels)});
    }
    if (!times.delegate.empty())
        node.attributes.push_back({"runtime.delegate_events", delegateSummary(times.delegate)});
    return mismatches;
}

} // namespace

std::optional<InstructionNodes> instructionNodes(const Model& program) {
    std::optional<std::size_t> first;
    std::optional<std::size_t> method;
    for (std::size_t g = 0; g < program.graphs.size() && !method; ++g) {
        const auto& graph = program.graphs[g];
        if (graph.kind != "method" || graph.parent) continue;
        if (graph.name == "forward") method = g;
        if (!first) first = g;
    }
    if (!method) method = first;
    if (!method) return std::nullopt;
    InstructionNodes found;
    found.graph = *method;
    const auto& nodes = program.graphs[*method].nodes;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto& attributes = nodes[i].attributes;
        const auto* chain = findAttribute(attributes, "chain");
        if (chain && std::get_if<std::int64_t>(&chain->value) &&
            std::get<std::int64_t>(chain->value) != 0)
            continue;
        const auto* instruction = findAttribute(attributes, "instruction");
        if (!instruction) continue;
        if (const auto* index = std::get_if<std::int64_t>(&instruction->value))
            found.nodes[*index] = i;
    }
    return found;
}

void attachEtdump(Model& program, const std::string& etdumpPath, const ReadOptions&) {
    const auto file = MappedFile::open(etdumpPath);
    const auto collected = collect(verifiedEtdump(*file));
    const auto method = instructionNodes(program);
    if (!method)
        throw FormatError(etdumpPath, kEtdumpFormat, "ETDump",
                          "a program with a method graph to attach to (" + program.path +
                              " has none)");
    Graph* graph = &program.graphs[method->graph];
    const auto& nodes = method->nodes;
    std::size_t matched = 0;
    std::size_t unmatched = 0;
    std::size_t mismatches = 0;
    for (const auto& [instruction, times] : collected.instructions) {
        const auto node = nodes.find(instruction);
        if (node == nodes.end()) {
            ++unmatched;
            continue;
        }
        ++matched;
        mismatches += annotate(graph->nodes[node->second], times);
    }
    program.metadata.push_back({"etdump", etdumpPath});
    program.metadata.push_back({"etdump runs", static_cast<std::int64_t>(collected.runs)});
    program.metadata.push_back(
        {"etdump execute runs", static_cast<std::int64_t>(collected.executeRuns)});
    program.metadata.push_back({"etdump method", graph->name});
    program.metadata.push_back({"etdump time unit", std::string("ticks")});
    program.metadata.push_back({"etdump instructions timed", static_cast<std::int64_t>(matched)});
    if (unmatched > 0)
        program.metadata.push_back(
            {"etdump instructions without a node", static_cast<std::int64_t>(unmatched)});
    if (mismatches > 0)
        program.metadata.push_back({"etdump kernel names differing from the program",
                                    static_cast<std::int64_t>(mismatches)});
}

} // namespace pteron
