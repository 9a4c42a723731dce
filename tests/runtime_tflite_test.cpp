// TFLite kernels against the TFLite interpreter's outputs (oracles) and against the
// specification's integer formulas worked by hand for rounding and saturation edge cases.
#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernels/tflite/tflite_fixed_point.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"
#include "runtime/tensor_elements.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace pteron;
using namespace pteron::runtime;

namespace {

std::vector<Tensor> runOracle(const std::string& folder, std::size_t inputs) {
    const auto model = FormatRegistry::standard().open(testing::oracle(folder + "/model.tflite"));
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels, {2, nullptr, {}});
    std::vector<Tensor> given;
    for (std::size_t i = 0; i < inputs; ++i)
        given.push_back(
            readNpyTensor(testing::oracle(folder + "/placeholder_" + std::to_string(i) + ".npy")));
    return interpreter.run(model.topLevelGraphs().front(), std::move(given));
}

// A one-node graph running `op`, for checks against the reference formulas worked by hand.
Model singleNode(const std::string& op, std::vector<Value> inputs, Value output,
                 Attributes attributes = {}) {
    Model model;
    Graph graph;
    graph.id = "single";
    Node node;
    node.op = op;
    node.attributes = std::move(attributes);
    for (auto& value : inputs) {
        value.kind = ValueKind::Input;
        const auto index = static_cast<std::int64_t>(graph.addValue(std::move(value)));
        graph.inputs.push_back(index);
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

Value int8Value(Shape shape, double scale, std::int64_t zeroPoint) {
    Value value;
    value.dtype = DType::Int8;
    value.shape = std::move(shape);
    value.hasShape = true;
    value.quantization.scheme = "per-tensor";
    value.quantization.scales = {scale};
    value.quantization.zeroPoints = {zeroPoint};
    return value;
}

Tensor int8Tensor(Shape shape, const std::vector<std::int8_t>& values) {
    Tensor tensor(DType::Int8, std::move(shape));
    std::copy(values.begin(), values.end(), tensor.mutableElements<std::int8_t>().begin());
    return tensor;
}

std::vector<int> runInt8(const Model& model, std::vector<Tensor> inputs) {
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels);
    const auto output = interpreter.run(0, std::move(inputs)).at(0);
    const auto values = output.elements<std::int8_t>();
    return {values.begin(), values.end()};
}

} // namespace

TEST_CASE("tflite: int8 CONV_2D reproduces the TFLite interpreter bit for bit",
          "[runtime][tflite][oracle]") {
    const std::string folder = "tosa-reference-examples/conv2d_1x1_1x32x32x8_qi8";
    const auto outputs = runOracle(folder, 1);
    const auto expected = readNpyTensor(testing::oracle(folder + "/tflite_result.npy"));
    REQUIRE(outputs.size() == 1);
    REQUIRE(outputs[0].dtype() == DType::Int8);
    REQUIRE(outputs[0].shape() == expected.shape());
    const auto got = outputs[0].elements<std::int8_t>();
    const auto want = expected.elements<std::int8_t>();
    std::size_t differing = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
        differing += got[i] != want[i];
    CHECK(differing == 0);
}

TEST_CASE("tflite: fp32 ADD with broadcast matches the TFLite interpreter",
          "[runtime][tflite][oracle]") {
    const std::string folder = "tosa-reference-examples/add_1x4x4x4_f32";
    const auto outputs = runOracle(folder, 2);
    const auto expected = readNpyTensor(testing::oracle(folder + "/tflite_result.npy"));
    REQUIRE(outputs.size() == 1);
    REQUIRE(outputs[0].shape() == expected.shape());
    const auto got = toDoubles(outputs[0]);
    const auto want = toDoubles(expected);
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(std::abs(got[i] - want[i]) <= 1e-5 * std::abs(want[i]) + 1e-7);
}

TEST_CASE("tflite: QuantizeMultiplier splits scales with frexp", "[runtime][tflite]") {
    using tflite::quantizeMultiplier;
    // 0.5 = 0.5 * 2^0 -> 2^30; 1.0 = 0.5 * 2^1.
    CHECK(quantizeMultiplier(0.5).multiplier == (1 << 30));
    CHECK(quantizeMultiplier(0.5).shift == 0);
    CHECK(quantizeMultiplier(1.0).multiplier == (1 << 30));
    CHECK(quantizeMultiplier(1.0).shift == 1);
    // 0.75 * 2^-3: round(0.75 * 2^31) exactly.
    CHECK(quantizeMultiplier(0.09375).multiplier == 1610612736);
    CHECK(quantizeMultiplier(0.09375).shift == -3);
    // A fraction that rounds up to 2^31 carries into the shift.
    const double justBelowOne = 1.0 - std::ldexp(1.0, -40);
    CHECK(quantizeMultiplier(justBelowOne).multiplier == (1 << 30));
    CHECK(quantizeMultiplier(justBelowOne).shift == 1);
    // Below 2^-32 the multiplier flushes to zero.
    CHECK(quantizeMultiplier(std::ldexp(1.0, -40)).multiplier == 0);
    CHECK(quantizeMultiplier(0.0).multiplier == 0);
}

