// cortex_m kernels without an oracle tool output, each against an independent formulation:
// softmax against the runtime's TFLite int8 SOFTMAX on the same inputs (CMSIS-NN's
// arm_softmax_s8 is bit-exact to TFLite Micro's reference by design; the two kernels share no
// code), batch_matmul and transpose_conv2d against libtorch's exact sums requantised here by
// CMSIS-NN's published rounding (round half up in the high multiply, half away from zero in
// the shift).
#include "runtime/interpreter.hpp"
#include "runtime/kernels/aten/dim_order.hpp"
#include "runtime/tensor_elements.hpp"
#include "tests/support/tflite_model_builder.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace pteron;
using namespace pteron::runtime;
namespace tfl = pteron::fb::tflite;

namespace {

__extension__ using Int128 = __int128;

// A graph of one ExecuTorch-style kernel call: tensor arguments are operands "argN", constants
// attributes "argN".
class KernelCall {
  public:
    explicit KernelCall(std::string op) { node_.op = std::move(op); }
    KernelCall& tensor(std::size_t position, Tensor value) {
        Value declared;
        declared.kind = ValueKind::Input;
        declared.name = "arg" + std::to_string(position);
        declared.dtype = value.dtype();
        declared.shape = value.shape();
        declared.hasShape = true;
        const auto index = static_cast<std::int64_t>(graph_.addValue(declared));
        graph_.inputs.push_back(index);
        node_.inputs.push_back({index, declared.name});
        inputs_.push_back(std::move(value));
        return *this;
    }
    KernelCall& arg(std::size_t position, AttributeValue value) {
        node_.attributes.push_back({"arg" + std::to_string(position), std::move(value)});
        return *this;
    }
    Tensor run(DType outType, Shape outShape) {
        Value out;
        out.kind = ValueKind::Output;
        out.name = "out";
        out.dtype = outType;
        out.shape = std::move(outShape);
        out.hasShape = true;
        const auto index = static_cast<std::int64_t>(graph_.addValue(out));
        graph_.outputs.push_back(index);
        node_.outputs.push_back({index, "out"});
        Model model;
        model.format = "executorch";
        Graph graph = graph_;
        graph.id = "test";
        graph.nodes.push_back(node_);
        model.addGraph(std::move(graph));
        const auto kernels = KernelRegistry::withAllKernels();
        Interpreter interpreter(model, kernels, {2, nullptr, {}});
        return aten::toContiguous(interpreter.run(0, inputs_).at(0));
    }

  private:
    Graph graph_;
    Node node_;
    std::vector<Tensor> inputs_;
};

Tensor int8Tensor(const at::Tensor& values) {
    const auto bytes = values.contiguous().to(at::kChar);
    return Tensor::fromBytes(DType::Int8, Shape(values.sizes().begin(), values.sizes().end()),
                             {static_cast<const std::byte*>(bytes.data_ptr()),
                              static_cast<std::size_t>(bytes.nbytes())});
}

Tensor int32Tensor(const std::vector<std::int32_t>& values) {
    return Tensor::fromBytes(DType::Int32, {static_cast<std::int64_t>(values.size())},
                             std::as_bytes(std::span(values)));
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

at::Tensor randomInt8(std::vector<std::int64_t> shape) {
    return at::randint(-128, 128, shape, at::kLong).to(at::kDouble);
}

// CMSIS-NN's arm_nn_requantize (default build): the 32-bit value shifted left, multiplied,
// rounded half up at bit 31, then divided by 2^-shift rounding half away from zero.
std::int64_t cmsisRequantize(std::int64_t value, std::int32_t multiplier, int shift) {
    const int left = std::max(shift, 0), right = std::max(-shift, 0);
    const auto wrapped = static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(wrapped) << left);
    Int128 high = (Int128{shifted} * multiplier + (Int128{1} << 30));
    // Arithmetic shift: floor division by 2^31.
    high = high >= 0 ? high / (Int128{1} << 31)
                     : -((-high + (Int128{1} << 31) - 1) / (Int128{1} << 31));
    const auto h = static_cast<std::int64_t>(static_cast<std::int32_t>(high));
    if (right == 0) return h;
    const std::int64_t magnitude = h < 0 ? -h : h;
    const std::int64_t rounded = (magnitude + (std::int64_t{1} << (right - 1))) >> right;
    return h < 0 ? -rounded : rounded;
}

std::int64_t clampInt8(std::int64_t value, std::int64_t low = -128, std::int64_t high = 127) {
    return std::min(std::max(value, low), high);
}

} // namespace

