// ETRecords run on the built-in runtime's aten kernels, checked against libtorch (the
// independent oracle): the sample ETRecord through `pteron run`, and ETRecords whose weights are a
// state dict libtorch itself serialised (torch::jit::pickle_save, the torch.save format).
#include "app/cli/run_command.hpp"
#include "parsers/common/zip_archive.hpp"
#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/stored_zip.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <torch/csrc/jit/serialization/pickle.h>

#include <cstring>
#include <filesystem>
#include <sstream>

using namespace pteron;
using Json = nlohmann::json;

namespace {

const std::string kSample = "etrecord/et_sample_etrecord.bin";

at::Tensor toTorch(const runtime::Tensor& tensor) {
    REQUIRE(tensor.dtype() == DType::Float32);
    std::vector<std::int64_t> sizes(tensor.shape().begin(), tensor.shape().end());
    auto result = at::empty(sizes, at::kFloat);
    std::memcpy(result.data_ptr(), tensor.bytes().data(), tensor.bytes().size());
    return result;
}

runtime::Tensor fromTorch(const at::Tensor& source) {
    const auto tensor = source.contiguous();
    return runtime::Tensor::fromBytes(DType::Float32,
                                      runtime::Shape(tensor.sizes().begin(), tensor.sizes().end()),
                                      {static_cast<const std::byte*>(tensor.data_ptr()),
                                       static_cast<std::size_t>(tensor.nbytes())});
}

void writeNpy(const std::string& path, const at::Tensor& tensor) {
    REQUIRE(runtime::writeNpyTensor(path, fromTorch(tensor)).empty());
}

void expectClose(const at::Tensor& got, const at::Tensor& want) {
    INFO("got " << got << "\nwant " << want);
    REQUIRE(got.sizes() == want.sizes());
    CHECK(at::allclose(got, want, /*rtol=*/1e-5, /*atol=*/1e-6));
}

// --- a small ExportedProgram in the current (single-key union) JSON form -------------------

Json tensorArg(const std::string& name) {
    return {{"as_tensor", {{"name", name}}}};
}
Json namedArg(const std::string& name, Json arg) {
    return {{"name", name}, {"arg", std::move(arg)}};
}
Json meta(const std::vector<std::int64_t>& sizes) {
    Json sizeList = Json::array();
    Json strideList = Json::array();
    std::int64_t stride = 1;
    std::vector<std::int64_t> strides(sizes.size());
    for (std::size_t d = sizes.size(); d-- > 0;) {
        strides[d] = stride;
        stride *= sizes[d];
    }
    for (std::size_t d = 0; d < sizes.size(); ++d) {
        sizeList.push_back({{"as_int", sizes[d]}});
        strideList.push_back({{"as_int", strides[d]}});
    }
    return {{"dtype", 7},
            {"sizes", sizeList},
            {"strides", strideList},
            {"requires_grad", false},
            {"device", {{"type", "cpu"}}},
            {"storage_offset", {{"as_int", 0}}},
            {"layout", 7}};
}
Json node(const std::string& target, Json inputs, const std::string& output, int handle) {
    return {{"target", "executorch.exir.dialects.edge.ops.aten." + target},
            {"inputs", std::move(inputs)},
            {"outputs", Json::array({tensorArg(output)})},
            {"metadata", {{"debug_handle", std::to_string(handle)}}}};
}

// y = relu(addmm(bias, x, permute(weight)) + 0.5 * same), x a user input; weight a parameter
// and bias a buffer, both from the state dict.
Json linearProgram() {
    Json nodes = Json::array();
    nodes.push_back(
        node("permute_copy.default",
             {namedArg("self", tensorArg("p_weight")), namedArg("dims", {{"as_ints", {1, 0}}})},
             "permute", 1));
    nodes.push_back(node("addmm.default",
                         {namedArg("self", tensorArg("b_bias")), namedArg("mat1", tensorArg("x")),
                          namedArg("mat2", tensorArg("permute"))},
                         "addmm", 2));
    nodes.push_back(
        node("add.Tensor",
             {namedArg("self", tensorArg("addmm")), namedArg("other", tensorArg("addmm")),
              namedArg("alpha", {{"as_float", 0.5}})},
             "add", 3));
    nodes.push_back(node("relu.default", {namedArg("self", tensorArg("add"))}, "relu", 4));
    Json tensors = {{"p_weight", meta({4, 3})}, {"b_bias", meta({4})},   {"x", meta({2, 3})},
                    {"permute", meta({3, 4})},  {"addmm", meta({2, 4})}, {"add", meta({2, 4})},
                    {"relu", meta({2, 4})}};
    Json inputSpecs = Json::array(
        {{{"parameter", {{"arg", {{"name", "p_weight"}}}, {"parameter_name", "linear.weight"}}}},
         {{"buffer",
           {{"arg", {{"name", "b_bias"}}}, {"buffer_name", "linear.bias"}, {"persistent", true}}}},
         {{"user_input", {{"arg", tensorArg("x")}}}}});
    Json graph = {
        {"inputs", Json::array({tensorArg("p_weight"), tensorArg("b_bias"), tensorArg("x")})},
        {"outputs", Json::array({tensorArg("relu")})},
        {"nodes", nodes},
        {"tensor_values", tensors},
        {"sym_int_values", Json::object()},
        {"sym_bool_values", Json::object()},
        {"is_single_tensor_return", false}};
    return {{"graph_module",
             {{"graph", graph},
              {"signature",
               {{"input_specs", inputSpecs},
                {"output_specs", Json::array({{{"user_output", {{"arg", tensorArg("relu")}}}}})}}},
              {"module_call_graph", Json::array()}}},
            {"opset_version", {{"aten", 10}}},
            {"range_constraints", Json::object()},
            {"schema_version", {{"major", 5}, {"minor", 4}}},
            {"dialect", "EDGE"}};
}

std::vector<std::byte> stateDictBytes(const c10::Dict<std::string, at::Tensor>& tensors) {
    const auto bytes = torch::jit::pickle_save(c10::IValue(tensors));
    const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
    return {data, data + bytes.size()};
}

std::string writeMade(const std::string& name, const std::vector<std::byte>& bytes) {
    const auto folder = testing::madeDir() / "etrecord";
    std::filesystem::create_directories(folder);
    const auto path = (folder / name).string();
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out);
    std::fwrite(bytes.data(), 1, bytes.size(), out);
    std::fclose(out);
    return path;
}

} // namespace

