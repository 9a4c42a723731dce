#include "runtime/kernels/ethosu/command_stream_executor.hpp"

#include "runtime/kernels/ethosu/npu_feature_map_io.hpp"
#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/kernels/ethosu/u85_elementwise.hpp"
#include "runtime/kernels/ethosu/u85_operation_streams.hpp"
#include "runtime/kernels/ethosu/u85_resize.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>

namespace pteron::runtime::ethosu {
namespace {

// All regions of one run together; far above any Vela network for the NPUs it targets.
constexpr std::uint64_t kMemoryBudget = std::uint64_t{256} << 20;

NpuTarget targetOf(const Graph& graph) {
    NpuTarget target;
    if (const auto* product = findAttribute(graph.attributes, "product"))
        if (const auto* text = std::get_if<std::string>(&product->value)) target.product = *text;
    if (const auto* macs = findAttribute(graph.attributes, "macs_per_cycle"))
        if (const auto* number = std::get_if<std::int64_t>(&macs->value))
            target.macsPerCycle = static_cast<unsigned>(std::clamp<std::int64_t>(*number, 1, 4096));
    target.shramBytes = shramBytes(target.product, target.macsPerCycle);
    // The COP1 header's CONFIG word states it when the stream has one.
    if (const auto* shram = findAttribute(graph.attributes, "shram_kb"))
        if (const auto* kilobytes = std::get_if<std::int64_t>(&shram->value))
            if (*kilobytes >= 2 && *kilobytes <= 255)
                target.shramBytes = static_cast<std::uint64_t>(*kilobytes) * 1024;
    return target;
}

std::uint64_t rangeEnd(const NpuRange& range) {
    return range.length > UINT64_MAX - range.begin ? UINT64_MAX : range.begin + range.length;
}

NpuFeatureMap sized(NpuFeatureMap fm, std::int64_t height, std::int64_t width) {
    fm.height = height;
    fm.width = width;
    return fm;
}

class Executor {
  public:
    Executor(const Model& model, std::size_t graphIndex, Observer* observer, unsigned depth,
             WeightCache* weightCache)
        : model_(model), graphIndex_(graphIndex), graph_(model.graphs[graphIndex]),
          observer_(observer), depth_(depth), memory_(kMemoryBudget), target_(targetOf(graph_)),
          weightCache_(weightCache) {
        operations_.reserve(graph_.nodes.size());
        for (const auto& node : graph_.nodes)
            operations_.push_back(readOperation(graph_, node));
        memory_.reserve(NpuMemory::kShram, target_.shramBytes);
    }

