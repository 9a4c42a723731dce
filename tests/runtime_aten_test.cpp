// The ExecuTorch aten kernels against libtorch (the independent oracle): each case is a
// one-node graph built the way the .pte reader lays a kernel call out (tensor arguments as
// operands "argN", constants as attributes "argN"), run by the interpreter, and compared with
// the at:: function on the same inputs: random shapes, broadcasting, type promotion, empty
// tensors and channels-last dim orders.
#include "runtime/interpreter.hpp"
#include "runtime/kernels/aten/dim_order.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <optional>
#include <sstream>

using namespace pteron;
using namespace pteron::runtime;

namespace {

DType dtypeOf(at::ScalarType type) {
    switch (type) {
    case at::kFloat:
        return DType::Float32;
    case at::kDouble:
        return DType::Float64;
    case at::kHalf:
        return DType::Float16;
    case at::kBFloat16:
        return DType::BFloat16;
    case at::kLong:
        return DType::Int64;
    case at::kInt:
        return DType::Int32;
    case at::kShort:
        return DType::Int16;
    case at::kChar:
        return DType::Int8;
    case at::kByte:
        return DType::UInt8;
    case at::kBool:
        return DType::Bool;
    default:
        FAIL("unexpected torch type");
        return DType::Unknown;
    }
}

at::ScalarType torchTypeOf(DType type) {
    switch (type) {
    case DType::Float32:
        return at::kFloat;
    case DType::Float64:
        return at::kDouble;
    case DType::Float16:
        return at::kHalf;
    case DType::BFloat16:
        return at::kBFloat16;
    case DType::Int64:
        return at::kLong;
    case DType::Int32:
        return at::kInt;
    case DType::Int16:
        return at::kShort;
    case DType::Int8:
        return at::kChar;
    case DType::UInt8:
        return at::kByte;
    case DType::Bool:
        return at::kBool;
    default:
        FAIL("unexpected runtime type");
        return at::kFloat;
    }
}

Shape shapeOf(const at::Tensor& tensor) {
    return Shape(tensor.sizes().begin(), tensor.sizes().end());
}

Tensor fromTorch(const at::Tensor& source, const std::vector<std::uint8_t>& dimOrder = {}) {
    const auto tensor = source.contiguous();
    const auto* bytes = static_cast<const std::byte*>(tensor.data_ptr());
    auto result = Tensor::fromBytes(dtypeOf(tensor.scalar_type()), shapeOf(tensor),
                                    {bytes, static_cast<std::size_t>(tensor.nbytes())});
    return dimOrder.empty() ? result : aten::toDimOrder(result, dimOrder);
}

at::Tensor toTorch(const Tensor& source) {
    const auto tensor = aten::toContiguous(source);
    std::vector<std::int64_t> sizes(tensor.shape().begin(), tensor.shape().end());
    auto result = at::empty(sizes, at::TensorOptions().dtype(torchTypeOf(tensor.dtype())));
    if (tensor.bytes().size())
        std::memcpy(result.data_ptr(), tensor.bytes().data(), tensor.bytes().size());
    return result;
}

// A graph of one kernel call; inputs in the order the arguments were added.
class OneNode {
  public:
    explicit OneNode(std::string op) { node_.op = std::move(op); }
    const std::string& op() const { return node_.op; }

    OneNode& tensor(std::size_t position, const at::Tensor& value,
                    std::vector<std::uint8_t> dimOrder = {}) {
        const auto index = addValue(value, ValueKind::Input, dimOrder);
        graph_.inputs.push_back(index);
        inputs_.push_back(fromTorch(value, dimOrder));
        node_.inputs.push_back({index, "arg" + std::to_string(position)});
        return *this;
    }
    // A tensor list: operands "argN[0]", "argN[1]", …; nullopt items are absent.
    OneNode& tensors(std::size_t position, const std::vector<std::optional<at::Tensor>>& values) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto name = "arg" + std::to_string(position) + "[" + std::to_string(i) + "]";
            if (!values[i]) {
                node_.inputs.push_back({kAbsentValue, name});
                continue;
            }
            const auto index = addValue(*values[i], ValueKind::Input, {});
            graph_.inputs.push_back(index);
            inputs_.push_back(fromTorch(*values[i]));
            node_.inputs.push_back({index, name});
        }
        return *this;
    }
    OneNode& none(std::size_t position) {
        node_.inputs.push_back({kAbsentValue, "arg" + std::to_string(position)});
        return *this;
    }
    OneNode& arg(std::size_t position, AttributeValue value) {
        node_.attributes.push_back({"arg" + std::to_string(position), std::move(value)});
        return *this;
    }
    OneNode& output(const at::Tensor& like, std::vector<std::uint8_t> dimOrder = {}) {
        const auto index = addValue(like, ValueKind::Output, dimOrder);
        graph_.outputs.push_back(index);
        node_.outputs.push_back({index, "out"});
        return *this;
    }
    // Makes tensor argument `position` a graph output too, to read what the kernel left in it
    // (inputs the schema mutates in place).
    OneNode& expose(std::size_t position) {
        const auto name = "arg" + std::to_string(position);
        for (const auto& operand : node_.inputs)
            if (operand.name == name) graph_.outputs.push_back(operand.value);
        return *this;
    }
    std::vector<Tensor> run(unsigned threads = 2) {
        Model model;
        model.format = "executorch";
        Graph graph = graph_;
        graph.id = "test";
        graph.kind = "method";
        graph.nodes.push_back(node_);
        model.addGraph(std::move(graph));
        const auto kernels = KernelRegistry::withAllKernels();
        Interpreter interpreter(model, kernels, {threads, nullptr, {}});
        return interpreter.run(0, inputs_);
    }

  private:
    std::int64_t addValue(const at::Tensor& like, ValueKind kind,
                          const std::vector<std::uint8_t>& dimOrder) {
        Value value;
        value.kind = kind;
        value.name = "v" + std::to_string(graph_.values.size());
        value.dtype = dtypeOf(like.scalar_type());
        value.shape = shapeOf(like);
        value.hasShape = true;
        value.dimOrder = dimOrder;
        return static_cast<std::int64_t>(graph_.addValue(value));
    }

    Graph graph_;
    Node node_;
    std::vector<Tensor> inputs_;
};

void expectMatches(const Tensor& got, const at::Tensor& want, double rtol = 1e-5,
                   double atol = 1e-6) {
    INFO("got " << got.typeText() << ", expected " << want.sizes() << " " << want.scalar_type());
    REQUIRE(got.dtype() == dtypeOf(want.scalar_type()));
    REQUIRE(got.shape() == shapeOf(want));
    const auto mine = toTorch(got);
    std::ostringstream values;
    if (at::isFloatingType(want.scalar_type()) && want.numel() > 0 && want.numel() < 8)
        values << mine << " vs " << want;
    INFO(values.str());
    if (at::isFloatingType(want.scalar_type()))
        CHECK(at::allclose(mine.to(at::kDouble), want.to(at::kDouble), rtol, atol,
                           /*equal_nan=*/true));
    else
        CHECK(at::equal(mine, want));
}