TEST_CASE("etrecord run: pteron run on the sample matches libtorch", "[etrecord][runtime]") {
    at::manual_seed(7);
    const auto a = at::randn({3, 2});
    const auto b = at::randn({3, 2});
    const auto folder = testing::madeDir() / "etrecord" / "run-sample";
    std::filesystem::create_directories(folder);
    writeNpy((folder / "a.npy").string(), a);
    writeNpy((folder / "b.npy").string(), b);
    const std::vector<std::string> args{testing::fixture(kSample),
                                        "--input",
                                        "arg0_1=" + (folder / "a.npy").string(),
                                        "--input",
                                        "arg1_1=" + (folder / "b.npy").string(),
                                        "-o",
                                        (folder / "out").string()};
    std::ostringstream out;
    std::ostringstream err;
    const int code = runRunCommand(args, out, err);
    INFO(out.str() << err.str());
    REQUIRE(code == 0);
    const auto got = runtime::readNpyTensor((folder / "out" / "aten_mul_tensor.npy").string());
    expectClose(toTorch(got), at::mul(a, b));
}

TEST_CASE("etrecord run: every recorded graph of the sample runs", "[etrecord][runtime]") {
    const auto model = FormatRegistry::standard().open(testing::fixture(kSample));
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    at::manual_seed(11);
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        INFO(model.graphs[g].id);
        const auto a = at::randn({3, 2});
        const auto b = at::randn({3, 2});
        runtime::Interpreter interpreter(model, kernels, {2, nullptr, {}});
        const auto outputs = interpreter.run(g, {fromTorch(a), fromTorch(b)});
        REQUIRE(outputs.size() == 1);
        expectClose(toTorch(outputs[0]), at::mul(a, b));
    }
}

TEST_CASE("etrecord run: weights from a libtorch-written state dict", "[etrecord][runtime]") {
    at::manual_seed(3);
    // The weight is saved as a transposed view, so its storage is not in logical order.
    const auto weightStorage = at::randn({3, 4});
    const auto weight = weightStorage.t();
    const auto bias = at::randn({4});
    const auto x = at::randn({2, 3});
    c10::Dict<std::string, at::Tensor> state;
    state.insert("linear.weight", weight);
    state.insert("linear.bias", bias);
    const auto zip = testing::storedZip(
        {{"ETRECORD_V0", {}},
         {"edge_dialect_exported_program/forward", testing::bytesOf(linearProgram().dump())},
         {"edge_dialect_exported_program/forward_state_dict", stateDictBytes(state)},
         {"debug_handle_map",
          testing::bytesOf(R"({"forward": {"0": [1], "1": [2, 3], "2": [4]}})")},
         {"delegate_map", testing::bytesOf(R"({"forward": {}})")}});
    const auto path = writeMade("linear_with_weights.bin", zip);
    const auto model = FormatRegistry::standard().open(path);
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    CHECK(graph.id == "forward");
    REQUIRE(graph.inputs.size() == 1);
    CHECK(graph.value(graph.inputs[0])->typeText() == "fp32[2,3]");
    const auto& weightValue =
        graph.values[static_cast<std::size_t>(graph.nodes[0].inputs[0].value)];
    CHECK(weightValue.kind == ValueKind::Constant);
    CHECK(weightValue.typeText() == "fp32[4,3]");
    CHECK(toString(findAttribute(weightValue.attributes, "state dict key")->value) ==
          "linear.weight");
    // Instruction 1 of the program came from handles 2 and 3.
    CHECK(toString(findAttribute(graph.nodes[2].attributes, "program instructions")->value) ==
          "[1]");

    const auto kernels = runtime::KernelRegistry::withAllKernels();
    runtime::Interpreter interpreter(model, kernels, {2, nullptr, {}});
    const auto outputs = interpreter.run(0, {fromTorch(x)});
    REQUIRE(outputs.size() == 1);
    const auto y = at::addmm(bias, x, weight.t());
    expectClose(toTorch(outputs[0]), at::relu(at::add(y, y, 0.5)));
}
