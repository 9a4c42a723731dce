// The TOSA kernels against the TOSA reference model's outputs (bit-exact for integer graphs),
// TFLite's results for the reference model's examples, hand-computed cases from the
// specification's formulas, control flow and variables on graphs built here, and bad models.
#include "core/mapped_file.hpp"
#include "core/model.hpp"
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/kernel_registry.hpp"
#include "runtime/tensor_elements.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

using namespace pteron;
using runtime::Tensor;

namespace {

const runtime::KernelRegistry& kernels() {
    static const auto registry = runtime::KernelRegistry::withAllKernels();
    return registry;
}

std::vector<Tensor> run(const Model& model, std::size_t graph, std::vector<Tensor> inputs,
                        unsigned threads = 1, runtime::Observer* observer = nullptr) {
    runtime::RunOptions options;
    options.threads = threads;
    options.observer = observer;
    runtime::Interpreter interpreter(model, kernels(), options);
    return interpreter.run(graph, std::move(inputs));
}

Model open(const std::string& path) {
    return FormatRegistry::standard().open(path);
}

// The graph's inputs read from DIR/<input name>.npy.
std::vector<Tensor> inputsFrom(const Graph& graph, const std::string& dir) {
    std::vector<Tensor> inputs;
    for (const auto& spec : runtime::inputSpecs(graph))
        inputs.push_back(runtime::readNpyTensor(dir + "/" + spec.name + ".npy"));
    return inputs;
}

std::vector<Tensor> randomInputs(const Graph& graph, std::uint64_t seed) {
    std::vector<Tensor> inputs;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i)
        inputs.push_back(runtime::randomInput(specs[i], seed, i));
    return inputs;
}

// Empty when identical; otherwise where and how they differ.
std::string difference(const Tensor& actual, const Tensor& expected) {
    if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape())
        return "computed " + actual.typeText() + ", expected " + expected.typeText();
    const auto a = actual.bytes();
    const auto e = expected.bytes();
    if (std::memcmp(a.data(), e.data(), a.size()) == 0) return {};
    std::uint64_t count = 0, first = 0;
    for (std::uint64_t i = actual.elementCount(); i-- > 0;)
        if (runtime::elementAsDouble(actual, i) != runtime::elementAsDouble(expected, i)) {
            ++count;
            first = i;
        }
    return std::to_string(count) + " of " + std::to_string(actual.elementCount()) +
           " elements differ, first at " + std::to_string(first) + ": " +
           std::to_string(runtime::elementAsDouble(actual, first)) + " instead of " +
           std::to_string(runtime::elementAsDouble(expected, first));
}

std::size_t outputIndex(const Graph& graph, const std::string& name) {
    for (std::size_t i = 0; i < graph.outputs.size(); ++i)
        if (graph.values[static_cast<std::size_t>(graph.outputs[i])].name == name) return i;
    FAIL("graph has no output " << name);
    return 0;
}

// Keeps every node output of the top-level graph by value name.
class RecordingObserver : public runtime::Observer {
  public:
    void nodeFinished(const runtime::NodeEvent& event) override {
        if (event.depth != 0) return;
        for (const auto& output : event.outputs) {
            const auto& value = event.graph.values[static_cast<std::size_t>(output.value)];
            tensors[value.name] = *output.tensor;
        }
    }
    std::map<std::string, Tensor> tensors;
};

// Runs a fixture on the oracle's inputs and compares every output with the oracle bit for bit.
void checkAgainstReferenceModel(const std::string& name) {
    const auto folder = testing::oracle("tosa-reference-model-outputs/" + name);
    const auto model = open(testing::fixture("tosa/" + name + ".tosa"));
    const auto& graph = model.graphs.at(0);
    const auto outputs = run(model, 0, inputsFrom(graph, folder + "/inputs"), 2);
    for (const auto& entry : std::filesystem::directory_iterator(folder + "/outputs")) {
        const auto output = entry.path().stem().string();
        INFO(name << " output " << output);
        const auto expected = runtime::readNpyTensor(entry.path().string());
        CHECK(difference(outputs.at(outputIndex(graph, output)), expected).empty());
    }
}

} // namespace

TEST_CASE("TOSA kernels reproduce the reference model's MobileNetV2 output bit for bit") {
    checkAgainstReferenceModel("arm_mv2_ethosu55_tag1");
}