    // Sizes every region to what the stream and the bound tensors address.
    void reserve(unsigned region, std::uint64_t end) { memory_.reserve(region, end); }
    void bind(unsigned region, unsigned storage, std::uint64_t offset) {
        memory_.bind(region, storage, offset);
    }
    void reserveOperations() {
        for (const auto& op : operations_) {
            if (op.isCompute()) {
                if (op.ifm.present && !op.ifm.scalar)
                    reserveMap(sized(op.ifm, op.ifmHeight(), op.ifmWidth()));
                if (op.ifm2.present && !op.ifm2.scalar)
                    reserveMap(sized(op.ifm2, op.ofm.height, op.ofm.width));
                if (op.ofm.present) reserveMap(op.ofm);
            }
            for (const auto& range : {op.weights, op.scales})
                if (range && range->length) checkedReserve(range->region, rangeEnd(*range));
            reserveDma(op.dmaSource, dmaExtent(op, true));
            reserveDma(op.dmaDestination, dmaExtent(op, false));
        }
    }
    void place(unsigned region, std::uint64_t offset, std::span<const std::byte> bytes) {
        if (offset > UINT64_MAX - bytes.size())
            throw RuntimeError("graph " + graph_.id + ": a tensor placed past 2^64");
        checkedReserve(region, offset + bytes.size());
        auto target = memory_.write(region, offset, bytes.size());
        std::memcpy(target.data(), bytes.data(), bytes.size());
    }
    // Operand k of a Vela operator: through base pointer k, or in the arena past the eighth.
    void placeOperand(std::size_t k, std::optional<std::uint64_t> arenaOffset,
                      std::span<const std::byte> bytes) {
        if (k < NpuMemory::kBasePointers) return place(static_cast<unsigned>(k), 0, bytes);
        auto target = memory_.writeArena(*arenaOffset, bytes.size());
        std::memcpy(target.data(), bytes.data(), bytes.size());
    }
    std::span<const std::uint8_t> operandBytes(std::size_t k,
                                               std::optional<std::uint64_t> arenaOffset,
                                               std::uint64_t length) const {
        if (k < NpuMemory::kBasePointers) return memory_.read(static_cast<unsigned>(k), 0, length);
        return memory_.readArena(*arenaOffset, length);
    }
    void reserveArena(std::uint64_t offset, std::uint64_t bytes) {
        if (bytes > UINT64_MAX - offset) throw RuntimeError("an operand placed past 2^64");
        memory_.reserveArena(offset + bytes);
    }
    // Constants of the stream (weights, scales, read-only feature maps) at their addresses.
    void placeConstants() {
        for (const auto& value : graph_.values)
            if (value.kind == ValueKind::Constant && value.allocation && !value.data.empty() &&
                value.allocation->memoryId >= 0 &&
                value.allocation->memoryId < static_cast<std::int64_t>(NpuMemory::kBasePointers))
                place(static_cast<unsigned>(value.allocation->memoryId), value.allocation->offset,
                      value.data.bytes());
    }

    void run() {
        for (std::size_t n = 0; n < operations_.size(); ++n) {
            const auto start = std::chrono::steady_clock::now();
            runOne(n);
            if (observer_) report(n, start);
        }
    }

    std::span<const std::uint8_t> bytes(unsigned region, std::uint64_t offset,
                                        std::uint64_t length) const {
        return memory_.read(region, offset, length);
    }
    const Graph& graph() const { return graph_; }

  private:
    void checkedReserve(unsigned region, std::uint64_t end) {
        if (region >= NpuMemory::kBasePointers)
            throw RuntimeError("graph " + graph_.id + ": region " + std::to_string(region) +
                               " is not one of the 8 base pointers");
        memory_.reserve(region, end);
    }
    void reserveMap(const NpuFeatureMap& fm) { checkedReserve(fm.region, fm.end()); }
    // The SHRAM has its fixed size; a DMA past it fails when it runs.
    void reserveDma(const std::optional<NpuRange>& side, std::uint64_t extent) {
        if (!side || extent == 0 || side->region == NpuMemory::kShram) return;
        checkedReserve(side->region,
                       extent > UINT64_MAX - side->begin ? UINT64_MAX : side->begin + extent);
    }

    void runOne(std::size_t n) {
        const auto& op = operations_[n];
        try {
            if (target_.product == "ethos-u85")
                if (const auto reason = u85UnsupportedReason(op, target_); !reason.empty())
                    throw RuntimeError(reason);
            if (op.kind == "CONV" || op.kind == "DEPTHWISE")
                runConvolution(op, memory_, *weightsOf(n, op));
            else if (op.kind == "POOL")
                runPooling(op, memory_);
            else if (op.kind == "ELEMENTWISE" && target_.product == "ethos-u85")
                runU85Elementwise(op, memory_);
            else if (op.kind == "ELEMENTWISE")
                runElementwise(op, memory_);
            else if (op.kind == "DMA")
                runDma(op, memory_);
            else if (op.kind == "RESIZE")
                runResize(op, memory_);
            else if (op.kind == "UNKNOWN" || op.kind == "BRANCH")
                throw RuntimeError("operation " + op.kind + " is not supported yet");
            // STOP, IRQ, waits and PMU masks order work the executor already runs in sequence.
        } catch (const RuntimeError& error) {
            const auto& node = graph_.nodes[n];
            throw RuntimeError("graph " + graph_.id + " node " + std::to_string(n) + " " + node.op +
                               " (" + node.name + "): " + error.what());
        }
    }

