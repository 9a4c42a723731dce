// TOSA 1.1 operators built here with the code generated from our schema, read by the TOSA reader
// and run end to end: the OCP MX element types FP6 E2M3, FP6 E3M2 and FP4 E2M1 against their
// definition written out in this file, MATMUL_T_BLOCK_SCALED and CONV2D_BLOCK_SCALED against
// double-precision loops over the dequantised operands, the _ADAPTIVE pools and AVG_POOL2D with an
// fp16 accumulator against values worked by hand from the specification's pseudo-code.
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"
#include "runtime/ocp_float.hpp"

#include "tests/support/built_flatbuffer.hpp"
#include "tosa_v1_1_generated.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace pteron;
using runtime::Tensor;

namespace {

namespace v11 = pteron::fb::tosa_v1_1;

// One TOSA 1.1 file of one block "main".
class Tosa11File {
  public:
    void tensor(const std::string& name, std::vector<std::int32_t> shape, v11::DType type,
                std::vector<std::uint8_t> data = {}) {
        tensors_.push_back(v11::CreateTosaTensorDirect(builder_, name.c_str(), &shape, type,
                                                       data.empty() ? nullptr : &data));
    }
    // A SHAPE value made by CONST_SHAPE.
    void shape(const std::string& name, const std::vector<std::int64_t>& values) {
        std::vector<std::uint8_t> data(values.size() * 8);
        std::memcpy(data.data(), values.data(), data.size());
        tensor(name, {static_cast<std::int32_t>(values.size())}, v11::DType::SHAPE, data);
        op(v11::Op::CONST_SHAPE, {}, {name});
    }
    void op(v11::Op op, const std::vector<std::string>& inputs,
            const std::vector<std::string>& outputs, v11::Attribute type = v11::Attribute::NONE,
            flatbuffers::Offset<void> attribute = 0) {
        const auto in = testing::flatbufferStrings(builder_, inputs);
        const auto out = testing::flatbufferStrings(builder_, outputs);
        ops_.push_back(v11::CreateTosaOperatorDirect(builder_, op, type, attribute, &in, &out));
    }
    flatbuffers::FlatBufferBuilder& builder() { return builder_; }

    std::vector<Tensor> run(const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, std::vector<Tensor> values) {
        const auto in = testing::flatbufferStrings(builder_, inputs);
        const auto out = testing::flatbufferStrings(builder_, outputs);
        std::vector blocks{
            v11::CreateTosaBasicBlockDirect(builder_, "main", &ops_, &tensors_, &in, &out)};
        std::vector regions{v11::CreateTosaRegionDirect(builder_, "main", &blocks)};
        auto version = v11::CreateVersion(builder_, 1, 1, 0, true);
        builder_.Finish(v11::CreateTosaGraphDirect(builder_, version, &regions), "TOSA");
        const auto model = testing::readBuiltFile(builder_, "built.tosa");
        static const auto kernels = runtime::KernelRegistry::withAllKernels();
        runtime::Interpreter interpreter(model, kernels, {});
        return interpreter.run(0, std::move(values));
    }