TEST_CASE("tflite: double rounding of MultiplyByQuantizedMultiplier", "[runtime][tflite]") {
    using namespace tflite;
    constexpr auto kMin = std::numeric_limits<std::int32_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int32_t>::max();
    // High multiply: the nudge and truncating division send ties up, INT_MIN^2 saturates.
    CHECK(saturatingRoundingDoublingHighMul(kMin, kMin) == kMax);
    CHECK(saturatingRoundingDoublingHighMul(1, 1 << 30) == 1);   // 0.5 -> 1
    CHECK(saturatingRoundingDoublingHighMul(-1, 1 << 30) == 0);  // -0.5 -> 0
    CHECK(saturatingRoundingDoublingHighMul(-3, 1 << 29) == -1); // -0.75 -> -1
    CHECK(saturatingRoundingDoublingHighMul(3, 1 << 29) == 1);   // 0.75 -> 1
    // Rounding divide: half away from zero.
    CHECK(roundingDivideByPOT(3, 1) == 2);
    CHECK(roundingDivideByPOT(-3, 1) == -2);
    CHECK(roundingDivideByPOT(5, 2) == 1);
    CHECK(roundingDivideByPOT(-6, 2) == -2);
    CHECK(roundingDivideByPOT(-5, 2) == -1);
    // x * 0.5 * 2^-1 = x / 4 with both roundings: 10 -> SRDHM(10, 2^30) = 5 -> 5/2 = 2.5 -> 3.
    CHECK(multiplyByQuantizedMultiplier(10, 1 << 30, -1) == 3);
    CHECK(multiplyByQuantizedMultiplier(-10, 1 << 30, -1) == -3);
    // Positive shifts multiply first: 3 * 2^2 * 0.5 = 6.
    CHECK(multiplyByQuantizedMultiplier(3, 1 << 30, 2) == 6);
}

TEST_CASE("tflite: gemmlowp fixed-point exp, logistic and tanh are accurate", "[runtime][tflite]") {
    using namespace tflite;
    for (double x = -7.9; x < 0; x += 0.173) {
        const auto raw = static_cast<std::int32_t>(std::lround(x * (1 << 26))); // Q5.26
        const double got = expOnNegativeValues(raw, 5) / 2147483648.0;
        CHECK(std::abs(got - std::exp(raw / double(1 << 26))) < 3e-7);
    }
    CHECK(expOnNegativeValues(0, 5) == std::numeric_limits<std::int32_t>::max());
    for (double x = -7.9; x < 7.9; x += 0.191) {
        const auto raw = static_cast<std::int32_t>(std::lround(x * (1 << 27))); // Q4.27
        const double v = raw / double(1 << 27);
        CHECK(std::abs(fixedPointLogistic(raw, 4) / 2147483648.0 - 1 / (1 + std::exp(-v))) < 2e-7);
        CHECK(std::abs(fixedPointTanh(raw, 4) / 2147483648.0 - std::tanh(v)) < 2e-7);
    }
    CHECK(fixedPointLogistic(0, 4) == (1 << 30));
    CHECK(fixedPointTanh(0, 4) == 0);
}

TEST_CASE("tflite: the int8 fixture models run end to end", "[runtime][tflite]") {
    const auto kernels = KernelRegistry::withAllKernels();
    for (const auto* name :
         {"tflite/arm_mlek_kws_micronet_m_int8.tflite", "tflite/himax_person_int8_model.tflite"}) {
        INFO(name);
        const auto model = FormatRegistry::standard().open(testing::fixture(name));
        Interpreter interpreter(model, kernels, {2, nullptr, {}});
        const auto graph = model.topLevelGraphs().front();
        REQUIRE(interpreter.check(graph).empty());
        const auto spec = inputSpecs(model.graphs[graph]).front();
        Tensor input(spec.dtype, spec.shape);
        auto values = input.mutableElements<std::int8_t>();
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<std::int8_t>((i * 37) % 256 - 128);
        const auto outputs = interpreter.run(graph, {input});
        REQUIRE(outputs.size() == 1);
        CHECK(outputs[0].dtype() == DType::Int8);
    }
}

TEST_CASE("tflite: the person model's int8 softmax sums to one", "[runtime][tflite]") {
    const auto model =
        FormatRegistry::standard().open(testing::fixture("tflite/himax_person_int8_model.tflite"));
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels, {1, nullptr, {}});
    Tensor input(DType::Int8, {1, 96, 96, 1});
    const auto outputs = interpreter.run(model.topLevelGraphs().front(), {input});
    const auto p = outputs.at(0).elements<std::int8_t>();
    REQUIRE(p.size() == 2);
    // Output scale 1/256, zero point -128: the two probabilities add to 256/256 within rounding.
    const int total = (p[0] + 128) + (p[1] + 128);
    CHECK(std::abs(total - 256) <= 1);
}

