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

TEST_CASE("tflite: Vela files name the ethos-u operator as what cannot run", "[runtime][tflite]") {
    const auto kernels = KernelRegistry::withAllKernels();
    const auto model = FormatRegistry::standard().open(
        testing::fixture("tflite/himax_kwt1_relu_mfcc_vela.tflite"));
    const Interpreter interpreter(model, kernels);
    const auto missing = interpreter.check(model.topLevelGraphs().front());
    REQUIRE_FALSE(missing.empty());
    // Only the ethos-u operators are missing, each for its command stream.
    for (const auto& item : missing) {
        CHECK(item.op == "tflite.custom:ethos-u");
        CHECK(item.reason.find("Ethos-U command stream") != std::string::npos);
    }
}