// Runs `node` with an output shaped like `want` and compares.
void check(OneNode node, const at::Tensor& want, double rtol = 1e-5, double atol = 1e-6) {
    INFO(node.op() << " " << want.scalar_type());
    node.output(want);
    const auto outputs = node.run();
    REQUIRE(outputs.size() == 1);
    expectMatches(outputs[0], want, rtol, atol);
}

at::Tensor randomOf(const std::vector<std::int64_t>& shape, at::ScalarType type) {
    if (type == at::kBool) return at::randint(0, 2, shape, at::kLong).to(at::kBool);
    if (at::isFloatingType(type)) return (at::randn(shape, at::kDouble) * 3).to(type);
    if (type == at::kByte) return at::randint(0, 200, shape, at::kLong).to(type);
    return at::randint(-100, 100, shape, at::kLong).to(type);
}

const std::vector<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> kShapePairs = {
    {{2, 3}, {2, 3}}, {{3, 1, 5}, {4, 1}}, {{}, {4}},
    {{6}, {}},        {{0, 3}, {3}},       {{2, 1, 4, 1}, {3, 1, 5}}};

} // namespace

TEST_CASE("aten: add/sub/mul/div with broadcasting and type promotion", "[runtime][aten][torch]") {
    at::manual_seed(1);
    const std::vector<std::pair<at::ScalarType, at::ScalarType>> types = {
        {at::kFloat, at::kFloat}, {at::kLong, at::kFloat},   {at::kChar, at::kByte},
        {at::kInt, at::kLong},    {at::kDouble, at::kFloat}, {at::kHalf, at::kHalf}};
    for (const auto& [sa, sb] : kShapePairs)
        for (const auto& [ta, tb] : types) {
            const auto a = randomOf(sa, ta);
            auto b = randomOf(sb, tb);
            check(OneNode("aten::add.out").tensor(0, a).tensor(1, b).arg(2, std::int64_t{2}),
                  at::add(a, b, 2));
            check(OneNode("aten::sub.out").tensor(0, a).tensor(1, b).arg(2, std::int64_t{1}),
                  at::sub(a, b));
            check(OneNode("aten::mul.out").tensor(0, a).tensor(1, b), at::mul(a, b), 1e-3, 1e-3);
            if (at::isFloatingType(b.scalar_type()) || at::isFloatingType(a.scalar_type()) ||
                true) {
                b = at::where(b == 0, at::ones_like(b), b);
                check(OneNode("aten::div.out").tensor(0, a).tensor(1, b), at::div(a, b), 1e-3,
                      1e-5);
                check(OneNode("aten::div.out_mode")
                          .tensor(0, a)
                          .tensor(1, b)
                          .arg(2, std::string("floor")),
                      at::div(a, b, "floor"), 1e-3, 1e-5);
                check(OneNode("aten::div.out_mode")
                          .tensor(0, a)
                          .tensor(1, b)
                          .arg(2, std::string("trunc")),
                      at::div(a, b, "trunc"), 1e-3, 1e-5);
                check(OneNode("aten::remainder.Tensor_out").tensor(0, a).tensor(1, b),
                      at::remainder(a, b), 1e-3, 1e-4);
                check(OneNode("aten::fmod.Tensor_out").tensor(0, a).tensor(1, b), at::fmod(a, b),
                      1e-3, 1e-4);
            }
            check(OneNode("aten::maximum.out").tensor(0, a).tensor(1, b), at::maximum(a, b));
            check(OneNode("aten::minimum.out").tensor(0, a).tensor(1, b), at::minimum(a, b));
            for (const auto& [name, fn] : std::vector<std::pair<
                     std::string, std::function<at::Tensor(const at::Tensor&, const at::Tensor&)>>>{
                     {"eq", [](auto&x, auto&y) { return at::eq(x, y); }},
                     {"ne", [](auto&x, auto&y) { return at::ne(x, y); }},
                     {"lt", [](auto&x, auto&y) { return at::lt(x, y); }},
                     {"le", [](auto&x, auto&y) { return at::le(x, y); }},
                     {"gt", [](auto&x, auto&y) { return at::gt(x, y); }},
                     {"ge", [](auto&x, auto&y) { return at::ge(x, y); }}})
                check(OneNode("aten::" + name + ".Tensor_out").tensor(0, a).tensor(1, b), fn(a, b));
            check(OneNode("aten::logical_and.out").tensor(0, a).tensor(1, b),
                  at::logical_and(a, b));
            check(OneNode("aten::logical_or.out").tensor(0, a).tensor(1, b), at::logical_or(a, b));
            check(OneNode("aten::logical_xor.out").tensor(0, a).tensor(1, b),
                  at::logical_xor(a, b));
            if (!at::isFloatingType(a.scalar_type()) && !at::isFloatingType(b.scalar_type())) {
                check(OneNode("aten::bitwise_and.Tensor_out").tensor(0, a).tensor(1, b),
                      at::bitwise_and(a, b));
                check(OneNode("aten::bitwise_or.Tensor_out").tensor(0, a).tensor(1, b),
                      at::bitwise_or(a, b));
                check(OneNode("aten::bitwise_xor.Tensor_out").tensor(0, a).tensor(1, b),
                      at::bitwise_xor(a, b));
            }
        }
}

TEST_CASE("aten: Scalar operands promote as PyTorch does", "[runtime][aten][torch]") {
    at::manual_seed(2);
    const auto ints = randomOf({3, 4}, at::kInt);
    const auto floats = randomOf({3, 4}, at::kFloat);
    const auto bools = randomOf({5}, at::kBool);
    check(OneNode("aten::add.Scalar_out").tensor(0, ints).arg(1, 2.5).arg(2, std::int64_t{1}),
          at::add(ints, 2.5));
    check(OneNode("aten::add.Scalar_out")
              .tensor(0, ints)
              .arg(1, std::int64_t{7})
              .arg(2, std::int64_t{3}),
          at::add(ints, 7, 3));
    check(OneNode("aten::add.Scalar_out")
              .tensor(0, bools)
              .arg(1, std::int64_t{2})
              .arg(2, std::int64_t{1}),
          at::add(bools, 2));
    check(OneNode("aten::mul.Scalar_out").tensor(0, floats).arg(1, std::int64_t{3}),
          at::mul(floats, 3));
    check(OneNode("aten::sub.Scalar_out").tensor(0, floats).arg(1, 0.5).arg(2, 2.0),
          at::sub(floats, 0.5, 2.0));
    check(OneNode("aten::rsub.Scalar_out").tensor(0, floats).arg(1, 1.0).arg(2, std::int64_t{1}),
          at::rsub(floats, 1.0));
    check(OneNode("aten::div.Scalar_out").tensor(0, ints).arg(1, std::int64_t{4}),
          at::div(ints, 4));
    check(OneNode("aten::eq.Scalar_out").tensor(0, ints).arg(1, std::int64_t{0}), at::eq(ints, 0));
    check(OneNode("aten::gt.Scalar_out").tensor(0, floats).arg(1, 0.25), at::gt(floats, 0.25));
    check(OneNode("aten::remainder.Scalar_out").tensor(0, ints).arg(1, std::int64_t{-7}),
          at::remainder(ints, -7));
    check(OneNode("aten::pow.Tensor_Scalar_out").tensor(0, floats).arg(1, std::int64_t{2}),
          at::pow(floats, 2), 1e-5, 1e-5);
    check(OneNode("aten::pow.Tensor_Scalar_out").tensor(0, at::abs(ints)).arg(1, std::int64_t{3}),
          at::pow(at::abs(ints), 3));
    check(OneNode("aten::bitwise_and.Scalar_out").tensor(0, ints).arg(1, std::int64_t{6}),
          at::bitwise_and(ints, 6));
}

