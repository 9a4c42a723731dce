// Ethos-U85 command streams executed by the runtime: the KWS MicroNet-M stream Vela compiled for
// Ethos-U85-256 against its source .tflite run by the TFLite int8 kernels, every weight and scale
// stream of it against the source model's constants, and the U85 weight ordering and scale
// records against their rules written out here.
#include "runtime/interpreter.hpp"
#include "runtime/kernels/ethosu/command_stream_executor.hpp"
#include "runtime/kernels/ethosu/fwd_decoder.hpp"
#include "runtime/kernels/ethosu/mlw_decoder.hpp"
#include "runtime/kernels/ethosu/u85_operation_streams.hpp"
#include "runtime/kernels/ethosu/u85_resize.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/lsb_bit_writer.hpp"
#include "tests/support/model_runs.hpp"
#include "tests/support/u85_command_words.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <tuple>

using namespace pteron;
using namespace pteron::runtime;
namespace npu = pteron::runtime::ethosu; // the executor

namespace {

const std::string kKwsZ256 = "tflite/arm_mlek_kws_micronet_m_vela_Z256.tflite";
const std::string kKwsSource = "tflite/arm_mlek_kws_micronet_m_int8.tflite";

const Graph& commandStream(const Model& model) {
    for (const auto& graph : model.graphs)
        if (npu::isCommandStreamGraph(graph)) return graph;
    FAIL("no command-stream graph");
    return model.graphs.front();
}

std::int64_t intAttribute(const Node& node, const std::string& name) {
    const auto* attribute = findAttribute(node.attributes, name);
    REQUIRE(attribute);
    return std::get<std::int64_t>(attribute->value);
}

// The bytes of [base, base + length) of `region` as the stream has them before node `before`:
// the read-only constant the node's operand `role` is, or the constant a DMA copied there.
std::vector<std::uint8_t> streamBytes(const Graph& graph, std::size_t before,
                                      const std::string& role, std::uint64_t region,
                                      std::uint64_t base, std::uint64_t length) {
    for (const auto& operand : graph.nodes[before].inputs) {
        const auto* value = graph.value(operand.value);
        if (operand.name != role || !value || value->kind != ValueKind::Constant) continue;
        const auto bytes = value->data.bytes();
        REQUIRE(bytes.size() == length);
        std::vector<std::uint8_t> out(bytes.size());
        std::memcpy(out.data(), bytes.data(), out.size());
        return out;
    }
    for (std::size_t n = before; n-- > 0;) {
        const auto& node = graph.nodes[n];
        if (node.op != "ethosu.DMA") continue;
        const auto destination =
            static_cast<std::uint64_t>(intAttribute(node, "dma_destination_base"));
        const auto size = static_cast<std::uint64_t>(intAttribute(node, "dma_destination_length"));
        if (static_cast<std::uint64_t>(intAttribute(node, "dma_destination_region")) != region ||
            base < destination || base + length > destination + size)
            continue;
        const auto* source = graph.value(node.inputs.at(0).value);
        REQUIRE(source);
        REQUIRE(source->kind == ValueKind::Constant);
        const auto bytes = source->data.bytes();
        const auto offset = static_cast<std::size_t>(base - destination);
        REQUIRE(offset + length <= bytes.size());
        std::vector<std::uint8_t> out(static_cast<std::size_t>(length));
        std::memcpy(out.data(), bytes.data() + offset, out.size());
        return out;
    }
    FAIL("no DMA brings region " << region << " @" << base << " into place");
    return {};
}

// First OFM channel a stripe writes: stripes of these layers split the depth only, so the
// distance from the layer's first stripe is whole channels (NHWC) or whole bricks (NHCWB16).
std::int64_t firstChannel(const npu::NpuOperation& op, std::uint64_t layerBase) {
    REQUIRE(op.ofm.bases[0] >= layerBase);
    const auto delta = op.ofm.bases[0] - layerBase;
    REQUIRE(delta < op.ofm.strideY);
    if (!op.ofm.bricked) return static_cast<std::int64_t>(delta / op.ofm.elementBytes);
    REQUIRE(delta % op.ofm.strideC == 0);
    return static_cast<std::int64_t>(delta / op.ofm.strideC * 16);
}

} // namespace

