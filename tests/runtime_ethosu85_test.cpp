// Ethos-U85 command streams executed by the runtime: the KWS MicroNet-M stream Vela compiled for
// Ethos-U85-256 against its source .tflite run by the TFLite int8 kernels, every weight and scale
// stream of it against the source model's constants, and the U85 weight ordering and scale
// records against their rules written out here.
#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernels/ethosu/command_stream_executor.hpp"
#include "runtime/kernels/ethosu/mlw_decoder.hpp"
#include "runtime/kernels/ethosu/u85_operation_streams.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace pteron;
using namespace pteron::runtime;

namespace {

const std::string kKwsZ256 = "tflite/arm_mlek_kws_micronet_m_vela_Z256.tflite";
const std::string kKwsSource = "tflite/arm_mlek_kws_micronet_m_int8.tflite";

Model openFixture(const std::string& relative) {
    return FormatRegistry::standard().open(testing::fixture(relative), {});
}

const Graph& commandStream(const Model& model) {
    for (const auto& graph : model.graphs)
        if (ethosu::isCommandStreamGraph(graph)) return graph;
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
std::int64_t firstChannel(const ethosu::NpuOperation& op, std::uint64_t layerBase) {
    REQUIRE(op.ofm.bases[0] >= layerBase);
    const auto delta = op.ofm.bases[0] - layerBase;
    REQUIRE(delta < op.ofm.strideY);
    if (!op.ofm.bricked) return static_cast<std::int64_t>(delta / op.ofm.elementBytes);
    REQUIRE(delta % op.ofm.strideC == 0);
    return static_cast<std::int64_t>(delta / op.ofm.strideC * 16);
}

// Deterministic int8 values over the whole range (a linear congruential sequence).
Tensor int8Input(Shape shape, std::uint32_t seed) {
    Tensor tensor(DType::Int8, std::move(shape));
    for (auto& value : tensor.mutableElements<std::int8_t>()) {
        seed = seed * 1664525u + 1013904223u;
        value = static_cast<std::int8_t>(seed >> 24);
    }
    return tensor;
}

std::vector<Tensor> runTflite(const Model& model, std::vector<Tensor> inputs) {
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels, {1, nullptr, {}});
    REQUIRE(interpreter.check(0).empty());
    return interpreter.run(0, std::move(inputs));
}

} // namespace

TEST_CASE("every KWS Ethos-U85-256 weight and scale stream decodes to its source model's "
          "weights and biases") {
    const auto vela = openFixture(kKwsZ256);
    const auto& stream = commandStream(vela);
    const auto source = openFixture(kKwsSource);
    const auto& main = source.graphs.front();
    const ethosu::NpuTarget target{"ethos-u85", 256};

    std::map<std::int64_t, std::uint64_t> layerBase;
    std::map<std::int64_t, std::int64_t> channelsSeen;
    std::size_t operations = 0, compared = 0, nonZero = 0;
    for (std::size_t n = 0; n < stream.nodes.size(); ++n) {
        const auto& node = stream.nodes[n];
        if (node.op != "ethosu.CONV" && node.op != "ethosu.DEPTHWISE") continue;
        ++operations;
        const auto op = ethosu::readOperation(stream, node);
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
        const auto ordering = ethosu::u85WeightOrdering(op, target);
        const auto bytes = streamBytes(stream, n, "weights", op.weights->region, op.weights->begin,
                                       op.weights->length);
        const auto values = ethosu::decodeMlw(
            bytes, ethosu::u85OrderedWeightCount(ordering, std::uint64_t{1} << 24));
        const auto weights = ethosu::unorderU85Weights(values, ordering);
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
        const auto scales = ethosu::decodeU85Scales(scaleBytes, op.ofm.depth, false);
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
    const auto vela = openFixture(kKwsZ256);
    const auto source = openFixture(kKwsSource);
    for (const std::uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
        const auto input = int8Input({1, 49, 10, 1}, seed);
        const auto npu = runTflite(vela, {input});
        const auto cpu = runTflite(source, {input});
        REQUIRE(npu.size() == 1);
        REQUIRE(cpu.size() == 1);
        const auto got = npu[0].elements<std::int8_t>();
        const auto want = cpu[0].elements<std::int8_t>();
        REQUIRE(got.size() == 12);
        INFO("seed " << seed);
        CHECK(std::vector<std::int8_t>(got.begin(), got.end()) ==
              std::vector<std::int8_t>(want.begin(), want.end()));
    }
}