TEST_CASE("TOSA kernels reproduce the reference model's max pool output") {
    checkAgainstReferenceModel("tosa4spirv_simple_maxpool2d");
}

TEST_CASE("every intermediate of an Ethos-U partition matches the reference model") {
    const std::string name = "arm_mv2_ethosu_N_tag277";
    checkAgainstReferenceModel(name);
    const auto folder = testing::oracle("tosa-reference-model-outputs/" + name);
    const auto model = open(testing::fixture("tosa/" + name + ".tosa"));
    RecordingObserver observer;
    run(model, 0, inputsFrom(model.graphs[0], folder + "/inputs"), 1, &observer);
    std::ifstream file(folder + "/intermediates/index.json");
    const auto index = nlohmann::json::parse(file);
    REQUIRE(index.size() >= 10);
    // The first operator that differs is the one to look at; later ones inherit its error.
    for (const auto& item : index) {
        const auto tensor = item.at("tensor").get<std::string>();
        INFO(item.at("op").get<std::string>() << " -> " << tensor);
        REQUIRE(observer.tensors.count(tensor) == 1);
        const auto expected =
            runtime::readNpyTensor(folder + "/intermediates/" + item.at("file").get<std::string>());
        REQUIRE(difference(observer.tensors.at(tensor), expected).empty());
    }
}

TEST_CASE("the reference model's int8 convolution example matches TFLite bit for bit") {
    const auto folder = testing::oracle("tosa-reference-examples/conv2d_1x1_1x32x32x8_qi8");
    const auto model = open(folder + "/model.tosa");
    const auto outputs = run(model, 0, {runtime::readNpyTensor(folder + "/placeholder_0.npy")});
    REQUIRE(outputs.size() == 1);
    CHECK(difference(outputs[0], runtime::readNpyTensor(folder + "/tflite_result.npy")).empty());
}

TEST_CASE("the reference model's fp32 broadcast add example matches TFLite") {
    const auto folder = testing::oracle("tosa-reference-examples/add_1x4x4x4_f32");
    const auto model = open(folder + "/model.tosa");
    // This copy of the file has the final schema's numbering, so its tensors read as fp32.
    REQUIRE(model.graphs[0].values[static_cast<std::size_t>(model.graphs[0].inputs[0])].dtype ==
            DType::Float32);
    const auto outputs = run(model, 0,
                             {runtime::readNpyTensor(folder + "/placeholder_0.npy"),
                              runtime::readNpyTensor(folder + "/placeholder_1.npy")});
    const auto expected = runtime::readNpyTensor(folder + "/tflite_result.npy");
    REQUIRE(outputs.at(0).typeText() == expected.typeText());
    const auto actual = outputs[0].elements<float>();
    const auto wanted = expected.elements<float>();
    for (std::size_t i = 0; i < actual.size(); ++i)
        CHECK(std::abs(actual[i] - wanted[i]) <= 1e-5f * std::max(1.0f, std::abs(wanted[i])));
}