TEST_CASE("every KWS Ethos-U85-256 weight and scale stream decodes to its source model's "
          "weights and biases") {
    const auto vela = testing::openFixture(kKwsZ256);
    const auto& stream = commandStream(vela);
    const auto source = testing::openFixture(kKwsSource);
    const auto& main = source.graphs.front();
    const npu::NpuTarget target{"ethos-u85", 256};

    std::map<std::int64_t, std::uint64_t> layerBase;
    std::map<std::int64_t, std::int64_t> channelsSeen;
    std::size_t operations = 0, compared = 0, nonZero = 0;
    for (std::size_t n = 0; n < stream.nodes.size(); ++n) {
        const auto& node = stream.nodes[n];
        if (node.op != "ethosu.CONV" && node.op != "ethosu.DEPTHWISE") continue;
        ++operations;
        const auto op = npu::readOperation(stream, node);
        const auto layer = intAttribute(node, "layer");
        layerBase.emplace(layer, op.ofm.bases[0]);
        const auto first = firstChannel(op, layerBase[layer]);
        INFO("NPU operation #" << n << " " << node.op << ", layer " << layer << ", channels "
                               << first << ".." << first + op.ofm.depth);

        // Layers map one to one onto the source operators: layer k is operator k.
        REQUIRE(static_cast<std::size_t>(layer) < main.nodes.size());
        const auto& sourceOp = main.nodes[static_cast<std::size_t>(layer)];
        const bool depthwise = node.op == "ethosu.DEPTHWISE";
        REQUIRE(sourceOp.op == (depthwise ? "tflite.DEPTHWISE_CONV_2D" : "tflite.CONV_2D"));
        const auto* weightValue = main.value(sourceOp.inputs.at(1).value);
        const auto* biasValue = main.value(sourceOp.inputs.at(2).value);
        REQUIRE(weightValue);
        REQUIRE(biasValue);
        REQUIRE(weightValue->shape.size() == 4);
        // Symmetric int8 weights: Vela subtracts a zero point of 0.
        for (const auto zero : weightValue->quantization.zeroPoints)
            REQUIRE(zero == 0);
        const auto& shape = weightValue->shape; // OHWI; depthwise 1HWC
        const auto want = weightValue->data.bytes();
        const auto wantAt = [&](std::int64_t o, std::int64_t y, std::int64_t x, std::int64_t i) {
            const auto index = depthwise ? (y * shape[2] + x) * shape[3] + o
                                         : ((o * shape[1] + y) * shape[2] + x) * shape[3] + i;
            return static_cast<int>(
                static_cast<std::int8_t>(want[static_cast<std::size_t>(index)]));
        };

        REQUIRE(op.weights);
        const auto ordering = npu::u85WeightOrdering(op, target);
        const auto bytes = streamBytes(stream, n, "weights", op.weights->region, op.weights->begin,
                                       op.weights->length);
        const auto values =
            npu::decodeMlw(bytes, npu::u85OrderedWeightCount(ordering, std::uint64_t{1} << 24));
        const auto weights = npu::unorderU85Weights(values, ordering);
        REQUIRE(weights.height == shape[1]);
        REQUIRE(weights.width == shape[2]);
        REQUIRE(weights.ifmDepth == (depthwise ? 1 : shape[3]));
        for (std::int64_t o = 0; o < weights.ofmDepth; ++o)
            for (std::int64_t y = 0; y < weights.height; ++y)
                for (std::int64_t x = 0; x < weights.width; ++x)
                    for (std::int64_t i = 0; i < weights.ifmDepth; ++i) {
                        const int expected = wantAt(first + o, y, x, i);
                        INFO("weight [" << first + o << "][" << y << "][" << x << "][" << i << "]");
                        REQUIRE(weights.at(o, y, x, i) == expected);
                        nonZero += expected != 0;
                        ++compared;
                    }

        REQUIRE(op.scales);
        const auto scaleBytes = streamBytes(stream, n, "scales", op.scales->region,
                                            op.scales->begin, op.scales->length);
        const auto scales = npu::decodeU85Scales(scaleBytes, op.ofm.depth, false);
        const auto biases = biasValue->data.bytes();
        for (std::int64_t o = 0; o < op.ofm.depth; ++o) {
            std::int32_t bias = 0;
            std::memcpy(&bias, biases.data() + (first + o) * 4, 4);
            INFO("bias of channel " << first + o);
            REQUIRE(scales[static_cast<std::size_t>(o)].bias == bias);
            REQUIRE(scales[static_cast<std::size_t>(o)].multiplier > 0);
        }
        channelsSeen[layer] += op.ofm.depth;
    }
    CHECK(operations == 16);
    // Every output channel of every layer came from exactly one stripe.
    for (const auto& [layer, channels] : channelsSeen) {
        const auto& sourceOp = main.nodes[static_cast<std::size_t>(layer)];
        const auto* weightValue = main.value(sourceOp.inputs.at(1).value);
        const auto depth = sourceOp.op == "tflite.DEPTHWISE_CONV_2D" ? weightValue->shape[3]
                                                                     : weightValue->shape[0];
        CHECK(channels == depth);
    }
    CHECK(nonZero > compared / 2); // real weights, not padding
}

TEST_CASE("KWS MicroNet-M compiled by Vela for Ethos-U85-256 matches its source TFLite model") {
    const auto vela = testing::openFixture(kKwsZ256);
    const auto source = testing::openFixture(kKwsSource);
    testing::checkSameInt8Output(vela, source, {1, 49, 10, 1}, {1u, 2u, 3u, 4u, 5u}, 12);
}

namespace {

// A distinct non-zero weight for every OHWI position, so a misplaced value shows.
std::int16_t weightAt(std::int64_t o, std::int64_t y, std::int64_t x, std::int64_t i) {
    return static_cast<std::int16_t>(1 + ((o * 7 + y * 5 + x * 3 + i * 11) % 250));
}

void requireWeights(const npu::ChannelWeights& got, std::int64_t ofm, std::int64_t height,
                    std::int64_t width, std::int64_t ifm) {
    REQUIRE(got.ofmDepth == ofm);
    REQUIRE(got.height == height);
    REQUIRE(got.width == width);
    REQUIRE(got.ifmDepth == ifm);
    for (std::int64_t o = 0; o < ofm; ++o)
        for (std::int64_t y = 0; y < height; ++y)
            for (std::int64_t x = 0; x < width; ++x)
                for (std::int64_t i = 0; i < ifm; ++i) {
                    INFO("[" << o << "][" << y << "][" << x << "][" << i << "]");
                    REQUIRE(got.at(o, y, x, i) == weightAt(o, y, x, i));
                }
}

} // namespace