    // The operation's decoded streams: from the cache while its bytes are unchanged.
    std::shared_ptr<const DecodedWeights> weightsOf(std::size_t n, const NpuOperation& op) {
        // The cache compares one weight and one scale stream; U85 multi-core streams bypass it.
        const bool moreStreams = std::ranges::any_of(
            op.coreWeights, [](const auto& stream) { return stream.has_value(); });
        if (!weightCache_ || !op.weights || !op.scales || moreStreams)
            return decodeConvolutionWeights(op, memory_, target_);
        const WeightCache::Key key{&model_, graphIndex_, n};
        const auto weightBytes =
            memory_.read(op.weights->region, op.weights->begin, op.weights->length);
        const auto scaleBytes =
            memory_.read(op.scales->region, op.scales->begin, op.scales->length);
        if (auto cached = weightCache_->find(key, weightBytes, scaleBytes)) return cached;
        auto decoded = decodeConvolutionWeights(op, memory_, target_);
        weightCache_->store(key, weightBytes, scaleBytes, decoded);
        return decoded;
    }

    // The OFM as a dense NHWC tensor, so traces and diffs see every NPU operation's result.
    void report(std::size_t n, std::chrono::steady_clock::time_point start) {
        const auto& node = graph_.nodes[n];
        const auto& op = operations_[n];
        std::vector<Tensor> tensors;
        NodeEvent event{model_, graphIndex_, graph_, n, node, {}, 0, depth_};
        if (op.isCompute() && op.ofm.present && !node.outputs.empty()) {
            const auto map = loadMap(memory_, op.ofm, op.ofm.height, op.ofm.width, op.ofm.depth);
            const auto* value = graph_.value(node.outputs.front().value);
            tensors.push_back(denseTensor(map, op.ofm, value));
            event.outputs.push_back({node.outputs.front().value, &tensors.back()});
        }
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        event.seconds = elapsed.count();
        observer_->nodeFinished(event);
    }

    static Tensor denseTensor(const DenseMap& map, const NpuFeatureMap& fm, const Value* value) {
        DType dtype = DType::Int32;
        if (fm.elementBytes == 1) dtype = fm.isSigned ? DType::Int8 : DType::UInt8;
        if (fm.elementBytes == 2) dtype = fm.isSigned ? DType::Int16 : DType::UInt16;
        Tensor tensor(dtype, {1, map.height, map.width, map.depth});
        auto bytes = tensor.mutableBytes();
        for (std::size_t i = 0; i < map.values.size(); ++i) {
            const auto raw = static_cast<std::uint32_t>(map.values[i]);
            for (unsigned b = 0; b < fm.elementBytes; ++b)
                bytes[i * fm.elementBytes + b] = static_cast<std::byte>(raw >> (8 * b));
        }
        if (value) tensor.quantization = value->quantization;
        return tensor;
    }

