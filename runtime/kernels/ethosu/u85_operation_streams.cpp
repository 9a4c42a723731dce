#include "runtime/kernels/ethosu/u85_operation_streams.hpp"

#include "runtime/kernels/ethosu/fwd_decoder.hpp"
#include "runtime/kernels/ethosu/mlw_decoder.hpp"
#include "runtime/kernels/ethosu/u85_elementwise.hpp"
#include "runtime/runtime_error.hpp"

namespace pteron::runtime::ethosu {
namespace {

// No operation's ordered weights come near this; hostile registers would.
constexpr std::uint64_t kMaxWeightValues = std::uint64_t{1} << 26;

// ACC_FORMAT fields: accumulator width, where it starts from, whether it is written out, and
// the OFM micro-block.
struct AccumulatorFormat {
    bool wide = false;  // bits 1:0 = 1: 48-bit
    unsigned input = 0; // bits 5:4: 0 reset, 1 keep, 2 from IFM2
    bool output = true; // bit 6 = 0: the OFM is written
    unsigned microblock = 0;
};

AccumulatorFormat accumulatorOf(const NpuOperation& op) {
    return {(op.accFormat & 3) == 1, (op.accFormat >> 4) & 3, ((op.accFormat >> 6) & 1) == 0,
            (op.accFormat >> 8) & 7};
}

// WEIGHT_FORMAT: bit 0 fast weight decoder format, bit 4 2:4 sparsity.
bool fastWeights(const NpuOperation& op) {
    return op.weightFormat & 1;
}
bool sparseWeights(const NpuOperation& op) {
    return (op.weightFormat >> 4) & 1;
}

} // namespace

U85WeightOrdering u85WeightOrdering(const NpuOperation& op, const NpuTarget& target) {
    if (const auto reason = u85UnsupportedReason(op, target); !reason.empty())
        throw RuntimeError(reason);
    U85WeightOrdering ordering;
    const bool depthwise = op.kind == "DEPTHWISE";
    ordering.traversal = depthwise            ? U85Traversal::Depthwise
                         : op.partKernelFirst ? U85Traversal::PartKernel
                                              : U85Traversal::DepthFirst;
    ordering.ofmDepth = op.ofm.depth;
    ordering.kernelHeight = op.kernelHeight;
    ordering.kernelWidth = op.kernelWidth;
    ordering.ifmDepth = depthwise ? 1 : op.ifm.depth;
    ordering.ofmBlockDepth = op.ofmBlock[2];
    ordering.ofmUBlockDepth = u85OfmUBlockDepth(target.macsPerCycle, accumulatorOf(op).microblock);
    ordering.ifmBits = 8 * op.ifm.elementBytes;
    ordering.macsPerCycle = target.macsPerCycle;
    ordering.ifmBlockDepth = u85IfmBlockDepth(ordering.traversal, ordering.ifmBits,
                                              target.macsPerCycle, ordering.ofmUBlockDepth);
    ordering.strideY = op.strideY;
    ordering.strideX = op.strideX;
    ordering.dilationY = op.dilationY;
    ordering.dilationX = op.dilationX;
    ordering.streams = u85Cores(target.macsPerCycle);
    return ordering;
}

namespace {

// Adds the channels one core's stream holds; every other core leaves them zero.
void addStream(ChannelWeights& into, const ChannelWeights& stream) {
    if (into.values.empty()) {
        into = stream;
        return;
    }
    for (std::size_t i = 0; i < into.values.size(); ++i)
        into.values[i] = static_cast<std::int16_t>(into.values[i] + stream.values[i]);
}

// Standard format: one compressed stream per core (WEIGHT_BASE, then WEIGHT1..3).
ChannelWeights decodeStandard(const NpuOperation& op, const NpuMemory& memory,
                              U85WeightOrdering ordering) {
    ChannelWeights weights;
    for (std::int64_t core = 0; core < ordering.streams; ++core) {
        const auto& range =
            core == 0 ? op.weights : op.coreWeights[static_cast<std::size_t>(core - 1)];
        if (!range || range->length == 0)
            throw RuntimeError("core " + std::to_string(core) + " has no weight stream");
        ordering.stream = core;
        const auto count = u85OrderedWeightCount(ordering, kMaxWeightValues);
        const auto bytes = memory.read(range->region, range->begin, range->length);
        addStream(weights,
                  unorderU85Weights(decodeMlw(bytes, static_cast<std::size_t>(count)), ordering));
    }
    return weights;
}

// Fast format: one stream; with several cores their orders alternate in fixed-size blocks.
ChannelWeights decodeFast(const NpuOperation& op, const NpuMemory& memory,
                          U85WeightOrdering ordering) {
    const auto perCore = u85OrderedWeightCount(ordering, kMaxWeightValues);
    const auto streams = static_cast<std::uint64_t>(ordering.streams);
    const auto bytes = memory.read(op.weights->region, op.weights->begin, op.weights->length);
    const auto all = decodeFwd(bytes, static_cast<std::size_t>(perCore * streams));
    if (streams == 1) return unorderU85Weights(all, ordering);
    const auto block = static_cast<std::uint64_t>(u85FastInterleaveBlock(ordering));
    std::vector<std::vector<std::int16_t>> cores(streams);
    std::size_t next = 0;
    for (std::uint64_t start = 0; start < perCore; start += block)
        for (auto& values : cores) {
            const auto take = std::min(block, perCore - start);
            values.insert(values.end(), all.begin() + static_cast<std::ptrdiff_t>(next),
                          all.begin() + static_cast<std::ptrdiff_t>(next + take));
            next += take;
        }
    ChannelWeights weights;
    for (std::uint64_t core = 0; core < streams; ++core) {
        ordering.stream = static_cast<std::int64_t>(core);
        addStream(weights, unorderU85Weights(cores[core], ordering));
    }
    return weights;
}

} // namespace

ChannelWeights decodeU85Weights(const NpuOperation& op, const NpuMemory& memory,
                                const NpuTarget& target) {
    if (!op.weights) throw RuntimeError("the operation names no weight stream");
    const auto ordering = u85WeightOrdering(op, target);
    return fastWeights(op) ? decodeFast(op, memory, ordering)
                           : decodeStandard(op, memory, ordering);
}

std::vector<ChannelScale> decodeU85OperationScales(const NpuOperation& op,
                                                   const NpuMemory& memory) {
    if (!op.scales) throw RuntimeError("the operation names no scale stream");
    const auto bytes = memory.read(op.scales->region, op.scales->begin, op.scales->length);
    return decodeU85Scales(bytes, op.ofm.depth, accumulatorOf(op).wide);
}

std::string u85UnsupportedReason(const NpuOperation& op, const NpuTarget& target) {
    if (!op.isCompute()) return {};
    const auto accumulator = accumulatorOf(op);
    if (accumulator.input != 0 || !accumulator.output)
        return "Ethos-U85 accumulator chaining (ACC_FORMAT input " +
               std::to_string(accumulator.input) + ", output " +
               (accumulator.output ? "on" : "off") + ") is not executed yet";
    if (op.chainedMaps != 0)
        return "Ethos-U85 feature maps passed through the chaining buffers are not executed yet";
    if (op.ofmReverse != 0 || op.ofmTranspose != 0)
        return "Ethos-U85 reversed or transposed OFMs are not executed yet";
    if (op.kind == "ELEMENTWISE") return u85ElementwiseUnsupportedReason(op);
    if (op.kind == "RESIZE") {
        if (op.mode != "NEAREST" && op.mode != "BILINEAR")
            return "Ethos-U85 RESIZE mode " + op.mode + " is not executed yet";
        if (op.rounding == "DOUBLE_ASYMMETRIC" || op.rounding == "RESERVED")
            return "Ethos-U85 rounding mode " + op.rounding + " is not executed yet";
    } else if (op.rounding != "DOUBLE_SYMMETRIC" && op.rounding != "NATURAL" &&
               op.rounding != "TRUNCATE_TO_ZERO") {
        return "Ethos-U85 rounding mode " + op.rounding + " is not executed yet";
    }
    if (op.kind != "CONV" && op.kind != "DEPTHWISE") return {};
    if (op.ifm2.present) return "Ethos-U85 convolutions with IFM2 weights are not executed yet";
    if (op.kernelDecomposition != 0)
        return "Ethos-U85 4x4 kernel decomposition is not executed yet";
    if (sparseWeights(op)) return "Ethos-U85 2:4 sparse weights are not decoded yet";
    if (fastWeights(op) && op.kind == "DEPTHWISE")
        return "Ethos-U85 depthwise weights in the fast format are not decoded yet";
    // The standard format needs one stream per core.
    const auto cores = static_cast<std::size_t>(u85Cores(target.macsPerCycle));
    if (!fastWeights(op))
        for (std::size_t core = 1; core < cores; ++core)
            if (!op.coreWeights[core - 1] || op.coreWeights[core - 1]->length == 0)
                return "Ethos-U85 core " + std::to_string(core) + " has no weight stream";
    return {};
}

} // namespace pteron::runtime::ethosu