// The U85 order (Vela's EthosU85WeightOrdering), written out per case below: OFM blocks of the
// block depth; IFM blocks that run forward in even OFM blocks and backward in odd ones; within
// a block, each kernel position feeds the IFM in steps of 8 channels, and per step the OFM
// micro-block's channels in groups of 4, each with its 8 IFM channels.
TEST_CASE("the U85 depth-first order: IFM blocks alternate direction between OFM blocks") {
    const std::int64_t ofm = 12, ifm = 70;
    npu::U85WeightOrdering ordering;
    ordering.ofmDepth = ofm;
    ordering.ifmDepth = ifm;
    ordering.ofmBlockDepth = 8;
    ordering.ofmUBlockDepth = 8;
    ordering.ifmBlockDepth = 64;
    ordering.traversal = npu::U85Traversal::DepthFirst;

    std::vector<std::int16_t> stream;
    const auto emit = [&](std::int64_t o, std::int64_t i) {
        stream.push_back(o < ofm && i < ifm ? weightAt(o, 0, 0, i) : 0);
    };
    // OFM block 0 (channels 0-7): IFM block 0 then 64; block 1 (8-11 + padding): 64 then 0.
    for (const auto& [ofmBlock, ifmBlocks] :
         std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>>{{0, {0, 64}},
                                                                         {8, {64, 0}}})
        for (const auto ifmBlock : ifmBlocks)
            for (std::int64_t step = 0; step < 64; step += 8)
                for (std::int64_t o = 0; o < 8; ++o)
                    for (std::int64_t z = 0; z < 8; ++z)
                        emit(ofmBlock + o, ifmBlock + step + z);
    CHECK(npu::u85OrderedWeightCount(ordering, 1u << 20) == stream.size());
    requireWeights(npu::unorderU85Weights(stream, ordering), ofm, 1, 1, ifm);
    // One value short is an error, not a silent zero.
    stream.pop_back();
    CHECK_THROWS_AS(npu::unorderU85Weights(stream, ordering), RuntimeError);
}

TEST_CASE("the U85 part-kernel-first order: stride phases, serpentine rows, groups of 5") {
    // A 3x3 stride-2 kernel, 3 IFM channels, 4 OFM channels, 8-deep micro-blocks.
    const std::int64_t ofm = 4, ifm = 3;
    npu::U85WeightOrdering ordering;
    ordering.ofmDepth = ofm;
    ordering.ifmDepth = ifm;
    ordering.kernelHeight = 3;
    ordering.kernelWidth = 3;
    ordering.strideY = 2;
    ordering.strideX = 2;
    ordering.ofmBlockDepth = 16;
    ordering.ofmUBlockDepth = 8;
    ordering.ifmBlockDepth = 16;
    ordering.traversal = npu::U85Traversal::PartKernel;

    // Phase (0,0) covers rows 0 and 2, columns 0 and 2, the second row right to left; then
    // phases (0,1), (1,0) and (1,1).
    const std::vector<std::pair<std::int64_t, std::int64_t>> positions{
        {0, 0}, {0, 2}, {2, 2}, {2, 0}, {0, 1}, {2, 1}, {1, 0}, {1, 2}, {1, 1}};
    std::vector<std::int16_t> stream;
    for (const auto& [y, x] : positions)
        for (std::int64_t step = 0; step < 16; step += 8) // 8-bit: the IFM micro-block is 16
            for (std::int64_t o = 0; o < 8; ++o)
                for (std::int64_t z = 0; z < 8; ++z) {
                    const auto i = step + z;
                    stream.push_back(o < ofm && i < ifm ? weightAt(o, y, x, i) : 0);
                }
    // 9 positions round up to 10: one position's worth of zeros (16 IFM x 8 OFM).
    stream.insert(stream.end(), 16 * 8, 0);
    CHECK(npu::u85OrderedWeightCount(ordering, 1u << 20) == stream.size());
    requireWeights(npu::unorderU85Weights(stream, ordering), ofm, 3, 3, ifm);
}

TEST_CASE("the U85 depthwise order: one value per channel, padded to 10 kernel positions") {
    // 3x3 stride 1 over 20 channels in OFM blocks of 16 and micro-blocks of 8.
    const std::int64_t channels = 20;
    npu::U85WeightOrdering ordering;
    ordering.ofmDepth = channels;
    ordering.ifmDepth = 1;
    ordering.kernelHeight = 3;
    ordering.kernelWidth = 3;
    ordering.ofmBlockDepth = 16;
    ordering.ofmUBlockDepth = 8;
    ordering.ifmBlockDepth = 16;
    ordering.traversal = npu::U85Traversal::Depthwise;

    const std::vector<std::pair<std::int64_t, std::int64_t>> serpentine{
        {0, 0}, {0, 1}, {0, 2}, {1, 2}, {1, 1}, {1, 0}, {2, 0}, {2, 1}, {2, 2}};
    std::vector<std::int16_t> stream;
    for (const std::int64_t microBlock : {0, 8, 16}) {
        for (const auto& [y, x] : serpentine)
            for (std::int64_t o = microBlock; o < microBlock + 8; ++o)
                stream.push_back(o < channels ? weightAt(o, y, x, 0) : 0);
        stream.insert(stream.end(), 8, 0); // the tenth position
    }
    CHECK(npu::u85OrderedWeightCount(ordering, 1u << 20) == stream.size());
    requireWeights(npu::unorderU85Weights(stream, ordering), channels, 3, 3, 1);
}

