// TOSA files built here with the code generated from our schemas, read by the TOSA reader and run
// end to end: int4 weights (EXT-INT4) against the same model with the weights widened to int8 and
// the specification's convolution formula in int64; fp16 accumulation against hand-worked
// roundings; fp8 CAST against the OCP encodings; TOSA 1.1 shape operators against their
// pseudo-code worked by hand.
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"
#include "runtime/tensor_elements.hpp"

#include "tests/support/built_flatbuffer.hpp"
#include "tosa_v1_0_generated.h"
#include "tosa_v1_1_generated.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace pteron;
using runtime::Tensor;

namespace {

namespace v10 = pteron::fb::tosa_v1_0;

const runtime::KernelRegistry& kernels() {
    static const auto registry = runtime::KernelRegistry::withAllKernels();
    return registry;
}

// One TOSA 1.0 file of one block "main".
class TosaFile {
  public:
    void tensor(const std::string& name, std::vector<std::int32_t> shape, v10::DType type,
                std::vector<std::uint8_t> data = {}) {
        tensors_.push_back(v10::CreateTosaTensorDirect(builder_, name.c_str(), &shape, type,
                                                       data.empty() ? nullptr : &data));
    }
    void op(v10::Op op, const std::vector<std::string>& inputs,
            const std::vector<std::string>& outputs, v10::Attribute type = v10::Attribute::NONE,
            flatbuffers::Offset<void> attribute = 0) {
        const auto in = testing::flatbufferStrings(builder_, inputs);
        const auto out = testing::flatbufferStrings(builder_, outputs);
        ops_.push_back(v10::CreateTosaOperatorDirect(builder_, op, type, attribute, &in, &out));
    }
    flatbuffers::FlatBufferBuilder& builder() { return builder_; }

    Model read(const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
        const auto in = testing::flatbufferStrings(builder_, inputs);
        const auto out = testing::flatbufferStrings(builder_, outputs);
        std::vector blocks{
            v10::CreateTosaBasicBlockDirect(builder_, "main", &ops_, &tensors_, &in, &out)};
        std::vector regions{v10::CreateTosaRegionDirect(builder_, "main", &blocks)};
        auto version = v10::CreateVersion(builder_, 1, 0, 0, false);
        builder_.Finish(v10::CreateTosaGraphDirect(builder_, version, &regions), "TOSA");
        return testing::readBuiltFile(builder_, "built.tosa");
    }

