// XNNPACK kernels: the delegated fixture programs run end to end and match the same math done
// independently in double precision from the weights in the file; single nodes match XNNPACK's
// requantisation rules worked by hand.
#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/tensor_elements.hpp"
#include "tests/support/fixtures.hpp"

#include "xnnpack_graph_generated.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

using namespace pteron;
using namespace pteron::runtime;

namespace {

const Graph& delegateGraph(const Model& model) {
    for (const auto& graph : model.graphs)
        if (graph.kind == "delegate") return graph;
    FAIL("no delegate graph");
    return model.graphs.front();
}

const Node& nodeWithOp(const Graph& graph, const std::string& op) {
    for (const auto& node : graph.nodes)
        if (node.op == op) return node;
    FAIL("no node " + op);
    return graph.nodes.front();
}

const Value& operand(const Graph& graph, const Operand& item) {
    return graph.values.at(static_cast<std::size_t>(item.value));
}

Tensor inputOf(const Model& model, std::uint64_t seed) {
    const auto spec = inputSpecs(model.graphs[model.topLevelGraphs().front()]).front();
    Tensor input(spec.dtype, spec.shape);
    auto values = input.mutableElements<float>();
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i + seed)) * 1.3);
    return input;
}

// Round half to even, as XNNPACK's lrintf and magic-number rounding do.
double roundEven(double value) {
    return std::nearbyint(value);
}

// A one-node graph running `op` on the given input values, for rule-level checks.
Model singleNode(const std::string& op, std::vector<Value> inputs, Value output,
                 Attributes attributes = {}) {
    Model model;
    Graph graph;
    graph.id = "single";
    graph.kind = "delegate";
    Node node;
    node.op = op;
    node.attributes = std::move(attributes);
    for (auto& value : inputs) {
        const bool constant = !value.data.empty();
        value.kind = constant ? ValueKind::Constant : ValueKind::Input;
        const auto index = static_cast<std::int64_t>(graph.addValue(std::move(value)));
        if (!constant) graph.inputs.push_back(index);
        node.inputs.push_back({index, {}});
    }
    output.kind = ValueKind::Output;
    const auto out = static_cast<std::int64_t>(graph.addValue(std::move(output)));
    graph.outputs.push_back(out);
    node.outputs.push_back({out, {}});
    graph.nodes.push_back(std::move(node));
    model.addGraph(std::move(graph));
    return model;
}

Value tensorValue(DType dtype, Shape shape, double scale = 0, std::int64_t zeroPoint = 0) {
    Value value;
    value.dtype = dtype;
    value.shape = std::move(shape);
    value.hasShape = true;
    if (scale > 0) {
        value.quantization.scheme = "per-tensor";
        value.quantization.scales = {scale};
        value.quantization.zeroPoints = {zeroPoint};
    }
    return value;
}

template <typename T> Tensor tensorOf(DType dtype, Shape shape, std::vector<T> values) {
    Tensor tensor(dtype, std::move(shape));
    auto target = tensor.mutableElements<T>();
    std::copy(values.begin(), values.end(), target.begin());
    return tensor;
}

} // namespace