TEST_CASE("U85 block figures come from the accelerator size and the micro-block") {
    // Ethos-U85-256 micro-blocks 1x2x16, 1x4x8 and 2x2x8 (ACC_FORMAT codes 1, 2, 3).
    CHECK(npu::u85OfmUBlockDepth(256, 1) == 16);
    CHECK(npu::u85OfmUBlockDepth(256, 2) == 8);
    CHECK(npu::u85OfmUBlockDepth(256, 3) == 8);
    CHECK(npu::u85OfmUBlockDepth(128, 0) == 16);
    CHECK(npu::u85OfmUBlockDepth(2048, 5) == 16);
    CHECK_THROWS_AS(npu::u85OfmUBlockDepth(256, 5), RuntimeError);
    CHECK_THROWS_AS(npu::u85OfmUBlockDepth(100, 1), RuntimeError);
    using npu::U85Traversal;
    CHECK(npu::u85IfmBlockDepth(U85Traversal::PartKernel, 8, 256, 8) == 16);
    CHECK(npu::u85IfmBlockDepth(U85Traversal::DepthFirst, 8, 256, 8) == 64);
    CHECK(npu::u85IfmBlockDepth(U85Traversal::DepthFirst, 8, 256, 16) == 32);
    CHECK(npu::u85IfmBlockDepth(U85Traversal::DepthFirst, 8, 512, 16) == 64);
    CHECK(npu::u85IfmBlockDepth(U85Traversal::DepthFirst, 32, 512, 16) == 32);
    // Out-of-range figures are errors, and a count past the limit stops early.
    npu::U85WeightOrdering ordering;
    ordering.ofmUBlockDepth = 6;
    CHECK_THROWS_AS(npu::u85OrderedWeightCount(ordering, 1000), RuntimeError);
    ordering.ofmUBlockDepth = 8;
    ordering.ofmDepth = 65536;
    ordering.ifmDepth = 65536;
    CHECK_THROWS_AS(npu::u85OrderedWeightCount(ordering, 1000), RuntimeError);
}

TEST_CASE("U85 scale records: 32-bit and 48-bit accumulator layouts") {
    // Channel 0: bias -5, multiplier 0x40000001, shift 37; channel 1: bias 2^31 - 1, the
    // multiplier's top bit set (not part of a 31-bit multiplier), shift 63 with bits 6-7 set.
    const std::vector<std::uint8_t> records32{0xFB, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00,
                                              0x40, 37,   0,    0xFF, 0xFF, 0xFF, 0x7F,
                                              0x02, 0x00, 0x00, 0x80, 0xFF, 0};
    const auto scales32 = npu::decodeU85Scales(records32, 2, false);
    CHECK(scales32[0].bias == -5);
    CHECK(scales32[0].multiplier == 0x40000001);
    CHECK(scales32[0].shift == 37);
    CHECK(scales32[1].bias == 2147483647);
    CHECK(scales32[1].multiplier == 2);
    CHECK(scales32[1].shift == 63);
    // 48-bit: bias -(2^40) in six bytes, then a 15-bit multiplier 0x1234.
    const std::vector<std::uint8_t> records48{0x00, 0x00, 0x00, 0x00, 0x00,
                                              0xFF, 0x34, 0x12, 12,   0};
    const auto scales48 = npu::decodeU85Scales(records48, 1, true);
    CHECK(scales48[0].bias == -(std::int64_t{1} << 40));
    CHECK(scales48[0].multiplier == 0x1234);
    CHECK(scales48[0].shift == 12);
    CHECK_THROWS_AS(npu::decodeU85Scales(records48, 2, true), RuntimeError);
}