TEST_CASE("MobileNetV2 gives identical results on one and two threads") {
    const auto model = open(testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa"));
    const auto inputs = randomInputs(model.graphs[0], 7);
    const auto one = run(model, 0, inputs, 1);
    const auto two = run(model, 0, inputs, 2);
    REQUIRE(one.size() == two.size());
    for (std::size_t i = 0; i < one.size(); ++i)
        CHECK(difference(two[i], one[i]).empty());
}

// ---------------------------------------------------------------------------------------------
// Small graphs built by hand.

namespace {

template <typename T> std::vector<std::byte> bytesOf(const std::vector<T>& values) {
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

template <typename T> Tensor tensorOf(DType type, runtime::Shape shape, std::vector<T> values) {
    return Tensor::fromBytes(type, std::move(shape), bytesOf(values));
}

template <typename T> std::vector<T> valuesOf(const Tensor& tensor) {
    const auto elements = tensor.elements<T>();
    return {elements.begin(), elements.end()};
}

// Builds one graph of a model value by value and node by node.
class GraphBuilder {
  public:
    explicit GraphBuilder(std::string id) { graph_.id = std::move(id); }

    std::int64_t value(const std::string& name, DType type, runtime::Shape shape) {
        Value value;
        value.name = name;
        value.dtype = type;
        value.shape = std::move(shape);
        value.hasShape = true;
        return static_cast<std::int64_t>(graph_.addValue(std::move(value)));
    }
    std::int64_t input(const std::string& name, DType type, runtime::Shape shape) {
        const auto index = value(name, type, std::move(shape));
        graph_.values[static_cast<std::size_t>(index)].kind = ValueKind::Input;
        graph_.inputs.push_back(index);
        return index;
    }
    template <typename T>
    std::int64_t constant(const std::string& name, DType type, runtime::Shape shape,
                          const std::vector<T>& values) {
        const auto index = value(name, type, std::move(shape));
        const auto file = MappedFile::fromBytes(name, bytesOf(values));
        auto& stored = graph_.values[static_cast<std::size_t>(index)];
        stored.kind = ValueKind::Constant;
        stored.data = ByteView(file, file->bytes());
        return index;
    }
    void output(std::int64_t index) {
        graph_.values[static_cast<std::size_t>(index)].kind = ValueKind::Output;
        graph_.outputs.push_back(index);
    }
    Node& node(const std::string& op, std::vector<std::int64_t> inputs,
               std::vector<std::int64_t> outputs, Attributes attributes = {}) {
        Node node;
        node.op = op;
        for (const auto index : inputs)
            node.inputs.push_back({index, ""});
        for (const auto index : outputs)
            node.outputs.push_back({index, ""});
        node.attributes = std::move(attributes);
        graph_.nodes.push_back(std::move(node));
        return graph_.nodes.back();
    }
    Graph& graph() { return graph_; }

  private:
    Graph graph_;
};

// A model of one graph holding one operator with constant operands after the first `inputs`.
struct SingleOp {
    Model model;
    std::vector<Tensor> run(std::vector<Tensor> inputs, unsigned threads = 1) const {
        return ::run(model, 0, std::move(inputs), threads);
    }
};

SingleOp singleOp(GraphBuilder builder) {
    SingleOp op;
    op.model.addGraph(std::move(builder.graph()));
    return op;
}

struct RescaleCase {
    DType in = DType::Int32;
    DType out = DType::Int8;
    std::vector<std::int32_t> multiplier;
    std::vector<std::int8_t> shift;
    bool doubleRound = false;
    bool perChannel = false;
    bool inputUnsigned = false;
    bool outputUnsigned = false;
    std::int64_t inputZp = 0;
};

// RESCALE with TOSA 1.0 operands; zero points are stored in the input/output types.
template <typename In, typename Out>
std::vector<Out> rescale(const RescaleCase& c, runtime::Shape shape, std::vector<In> values) {
    GraphBuilder b("main");
    const auto x = b.input("x", c.in, shape);
    const auto channels = static_cast<std::int64_t>(c.multiplier.size());
    const auto m = b.constant("m", DType::Int32, {channels}, c.multiplier);
    const auto s = b.constant("s", DType::Int8, {channels}, c.shift);
    const auto izp = b.constant("izp", c.in, {1}, std::vector<In>{static_cast<In>(c.inputZp)});
    const auto ozp = b.constant("ozp", c.out, {1}, std::vector<Out>{0});
    const auto y = b.value("y", c.out, shape);
    b.node("tosa.RESCALE", {x, m, s, izp, ozp}, {y},
           {{"scale32", true},
            {"rounding_mode",
             c.doubleRound ? EnumValue{"DOUBLE_ROUND", 3} : EnumValue{"SINGLE_ROUND", 1}},
            {"per_channel", c.perChannel},
            {"input_unsigned", c.inputUnsigned},
            {"output_unsigned", c.outputUnsigned}});
    b.output(y);
    const auto op = singleOp(std::move(b));
    return valuesOf<Out>(op.run({tensorOf(c.in, shape, values)}).at(0));
}

constexpr std::int32_t kOne30 = 1 << 30;

} // namespace

TEST_CASE("RESCALE rounds once or twice as apply_scale_32 defines") {
    // multiplier 2^30, shift 32: value / 4. SINGLE_ROUND rounds half up; DOUBLE_ROUND first
    // rounds at bit 31 away from zero, so 5/4 = 1.25 becomes 2.
    RescaleCase c;
    c.out = DType::Int32;
    c.multiplier = {kOne30};
    c.shift = {32};
    const std::vector<std::int32_t> values{-6, -2, 5, 6};
    CHECK(rescale<std::int32_t, std::int32_t>(c, {4}, values) ==
          std::vector<std::int32_t>{-1, 0, 1, 2});
    c.doubleRound = true;
    CHECK(rescale<std::int32_t, std::int32_t>(c, {4}, values) ==
          std::vector<std::int32_t>{-2, -1, 2, 2});
}

TEST_CASE("RESCALE saturates to int8, uint8 and int16") {
    RescaleCase c;
    c.multiplier = {kOne30};
    c.shift = {30};
    CHECK(rescale<std::int32_t, std::int8_t>(c, {3}, {300, -300, 100}) ==
          std::vector<std::int8_t>{127, -128, 100});
    c.outputUnsigned = true;
    const auto unsignedOut = rescale<std::int32_t, std::int8_t>(c, {3}, {300, -5, 200});
    CHECK(std::vector<std::uint8_t>(unsignedOut.begin(), unsignedOut.end()) ==
          std::vector<std::uint8_t>{255, 0, 200});
    c.outputUnsigned = false;
    c.out = DType::Int16;
    CHECK(rescale<std::int32_t, std::int16_t>(c, {2}, {40000, -40000}) ==
          std::vector<std::int16_t>{32767, -32768});
}

TEST_CASE("RESCALE scales each channel with its own multiplier and shift") {
    RescaleCase c;
    c.out = DType::Int32;
    c.perChannel = true;
    c.multiplier = {kOne30, kOne30};
    c.shift = {30, 31}; // x1 and x0.5
    CHECK(rescale<std::int32_t, std::int32_t>(c, {2, 2}, {10, 10, -10, 7}) ==
          std::vector<std::int32_t>{10, 5, -10, 4});
}

TEST_CASE("RESCALE reads unsigned input with an unsigned zero point") {
    RescaleCase c;
    c.in = DType::Int8;
    c.out = DType::Int16;
    c.multiplier = {kOne30};
    c.shift = {30};
    c.inputUnsigned = true;
    c.inputZp = -128; // the byte 0x80: 128 when read unsigned
    CHECK(rescale<std::int8_t, std::int16_t>(c, {3}, {-1, -128, 0}) ==
          std::vector<std::int16_t>{127, 0, -128});
}

TEST_CASE("RESCALE refuses a shift outside [2, 62]") {
    RescaleCase c;
    c.multiplier = {kOne30};
    c.shift = {1};
    CHECK_THROWS_AS((rescale<std::int32_t, std::int8_t>(c, {1}, {1})), runtime::RuntimeError);
}

namespace {

// A one-node graph with one runtime input and constant operands.
template <typename In, typename Out>
std::vector<Out> unaryOp(const std::string& op, DType in, DType out, runtime::Shape shape,
                         std::vector<In> values, Attributes attributes = {},
                         runtime::Shape outShape = {}) {
    GraphBuilder b("main");
    const auto x = b.input("x", in, shape);
    const auto y = b.value("y", out, outShape.empty() ? shape : outShape);
    b.node(op, {x}, {y}, std::move(attributes));
    b.output(y);
    return valuesOf<Out>(singleOp(std::move(b)).run({tensorOf(in, shape, values)}).at(0));
}

} // namespace

TEST_CASE("TABLE interpolates int16 inputs between 513 entries") {
    // entry i = (i - 256) * 100: slope 100 everywhere; 16.7 fixed-point result.
    std::vector<std::int16_t> entries(513);
    for (std::size_t i = 0; i < entries.size(); ++i)
        entries[i] = static_cast<std::int16_t>((static_cast<int>(i) - 256) * 100);
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int16, {5});
    const auto table = b.constant("table", DType::Int16, {513}, entries);
    const auto y = b.value("y", DType::Int32, {5});
    b.node("tosa.TABLE", {x, table}, {y});
    b.output(y);
    const auto out =
        singleOp(std::move(b))
            .run({tensorOf<std::int16_t>(DType::Int16, {5}, {0, 1, -1, 32767, -32768})});
    CHECK(valuesOf<std::int32_t>(out.at(0)) ==
          std::vector<std::int32_t>{0, 100, -100, 3276700, -3276800});
}

TEST_CASE("MUL shifts the int64 product right with rounding") {
    const auto mul = [](std::vector<std::int32_t> a, std::vector<std::int32_t> bValues,
                        std::int8_t shift) {
        const runtime::Shape shape{static_cast<std::int64_t>(a.size())};
        GraphBuilder b("main");
        const auto x = b.input("a", DType::Int32, shape);
        const auto y = b.input("b", DType::Int32, shape);
        const auto s = b.constant("shift", DType::Int8, {1}, std::vector<std::int8_t>{shift});
        const auto z = b.value("z", DType::Int32, shape);
        b.node("tosa.MUL", {x, y, s}, {z});
        b.output(z);
        return valuesOf<std::int32_t>(
            singleOp(std::move(b))
                .run({tensorOf(DType::Int32, shape, a), tensorOf(DType::Int32, shape, bValues)})
                .at(0));
    };
    CHECK(mul({3, -3, 5, 7}, {1, 1, 1, 1}, 1) == std::vector<std::int32_t>{2, -1, 3, 4});
    CHECK(mul({6, -6, 2, -2}, {1, 1, 1, 1}, 2) == std::vector<std::int32_t>{2, -1, 1, 0});
    // (2^31 - 1)^2 + 2^61 >> 62 = 1, and (-2^31)^2 + 2^62 >> 63 = 1, without int64 overflow.
    CHECK(mul({INT32_MAX}, {INT32_MAX}, 62) == std::vector<std::int32_t>{1});
    CHECK(mul({INT32_MIN}, {INT32_MIN}, 63) == std::vector<std::int32_t>{1});
}

TEST_CASE("AVG_POOL2D counts only taps inside the input and divides by reciprocal_scale") {
    // 2x2 input, two channels; kernel 2x2, stride 1, padding 1 above and left.
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int8, {1, 2, 2, 2});
    const auto izp = b.constant("izp", DType::Int8, {1}, std::vector<std::int8_t>{0});
    const auto ozp = b.constant("ozp", DType::Int8, {1}, std::vector<std::int8_t>{0});
    const auto y = b.value("y", DType::Int8, {1, 2, 2, 2});
    b.node("tosa.AVG_POOL2D", {x, izp, ozp}, {y},
           {{"kernel", std::vector<std::int64_t>{2, 2}},
            {"stride", std::vector<std::int64_t>{1, 1}},
            {"pad", std::vector<std::int64_t>{1, 0, 1, 0}},
            {"acc_type", EnumValue{"INT32", 5}}});
    b.output(y);
    const auto out = singleOp(std::move(b))
                         .run({tensorOf<std::int8_t>(DType::Int8, {1, 2, 2, 2},
                                                     {10, -10, 21, -21, 30, -30, 40, -40})});
    // (0,0) sees one tap (10); 31/2 rounds up to 16 and -31/2 down to -16 (the multiplier is
    // 2^30 + 1 over 2^31); 101/4 = 25.25 -> 25.
    CHECK(valuesOf<std::int8_t>(out.at(0)) ==
          std::vector<std::int8_t>{10, -10, 16, -16, 20, -20, 25, -25});
}