TEST_CASE("xnnpack: the int8 linear program matches the quantised linear done in double",
          "[runtime][xnnpack]") {
    const auto model =
        FormatRegistry::standard().open(testing::fixture("pte/cc_linear_xnnpack_int8.pte"));
    const auto& graph = delegateGraph(model);
    const auto& fc = nodeWithOp(graph, "xnnpack.FullyConnected");
    const auto& quantizedInput = operand(graph, fc.inputs[0]);
    const auto& weights = operand(graph, fc.inputs[1]);
    const auto& bias = operand(graph, fc.inputs[2]);
    const auto& quantizedOutput = operand(graph, fc.outputs[0]);
    REQUIRE(weights.dtype == DType::Int8);
    REQUIRE(bias.dtype == DType::Int32);
    const double inScale = quantizedInput.quantization.scales.at(0);
    const auto inZp = quantizedInput.quantization.zeroPoints.at(0);
    const double wScale = weights.quantization.scales.at(0);
    const double outScale = quantizedOutput.quantization.scales.at(0);
    const auto outZp = quantizedOutput.quantization.zeroPoints.at(0);
    const auto w = weights.data.bytes();
    const auto b = bias.data.bytes();
    const std::int64_t outs = weights.shape.at(0), depth = weights.shape.at(1);

    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels, {2, nullptr, {}});
    for (std::uint64_t seed : {0u, 5u, 11u}) {
        const auto input = inputOf(model, seed);
        const auto outputs = interpreter.run(model.topLevelGraphs().front(), {input});
        REQUIRE(outputs.size() == 1);
        const auto got = toDoubles(outputs[0]);
        const auto x = toDoubles(input);
        const std::int64_t rows = static_cast<std::int64_t>(x.size()) / depth;
        REQUIRE(got.size() == static_cast<std::size_t>(rows * outs));
        for (std::int64_t r = 0; r < rows; ++r) {
            std::vector<double> q(static_cast<std::size_t>(depth));
            for (std::int64_t k = 0; k < depth; ++k)
                q[static_cast<std::size_t>(k)] =
                    std::clamp(roundEven(x[static_cast<std::size_t>(r * depth + k)] / inScale) +
                                   static_cast<double>(inZp),
                               -128.0, 127.0);
            for (std::int64_t o = 0; o < outs; ++o) {
                std::int32_t biasValue = 0;
                std::memcpy(&biasValue, b.data() + o * 4, 4);
                double acc = biasValue;
                for (std::int64_t k = 0; k < depth; ++k)
                    acc += (q[static_cast<std::size_t>(k)] - static_cast<double>(inZp)) *
                           static_cast<double>(static_cast<std::int8_t>(
                               w[static_cast<std::size_t>(o * depth + k)]));
                const double quantized = std::clamp(roundEven(acc * inScale * wScale / outScale) +
                                                        static_cast<double>(outZp),
                                                    -128.0, 127.0);
                const double expected = (quantized - static_cast<double>(outZp)) * outScale;
                // fp32 scale arithmetic may move a tie by one step; never more.
                CHECK(std::abs(got[static_cast<std::size_t>(r * outs + o)] - expected) <=
                      outScale * 1.0001);
            }
        }
    }
}