TEST_CASE("aten: unary math and activations match libtorch", "[runtime][aten][torch]") {
    at::manual_seed(3);
    const auto x = randomOf({4, 7}, at::kFloat);
    const auto positive = at::abs(x) + 0.1;
    const auto unit = at::tanh(x) * 0.9;
    using Fn = std::function<at::Tensor(const at::Tensor&)>;
    const std::vector<std::tuple<std::string, Fn, at::Tensor>> cases = {
        {"exp", [](auto& t) { return at::exp(t); }, x},
        {"expm1", [](auto& t) { return at::expm1(t); }, x},
        {"log", [](auto& t) { return at::log(t); }, positive},
        {"log1p", [](auto& t) { return at::log1p(t); }, positive},
        {"log2", [](auto& t) { return at::log2(t); }, positive},
        {"log10", [](auto& t) { return at::log10(t); }, positive},
        {"sqrt", [](auto& t) { return at::sqrt(t); }, positive},
        {"rsqrt", [](auto& t) { return at::rsqrt(t); }, positive},
        {"sin", [](auto& t) { return at::sin(t); }, x},
        {"cos", [](auto& t) { return at::cos(t); }, x},
        {"tan", [](auto& t) { return at::tan(t); }, unit},
        {"asin", [](auto& t) { return at::asin(t); }, unit},
        {"acos", [](auto& t) { return at::acos(t); }, unit},
        {"atan", [](auto& t) { return at::atan(t); }, x},
        {"sinh", [](auto& t) { return at::sinh(t); }, x},
        {"cosh", [](auto& t) { return at::cosh(t); }, x},
        {"tanh", [](auto& t) { return at::tanh(t); }, x},
        {"asinh", [](auto& t) { return at::asinh(t); }, x},
        {"acosh", [](auto& t) { return at::acosh(t); }, positive + 1},
        {"atanh", [](auto& t) { return at::atanh(t); }, unit},
        {"erf", [](auto& t) { return at::erf(t); }, x},
        {"sigmoid", [](auto& t) { return at::sigmoid(t); }, x},
        {"reciprocal", [](auto& t) { return at::reciprocal(t); }, positive},
        {"abs", [](auto& t) { return at::abs(t); }, x},
        {"neg", [](auto& t) { return at::neg(t); }, x},
        {"sign", [](auto& t) { return at::sign(t); }, x},
        {"floor", [](auto& t) { return at::floor(t); }, x},
        {"ceil", [](auto& t) { return at::ceil(t); }, x},
        {"trunc", [](auto& t) { return at::trunc(t); }, x},
        {"round", [](auto& t) { return at::round(t); }, at::round(x * 2) / 2},
        {"relu", [](auto& t) { return at::relu(t); }, x},
        {"silu", [](auto& t) { return at::silu(t); }, x},
        {"hardswish", [](auto& t) { return at::hardswish(t); }, x},
        {"hardsigmoid", [](auto& t) { return at::hardsigmoid(t); }, x},
        {"isnan", [](auto& t) { return at::isnan(t); }, at::log(x)},
        {"logical_not", [](auto& t) { return at::logical_not(t); }, at::relu(x)},
    };
    for (const auto& [name, fn, input] : cases) {
        INFO(name);
        check(OneNode("aten::" + name + ".out").tensor(0, input), fn(input), 1e-5, 1e-6);
    }
    const auto ints = randomOf({9}, at::kInt);
    check(OneNode("aten::abs.out").tensor(0, ints), at::abs(ints));
    check(OneNode("aten::neg.out").tensor(0, ints), at::neg(ints));
    check(OneNode("aten::exp.out").tensor(0, ints.to(at::kChar) / 30),
          at::exp(ints.to(at::kChar) / 30));
    check(OneNode("aten::bitwise_not.out").tensor(0, ints), at::bitwise_not(ints));
    check(OneNode("aten::gelu.out").tensor(0, x).arg(1, std::string("none")), at::gelu(x));
    check(OneNode("aten::gelu.out").tensor(0, x).arg(1, std::string("tanh")), at::gelu(x, "tanh"),
          1e-5, 1e-6);
    check(OneNode("aten::leaky_relu.out").tensor(0, x).arg(1, 0.2), at::leaky_relu(x, 0.2));
    check(OneNode("aten::hardtanh.out").tensor(0, x).arg(1, -1.5).arg(2, 2.0),
          at::hardtanh(x, -1.5, 2.0));
    check(OneNode("aten::clamp.out").tensor(0, x).arg(1, -0.5).none(2), at::clamp(x, -0.5));
    check(OneNode("aten::clamp.out")
              .tensor(0, ints)
              .arg(1, std::int64_t{-20})
              .arg(2, std::int64_t{30}),
          at::clamp(ints, -20, 30));
    check(OneNode("aten::elu.out").tensor(0, x).arg(1, 1.0).arg(2, 1.0).arg(3, 1.0), at::elu(x),
          1e-5, 1e-6);
    check(OneNode("aten::atan2.out").tensor(0, x).tensor(1, positive), at::atan2(x, positive));
    const auto half = x.to(at::kHalf);
    // libtorch has no fp16 sigmoid on the CPU: fp32 rounded to fp16, as the kernel computes.
    check(OneNode("aten::sigmoid.out").tensor(0, half),
          at::sigmoid(half.to(at::kFloat)).to(at::kHalf), 1e-3, 1e-3);
}

