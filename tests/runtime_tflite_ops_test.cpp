// TFLite operators in every activation type, each in a one-operator .tflite file built with our
// schema's generated code and read back by the reader: fp32 against libtorch; quantised results
// against libtorch's exact integer sums (double arithmetic is exact at these sizes) requantised
// here by TFLite's published rounding rules, written out independently of the kernels.
#include "runtime/interpreter.hpp"
#include "runtime/tensor_elements.hpp"
#include "tests/support/tflite_model_builder.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

using namespace pteron;
using namespace pteron::runtime;
using testing::TfliteOperatorSpec;
using testing::TfliteTensorSpec;
namespace tfl = pteron::fb::tflite;

namespace {

// ---- the rounding rules, from TFLite's documentation of its integer kernels -------------------

__extension__ using Int128 = __int128;

Int128 floorDivide(Int128 a, Int128 b) {
    const Int128 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

struct Multiplier {
    std::int32_t value = 0;
    int shift = 0;
};

// QuantizeMultiplier: a fraction in [0.5, 1) as Q0.31, rounded half away from zero.
Multiplier quantize(double real) {
    if (real == 0) return {};
    int exponent = 0;
    const double fraction = std::frexp(real, &exponent);
    auto q = static_cast<std::int64_t>(std::llround(fraction * 2147483648.0));
    if (q == (std::int64_t{1} << 31)) {
        q /= 2;
        ++exponent;
    }
    if (exponent < -31) return {};
    return {static_cast<std::int32_t>(q), exponent};
}

// Double rounding (TFLite's default): x * M / 2^31 with ties towards +infinity, then a division
// by 2^-shift with ties away from zero.
std::int64_t requantize32(std::int64_t x, Multiplier m) {
    const int left = std::max(m.shift, 0), right = std::max(-m.shift, 0);
    const Int128 high =
        floorDivide(Int128{x} * (Int128{1} << left) * m.value + (Int128{1} << 30), Int128{1} << 31);
    if (right == 0) return static_cast<std::int64_t>(high);
    const Int128 magnitude = high < 0 ? -high : high;
    const Int128 rounded = (magnitude + (Int128{1} << (right - 1))) >> right;
    return static_cast<std::int64_t>(high < 0 ? -rounded : rounded);
}

// The int64-accumulator form: the multiplier rounded to 16 bits, one rounding half up.
std::int64_t requantize64(std::int64_t x, Multiplier m) {
    const std::int64_t reduced = m.value < 0x7FFF0000 ? (m.value + (1 << 15)) >> 16 : 0x7FFF;
    const int total = 15 - m.shift;
    return static_cast<std::int64_t>(
        floorDivide(Int128{x} * reduced + (Int128{1} << (total - 1)), Int128{1} << total));
}

std::int64_t clampTo(std::int64_t value, std::int64_t low, std::int64_t high) {
    return std::min(std::max(value, low), high);
}

// ---- running a file ---------------------------------------------------------------------------

std::vector<Tensor> runFile(const TfliteOperatorSpec& spec, std::vector<Tensor> inputs) {
    const auto model = testing::readTflite(spec);
    const auto kernels = KernelRegistry::withAllKernels();
    Interpreter interpreter(model, kernels, {2, nullptr, {}});
    const auto graph = model.topLevelGraphs().front();
    REQUIRE(interpreter.check(graph).empty());
    return interpreter.run(graph, std::move(inputs));
}

template <typename T> Tensor tensorOf(Shape shape, const std::vector<T>& values, DType type) {
    Tensor tensor(type, std::move(shape));
    REQUIRE(tensor.elementCount() == values.size());
    if (!values.empty())
        std::memcpy(tensor.mutableBytes().data(), values.data(), tensor.bytes().size());
    return tensor;
}

std::vector<std::int64_t> integers(const Tensor& tensor) {
    std::vector<std::int64_t> values(tensor.elementCount());
    for (std::uint64_t i = 0; i < values.size(); ++i)
        values[i] = elementAsInt(tensor, i);
    return values;
}

std::vector<std::int64_t> integers(const at::Tensor& tensor) {
    const auto wide = tensor.contiguous().to(at::kLong);
    const auto* data = wide.data_ptr<std::int64_t>();
    return {data, data + wide.numel()};
}

std::vector<std::int32_t> dims(const at::Tensor& tensor) {
    return {tensor.sizes().begin(), tensor.sizes().end()};
}

Shape shapeOf(const at::Tensor& tensor) {
    return {tensor.sizes().begin(), tensor.sizes().end()};
}

template <typename T> std::vector<T> valuesOf(const at::Tensor& tensor, at::ScalarType type) {
    const auto typed = tensor.contiguous().to(type);
    const auto* data = static_cast<const T*>(typed.data_ptr());
    return {data, data + typed.numel()};
}

// A random integer tensor in [low, high] (as double, for exact sums in libtorch).
at::Tensor randomIntegers(std::vector<std::int64_t> shape, std::int64_t low, std::int64_t high) {
    return at::randint(low, high + 1, shape, at::kLong).to(at::kDouble);
}

tfl::TensorType tensorTypeOf(DType type) {
    switch (type) {
    case DType::Int8:
        return tfl::TensorType::INT8;
    case DType::UInt8:
        return tfl::TensorType::UINT8;
    case DType::Int16:
        return tfl::TensorType::INT16;
    case DType::Int32:
        return tfl::TensorType::INT32;
    case DType::Int64:
        return tfl::TensorType::INT64;
    default:
        return tfl::TensorType::FLOAT32;
    }
}

// A quantised tensor spec; `values` (when given) become its constant contents.
TfliteTensorSpec quantized(const at::Tensor& like, DType type, std::vector<float> scales,
                           std::vector<std::int64_t> zeroPoints, int axis = 0,
                           bool constant = false) {
    TfliteTensorSpec spec;
    spec.shape = dims(like);
    spec.type = tensorTypeOf(type);
    spec.scales = std::move(scales);
    spec.zeroPoints = std::move(zeroPoints);
    spec.quantizedDimension = axis;
    if (!constant) return spec;
    const auto values = integers(like);
    switch (type) {
    case DType::Int8:
        spec.data = testing::constantBytes(std::vector<std::int8_t>(values.begin(), values.end()));
        break;
    case DType::UInt8:
        spec.data = testing::constantBytes(std::vector<std::uint8_t>(values.begin(), values.end()));
        break;
    case DType::Int16:
        spec.data = testing::constantBytes(std::vector<std::int16_t>(values.begin(), values.end()));
        break;
    case DType::Int32:
        spec.data = testing::constantBytes(std::vector<std::int32_t>(values.begin(), values.end()));
        break;
    default:
        spec.data = testing::constantBytes(values);
        break;
    }
    return spec;
}

TfliteTensorSpec floatSpec(const at::Tensor& like, bool constant = false) {
    TfliteTensorSpec spec;
    spec.shape = dims(like);
    if (constant) spec.data = testing::constantBytes(valuesOf<float>(like, at::kFloat));
    return spec;
}

Tensor inputTensor(const at::Tensor& values, DType type) {
    const auto ints = integers(values);
    switch (type) {
    case DType::Int8:
        return tensorOf(shapeOf(values), std::vector<std::int8_t>(ints.begin(), ints.end()), type);
    case DType::UInt8:
        return tensorOf(shapeOf(values), std::vector<std::uint8_t>(ints.begin(), ints.end()), type);
    case DType::Int16:
        return tensorOf(shapeOf(values), std::vector<std::int16_t>(ints.begin(), ints.end()), type);
    default:
        return tensorOf(shapeOf(values), valuesOf<float>(values, at::kFloat), DType::Float32);
    }
}

std::pair<std::int64_t, std::int64_t> limitsOf(DType type) {
    if (type == DType::Int8) return {-128, 127};
    if (type == DType::UInt8) return {0, 255};
    return {-32768, 32767};
}

// SAME padding of TFLite: output ceil(in / stride), the extra row/column at the end.
std::pair<std::int64_t, std::int64_t> samePadding(std::int64_t in, std::int64_t filter,
                                                  std::int64_t stride, std::int64_t dilation) {
    const auto effective = (filter - 1) * dilation + 1;
    const auto out = (in + stride - 1) / stride;
    const auto total = std::max<std::int64_t>(0, (out - 1) * stride + effective - in);
    return {total / 2, total - total / 2};
}

// NHWC x (centred values) and OHWI / 1HWC filter through at::conv2d; returns NHWC sums.
at::Tensor convolutionSums(const at::Tensor& x, const at::Tensor& filter, bool depthwise, bool same,
                           std::int64_t stride, std::int64_t dilation) {
    auto input = x.permute({0, 3, 1, 2});
    const auto channels = x.size(3);
    at::Tensor weight = depthwise ? filter.permute({3, 0, 1, 2}) : filter.permute({0, 3, 1, 2});
    if (same) {
        const auto [top, bottom] = samePadding(x.size(1), filter.size(1), stride, dilation);
        const auto [left, right] = samePadding(x.size(2), filter.size(2), stride, dilation);
        input = at::constant_pad_nd(input, {left, right, top, bottom}, 0);
    }
    const auto groups = depthwise ? channels : channels / filter.size(3);
    return at::conv2d(input, weight.contiguous(), c10::optional<at::Tensor>(),
                      at::IntArrayRef{stride, stride}, at::IntArrayRef{0, 0},
                      at::IntArrayRef{dilation, dilation}, groups)
        .permute({0, 2, 3, 1})
        .contiguous();
}

std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>
convOptions(flatbuffers::FlatBufferBuilder& b, bool depthwise, bool same, int stride, int dilation,
            int multiplier) {
    const auto padding = same ? tfl::Padding::SAME : tfl::Padding::VALID;
    if (depthwise)
        return {tfl::BuiltinOptions::DepthwiseConv2DOptions,
                tfl::CreateDepthwiseConv2DOptions(b, padding, stride, stride, multiplier,
                                                  tfl::ActivationFunctionType::NONE, dilation,
                                                  dilation)
                    .Union()};
    return {tfl::BuiltinOptions::Conv2DOptions,
            tfl::CreateConv2DOptions(b, padding, stride, stride, tfl::ActivationFunctionType::NONE,
                                     dilation, dilation)
                .Union()};
}

} // namespace

TEST_CASE("tflite: 16x8 and uint8 CONV_2D / DEPTHWISE_CONV_2D requantise exact sums",
          "[runtime][tflite][torch]") {
    at::manual_seed(21);
    std::mt19937 random(21);
    struct Case {
        DType type;
        DType bias;
        bool depthwise, same;
        int stride, dilation, multiplier;
    };
    const std::vector<Case> cases = {
        {DType::Int16, DType::Int64, false, true, 1, 1, 1},
        {DType::Int16, DType::Int64, false, false, 2, 1, 1},
        {DType::Int16, DType::Int32, false, true, 2, 2, 1},
        {DType::Int16, DType::Unknown, false, false, 1, 1, 1},
        {DType::Int16, DType::Int64, true, true, 1, 1, 2},
        {DType::Int16, DType::Int32, true, false, 2, 1, 1},
        {DType::UInt8, DType::Int32, false, true, 1, 1, 1},
        {DType::UInt8, DType::Int32, false, false, 2, 2, 1},
        {DType::UInt8, DType::Int32, true, true, 2, 1, 2},
        {DType::UInt8, DType::Unknown, true, false, 1, 1, 1},
    };
    for (const auto& c : cases) {
        INFO("type " << dtypeName(c.type) << " bias " << dtypeName(c.bias) << " depthwise "
                     << c.depthwise << " same " << c.same << " stride " << c.stride);
        const bool int16 = c.type == DType::Int16;
        const std::int64_t inC = 3, h = 7, w = 6, kh = 3, kw = 2;
        const std::int64_t outC = c.depthwise ? inC * c.multiplier : 4;
        const auto [low, high] = limitsOf(c.type);
        const std::int64_t inputZp = int16 ? 0 : 117, filterZp = int16 ? 0 : 131;
        const std::int64_t outputZp = int16 ? 0 : 101;
        const auto x = randomIntegers({2, h, w, inC}, low, high);
        const auto filter =
            c.depthwise ? randomIntegers({1, kh, kw, outC}, int16 ? -127 : 0, int16 ? 127 : 255)
                        : randomIntegers({outC, kh, kw, inC}, int16 ? -127 : 0, int16 ? 127 : 255);
        const float inputScale = int16 ? 0.002f : 0.05f;
        std::vector<float> filterScales;
        if (int16)
            for (std::int64_t o = 0; o < outC; ++o)
                filterScales.push_back(0.01f + 0.003f * static_cast<float>(o));
        else
            filterScales = {0.02f};
        const float outputScale = int16 ? 0.05f : 2.0f;
        const auto sums = convolutionSums(x - static_cast<double>(inputZp),
                                          filter - static_cast<double>(filterZp), c.depthwise,
                                          c.same, c.stride, c.dilation);
        const bool hasBias = c.bias != DType::Unknown;
        const auto bias = randomIntegers({outC}, -40000, 40000);
        TfliteOperatorSpec spec;
        spec.op =
            c.depthwise ? tfl::BuiltinOperator::DEPTHWISE_CONV_2D : tfl::BuiltinOperator::CONV_2D;
        spec.tensors.push_back(quantized(x, c.type, {inputScale}, {inputZp}));
        spec.tensors.push_back(quantized(filter, int16 ? DType::Int8 : DType::UInt8, filterScales,
                                         std::vector<std::int64_t>(filterScales.size(), filterZp),
                                         c.depthwise ? 3 : 0, true));
        std::vector<float> biasScales;
        for (const auto s : filterScales)
            biasScales.push_back(inputScale * s);
        spec.tensors.push_back(quantized(bias, hasBias ? c.bias : DType::Int32, biasScales,
                                         std::vector<std::int64_t>(biasScales.size(), 0), 0, true));
        spec.tensors.push_back(quantized(sums, c.type, {outputScale}, {outputZp}));
        spec.inputs = {0, 1, hasBias ? 2 : -1};
        spec.outputs = {3};
        spec.options = [&](flatbuffers::FlatBufferBuilder& b) {
            return convOptions(b, c.depthwise, c.same, c.stride, c.dilation, c.multiplier);
        };
        const auto outputs = runFile(spec, {inputTensor(x, c.type)});
        REQUIRE(outputs.size() == 1);
        REQUIRE(outputs[0].shape() == shapeOf(sums));
        const auto got = integers(outputs[0]);
        const auto acc = integers(sums);
        const auto biasValues = integers(bias);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const auto channel = i % static_cast<std::size_t>(outC);
            const auto scale = filterScales.size() == 1 ? filterScales[0] : filterScales[channel];
            const auto m = quantize(static_cast<double>(inputScale) * static_cast<double>(scale) /
                                    static_cast<double>(outputScale));
            const std::int64_t total = acc[i] + (hasBias ? biasValues[channel] : 0);
            // 16x8 depthwise accumulates in int64 whatever the bias; CONV_2D with an int64 one.
            const bool wide = c.bias == DType::Int64 || (int16 && c.depthwise);
            const std::int64_t scaled = wide ? requantize64(total, m) : requantize32(total, m);
            differing += got[i] != clampTo(scaled + outputZp, low, high);
        }
        CHECK(differing == 0);
    }
}