namespace {

// One U85 RESIZE as Vela programs it: int8 NHWC maps in region 1 (IFM at 0, OFM at 0x1000),
// OFM_SCALE multiplier 1 with `shift`, the RESIZE scale/offset/step registers.
struct ResizeCase {
    std::int64_t inHeight, inWidth, outHeight, outWidth, depth;
    std::int64_t yn, yd, xn, xd, yOffset, xOffset;
    unsigned mode;     // 0 BILINEAR, 1 REPLICATE, 2 NEAREST
    unsigned shift;    // OFM_SCALE shift
    unsigned rounding; // U85 OFM rounding mode (3 SYMMETRIC)
};

constexpr std::uint64_t kOfmBase = 0x1000;

using testing::cmd0;
using testing::cmd1;

// The RESIZE node the decoder makes of the case's register commands.
Node resizeNode(const ResizeCase& r) {
    std::vector<std::uint32_t> words{cmd0(0x10F, 1),
                                     cmd0(0x105, 1),
                                     cmd0(0x104, r.depth - 1),
                                     cmd0(0x10A, r.inWidth - 1),
                                     cmd0(0x10B, r.inHeight - 1),
                                     cmd0(0x10C, r.inHeight - 1),
                                     cmd0(0x109, 0),
                                     cmd0(0x11F, 1),
                                     cmd0(0x114, 1),
                                     cmd0(0x113, r.depth - 1),
                                     cmd0(0x111, r.outWidth - 1),
                                     cmd0(0x112, r.outHeight - 1),
                                     cmd0(0x11A, r.outWidth - 1),
                                     cmd0(0x11B, r.outHeight - 1),
                                     cmd0(0x11C, r.outHeight - 1),
                                     cmd0(0x118, 0),
                                     cmd0(0x126, -128),
                                     cmd0(0x127, 127),
                                     cmd0(0x124, 0x300),
                                     cmd0(0x12A, r.xn - 1),
                                     cmd0(0x12B, r.yn - 1),
                                     cmd0(0x12C, r.xOffset),
                                     cmd0(0x12D, r.yOffset),
                                     cmd0(0x120, r.inWidth - 1),
                                     cmd0(0x121, r.inHeight - 1)};
    const auto depth = static_cast<std::uint32_t>(r.depth);
    cmd1(words, 0x000, 0, 0);                                              // IFM_BASE0
    cmd1(words, 0x004, 0, depth);                                          // IFM_STRIDE_X
    cmd1(words, 0x005, 0, depth * static_cast<std::uint32_t>(r.inWidth));  // IFM_STRIDE_Y
    cmd1(words, 0x006, 0, 1);                                              // IFM_STRIDE_C
    cmd1(words, 0x010, 0, static_cast<std::uint32_t>(kOfmBase));           // OFM_BASE0
    cmd1(words, 0x014, 0, depth);                                          // OFM_STRIDE_X
    cmd1(words, 0x015, 0, depth * static_cast<std::uint32_t>(r.outWidth)); // OFM_STRIDE_Y
    cmd1(words, 0x016, 0, 1);                                              // OFM_STRIDE_C
    cmd1(words, 0x024, r.shift | r.rounding << 13, 1);                     // OFM_SCALE
    // Steps: one-step integer part in the parameter, remainder in the payload.
    cmd1(words, 0x096, static_cast<std::uint32_t>(r.xd / r.xn),
         static_cast<std::uint32_t>(r.xd % r.xn));
    cmd1(words, 0x097, static_cast<std::uint32_t>(r.yd / r.yn),
         static_cast<std::uint32_t>(r.yd % r.yn));
    words.push_back(cmd0(0x007, r.mode));
    return testing::decodedU85Node(words, "RESIZE", "resize");
}

// Runs the case on `input` ([inHeight][inWidth][depth] int8) and returns the OFM.
std::vector<std::int8_t> runResizeCase(const ResizeCase& r, const std::vector<std::int8_t>& input) {
    Graph graph;
    graph.id = "resize";
    graph.nodes.push_back(resizeNode(r));
    const auto op = npu::readOperation(graph, graph.nodes[0]);
    npu::NpuMemory memory(std::uint64_t{1} << 20);
    const auto outBytes = static_cast<std::uint64_t>(r.outHeight * r.outWidth * r.depth);
    memory.reserve(1, kOfmBase + outBytes);
    auto ifm = memory.write(1, 0, input.size());
    std::memcpy(ifm.data(), input.data(), input.size());
    npu::runResize(op, memory);
    const auto ofm = memory.read(1, kOfmBase, outBytes);
    std::vector<std::int8_t> out(ofm.size());
    std::memcpy(out.data(), ofm.data(), out.size());
    return out;
}

std::vector<std::int8_t> rampInput(std::int64_t count, std::uint32_t seed) {
    std::vector<std::int8_t> values(static_cast<std::size_t>(count));
    for (auto& value : values) {
        seed = seed * 1664525u + 1013904223u;
        value = static_cast<std::int8_t>(seed >> 24);
    }
    return values;
}

} // namespace

// Expected values below follow TFLite's resize rules (the lowering Vela performs): nearest with
// half-pixel centres takes floor((o + 0.5) * in / out); align-corners takes round(o * (in - 1) /
// (out - 1)); bilinear with half-pixel centres samples at (o + 0.5) * in / out - 0.5 between the
// clamped neighbours. Bilinear results are rounded half away from zero (Vela's SYMMETRIC mode).
TEST_CASE("U85 RESIZE nearest, 2x up with half-pixel centres, equals TFLite's rule") {
    // Vela: scale (2 * 2) / (2 * 1) per axis, offset d/2 - n/2 = -1, shift 16.
    const ResizeCase r{3, 4, 6, 8, 3, 4, 2, 4, 2, -1, -1, 2, 16, 3};
    const auto node = resizeNode(r);
    CHECK(findAttribute(node.attributes, "resize_scale")->value ==
          AttributeValue{std::vector<std::int64_t>{4, 2, 4, 2}});
    CHECK(findAttribute(node.attributes, "resize_offset")->value ==
          AttributeValue{std::vector<std::int64_t>{-1, -1}});
    const auto input = rampInput(r.inHeight * r.inWidth * r.depth, 11);
    const auto out = runResizeCase(r, input);
    for (std::int64_t oy = 0; oy < r.outHeight; ++oy)
        for (std::int64_t ox = 0; ox < r.outWidth; ++ox) {
            const auto iy = std::min<std::int64_t>(
                static_cast<std::int64_t>(std::floor((oy + 0.5) * 3.0 / 6.0)), 2);
            const auto ix = std::min<std::int64_t>(
                static_cast<std::int64_t>(std::floor((ox + 0.5) * 4.0 / 8.0)), 3);
            for (std::int64_t c = 0; c < r.depth; ++c) {
                INFO("(" << oy << ", " << ox << ", " << c << ")");
                REQUIRE(out[static_cast<std::size_t>((oy * r.outWidth + ox) * r.depth + c)] ==
                        input[static_cast<std::size_t>((iy * r.inWidth + ix) * r.depth + c)]);
            }
        }
}