TEST_CASE("ARITHMETIC_RIGHT_SHIFT rounds half up when asked") {
    const auto shift = [](bool round) {
        GraphBuilder b("main");
        const auto x = b.input("a", DType::Int32, {5});
        const auto s = b.constant("b", DType::Int32, {5}, std::vector<std::int32_t>{1, 1, 2, 2, 0});
        const auto y = b.value("y", DType::Int32, {5});
        b.node("tosa.ARITHMETIC_RIGHT_SHIFT", {x, s}, {y}, {{"round", round}});
        b.output(y);
        return valuesOf<std::int32_t>(
            singleOp(std::move(b))
                .run({tensorOf<std::int32_t>(DType::Int32, {5}, {5, -5, 6, -6, 7})})
                .at(0));
    };
    CHECK(shift(true) == std::vector<std::int32_t>{3, -2, 2, -1, 7});
    CHECK(shift(false) == std::vector<std::int32_t>{2, -3, 1, -2, 7});
}

TEST_CASE("CLZ counts leading zeros of int32, 32 for zero") {
    CHECK(unaryOp<std::int32_t, std::int32_t>("tosa.CLZ", DType::Int32, DType::Int32, {5},
                                              {0, 1, -1, 0x10000, INT32_MAX}) ==
          std::vector<std::int32_t>{32, 31, 0, 15, 1});
}