TEST_CASE("tflite: 16x8 and uint8 FULLY_CONNECTED requantise exact sums",
          "[runtime][tflite][torch]") {
    at::manual_seed(22);
    struct Case {
        DType type, bias;
        bool perChannel;
    };
    for (const auto& c : std::vector<Case>{{DType::Int16, DType::Int64, true},
                                           {DType::Int16, DType::Int32, true},
                                           {DType::Int16, DType::Int64, false},
                                           {DType::Int16, DType::Unknown, false},
                                           {DType::UInt8, DType::Int32, false},
                                           {DType::UInt8, DType::Unknown, false}}) {
        INFO("type " << dtypeName(c.type) << " bias " << dtypeName(c.bias) << " per channel "
                     << c.perChannel);
        const bool int16 = c.type == DType::Int16;
        const auto [low, high] = limitsOf(c.type);
        const std::int64_t depth = 37, outputsCount = 5;
        const std::int64_t inputZp = int16 ? 0 : 120, outputZp = int16 ? 0 : 90;
        const std::int64_t filterZp = c.perChannel ? 0 : (int16 ? 3 : 140);
        const auto x = randomIntegers({4, depth}, low, high);
        const auto filter =
            randomIntegers({outputsCount, depth}, int16 ? -127 : 0, int16 ? 127 : 255);
        std::vector<float> filterScales{0.01f};
        if (c.perChannel)
            for (std::int64_t o = 1; o < outputsCount; ++o)
                filterScales.push_back(0.01f + 0.002f * static_cast<float>(o));
        const float inputScale = int16 ? 0.003f : 0.04f, outputScale = int16 ? 0.08f : 2.0f;
        const auto sums = at::matmul(x - static_cast<double>(inputZp),
                                     (filter - static_cast<double>(filterZp)).t());
        const bool hasBias = c.bias != DType::Unknown;
        const auto bias = randomIntegers({outputsCount}, -30000, 30000);
        TfliteOperatorSpec spec;
        spec.op = tfl::BuiltinOperator::FULLY_CONNECTED;
        spec.tensors.push_back(quantized(x, c.type, {inputScale}, {inputZp}));
        spec.tensors.push_back(quantized(filter, int16 ? DType::Int8 : DType::UInt8, filterScales,
                                         std::vector<std::int64_t>(filterScales.size(), filterZp),
                                         0, true));
        spec.tensors.push_back(
            quantized(bias, hasBias ? c.bias : DType::Int32, {inputScale * 0.01f}, {0}, 0, true));
        spec.tensors.push_back(quantized(sums, c.type, {outputScale}, {outputZp}));
        spec.inputs = {0, 1, hasBias ? 2 : -1};
        spec.outputs = {3};
        spec.options = [](flatbuffers::FlatBufferBuilder& b) {
            return std::make_pair(tfl::BuiltinOptions::FullyConnectedOptions,
                                  tfl::CreateFullyConnectedOptions(b).Union());
        };
        const auto outputs = runFile(spec, {inputTensor(x, c.type)});
        const auto got = integers(outputs.at(0));
        const auto acc = integers(sums);
        const auto biasValues = integers(bias);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const auto o = i % static_cast<std::size_t>(outputsCount);
            const auto m = quantize(static_cast<double>(inputScale) *
                                    static_cast<double>(filterScales[c.perChannel ? o : 0]) /
                                    static_cast<double>(outputScale));
            const std::int64_t total = acc[i] + (hasBias ? biasValues[o] : 0);
            const auto scaled =
                c.bias == DType::Int64 ? requantize64(total, m) : requantize32(total, m);
            differing += got[i] != clampTo(scaled + outputZp, low, high);
        }
        CHECK(differing == 0);
    }
}