TEST_CASE("U85 RESIZE nearest with aligned corners downscales 5x7 to 3x4") {
    // align_corners: scale (out - 1) / (in - 1) reduced: y 2/4 = 1/2, x 3/6 = 1/2; no offset.
    const ResizeCase r{5, 7, 3, 4, 2, 1, 2, 1, 2, 0, 0, 2, 16, 3};
    const auto input = rampInput(r.inHeight * r.inWidth * r.depth, 5);
    const auto out = runResizeCase(r, input);
    for (std::int64_t oy = 0; oy < r.outHeight; ++oy)
        for (std::int64_t ox = 0; ox < r.outWidth; ++ox) {
            const auto iy = static_cast<std::int64_t>(std::round(oy * 4.0 / 2.0));
            const auto ix = static_cast<std::int64_t>(std::round(ox * 6.0 / 3.0));
            for (std::int64_t c = 0; c < r.depth; ++c)
                REQUIRE(out[static_cast<std::size_t>((oy * r.outWidth + ox) * r.depth + c)] ==
                        input[static_cast<std::size_t>((iy * r.inWidth + ix) * r.depth + c)]);
        }
}

TEST_CASE("U85 RESIZE bilinear, 2x up with half-pixel centres, equals the real-valued mean") {
    // Shift 16 + log2(4 * 4): the weighted sum divided by the weights' total.
    const ResizeCase r{3, 4, 6, 8, 2, 4, 2, 4, 2, -1, -1, 0, 20, 3};
    const auto input = rampInput(r.inHeight * r.inWidth * r.depth, 23);
    const auto out = runResizeCase(r, input);
    const auto at = [&](std::int64_t y, std::int64_t x, std::int64_t c) {
        return double(input[static_cast<std::size_t>((y * r.inWidth + x) * r.depth + c)]);
    };
    std::size_t halves = 0;
    for (std::int64_t oy = 0; oy < r.outHeight; ++oy)
        for (std::int64_t ox = 0; ox < r.outWidth; ++ox) {
            const double sy = (oy + 0.5) * 3.0 / 6.0 - 0.5, sx = (ox + 0.5) * 4.0 / 8.0 - 0.5;
            const double fy = sy - std::floor(sy), fx = sx - std::floor(sx);
            const auto y0 =
                std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sy)), 0, 2);
            const auto y1 =
                std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sy)) + 1, 0, 2);
            const auto x0 =
                std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sx)), 0, 3);
            const auto x1 =
                std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(sx)) + 1, 0, 3);
            for (std::int64_t c = 0; c < r.depth; ++c) {
                const double mean = at(y0, x0, c) * (1 - fy) * (1 - fx) +
                                    at(y0, x1, c) * (1 - fy) * fx + at(y1, x0, c) * fy * (1 - fx) +
                                    at(y1, x1, c) * fy * fx;
                halves += std::abs(mean - std::trunc(mean)) == 0.5;
                INFO("(" << oy << ", " << ox << ", " << c << ") mean " << mean);
                REQUIRE(out[static_cast<std::size_t>((oy * r.outWidth + ox) * r.depth + c)] ==
                        static_cast<int>(std::round(mean))); // std::round: halves away from 0
            }
        }
    CHECK(halves > 0); // the rounding of exact halves was exercised
}

TEST_CASE("U85 RESIZE modes and settings the executor lacks are reported, not guessed") {
    ResizeCase r{3, 4, 6, 8, 1, 4, 2, 4, 2, -1, -1, 1, 16, 3}; // REPLICATE
    Graph graph;
    graph.id = "resize";
    graph.kind = "command-stream";
    graph.attributes.push_back({"product", std::string("ethos-u85")});
    graph.attributes.push_back({"macs_per_cycle", std::int64_t{256}});
    graph.nodes.push_back(resizeNode(r));
    CHECK(npu::unsupportedReason(graph, graph.nodes[0]).find("RESIZE mode REPLICATE") !=
          std::string::npos);
    CHECK_THROWS_AS(runResizeCase(r, rampInput(12, 1)), RuntimeError);
    r.mode = 2;
    r.rounding = 2; // DOUBLE_ASYMMETRIC
    graph.nodes[0] = resizeNode(r);
    CHECK(npu::unsupportedReason(graph, graph.nodes[0]).find("DOUBLE_ASYMMETRIC") !=
          std::string::npos);
    r.rounding = 3;
    graph.nodes[0] = resizeNode(r);
    CHECK(npu::unsupportedReason(graph, graph.nodes[0]).empty());
}