TEST_CASE("CAST rounds floats to nearest even and saturates; narrows integers by truncation") {
    CHECK(unaryOp<float, std::int8_t>(
              "tosa.CAST", DType::Float32, DType::Int8, {9},
              {2.5f, 3.5f, -2.5f, -0.5f, 127.4f, 127.5f, 200.0f, -129.0f, -128.6f}) ==
          std::vector<std::int8_t>{2, 4, -2, 0, 127, 127, 127, -128, -128});
    CHECK(unaryOp<float, std::int16_t>("tosa.CAST", DType::Float32, DType::Int16, {2},
                                       {32767.5f, -40000.0f}) ==
          std::vector<std::int16_t>{32767, -32768});
    CHECK(unaryOp<std::int32_t, std::int8_t>("tosa.CAST", DType::Int32, DType::Int8, {3},
                                             {300, -129, 5}) ==
          std::vector<std::int8_t>{44, 127, 5});
}

TEST_CASE("RESIZE bilinear on integers leaves the result scaled by both numerators") {
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int8, {1, 2, 2, 1});
    const auto scale =
        b.constant("scale", DType::Shape, {4}, std::vector<std::int64_t>{2, 1, 2, 1});
    const auto offset = b.constant("offset", DType::Shape, {2}, std::vector<std::int64_t>{0, 0});
    const auto border = b.constant("border", DType::Shape, {2}, std::vector<std::int64_t>{0, 0});
    const auto y = b.value("y", DType::Int32, {1, 3, 3, 1});
    b.node("tosa.RESIZE", {x, scale, offset, border}, {y}, {{"mode", EnumValue{"BILINEAR", 2}}});
    b.output(y);
    const auto out = singleOp(std::move(b))
                         .run({tensorOf<std::int8_t>(DType::Int8, {1, 2, 2, 1}, {0, 10, 20, 30})});
    CHECK(valuesOf<std::int32_t>(out.at(0)) ==
          std::vector<std::int32_t>{0, 20, 40, 40, 60, 80, 80, 100, 120});
}