TEST_CASE("tflite: TRANSPOSE_CONV in fp32, int8, int16 and uint8", "[runtime][tflite][torch]") {
    at::manual_seed(23);
    struct Case {
        DType type;
        bool same;
        int stride;
        bool bias;
    };
    for (const auto& c : std::vector<Case>{{DType::Float32, true, 2, true},
                                           {DType::Float32, false, 1, false},
                                           {DType::Int8, true, 2, true},
                                           {DType::Int8, false, 3, true},
                                           {DType::Int16, true, 2, true},
                                           {DType::Int16, false, 1, false},
                                           {DType::UInt8, true, 2, true},
                                           {DType::UInt8, false, 2, false}}) {
        INFO("type " << dtypeName(c.type) << " same " << c.same << " stride " << c.stride);
        const std::int64_t inC = 3, outC = 4, kh = 3, kw = 2, h = 4, w = 5;
        const std::int64_t outH = c.same ? h * c.stride : (h - 1) * c.stride + kh;
        const std::int64_t outW = c.same ? w * c.stride : (w - 1) * c.stride + kw;
        // The forward convolution's padding from the output back to the input.
        const auto [padTop, padBottom] = c.same ? samePadding(outH, kh, c.stride, 1)
                                                : std::pair<std::int64_t, std::int64_t>{0, 0};
        const auto [padLeft, padRight] = c.same ? samePadding(outW, kw, c.stride, 1)
                                                : std::pair<std::int64_t, std::int64_t>{0, 0};
        const bool isFloat = c.type == DType::Float32;
        const auto [low, high] =
            isFloat ? std::pair<std::int64_t, std::int64_t>{0, 0} : limitsOf(c.type);
        // uint8 (TFLite's legacy transpose_conv.cc path): per-tensor filter with a zero point.
        const bool legacy = c.type == DType::UInt8;
        const std::int64_t inputZp = c.type == DType::Int8 ? -7 : (legacy ? 117 : 0);
        const std::int64_t filterZp = legacy ? 131 : 0;
        const auto x = isFloat ? at::randn({2, h, w, inC}, at::kDouble)
                               : randomIntegers({2, h, w, inC}, low, high);
        const auto filter = isFloat  ? at::randn({outC, kh, kw, inC}, at::kDouble)
                            : legacy ? randomIntegers({outC, kh, kw, inC}, 0, 255)
                                     : randomIntegers({outC, kh, kw, inC}, -127, 127);
        const auto bias =
            isFloat ? at::randn({outC}, at::kDouble) : randomIntegers({outC}, -5000, 5000);
        // conv_transpose2d over the full output, then the forward padding cut off.
        auto full = at::conv_transpose2d(
            (x - static_cast<double>(inputZp)).permute({0, 3, 1, 2}),
            (filter - static_cast<double>(filterZp)).permute({3, 0, 1, 2}).contiguous(), {},
            c.stride);
        full = at::constant_pad_nd(full,
                                   {0, std::max<std::int64_t>(0, outW + padLeft - full.size(3)), 0,
                                    std::max<std::int64_t>(0, outH + padTop - full.size(2))},
                                   0);
        const auto sums = full.slice(2, padTop, padTop + outH)
                              .slice(3, padLeft, padLeft + outW)
                              .permute({0, 2, 3, 1})
                              .contiguous();
        (void)padBottom;
        (void)padRight;
        const std::vector<float> filterScales =
            legacy ? std::vector<float>(4, 0.02f) : std::vector<float>{0.01f, 0.02f, 0.015f, 0.03f};
        const float inputScale = 0.05f;
        const float outputScale = c.type == DType::Int8 ? 0.6f : (legacy ? 2.0f : 0.02f);
        const std::int64_t outputZp = c.type == DType::Int8 ? 5 : (legacy ? 120 : 0);
        TfliteOperatorSpec spec;
        spec.op = tfl::BuiltinOperator::TRANSPOSE_CONV;
        TfliteTensorSpec shapeSpec;
        shapeSpec.shape = {4};
        shapeSpec.type = tfl::TensorType::INT32;
        shapeSpec.data = testing::constantBytes(std::vector<std::int32_t>{
            2, static_cast<std::int32_t>(outH), static_cast<std::int32_t>(outW),
            static_cast<std::int32_t>(outC)});
        spec.tensors.push_back(shapeSpec);
        const auto biasType = c.type == DType::Int16 ? DType::Int64 : DType::Int32;
        std::vector<float> biasScales;
        for (const auto s : filterScales)
            biasScales.push_back(inputScale * s);
        if (isFloat) {
            spec.tensors.push_back(floatSpec(filter, true));
            spec.tensors.push_back(floatSpec(x));
            spec.tensors.push_back(floatSpec(bias, true));
            spec.tensors.push_back(floatSpec(sums));
        } else {
            if (legacy)
                spec.tensors.push_back(
                    quantized(filter, DType::UInt8, {filterScales[0]}, {filterZp}, 0, true));
            else
                spec.tensors.push_back(
                    quantized(filter, DType::Int8, filterScales, {0, 0, 0, 0}, 0, true));
            spec.tensors.push_back(quantized(x, c.type, {inputScale}, {inputZp}));
            if (legacy)
                spec.tensors.push_back(quantized(bias, biasType, {biasScales[0]}, {0}, 0, true));
            else
                spec.tensors.push_back(
                    quantized(bias, biasType, biasScales, {0, 0, 0, 0}, 0, true));
            spec.tensors.push_back(quantized(sums, c.type, {outputScale}, {outputZp}));
        }
        spec.inputs = {0, 1, 2, c.bias ? 3 : -1};
        spec.outputs = {4};
        spec.options = [&](flatbuffers::FlatBufferBuilder& b) {
            return std::make_pair(
                tfl::BuiltinOptions::TransposeConvOptions,
                tfl::CreateTransposeConvOptions(
                    b, c.same ? tfl::Padding::SAME : tfl::Padding::VALID, c.stride, c.stride)
                    .Union());
        };
        const auto outputs = runFile(spec, {inputTensor(x, c.type)});
        REQUIRE(outputs.at(0).shape() == shapeOf(sums));
        if (isFloat) {
            const auto want = c.bias ? sums + bias : sums;
            const auto got = toDoubles(outputs[0]);
            const auto expected = valuesOf<double>(want, at::kDouble);
            for (std::size_t i = 0; i < got.size(); ++i)
                CHECK(std::abs(got[i] - expected[i]) <= 1e-4 * (1 + std::abs(expected[i])));
            continue;
        }
        const auto got = integers(outputs[0]);
        const auto acc = integers(sums);
        const auto biasValues = integers(bias);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const auto o = i % static_cast<std::size_t>(outC);
            const auto m =
                quantize(static_cast<double>(inputScale) * static_cast<double>(filterScales[o]) /
                         static_cast<double>(outputScale));
            const std::int64_t total = acc[i] + (c.bias ? biasValues[o] : 0);
            // 16x8 accumulates in int64 with or without a bias.
            const auto scaled =
                c.type == DType::Int16 ? requantize64(total, m) : requantize32(total, m);
            differing += got[i] != clampTo(scaled + outputZp, low, high);
        }
        CHECK(differing == 0);
    }
}

