// The runtime's own machinery: tensors, the thread pool, the interpreter's order, delegates,
// jumps, input checks and missing-kernel reports, generated inputs and .npy files. Kernels here
// are tiny test kernels; the real kernel families have their own tests against oracles.
#include "runtime/input_generator.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernel_context.hpp"
#include "runtime/tensor_elements.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>

using namespace pteron;
using namespace pteron::runtime;

namespace {

Tensor int32Tensor(std::vector<std::int32_t> values) {
    Tensor tensor(DType::Int32, {static_cast<std::int64_t>(values.size())});
    auto elements = tensor.mutableElements<std::int32_t>();
    std::copy(values.begin(), values.end(), elements.begin());
    return tensor;
}

std::vector<std::int32_t> int32Values(const Tensor& tensor) {
    const auto elements = tensor.elements<std::int32_t>();
    return {elements.begin(), elements.end()};
}

Value tensorValue(std::string name, ValueKind kind = ValueKind::Intermediate) {
    Value value;
    value.name = std::move(name);
    value.kind = kind;
    value.dtype = DType::Int32;
    value.shape = {3};
    value.hasShape = true;
    return value;
}

Value scalarValue(std::string name, AttributeValue scalar) {
    Value value;
    value.name = std::move(name);
    value.kind = ValueKind::Scalar;
    value.scalar = std::move(scalar);
    return value;
}

Node node(std::string op, std::vector<std::int64_t> inputs, std::vector<std::int64_t> outputs) {
    Node result;
    result.op = std::move(op);
    for (const auto input : inputs)
        result.inputs.push_back({input, {}});
    for (const auto output : outputs)
        result.outputs.push_back({output, {}});
    return result;
}

// test.add: elementwise int32 sum; test.neg; test.count_down: Int scalar minus one;
// test.positive: Bool scalar (Int > 0); test.increment: tensor plus one.
KernelRegistry testKernels() {
    KernelRegistry registry;
    registry.add("test.add", [](KernelContext& ctx) {
        const auto a = ctx.input(0).elements<std::int32_t>();
        const auto b = ctx.input(1).elements<std::int32_t>();
        if (a.size() != b.size()) ctx.fail("operands differ in size");
        Tensor out(DType::Int32, ctx.input(0).shape());
        auto o = out.mutableElements<std::int32_t>();
        for (std::size_t i = 0; i < o.size(); ++i)
            o[i] = a[i] + b[i];
        ctx.setOutput(0, std::move(out));
    });
    registry.add("test.neg", [](KernelContext& ctx) {
        Tensor out = ctx.input(0);
        for (auto& v : out.mutableElements<std::int32_t>())
            v = -v;
        ctx.setOutput(0, std::move(out));
    });
    registry.add("test.increment", [](KernelContext& ctx) {
        Tensor out = ctx.input(0);
        for (auto& v : out.mutableElements<std::int32_t>())
            ++v;
        ctx.setOutput(0, std::move(out));
    });
    registry.add("test.count_down",
                 [](KernelContext& ctx) { ctx.setScalarOutput(0, ctx.intInput(0) - 1); });
    registry.add("test.positive",
                 [](KernelContext& ctx) { ctx.setScalarOutput(0, ctx.intInput(0) > 0); });
    return registry;
}

// main: out = neg(a + b); b is a constant [10, 20, 30] held by a byte buffer.
struct AddNegModel {
    std::vector<std::int32_t> constant{10, 20, 30};
    std::shared_ptr<const MappedFile> file;
    Model model;