// ---------------------------------------------------------------------------------------------
// Control flow and variables.

namespace {

// A region graph: one int32[1] input `a`, output op(a, a) or IDENTITY(a).
Graph regionGraph(const std::string& id, const std::string& op) {
    GraphBuilder b(id);
    const auto a = b.input("a", DType::Int32, {1});
    const auto y = b.value("y", DType::Int32, {1});
    if (op == "tosa.IDENTITY")
        b.node(op, {a}, {y});
    else
        b.node(op, {a, a}, {y});
    b.output(y);
    return std::move(b.graph());
}

} // namespace

TEST_CASE("COND_IF runs the then or the else region") {
    Model model;
    GraphBuilder main("main");
    const auto condition = main.input("condition", DType::Bool, {1});
    const auto x = main.input("x", DType::Int32, {1});
    const auto y = main.value("y", DType::Int32, {1});
    main.node("tosa.COND_IF", {condition, x}, {y}).childGraphs = {1, 2};
    main.output(y);
    model.addGraph(std::move(main.graph()));
    model.addGraph(regionGraph("then", "tosa.ADD"));
    model.addGraph(regionGraph("else", "tosa.IDENTITY"));
    const auto x21 = tensorOf<std::int32_t>(DType::Int32, {1}, {21});
    CHECK(valuesOf<std::int32_t>(
              run(model, 0, {tensorOf<std::uint8_t>(DType::Bool, {1}, {1}), x21}).at(0)) ==
          std::vector<std::int32_t>{42});
    CHECK(valuesOf<std::int32_t>(
              run(model, 0, {tensorOf<std::uint8_t>(DType::Bool, {1}, {0}), x21}).at(0)) ==
          std::vector<std::int32_t>{21});
}