TEST_CASE("tflite: BATCH_MATMUL with broadcast batches and adjoints", "[runtime][tflite][torch]") {
    at::manual_seed(24);
    struct Case {
        DType type;
        std::vector<std::int64_t> lhs, rhs;
        bool adjX, adjY;
    };
    for (const auto& c :
         std::vector<Case>{{DType::Float32, {2, 3, 4}, {2, 4, 5}, false, false},
                           {DType::Float32, {3, 1, 4, 3}, {2, 5, 4}, true, true},
                           {DType::Int8, {2, 3, 6}, {1, 6, 4}, false, false},
                           {DType::Int8, {3, 4}, {2, 5, 4}, false, true},
                           {DType::Int16, {2, 2, 5, 3}, {2, 1, 5, 4}, true, false}}) {
        INFO("type " << dtypeName(c.type) << " lhs " << at::IntArrayRef(c.lhs));
        const bool isFloat = c.type == DType::Float32;
        const auto [low, high] =
            isFloat ? std::pair<std::int64_t, std::int64_t>{0, 0} : limitsOf(c.type);
        const auto a = isFloat ? at::randn(c.lhs, at::kDouble) : randomIntegers(c.lhs, low, high);
        const auto b = isFloat ? at::randn(c.rhs, at::kDouble) : randomIntegers(c.rhs, low, high);
        const std::int64_t zpA = c.type == DType::Int8 ? 3 : 0,
                           zpB = c.type == DType::Int8 ? -9 : 0;
        const std::int64_t zpOut = c.type == DType::Int8 ? -2 : 0;
        const auto left = c.adjX ? (a - static_cast<double>(zpA)).transpose(-1, -2)
                                 : a - static_cast<double>(zpA);
        const auto right = c.adjY ? (b - static_cast<double>(zpB)).transpose(-1, -2)
                                  : b - static_cast<double>(zpB);
        const auto sums = at::matmul(left, right).contiguous();
        const float scaleA = 0.02f, scaleB = 0.03f,
                    scaleOut = c.type == DType::Int8 ? 0.9f : 2000.0f;
        TfliteOperatorSpec spec;
        spec.op = tfl::BuiltinOperator::BATCH_MATMUL;
        if (isFloat) {
            spec.tensors = {floatSpec(a), floatSpec(b), floatSpec(sums)};
        } else {
            spec.tensors = {quantized(a, c.type, {scaleA}, {zpA}),
                            quantized(b, c.type, {scaleB}, {zpB}),
                            quantized(sums, c.type, {scaleOut}, {zpOut})};
        }
        spec.inputs = {0, 1};
        spec.outputs = {2};
        spec.options = [&](flatbuffers::FlatBufferBuilder& builder) {
            return std::make_pair(tfl::BuiltinOptions::BatchMatMulOptions,
                                  tfl::CreateBatchMatMulOptions(builder, c.adjX, c.adjY).Union());
        };
        const auto outputs = runFile(spec, {inputTensor(a, c.type), inputTensor(b, c.type)});
        REQUIRE(outputs.at(0).shape() == shapeOf(sums));
        if (isFloat) {
            const auto got = toDoubles(outputs[0]);
            const auto expected = valuesOf<double>(sums, at::kDouble);
            for (std::size_t i = 0; i < got.size(); ++i)
                CHECK(std::abs(got[i] - expected[i]) <= 1e-4 * (1 + std::abs(expected[i])));
            continue;
        }
        const auto m = quantize(static_cast<double>(scaleA) * static_cast<double>(scaleB) /
                                static_cast<double>(scaleOut));
        const auto got = integers(outputs[0]);
        const auto acc = integers(sums);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const auto scaled =
                c.type == DType::Int16 ? requantize64(acc[i], m) : requantize32(acc[i], m);
            differing += got[i] != clampTo(scaled + zpOut, low, high);
        }
        CHECK(differing == 0);
    }
}