    AddNegModel() {
        std::vector<std::byte> bytes(sizeof(std::int32_t) * constant.size());
        std::memcpy(bytes.data(), constant.data(), bytes.size());
        file = MappedFile::fromBytes("constant.bin", bytes);
        Graph graph;
        graph.id = graph.name = "main";
        graph.partitions.push_back({});
        graph.addValue(tensorValue("a", ValueKind::Input));
        auto b = tensorValue("b", ValueKind::Constant);
        b.data = ByteView(file, file->bytes());
        graph.addValue(std::move(b));
        graph.addValue(tensorValue("sum"));
        graph.addValue(tensorValue("out", ValueKind::Output));
        graph.nodes.push_back(node("test.add", {0, 1}, {2}));
        graph.nodes.push_back(node("test.neg", {2}, {3}));
        graph.inputs = {0};
        graph.outputs = {3};
        model.addGraph(std::move(graph));
    }
};

class RecordingObserver : public Observer {
  public:
    void nodeFinished(const NodeEvent& event) override {
        ops.push_back(event.graph.id + ":" + event.node.op);
        for (const auto& output : event.outputs)
            values.push_back(int32Values(*output.tensor));
    }
    std::vector<std::string> ops;
    std::vector<std::vector<std::int32_t>> values;
};

} // namespace

TEST_CASE("a constant tensor is a view of the file's bytes until it is written") {
    AddNegModel fixture;
    const auto& value = fixture.model.graphs[0].values[1];
    const auto view = Tensor::viewOf(DType::Int32, {3}, value.data);
    CHECK(view.isView());
    CHECK(view.bytes().data() == value.data.bytes().data());
    Tensor copy = view;
    copy.mutableElements<std::int32_t>()[0] = 7;
    CHECK_FALSE(copy.isView());
    CHECK(int32Values(view) == std::vector<std::int32_t>{10, 20, 30});
    CHECK(int32Values(copy) == std::vector<std::int32_t>{7, 20, 30});
    CHECK_THROWS_AS(Tensor::viewOf(DType::Int32, {4}, value.data), RuntimeError);
}

TEST_CASE("tensors refuse impossible shapes and reshapes") {
    CHECK_THROWS_AS(Tensor(DType::Int8, {-1, 3}), RuntimeError);
    CHECK_THROWS_AS(Tensor(DType::Float32, {1 << 20, 1 << 20}), RuntimeError);
    CHECK_THROWS_AS(Tensor(DType::Int8, {1LL << 40, 1LL << 40, 1LL << 40}), RuntimeError);
    const Tensor tensor(DType::Int16, {2, 3});
    CHECK(tensor.reshaped({3, 2}).shape() == Shape{3, 2});
    CHECK_THROWS_AS(tensor.reshaped({4, 2}), RuntimeError);
    CHECK_THROWS_AS(tensor.elements<std::int32_t>(), RuntimeError);
    CHECK(Tensor(DType::Int48, {2}).bytes().size() == 16);
}

TEST_CASE("the thread pool computes every index exactly once and passes errors on") {
    for (const unsigned threads : {1u, 2u, 5u}) {
        ThreadPool pool(threads);
        for (const std::int64_t count : {0, 1, 2, 7, 1000}) {
            std::vector<std::atomic<int>> hits(static_cast<std::size_t>(count));
            pool.parallelFor(count, [&](std::int64_t begin, std::int64_t end) {
                for (auto i = begin; i < end; ++i)
                    ++hits[static_cast<std::size_t>(i)];
            });
            for (const auto& hit : hits)
                CHECK(hit.load() == 1);
        }
        CHECK_THROWS_AS(pool.parallelFor(10,
                                         [](std::int64_t begin, std::int64_t) {
                                             if (begin == 0) throw RuntimeError("range failed");
                                         }),
                        RuntimeError);
    }
}

TEST_CASE("the interpreter runs nodes in order and the observer sees every output") {
    AddNegModel fixture;
    const auto kernels = testKernels();
    RecordingObserver observer;
    Interpreter interpreter(fixture.model, kernels, {1, &observer, {}});
    const auto outputs = interpreter.run(0, {int32Tensor({1, 2, 3})});
    REQUIRE(outputs.size() == 1);
    CHECK(int32Values(outputs[0]) == std::vector<std::int32_t>{-11, -22, -33});
    CHECK(observer.ops == std::vector<std::string>{"main:test.add", "main:test.neg"});
    CHECK(observer.values == std::vector<std::vector<std::int32_t>>{{11, 22, 33}, {-11, -22, -33}});
}