TEST_CASE("WHILE_LOOP iterates its body while the cond region says so") {
    // i, sum = 0, 0; while i < 5: sum += i; i += 1  ->  i = 5, sum = 10.
    Model model;
    GraphBuilder main("main");
    const auto i0 = main.input("i", DType::Int32, {1});
    const auto s0 = main.input("sum", DType::Int32, {1});
    const auto i1 = main.value("i_out", DType::Int32, {1});
    const auto s1 = main.value("sum_out", DType::Int32, {1});
    main.node("tosa.WHILE_LOOP", {i0, s0}, {i1, s1}).childGraphs = {1, 2};
    main.output(i1);
    main.output(s1);
    model.addGraph(std::move(main.graph()));

    GraphBuilder cond("cond");
    const auto ci = cond.input("i", DType::Int32, {1});
    cond.input("sum", DType::Int32, {1});
    const auto limit = cond.constant("limit", DType::Int32, {1}, std::vector<std::int32_t>{5});
    const auto more = cond.value("more", DType::Bool, {1});
    cond.node("tosa.GREATER", {limit, ci}, {more});
    cond.output(more);
    model.addGraph(std::move(cond.graph()));

    GraphBuilder body("body");
    const auto bi = body.input("i", DType::Int32, {1});
    const auto bs = body.input("sum", DType::Int32, {1});
    const auto one = body.constant("one", DType::Int32, {1}, std::vector<std::int32_t>{1});
    const auto next = body.value("next", DType::Int32, {1});
    const auto total = body.value("total", DType::Int32, {1});
    body.node("tosa.ADD", {bi, one}, {next});
    body.node("tosa.ADD", {bs, bi}, {total});
    body.output(next);
    body.output(total);
    model.addGraph(std::move(body.graph()));

    const auto zero = tensorOf<std::int32_t>(DType::Int32, {1}, {0});
    const auto outputs = run(model, 0, {zero, zero});
    CHECK(valuesOf<std::int32_t>(outputs.at(0)) == std::vector<std::int32_t>{5});
    CHECK(valuesOf<std::int32_t>(outputs.at(1)) == std::vector<std::int32_t>{10});
}

TEST_CASE("a VARIABLE keeps its value from one run to the next") {
    // state += x on every run; the variable starts at 0.
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int32, {1});
    const auto state = b.value("state", DType::Int32, {1});
    b.graph().values[static_cast<std::size_t>(state)].attributes = {{"variable", true},
                                                                    {"variable_name", "acc"}};
    const auto read = b.value("read", DType::Int32, {1});
    const auto sum = b.value("sum", DType::Int32, {1});
    b.node("tosa.VARIABLE", {}, {state});
    b.node("tosa.VARIABLE_READ", {state}, {read});
    b.node("tosa.ADD", {read, x}, {sum});
    b.node("tosa.VARIABLE_WRITE", {sum}, {state});
    b.output(sum);
    Model model;
    model.addGraph(std::move(b.graph()));
    runtime::Interpreter interpreter(model, kernels());
    const auto five = tensorOf<std::int32_t>(DType::Int32, {1}, {5});
    CHECK(valuesOf<std::int32_t>(interpreter.run(0, {five}).at(0)) == std::vector<std::int32_t>{5});
    CHECK(valuesOf<std::int32_t>(interpreter.run(0, {five}).at(0)) ==
          std::vector<std::int32_t>{10});
}

// ---------------------------------------------------------------------------------------------
// Models the runtime must refuse with an error, never a crash.

TEST_CASE("a CONV2D whose weights do not fit its input is refused") {
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int8, {1, 4, 4, 3});
    const auto w = b.constant("w", DType::Int8, {2, 1, 1, 5}, std::vector<std::int8_t>(10, 1));
    const auto bias = b.constant("bias", DType::Int32, {2}, std::vector<std::int32_t>{0, 0});
    const auto zp = b.constant("zp", DType::Int8, {1}, std::vector<std::int8_t>{0});
    const auto y = b.value("y", DType::Int32, {1, 4, 4, 2});
    b.node("tosa.CONV2D", {x, w, bias, zp, zp}, {y},
           {{"pad", std::vector<std::int64_t>{0, 0, 0, 0}},
            {"stride", std::vector<std::int64_t>{1, 1}},
            {"dilation", std::vector<std::int64_t>{1, 1}}});
    b.output(y);
    const auto op = singleOp(std::move(b));
    CHECK_THROWS_AS(op.run({Tensor(DType::Int8, {1, 4, 4, 3})}), runtime::RuntimeError);
}