TEST_CASE("tflite: int16 and uint8 ADD, SUB and MUL follow the integer formulas",
          "[runtime][tflite][torch]") {
    at::manual_seed(25);
    for (const auto type : {DType::Int16, DType::UInt8})
        for (const auto op :
             {tfl::BuiltinOperator::ADD, tfl::BuiltinOperator::SUB, tfl::BuiltinOperator::MUL}) {
            INFO(dtypeName(type) << " op " << static_cast<int>(op));
            const bool int16 = type == DType::Int16;
            const auto [low, high] = limitsOf(type);
            const auto a = randomIntegers({3, 1, 5}, low, high);
            const auto b = randomIntegers({4, 1}, low, high);
            const float s1 = int16 ? 0.0007f : 0.05f, s2 = int16 ? 0.0011f : 0.03f;
            const float sOut = op == tfl::BuiltinOperator::MUL ? (int16 ? 0.03f : 0.2f)
                                                               : (int16 ? 0.0013f : 0.07f);
            const std::int64_t z1 = int16 ? 0 : 128, z2 = int16 ? 0 : 100, zOut = int16 ? 0 : 120;
            TfliteOperatorSpec spec;
            spec.op = op;
            const auto like = at::zeros({3, 4, 5});
            spec.tensors = {quantized(a, type, {s1}, {z1}), quantized(b, type, {s2}, {z2}),
                            quantized(like, type, {sOut}, {zOut})};
            spec.inputs = {0, 1};
            spec.outputs = {2};
            const auto outputs = runFile(spec, {inputTensor(a, type), inputTensor(b, type)});
            REQUIRE(outputs.at(0).shape() == Shape{3, 4, 5});
            const auto x = integers(a.expand({3, 4, 5}).contiguous());
            const auto y = integers(b.expand({3, 4, 5}).contiguous());
            const auto got = integers(outputs[0]);
            std::size_t differing = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                std::int64_t want = 0;
                if (op == tfl::BuiltinOperator::MUL) {
                    const auto m = quantize(double{s1} * s2 / sOut);
                    want = requantize32((x[i] - z1) * (y[i] - z2), m) + zOut;
                } else {
                    // Both operands on twice the larger scale, with 2^15 (int16) or 2^20 headroom.
                    const int shift = int16 ? 15 : 20;
                    const double twiceMax = 2.0 * std::max(s1, s2);
                    const auto left = requantize32((x[i] - z1) << shift, quantize(s1 / twiceMax));
                    const auto right = requantize32((y[i] - z2) << shift, quantize(s2 / twiceMax));
                    const auto sum = op == tfl::BuiltinOperator::ADD ? left + right : left - right;
                    want = requantize32(sum, quantize(twiceMax / ((1 << shift) * double{sOut}))) +
                           zOut;
                }
                differing += got[i] != clampTo(want, low, high);
            }
            CHECK(differing == 0);
        }
}