TEST_CASE("aten: reductions over dimension lists, keepdim and empty tensors",
          "[runtime][aten][torch]") {
    at::manual_seed(4);
    const auto x = randomOf({3, 4, 5}, at::kFloat);
    const std::vector<std::vector<std::int64_t>> dimLists = {{1}, {0, 2}, {-1}, {0, 1, 2}};
    for (const auto& dims : dimLists)
        for (const bool keep : {false, true}) {
            check(OneNode("aten::sum.IntList_out").tensor(0, x).arg(1, dims).arg(2, keep).none(3),
                  at::sum(x, dims, keep), 1e-5, 1e-5);
            check(OneNode("aten::mean.out").tensor(0, x).arg(1, dims).arg(2, keep).none(3),
                  at::mean(x, dims, keep), 1e-5, 1e-6);
            check(OneNode("aten::amax.out").tensor(0, x).arg(1, dims).arg(2, keep),
                  at::amax(x, dims, keep));
            check(OneNode("aten::amin.out").tensor(0, x).arg(1, dims).arg(2, keep),
                  at::amin(x, dims, keep));
            check(OneNode("aten::var.correction_out")
                      .tensor(0, x)
                      .arg(1, dims)
                      .arg(2, std::int64_t{1})
                      .arg(3, keep),
                  at::var(x, dims, 1, keep), 1e-4, 1e-5);
        }
    const auto ints = randomOf({4, 6}, at::kInt);
    check(OneNode("aten::sum.IntList_out")
              .tensor(0, ints)
              .arg(1, std::vector<std::int64_t>{1})
              .arg(2, false)
              .none(3),
          at::sum(ints, {1}));
    check(OneNode("aten::argmax.out").tensor(0, x).arg(1, std::int64_t{1}).arg(2, false),
          at::argmax(x, 1));
    check(OneNode("aten::argmin.out").tensor(0, x).arg(1, std::int64_t{-1}).arg(2, true),
          at::argmin(x, -1, true));
    check(OneNode("aten::argmax.out").tensor(0, x).none(1).arg(2, false), at::argmax(x));
    check(OneNode("aten::cumsum.out").tensor(0, x).arg(1, std::int64_t{1}).none(2),
          at::cumsum(x, 1), 1e-5, 1e-5);
    check(OneNode("aten::cumsum.out").tensor(0, ints).arg(1, std::int64_t{0}).none(2),
          at::cumsum(ints, 0));
    check(OneNode("aten::prod.int_out").tensor(0, x).arg(1, std::int64_t{2}).arg(2, false).none(3),
          at::prod(x, 2), 1e-4, 1e-5);
    const auto empty = randomOf({0, 4}, at::kFloat);
    check(OneNode("aten::sum.IntList_out")
              .tensor(0, empty)
              .arg(1, std::vector<std::int64_t>{0})
              .arg(2, false)
              .none(3),
          at::sum(empty, {0}));
    check(OneNode("aten::_softmax.out").tensor(0, x).arg(1, std::int64_t{1}).arg(2, false),
          at::_softmax(x, 1, false));
    check(OneNode("aten::_log_softmax.out").tensor(0, x).arg(1, std::int64_t{-1}).arg(2, false),
          at::_log_softmax(x, -1, false), 1e-5, 1e-5);
}

TEST_CASE("aten: matrix products", "[runtime][aten][torch]") {
    at::manual_seed(5);
    const auto a = randomOf({5, 7}, at::kFloat), b = randomOf({7, 3}, at::kFloat),
               bias = randomOf({3}, at::kFloat);
    check(OneNode("aten::mm.out").tensor(0, a).tensor(1, b), at::mm(a, b), 1e-5, 1e-4);
    check(OneNode("aten::addmm.out")
              .tensor(0, bias)
              .tensor(1, a)
              .tensor(2, b)
              .arg(3, 0.5)
              .arg(4, 2.0),
          at::addmm(bias, a, b, 0.5, 2.0), 1e-5, 1e-4);
    const auto p = randomOf({4, 5, 6}, at::kFloat), q = randomOf({4, 6, 2}, at::kFloat);
    check(OneNode("aten::bmm.out").tensor(0, p).tensor(1, q), at::bmm(p, q), 1e-5, 1e-4);
    const auto w = randomOf({8, 6}, at::kFloat), wb = randomOf({8}, at::kFloat);
    check(OneNode("aten::linear.out").tensor(0, p).tensor(1, w).tensor(2, wb), at::linear(p, w, wb),
          1e-5, 1e-4);
    const auto big = randomOf({70, 300}, at::kFloat), right = randomOf({300, 90}, at::kFloat);
    check(OneNode("aten::mm.out").tensor(0, big).tensor(1, right), at::mm(big, right), 1e-4, 1e-3);
}