TEST_CASE("cortex_m: softmax equals TFLite's int8 SOFTMAX on the same inputs",
          "[runtime][cortex_m][torch]") {
    at::manual_seed(31);
    for (const float scale : {0.0039f, 0.05f, 0.1f, 0.25f, 1.3f})
        for (const std::int64_t depth : {1, 2, 10, 37, 300}) {
            INFO("scale " << scale << " depth " << depth);
            const auto x = randomInt8({3, depth});
            // TFLite's preparation: beta x scale as Q5.26 difference multiplier, the radius
            // beyond which exp underflows.
            const double real = std::min(double{scale} * 67108864.0, 2147483647.0);
            int exponent = 0;
            const double fraction = std::frexp(real, &exponent);
            auto multiplier = static_cast<std::int64_t>(std::llround(fraction * 2147483648.0));
            if (multiplier == (std::int64_t{1} << 31)) {
                multiplier /= 2;
                ++exponent;
            }
            const auto diffMin = -static_cast<std::int64_t>(
                std::floor(31.0 * 67108864.0 / std::ldexp(1.0, exponent)));
            const auto got = integers(KernelCall("cortex_m::softmax.out")
                                          .tensor(0, int8Tensor(x))
                                          .arg(1, std::int64_t{-1})
                                          .arg(2, std::int64_t{5})
                                          .arg(3, std::int64_t{-128})
                                          .arg(4, multiplier)
                                          .arg(5, std::int64_t{exponent})
                                          .arg(6, diffMin)
                                          .run(DType::Int8, {3, depth}));
            testing::TfliteOperatorSpec spec;
            spec.op = tfl::BuiltinOperator::SOFTMAX;
            testing::TfliteTensorSpec input, output;
            input.shape = output.shape = {3, static_cast<std::int32_t>(depth)};
            input.type = output.type = tfl::TensorType::INT8;
            input.scales = {scale};
            input.zeroPoints = {5};
            output.scales = {1.0f / 256};
            output.zeroPoints = {-128};
            spec.tensors = {input, output};
            spec.inputs = {0};
            spec.outputs = {1};
            spec.options = [](flatbuffers::FlatBufferBuilder& b) {
                return std::make_pair(tfl::BuiltinOptions::SoftmaxOptions,
                                      tfl::CreateSoftmaxOptions(b, 1.0f).Union());
            };
            const auto model = testing::readTflite(spec);
            const auto kernels = KernelRegistry::withAllKernels();
            Interpreter interpreter(model, kernels, {1, nullptr, {}});
            const auto want =
                integers(interpreter.run(model.topLevelGraphs().front(), {int8Tensor(x)}).at(0));
            CHECK(got == want);
        }
}

TEST_CASE("cortex_m: quantized_batch_matmul requantises exact sums like arm_batch_matmul_s8",
          "[runtime][cortex_m][torch]") {
    at::manual_seed(32);
    struct Case {
        std::int64_t batches, rows, inner, columns, lhsOffset, rhsOffset, outputOffset;
        std::int32_t multiplier;
        int shift;
    };
    for (const auto& c : std::vector<Case>{{2, 3, 8, 5, 7, -3, 4, 1395864371, -9},
                                           {1, 4, 16, 6, 128, 0, -128, 1073741824, -12},
                                           {3, 1, 5, 2, -20, 11, 0, 2000000000, -6},
                                           {2, 2, 3, 3, 0, 0, 10, 1500000000, 1}}) {
        INFO("batches " << c.batches << " inner " << c.inner << " shift " << c.shift);
        const auto lhs = randomInt8({c.batches, c.rows, c.inner});
        const auto rhs = randomInt8({c.batches, c.columns, c.inner});
        const auto sums = at::matmul(lhs + static_cast<double>(c.lhsOffset),
                                     (rhs + static_cast<double>(c.rhsOffset)).transpose(1, 2));
        const auto got = integers(KernelCall("cortex_m::quantized_batch_matmul.out")
                                      .tensor(0, int8Tensor(lhs))
                                      .arg(1, c.lhsOffset)
                                      .tensor(2, int8Tensor(rhs))
                                      .arg(3, c.rhsOffset)
                                      .arg(4, c.outputOffset)
                                      .arg(5, std::int64_t{c.multiplier})
                                      .arg(6, std::int64_t{c.shift})
                                      .tensor(7, Tensor(DType::Int8, {0}))
                                      .run(DType::Int8, {c.batches, c.rows, c.columns}));
        const auto acc = integers(sums);
        REQUIRE(got.size() == acc.size());
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i)
            differing += got[i] !=
                         clampInt8(cmsisRequantize(acc[i], c.multiplier, c.shift) + c.outputOffset);
        CHECK(differing == 0);
    }
}