TEST_CASE("tflite: int16 ADD and SUB with power-of-two scales shift one input instead of "
          "rescaling",
          "[runtime][tflite][torch]") {
    at::manual_seed(26);
    struct Case {
        tfl::BuiltinOperator op;
        int exp1, exp2, expOut; // scales 2^exp
        std::vector<std::int64_t> shape2;
        tfl::ActivationFunctionType activation;
        bool potOption;
    };
    const auto none = tfl::ActivationFunctionType::NONE;
    for (const auto& c : std::vector<Case>{
             {tfl::BuiltinOperator::ADD, -10, -12, -10, {2, 3, 4}, none, true},
             {tfl::BuiltinOperator::ADD, -13, -10, -10, {2, 3, 4}, none, true},
             {tfl::BuiltinOperator::ADD,
              -11,
              -11,
              -11,
              {2, 3, 4},
              tfl::ActivationFunctionType::RELU,
              true},
             {tfl::BuiltinOperator::SUB, -12, -9, -9, {4}, none, true},
             {tfl::BuiltinOperator::SUB, -9, -14, -9, {3, 1}, none, true},
             // The option cleared: the general rescaling path even for power-of-two scales.
             {tfl::BuiltinOperator::ADD, -10, -12, -10, {2, 3, 4}, none, false}}) {
        const bool add = c.op == tfl::BuiltinOperator::ADD;
        INFO((add ? "ADD" : "SUB") << " 2^" << c.exp1 << " 2^" << c.exp2 << " -> 2^" << c.expOut
                                   << " pot " << c.potOption);
        const auto a = randomIntegers({2, 3, 4}, -32768, 32767);
        const auto b = randomIntegers(c.shape2, -32768, 32767);
        const float s1 = std::ldexp(1.0f, c.exp1), s2 = std::ldexp(1.0f, c.exp2);
        const float sOut = std::ldexp(1.0f, c.expOut);
        TfliteOperatorSpec spec;
        spec.op = c.op;
        spec.tensors = {quantized(a, DType::Int16, {s1}, {0}),
                        quantized(b, DType::Int16, {s2}, {0}),
                        quantized(at::zeros({2, 3, 4}), DType::Int16, {sOut}, {0})};
        spec.inputs = {0, 1};
        spec.outputs = {2};
        spec.options = [&](flatbuffers::FlatBufferBuilder& builder) {
            if (add)
                return std::make_pair(
                    tfl::BuiltinOptions::AddOptions,
                    tfl::CreateAddOptions(builder, c.activation, c.potOption).Union());
            return std::make_pair(
                tfl::BuiltinOptions::SubOptions,
                tfl::CreateSubOptions(builder, c.activation, c.potOption).Union());
        };
        const auto outputs =
            runFile(spec, {inputTensor(a, DType::Int16), inputTensor(b, DType::Int16)});
        REQUIRE(outputs.at(0).shape() == Shape{2, 3, 4});
        const auto x = integers(a);
        const auto y = integers(b.expand({2, 3, 4}).contiguous());
        const auto got = integers(outputs[0]);
        const std::int64_t low = c.activation == none ? -32768 : 0;
        std::size_t differing = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            std::int64_t want = 0;
            if (c.potOption) {
                // The input at a smaller scale is divided by 2^(its exponent gap), rounding half
                // away from zero; the sum or difference saturates to int16.
                const auto down = [&](std::int64_t v, int exponent) {
                    return static_cast<std::int64_t>(
                        std::round(static_cast<double>(v) / std::ldexp(1.0, c.expOut - exponent)));
                };
                const auto left = down(x[i], c.exp1), right = down(y[i], c.exp2);
                want = clampTo(add ? left + right : left - right, -32768, 32767);
            } else {
                const double twiceMax = 2.0 * std::max(s1, s2);
                const auto left = requantize32(x[i] << 15, quantize(s1 / twiceMax));
                const auto right = requantize32(y[i] << 15, quantize(s2 / twiceMax));
                want = requantize32(add ? left + right : left - right,
                                    quantize(twiceMax / ((1 << 15) * double{sOut})));
            }
            differing += got[i] != clampTo(want, low, 32767);
        }
        CHECK(differing == 0);
    }
}

