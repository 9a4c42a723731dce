// XNNPACK kernels: the delegated fixture programs run end to end and match the same math done
// independently in double precision from the weights in the file; single nodes match XNNPACK's
// requantisation rules worked by hand.
#include "app/sample/xnnpack_sample_payload.hpp"
#include "parsers/registry.hpp"
#include "parsers/xnnpack/xnnpack_payload_reader.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/tensor_elements.hpp"
#include "tests/support/fixtures.hpp"

#include "xnnpack_graph_generated.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

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

TEST_CASE("xnnpack: the dynamic-shape program runs at the input's size within its bound",
          "[runtime][xnnpack]") {
    const auto model =
        FormatRegistry::standard().open(testing::fixture("pte/cc_dynamic_shape_xnnpack.pte"));
    const auto& top = model.graphs[model.topLevelGraphs().front()];
    const auto spec = inputSpecs(top).front();
    REQUIRE(spec.dynamic);
    REQUIRE(spec.shape == Shape{8});
    // The factor, read from the file: the one fp32 scalar constant of the program.
    std::vector<float> factors;
    for (const auto& value : top.values)
        if (value.kind == ValueKind::Constant && value.dtype == DType::Float32 &&
            value.data.size() == 4) {
            float f = 0;
            std::memcpy(&f, value.data.bytes().data(), 4);
            factors.push_back(f);
        }
    REQUIRE(factors.size() == 1);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    for (const std::int64_t n : {3, 1, 8}) {
        std::vector<float> x(static_cast<std::size_t>(n));
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = static_cast<float>(0.75 * static_cast<double>(i) - 1.1);
        const auto outputs =
            interpreter.run(model.topLevelGraphs().front(), {tensorOf(DType::Float32, {n}, x)});
        REQUIRE(outputs.size() == 1);
        CHECK(outputs[0].shape() == Shape{n});
        const auto y = toDoubles(outputs[0]);
        REQUIRE(y.size() == x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            CHECK(y[i] == static_cast<double>(x[i] * factors[0]));
    }
    // Beyond the bound is refused.
    CHECK_THROWS_WITH(interpreter.run(model.topLevelGraphs().front(),
                                      {tensorOf(DType::Float32, {9}, std::vector<float>(9))}),
                      Catch::Contains("must be"));
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

namespace {

namespace fbx = fb::xnnpack;

constexpr std::uint32_t kNoId = std::numeric_limits<std::uint32_t>::max();

// A small XNNGraph built with the schema's generated code and decoded by the payload reader, as
// a delegate of a .pte would be.
class XnnGraphFile {
  public:
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<std::uint8_t> constantBytes;

    flatbuffers::Offset<fbx::XNNTensorValue>
    tensor(std::uint32_t id, fbx::XNNDatatype type, std::vector<std::uint32_t> dims,
           std::uint32_t constant = 0, std::uint32_t flags = 0, std::uint32_t external = kNoId) {
        return fbx::CreateXNNTensorValue(fbb, type, static_cast<std::uint32_t>(dims.size()),
                                         fbb.CreateVector(dims), constant, external, flags, id);
    }
    void plain(flatbuffers::Offset<fbx::XNNTensorValue> value) {
        values_.push_back(fbx::CreateXValue(fbb, fbx::XValueUnion::XNNTensorValue, value.Union()));
    }
    void quantized(flatbuffers::Offset<fbx::XNNTensorValue> value, fbx::XNNQuantParams kind,
                   flatbuffers::Offset<void> params) {
        const auto q = fbx::CreateXNNQuantizedTensorValue(fbb, value, kind, params);
        values_.push_back(
            fbx::CreateXValue(fbb, fbx::XValueUnion::XNNQuantizedTensorValue, q.Union()));
    }
    // Appends constant bytes at a 16-byte boundary; returns the buffer index.
    std::uint32_t constant(std::span<const std::uint8_t> bytes) {
        while (constantBytes.size() % 16)
            constantBytes.push_back(0);
        constants_.push_back(
            fbx::CreateConstantDataOffset(fbb, constantBytes.size(), bytes.size()));
        constantBytes.insert(constantBytes.end(), bytes.begin(), bytes.end());
        return static_cast<std::uint32_t>(constants_.size() - 1);
    }
    void node(fbx::XNodeUnion type, flatbuffers::Offset<void> table) {
        nodes_.push_back(fbx::CreateXNode(fbb, type, table, 0));
    }

    // The decoded model and the index of the delegate graph in it.
    std::pair<Model, std::size_t> decode(std::vector<std::uint32_t> inputs,
                                         std::vector<std::uint32_t> outputs) {
        const auto root = fbx::CreateXNNGraph(
            fbb, fbb.CreateString("0"), fbb.CreateVector(nodes_), fbb.CreateVector(values_),
            static_cast<std::uint32_t>(inputs.size() + outputs.size()), fbb.CreateVector(inputs),
            fbb.CreateVector(outputs), 0, 0, fbb.CreateVector(constants_));
        fbb.Finish(root, "XN01");
        const auto payload =
            wrapXnnpackPayload(std::span(fbb.GetBufferPointer(), fbb.GetSize()), constantBytes);
        const auto bytes = std::as_bytes(std::span(payload));
        const auto file = MappedFile::fromBytes("int4.xnnpack", {bytes.begin(), bytes.end()});
        DelegatePayload delegate;
        delegate.backend = "XnnpackBackend";
        delegate.bytes = ByteView(file, file->bytes());
        delegate.file = file->path();
        delegate.tablePath = "forward.delegates[0]";
        delegate.parentGraph = 0;
        delegate.graphId = "forward/XnnpackBackend#0";
        Model model;
        model.graphs.emplace_back();
        const auto index = decodeXnnpackPayload(delegate, model);
        return {std::move(model), index};
    }

  private:
    std::vector<flatbuffers::Offset<fbx::XValue>> values_;
    std::vector<flatbuffers::Offset<fbx::XNode>> nodes_;
    std::vector<flatbuffers::Offset<fbx::ConstantDataOffset>> constants_{
        fbx::CreateConstantDataOffset(fbb, 0, 0)};
};

// ExecuTorch's 4-bit weight packing: value + 8 as an unsigned nibble, rows of the last axis
// padded to whole bytes, the even element of each pair in the low nibble.
std::vector<std::uint8_t> packedQc4w(const std::vector<int>& weights, std::size_t rows,
                                     std::size_t columns) {
    const auto rowBytes = (columns + 1) / 2;
    std::vector<std::uint8_t> bytes(rows * rowBytes, 0);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < columns; ++c) {
            const auto nibble = static_cast<std::uint8_t>(weights[r * columns + c] + 8);
            bytes[r * rowBytes + c / 2] |= static_cast<std::uint8_t>(nibble << (c % 2 ? 4 : 0));
        }
    return bytes;
}

std::vector<int> int4Weights(std::size_t count, unsigned seed) {
    std::vector<int> weights(count);
    std::uint32_t state = seed;
    for (auto& w : weights) {
        state = state * 1664525u + 1013904223u;
        w = static_cast<int>((state >> 10) % 16) - 8;
    }
    return weights;
}

template <typename T> std::vector<std::uint8_t> rawBytes(const std::vector<T>& values) {
    std::vector<std::uint8_t> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

} // namespace

TEST_CASE("xnnpack: fp32 input times qc4w weights uses the per-channel int4 values",
          "[runtime][xnnpack]") {
    // FullyConnected [2,5] x qc4w [3,5] (odd rows: each ends in an unused nibble) + bias.
    constexpr std::size_t rows = 2, depth = 5, outs = 3;
    const auto weights = int4Weights(outs * depth, 17);
    const std::vector<float> scales{0.5f, 0.25f, 0.125f};
    const std::vector<float> bias{0.1f, -0.2f, 0.3f};
    XnnGraphFile file;
    const auto weightBuffer = file.constant(packedQc4w(weights, outs, depth));
    const auto biasBuffer = file.constant(rawBytes(bias));
    file.plain(file.tensor(0, fbx::XNNDatatype::fp32, {rows, depth}, 0, 0x1, 0));
    file.quantized(file.tensor(1, fbx::XNNDatatype::qcint4, {outs, depth}, weightBuffer),
                   fbx::XNNQuantParams::PerChannelQuant,
                   fbx::CreatePerChannelQuant(file.fbb, file.fbb.CreateVector(scales), 0).Union());
    file.plain(file.tensor(2, fbx::XNNDatatype::fp32, {outs}, biasBuffer));
    file.plain(file.tensor(3, fbx::XNNDatatype::fp32, {rows, outs}, 0, 0x2, 1));
    file.node(fbx::XNodeUnion::XNNFullyConnected,
              fbx::CreateFullyConnectedNode(file.fbb, 0, 1, 2, 3).Union());
    const auto [model, graph] = file.decode({0}, {3});
    const auto& weightValue = model.graphs[graph].values.at(1);
    CHECK(weightValue.dtype == DType::UInt4);
    CHECK(weightValue.quantization.zeroPoints == std::vector<std::int64_t>{8});

    std::vector<float> x(rows * depth);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(std::sin(0.9 * static_cast<double>(i)) * 2.0);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto outputs = interpreter.run(graph, {tensorOf(DType::Float32, {2, 5}, x)});
    REQUIRE(outputs.size() == 1);
    const auto got = toDoubles(outputs[0]);
    REQUIRE(got.size() == rows * outs);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < outs; ++o) {
            double expected = bias[o];
            for (std::size_t k = 0; k < depth; ++k)
                expected += static_cast<double>(x[r * depth + k]) * weights[o * depth + k] *
                            static_cast<double>(scales[o]);
            CHECK(got[r * outs + o] == Approx(expected).margin(1e-5));
        }
}

TEST_CASE("xnnpack: qd8 input times blockwise qb4w weights matches the dequantised product",
          "[runtime][xnnpack]") {
    // Convert fp32 [2,64] -> qd8, FullyConnected with qb4w [3,64] in blocks of 32, bf16 scales.
    constexpr std::size_t rows = 2, depth = 64, outs = 3, block = 32, blocks = depth / block;
    const auto weights = int4Weights(outs * depth, 5);
    // bf16 scales: 0.5, 0.25, 1, 2, 0.125, 0.75 (exact in bf16).
    const std::vector<float> scaleValues{0.5f, 0.25f, 1.0f, 2.0f, 0.125f, 0.75f};
    std::vector<std::uint16_t> bf16;
    for (const auto scale : scaleValues) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &scale, sizeof bits);
        bf16.push_back(static_cast<std::uint16_t>(bits >> 16));
    }
    const std::vector<float> bias{1.0f, 0.0f, -1.0f};
    XnnGraphFile file;
    const auto weightBuffer = file.constant(packedQc4w(weights, outs, depth));
    const auto biasBuffer = file.constant(rawBytes(bias));
    file.plain(file.tensor(0, fbx::XNNDatatype::fp32, {rows, depth}, 0, 0x1, 0));
    file.quantized(file.tensor(1, fbx::XNNDatatype::qdint8, {rows, depth}),
                   fbx::XNNQuantParams::PerTokenDynamicQuant,
                   fbx::CreatePerTokenDynamicQuant(file.fbb, 1).Union());
    file.quantized(file.tensor(2, fbx::XNNDatatype::qbint4, {outs, depth}, weightBuffer),
                   fbx::XNNQuantParams::PerChannelGroupQuant,
                   fbx::CreatePerChannelGroupQuant(file.fbb, 0, 0, static_cast<int>(block),
                                                   file.fbb.CreateVector(bf16))
                       .Union());
    file.plain(file.tensor(3, fbx::XNNDatatype::fp32, {outs}, biasBuffer));
    file.plain(file.tensor(4, fbx::XNNDatatype::fp32, {rows, outs}, 0, 0x2, 1));
    file.node(fbx::XNodeUnion::XNNConvert, fbx::CreateUnaryNode(file.fbb, 0, 1).Union());
    file.node(fbx::XNodeUnion::XNNFullyConnected,
              fbx::CreateFullyConnectedNode(file.fbb, 1, 2, 3, 4).Union());
    const auto [model, graph] = file.decode({0}, {4});

    // Each row spans -1.28 .. 1.27 in steps of 0.01, so qd8 picks scale 0.01 and zero point 0 and
    // holds every input exactly: the result is the dequantised product up to fp32 rounding.
    std::vector<float> x(rows * depth);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < depth; ++k) {
            const int step = k == 0   ? -128
                             : k == 1 ? 127
                                      : static_cast<int>((k * 37 + r * 11) % 256) - 128;
            x[r * depth + k] = static_cast<float>(step) * 0.01f;
        }
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto outputs = interpreter.run(graph, {tensorOf(DType::Float32, {2, 64}, x)});
    REQUIRE(outputs.size() == 1);
    const auto got = toDoubles(outputs[0]);
    REQUIRE(got.size() == rows * outs);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < outs; ++o) {
            double expected = bias[o];
            for (std::size_t k = 0; k < depth; ++k)
                expected += static_cast<double>(x[r * depth + k]) * weights[o * depth + k] *
                            static_cast<double>(scaleValues[o * blocks + k / block]);
            INFO("row " << r << " output " << o);
            CHECK(got[r * outs + o] == Approx(expected).epsilon(1e-4).margin(1e-3));
        }
}