TEST_CASE("a SLICE beyond its input is refused") {
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int8, {2, 3});
    const auto start = b.constant("start", DType::Shape, {2}, std::vector<std::int64_t>{1, 2});
    const auto size = b.constant("size", DType::Shape, {2}, std::vector<std::int64_t>{1, 2});
    const auto y = b.value("y", DType::Int8, {1, 2});
    b.node("tosa.SLICE", {x, start, size}, {y});
    b.output(y);
    CHECK_THROWS_AS(singleOp(std::move(b)).run({Tensor(DType::Int8, {2, 3})}),
                    runtime::RuntimeError);
}

TEST_CASE("a TRANSPOSE with a bad permutation is refused") {
    for (const auto& perms : {std::vector<std::int64_t>{0, 0, 1}, std::vector<std::int64_t>{0, 1},
                              std::vector<std::int64_t>{0, 1, 3}}) {
        GraphBuilder b("main");
        const auto x = b.input("x", DType::Int8, {1, 2, 3});
        const auto y = b.value("y", DType::Int8, {1, 2, 3});
        b.node("tosa.TRANSPOSE", {x}, {y}, {{"perms", perms}});
        b.output(y);
        CHECK_THROWS_AS(singleOp(std::move(b)).run({Tensor(DType::Int8, {1, 2, 3})}),
                        runtime::RuntimeError);
    }
}

TEST_CASE("a RESHAPE to another element count is refused") {
    GraphBuilder b("main");
    const auto x = b.input("x", DType::Int8, {2, 3});
    const auto shape = b.constant("shape", DType::Shape, {2}, std::vector<std::int64_t>{4, 2});
    const auto y = b.value("y", DType::Int8, {4, 2});
    b.node("tosa.RESHAPE", {x, shape}, {y});
    b.output(y);
    CHECK_THROWS_AS(singleOp(std::move(b)).run({Tensor(DType::Int8, {2, 3})}),
                    runtime::RuntimeError);
}

// ---------------------------------------------------------------------------------------------
// Artifacts of one model.

namespace {

std::size_t graphWithId(const Model& model, const std::string& id) {
    for (std::size_t g = 0; g < model.graphs.size(); ++g)
        if (model.graphs[g].id == id) return g;
    FAIL("no graph " << id);
    return 0;
}

} // namespace

TEST_CASE("the VGF-delegated MobileNetV2 runs alike from inline and segment storage") {
    const auto inlined = open(testing::fixture("pte/arm_mv2_vgf_int8.pte"));
    const auto segments = open(testing::fixture("pte/arm_mv2_vgf_int8_segments.pte"));
    const auto a = graphWithId(inlined, "forward/VgfBackend#0");
    const auto b = graphWithId(segments, "forward/VgfBackend#0");
    const auto inputs = randomInputs(inlined.graphs[a], 11);
    const auto first = run(inlined, a, inputs, 2);
    const auto second = run(segments, b, inputs, 2);
    REQUIRE(first.size() == 1);
    CHECK(first[0].typeText() == "int8[1,1000]");
    CHECK(difference(second.at(0), first[0]).empty());
}

TEST_CASE("the MobileNetV2 VGF file runs on the TOSA kernels") {
    const auto model = open(testing::fixture("vgf/arm_mobilenet_v2_int8.vgf"));
    const auto inputs = randomInputs(model.graphs[0], 3);
    const auto one = run(model, 0, inputs, 1);
    const auto two = run(model, 0, inputs, 2);
    REQUIRE(one.size() == 1);
    CHECK(one[0].typeText() == "int8[1,1001]");
    CHECK(difference(two[0], one[0]).empty());
}

TEST_CASE("MobileNetV2 lowered for Ethos-U and for VGF computes the same int8 result") {
    // The same exported network: the TOSA dumped for the Ethos-U delegate and the TOSA inside the
    // VGF delegate of the ExecuTorch program share weights and quantisation.
    const auto tosa = open(testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa"));
    const auto pte = open(testing::fixture("pte/arm_mv2_vgf_int8.pte"));
    const auto delegate = graphWithId(pte, "forward/VgfBackend#0");
    const auto inputs = randomInputs(tosa.graphs[0], 5);
    const auto ethosU = run(tosa, 0, inputs, 2);
    const auto vgf = run(pte, delegate, inputs, 2);
    CHECK(difference(vgf.at(0), ethosU.at(0)).empty());
}
