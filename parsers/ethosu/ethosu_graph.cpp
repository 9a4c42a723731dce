#include "parsers/ethosu/ethosu_graph.hpp"

#include <cstdio>
#include <set>

namespace pteron::ethosu {
namespace {

struct Write {
    MemoryRange range;
    std::int64_t value;
};

std::string hex(std::uint64_t number) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(number));
    return buffer;
}

std::string rangeName(const MemoryRange& range, const RegionMap& regions) {
    const auto it = regions.find(range.region);
    const std::string region = it != regions.end() && !it->second.name.empty()
                                   ? it->second.name
                                   : "region" + std::to_string(range.region);
    return region + "@" + hex(range.begin) + "+" + std::to_string(range.end - range.begin);
}

bool contains(const MemoryRange& outer, const MemoryRange& inner) {
    return outer.region == inner.region && outer.begin <= inner.begin && inner.end <= outer.end;
}

bool hidden(const MemoryRange& range, const std::vector<MemoryRange>& later) {
    for (const auto& newer : later)
        if (contains(newer, range)) return true;
    return false;
}

class GraphBuilder {
  public:
    GraphBuilder(Graph& graph, std::size_t partition, const RegionMap& regions)
        : graph_(graph), partition_(partition), regions_(regions) {}

    void add(const NpuOperation& op, std::size_t index, const RegisterCommand& trigger) {
        Node node;
        node.op = "ethosu." + op.kind;
        node.name = "op" + std::to_string(index);
        node.partition = partition_;
        node.attributes = op.attributes();
        node.attributes.push_back({"command_offset", static_cast<std::int64_t>(trigger.offset)});
        if (op.isCompute()) {
            read(node, "ifm", op.ifm, ValueKind::Input);
            if (op.ifm2.present && !op.ifm2.scalar) read(node, "ifm2", op.ifm2, ValueKind::Input);
            if (op.weights) readRange(node, "weights", *op.weights, ValueKind::Constant);
            if (op.scales) readRange(node, "scales", *op.scales, ValueKind::Constant);
            write(node, "ofm", op.ofm, node.name + ".ofm");
        }
        if (op.dmaSource) readRange(node, "source", *op.dmaSource, ValueKind::Input);
        if (op.dmaDestination)
            writeRange(node, "destination", *op.dmaDestination, node.name + ".dst");
        graph_.nodes.push_back(std::move(node));
    }

    void finish() {
        for (const auto& write : writes_)
            if (!consumed_.count(write.value)) graph_.outputs.push_back(write.value);
    }

  private:
    void read(Node& node, const std::string& port, const FeatureMap& fm, ValueKind kind) {
        readRange(node, port, fm.range(), kind, &fm);
    }

    void readRange(Node& node, const std::string& port, const MemoryRange& range, ValueKind kind,
                   const FeatureMap* fm = nullptr) {
        if (range.end <= range.begin) return;
        // Several operations may each have written part of what is read (channel slices of one
        // feature map): link every overlapping write not already hidden by a later one.
        std::vector<MemoryRange> seen;
        for (auto it = writes_.rbegin(); it != writes_.rend(); ++it) {
            if (!it->range.overlaps(range) || hidden(it->range, seen)) continue;
            consumed_.insert(it->value);
            node.inputs.push_back({it->value, port});
            seen.push_back(it->range);
            if (contains(it->range, range)) return;
        }
        if (seen.empty()) node.inputs.push_back({external(range, kind, fm), port});
    }

    // A value for memory no operation of the stream wrote: network input or constant data.
    std::int64_t external(const MemoryRange& range, ValueKind kind, const FeatureMap* fm) {
        const auto key = std::make_tuple(range.region, range.begin, range.end);
        if (const auto it = externals_.find(key); it != externals_.end()) return it->second;
        Value value;
        value.name = rangeName(range, regions_);
        value.kind = kind;
        describe(value, range, fm);
        const auto region = regions_.find(range.region);
        if (region != regions_.end() && !region->second.bytes.empty() &&
            range.end <= region->second.bytes.size()) {
            value.data = region->second.bytes.sub(range.begin, range.end - range.begin);
            value.kind = ValueKind::Constant;
        }
        const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
        if (graph_.values[static_cast<std::size_t>(index)].kind == ValueKind::Input)
            graph_.inputs.push_back(index);
        externals_[key] = index;
        return index;
    }

    void write(Node& node, const std::string& port, const FeatureMap& fm, const std::string& name) {
        writeRange(node, port, fm.range(), name, &fm);
    }

    void writeRange(Node& node, const std::string& port, const MemoryRange& range,
                    const std::string& name, const FeatureMap* fm = nullptr) {
        Value value;
        value.name = name;
        describe(value, range, fm);
        value.attributes.push_back({"memory", rangeName(range, regions_)});
        const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
        node.outputs.push_back({index, port});
        writes_.push_back({range, index});
    }

    static void describe(Value& value, const MemoryRange& range, const FeatureMap* fm) {
        value.hasShape = true;
        value.allocation = Allocation{static_cast<std::int64_t>(range.region), range.begin};
        if (fm) {
            value.dtype = fm->dtype;
            value.shape = {1, fm->height, fm->width, fm->depth};
            value.quantization.zeroPoints = {fm->zeroPoint};
            value.attributes.push_back({"layout", fm->layout});
            return;
        }
        value.dtype = DType::UInt8;
        value.shape = {static_cast<std::int64_t>(range.end - range.begin)};
    }

    Graph& graph_;
    std::size_t partition_;
    const RegionMap& regions_;
    std::vector<Write> writes_;
    std::set<std::int64_t> consumed_;
    std::map<std::tuple<unsigned, std::uint64_t, std::uint64_t>, std::int64_t> externals_;
};

} // namespace

void appendOperations(const EthosUCommandStream& stream, Graph& graph, std::size_t partition,
                      const RegionMap& regions) {
    GraphBuilder builder(graph, partition, regions);
    const auto& operations = stream.operations();
    for (std::size_t i = 0; i < operations.size(); ++i)
        builder.add(operations[i], i, stream.commands()[operations[i].command]);
    builder.finish();
}

Attributes hardwareAttributes(const EthosUCommandStream& stream) {
    const auto& config = stream.config();
    Attributes out;
    out.push_back({"product", std::string(productName(config.product))});
    out.push_back({"macs_per_cycle", static_cast<std::int64_t>(config.macsPerCycle)});
    out.push_back({"command_stream_wrapper", config.wrapper});
    out.push_back(
        {"command_stream_version", static_cast<std::int64_t>(config.commandStreamVersion)});
    out.push_back({"arch_version", config.archVersion()});
    if (config.shramKilobytes)
        out.push_back({"shram_kb", static_cast<std::int64_t>(config.shramKilobytes)});
    out.push_back({"command_stream_bytes", static_cast<std::int64_t>(stream.streamBytes())});
    out.push_back({"register_commands", static_cast<std::int64_t>(stream.commands().size())});
    out.push_back({"npu_operations", static_cast<std::int64_t>(stream.operations().size())});
    return out;
}

std::vector<std::string> registerListing(const EthosUCommandStream& stream) {
    std::vector<std::string> lines;
    lines.reserve(stream.commands().size());
    for (const auto& command : stream.commands()) {
        char offset[16];
        std::snprintf(offset, sizeof offset, "0x%04llx ",
                      static_cast<unsigned long long>(command.offset));
        lines.push_back(offset + describe(command));
    }
    return lines;
}

} // namespace pteron::ethosu
