#include "parsers/ethosu/ethosu_graph.hpp"

#include "parsers/ethosu/npu_layers.hpp"

#include <algorithm>
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

// Which bytes of one range later writes have already covered, as sorted disjoint intervals.
class Coverage {
  public:
    explicit Coverage(const MemoryRange& target) : target_(target) {}

    // Adds the part of `range` inside the target; true when that part had uncovered bytes.
    bool add(const MemoryRange& range) {
        const auto begin = std::max(range.begin, target_.begin);
        const auto end = std::min(range.end, target_.end);
        if (range.region != target_.region || begin >= end || covered(begin, end)) return false;
        intervals_.emplace_back(begin, end);
        std::sort(intervals_.begin(), intervals_.end());
        std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
        for (const auto& interval : intervals_) {
            if (!merged.empty() && interval.first <= merged.back().second)
                merged.back().second = std::max(merged.back().second, interval.second);
            else
                merged.push_back(interval);
        }
        intervals_ = std::move(merged);
        return true;
    }
    bool complete() const { return covered(target_.begin, target_.end); }

  private:
    bool covered(std::uint64_t begin, std::uint64_t end) const {
        for (const auto& [from, to] : intervals_)
            if (from <= begin && end <= to) return true;
        return false;
    }

    MemoryRange target_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> intervals_;
};

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
            if (!op.ifm.scalar) read(node, "ifm", op.ifm, ValueKind::Input);
            if (op.ifm2.present && !op.ifm2.scalar) read(node, "ifm2", op.ifm2, ValueKind::Input);
            if (op.weights) readRange(node, "weights", *op.weights, ValueKind::Constant);
            if (op.scales) readRange(node, "scales", *op.scales, ValueKind::Constant);
            for (const auto& [name, range] : op.extraStreams)
                readRange(node, name, range, ValueKind::Constant);
            write(node, "ofm", op.ofm, node.name + ".ofm");
        }
        if (op.dmaSource) readRange(node, "source", *op.dmaSource, ValueKind::Input);
        if (op.dmaDestination)
            writeRange(node, "destination", *op.dmaDestination, node.name + ".dst");
        graph_.nodes.push_back(std::move(node));
    }

    // Network inputs count as written before the first operation, so reads link to them.
    void addInputs(const std::vector<IoBuffer>& inputs) {
        for (const auto& buffer : inputs) {
            Value value;
            value.name = buffer.name;
            value.kind = ValueKind::Input;
            value.dtype = buffer.dtype;
            value.shape = buffer.shape;
            value.hasShape = true;
            value.allocation =
                Allocation{static_cast<std::int64_t>(buffer.range.region), buffer.range.begin};
            value.attributes = buffer.attributes;
            value.attributes.push_back({"memory", rangeName(buffer.range, regions_)});
            const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
            graph_.inputs.push_back(index);
            writes_.push_back({buffer.range, index});
            networkInputs_.insert(index);
        }
    }

    void finish(const std::vector<IoBuffer>& outputs) {
        if (outputs.empty()) {
            for (const auto& write : writes_)
                if (!consumed_.count(write.value) && !networkInputs_.count(write.value))
                    graph_.outputs.push_back(write.value);
            return;
        }
        for (const auto& buffer : outputs)
            markOutput(buffer);
    }

  private:
    // The last writes into the output's range become the graph output. Stripes of one buffer
    // (a layer split by output channels) all write the one output value.
    void markOutput(const IoBuffer& buffer) {
        auto writers = latestWriters(buffer.range);
        if (writers.empty()) return;
        std::sort(writers.begin(), writers.end());
        const auto shared = writers.front();
        auto& value = graph_.values[static_cast<std::size_t>(shared)];
        value.kind = ValueKind::Output;
        graph_.outputs.push_back(shared);
        Value probe;
        probe.shape = buffer.shape;
        std::uint64_t stripes = 0;
        for (const auto index : writers)
            stripes += graph_.values[static_cast<std::size_t>(index)].elementCount();
        if (probe.elementCount() != stripes) {
            // Not exactly the buffer: every last writer stays an output under its own name.
            for (auto it = writers.begin() + 1; it != writers.end(); ++it) {
                graph_.values[static_cast<std::size_t>(*it)].kind = ValueKind::Output;
                graph_.outputs.push_back(*it);
            }
            return;
        }
        value.name = buffer.name;
        value.shape = buffer.shape;
        value.dtype = value.dtype == DType::Unknown ? buffer.dtype : value.dtype;
        value.allocation =
            Allocation{static_cast<std::int64_t>(buffer.range.region), buffer.range.begin};
        for (auto& attribute : value.attributes)
            if (attribute.name == "memory") attribute.value = rangeName(buffer.range, regions_);
        for (const auto& extra : buffer.attributes)
            value.attributes.push_back(extra);
        if (writers.size() == 1) return;
        value.attributes.push_back({"written_by", static_cast<std::int64_t>(writers.size())});
        for (auto& node : graph_.nodes)
            for (auto& operand : node.outputs)
                if (std::binary_search(writers.begin(), writers.end(), operand.value))
                    operand.value = shared;
        mergeValues({writers.begin() + 1, writers.end()}, shared);
    }

    // Drops the values `sortedIndices` in favour of `target` (a lower index) and renumbers
    // every reference.
    void mergeValues(const std::vector<std::int64_t>& sortedIndices, std::int64_t target) {
        std::vector<std::int64_t> renumbered(graph_.values.size());
        std::vector<Value> kept;
        std::size_t next = 0;
        for (std::size_t i = 0; i < graph_.values.size(); ++i) {
            const auto index = static_cast<std::int64_t>(i);
            if (std::binary_search(sortedIndices.begin(), sortedIndices.end(), index)) {
                renumbered[i] = renumbered[static_cast<std::size_t>(target)];
                continue;
            }
            renumbered[i] = static_cast<std::int64_t>(next++);
            kept.push_back(std::move(graph_.values[i]));
        }
        graph_.values = std::move(kept);
        const auto remap = [&](std::int64_t& index) {
            if (index >= 0) index = renumbered[static_cast<std::size_t>(index)];
        };
        for (auto& node : graph_.nodes) {
            for (auto& operand : node.inputs)
                remap(operand.value);
            for (auto& operand : node.outputs)
                remap(operand.value);
        }
        for (auto& index : graph_.inputs)
            remap(index);
        for (auto& index : graph_.outputs)
            remap(index);
        for (auto& write : writes_)
            remap(write.value);
        const auto remapSet = [&](std::set<std::int64_t>& set) {
            std::set<std::int64_t> out;
            for (auto index : set) {
                remap(index);
                out.insert(index);
            }
            set = std::move(out);
        };
        remapSet(consumed_);
        remapSet(networkInputs_);
        for (auto& [key, index] : externals_)
            remap(index);
    }

    void read(Node& node, const std::string& port, const FeatureMap& fm, ValueKind kind) {
        readRange(node, port, fm.range(), kind, &fm);
    }

    void readRange(Node& node, const std::string& port, const MemoryRange& range, ValueKind kind,
                   const FeatureMap* fm = nullptr) {
        if (range.end <= range.begin) return;
        const auto writers = latestWriters(range);
        for (const auto index : writers) {
            consumed_.insert(index);
            node.inputs.push_back({index, port});
            if (fm) adoptReaderType(index, *fm);
        }
        if (writers.empty()) node.inputs.push_back({external(range, kind, fm), port});
    }

    // Several operations may each have written part of a range (channel slices of one feature
    // map): the writes, newest first, that still show in it once later ones are laid over them.
    std::vector<std::int64_t> latestWriters(const MemoryRange& range) const {
        std::vector<std::int64_t> writers;
        Coverage coverage(range);
        for (auto it = writes_.rbegin(); it != writes_.rend() && !coverage.complete(); ++it)
            if (coverage.add(it->range)) writers.push_back(it->value);
        return writers;
    }

    // A network input's signedness is only known from the operations that read it.
    void adoptReaderType(std::int64_t index, const FeatureMap& fm) {
        if (!networkInputs_.count(index)) return;
        auto& value = graph_.values[static_cast<std::size_t>(index)];
        if (dtypeBits(value.dtype) == dtypeBits(fm.dtype) && fm.dtype != DType::Unknown)
            value.dtype = fm.dtype;
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
    std::set<std::int64_t> networkInputs_;
    std::map<std::tuple<unsigned, std::uint64_t, std::uint64_t>, std::int64_t> externals_;
};

} // namespace