  private:
    flatbuffers::FlatBufferBuilder builder_;
    std::vector<flatbuffers::Offset<v10::TosaTensor>> tensors_;
    std::vector<flatbuffers::Offset<v10::TosaOperator>> ops_;
};

std::vector<Tensor> run(const Model& model, std::vector<Tensor> inputs, unsigned threads = 1) {
    runtime::RunOptions options;
    options.threads = threads;
    runtime::Interpreter interpreter(model, kernels(), options);
    return interpreter.run(0, std::move(inputs));
}

// Deterministic values in [low, high].
std::vector<std::int8_t> spread(std::size_t count, int low, int high, unsigned seed) {
    std::vector<std::int8_t> values(count);
    std::uint32_t state = seed * 2654435761u + 1;
    for (auto& value : values) {
        state = state * 1664525u + 1013904223u;
        value = static_cast<std::int8_t>(low + static_cast<int>((state >> 8) % (high - low + 1)));
    }
    return values;
}

std::vector<std::uint8_t> int8Bytes(const std::vector<std::int8_t>& values) {
    return {values.begin(), values.end()};
}

// TOSA's INT4 storage: element 2i in the low nibble, 2i+1 in the high one, two's complement.
std::vector<std::uint8_t> int4Bytes(const std::vector<std::int8_t>& values) {
    std::vector<std::uint8_t> bytes((values.size() + 1) / 2, 0);
    for (std::size_t i = 0; i < values.size(); ++i)
        bytes[i / 2] |= static_cast<std::uint8_t>((values[i] & 0xF) << (i % 2 ? 4 : 0));
    return bytes;
}

std::vector<std::uint8_t> int32Bytes(const std::vector<std::int32_t>& values) {
    std::vector<std::uint8_t> bytes(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

Tensor int8Tensor(runtime::Shape shape, const std::vector<std::int8_t>& values) {
    Tensor tensor(DType::Int8, std::move(shape));
    std::memcpy(tensor.mutableBytes().data(), values.data(), values.size());
    return tensor;
}

std::vector<std::int32_t> int32Values(const Tensor& tensor) {
    const auto values = tensor.elements<std::int32_t>();
    return {values.begin(), values.end()};
}

// One integer convolution node: x (input) * w (constant) + b, zero points as operands.
struct ConvCase {
    v10::Op op = v10::Op::CONV2D;
    std::vector<std::int32_t> inputShape, weightShape, outputShape;
    std::vector<std::int32_t> pad, stride, dilation; // transpose: pad is out_pad
    std::vector<std::int8_t> input, weights;
    std::vector<std::int32_t> bias;
    std::int8_t inputZp = 0;
};

Model convModel(const ConvCase& c, bool int4Weights) {
    TosaFile file;
    auto& b = file.builder();
    flatbuffers::Offset<void> attribute;
    v10::Attribute type = v10::Attribute::NONE;
    switch (c.op) {
    case v10::Op::CONV2D:
        type = v10::Attribute::Conv2dAttribute;
        attribute = v10::CreateConv2dAttributeDirect(b, &c.pad, &c.stride, &c.dilation, false,
                                                     v10::DType::INT32)
                        .Union();
        break;
    case v10::Op::CONV3D:
        type = v10::Attribute::Conv3dAttribute;
        attribute = v10::CreateConv3dAttributeDirect(b, &c.pad, &c.stride, &c.dilation, false,
                                                     v10::DType::INT32)
                        .Union();
        break;
    case v10::Op::DEPTHWISE_CONV2D:
        type = v10::Attribute::DepthwiseConv2dAttribute;
        attribute = v10::CreateDepthwiseConv2dAttributeDirect(b, &c.pad, &c.stride, &c.dilation,
                                                              false, v10::DType::INT32)
                        .Union();
        break;
    default:
        type = v10::Attribute::TransposeConv2dAttribute;
        attribute = v10::CreateTransposeConv2dAttributeDirect(b, &c.pad, &c.stride, false,
                                                              v10::DType::INT32)
                        .Union();
    }
    const auto weightType = int4Weights ? v10::DType::INT4 : v10::DType::INT8;
    file.tensor("x", c.inputShape, v10::DType::INT8);
    file.tensor("w", c.weightShape, weightType,
                int4Weights ? int4Bytes(c.weights) : int8Bytes(c.weights));
    file.tensor("b", {static_cast<std::int32_t>(c.bias.size())}, v10::DType::INT32,
                int32Bytes(c.bias));
    file.tensor("xz", {1}, v10::DType::INT8, {static_cast<std::uint8_t>(c.inputZp)});
    file.tensor("wz", {1}, weightType, {0});
    file.tensor("y", c.outputShape, v10::DType::INT32);
    file.op(v10::Op::CONST, {}, {"w"});
    file.op(v10::Op::CONST, {}, {"b"});
    file.op(v10::Op::CONST, {}, {"xz"});
    file.op(v10::Op::CONST, {}, {"wz"});
    file.op(c.op, {"x", "w", "b", "xz", "wz"}, {"y"}, type, attribute);
    return file.read({"x"}, {"y"});
}

std::vector<std::int32_t> runConv(const ConvCase& c, bool int4Weights) {
    const auto model = convModel(c, int4Weights);
    const auto outputs =
        run(model, {int8Tensor({c.inputShape.begin(), c.inputShape.end()}, c.input)});
    REQUIRE(outputs.size() == 1);
    REQUIRE(outputs[0].dtype() == DType::Int32);
    return int32Values(outputs[0]);
}

std::size_t product(const std::vector<std::int32_t>& shape) {
    std::size_t count = 1;
    for (const auto dim : shape)
        count *= static_cast<std::size_t>(dim);
    return count;
}

ConvCase filled(ConvCase c, unsigned seed) {
    c.input = spread(product(c.inputShape), -128, 127, seed);
    // INT4 holds -7..7 (-8 is not a valid TOSA int4 value).
    c.weights = spread(product(c.weightShape), -7, 7, seed + 1);
    const auto channels = static_cast<std::size_t>(c.outputShape.back());
    c.bias.resize(channels);
    for (std::size_t i = 0; i < channels; ++i)
        c.bias[i] = static_cast<std::int32_t>(i * 1000) - 1500;
    return c;
}

// CONV2D by the specification's formula: acc = bias[oc] + sum over taps inside the input of
// (value - input_zp) * (weight - weight_zp), in int64.
std::vector<std::int32_t> conv2dByFormula(const ConvCase& c) {
    const auto ih = c.inputShape[1], iw = c.inputShape[2], ic = c.inputShape[3];
    const auto oc = c.weightShape[0], kh = c.weightShape[1], kw = c.weightShape[2];
    const auto oh = c.outputShape[1], ow = c.outputShape[2];
    std::vector<std::int32_t> out;
    for (std::int64_t oy = 0; oy < oh; ++oy)
        for (std::int64_t ox = 0; ox < ow; ++ox)
            for (std::int64_t o = 0; o < oc; ++o) {
                std::int64_t acc = c.bias[static_cast<std::size_t>(o)];
                for (std::int64_t ky = 0; ky < kh; ++ky)
                    for (std::int64_t kx = 0; kx < kw; ++kx) {
                        const auto y = oy * c.stride[0] - c.pad[0] + ky * c.dilation[0];
                        const auto x = ox * c.stride[1] - c.pad[2] + kx * c.dilation[1];
                        if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
                        for (std::int64_t i = 0; i < ic; ++i) {
                            const std::int64_t value =
                                c.input[static_cast<std::size_t>((y * iw + x) * ic + i)];
                            const std::int64_t weight = c.weights[static_cast<std::size_t>(
                                ((o * kh + ky) * kw + kx) * ic + i)];
                            acc += (value - c.inputZp) * weight;
                        }
                    }
                out.push_back(static_cast<std::int32_t>(acc));
            }
    return out;
}

} // namespace

TEST_CASE("int4 CONV2D weights give the int8 model's result and the specification's formula") {
    ConvCase c;
    c.inputShape = {1, 5, 5, 3};
    c.weightShape = {3, 3, 3, 3}; // 81 weights: the last byte holds one nibble
    c.outputShape = {1, 4, 2, 3};
    c.pad = {1, 0, 0, 1};
    c.stride = {1, 2};
    c.dilation = {1, 1};
    c.inputZp = -3;
    c = filled(c, 7);
    const auto int4 = runConv(c, true);
    CHECK(int4 == runConv(c, false));
    CHECK(int4 == conv2dByFormula(c));
}

TEST_CASE("int4 DEPTHWISE_CONV2D, TRANSPOSE_CONV2D and CONV3D weights equal their int8 widening") {
    ConvCase depthwise;
    depthwise.op = v10::Op::DEPTHWISE_CONV2D;
    depthwise.inputShape = {1, 4, 4, 2};
    depthwise.weightShape = {3, 3, 2, 2};
    depthwise.outputShape = {1, 4, 4, 4};
    depthwise.pad = {1, 1, 1, 1};
    depthwise.stride = {1, 1};
    depthwise.dilation = {1, 1};
    depthwise.inputZp = 5;

    ConvCase transpose;
    transpose.op = v10::Op::TRANSPOSE_CONV2D;
    transpose.inputShape = {1, 3, 3, 2};
    transpose.weightShape = {3, 2, 2, 2};
    transpose.outputShape = {1, 6, 6, 3};
    transpose.pad = {0, 0, 0, 0};
    transpose.stride = {2, 2};

    ConvCase conv3d;
    conv3d.op = v10::Op::CONV3D;
    conv3d.inputShape = {1, 3, 3, 3, 2};
    conv3d.weightShape = {2, 2, 2, 2, 2};
    conv3d.outputShape = {1, 2, 2, 2, 2};
    conv3d.pad = {0, 0, 0, 0, 0, 0};
    conv3d.stride = {1, 1, 1};
    conv3d.dilation = {1, 1, 1};
    conv3d.inputZp = -1;

    unsigned seed = 20;
    for (auto c : {depthwise, transpose, conv3d}) {
        c = filled(c, seed++);
        INFO("op " << v10::EnumNameOp(c.op));
        const auto int4 = runConv(c, true);
        CHECK(int4.size() == product(c.outputShape));
        CHECK(int4 == runConv(c, false));
    }
}

TEST_CASE("an int4 weight with a non-zero zero point is refused") {
    ConvCase c;
    c.inputShape = {1, 2, 2, 1};
    c.weightShape = {1, 1, 1, 1};
    c.outputShape = {1, 2, 2, 1};
    c.pad = {0, 0, 0, 0};
    c.stride = {1, 1};
    c.dilation = {1, 1};
    c = filled(c, 3);
    TosaFile file;
    auto& b = file.builder();
    const auto attribute = v10::CreateConv2dAttributeDirect(b, &c.pad, &c.stride, &c.dilation,
                                                            false, v10::DType::INT32)
                               .Union();
    file.tensor("x", c.inputShape, v10::DType::INT8);
    file.tensor("w", c.weightShape, v10::DType::INT4, {0x03});
    file.tensor("b", {1}, v10::DType::INT32, int32Bytes({0}));
    file.tensor("xz", {1}, v10::DType::INT8, {0});
    file.tensor("wz", {1}, v10::DType::INT4, {0x01});
    file.tensor("y", c.outputShape, v10::DType::INT32);
    file.op(v10::Op::CONV2D, {"x", "w", "b", "xz", "wz"}, {"y"}, v10::Attribute::Conv2dAttribute,
            attribute);
    const auto model = file.read({"x"}, {"y"});
    CHECK_THROWS_WITH(run(model, {int8Tensor({1, 2, 2, 1}, c.input)}),
                      Catch::Contains("int4 weight zero point must be 0"));
}

// fp16 accumulation: the specification's pseudo-code rounds every product and sum to acc_t.
namespace {

// IEEE binary16 bytes of small exact values: 1 = 0x3C00, 2048 = 0x6800, 0 = 0x0000.
std::vector<std::uint8_t> halfBytes(const std::vector<std::uint16_t>& bits) {
    std::vector<std::uint8_t> bytes;
    for (const auto value : bits) {
        bytes.push_back(static_cast<std::uint8_t>(value & 0xFF));
        bytes.push_back(static_cast<std::uint8_t>(value >> 8));
    }
    return bytes;
}

constexpr std::uint16_t kHalfOne = 0x3C00;
constexpr std::uint16_t kHalf2048 = 0x6800;

Tensor halfTensor(runtime::Shape shape, const std::vector<std::uint16_t>& bits) {
    Tensor tensor(DType::Float16, std::move(shape));
    std::memcpy(tensor.mutableBytes().data(), bits.data(), bits.size() * 2);
    return tensor;
}

float onlyFloat(const Tensor& tensor) {
    const auto values = runtime::toDoubles(tensor);
    REQUIRE(values.size() == 1);
    return static_cast<float>(values[0]);
}

// x [1,1,3,C] * w (all ones) + bias 1 in fp16, with the accumulator `acc`.
float halfConvolution(v10::Op op, v10::DType acc) {
    TosaFile file;
    auto& b = file.builder();
    const std::vector<std::int32_t> pad{0, 0, 0, 0}, stride{1, 1}, dilation{1, 1};
    const bool depthwise = op == v10::Op::DEPTHWISE_CONV2D;
    flatbuffers::Offset<void> attribute =
        depthwise
            ? v10::CreateDepthwiseConv2dAttributeDirect(b, &pad, &stride, &dilation, false, acc)
                  .Union()
            : v10::CreateConv2dAttributeDirect(b, &pad, &stride, &dilation, false, acc).Union();
    // CONV2D: weight [1,1,1,3] sums the three channels of one pixel; DEPTHWISE_CONV2D: weight
    // [1,3,1,1] sums three pixels of one channel.
    file.tensor("x",
                depthwise ? std::vector<std::int32_t>{1, 1, 3, 1}
                          : std::vector<std::int32_t>{1, 1, 1, 3},
                v10::DType::FP16);
    file.tensor("w",
                depthwise ? std::vector<std::int32_t>{1, 3, 1, 1}
                          : std::vector<std::int32_t>{1, 1, 1, 3},
                v10::DType::FP16, halfBytes({kHalfOne, kHalfOne, kHalfOne}));
    file.tensor("b", {1}, v10::DType::FP16, halfBytes({kHalfOne}));
    file.tensor("xz", {1}, v10::DType::FP16, halfBytes({0}));
    file.tensor("wz", {1}, v10::DType::FP16, halfBytes({0}));
    file.tensor("y", {1, 1, 1, 1}, v10::DType::FP16);
    file.op(op, {"x", "w", "b", "xz", "wz"}, {"y"},
            depthwise ? v10::Attribute::DepthwiseConv2dAttribute : v10::Attribute::Conv2dAttribute,
            attribute);
    const auto model = file.read({"x"}, {"y"});
    const auto input = depthwise ? halfTensor({1, 1, 3, 1}, {kHalf2048, kHalfOne, kHalfOne})
                                 : halfTensor({1, 1, 1, 3}, {kHalf2048, kHalfOne, kHalfOne});
    return onlyFloat(run(model, {input}).at(0));
}

} // namespace

TEST_CASE("fp16 accumulators round every step; fp32 accumulators round once") {
    // fp16 steps by 2 above 2048: 2048 + 1 ties to 2048 (even) twice, and adding the bias 1
    // ties to 2048 again. In fp32 the sum is 2050, and 2050 + 1 ties to 2052 in fp16.
    for (const auto op : {v10::Op::CONV2D, v10::Op::DEPTHWISE_CONV2D}) {
        INFO("op " << v10::EnumNameOp(op));
        CHECK(halfConvolution(op, v10::DType::FP16) == 2048.0f);
        CHECK(halfConvolution(op, v10::DType::FP32) == 2052.0f);
    }
}

TEST_CASE("MATMUL with an fp16 output accumulates in fp16") {
    for (const auto outType : {v10::DType::FP16, v10::DType::FP32}) {
        TosaFile file;
        file.tensor("a", {1, 1, 3}, v10::DType::FP16);
        file.tensor("b", {1, 3, 1}, v10::DType::FP16, halfBytes({kHalfOne, kHalfOne, kHalfOne}));
        file.tensor("az", {1}, v10::DType::FP16, halfBytes({0}));
        file.tensor("bz", {1}, v10::DType::FP16, halfBytes({0}));
        file.tensor("y", {1, 1, 1}, outType);
        file.op(v10::Op::MATMUL, {"a", "b", "az", "bz"}, {"y"});
        const auto model = file.read({"a"}, {"y"});
        const auto out =
            onlyFloat(run(model, {halfTensor({1, 1, 3}, {kHalf2048, kHalfOne, kHalfOne})}).at(0));
        CHECK(out == (outType == v10::DType::FP16 ? 2048.0f : 2050.0f));
    }
}

// fp8 CAST against the OCP 8-bit float encodings.
namespace {

std::vector<std::uint8_t> castToFloat8(v10::DType type, const std::vector<float>& values) {
    TosaFile file;
    const auto count = static_cast<std::int32_t>(values.size());
    file.tensor("x", {count}, v10::DType::FP32);
    file.tensor("y", {count}, type);
    file.op(v10::Op::CAST, {"x"}, {"y"});
    const auto model = file.read({"x"}, {"y"});
    Tensor input(DType::Float32, {count});
    std::copy(values.begin(), values.end(), input.mutableElements<float>().begin());
    const auto output = run(model, {input}).at(0);
    const auto bytes = output.elements<std::uint8_t>();
    return {bytes.begin(), bytes.end()};
}

std::vector<float> castFromFloat8(v10::DType type, const std::vector<std::uint8_t>& codes) {
    TosaFile file;
    const auto count = static_cast<std::int32_t>(codes.size());
    file.tensor("x", {count}, type);
    file.tensor("y", {count}, v10::DType::FP32);
    file.op(v10::Op::CAST, {"x"}, {"y"});
    const auto model = file.read({"x"}, {"y"});
    Tensor input(type == v10::DType::FP8E4M3 ? DType::Float8E4M3FN : DType::Float8E5M2, {count});
    std::copy(codes.begin(), codes.end(), input.mutableElements<std::uint8_t>().begin());
    const auto output = run(model, {input}).at(0);
    const auto values = output.elements<float>();
    return {values.begin(), values.end()};
}

} // namespace

TEST_CASE("CAST to FP8E4M3 rounds to nearest even; beyond 448 is NaN") {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> values{
        1.0f,          -2.0f,         448.0f,
        464.0f,        // halfway between 448 and 480: to the even mantissa, 448
        470.0f,        // rounds to 480, beyond the largest finite value
        0.001953125f,  // 2^-9, the smallest subnormal
        0.0009765625f, // 2^-10, halfway between 0 and 2^-9: to 0
        0.0029296875f, // 3 * 2^-10, halfway between 2^-9 and 2^-8: to 2^-8
        0.015625f,     // 2^-6, the smallest normal
        inf,           std::nanf(""), -0.0f};
    const std::vector<std::uint8_t> codes{0x38, 0xC0, 0x7E, 0x7E, 0x7F, 0x01,
                                          0x00, 0x02, 0x08, 0x7F, 0x7F, 0x80};
    CHECK(castToFloat8(v10::DType::FP8E4M3, values) == codes);
}

TEST_CASE("CAST to FP8E5M2 rounds to nearest even; beyond 57344 is infinity") {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> values{
        1.0f,
        -1.5f,
        57344.0f,
        61440.0f, // halfway between 57344 and 65536: to the even mantissa, beyond the largest
        0.0000152587890625f, // 2^-16, the smallest subnormal
        inf,
        -inf};
    const std::vector<std::uint8_t> codes{0x3C, 0xBE, 0x7B, 0x7C, 0x01, 0x7C, 0xFC};
    CHECK(castToFloat8(v10::DType::FP8E5M2, values) == codes);
    const auto nan = castToFloat8(v10::DType::FP8E5M2, {std::nanf("")});
    CHECK((nan[0] & 0x7C) == 0x7C);
    CHECK((nan[0] & 0x03) != 0);
}

TEST_CASE("CAST from FP8 gives the OCP values") {
    const auto e4m3 = castFromFloat8(v10::DType::FP8E4M3, {0x7E, 0x01, 0x08, 0xB8, 0x7F});
    CHECK(e4m3[0] == 448.0f);
    CHECK(e4m3[1] == 0.001953125f);
    CHECK(e4m3[2] == 0.015625f);
    CHECK(e4m3[3] == -1.0f);
    CHECK(std::isnan(e4m3[4]));
    const auto e5m2 = castFromFloat8(v10::DType::FP8E5M2, {0x7B, 0x01, 0x7C, 0xFC, 0x7E});
    CHECK(e5m2[0] == 57344.0f);
    CHECK(e5m2[1] == 0.0000152587890625f);
    CHECK(e5m2[2] == std::numeric_limits<float>::infinity());
    CHECK(e5m2[3] == -std::numeric_limits<float>::infinity());
    CHECK(std::isnan(e5m2[4]));
    // Every finite code survives the way back.
    for (const auto type : {v10::DType::FP8E4M3, v10::DType::FP8E5M2}) {
        std::vector<std::uint8_t> codes;
        for (int code = 0; code < 256; ++code)
            codes.push_back(static_cast<std::uint8_t>(code));
        const auto decoded = castFromFloat8(type, codes);
        const auto encoded = castToFloat8(type, decoded);
        for (int code = 0; code < 256; ++code) {
            if (std::isnan(decoded[static_cast<std::size_t>(code)]) ||
                std::isinf(decoded[static_cast<std::size_t>(code)]))
                continue;
            INFO("code " << code);
            CHECK(encoded[static_cast<std::size_t>(code)] == code);
        }
    }
}

// TOSA 1.1 shape operators.
namespace {

namespace v11 = pteron::fb::tosa_v1_1;

std::vector<std::uint8_t> int64Bytes(const std::vector<std::int64_t>& values) {
    std::vector<std::uint8_t> bytes(values.size() * 8);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

struct ShapeOp {
    v11::Op op;
    std::vector<std::vector<std::int64_t>> inputs; // constant shapes
    v11::Attribute attributeType = v11::Attribute::NONE;
};

// One TOSA 1.1 operator over CONST_SHAPE inputs; returns its SHAPE output's elements.
std::vector<std::int64_t> runShapeOp(const ShapeOp& c, std::int32_t outputLength,
                                     std::int32_t axis = 0, const char* tensorInput = nullptr) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<flatbuffers::Offset<v11::TosaTensor>> tensors;
    std::vector<flatbuffers::Offset<v11::TosaOperator>> ops;
    std::vector<std::string> inputNames;
    const auto strings = [&](const std::vector<std::string>& texts) {
        std::vector<flatbuffers::Offset<flatbuffers::String>> offsets;
        for (const auto& text : texts)
            offsets.push_back(b.CreateString(text));
        return offsets;
    };
    std::vector<std::string> graphInputs;
    if (tensorInput) {
        const std::vector<std::int32_t> shape{2, 5, 3};
        tensors.push_back(v11::CreateTosaTensorDirect(b, tensorInput, &shape, v11::DType::INT8));
        inputNames.push_back(tensorInput);
        graphInputs.push_back(tensorInput);
    }
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
        const auto name = "s" + std::to_string(i);
        const std::vector<std::int32_t> shape{static_cast<std::int32_t>(c.inputs[i].size())};
        const auto data = int64Bytes(c.inputs[i]);
        tensors.push_back(
            v11::CreateTosaTensorDirect(b, name.c_str(), &shape, v11::DType::SHAPE, &data));
        const auto out = strings({name});
        const std::vector<flatbuffers::Offset<flatbuffers::String>> none;
        ops.push_back(v11::CreateTosaOperatorDirect(b, v11::Op::CONST_SHAPE, v11::Attribute::NONE,
                                                    0, &none, &out));
        inputNames.push_back(name);
    }
    const std::vector<std::int32_t> outShape{outputLength};
    tensors.push_back(v11::CreateTosaTensorDirect(b, "out", &outShape, v11::DType::SHAPE));
    flatbuffers::Offset<void> attribute = 0;
    if (c.attributeType == v11::Attribute::DimAttribute)
        attribute = v11::CreateDimAttribute(b, axis).Union();
    const auto in = strings(inputNames);
    const auto out = strings({"out"});
    ops.push_back(v11::CreateTosaOperatorDirect(b, c.op, c.attributeType, attribute, &in, &out));
    const auto blockIn = strings(graphInputs);
    const auto blockOut = strings({"out"});
    std::vector blocks{
        v11::CreateTosaBasicBlockDirect(b, "main", &ops, &tensors, &blockIn, &blockOut)};
    std::vector regions{v11::CreateTosaRegionDirect(b, "main", &blocks)};
    auto version = v11::CreateVersion(b, 1, 1, 0, true);
    b.Finish(v11::CreateTosaGraphDirect(b, version, &regions), "TOSA");
    const auto model = testing::readBuiltFile(b, "shape.tosa");
    std::vector<Tensor> inputs;
    if (tensorInput) inputs.push_back(Tensor(DType::Int8, {2, 5, 3}));
    const auto outputs = run(model, std::move(inputs));
    REQUIRE(outputs.size() == 1);
    const auto values = outputs[0].elements<std::int64_t>();
    return {values.begin(), values.end()};
}

} // namespace

TEST_CASE("TOSA 1.1 shape arithmetic follows the specification's pseudo-code") {
    const std::vector<std::int64_t> a{7, 8, 0, 1}, b{2, 4, 3, 1};
    using Shape = std::vector<std::int64_t>;
    CHECK(runShapeOp({v11::Op::ADD_SHAPE, {a, b}}, 4) == Shape{9, 12, 3, 2});
    CHECK(runShapeOp({v11::Op::SUB_SHAPE, {a, b}}, 4) == Shape{5, 4, -3, 0});
    CHECK(runShapeOp({v11::Op::MUL_SHAPE, {a, b}}, 4) == Shape{14, 32, 0, 1});
    CHECK(runShapeOp({v11::Op::DIV_FLOOR_SHAPE, {a, b}}, 4) == Shape{3, 2, 0, 1});
    CHECK(runShapeOp({v11::Op::DIV_CEIL_SHAPE, {a, b}}, 4) == Shape{4, 2, 0, 1});
    CHECK(runShapeOp({v11::Op::MOD_SHAPE, {a, b}}, 4) == Shape{1, 0, 0, 0});
    CHECK(runShapeOp({v11::Op::MAX_SHAPE, {a, b}}, 4) == Shape{7, 8, 3, 1});
    CHECK(runShapeOp({v11::Op::MIN_SHAPE, {a, b}}, 4) == Shape{2, 4, 0, 1});
    CHECK(runShapeOp({v11::Op::EXP2_SHAPE, {{0, 3, 10}}}, 3) == Shape{1, 8, 1024});
    CHECK(runShapeOp({v11::Op::LOG2_FLOOR_SHAPE, {{1, 7, 8, 9}}}, 4) == Shape{0, 2, 3, 3});
    CHECK(runShapeOp({v11::Op::LOG2_CEIL_SHAPE, {{1, 7, 8, 9}}}, 4) == Shape{0, 3, 3, 4});
    CHECK(runShapeOp({v11::Op::CONCAT_SHAPE, {{1, 2}, {3}, {4, 5}}}, 5) == Shape{1, 2, 3, 4, 5});
    // DIM reads one dimension of a tensor.
    CHECK(runShapeOp({v11::Op::DIM, {}, v11::Attribute::DimAttribute}, 1, 1, "t") == Shape{5});
    // A divisor below 1 is outside DIV_FLOOR_SHAPE's domain.
    CHECK_THROWS_WITH(runShapeOp({v11::Op::DIV_FLOOR_SHAPE, {{4}, {0}}}, 1),
                      Catch::Contains("outside the operator's domain"));
}

// TOSA 1.1 block-scaled casts: CAST_TO_BLOCK_SCALED then CAST_FROM_BLOCK_SCALED on one block
// of 32, the scale worked by hand from calc_block_scale.
namespace {

struct BlockScaledResult {
    std::vector<std::uint8_t> data;
    std::uint8_t scale = 0;
    std::vector<float> restored;
};

BlockScaledResult blockScaledRoundTrip(v11::DType blockType, const std::vector<float>& values) {
    flatbuffers::FlatBufferBuilder b;
    const auto strings = [&](const std::vector<std::string>& texts) {
        std::vector<flatbuffers::Offset<flatbuffers::String>> offsets;
        for (const auto& text : texts)
            offsets.push_back(b.CreateString(text));
        return offsets;
    };
    const std::vector<std::int32_t> shape{32}, scaleShape{1};
    std::vector tensors{v11::CreateTosaTensorDirect(b, "x", &shape, v11::DType::FP32),
                        v11::CreateTosaTensorDirect(b, "q", &shape, blockType),
                        v11::CreateTosaTensorDirect(b, "s", &scaleShape, v11::DType::FP8UE8M0),
                        v11::CreateTosaTensorDirect(b, "y", &shape, v11::DType::FP32)};
    const auto toIn = strings({"x"});
    const auto toOut = strings({"q", "s"});
    const auto fromIn = strings({"q", "s"});
    const auto fromOut = strings({"y"});
    std::vector ops{
        v11::CreateTosaOperatorDirect(
            b, v11::Op::CAST_TO_BLOCK_SCALED, v11::Attribute::CastToBlockScaledAttribute,
            v11::CreateCastToBlockScaledAttribute(b, v11::BlockSize::BLOCK_SIZE_32).Union(), &toIn,
            &toOut),
        v11::CreateTosaOperatorDirect(
            b, v11::Op::CAST_FROM_BLOCK_SCALED, v11::Attribute::CastFromBlockScaledAttribute,
            v11::CreateCastFromBlockScaledAttribute(b, v11::BlockSize::BLOCK_SIZE_32).Union(),
            &fromIn, &fromOut)};
    const auto blockIn = strings({"x"});
    const auto blockOut = strings({"q", "s", "y"});
    std::vector blocks{
        v11::CreateTosaBasicBlockDirect(b, "main", &ops, &tensors, &blockIn, &blockOut)};
    std::vector regions{v11::CreateTosaRegionDirect(b, "main", &blocks)};
    auto version = v11::CreateVersion(b, 1, 1, 0, true);
    b.Finish(v11::CreateTosaGraphDirect(b, version, &regions), "TOSA");
    const auto model = testing::readBuiltFile(b, "mx.tosa");
    Tensor input(DType::Float32, {32});
    std::copy(values.begin(), values.end(), input.mutableElements<float>().begin());
    const auto outputs = run(model, {input});
    REQUIRE(outputs.size() == 3);
    BlockScaledResult result;
    const auto data = outputs[0].elements<std::uint8_t>();
    result.data.assign(data.begin(), data.end());
    result.scale = outputs[1].elements<std::uint8_t>()[0];
    const auto restored = outputs[2].elements<float>();
    result.restored.assign(restored.begin(), restored.end());
    return result;
}

} // namespace

TEST_CASE("TOSA 1.1 block-scaled casts pick the block scale and restore the values") {
    std::vector<float> values(32, 1.0f);
    values[5] = 896.0f;
    // FP8E4M3: 2^ceil(log2(896 / 448)) = 2 (bits 128); 896 / 2 = 448 (0x7E), 1 / 2 (0x30).
    const auto e4m3 = blockScaledRoundTrip(v11::DType::FP8E4M3, values);
    CHECK(e4m3.scale == 128);
    CHECK(e4m3.data[5] == 0x7E);
    CHECK(e4m3.data[0] == 0x30);
    CHECK(e4m3.restored == values);

    std::vector<float> small(32, 0.0f);
    small[0] = 100.0f;
    small[1] = -3.0f;
    // FP8E5M2: 2^(floor(log2(100 / 57344)) + 1) = 2^-9 (bits 118); 100 * 2^9 = 51200 rounds to
    // 49152 (0x7A), giving back 96; -3 * 2^9 = -1536 is exact (0xE6).
    const auto e5m2 = blockScaledRoundTrip(v11::DType::FP8E5M2, small);
    CHECK(e5m2.scale == 118);
    CHECK(e5m2.data[0] == 0x7A);
    CHECK(e5m2.data[1] == 0xE6);
    CHECK(e5m2.data[2] == 0x00);
    CHECK(e5m2.restored[0] == 96.0f);
    CHECK(e5m2.restored[1] == -3.0f);
}

TEST_CASE("TOSA 1.1 block-scaled casts to FP4, FP6 and MXINT8 blocks") {
    std::vector<float> values(32, 0.0f);
    values[0] = 12.0f;
    values[1] = 1.0f;
    values[2] = 0.25f;
    values[3] = -3.0f;
    // FP4 E2M1: the largest magnitude that rounds without overflow is 6 + 2/2 = 7;
    // 2^(floor(log2(12 / 7)) + 1) = 2 (bits 128). 12/2 = 6 (0x7), 1/2 = 0.5 (0x1), 0.25/2 rounds
    // to 0, -3/2 = -1.5 (0xB).
    const auto fp4 = blockScaledRoundTrip(v11::DType::FP4E2M1, values);
    CHECK(fp4.scale == 128);
    CHECK(fp4.data[0] == 0x7);
    CHECK(fp4.data[1] == 0x1);
    CHECK(fp4.data[2] == 0x0);
    CHECK(fp4.data[3] == 0xB);
    CHECK(fp4.restored[0] == 12.0f);
    CHECK(fp4.restored[2] == 0.0f);
    CHECK(fp4.restored[3] == -3.0f);

    std::vector<float> e2m3Values(32, 0.0f);
    e2m3Values[0] = 30.0f;
    e2m3Values[1] = 0.3f;
    // FP6 E2M3: 7.5 + 0.25 = 7.75; 2^(floor(log2(30 / 7.75)) + 1) = 4 (bits 129). 30/4 = 7.5
    // (0x1F); 0.3/4 = 0.075 rounds to the subnormal 0.125 (0x01), giving back 0.5.
    const auto e2m3 = blockScaledRoundTrip(v11::DType::FP6E2M3, e2m3Values);
    CHECK(e2m3.scale == 129);
    CHECK(e2m3.data[0] == 0x1F);
    CHECK(e2m3.data[1] == 0x01);
    CHECK(e2m3.restored[0] == 30.0f);
    CHECK(e2m3.restored[1] == 0.5f);

    std::vector<float> e3m2Values(32, 0.0f);
    e3m2Values[0] = 100.0f;
    e3m2Values[1] = -0.7f;
    // FP6 E3M2: 28 + 2 = 30; 2^(floor(log2(100 / 30)) + 1) = 4 (bits 129). 100/4 = 25 rounds to
    // 24 (0x1E); -0.7/4 = -0.175 rounds to -3/16 (0x23).
    const auto e3m2 = blockScaledRoundTrip(v11::DType::FP6E3M2, e3m2Values);
    CHECK(e3m2.scale == 129);
    CHECK(e3m2.data[0] == 0x1E);
    CHECK(e3m2.data[1] == 0x23);
    CHECK(e3m2.restored[0] == 96.0f);
    CHECK(e3m2.restored[1] == -0.75f);

    std::vector<float> mxValues(32, 0.0f);
    mxValues[0] = 3.0f;
    mxValues[1] = -0.01f;
    mxValues[2] = 1.0f;
    // MXINT8: (1 + 63/64) + 1/128 = 2; 2^(floor(log2(3 / 2)) + 1) = 2 (bits 128). 3/2 x 64 = 96,
    // -0.01/2 x 64 rounds to 0, 1/2 x 64 = 32.
    const auto mx = blockScaledRoundTrip(v11::DType::MXINT8, mxValues);
    CHECK(mx.scale == 128);
    CHECK(mx.data[0] == 96);
    CHECK(mx.data[1] == 0);
    CHECK(mx.data[2] == 32);
    CHECK(mx.restored[0] == 3.0f);
    CHECK(mx.restored[2] == 1.0f);

    // FP8E4M3 with a block maximum of 460: the denominator is 448 + 32/2 = 464, so
    // 2^ceil(log2(460 / 464)) = 1 (bits 127) and 460 rounds to 448 (0x7E).
    std::vector<float> e4m3Values(32, 1.0f);
    e4m3Values[0] = 460.0f;
    const auto e4m3 = blockScaledRoundTrip(v11::DType::FP8E4M3, e4m3Values);
    CHECK(e4m3.scale == 127);
    CHECK(e4m3.data[0] == 0x7E);
    CHECK(e4m3.data[1] == 0x38);
}