TEST_CASE("tflite: Vela files name the NPU operations that cannot run", "[runtime][tflite]") {
    const auto kernels = KernelRegistry::withAllKernels();
    auto model = FormatRegistry::standard().open(
        testing::fixture("tflite/himax_kwt1_relu_mfcc_vela.tflite"));
    const auto top = model.topLevelGraphs().front();
    // Every CPU operator between the streams has a kernel, and every NPU operation runs.
    CHECK(Interpreter(model, kernels).check(top).empty());
    // An elementwise DIV (an Ethos-U85 mode) in one stream is named, through its ethos-u operator.
    std::size_t changed = 0;
    for (auto& graph : model.graphs) {
        if (graph.kind != "command-stream" || changed) continue;
        for (auto& node : graph.nodes)
            for (auto& attribute : node.attributes)
                if (!changed && node.op == "ethosu.ELEMENTWISE" && attribute.name == "mode") {
                    attribute.value = EnumValue{"DIV", 11};
                    ++changed;
                }
    }
    REQUIRE(changed == 1);
    const Interpreter interpreter(model, kernels);
    const auto missing = interpreter.check(top);
    REQUIRE(missing.size() == 1);
    CHECK(missing.front().op == "ethosu.ELEMENTWISE");
    CHECK(model.graphs[top].nodes.at(missing.front().topNode).op == "tflite.custom:ethos-u");
    CHECK(missing.front().reason.find("Ethos-U command stream") != std::string::npos);
    CHECK(missing.front().reason.find("DIV") != std::string::npos);
}

TEST_CASE("tflite: int8 ADD rescales both inputs with 20 bits of headroom", "[runtime][tflite]") {
    // Scales 0.5 and 0.25 into 1: the sum's last rounding is half away from zero.
    const auto model = singleNode("tflite.ADD", {int8Value({5}, 0.5, 0), int8Value({5}, 0.25, 0)},
                                  int8Value({5}, 1.0, 0));
    const auto out =
        runInt8(model, {int8Tensor({5}, {3, 1, -3, 1, -1}), int8Tensor({5}, {1, 2, -1, 0, 0})});
    CHECK(out == std::vector<int>{2, 1, -2, 1, -1}); // 1.75, 1.0, -1.75, 0.5, -0.5
}

TEST_CASE("tflite: int8 MUL applies one quantized multiplier to the product", "[runtime][tflite]") {
    // 0.5 x 0.5 into 1: multiplier 2^30, shift -1; ties go up in the high multiply, away from
    // zero in the final shift.
    const auto model = singleNode("tflite.MUL", {int8Value({3}, 0.5, 0), int8Value({3}, 0.5, 0)},
                                  int8Value({3}, 1.0, 0));
    const auto out = runInt8(model, {int8Tensor({3}, {3, -3, 2}), int8Tensor({3}, {1, 1, 1})});
    CHECK(out == std::vector<int>{1, -1, 1}); // 0.75, -0.75, 0.5
}

TEST_CASE("tflite: int8 AVERAGE_POOL_2D rounds half away from zero", "[runtime][tflite]") {
    const Attributes attributes{{"padding", EnumValue{"VALID", 1}},
                                {"strides", std::vector<std::int64_t>{2, 2}},
                                {"filter_size", std::vector<std::int64_t>{2, 2}},
                                {"fused_activation", EnumValue{"NONE", 0}}};
    const auto model = singleNode("tflite.AVERAGE_POOL_2D", {int8Value({1, 2, 6, 1}, 1.0, 0)},
                                  int8Value({1, 1, 3, 1}, 1.0, 0), attributes);
    // Windows {1,2,2,2} = 7/4, {-1,-2,-2,-2} = -7/4, {1,1,0,0} = 2/4.
    const auto out =
        runInt8(model, {int8Tensor({1, 2, 6, 1}, {1, 2, -1, -2, 1, 1, 2, 2, -2, -2, 0, 0})});
    CHECK(out == std::vector<int>{2, -2, 1});
}

TEST_CASE("tflite: int8 RELU6 fused into CONV_2D clamps at the quantised 6", "[runtime][tflite]") {
    // 1x1 convolution, weight 1 (scale 1), input scale 1, output scale 0.5 zp -128: 6.0 is
    // -128 + 12 = -116, so 10 clamps there and -3 clamps to the quantised 0 (-128).
    Value filter = int8Value({1, 1, 1, 1}, 1.0, 0);
    static const std::int8_t kOne[] = {1};
    auto file = MappedFile::fromBytes("filter", std::as_bytes(std::span(kOne)));
    filter.data = ByteView(file, file->bytes());
    Model model = singleNode("tflite.CONV_2D", {int8Value({1, 1, 3, 1}, 1.0, 0), filter},
                             int8Value({1, 1, 3, 1}, 0.5, -128),
                             {{"padding", EnumValue{"VALID", 1}},
                              {"strides", std::vector<std::int64_t>{1, 1}},
                              {"dilation", std::vector<std::int64_t>{1, 1}},
                              {"fused_activation", EnumValue{"RELU6", 3}}});
    // The filter is a constant, not a graph input.
    auto& graph = model.graphs[0];
    graph.values[1].kind = ValueKind::Constant;
    graph.inputs.pop_back();
    const auto out = runInt8(model, {int8Tensor({1, 1, 3, 1}, {10, -3, 2})});
    CHECK(out == std::vector<int>{-116, -128, -124});
}