TEST_CASE("inputs of the wrong type, shape or count are refused by name") {
    AddNegModel fixture;
    const auto kernels = testKernels();
    Interpreter interpreter(fixture.model, kernels);
    Tensor floats(DType::Float32, {3});
    CHECK_THROWS_WITH(interpreter.run(0, {floats}),
                      "graph main: input a must be int32[3], given fp32[3]");
    CHECK_THROWS_WITH(interpreter.run(0, {int32Tensor({1, 2})}),
                      "graph main: input a must be int32[3], given int32[2]");
    CHECK_THROWS_AS(interpreter.run(0, {}), RuntimeError);
}

TEST_CASE("operators without a kernel are all listed before anything runs") {
    AddNegModel fixture;
    fixture.model.graphs[0].nodes[0].op = "test.unknown_a";
    fixture.model.graphs[0].nodes[1].op = "test.unknown_b";
    const auto kernels = testKernels();
    RecordingObserver observer;
    Interpreter interpreter(fixture.model, kernels, {1, &observer, {}});
    try {
        interpreter.run(0, {int32Tensor({1, 2, 3})});
        FAIL("expected MissingKernelsError");
    } catch (const MissingKernelsError& error) {
        REQUIRE(error.missing().size() == 2);
        CHECK(error.missing()[0].op == "test.unknown_a");
        CHECK(error.missing()[1].node == 1);
    }
    CHECK(observer.ops.empty());
}

TEST_CASE("a delegate node runs its child graph, or the substitute it is given") {
    AddNegModel fixture;
    auto& model = fixture.model;
    // Child graph: y = neg(x).
    Graph child;
    child.id = child.name = "main/TestBackend#0";
    child.kind = "delegate";
    child.parent = 0;
    child.partitions.push_back({});
    child.addValue(tensorValue("x", ValueKind::Input));
    child.addValue(tensorValue("y", ValueKind::Output));
    child.nodes.push_back(node("test.neg", {0}, {1}));
    child.inputs = {0};
    child.outputs = {1};
    const auto childIndex = model.addGraph(std::move(child));
    auto& delegate = model.graphs[0].nodes[1];
    delegate.op = "TestBackend";
    delegate.name = "TestBackend#0";
    delegate.childGraphs = {childIndex};
    const auto kernels = testKernels();

    RecordingObserver observer;
    Interpreter interpreter(model, kernels, {1, &observer, {}});
    CHECK(int32Values(interpreter.run(0, {int32Tensor({1, 2, 3})})[0]) ==
          std::vector<std::int32_t>{-11, -22, -33});
    CHECK(observer.ops == std::vector<std::string>{"main:test.add", "main/TestBackend#0:test.neg",
                                                   "main:TestBackend"});

    // The substitute computes x + x instead of -x.
    Model other;
    Graph twice;
    twice.id = twice.name = "twice";
    twice.partitions.push_back({});
    twice.addValue(tensorValue("x", ValueKind::Input));
    twice.addValue(tensorValue("y", ValueKind::Output));
    twice.nodes.push_back(node("test.add", {0, 0}, {1}));
    twice.inputs = {0};
    twice.outputs = {1};
    other.addGraph(std::move(twice));
    Interpreter substituted(model, kernels, {1, nullptr, {{"TestBackend#0", {&other, 0}}}});
    CHECK(int32Values(substituted.run(0, {int32Tensor({1, 2, 3})})[0]) ==
          std::vector<std::int32_t>{22, 44, 66});
}