namespace {

// A one-input, one-output operator on a quantised tensor; returns the output's integers.
std::vector<std::int64_t> runUnary(tfl::BuiltinOperator op, DType type, const at::Tensor& x,
                                   float inScale, std::int64_t inZp, float outScale,
                                   std::int64_t outZp, testing::TfliteOptionsWriter options = {}) {
    TfliteOperatorSpec spec;
    spec.op = op;
    spec.tensors = {quantized(x, type, {inScale}, {inZp}), quantized(x, type, {outScale}, {outZp})};
    spec.inputs = {0};
    spec.outputs = {1};
    spec.options = std::move(options);
    return integers(runFile(spec, {inputTensor(x, type)}).at(0));
}

testing::TfliteOptionsWriter softmaxBeta(float beta) {
    return [beta](flatbuffers::FlatBufferBuilder& b) {
        return std::make_pair(tfl::BuiltinOptions::SoftmaxOptions,
                              tfl::CreateSoftmaxOptions(b, beta).Union());
    };
}

} // namespace

TEST_CASE("tflite: int16 LOGISTIC, TANH and SOFTMAX stay within a few LSB of the real functions",
          "[runtime][tflite][torch]") {
    // Every int16 input for the element-wise functions.
    const auto all = at::arange(-32768, 32768, at::kLong).to(at::kDouble).reshape({1, 65536});
    const float q15 = 1.0f / 32768;
    for (const float inScale : {1.0f / 4096, 1.0f / 2048, 0.0003f}) {
        INFO("input scale " << inScale);
        const auto logistic =
            runUnary(tfl::BuiltinOperator::LOGISTIC, DType::Int16, all, inScale, 0, q15, 0);
        const auto tanh =
            runUnary(tfl::BuiltinOperator::TANH, DType::Int16, all, inScale, 0, q15, 0);
        double worstLogistic = 0, worstTanh = 0;
        for (std::int64_t q = -32768; q < 32768; ++q) {
            const auto i = static_cast<std::size_t>(q + 32768);
            const double real = q * static_cast<double>(inScale);
            worstLogistic =
                std::max(worstLogistic, std::abs(logistic[i] - 32768.0 / (1 + std::exp(-real))));
            worstTanh = std::max(worstTanh, std::abs(tanh[i] - 32768.0 * std::tanh(real)));
        }
        CHECK(worstLogistic <= 8);
        CHECK(worstTanh <= 16);
        // Worked by hand from the table: sigmoid(0) is entry 0 (32768 in Q0.16) -> 16384;
        // tanh(0) = 0 + rounding -> 0.
        CHECK(logistic[32768] == 16384);
        CHECK(tanh[32768] == 0);
    }
    at::manual_seed(26);
    const auto rows = randomIntegers({6, 10}, -20000, 20000);
    const auto softmax = runUnary(tfl::BuiltinOperator::SOFTMAX, DType::Int16, rows, 0.0005f, 0,
                                  q15, 0, softmaxBeta(1.0f));
    const auto want = at::softmax(rows * 0.0005, 1) * 32768;
    const auto expected = valuesOf<double>(want, at::kDouble);
    for (std::size_t i = 0; i < expected.size(); ++i)
        CHECK(std::abs(softmax[i] - expected[i]) <= 12);
}