TEST_CASE("cortex_m: quantized_transpose_conv2d requantises exact sums like arm_transpose_conv_s8",
          "[runtime][cortex_m][torch]") {
    at::manual_seed(33);
    struct Case {
        std::int64_t batch, inC, outC, h, w, kh, kw, stride, pad, outputPad;
        bool bias;
    };
    for (const auto& c : std::vector<Case>{{1, 3, 4, 4, 5, 3, 3, 2, 1, 1, true},
                                           {2, 2, 3, 3, 3, 2, 3, 1, 0, 0, false},
                                           {1, 5, 2, 5, 4, 4, 2, 3, 1, 2, true},
                                           {2, 4, 4, 2, 6, 1, 1, 2, 0, 1, true}}) {
        INFO("stride " << c.stride << " pad " << c.pad << " output_padding " << c.outputPad);
        const auto x = randomInt8({c.batch, c.inC, c.h, c.w});
        const auto weight = randomInt8({c.outC, c.kh, c.kw, c.inC});
        const auto bias = at::randint(-3000, 3000, {c.outC}, at::kLong);
        std::vector<std::int32_t> multipliers, shifts, biasValues;
        for (std::int64_t o = 0; o < c.outC; ++o) {
            multipliers.push_back(1100000000 + static_cast<std::int32_t>(o) * 150000000);
            shifts.push_back(-8 - static_cast<std::int32_t>(o % 3));
            biasValues.push_back(static_cast<std::int32_t>(bias[o].item<std::int64_t>()));
        }
        const std::int64_t inputOffset = 9, outputOffset = -4, low = -100, high = 120;
        // PyTorch's transposed convolution: weight as [IC, OC, KH, KW].
        auto sums = at::conv_transpose2d(
            x + static_cast<double>(inputOffset), weight.permute({3, 0, 1, 2}).contiguous(),
            c.bias ? bias.to(at::kDouble) : at::Tensor(), c.stride, c.pad, c.outputPad);
        const auto oh = sums.size(2), ow = sums.size(3);
        auto call = KernelCall("cortex_m::quantized_transpose_conv2d.out")
                        .tensor(0, aten::toDimOrder(int8Tensor(x), aten::channelsLastOrder()))
                        .tensor(1, int8Tensor(weight));
        if (c.bias) call.tensor(2, int32Tensor(biasValues));
        const auto got = integers(call.arg(3, std::vector<std::int64_t>{c.stride, c.stride})
                                      .arg(4, std::vector<std::int64_t>{c.pad, c.pad})
                                      .arg(5, std::vector<std::int64_t>{c.outputPad, c.outputPad})
                                      .arg(6, std::vector<std::int64_t>{1, 1})
                                      .arg(7, inputOffset)
                                      .arg(8, outputOffset)
                                      .tensor(9, int32Tensor(multipliers))
                                      .tensor(10, int32Tensor(shifts))
                                      .arg(11, low)
                                      .arg(12, high)
                                      .tensor(13, Tensor(DType::Int8, {0}))
                                      .tensor(14, Tensor(DType::Int8, {0}))
                                      .run(DType::Int8, {c.batch, c.outC, oh, ow}));
        const auto acc = integers(sums);
        REQUIRE(got.size() == acc.size());
        std::size_t differing = 0;
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const auto o =
                static_cast<std::size_t>((static_cast<std::int64_t>(i) / (oh * ow)) % c.outC);
            differing += got[i] != clampInt8(cmsisRequantize(acc[i], multipliers[o], shifts[o]) +
                                                 outputOffset,
                                             low, high);
        }
        CHECK(differing == 0);
    }
}