TEST_CASE("jumps repeat instructions until the condition is false, and endless jumps stop") {
    // count = 3; while (count > 0) { acc += 1; count -= 1; }
    Model model;
    Graph graph;
    graph.id = graph.name = "loop";
    graph.partitions.push_back({});
    graph.addValue(tensorValue("acc", ValueKind::Input));
    graph.addValue(scalarValue("count", std::int64_t{3}));
    graph.addValue(scalarValue("more", false));
    graph.addValue(scalarValue("false", false));
    auto positive = node("test.positive", {1}, {2});
    auto exit = node("executorch::jump_false", {2}, {});
    exit.attributes.push_back({"destination_instruction", std::int64_t{5}});
    auto increment = node("test.increment", {0}, {0});
    auto countDown = node("test.count_down", {1}, {1});
    auto back = node("executorch::jump_false", {3}, {});
    back.attributes.push_back({"destination_instruction", std::int64_t{0}});
    graph.nodes = {positive, exit, increment, countDown, back};
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
        graph.nodes[i].attributes.push_back({"instruction", static_cast<std::int64_t>(i)});
    graph.inputs = {0};
    graph.outputs = {0};
    model.addGraph(std::move(graph));
    const auto kernels = testKernels();
    Interpreter interpreter(model, kernels);
    CHECK(int32Values(interpreter.run(0, {int32Tensor({0, 10, 20})})[0]) ==
          std::vector<std::int32_t>{3, 13, 23});

    // Jumping to itself forever is stopped by the step budget.
    model.graphs[0].nodes[4].attributes[0].value = std::int64_t{4};
    model.graphs[0].nodes[1].attributes[0].value = std::int64_t{4};
    CHECK_THROWS_WITH(interpreter.run(0, {int32Tensor({0, 0, 0})}),
                      "graph loop does not stop jumping");
}

TEST_CASE("generated inputs follow the seed and the input's range") {
    InputSpec spec{"x", DType::Int8, {4, 64}, false, {}};
    const auto a = randomInput(spec, 7, 0);
    const auto b = randomInput(spec, 7, 0);
    const auto c = randomInput(spec, 8, 0);
    const auto d = randomInput(spec, 7, 1);
    CHECK(std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin()));
    CHECK_FALSE(std::equal(a.bytes().begin(), a.bytes().end(), c.bytes().begin()));
    CHECK_FALSE(std::equal(a.bytes().begin(), a.bytes().end(), d.bytes().begin()));
    const auto stats = statisticsOf(a);
    CHECK(stats.min >= -128);
    CHECK(stats.max <= 127);
    CHECK(stats.max - stats.min > 200); // spans the int8 range
    const auto floats = randomInput({"f", DType::Float32, {1000}, false, {}}, 1, 0);
    const auto floatStats = statisticsOf(floats);
    CHECK(floatStats.min >= -1.0);
    CHECK(floatStats.max < 1.0);
    CHECK_THROWS_AS(randomInput({"s", DType::String, {1}, false, {}}, 1, 0), RuntimeError);
}

TEST_CASE(".npy files round-trip runtime tensors") {
    const auto dir = pteron::testing::madeDir();
    Tensor bytes(DType::Int8, {2, 3});
    auto elements = bytes.mutableElements<std::int8_t>();
    for (std::size_t i = 0; i < elements.size(); ++i)
        elements[i] = static_cast<std::int8_t>(static_cast<int>(i) * 50 - 128);
    const auto path = (dir / "runtime_int8.npy").string();
    REQUIRE(writeNpyTensor(path, bytes).empty());
    const auto back = readNpyTensor(path);
    CHECK(back.typeText() == "int8[2,3]");
    CHECK(std::equal(back.bytes().begin(), back.bytes().end(), bytes.bytes().begin()));

    Tensor wide(DType::Int48, {2});
    wide.mutableElements<std::int64_t>()[0] = -(std::int64_t{1} << 46);
    REQUIRE(writeNpyTensor((dir / "runtime_int48.npy").string(), wide).empty());
    const auto widened = readNpyTensor((dir / "runtime_int48.npy").string());
    CHECK(widened.dtype() == DType::Int64);
    CHECK(widened.elements<std::int64_t>()[0] == -(std::int64_t{1} << 46));

    Tensor scalar(DType::Float32, {});
    scalar.mutableElements<float>()[0] = 2.5f;
    REQUIRE(writeNpyTensor((dir / "runtime_scalar.npy").string(), scalar).empty());
    const auto readScalar = readNpyTensor((dir / "runtime_scalar.npy").string());
    CHECK(readScalar.rank() == 0);
    CHECK(readScalar.elements<float>()[0] == 2.5f);
}