void appendOperations(const EthosUCommandStream& stream, Graph& graph, std::size_t partition,
                      const RegionMap& regions, const NetworkIo& io) {
    const auto first = graph.nodes.size();
    GraphBuilder builder(graph, partition, regions);
    builder.addInputs(io.inputs);
    const auto& operations = stream.operations();
    for (std::size_t i = 0; i < operations.size(); ++i)
        builder.add(operations[i], i, stream.commands()[operations[i].command]);
    builder.finish(io.outputs);
    markLayers(graph, first);
}

std::optional<IoBuffer> ioBuffer(std::string name, std::vector<std::int64_t> shape,
                                 std::int64_t elementSize, std::int64_t region,
                                 std::int64_t offset) {
    if (region < 0 || region > 7 || offset < 0 || elementSize <= 0) return std::nullopt;
    std::uint64_t bytes = static_cast<std::uint64_t>(elementSize);
    for (const auto dim : shape) {
        if (dim <= 0) return std::nullopt;
        if (bytes > (std::uint64_t{1} << 48) / static_cast<std::uint64_t>(dim)) return std::nullopt;
        bytes *= static_cast<std::uint64_t>(dim);
    }
    IoBuffer buffer;
    buffer.name = std::move(name);
    const auto begin = static_cast<std::uint64_t>(offset);
    buffer.range = {static_cast<unsigned>(region), begin, begin + bytes};
    buffer.shape = std::move(shape);
    switch (elementSize) {
    case 1:
        buffer.dtype = DType::Int8;
        break;
    case 2:
        buffer.dtype = DType::Int16;
        break;
    case 4:
        buffer.dtype = DType::Int32;
        break;
    default:
        break;
    }
    return buffer;
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