TEST_CASE("xnnpack: the dynamic-shape program scales its input by the constant",
          "[runtime][xnnpack]") {
    const auto model =
        FormatRegistry::standard().open(testing::fixture("pte/cc_dynamic_shape_xnnpack.pte"));
    const auto& graph = delegateGraph(model);
    const auto& multiply = nodeWithOp(graph, "xnnpack.Multiply");
    // The factor is the top-level constant the delegate takes as its second operand.
    const auto& top = model.graphs[model.topLevelGraphs().front()];
    double factor = 0;
    bool found = false;
    for (const auto& value : top.values)
        if (value.kind == ValueKind::Constant && value.dtype == DType::Float32 &&
            value.data.size() == 4) {
            float f = 0;
            std::memcpy(&f, value.data.bytes().data(), 4);
            factor = f;
            found = true;
        }
    REQUIRE(found);
    CHECK(multiply.inputs.size() == 2);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto input = inputOf(model, 3);
    const auto outputs = interpreter.run(model.topLevelGraphs().front(), {input});
    REQUIRE(outputs.size() == 1);
    const auto x = toDoubles(input);
    const auto y = toDoubles(outputs[0]);
    REQUIRE(y.size() == x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(std::abs(y[i] - x[i] * factor) <= 1e-6 * std::abs(x[i] * factor) + 1e-12);
}

TEST_CASE("xnnpack: qs8 Add uses 2^20-scaled multipliers and an arithmetic shift",
          "[runtime][xnnpack]") {
    // a/out = 0.5 and b/out = 0.25: the larger has exponent -1, so shift = 21, multipliers
    // 2^20 and 2^19, and out = floor((2^20 a' + 2^19 b' + 2^20) / 2^21) + zp, i.e. round half up
    // of 0.5 a' + 0.25 b'.
    const auto model =
        singleNode("xnnpack.Add",
                   {tensorValue(DType::Int8, {4}, 0.5, 1), tensorValue(DType::Int8, {4}, 0.25, -2)},
                   tensorValue(DType::Int8, {4}, 1.0, 3));
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto a = tensorOf<std::int8_t>(DType::Int8, {4}, {2, 1, 4, 127});
    const auto b = tensorOf<std::int8_t>(DType::Int8, {4}, {0, -2, -4, 127});
    const auto result = interpreter.run(0, {a, b}).at(0);
    const auto out = result.elements<std::int8_t>();
    // a' = a - 1, b' = b + 2.
    CHECK(out[0] == 4);  // 0.5 + 0.5 = 1.0 -> 1, + 3
    CHECK(out[1] == 3);  // 0 + 0 -> 0, + 3
    CHECK(out[2] == 4);  // 1.5 - 0.5 = 1.0 -> 1, + 3
    CHECK(out[3] == 98); // 63 + 32.25 -> 95, + 3
}

TEST_CASE("xnnpack: Convert to qd8 picks per-row parameters like XNNPACK", "[runtime][xnnpack]") {
    Value dynamic = tensorValue(DType::Int8, {2, 3});
    dynamic.quantization.scheme = "dynamic";
    dynamic.attributes.push_back({"datatype", EnumValue{"qdint8", 9}});
    dynamic.attributes.push_back({"num_nonbatch_dims", std::int64_t{1}});
    const auto model =
        singleNode("xnnpack.Convert", {tensorValue(DType::Float32, {2, 3})}, dynamic);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto x = tensorOf<float>(DType::Float32, {2, 3}, {-1.0f, 0.5f, 2.0f, 0.0f, 0.0f, 0.0f});
    const auto out = interpreter.run(0, {x}).at(0);
    const auto q = out.elements<std::int8_t>();
    // Row 0: range [-1, 2], inverse scale 255/3 = 85; the min-side zero point -128 + 85 = -43
    // wins; 0.5 * 85 = 42.5 rounds to even 42.
    CHECK(q[0] == -128);
    CHECK(q[1] == -1);
    CHECK(q[2] == 127);
    REQUIRE(out.quantization.scales.size() == 2);
    CHECK(out.quantization.scales[0] == Approx(3.0 / 255.0));
    CHECK(out.quantization.zeroPoints[0] == -43);
    // Row 1: all zeros, scale 1; the max-side zero point 127 is chosen.
    CHECK(out.quantization.scales[1] == 1.0);
    CHECK(out.quantization.zeroPoints[1] == 127);
    CHECK(q[3] == 127);
}

TEST_CASE("xnnpack: qs8 FullyConnected requantises in fp32 with ties to even",
          "[runtime][xnnpack]") {
    // in scale 0.5, weight scale 0.5, out scale 1 -> requantisation scale 0.25.
    Value weights = tensorValue(DType::Int8, {2, 2}, 0.5, 0);
    static const std::int8_t kWeights[] = {1, 1, 3, -1};
    auto file = MappedFile::fromBytes("weights", std::as_bytes(std::span(kWeights)));
    weights.data = ByteView(file, file->bytes());
    const auto model =
        singleNode("xnnpack.FullyConnected", {tensorValue(DType::Int8, {1, 2}, 0.5, 0), weights},
                   tensorValue(DType::Int8, {1, 2}, 1.0, 0));
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    // acc0 = 2 + 4 = 6 -> 1.5 -> 2 (even); acc1 = 6 - 4 = 2 -> 0.5 -> 0 (even).
    const auto x = tensorOf<std::int8_t>(DType::Int8, {1, 2}, {2, 4});
    const auto result = interpreter.run(0, {x}).at(0);
    const auto y = result.elements<std::int8_t>();
    CHECK(y[0] == 2);
    CHECK(y[1] == 0);
}

TEST_CASE("xnnpack: FullyConnected reads [K, N] weights under the transpose flag",
          "[runtime][xnnpack]") {
    Value weights;
    weights.dtype = DType::Float32;
    weights.shape = {2, 3}; // K = 2, N = 3
    weights.hasShape = true;
    static const float kWeights[] = {1, 2, 3, 4, 5, 6};
    auto file = MappedFile::fromBytes("weights", std::as_bytes(std::span(kWeights)));
    weights.data = ByteView(file, file->bytes());
    const auto model =
        singleNode("xnnpack.FullyConnected", {tensorValue(DType::Float32, {1, 2}), weights},
                   tensorValue(DType::Float32, {1, 3}), {{"flags", std::int64_t{1}}});
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto result =
        interpreter.run(0, {tensorOf<float>(DType::Float32, {1, 2}, {1.0f, 10.0f})}).at(0);
    const auto y = result.elements<float>();
    // y[n] = 1 * W[0][n] + 10 * W[1][n].
    CHECK(y[0] == 41.0f);
    CHECK(y[1] == 52.0f);
    CHECK(y[2] == 63.0f);
}

TEST_CASE("xnnpack: the sample program's delegate matches its quantised linear and clamp",
          "[runtime][xnnpack]") {
    const auto path = std::string(PTERON_BINARY_DIR) + "/samples/sample.pte";
    if (!std::filesystem::exists(path)) {
        WARN("the sample program is generated by the build; " << path << " is absent");
        return;
    }
    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = delegateGraph(model);
    const auto graphIndex = static_cast<std::size_t>(&graph - model.graphs.data());
    const auto& fc = nodeWithOp(graph, "xnnpack.FullyConnected");
    const auto& clamp = nodeWithOp(graph, "xnnpack.Clamp");
    const auto& in = operand(graph, fc.inputs[0]);
    const auto& w = operand(graph, fc.inputs[1]);
    const auto& bias = operand(graph, fc.inputs[2]);
    const auto& out = operand(graph, clamp.outputs[0]);
    const double inScale = in.quantization.scales.at(0);
    const auto inZp = in.quantization.zeroPoints.at(0);
    const double wScale = w.quantization.scales.at(0);
    const double outScale = out.quantization.scales.at(0);
    const auto outZp = out.quantization.zeroPoints.at(0);
    const auto* min = findAttribute(clamp.attributes, "output_min");
    const auto* max = findAttribute(clamp.attributes, "output_max");
    REQUIRE(min);
    REQUIRE(max);
    const double low = std::max(-128.0, roundEven(std::get<double>(min->value) / outScale) +
                                            static_cast<double>(outZp));
    const double high = std::min(127.0, roundEven(std::get<double>(max->value) / outScale) +
                                            static_cast<double>(outZp));
    const std::int64_t outs = w.shape.at(0), depth = w.shape.at(1);

    Tensor input(DType::Int8, {1, depth});
    auto x = input.mutableElements<std::int8_t>();
    for (std::int64_t k = 0; k < depth; ++k)
        x[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(k * 29 % 256 - 100);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto result = interpreter.run(graphIndex, {input}).at(0);
    const auto y = result.elements<std::int8_t>();
    REQUIRE(y.size() == static_cast<std::size_t>(outs));
    for (std::int64_t o = 0; o < outs; ++o) {
        std::int32_t b = 0;
        std::memcpy(&b, bias.data.bytes().data() + o * 4, 4);
        double acc = b;
        for (std::int64_t k = 0; k < depth; ++k)
            acc +=
                (static_cast<double>(x[static_cast<std::size_t>(k)]) - static_cast<double>(inZp)) *
                static_cast<double>(static_cast<std::int8_t>(
                    w.data.bytes()[static_cast<std::size_t>(o * depth + k)]));
        const double fcOut =
            std::clamp(roundEven(acc * inScale * wScale / outScale) + static_cast<double>(outZp),
                       -128.0, 127.0);
        CHECK(std::abs(static_cast<double>(y[static_cast<std::size_t>(o)]) -
                       std::clamp(fcOut, low, high)) <= 1.0);
    }
}

TEST_CASE("xnnpack: every node type the schema decodes has a kernel", "[runtime][xnnpack]") {
    const auto kernels = KernelRegistry::withAllKernels();
    const auto* types = fb::xnnpack::XNodeUnionTypeTable();
    // Member 0 is NONE; the others are "XNN<NodeType>".
    for (std::size_t member = 1; member < types->num_elems; ++member) {
        const std::string name = types->names[member];
        const auto op = "xnnpack." + name.substr(name.rfind("XNN", 0) == 0 ? 3 : 0);
        INFO(op);
        CHECK(kernels.find(op) != nullptr);
    }
}