TEST_CASE("tflite: uint8 activations equal the int8 ones moved by 128",
          "[runtime][tflite][torch]") {
    at::manual_seed(27);
    const auto x = randomIntegers({2, 3, 4, 9}, -128, 127);
    const auto shifted = x + 128;
    struct Op {
        tfl::BuiltinOperator op;
        float outScale;
        std::int64_t outZpInt8;
        testing::TfliteOptionsWriter options;
    };
    const std::vector<Op> ops = {
        {tfl::BuiltinOperator::LOGISTIC, 1.0f / 256, -128, {}},
        {tfl::BuiltinOperator::TANH, 1.0f / 128, 0, {}},
        {tfl::BuiltinOperator::SOFTMAX, 1.0f / 256, -128, softmaxBeta(1.0f)},
        {tfl::BuiltinOperator::RELU, 0.07f, -20, {}},
        {tfl::BuiltinOperator::RELU6, 0.1f, -3, {}},
        {tfl::BuiltinOperator::HARD_SWISH, 0.06f, -10, {}},
        {tfl::BuiltinOperator::MAX_POOL_2D, 0.1f, 7,
         [](flatbuffers::FlatBufferBuilder& b) {
             return std::make_pair(
                 tfl::BuiltinOptions::Pool2DOptions,
                 tfl::CreatePool2DOptions(b, tfl::Padding::SAME, 2, 2, 3, 3).Union());
         }},
    };
    for (const auto& op : ops) {
        INFO("op " << static_cast<int>(op.op));
        const float inScale = 0.1f;
        const auto int8 =
            runUnary(op.op, DType::Int8, x, inScale, 7, op.outScale, op.outZpInt8, op.options);
        const auto uint8 = runUnary(op.op, DType::UInt8, shifted, inScale, 135, op.outScale,
                                    op.outZpInt8 + 128, op.options);
        REQUIRE(int8.size() == uint8.size());
        std::size_t differing = 0;
        for (std::size_t i = 0; i < int8.size(); ++i)
            differing += uint8[i] != int8[i] + 128;
        CHECK(differing == 0);
    }
}

TEST_CASE("tflite: LEAKY_RELU and HARD_SWISH", "[runtime][tflite][torch]") {
    at::manual_seed(28);
    // fp32 against libtorch.
    const auto x = at::randn({3, 17}, at::kFloat) * 4;
    for (const auto op : {tfl::BuiltinOperator::LEAKY_RELU, tfl::BuiltinOperator::HARD_SWISH}) {
        TfliteOperatorSpec spec;
        spec.op = op;
        spec.tensors = {floatSpec(x), floatSpec(x)};
        spec.inputs = {0};
        spec.outputs = {1};
        if (op == tfl::BuiltinOperator::LEAKY_RELU)
            spec.options = [](flatbuffers::FlatBufferBuilder& b) {
                return std::make_pair(tfl::BuiltinOptions::LeakyReluOptions,
                                      tfl::CreateLeakyReluOptions(b, 0.15f).Union());
            };
        const auto want =
            op == tfl::BuiltinOperator::LEAKY_RELU ? at::leaky_relu(x, 0.15) : at::hardswish(x);
        const auto got = toDoubles(runFile(spec, {inputTensor(x, DType::Float32)}).at(0));
        const auto expected = valuesOf<double>(want, at::kDouble);
        for (std::size_t i = 0; i < got.size(); ++i)
            CHECK(std::abs(got[i] - expected[i]) <= 1e-6 * (1 + std::abs(expected[i])));
    }
    // int8 and int16 LEAKY_RELU: the identity or the alpha rescale by sign.
    for (const auto type : {DType::Int8, DType::Int16}) {
        const auto [low, high] = limitsOf(type);
        const auto q = randomIntegers({64}, low, high);
        const bool int16 = type == DType::Int16;
        const float inScale = int16 ? 0.001f : 0.05f, outScale = int16 ? 0.0008f : 0.04f;
        const std::int64_t inZp = int16 ? 0 : 11, outZp = int16 ? 0 : -6;
        const auto got =
            runUnary(tfl::BuiltinOperator::LEAKY_RELU, type, q, inScale, inZp, outScale, outZp,
                     [](flatbuffers::FlatBufferBuilder& b) {
                         return std::make_pair(tfl::BuiltinOptions::LeakyReluOptions,
                                               tfl::CreateLeakyReluOptions(b, 0.3f).Union());
                     });
        const auto values = integers(q);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto centred = values[i] - inZp;
            const auto m = quantize(centred >= 0 ? double{inScale} / outScale
                                                 : double{0.3f} * inScale / outScale);
            CHECK(got[i] == clampTo(requantize32(centred, m) + outZp, low, high));
        }
    }
    // int8 HARD_SWISH: 16-bit fixed point, within one step of the real function.
    const auto all = at::arange(-128, 128, at::kLong).to(at::kDouble);
    const float inScale = 0.05f, outScale = 0.04f;
    const auto got =
        runUnary(tfl::BuiltinOperator::HARD_SWISH, DType::Int8, all, inScale, -5, outScale, 3);
    for (std::int64_t q = -128; q < 128; ++q) {
        const double real = (q + 5) * double{inScale};
        const double want = real * std::min(6.0, std::max(0.0, real + 3)) / 6 / outScale + 3;
        CHECK(std::abs(got[static_cast<std::size_t>(q + 128)] -
                       clampTo(std::llround(want), -128, 127)) <= 1);
    }
}