    const Model& model_;
    std::size_t graphIndex_;
    const Graph& graph_;
    Observer* observer_;
    unsigned depth_;
    NpuMemory memory_;
    NpuTarget target_;
    WeightCache* weightCache_;
    std::vector<NpuOperation> operations_;
};

std::int64_t integerAttribute(const Graph& graph, std::string_view name) {
    if (const auto* attribute = findAttribute(graph.attributes, name))
        if (const auto* number = std::get_if<std::int64_t>(&attribute->value)) return *number;
    return 0;
}

Tensor readTensor(const Executor& executor, const Value& value, unsigned region,
                  std::uint64_t offset, const std::string& what) {
    const auto elementBytes = runtimeElementBytes(value.dtype);
    if (!value.hasShape || elementBytes == 0)
        throw RuntimeError("graph " + executor.graph().id + ": " + what + " " + value.name +
                           " has no fixed shape and element type");
    const auto count = elementCountOf(value.shape);
    const auto bytes = executor.bytes(region, offset, count * elementBytes);
    return Tensor::fromBytes(value.dtype, value.shape,
                             {reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
}

Tensor readOperandTensor(const Executor& executor, const Value& value, std::size_t k,
                         std::optional<std::uint64_t> arenaOffset) {
    const auto elementBytes = runtimeElementBytes(value.dtype);
    if (!value.hasShape || elementBytes == 0)
        throw RuntimeError("graph " + executor.graph().id + ": output " + value.name +
                           " has no fixed shape and element type");
    const auto bytes =
        executor.operandBytes(k, arenaOffset, elementCountOf(value.shape) * elementBytes);
    return Tensor::fromBytes(value.dtype, value.shape,
                             {reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
}

std::vector<Tensor> runWithAllocations(Executor& executor, const CommandStreamCall& call) {
    const auto& graph = executor.graph();
    if (call.inputs.size() != graph.inputs.size())
        throw RuntimeError("graph " + graph.id + " takes " + std::to_string(graph.inputs.size()) +
                           " inputs, given " + std::to_string(call.inputs.size()));
    if (const auto scratch = integerAttribute(graph, "scratch_size"); scratch > 0)
        executor.reserve(1, static_cast<std::uint64_t>(scratch));
    executor.reserveOperations();
    executor.placeConstants();
    for (std::size_t i = 0; i < call.inputs.size(); ++i) {
        const auto* value = graph.value(graph.inputs[i]);
        if (!value || !value->allocation || !call.inputs[i] || value->allocation->memoryId < 0)
            throw RuntimeError("graph " + graph.id + ": input " + std::to_string(i) +
                               " has no place in NPU memory");
        executor.place(static_cast<unsigned>(value->allocation->memoryId),
                       value->allocation->offset, call.inputs[i]->bytes());
    }
    executor.run();
    std::vector<Tensor> outputs;
    for (const auto index : graph.outputs) {
        const auto* value = graph.value(index);
        if (!value || !value->allocation || value->allocation->memoryId < 0)
            throw RuntimeError("graph " + graph.id + ": an output has no place in NPU memory");
        outputs.push_back(readTensor(executor, *value,
                                     static_cast<unsigned>(value->allocation->memoryId),
                                     value->allocation->offset, "output"));
    }
    return outputs;
}

std::optional<std::uint64_t> arenaOffset(const Value* value) {
    if (!value) return std::nullopt;
    const auto* attribute = findAttribute(value->attributes, "offline_arena_offset");
    const auto* offset = attribute ? std::get_if<std::int64_t>(&attribute->value) : nullptr;
    if (!offset || *offset < 0) return std::nullopt;
    return static_cast<std::uint64_t>(*offset);
}

std::uint64_t valueBytes(const Value* value) {
    if (!value || !value->hasShape || runtimeElementBytes(value->dtype) == 0) return 0;
    return elementCountOf(value->shape) * runtimeElementBytes(value->dtype);
}

// Base pointer 2 is the fast scratch, which the Ethos-U driver points at its own fast memory
// when it has one. Vela plans the fast scratch as a copy of the scratch when both share one
// SRAM (same arena offset and size); any other plan is a separate staging memory (Regor's
// scratch_fast of a dedicated SRAM, which the arena plan puts at offset 0 over the scratch).
constexpr unsigned kFastScratch = 2;

bool hasOwnFastMemory(const std::vector<const Value*>& values) {
    if (values.size() <= kFastScratch || !values[kFastScratch]) return false;
    const auto* scratch = values[kFastScratch - 1];
    const auto* fast = values[kFastScratch];
    return arenaOffset(scratch) != arenaOffset(fast) || valueBytes(scratch) != valueBytes(fast);
}

// Base pointer k is operand k; operands past the eighth have no base pointer and must live in the
// arena, where the stream reaches them through the scratch region.
std::vector<Tensor> runWithBasePointers(Executor& executor, const CommandStreamCall& call) {
    const auto& graph = executor.graph();
    std::vector<const Value*> values = call.inputValues;
    values.resize(call.inputs.size(), nullptr);
    values.insert(values.end(), call.outputs.begin(), call.outputs.end());
    for (std::size_t k = 0; k < values.size(); ++k) {
        const auto offset = arenaOffset(values[k]);
        if (k >= NpuMemory::kBasePointers) {
            if (!offset)
                throw RuntimeError("graph " + graph.id + ": operand " + std::to_string(k) +
                                   " has no base pointer (there are 8) and no place in the arena");
            executor.reserveArena(*offset, valueBytes(values[k]));
            continue;
        }
        const auto region = static_cast<unsigned>(k);
        if (offset && !(region == kFastScratch && hasOwnFastMemory(values)))
            executor.bind(region, NpuMemory::kArena, *offset);
        executor.reserve(region, valueBytes(values[region]));
    }
    for (std::size_t k = 0; k < call.inputs.size(); ++k)
        if (call.inputs[k])
            executor.placeOperand(k, arenaOffset(values[k]), call.inputs[k]->bytes());
    executor.reserveOperations();
    executor.run();
    std::vector<Tensor> outputs;
    for (std::size_t i = 0; i < call.outputs.size(); ++i) {
        if (!call.outputs[i]) throw RuntimeError("graph " + graph.id + ": an output has no value");
        const auto k = call.inputs.size() + i;
        outputs.push_back(readOperandTensor(executor, *call.outputs[i], k, arenaOffset(values[k])));
    }
    return outputs;
}

} // namespace

std::string unsupportedReason(const Graph& graph, const Node& node) {
    NpuOperation op;
    try {
        op = readOperation(graph, node);
    } catch (const RuntimeError& error) {
        return error.what();
    }
    static const std::vector<std::string> kPooling{"MAX", "AVERAGE", "SUM", "REDUCE_SUM"};
    static const std::vector<std::string> kElementwise{"ADD", "SUB", "MUL", "MIN", "MAX",
                                                       "ABS", "CLZ", "SHL", "SHR", "LRELU"};
    const auto has = [](const std::vector<std::string>& list, const std::string& item) {
        return std::find(list.begin(), list.end(), item) != list.end();
    };
    const auto target = targetOf(graph);
    if (op.kind == "UNKNOWN" || op.kind == "BRANCH")
        return "NPU operation " + op.kind + " is not executed yet";
    if (!op.isCompute()) return {};
    try {
        lookupTableSlot(op);
    } catch (const RuntimeError& error) {
        return error.what();
    }
    if (op.kind == "POOL" && !has(kPooling, op.mode))
        return "pooling mode " + op.mode + " is not executed yet";
    if (op.kind == "ELEMENTWISE" && target.product != "ethos-u85" && !has(kElementwise, op.mode))
        return "elementwise mode " + op.mode + " is not executed yet";
    if (target.product == "ethos-u85")
        if (auto reason = u85UnsupportedReason(op, target); !reason.empty()) return reason;
    if ((op.kind == "CONV" || op.kind == "DEPTHWISE") && op.extraWeightStreams &&
        target.product != "ethos-u85")
        return "weight streams split over several cores are not decoded yet";
    return {};
}

bool isCommandStreamGraph(const Graph& graph) {
    return graph.kind == "command-stream";
}

std::vector<Tensor> runCommandStream(const Model& model, std::size_t graphIndex,
                                     const CommandStreamCall& call, Observer* observer,
                                     unsigned depth) {
    if (graphIndex >= model.graphs.size())
        throw RuntimeError("the model has no graph " + std::to_string(graphIndex));
    Executor executor(model, graphIndex, observer, depth, call.weightCache);
    return call.baseRegions ? runWithBasePointers(executor, call)
                            : runWithAllocations(executor, call);
}

} // namespace pteron::runtime::ethosu