  private:
    flatbuffers::FlatBufferBuilder builder_;
    std::vector<flatbuffers::Offset<v11::TosaTensor>> tensors_;
    std::vector<flatbuffers::Offset<v11::TosaOperator>> ops_;
};

// OCP MX: sign in the top bit; exponent bias 2^(e-1) - 1; exponent 0 is subnormal
// (mantissa / 2^m x 2^(1 - bias)); every code is a finite number.
double mxValue(unsigned code, int exponentBits, int mantissaBits) {
    const int bias = (1 << (exponentBits - 1)) - 1;
    const bool negative = (code >> (exponentBits + mantissaBits)) & 1;
    const int exponent = static_cast<int>(code >> mantissaBits) & ((1 << exponentBits) - 1);
    const int mantissa = static_cast<int>(code) & ((1 << mantissaBits) - 1);
    const double fraction = mantissa / std::pow(2.0, mantissaBits);
    const double magnitude = exponent == 0 ? fraction * std::pow(2.0, 1 - bias)
                                           : (1 + fraction) * std::pow(2.0, exponent - bias);
    return negative ? -magnitude : magnitude;
}

double scaleOf(std::uint8_t bits) {
    return std::pow(2.0, int(bits) - 127);
}

// fp16 bits to a number, from IEEE 754 binary16 (normal and subnormal codes only).
double halfValue(std::uint16_t bits) {
    const int exponent = (bits >> 10) & 0x1F;
    const int mantissa = bits & 0x3FF;
    const double magnitude = exponent == 0 ? mantissa * std::pow(2.0, -24)
                                           : (1 + mantissa / 1024.0) * std::pow(2.0, exponent - 15);
    return (bits & 0x8000) ? -magnitude : magnitude;
}

std::uint32_t nextState(std::uint32_t& state) {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
}

Tensor codes(DType type, runtime::Shape shape, unsigned codeCount, std::uint32_t seed) {
    Tensor tensor(type, std::move(shape));
    for (auto& code : tensor.mutableElements<std::uint8_t>())
        code = static_cast<std::uint8_t>(nextState(seed) % codeCount);
    return tensor;
}

Tensor scales(runtime::Shape shape, std::uint32_t seed) {
    Tensor tensor(DType::Float8E8M0, std::move(shape));
    for (auto& bits : tensor.mutableElements<std::uint8_t>())
        bits = static_cast<std::uint8_t>(120 + nextState(seed) % 15); // 2^-7 .. 2^7
    return tensor;
}

std::vector<std::uint8_t> floatBytes(const std::vector<float>& values) {
    std::vector<std::uint8_t> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

} // namespace

TEST_CASE("every FP4 E2M1 and FP6 E2M3 / E3M2 code decodes to its OCP MX value") {
    // The FP4 magnitudes as the OCP MX specification tabulates them.
    const double fp4[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    for (unsigned code = 0; code < 16; ++code) {
        const double want = (code & 8) ? -fp4[code & 7] : fp4[code & 7];
        CHECK(runtime::float4E2M1ToFloat(static_cast<std::uint8_t>(code)) == want);
        CHECK(mxValue(code, 2, 1) == want);
    }
    for (unsigned code = 0; code < 64; ++code) {
        INFO("code " << code);
        CHECK(runtime::float6E2M3ToFloat(static_cast<std::uint8_t>(code)) == mxValue(code, 2, 3));
        CHECK(runtime::float6E3M2ToFloat(static_cast<std::uint8_t>(code)) == mxValue(code, 3, 2));
        // Every code encodes back to itself (-0 included).
        const auto bits = static_cast<std::uint8_t>(code);
        CHECK(runtime::floatToFloat6E2M3(runtime::float6E2M3ToFloat(bits)) == bits);
        CHECK(runtime::floatToFloat6E3M2(runtime::float6E3M2ToFloat(bits)) == bits);
        if (code < 16) CHECK(runtime::floatToFloat4E2M1(runtime::float4E2M1ToFloat(bits)) == bits);
    }
    // The ends of the ranges the TOSA specification states.
    CHECK(mxValue(0x1F, 2, 3) == 7.5);
    CHECK(mxValue(0x1F, 3, 2) == 28.0);
    CHECK(mxValue(0x01, 2, 3) == 0.125);
    CHECK(mxValue(0x01, 3, 2) == 0.0625);
    // Round to nearest, ties to even; beyond the largest value, saturation.
    CHECK(runtime::floatToFloat4E2M1(2.5f) == 0x4);   // 2 (even) not 3
    CHECK(runtime::floatToFloat4E2M1(5.0f) == 0x6);   // 4 (even) not 6
    CHECK(runtime::floatToFloat4E2M1(5.1f) == 0x7);   // 6
    CHECK(runtime::floatToFloat4E2M1(0.75f) == 0x2);  // 1 (even) not 0.5
    CHECK(runtime::floatToFloat4E2M1(-0.25f) == 0x8); // -0 (even) not -0.5
    CHECK(runtime::floatToFloat4E2M1(100.0f) == 0x7);
    CHECK(runtime::floatToFloat4E2M1(-7.0f) == 0xF);
    CHECK(runtime::floatToFloat6E2M3(7.8f) == 0x1F);
    CHECK(runtime::floatToFloat6E3M2(1e6f) == 0x1F);
    CHECK(runtime::floatToFloat6E3M2(0.09375f) == 0x02); // 1.5 x 1/16: tie, to 2/16 (even)
}

TEST_CASE("MATMUL_T_BLOCK_SCALED equals a double loop over the dequantised blocks") {
    // A [2,2,64] FP4 with scales [2,2,2]; B [1,3,64] FP4 broadcast over A's batch.
    Tosa11File f;
    f.tensor("a", {2, 2, 64}, v11::DType::FP4E2M1);
    f.tensor("as", {2, 2, 2}, v11::DType::FP8UE8M0);
    f.tensor("b", {1, 3, 64}, v11::DType::FP4E2M1);
    f.tensor("bs", {1, 3, 2}, v11::DType::FP8UE8M0);
    f.tensor("y", {2, 2, 3}, v11::DType::FP32);
    f.op(
        v11::Op::MATMUL_T_BLOCK_SCALED, {"a", "as", "b", "bs"}, {"y"},
        v11::Attribute::MatMulTBlockScaledAttribute,
        v11::CreateMatMulTBlockScaledAttribute(f.builder(), v11::BlockSize::BLOCK_SIZE_32).Union());
    const auto a = codes(DType::Float4E2M1, {2, 2, 64}, 16, 1);
    const auto as = scales({2, 2, 2}, 2);
    const auto b = codes(DType::Float4E2M1, {1, 3, 64}, 16, 3);
    const auto bs = scales({1, 3, 2}, 4);
    const auto outputs = f.run({"a", "as", "b", "bs"}, {"y"}, {a, as, b, bs});
    REQUIRE(outputs.at(0).shape() == runtime::Shape{2, 2, 3});
    const auto got = outputs[0].elements<float>();
    const auto av = a.elements<std::uint8_t>(), asv = as.elements<std::uint8_t>();
    const auto bv = b.elements<std::uint8_t>(), bsv = bs.elements<std::uint8_t>();
    for (int n = 0; n < 2; ++n)
        for (int h = 0; h < 2; ++h)
            for (int w = 0; w < 3; ++w) {
                double sum = 0;
                for (int c = 0; c < 64; ++c) {
                    const double x = mxValue(av[(n * 2 + h) * 64 + c], 2, 1) *
                                     scaleOf(asv[(n * 2 + h) * 2 + c / 32]);
                    const double y = mxValue(bv[w * 64 + c], 2, 1) * scaleOf(bsv[w * 2 + c / 32]);
                    sum += x * y;
                }
                // Each block's sum and its scaling are exact in fp32; the two blocks' sum is
                // rounded once, so fp32 of the exact sum is the expected result.
                CHECK(got[(n * 2 + h) * 3 + w] == static_cast<float>(sum));
            }
}

TEST_CASE("CONV2D_BLOCK_SCALED equals a double loop over the dequantised blocks") {
    // input [1,3,3,64] FP6 E2M3, weight [2,2,2,64], pad top/left 1, stride 1, dilation 1.
    Tosa11File f;
    f.tensor("x", {1, 3, 3, 64}, v11::DType::FP6E2M3);
    f.tensor("xs", {1, 3, 3, 2}, v11::DType::FP8UE8M0);
    f.tensor("w", {2, 2, 2, 64}, v11::DType::FP6E2M3);
    f.tensor("ws", {2, 2, 2, 2}, v11::DType::FP8UE8M0);
    const std::vector<float> bias{0.5f, -1.25f};
    f.tensor("bias", {2}, v11::DType::FP32, floatBytes(bias));
    f.shape("pad", {1, 0, 1, 0});
    f.shape("stride", {1, 1});
    f.shape("dilation", {1, 1});
    f.tensor("y", {1, 3, 3, 2}, v11::DType::FP32);
    f.op(v11::Op::CONV2D_BLOCK_SCALED, {"x", "xs", "w", "ws", "bias", "pad", "stride", "dilation"},
         {"y"}, v11::Attribute::Conv2dBlockScaledAttribute,
         v11::CreateConv2dBlockScaledAttribute(f.builder(), v11::BlockSize::BLOCK_SIZE_32).Union());
    const auto x = codes(DType::Float6E2M3, {1, 3, 3, 64}, 64, 5);
    const auto xs = scales({1, 3, 3, 2}, 6);
    const auto w = codes(DType::Float6E2M3, {2, 2, 2, 64}, 64, 7);
    const auto ws = scales({2, 2, 2, 2}, 8);
    const auto outputs = f.run({"x", "xs", "w", "ws"}, {"y"}, {x, xs, w, ws});
    REQUIRE(outputs.at(0).shape() == runtime::Shape{1, 3, 3, 2});
    const auto got = outputs[0].elements<float>();
    const auto xv = x.elements<std::uint8_t>(), xsv = xs.elements<std::uint8_t>();
    const auto wv = w.elements<std::uint8_t>(), wsv = ws.elements<std::uint8_t>();
    for (int oy = 0; oy < 3; ++oy)
        for (int ox = 0; ox < 3; ++ox)
            for (int oc = 0; oc < 2; ++oc) {
                double sum = bias[static_cast<std::size_t>(oc)], magnitude = std::fabs(sum);
                for (int ky = 0; ky < 2; ++ky)
                    for (int kx = 0; kx < 2; ++kx) {
                        const int y = oy - 1 + ky, xx = ox - 1 + kx;
                        if (y < 0 || xx < 0) continue; // padding adds nothing
                        for (int c = 0; c < 64; ++c) {
                            const int pixel = y * 3 + xx, tap = (oc * 2 + ky) * 2 + kx;
                            const double term = mxValue(xv[pixel * 64 + c], 2, 3) *
                                                scaleOf(xsv[pixel * 2 + c / 32]) *
                                                mxValue(wv[tap * 64 + c], 2, 3) *
                                                scaleOf(wsv[tap * 2 + c / 32]);
                            sum += term;
                            magnitude += std::fabs(term);
                        }
                    }
                INFO("oy " << oy << " ox " << ox << " oc " << oc);
                // fp32 rounds each block's sum and the running total: a few fp32 steps of the
                // terms' magnitude.
                CHECK(std::fabs(got[(oy * 3 + ox) * 2 + oc] - sum) <= 1e-6 * magnitude);
            }
}

TEST_CASE("AVG_POOL2D with an fp16 accumulator rounds every sum to fp16") {
    const auto pool = [](v11::DType accType) {
        Tosa11File f;
        f.tensor("x", {1, 1, 3, 1}, v11::DType::FP16);
        f.tensor("zp", {1}, v11::DType::FP16, {0, 0});
        f.tensor("y", {1, 1, 1, 1}, v11::DType::FP16);
        const std::vector<std::int32_t> kernel{1, 3}, stride{1, 1}, pad{0, 0, 0, 0};
        f.op(v11::Op::AVG_POOL2D, {"x", "zp", "zp"}, {"y"}, v11::Attribute::AvgPool2dAttribute,
             v11::CreateAvgPool2dAttributeDirect(f.builder(), &kernel, &stride, &pad, accType)
                 .Union());
        Tensor x(DType::Float16, {1, 1, 3, 1});
        const auto bits = x.mutableElements<std::uint16_t>();
        bits[0] = 0x6800;           // 2048
        bits[1] = bits[2] = 0x3C00; // 1
        return halfValue(f.run({"x"}, {"y"}, {x}).at(0).elements<std::uint16_t>()[0]);
    };
    // fp16: 2048 + 1 = 2049 is a tie between 2048 and 2050 and goes to even 2048, twice; 2048 / 3
    // = 682.67 rounds to 682.5 (fp16 steps by 0.5 there).
    CHECK(pool(v11::DType::FP16) == 682.5);
    // fp32: 2050 / 3 = 683.33, rounded to fp16 at the end: 683.5.
    CHECK(pool(v11::DType::FP32) == 683.5);
}

TEST_CASE("AVG_POOL2D_ADAPTIVE and MAX_POOL2D_ADAPTIVE take kernel, stride and pad as shapes") {
    // 3x3 input 1..9, kernel 2x2, stride 2, one row and column of padding before.
    const auto input = [] {
        Tensor x(DType::Float32, {1, 3, 3, 1});
        auto values = x.mutableElements<float>();
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(i + 1);
        return x;
    };
    {
        Tosa11File f;
        f.tensor("x", {1, 3, 3, 1}, v11::DType::FP32);
        f.tensor("zp", {1}, v11::DType::FP32, {0, 0, 0, 0});
        f.shape("kernel", {2, 2});
        f.shape("stride", {2, 2});
        f.shape("pad", {1, 0, 1, 0});
        f.tensor("y", {1, 2, 2, 1}, v11::DType::FP32);
        f.op(v11::Op::AVG_POOL2D_ADAPTIVE, {"x", "zp", "zp", "kernel", "stride", "pad"}, {"y"},
             v11::Attribute::AvgPool2dAdaptiveAttribute,
             v11::CreateAvgPool2dAdaptiveAttribute(f.builder(), v11::DType::FP32).Union());
        const auto y = f.run({"x"}, {"y"}, {input()}).at(0);
        // Windows {1}, {2,3}, {4,7}, {5,6,8,9}; padding is not counted.
        const std::vector<float> want{1.0f, 2.5f, 5.5f, 7.0f};
        CHECK(std::vector<float>(y.elements<float>().begin(), y.elements<float>().end()) == want);
    }
    {
        Tosa11File f;
        f.tensor("x", {1, 3, 3, 1}, v11::DType::FP32);
        f.shape("kernel", {2, 2});
        f.shape("stride", {2, 2});
        f.shape("pad", {1, 0, 1, 0});
        f.tensor("y", {1, 2, 2, 1}, v11::DType::FP32);
        f.op(v11::Op::MAX_POOL2D_ADAPTIVE, {"x", "kernel", "stride", "pad"}, {"y"},
             v11::Attribute::MaxPool2dAdaptiveAttribute,
             v11::CreateMaxPool2dAdaptiveAttribute(f.builder(), v11::NanPropagationMode::PROPAGATE)
                 .Union());
        const auto y = f.run({"x"}, {"y"}, {input()}).at(0);
        const std::vector<float> want{1.0f, 3.0f, 7.0f, 9.0f};
        CHECK(std::vector<float>(y.elements<float>().begin(), y.elements<float>().end()) == want);
    }
}

TEST_CASE("FP4 and FP6 constants in a TOSA file are refused, not misread") {
    Tosa11File f;
    f.tensor("c", {2}, v11::DType::FP4E2M1, {0x21, 0, 0, 0, 0, 0, 0, 0});
    f.tensor("s", {1}, v11::DType::FP8UE8M0, {127});
    f.tensor("x", {2}, v11::DType::FP32);
    f.tensor("y", {2}, v11::DType::FP32);
    f.op(v11::Op::CAST_FROM_BLOCK_SCALED, {"c", "s"}, {"y"},
         v11::Attribute::CastFromBlockScaledAttribute,
         v11::CreateCastFromBlockScaledAttribute(f.builder(), v11::BlockSize::BLOCK_SIZE_32)
             .Union());
    CHECK_THROWS_WITH(f.run({"x"}, {"y"}, {Tensor(DType::Float32, {2})}),
                      Catch::Contains("packed in a way no published format note defines"));
}