namespace {

// Appends fields least significant bit first, as the fast weight format packs them.
using testing::LsbBitWriter;

// A fast-format stream ends with zero padding to a whole number of 256-bit units.
std::vector<std::uint8_t> finishFast(LsbBitWriter& bits) {
    while (bits.position() % 256)
        bits.put(0, 1);
    return bits.bytes();
}

// The published header: raw flag, small-table flag, 102 zero bits, zero adjustment (int8),
// 16 table entries of 9 bits holding |v| << 1 | sign.
void putFwdHeader(LsbBitWriter& bits, bool raw, bool small, int zeroAdjust,
                  const std::vector<int>& table) {
    bits.put(raw, 1);
    bits.put(small, 1);
    bits.put(0, 32);
    bits.put(0, 32);
    bits.put(0, 32);
    bits.put(0, 6);
    bits.put(static_cast<unsigned>(zeroAdjust) & 0xFF, 8);
    for (std::size_t i = 0; i < 16; ++i) {
        const int v = i < table.size() ? table[i] : 0;
        bits.put(static_cast<unsigned>(std::abs(v) << 1 | (v < 0 ? 1 : 0)), 9);
    }
}

} // namespace

TEST_CASE("U85 fast weight format: 2-bit and 4-bit table codes and offset raw bytes") {
    SECTION("at most four values: 2-bit indices") {
        const std::vector<int> table{-3, 0, 5, -255};
        const std::vector<unsigned> codes{0, 1, 2, 3, 3, 1, 0, 2, 1};
        LsbBitWriter bits;
        putFwdHeader(bits, false, true, 0, table);
        for (const auto code : codes)
            bits.put(code, 2);
        const auto bytes = finishFast(bits);
        CHECK(bytes.size() == 64); // header + codes, padded to 256 bits
        const auto weights = npu::decodeFwd(bytes, codes.size());
        REQUIRE(weights.size() == codes.size());
        for (std::size_t i = 0; i < codes.size(); ++i)
            CHECK(weights[i] == table[codes[i]]);
    }
    SECTION("up to sixteen values: 4-bit indices") {
        std::vector<int> table;
        for (int v = -7; v <= 8; ++v)
            table.push_back(v * 17);
        LsbBitWriter bits;
        putFwdHeader(bits, false, false, 0, table);
        std::vector<unsigned> codes;
        for (unsigned i = 0; i < 40; ++i)
            codes.push_back((i * 7) % 16);
        for (const auto code : codes)
            bits.put(code, 4);
        const auto weights = npu::decodeFwd(finishFast(bits), codes.size());
        for (std::size_t i = 0; i < codes.size(); ++i)
            CHECK(weights[i] == table[codes[i]]);
    }
    SECTION("raw bytes: (weight + zero adjustment) in 8 bits") {
        // Weights -200..50 span 250 values; the adjustment -128 - (-200) = 72 brings them into
        // int8. Then 100..255 with adjustment 127 - 255 = -128.
        for (const auto& [low, high, adjust] :
             std::vector<std::tuple<int, int, int>>{{-200, 50, 72}, {100, 255, -128}}) {
            LsbBitWriter bits;
            putFwdHeader(bits, true, false, adjust, {});
            std::vector<int> values;
            for (int v = low; v <= high; v += 7)
                values.push_back(v);
            for (const auto v : values)
                bits.put(static_cast<unsigned>(v + adjust) & 0xFF, 8);
            const auto weights = npu::decodeFwd(finishFast(bits), values.size());
            for (std::size_t i = 0; i < values.size(); ++i)
                CHECK(weights[i] == values[i]);
        }
    }
    SECTION("a stream shorter than its codes is an error") {
        LsbBitWriter bits;
        putFwdHeader(bits, true, false, 0, {});
        const auto bytes = finishFast(bits); // header only
        CHECK_NOTHROW(npu::decodeFwd(bytes, 0));
        CHECK_THROWS_AS(npu::decodeFwd(bytes, 1), RuntimeError);
        CHECK_THROWS_AS(npu::decodeFwd(std::span<const std::uint8_t>(bytes).first(20), 0),
                        RuntimeError);
    }
}

TEST_CASE("a U85 1x1 convolution's fast-format weights decode through its block configuration") {
    // 4 OFM x 3 IFM channels, depth-first on Ethos-U85-256 with the 2x2x8 micro-block (IFM
    // block 64): per 8-channel IFM step, 8 OFM lanes x 8 IFM values, 64 x 8 values in all.
    npu::NpuOperation op;
    op.kind = "CONV";
    op.ifm.depth = 3;
    op.ofm.depth = 4;
    op.ofmBlock = {1, 1, 16};
    op.accFormat = 0x300; // 32-bit accumulator, micro-block 2x2
    op.weightFormat = 1;  // fast weight format
    op.rounding = "DOUBLE_SYMMETRIC";
    // Raw codes: weights 0..250 fit int8 after the adjustment 127 - 250.
    constexpr int kAdjust = -123;
    LsbBitWriter bits;
    putFwdHeader(bits, true, false, kAdjust, {});
    std::size_t values = 0;
    for (std::int64_t step = 0; step < 64; step += 8)
        for (std::int64_t o = 0; o < 8; ++o)
            for (std::int64_t z = 0; z < 8; ++z, ++values) {
                const auto i = step + z;
                const int weight = o < 4 && i < 3 ? weightAt(o, 0, 0, i) : 0;
                bits.put(static_cast<unsigned>(weight + kAdjust) & 0xFF, 8);
            }
    CHECK(values == 512);
    const auto bytes = finishFast(bits);
    npu::NpuMemory memory(1u << 16);
    memory.reserve(2, bytes.size());
    auto target = memory.write(2, 0, bytes.size());
    std::memcpy(target.data(), bytes.data(), bytes.size());
    op.weights = npu::NpuRange{2, 0, bytes.size()};
    const npu::NpuTarget u85{"ethos-u85", 256};
    CHECK(npu::u85UnsupportedReason(op, u85).empty());
    requireWeights(npu::decodeU85Weights(op, memory, u85), 4, 1, 1, 3);
}