TEST_CASE("aten: convolution, pooling, normalisation and resizing", "[runtime][aten][torch]") {
    at::manual_seed(6);
    const auto x = randomOf({2, 4, 9, 8}, at::kFloat);
    struct Conv {
        std::vector<std::int64_t> weight, stride, padding, dilation;
        std::int64_t groups;
        bool transposed;
        std::vector<std::int64_t> outputPadding;
    };
    const std::vector<Conv> convs = {
        {{6, 4, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, false, {0, 0}},
        {{6, 2, 3, 2}, {2, 1}, {0, 1}, {2, 1}, 2, false, {0, 0}},
        {{4, 1, 3, 3}, {1, 2}, {1, 1}, {1, 1}, 4, false, {0, 0}},
        {{4, 3, 3, 3}, {2, 2}, {1, 0}, {1, 1}, 1, true, {1, 0}},
        {{4, 2, 2, 3}, {2, 1}, {0, 1}, {1, 2}, 2, true, {0, 0}},
    };
    for (const auto& c : convs) {
        const auto weight = randomOf(c.weight, at::kFloat);
        const auto bias =
            randomOf({c.transposed ? c.weight[1] * c.groups : c.weight[0]}, at::kFloat);
        const auto want = at::convolution(x, weight, bias, c.stride, c.padding, c.dilation,
                                          c.transposed, c.outputPadding, c.groups);
        check(OneNode("aten::convolution.out")
                  .tensor(0, x)
                  .tensor(1, weight)
                  .tensor(2, bias)
                  .arg(3, c.stride)
                  .arg(4, c.padding)
                  .arg(5, c.dilation)
                  .arg(6, c.transposed)
                  .arg(7, c.outputPadding)
                  .arg(8, c.groups),
              want, 1e-4, 1e-4);
    }
    const auto signal = randomOf({2, 3, 17}, at::kFloat),
               kernel1d = randomOf({5, 3, 4}, at::kFloat);
    check(OneNode("aten::convolution.out")
              .tensor(0, signal)
              .tensor(1, kernel1d)
              .none(2)
              .arg(3, std::vector<std::int64_t>{2})
              .arg(4, std::vector<std::int64_t>{1})
              .arg(5, std::vector<std::int64_t>{1})
              .arg(6, false)
              .arg(7, std::vector<std::int64_t>{0})
              .arg(8, std::int64_t{1}),
          at::conv1d(signal, kernel1d, {}, 2, 1), 1e-4, 1e-4);
    for (const bool ceil : {false, true}) {
        const auto [values, indices] =
            at::max_pool2d_with_indices(x, {3, 2}, {2, 2}, {1, 1}, {1, 1}, ceil);
        auto node = OneNode("aten::max_pool2d_with_indices.out")
                        .tensor(0, x)
                        .arg(1, std::vector<std::int64_t>{3, 2})
                        .arg(2, std::vector<std::int64_t>{2, 2})
                        .arg(3, std::vector<std::int64_t>{1, 1})
                        .arg(4, std::vector<std::int64_t>{1, 1})
                        .arg(5, ceil);
        node.output(values).output(indices);
        const auto outputs = node.run();
        expectMatches(outputs[0], values);
        expectMatches(outputs[1], indices);
        for (const bool includePad : {false, true})
            check(OneNode("aten::avg_pool2d.out")
                      .tensor(0, x)
                      .arg(1, std::vector<std::int64_t>{3, 3})
                      .arg(2, std::vector<std::int64_t>{2, 2})
                      .arg(3, std::vector<std::int64_t>{1, 1})
                      .arg(4, ceil)
                      .arg(5, includePad)
                      .none(6),
                  at::avg_pool2d(x, {3, 3}, {2, 2}, {1, 1}, ceil, includePad), 1e-5, 1e-6);
    }
    check(OneNode("aten::_adaptive_avg_pool2d.out")
              .tensor(0, x)
              .arg(1, std::vector<std::int64_t>{4, 3}),
          at::_adaptive_avg_pool2d(x, {4, 3}), 1e-5, 1e-6);
    check(OneNode("aten::upsample_nearest2d.vec_out")
              .tensor(0, x)
              .arg(1, std::vector<std::int64_t>{14, 21})
              .none(2),
          at::upsample_nearest2d(x, at::IntArrayRef{14, 21}, c10::nullopt, c10::nullopt));
    for (const bool align : {false, true})
        check(OneNode("aten::upsample_bilinear2d.vec_out")
                  .tensor(0, x)
                  .arg(1, std::vector<std::int64_t>{13, 5})
                  .arg(2, align)
                  .none(3),
              at::upsample_bilinear2d(x, at::IntArrayRef{13, 5}, align, c10::nullopt, c10::nullopt),
              1e-5, 1e-5);
    const auto gamma = randomOf({8}, at::kFloat), beta = randomOf({8}, at::kFloat);
    {
        const auto [out, mean, rstd] = at::native_layer_norm(x, {8}, gamma, beta, 1e-5);
        auto node = OneNode("aten::native_layer_norm.out")
                        .tensor(0, x)
                        .arg(1, std::vector<std::int64_t>{8})
                        .tensor(2, gamma)
                        .tensor(3, beta)
                        .arg(4, 1e-5);
        node.output(out).output(mean).output(rstd);
        const auto outputs = node.run();
        expectMatches(outputs[0], out, 1e-4, 1e-4);
        expectMatches(outputs[1], mean, 1e-4, 1e-5);
        expectMatches(outputs[2], rstd, 1e-4, 1e-4);
    }
    {
        const auto g = randomOf({4}, at::kFloat), b = randomOf({4}, at::kFloat);
        const auto [out, mean, rstd] = at::native_group_norm(x, g, b, 2, 4, 72, 2, 1e-5);
        auto node = OneNode("aten::native_group_norm.out")
                        .tensor(0, x)
                        .tensor(1, g)
                        .tensor(2, b)
                        .arg(3, std::int64_t{2})
                        .arg(4, std::int64_t{4})
                        .arg(5, std::int64_t{72})
                        .arg(6, std::int64_t{2})
                        .arg(7, 1e-5);
        node.output(out).output(mean).output(rstd);
        const auto outputs = node.run();
        expectMatches(outputs[0], out, 1e-4, 1e-4);
        expectMatches(outputs[1], mean, 1e-4, 1e-5);
    }
    {
        const auto w = randomOf({4}, at::kFloat), b = randomOf({4}, at::kFloat),
                   m = randomOf({4}, at::kFloat);
        const auto v = at::abs(randomOf({4}, at::kFloat)) + 0.5;
        const auto want = at::batch_norm(x, w, b, m, v, false, 0.1, 1e-5, false);
        auto node = OneNode("aten::_native_batch_norm_legit_no_training.out")
                        .tensor(0, x)
                        .tensor(1, w)
                        .tensor(2, b)
                        .tensor(3, m)
                        .tensor(4, v)
                        .arg(5, 0.1)
                        .arg(6, 1e-5);
        node.output(want);
        expectMatches(node.run()[0], want, 1e-5, 1e-5);
    }
}

TEST_CASE("aten: layout, indexing and creation operators", "[runtime][aten][torch]") {
    at::manual_seed(7);
    const auto x = randomOf({3, 4, 5}, at::kFloat);
    const auto ints = randomOf({3, 4, 5}, at::kLong);
    check(OneNode("aten::view_copy.out").tensor(0, x).arg(1, std::vector<std::int64_t>{-1, 10}),
          x.view({-1, 10}));
    check(OneNode("aten::permute_copy.out")
              .tensor(0, ints)
              .arg(1, std::vector<std::int64_t>{2, 0, 1}),
          ints.permute({2, 0, 1}).contiguous());
    check(OneNode("aten::expand_copy.out")
              .tensor(0, x.select(1, 0).unsqueeze(1))
              .arg(1, std::vector<std::int64_t>{2, 3, 4, 5})
              .arg(2, false),
          x.select(1, 0).unsqueeze(1).expand({2, 3, 4, 5}).contiguous());
    check(OneNode("aten::slice_copy.Tensor_out")
              .tensor(0, x)
              .arg(1, std::int64_t{2})
              .arg(2, std::int64_t{1})
              .arg(3, std::int64_t{-1})
              .arg(4, std::int64_t{2}),
          x.slice(2, 1, -1, 2).contiguous());
    check(OneNode("aten::select_copy.int_out")
              .tensor(0, x)
              .arg(1, std::int64_t{1})
              .arg(2, std::int64_t{-2}),
          x.select(1, -2).contiguous());
    check(OneNode("aten::transpose_copy.int_out")
              .tensor(0, x)
              .arg(1, std::int64_t{0})
              .arg(2, std::int64_t{2}),
          x.transpose(0, 2).contiguous());
    check(OneNode("aten::unsqueeze_copy.out").tensor(0, x).arg(1, std::int64_t{-1}),
          x.unsqueeze(-1));
    check(OneNode("aten::squeeze_copy.dims_out")
              .tensor(0, x.unsqueeze(1))
              .arg(1, std::vector<std::int64_t>{1, 2}),
          x);
    check(OneNode("aten::flip.out").tensor(0, x).arg(1, std::vector<std::int64_t>{0, 2}),
          at::flip(x, {0, 2}));
    check(OneNode("aten::repeat.out").tensor(0, x).arg(1, std::vector<std::int64_t>{2, 1, 1, 3}),
          x.repeat({2, 1, 1, 3}));
    check(OneNode("aten::constant_pad_nd.out")
              .tensor(0, x)
              .arg(1, std::vector<std::int64_t>{1, 2, -1, 1})
              .arg(2, 0.5),
          at::constant_pad_nd(x, {1, 2, -1, 1}, 0.5));
    check(OneNode("aten::_to_copy.out").tensor(0, x).arg(1, false).none(2), x.to(at::kInt));
    const auto y = randomOf({3, 2, 5}, at::kDouble);
    check(OneNode("aten::cat.out")
              .tensors(0, {x, y, at::empty({0}, at::kFloat)})
              .arg(1, std::int64_t{1}),
          at::cat({x, y.to(at::kFloat)}, 1).to(at::kDouble));
    check(OneNode("aten::stack.out").tensors(0, {x, x * 2}).arg(1, std::int64_t{-1}),
          at::stack({x, x * 2}, -1));
    {
        const auto pieces = at::split_with_sizes(x, {1, 3}, 1);
        auto node = OneNode("aten::split_with_sizes_copy.out")
                        .tensor(0, x)
                        .arg(1, std::vector<std::int64_t>{1, 3})
                        .arg(2, std::int64_t{1});
        node.output(pieces[0].contiguous()).output(pieces[1].contiguous());
        const auto outputs = node.run();
        expectMatches(outputs[0], pieces[0].contiguous());
        expectMatches(outputs[1], pieces[1].contiguous());
    }
    const auto index = at::randint(0, 4, {3, 2, 5}, at::kLong);
    check(OneNode("aten::gather.out")
              .tensor(0, x)
              .arg(1, std::int64_t{1})
              .tensor(2, index)
              .arg(3, false),
          at::gather(x, 1, index));
    check(OneNode("aten::scatter.value_out")
              .tensor(0, x)
              .arg(1, std::int64_t{1})
              .tensor(2, index)
              .arg(3, -1.0),
          at::scatter(x, 1, index, -1.0));
    const auto rows = at::tensor(std::vector<std::int64_t>{2, 0, -1, 1});
    check(OneNode("aten::index_select.out")
              .tensor(0, x)
              .arg(1, std::int64_t{1})
              .tensor(2, rows.remainder(4)),
          at::index_select(x, 1, rows.remainder(4)));
    const auto table = randomOf({10, 6}, at::kFloat);
    const auto tokens = at::randint(0, 10, {2, 7}, at::kLong);
    check(OneNode("aten::embedding.out")
              .tensor(0, table)
              .tensor(1, tokens)
              .arg(2, std::int64_t{-1})
              .arg(3, false)
              .arg(4, false),
          at::embedding(table, tokens));
    const auto condition = randomOf({4, 1}, at::kBool);
    check(OneNode("aten::where.self_out")
              .tensor(0, condition)
              .tensor(1, x)
              .tensor(2, ints.to(at::kInt)),
          at::where(condition, x, ints.to(at::kInt)));
    check(OneNode("aten::masked_fill.Scalar_out")
              .tensor(0, x)
              .tensor(1, condition.squeeze(1).unsqueeze(1).expand({4, 5}).contiguous())
              .arg(2, 9.0),
          x.masked_fill(condition.expand({4, 5}), 9.0));
    // Advanced indexing: adjacent and separated index tensors, a None slice and a bool mask.
    const auto i0 = at::tensor(std::vector<std::int64_t>{0, 2, -1}),
               i2 = at::tensor(std::vector<std::int64_t>{4, 0, 1});
    check(OneNode("aten::index.Tensor_out").tensor(0, x).tensors(1, {i0}), at::index(x, {i0}));
    check(OneNode("aten::index.Tensor_out").tensor(0, x).tensors(1, {i0, std::nullopt, i2}),
          at::index(x, {i0, c10::nullopt, i2}));
    check(OneNode("aten::index.Tensor_out")
              .tensor(0, x)
              .tensors(1, {std::nullopt, i2.remainder(4), i2}),
          at::index(x, {c10::nullopt, i2.remainder(4), i2}));
    const auto mask = x.select(2, 0) > 0;
    check(OneNode("aten::index.Tensor_out").tensor(0, x).tensors(1, {mask}), at::index(x, {mask}));
    check(OneNode("aten::full.out").arg(0, std::vector<std::int64_t>{2, 3}).arg(1, 1.5),
          at::full({2, 3}, 1.5));
    check(OneNode("aten::full_like.out").tensor(0, ints).arg(1, std::int64_t{7}).none(2),
          at::full_like(ints, 7));
    check(OneNode("aten::arange.start_out")
              .arg(0, std::int64_t{-3})
              .arg(1, std::int64_t{10})
              .arg(2, std::int64_t{4}),
          at::arange(-3, 10, 4));
    check(OneNode("aten::arange.start_out").arg(0, 0.5).arg(1, 2.0).arg(2, 0.25),
          at::arange(0.5, 2.0, 0.25, at::kFloat));
    check(OneNode("aten::scalar_tensor.out").arg(0, 2.5), at::scalar_tensor(2.5, at::kFloat));
}

TEST_CASE("aten: channels-last dim orders go in and come out in the declared order",
          "[runtime][aten][torch]") {
    at::manual_seed(8);
    const std::vector<std::uint8_t> channelsLast{0, 2, 3, 1};
    const auto a = randomOf({2, 3, 4, 5}, at::kFloat), b = randomOf({2, 3, 4, 5}, at::kFloat);
    auto node =
        OneNode("aten::add.out").tensor(0, a, channelsLast).tensor(1, b).arg(2, std::int64_t{1});
    node.output(a, channelsLast);
    const auto outputs = node.run();
    REQUIRE(outputs[0].dimOrder == channelsLast);
    // The bytes are NHWC, exactly torch's channels_last memory.
    const auto want = at::add(a, b).contiguous(at::MemoryFormat::ChannelsLast);
    CHECK(std::memcmp(outputs[0].bytes().data(), want.data_ptr(), outputs[0].bytes().size()) == 0);
    // _to_dim_order_copy: contiguous fp32 -> channels-last fp64 and back.
    auto toLast = OneNode("dim_order_ops::_to_dim_order_copy.out")
                      .tensor(0, a)
                      .arg(1, false)
                      .arg(2, std::vector<std::int64_t>{0, 2, 3, 1});
    toLast.output(a.to(at::kDouble), channelsLast);
    const auto converted = toLast.run();
    const auto wantDouble = a.to(at::kDouble).contiguous(at::MemoryFormat::ChannelsLast);
    CHECK(converted[0].dimOrder == channelsLast);
    CHECK(std::memcmp(converted[0].bytes().data(), wantDouble.data_ptr(),
                      converted[0].bytes().size()) == 0);
    auto back = OneNode("dim_order_ops::_clone_dim_order.out")
                    .tensor(0, a.to(at::kDouble), channelsLast)
                    .arg(1, false)
                    .arg(2, std::vector<std::int64_t>{0, 1, 2, 3});
    back.output(a.to(at::kDouble));
    expectMatches(back.run()[0], a.to(at::kDouble));
    // A convolution reading a channels-last input.
    const auto weight = randomOf({4, 3, 3, 3}, at::kFloat);
    check(OneNode("aten::convolution.out")
              .tensor(0, a, channelsLast)
              .tensor(1, weight)
              .none(2)
              .arg(3, std::vector<std::int64_t>{1, 1})
              .arg(4, std::vector<std::int64_t>{1, 1})
              .arg(5, std::vector<std::int64_t>{1, 1})
              .arg(6, false)
              .arg(7, std::vector<std::int64_t>{0, 0})
              .arg(8, std::int64_t{1}),
          at::conv2d(a, weight, {}, 1, 1), 1e-4, 1e-4);
}

TEST_CASE("aten: impossible shapes and indices are RuntimeErrors", "[runtime][aten][torch]") {
    const auto a = at::ones({2, 3}), b = at::ones({4, 3});
    const auto fails = [](OneNode node, const at::Tensor& like) {
        node.output(like);
        CHECK_THROWS_AS(node.run(), RuntimeError);
    };
    fails(OneNode("aten::add.out").tensor(0, a).tensor(1, b).arg(2, std::int64_t{1}), a);
    fails(OneNode("aten::cat.out").tensors(0, {a, at::ones({2, 4})}).arg(1, std::int64_t{0}), a);
    fails(OneNode("aten::mm.out").tensor(0, a).tensor(1, a), a);
    fails(OneNode("aten::gather.out")
              .tensor(0, a)
              .arg(1, std::int64_t{1})
              .tensor(2, at::full({2, 1}, 3, at::kLong))
              .arg(3, false),
          a);
    fails(OneNode("aten::index.Tensor_out").tensor(0, a).tensors(1, {at::full({1}, 2, at::kLong)}),
          a);
    fails(OneNode("aten::embedding.out")
              .tensor(0, a)
              .tensor(1, at::full({1}, -1, at::kLong))
              .arg(2, std::int64_t{-1})
              .arg(3, false)
              .arg(4, false),
          a);
    fails(OneNode("aten::select_copy.int_out")
              .tensor(0, a)
              .arg(1, std::int64_t{0})
              .arg(2, std::int64_t{2}),
          a);
    fails(OneNode("aten::view_copy.out").tensor(0, a).arg(1, std::vector<std::int64_t>{4, -1}), a);
    fails(OneNode("aten::div.out_mode")
              .tensor(0, at::ones({2}, at::kLong))
              .tensor(1, at::zeros({2}, at::kLong))
              .arg(2, std::string("floor")),
          at::ones({2}, at::kLong));
}

TEST_CASE("aten: batch norm in training mode uses batch statistics and updates running ones",
          "[runtime][aten][torch]") {
    at::manual_seed(11);
    const std::vector<std::vector<std::int64_t>> shapes = {
        {5, 3}, {4, 2, 7}, {2, 4, 5, 3}, {2, 3, 2, 3, 4}, {1, 2, 9}};
    for (const auto& shape : shapes)
        for (const auto type : {at::kFloat, at::kDouble}) {
            INFO("shape " << at::IntArrayRef(shape) << " " << type);
            const auto channels = shape[1];
            const auto x = randomOf(shape, type);
            const auto w = randomOf({channels}, type), b = randomOf({channels}, type);
            const auto mean0 = randomOf({channels}, type);
            const auto var0 = at::abs(randomOf({channels}, type)) + 0.5;
            const double momentum = 0.3, eps = 1e-4;
            for (const auto* op :
                 {"aten::native_batch_norm.out", "aten::_native_batch_norm_legit.out"}) {
                INFO(op);
                auto runningMean = mean0.clone(), runningVar = var0.clone();
                const auto [out, saveMean, saveInvstd] =
                    at::native_batch_norm(x, w, b, runningMean, runningVar, true, momentum, eps);
                auto node = OneNode(op)
                                .tensor(0, x)
                                .tensor(1, w)
                                .tensor(2, b)
                                .tensor(3, mean0)
                                .tensor(4, var0)
                                .arg(5, true)
                                .arg(6, momentum)
                                .arg(7, eps);
                node.output(out).output(saveMean).output(saveInvstd).expose(3).expose(4);
                const auto outputs = node.run();
                REQUIRE(outputs.size() == 5);
                expectMatches(outputs[0], out, 1e-4, 1e-5);
                expectMatches(outputs[1], saveMean, 1e-5, 1e-6);
                expectMatches(outputs[2], saveInvstd, 1e-4, 1e-5);
                // libtorch updated its running statistics in place.
                expectMatches(outputs[3], runningMean, 1e-5, 1e-6);
                expectMatches(outputs[4], runningVar, 1e-5, 1e-6);
            }
            // Without running statistics: no_stats_out.
            const auto [out, saveMean, saveInvstd] =
                at::native_batch_norm(x, w, b, {}, {}, true, momentum, eps);
            auto node = OneNode("aten::_native_batch_norm_legit.no_stats_out")
                            .tensor(0, x)
                            .tensor(1, w)
                            .tensor(2, b)
                            .arg(3, true)
                            .arg(4, momentum)
                            .arg(5, eps);
            node.output(out).output(saveMean).output(saveInvstd);
            const auto outputs = node.run();
            expectMatches(outputs[0], out, 1e-4, 1e-5);
            expectMatches(outputs[1], saveMean, 1e-5, 1e-6);
            expectMatches(outputs[2], saveInvstd, 1e-4, 1e-5);
        }
    // Absent weight and bias.
    const auto x = randomOf({3, 4, 5}, at::kFloat);
    auto mean = at::zeros({4}), var = at::ones({4});
    const auto [out, saveMean, saveInvstd] =
        at::native_batch_norm(x, {}, {}, mean, var, true, 0.1, 1e-5);
    auto node = OneNode("aten::native_batch_norm.out")
                    .tensor(0, x)
                    .none(1)
                    .none(2)
                    .tensor(3, at::zeros({4}))
                    .tensor(4, at::ones({4}))
                    .arg(5, true)
                    .arg(6, 0.1)
                    .arg(7, 1e-5);
    node.output(out).output(saveMean).output(saveInvstd).expose(3).expose(4);
    const auto outputs = node.run();
    expectMatches(outputs[0], out, 1e-4, 1e-5);
    expectMatches(outputs[3], mean, 1e-5, 1e-6);
    expectMatches(outputs[4], var, 1e-5, 1e-6);
}

TEST_CASE("aten: 3-d convolution and pooling", "[runtime][aten][torch]") {
    at::manual_seed(12);
    using Ints = std::vector<std::int64_t>;
    struct Conv {
        Ints input, weight, stride, padding, dilation, outputPadding;
        std::int64_t groups;
        bool transposed, bias;
    };
    const std::vector<Conv> convs = {
        {{1, 2, 5, 6, 7},
         {3, 2, 3, 3, 3},
         {1, 1, 1},
         {0, 0, 0},
         {1, 1, 1},
         {0, 0, 0},
         1,
         false,
         true},
        {{2, 4, 6, 5, 7},
         {6, 2, 3, 2, 3},
         {2, 1, 2},
         {1, 0, 1},
         {1, 2, 1},
         {0, 0, 0},
         2,
         false,
         false},
        {{1, 3, 4, 5, 3},
         {3, 2, 2, 3, 2},
         {2, 2, 1},
         {1, 1, 0},
         {1, 1, 2},
         {1, 0, 0},
         1,
         true,
         true},
        {{2, 4, 3, 3, 4},
         {4, 1, 3, 2, 2},
         {1, 2, 2},
         {0, 1, 1},
         {2, 1, 1},
         {0, 1, 1},
         2,
         true,
         false},
        {{0, 2, 3, 4, 4},
         {3, 2, 1, 2, 2},
         {1, 1, 1},
         {0, 0, 0},
         {1, 1, 1},
         {0, 0, 0},
         1,
         false,
         true},
    };
    for (const auto& c : convs)
        for (const auto type : {at::kFloat, at::kDouble}) {
            INFO("input " << at::IntArrayRef(c.input) << " transposed " << c.transposed);
            const auto x = randomOf(c.input, type);
            const auto w = randomOf(c.weight, type);
            const auto outChannels = c.transposed ? c.weight[1] * c.groups : c.weight[0];
            const auto bias =
                c.bias ? c10::optional<at::Tensor>(randomOf({outChannels}, type)) : c10::nullopt;
            const auto want = at::convolution(x, w, bias, c.stride, c.padding, c.dilation,
                                              c.transposed, c.outputPadding, c.groups);
            auto node = OneNode("aten::convolution.out").tensor(0, x).tensor(1, w);
            if (bias)
                node.tensor(2, *bias);
            else
                node.none(2);
            node.arg(3, c.stride)
                .arg(4, c.padding)
                .arg(5, c.dilation)
                .arg(6, c.transposed)
                .arg(7, c.outputPadding)
                .arg(8, c.groups);
            check(node, want, 1e-4, 1e-4);
        }
    struct Pool {
        Ints input, kernel, stride, padding, dilation;
    };
    const std::vector<Pool> pools = {
        {{1, 2, 5, 6, 7}, {2, 2, 2}, {2, 2, 2}, {0, 0, 0}, {1, 1, 1}},
        {{2, 3, 7, 5, 6}, {3, 2, 3}, {2, 1, 2}, {1, 1, 1}, {1, 2, 1}},
        {{3, 6, 6, 5}, {3, 3, 3}, {1, 2, 2}, {1, 0, 1}, {2, 1, 1}},
    };
    for (const auto& p : pools)
        for (const bool ceil : {false, true}) {
            INFO("input " << at::IntArrayRef(p.input) << " ceil " << ceil);
            const auto x = randomOf(p.input, at::kFloat);
            const auto [values, indices] =
                at::max_pool3d_with_indices(x, p.kernel, p.stride, p.padding, p.dilation, ceil);
            auto node = OneNode("aten::max_pool3d_with_indices.out")
                            .tensor(0, x)
                            .arg(1, p.kernel)
                            .arg(2, p.stride)
                            .arg(3, p.padding)
                            .arg(4, p.dilation)
                            .arg(5, ceil);
            node.output(values).output(indices);
            const auto outputs = node.run();
            expectMatches(outputs[0], values);
            expectMatches(outputs[1], indices);
            for (const bool includePad : {false, true}) {
                check(OneNode("aten::avg_pool3d.out")
                          .tensor(0, x)
                          .arg(1, p.kernel)
                          .arg(2, p.stride)
                          .arg(3, p.padding)
                          .arg(4, ceil)
                          .arg(5, includePad)
                          .none(6),
                      at::avg_pool3d(x, p.kernel, p.stride, p.padding, ceil, includePad), 1e-5,
                      1e-6);
                check(OneNode("aten::avg_pool3d.out")
                          .tensor(0, x)
                          .arg(1, p.kernel)
                          .arg(2, p.stride)
                          .arg(3, p.padding)
                          .arg(4, ceil)
                          .arg(5, includePad)
                          .arg(6, std::int64_t{5}),
                      at::avg_pool3d(x, p.kernel, p.stride, p.padding, ceil, includePad, 5), 1e-5,
                      1e-6);
            }
        }
}

TEST_CASE("aten: index_put writes or accumulates at integer and bool indices",
          "[runtime][aten][torch]") {
    at::manual_seed(13);
    for (const auto type : {at::kFloat, at::kLong, at::kDouble, at::kInt}) {
        INFO(type);
        const auto x = randomOf({4, 5, 3}, type);
        // Repeated positions: the last write wins, accumulation adds every value.
        const auto rows = at::tensor(std::vector<std::int64_t>{0, 2, -1, 2}, at::kLong);
        const auto columns = at::tensor(std::vector<std::int64_t>{1, 4, 0, 4}, at::kLong);
        const std::vector<std::pair<std::vector<std::optional<at::Tensor>>, at::Tensor>> cases = {
            {{rows}, randomOf({4, 5, 3}, type)},       // whole slices
            {{rows}, randomOf({3}, type)},             // broadcast values
            {{rows, columns}, randomOf({4, 3}, type)}, // two index tensors
            {{rows, std::nullopt, at::tensor(std::vector<std::int64_t>{2, 0, 1, 0}, at::kLong)},
             randomOf({4, 5}, type)},                       // split indices
            {{x.select(2, 0) > 0}, randomOf({1, 3}, type)}, // bool mask
            {{std::nullopt, at::tensor(std::vector<std::int64_t>{3, 3}, at::kLong)},
             randomOf({1}, type)},
            {{at::zeros({0}, at::kLong)}, randomOf({0, 5, 3}, type)}, // nothing selected
        };
        for (const auto& [indices, values] : cases)
            for (const bool accumulate : {false, true}) {
                INFO("accumulate " << accumulate << " values " << values.sizes());
                c10::List<c10::optional<at::Tensor>> list;
                for (const auto& index : indices)
                    list.push_back(index ? c10::optional<at::Tensor>(*index) : c10::nullopt);
                const auto want = at::index_put(x, list, values, accumulate);
                check(OneNode("aten::index_put.out")
                          .tensor(0, x)
                          .tensors(1, indices)
                          .tensor(2, values)
                          .arg(3, accumulate),
                      want, 1e-5, 1e-5);
            }
    }
    // An index out of bounds is an error, not a write outside the tensor.
    auto node = OneNode("aten::index_put.out")
                    .tensor(0, at::zeros({3}))
                    .tensors(1, {at::tensor(std::vector<std::int64_t>{3}, at::kLong)})
                    .tensor(2, at::ones({1}))
                    .arg(3, false);
    node.output(at::zeros({3}));
    CHECK_THROWS_AS(node.run(), RuntimeError);
}