namespace {

// A 1x1 convolution of 20 IFM to 24 OFM channels, depth-first on a two-core Ethos-U85-512
// with the 2x2x16 micro-block (IFM block 64) and OFM blocks of 16.
npu::NpuOperation twoCoreConvolution() {
    npu::NpuOperation op;
    op.kind = "CONV";
    op.ifm.depth = 20;
    op.ofm.depth = 24;
    op.ofmBlock = {1, 1, 16};
    op.accFormat = 0x300;
    op.rounding = "DOUBLE_SYMMETRIC";
    return op;
}

// Core `core`'s order: per OFM block and 8-channel IFM step, the micro-block's channel groups
// of four that fall to this core (groups 0 and 8 to core 0, 4 and 12 to core 1), each lane
// with its 8 IFM values.
std::vector<int> twoCoreOrder(int core) {
    std::vector<int> order;
    for (const std::int64_t block : {0, 16})
        for (std::int64_t step = 0; step < 64; step += 8)
            for (const std::int64_t group : {4 * core, 4 * core + 8})
                for (std::int64_t lane = 0; lane < 4; ++lane)
                    for (std::int64_t z = 0; z < 8; ++z) {
                        const auto o = block + group + lane, i = step + z;
                        order.push_back(o < 24 && i < 20 ? weightAt(o, 0, 0, i) : 0);
                    }
    return order;
}

// An uncompressed standard-format stream (no palette, no zero runs, 9-bit direct values with
// the sign in bit 0), ended and padded as the format requires.
std::vector<std::uint8_t> uncompressedMlw(const std::vector<int>& weights) {
    LsbBitWriter bits;
    bits.put(6, 3);                                          // ZDIV: no zero runs
    bits.put(static_cast<unsigned>(weights.size() - 1), 15); // SLICELEN
    bits.put(7, 3);                                          // WDIV: uncompressed
    bits.put(0, 1);                                          // WTRUNC
    bits.put(1, 1);                                          // NEWPAL
    bits.put(0, 5);                                          // DIROFS
    bits.put(0, 5);                                          // PALSIZE: none
    bits.put(7, 3);                                          // PALBITS: 9
    for (const auto w : weights)
        bits.put(static_cast<unsigned>(std::abs(w) << 1 | (w < 0 ? 1 : 0)), 9);
    bits.put(7, 3); // end of stream
    auto bytes = finishFast(bits);
    while (bytes.size() % 16)
        bytes.push_back(0xFF);
    return bytes;
}

} // namespace

TEST_CASE("two-core Ethos-U85-512 weights: a standard stream per core, fast blocks interleaved") {
    const npu::NpuTarget u85{"ethos-u85", 512};
    const auto core0 = twoCoreOrder(0), core1 = twoCoreOrder(1);
    REQUIRE(core0.size() == 1024);
    npu::NpuMemory memory(1u << 20);
    memory.reserve(2, 0x10000);
    const auto place = [&](std::uint64_t at, const std::vector<std::uint8_t>& bytes) {
        auto target = memory.write(2, at, bytes.size());
        std::memcpy(target.data(), bytes.data(), bytes.size());
        return npu::NpuRange{2, at, bytes.size()};
    };

    SECTION("standard format: WEIGHT_BASE for core 0, WEIGHT1_BASE for core 1") {
        auto op = twoCoreConvolution();
        op.weights = place(0, uncompressedMlw(core0));
        CHECK(npu::u85UnsupportedReason(op, u85).find("core 1 has no weight stream") !=
              std::string::npos);
        op.coreWeights[0] = place(0x8000, uncompressedMlw(core1));
        CHECK(npu::u85UnsupportedReason(op, u85).empty());
        requireWeights(npu::decodeU85Weights(op, memory, u85), 24, 1, 1, 20);
    }
    SECTION("fast format: blocks of 16 x 64 / 2 values from each core in turn") {
        auto op = twoCoreConvolution();
        op.weightFormat = 1;
        LsbBitWriter bits;
        constexpr int kAdjust = -123;
        putFwdHeader(bits, true, false, kAdjust, {});
        for (std::size_t start = 0; start < 1024; start += 512)
            for (const auto* core : {&core0, &core1})
                for (std::size_t i = start; i < start + 512; ++i)
                    bits.put(static_cast<unsigned>((*core)[i] + kAdjust) & 0xFF, 8);
        op.weights = place(0, finishFast(bits));
        CHECK(npu::u85UnsupportedReason(op, u85).empty());
        requireWeights(npu::decodeU85Weights(op, memory, u85), 24, 1, 1, 20);
    }
}
