// pteron diff on real files: fixture pairs, injected faults, tensor folders, device ETDumps and
// the Model Explorer overlay of a diff.
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "adapters/palette/backend_palette.hpp"
#include "app/cli/diff_command.hpp"
#include "app/cli/export_command.hpp"
#include "app/cli/run_command.hpp"
#include "app/sample/pte_program_writer.hpp"
#include "core/format_error.hpp"
#include "core/mapped_file.hpp"
#include "core/model_correspondence.hpp"
#include "diff/artifact_diff.hpp"
#include "diff/etdump_diff.hpp"
#include "diff/tensor_folder_diff.hpp"
#include "etdump_generated.h"
#include "parsers/common/zip_archive.hpp"
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/json_schema.hpp"
#include "tests/support/stored_zip.hpp"
#include "tests/support/weight_fault.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

using namespace pteron;
namespace fs = std::filesystem;
namespace fbe = pteron::fb::etdump;
using runtime::Tensor;

namespace {

struct Outcome {
    int code = 0;
    std::string out;
    std::string err;
};

Outcome diffCommand(std::vector<std::string> args) {
    std::ostringstream out, err;
    const int code = runDiffCommand(args, out, err);
    return {code, out.str(), err.str()};
}

fs::path freshFolder(const std::string& name) {
    const auto folder = pteron::testing::madeDir() / name;
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

std::vector<Tensor> seededInputs(const Graph& graph, std::uint64_t seed) {
    std::vector<Tensor> inputs;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i)
        inputs.push_back(runtime::randomInput(specs[i], seed, i));
    return inputs;
}

diff::DiffReport diffModels(const Model& a, const Model& b, std::uint64_t seed = 0) {
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    const auto graph = a.topLevelGraphs().front();
    return diff::compareArtifacts({&a, graph, {}}, seededInputs(a.graphs[graph], seed), {&b, 0, {}},
                                  kernels, {2, {}});
}

std::string rowText(const diff::DiffRow& row) {
    return row.a.graph + " #" + std::to_string(row.a.node) + " " + row.a.op + " " + row.a.tensor +
           " vs " + row.b.graph + " #" + std::to_string(row.b.node) + " " + row.b.op + " " +
           row.b.tensor + ": max_abs " + std::to_string(row.metrics.maxAbs) + " mismatched " +
           std::to_string(row.metrics.mismatched) + " " + row.metrics.note;
}

} // namespace

TEST_CASE("diff --tensors pairs two traces entry by entry and names the changed tensor") {
    const auto a = freshFolder("diff_trace_a");
    const auto model = pteron::testing::fixture("tosa/tosaref_conv2d_qi8_from_tflite.tosa");
    std::ostringstream out, err;
    REQUIRE(
        runRunCommand(std::vector<std::string>{model, "--seed", "5", "--trace", "-o", a.string()},
                      out, err) == 0);
    const auto b = freshFolder("diff_trace_b");
    fs::copy(a, b, fs::copy_options::overwrite_existing | fs::copy_options::recursive);

    const auto same = diff::compareTensorFolders(a.string(), b.string(), {});
    std::ifstream indexFile(a / "trace.json");
    const auto index = nlohmann::json::parse(indexFile);
    REQUIRE(same.rows.size() == index.size());
    CHECK(same.passed());

    // Change one element of the last traced tensor: only that entry fails.
    const auto& last = index.back();
    const auto path = (b / last["file"].get<std::string>()).string();
    auto tensor = runtime::readNpyTensor(path);
    REQUIRE(tensor.elementCount() > 0);
    tensor.mutableBytes()[0] = static_cast<std::byte>(static_cast<int>(tensor.bytes()[0]) ^ 0x10);
    REQUIRE(runtime::writeNpyTensor(path, tensor).empty());
    const auto changed = diff::compareTensorFolders(a.string(), b.string(), {});
    const auto* first = changed.firstDivergence();
    REQUIRE(first != nullptr);
    CHECK(first->a.graph == last["graph"].get<std::string>());
    CHECK(first->a.node == last["node"].get<std::int64_t>());
    CHECK(first->a.tensor == last["value"].get<std::string>());
    CHECK(first->metrics.mismatched == 1);
    std::size_t failed = 0;
    for (const auto& row : changed.rows)
        failed += row.metrics.pass ? 0 : 1;
    CHECK(failed == 1);

    // Without trace.json on one side, tensors pair by file name.
    fs::remove(b / "trace.json");
    const auto byName = diff::compareTensorFolders(a.string(), b.string(), {});
    CHECK(byName.rows.size() == index.size());
    REQUIRE(byName.firstDivergence() != nullptr);
    CHECK(byName.firstDivergence()->a.tensor == last["value"].get<std::string>());

    // The command: exit 4 with the divergence on top; --json in the documented shape.
    const auto text = diffCommand({"--tensors", a.string(), b.string()});
    CHECK(text.code == kExitDiffFailed);
    CHECK(text.out.rfind("first divergence: ", 0) == 0);
    const auto json = diffCommand({"--tensors", a.string(), b.string(), "--json"});
    CHECK(json.code == kExitDiffFailed);
    const auto report = nlohmann::json::parse(json.out);
    CHECK(report["first_divergence"]["tensor"] == last["value"]);
    CHECK(report["tensors"].size() == index.size());
    CHECK(diffCommand({"--tensors", a.string(), a.string()}).code == 0);
}

TEST_CASE("a malformed trace.json is a FormatError") {
    const auto a = freshFolder("diff_bad_trace");
    std::ofstream(a / "trace.json") << "[{\"graph\": 3}]";
    CHECK_THROWS_AS(diff::compareTensorFolders(a.string(), a.string(), {}), FormatError);
    std::ofstream(a / "trace.json") << "{not json";
    CHECK_THROWS_AS(diff::compareTensorFolders(a.string(), a.string(), {}), FormatError);
}

namespace {

// The weights of the `ordinal`-th node with operator `op`; the test stops when there are none.
pteron::testing::WeightFault weightOf(const Model& model, const std::string& op,
                                      std::size_t ordinal) {
    const auto fault = pteron::testing::findWeightFault(model, op, ordinal);
    if (!fault) FAIL("no " << op << " #" << ordinal << " with constant weights");
    return *fault;
}

void checkFaultFound(const std::string& fixtureName, const std::string& op, std::size_t ordinal,
                     const std::string& copyName) {
    const auto original = pteron::testing::fixture(fixtureName);
    const auto registry = FormatRegistry::standard();
    const auto a = registry.open(original);
    const auto fault = weightOf(a, op, ordinal);
    const auto copy = pteron::testing::madeDir() / copyName;
    fs::create_directories(copy.parent_path());
    pteron::testing::writeFaultyCopy(original, copy, fault.offset);
    const auto b = registry.open(copy.string());

    const auto report = diffModels(a, b);
    const auto* first = report.firstDivergence();
    REQUIRE(first != nullptr);
    INFO(rowText(*first));
    CHECK(first->a.graph == a.graphs[fault.graph].id);
    CHECK(first->a.node == static_cast<std::int64_t>(fault.reader));
    CHECK(first->a.op == op);
    // Everything the run computed before the reader agrees bit for bit.
    std::size_t before = 0;
    for (const auto& row : report.rows) {
        if (&row == first) break;
        CHECK(row.metrics.pass);
        CHECK(row.metrics.maxAbs == 0);
        ++before;
    }
    CHECK(before > 0);
}

} // namespace

TEST_CASE("a changed weight byte in a TOSA file diverges first at the convolution reading it") {
    checkFaultFound("tosa/arm_mv2_ethosu55_tag1.tosa", "tosa.CONV2D", 5, "diff_fault_mv2.tosa");
}

TEST_CASE("a changed weight byte in a VGF file diverges first at the convolution reading it") {
    checkFaultFound("vgf/arm_mobilenet_v2_int8.vgf", "tosa.CONV2D", 3, "diff_fault_mv2.vgf");
}

namespace {

// An ETDump and its debug buffer, written the way the runtime logs intermediate outputs.
class DeviceDump {
  public:
    void tensor(std::int32_t instruction, pteron::fb::pte::ScalarType type,
                std::vector<std::int64_t> sizes, std::span<const std::byte> bytes,
                std::int32_t delegateId = -1, bool output = false) {
        // Blobs are 64-byte aligned in the runtime's buffer.
        buffer_.resize((buffer_.size() + 63) / 64 * 64);
        const auto offset = static_cast<std::int64_t>(buffer_.size());
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
        const auto tensor = fbe::CreateTensorDirect(builder_, type, &sizes, nullptr, offset);
        const auto flag =
            output ? fbe::CreateBool(builder_, true) : flatbuffers::Offset<fbe::Bool>();
        const auto value =
            fbe::CreateValue(builder_, fbe::ValueType::Tensor, tensor, 0, 0, 0, 0, 0, flag);
        events_.push_back(
            fbe::CreateEvent(builder_, 0, 0,
                             fbe::CreateDebugEventDirect(builder_, 0, instruction, value,
                                                         delegateId, nullptr, "tensor")));
    }
    void profile(std::int32_t instruction) {
        events_.push_back(fbe::CreateEvent(
            builder_, fbe::CreateProfileEventDirect(builder_, "OPERATOR_CALL", 0, instruction, -1,
                                                    nullptr, nullptr, 100, 200)));
    }
    // Writes NAME.etdp and NAME.bin; returns the two paths.
    std::pair<std::string, std::string> write(const std::string& name) {
        std::vector<flatbuffers::Offset<fbe::RunData>> runs{
            fbe::CreateRunDataDirect(builder_, "Execute", -1, nullptr, &events_)};
        builder_.FinishSizePrefixed(fbe::CreateETDumpDirect(builder_, 0, &runs), "ED00");
        const auto folder = pteron::testing::madeDir();
        fs::create_directories(folder);
        const auto dump = (folder / (name + ".etdp")).string();
        const auto buffer = (folder / (name + ".bin")).string();
        std::ofstream(dump, std::ios::binary)
            .write(reinterpret_cast<const char*>(builder_.GetBufferPointer()),
                   static_cast<std::streamsize>(builder_.GetSize()));
        std::ofstream(buffer, std::ios::binary)
            .write(reinterpret_cast<const char*>(buffer_.data()),
                   static_cast<std::streamsize>(buffer_.size()));
        return {dump, buffer};
    }

  private:
    flatbuffers::FlatBufferBuilder builder_;
    std::vector<flatbuffers::Offset<fbe::Event>> events_;
    std::vector<std::byte> buffer_;
};

template <typename T> std::span<const std::byte> bytesOf(const std::vector<T>& values) {
    return std::as_bytes(std::span(values));
}

Tensor floatTensor(runtime::Shape shape, const std::vector<float>& values) {
    return Tensor::fromBytes(DType::Float32, std::move(shape), bytesOf(values));
}

diff::DiffReport diffEtdump(const std::string& programFile, std::vector<Tensor> inputs,
                            const std::string& dump, const std::string& buffer) {
    const auto registry = FormatRegistry::standard();
    const auto program = registry.open(pteron::testing::fixture(programFile));
    ReadOptions options;
    options.debugBuffer = buffer;
    const auto etdump = registry.open(dump, options);
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    return diff::compareWithEtdump({&program, program.topLevelGraphs().front(), {}},
                                   std::move(inputs), etdump, kernels, {1, {}});
}

} // namespace

TEST_CASE("an ETDump's logged kernel output pairs with the instruction that made it") {
    // et_apple_add_portable.pte: instruction 0 is aten::add.out(x, y, alpha 1) -> %2.
    const std::vector<float> x{1.5f}, y{-0.25f};
    const std::vector<float> sum{1.5f + -0.25f};
    const std::vector<Tensor> inputs{floatTensor({1}, x), floatTensor({1}, y)};
    {
        DeviceDump device;
        device.profile(0);
        device.tensor(0, pteron::fb::pte::ScalarType::FLOAT, {1}, bytesOf(sum));
        device.tensor(-1, pteron::fb::pte::ScalarType::FLOAT, {1}, bytesOf(sum), -1, true);
        const auto [dump, buffer] = device.write("diff_add_good");
        const auto report = diffEtdump("pte/et_apple_add_portable.pte", inputs, dump, buffer);
        REQUIRE(report.rows.size() == 2);
        CHECK(report.passed());
        CHECK(report.rows[0].a.graph == "forward");
        CHECK(report.rows[0].a.node == 0);
        CHECK(report.rows[0].a.op == "aten::add.out");
        CHECK(report.rows[0].a.tensor == "%2");
        CHECK(report.rows[1].a.op == "output");

        // Without the debug buffer the tensors have no bytes: a clear refusal.
        const auto registry = FormatRegistry::standard();
        const auto program =
            registry.open(pteron::testing::fixture("pte/et_apple_add_portable.pte"));
        const auto etdump = registry.open(dump);
        const auto kernels = runtime::KernelRegistry::withAllKernels();
        CHECK_THROWS_WITH(
            diff::compareWithEtdump({&program, 0, {}}, inputs, etdump, kernels, {1, {}}),
            Catch::Contains("--debug-buffer"));
    }
    {
        DeviceDump device;
        const std::vector<float> wrong{1.5f};
        device.tensor(0, pteron::fb::pte::ScalarType::FLOAT, {1}, bytesOf(wrong));
        const auto [dump, buffer] = device.write("diff_add_wrong");
        const auto report = diffEtdump("pte/et_apple_add_portable.pte", inputs, dump, buffer);
        const auto* first = report.firstDivergence();
        REQUIRE(first != nullptr);
        CHECK(first->a.node == 0);
        CHECK(first->metrics.maxAbs == Approx(0.25));
        CHECK(first->b.op == "etdump.debug");

        const auto command = diffCommand({pteron::testing::fixture("pte/et_apple_add_portable.pte"),
                                          "--etdump", dump, "--debug-buffer", buffer, "--json"});
        CHECK(command.code == kExitDiffFailed); // random inputs never sum to 1.5 exactly
        const auto json = nlohmann::json::parse(command.out);
        CHECK(json["first_divergence"]["op"] == "aten::add.out");
    }
}

TEST_CASE("a delegate's own debug events pair with its payload's node by debug handle") {
    // cc_linear_xnnpack_int8.pte: instruction 0 calls XnnpackBackend#0 on %0; the payload's
    // node #0 (xnnpack.Convert, fp32 -> int8) carries debug_handle 2.
    std::vector<float> x(16);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(i) / 16.0f - 0.5f;
    const std::vector<std::int8_t> saturated(16, 127);
    DeviceDump device;
    // The runtime logs a delegate call's arguments: the input, then the output.
    device.tensor(0, pteron::fb::pte::ScalarType::FLOAT, {2, 8}, bytesOf(x));
    device.tensor(0, pteron::fb::pte::ScalarType::FLOAT, {2, 8}, bytesOf(x));
    device.tensor(0, pteron::fb::pte::ScalarType::CHAR, {2, 8}, bytesOf(saturated), 2);
    const auto [dump, buffer] = device.write("diff_xnnpack");
    const auto report =
        diffEtdump("pte/cc_linear_xnnpack_int8.pte", {floatTensor({2, 8}, x)}, dump, buffer);
    REQUIRE(report.rows.size() == 3);
    // In execution order: the payload's Convert, then the call's input and output.
    CHECK(report.rows[0].a.graph == "forward/XnnpackBackend#0");
    CHECK(report.rows[0].a.node == 0);
    CHECK(report.rows[0].a.op == "xnnpack.Convert");
    CHECK_FALSE(
        report.rows[0].metrics.pass); // x spans [-0.5, 0.44]: it never quantises to 127 everywhere
    CHECK(report.rows[1].a.tensor == "%0");
    CHECK(report.rows[1].metrics.pass); // the input as given
    CHECK(report.rows[1].metrics.maxAbs == 0);
    CHECK(report.rows[2].a.tensor == "%1");
    const auto* first = report.firstDivergence();
    REQUIRE(first != nullptr);
    CHECK(first->a.op == "xnnpack.Convert");
}

TEST_CASE("an ETDump with profiling events only has nothing to compare") {
    const auto registry = FormatRegistry::standard();
    const auto program = registry.open(pteron::testing::fixture("pte/et_apple_add_portable.pte"));
    const auto etdump = registry.open(pteron::testing::fixture("etdump/et_tutorial_etdump.etdp"));
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    CHECK_THROWS_AS(diff::compareWithEtdump({&program, 0, {}}, seededInputs(program.graphs[0], 0),
                                            etdump, kernels, {1, {}}),
                    diff::NothingToCompare);
}

TEST_CASE("the VGF-delegated MobileNetV2 program agrees bit for bit with the Ethos-U TOSA") {
    // pte/arm_mv2_vgf_int8.pte and tosa/arm_mv2_ethosu55_tag1.tosa were lowered from one
    // MobileNetV2 by the Arm backend: the VGF payload and the TOSA hold the same 184 operations
    // (CONST aside) with the same weights, so every stage must agree exactly.
    const auto registry = FormatRegistry::standard();
    const auto program = registry.open(pteron::testing::fixture("pte/arm_mv2_vgf_int8.pte"));
    const auto tosa = registry.open(pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa"));
    const auto report = diffModels(program, tosa, 7);
    for (const auto& row : report.rows) {
        INFO(rowText(row));
        CHECK(row.metrics.compared);
        CHECK(row.metrics.pass);
        CHECK(row.metrics.maxAbs == 0);
    }
    const auto& payload = program.graphs[1];
    REQUIRE(payload.id == "forward/VgfBackend#0");
    // Every payload node is paired and compared, then the delegate call's output.
    REQUIRE(report.rows.size() == payload.nodes.size() + 1);
    CHECK(report.rows.back().a.graph == "forward");
    CHECK(report.rows.back().a.op == "VgfBackend");
    CHECK(report.rows.back().b.graph == "main");
    CHECK(report.rows.back().b.op == "output");
}

TEST_CASE("a program against itself with a substituted delegate compares the payload with the "
          "substitute") {
    const auto program = pteron::testing::fixture("pte/arm_mv2_vgf_int8.pte");
    const auto tosa = pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto outcome = diffCommand(
        {program, program, "--delegate", "VgfBackend#0=" + tosa, "--seed", "3", "--json"});
    INFO(outcome.err);
    REQUIRE(outcome.code == 0);
    const auto json = nlohmann::json::parse(outcome.out);
    CHECK(json["first_divergence"].is_null());
    std::size_t payloadRows = 0, substituteRows = 0;
    for (const auto& row : json["tensors"]) {
        if (row["graph"] == "forward/VgfBackend#0") ++payloadRows;
        if (row["other"]["graph"] == "main") ++substituteRows;
        CHECK(row["max_abs"] == 0);
    }
    // The payload's nodes are compared against the TOSA that replaced it on side B.
    CHECK(payloadRows == 184);
    CHECK(substituteRows == 184);
    // The final output of both sides (quantize, call, dequantize and the method output).
    CHECK(json["tensors"].back()["op"] == "output");
}

TEST_CASE("files that are not one model are refused with the reason") {
    // The standalone VGF is a TFLite MobileNetV2 with 1001 classes and NHWC input; the VGF in
    // the program was lowered from torchvision's 1000-class NCHW model.
    CHECK_THROWS_WITH(diffCommand({pteron::testing::fixture("pte/arm_mv2_vgf_int8.pte"),
                                   pteron::testing::fixture("vgf/arm_mobilenet_v2_int8.vgf")}),
                      Catch::Contains("no known correspondence"));
    // The payload first, the program that calls it second: the order is explained.
    CHECK_THROWS_WITH(diffCommand({pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa"),
                                   pteron::testing::fixture("pte/arm_mv2_vgf_int8.pte")}),
                      Catch::Contains("give the program that calls the other first"));
}

TEST_CASE("export --to node-data --diff writes a Model Explorer overlay coloured by error") {
    const auto original = pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto registry = FormatRegistry::standard();
    const auto model = registry.open(original);
    const auto fault = weightOf(model, "tosa.CONV2D", 5);
    const auto copy = pteron::testing::madeDir() / "diff_overlay_mv2.tosa";
    pteron::testing::writeFaultyCopy(original, copy, fault.offset);

    const auto file = (pteron::testing::madeDir() / "diff_snr.json").string();
    std::ostringstream out;
    REQUIRE(runExportCommand(std::vector<std::string>{"--to", "node-data", original, "--metric",
                                                      "diff.snr", "--diff", copy.string(), "--seed",
                                                      "4", "-o", file},
                             out) == 0);
    std::ifstream in(file);
    const auto overlay = nlohmann::json::parse(in);

    // The node-data format: {graphId: {results: {nodeId: {value}}, gradient: [...]}}.
    const auto schema = pteron::testing::JsonSchema::fromFile(
        PTERON_TEST_SCHEMAS "/model_explorer_node_data.schema.json");
    const auto errors = schema.validate(overlay);
    for (const auto& error : errors)
        INFO(error);
    CHECK(errors.empty());
    // Graph ids and node ids are the ones of the Model Explorer graph export of the same file.
    const ModelExplorerWriter writer(BackendPalette::builtIn());
    const auto collection = writer.collection(model);
    std::set<std::string> graphIds, nodeIds;
    for (const auto& graph : collection["graphs"]) {
        graphIds.insert(graph["id"].get<std::string>());
        for (const auto& node : graph["nodes"])
            nodeIds.insert(node["id"].get<std::string>());
    }
    REQUIRE(overlay.size() == 1);
    const auto& main = overlay[model.graphs[fault.graph].id];
    CHECK(graphIds.count(model.graphs[fault.graph].id) == 1);
    for (const auto& [id, result] : main["results"].items()) {
        CHECK(nodeIds.count(id) == 1);
        CHECK(result["value"].is_number());
    }
    // Gradient rules: stops 0 and 1 present, colours in hex; low SNR is the hot end.
    const auto& gradient = main["gradient"];
    REQUIRE(gradient.size() >= 2);
    CHECK(gradient.front()["stop"] == 0);
    CHECK(gradient.back()["stop"] == 1);
    for (const auto& stop : gradient) {
        const auto colour = stop["bgColor"].get<std::string>();
        CHECK(colour.size() == 7);
        CHECK(colour[0] == '#');
    }
    CHECK(gradient.front()["bgColor"] == "#e53935");
    // The convolution reading the changed weight has a finite SNR; every node before it ran
    // identically (200 dB stands for infinite).
    const auto readerId = "g" + std::to_string(fault.graph) + ".n" + std::to_string(fault.reader);
    REQUIRE(main["results"].contains(readerId));
    CHECK(main["results"][readerId]["value"].get<double>() < 200);
    const auto& graph = model.graphs[fault.graph];
    for (std::size_t n = 0; n < fault.reader; ++n) {
        const auto id = "g" + std::to_string(fault.graph) + ".n" + std::to_string(n);
        if (graph.nodes[n].inputs.empty()) CHECK_FALSE(main["results"].contains(id));
        if (main["results"].contains(id)) CHECK(main["results"][id]["value"] == 200.0);
    }
}

TEST_CASE("folders with no tensor in common are refused, not passed") {
    const auto a = freshFolder("diff_disjoint_a");
    const auto b = freshFolder("diff_disjoint_b");
    const std::vector<float> one{1};
    REQUIRE(runtime::writeNpyTensor((a / "x.npy").string(), floatTensor({1}, one)).empty());
    REQUIRE(runtime::writeNpyTensor((b / "y.npy").string(), floatTensor({1}, one)).empty());
    CHECK_THROWS_WITH(diff::compareTensorFolders(a.string(), b.string(), {}),
                      Catch::Contains("has a partner"));
    // A plain folder of device dumps against one of the same names pairs by file name.
    REQUIRE(runtime::writeNpyTensor((b / "x.npy").string(), floatTensor({1}, one)).empty());
    const auto report = diff::compareTensorFolders(a.string(), b.string(), {});
    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].a.tensor == "x");
    CHECK(report.passed());
}

namespace {

// The TOSA operators an NPU layer implements (the rest, RESCALE, CLAMP, RESHAPE and CONST, are
// fused into them or move no data), counted independently of the diff.
std::size_t implementedOperators(const Graph& graph) {
    static const std::set<std::string> kImplemented{"tosa.CONV2D",
                                                    "tosa.DEPTHWISE_CONV2D",
                                                    "tosa.ADD",
                                                    "tosa.AVG_POOL2D",
                                                    "tosa.TRANSPOSE",
                                                    "tflite.CONV_2D",
                                                    "tflite.DEPTHWISE_CONV_2D",
                                                    "tflite.AVERAGE_POOL_2D"};
    return static_cast<std::size_t>(
        std::count_if(graph.nodes.begin(), graph.nodes.end(),
                      [](const Node& node) { return kImplemented.count(node.op) == 1; }));
}

std::vector<const diff::DiffRow*> rowsOfGraph(const diff::DiffReport& report,
                                              const std::string& graph) {
    std::vector<const diff::DiffRow*> rows;
    for (const auto& row : report.rows)
        if (row.a.graph == graph) rows.push_back(&row);
    return rows;
}

// The node a node's output goes to, when exactly one reads it.
std::optional<std::size_t> onlyReader(const Graph& graph, std::size_t node) {
    std::optional<std::size_t> reader;
    const auto value = graph.nodes[node].outputs.front().value;
    for (std::size_t n = 0; n < graph.nodes.size(); ++n)
        for (const auto& operand : graph.nodes[n].inputs)
            if (operand.value == value) {
                if (reader && *reader != n) return std::nullopt;
                reader = n;
            }
    return reader;
}

} // namespace

TEST_CASE("an Ethos-U55 command stream agrees layer by layer with the TOSA it was compiled from") {
    const auto registry = FormatRegistry::standard();
    const auto program =
        registry.open(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    const auto tosa = registry.open(pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa"));
    const auto report = diffModels(program, tosa, 1);
    const auto layers = rowsOfGraph(report, "forward/EthosUBackend#0");
    // One row per TOSA CONV2D (36), DEPTHWISE_CONV2D (17), ADD (10), AVG_POOL2D and TRANSPOSE.
    const auto expected = implementedOperators(tosa.graphs[0]);
    CHECK(expected == 65);
    REQUIRE(layers.size() == expected);
    std::set<std::int64_t> operators;
    for (const auto* row : layers) {
        INFO(rowText(*row));
        CHECK(row->metrics.compared);
        CHECK(row->metrics.pass);
        CHECK(row->metrics.maxAbs == 0);
        CHECK(row->metrics.note.empty()); // int8 against int8, same shape: no dequantising
        CHECK(row->b.graph == "main");
        operators.insert(row->b.node);
    }
    CHECK(operators.size() == expected); // every operator once
    // The stream starts with the NCHW -> NHWC transpose (225 moves) and ends with the classifier.
    CHECK(layers.front()->b.op == "tosa.TRANSPOSE");
    CHECK(layers.back()->metrics.count == 1000);
    CHECK(report.passed());
}

TEST_CASE("a changed weight byte in the TOSA diverges first at the NPU layer of that convolution") {
    const auto original = pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto registry = FormatRegistry::standard();
    const auto program =
        registry.open(pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"));
    const auto tosa = registry.open(original);
    const auto fault = weightOf(tosa, "tosa.CONV2D", 5);
    const auto copy = pteron::testing::madeDir() / "diff_layer_fault_mv2.tosa";
    pteron::testing::writeFaultyCopy(original, copy, fault.offset);
    const auto faulty = registry.open(copy.string());

    const auto report = diffModels(program, faulty, 1);
    const auto* first = report.firstDivergence();
    REQUIRE(first != nullptr);
    INFO(rowText(*first));
    CHECK(first->a.graph == "forward/EthosUBackend#0");
    CHECK(first->a.op == "ethosu.CONV");
    // The NPU output is the convolution's after its fused RESCALE (and CLAMP when there is one).
    const auto& graph = faulty.graphs[fault.graph];
    std::set<std::int64_t> fused;
    auto node = onlyReader(graph, fault.reader);
    for (int step = 0; node && step < 2; ++step) {
        fused.insert(static_cast<std::int64_t>(*node));
        node = onlyReader(graph, *node);
    }
    CHECK(fused.count(first->b.node) == 1);
    std::size_t before = 0;
    for (const auto& row : report.rows) {
        if (&row == first) break;
        CHECK(row.metrics.maxAbs == 0);
        ++before;
    }
    // The transpose and the four convolutions before it (with a depthwise between each).
    CHECK(before >= 5);
}

TEST_CASE("a Vela .tflite agrees layer by layer with the .tflite it was compiled from") {
    const auto registry = FormatRegistry::standard();
    const auto vela =
        registry.open(pteron::testing::fixture("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite"));
    const auto source =
        registry.open(pteron::testing::fixture("tflite/arm_mlek_kws_micronet_m_int8.tflite"));
    const auto report = diffModels(vela, source, 5);
    const auto layers = rowsOfGraph(report, "subgraph0/ethos-u#0");
    REQUIRE(layers.size() == implementedOperators(source.graphs[0]));
    for (const auto* row : layers) {
        INFO(rowText(*row));
        CHECK(row->metrics.pass);
        CHECK(row->metrics.maxAbs == 0);
    }
    CHECK(report.passed());
}

TEST_CASE("a Vela .tflite runs its ethos-u operator through the source .tflite as a substitute") {
    const auto vela = pteron::testing::fixture("tflite/arm_mlek_kws_micronet_m_vela_H128.tflite");
    const auto source = pteron::testing::fixture("tflite/arm_mlek_kws_micronet_m_int8.tflite");
    SECTION("side B substituted: every layer of A's stream against the substitute") {
        const auto outcome =
            diffCommand({vela, vela, "--delegate", "ethos-u#0=" + source, "--seed", "6", "--json"});
        INFO(outcome.err);
        REQUIRE(outcome.code == 0);
        const auto json = nlohmann::json::parse(outcome.out);
        std::size_t layerRows = 0;
        for (const auto& row : json["tensors"]) {
            CHECK(row["max_abs"] == 0);
            if (row["graph"] == "subgraph0/ethos-u#0" && row["other"]["graph"] == "main")
                ++layerRows;
        }
        CHECK(layerRows == 13);
        // The operator's output from the command stream against the substitute's.
        CHECK(json["tensors"][json["tensors"].size() - 2]["op"] == "tflite.custom:ethos-u");
    }
    SECTION("side A substituted: the source's result against the command stream's") {
        const auto outcome = diffCommand(
            {vela, vela, "--delegate-a", "ethos-u#0=" + source, "--seed", "6", "--json"});
        INFO(outcome.err);
        REQUIRE(outcome.code == 0);
        const auto json = nlohmann::json::parse(outcome.out);
        REQUIRE(json["tensors"].size() == 2);
        CHECK(json["tensors"][0]["op"] == "tflite.custom:ethos-u");
        CHECK(json["tensors"][1]["op"] == "output");
    }
    SECTION("a side A substitute must name a delegate of A") {
        CHECK_THROWS_WITH(diffCommand({vela, vela, "--delegate-a", "NoSuch#3=" + source}),
                          Catch::Contains("--delegate-a names NoSuch#3"));
    }
}

TEST_CASE("--delegate-a replaces a delegate of side A: the TOSA in place of the VGF payload") {
    const auto program = pteron::testing::fixture("pte/arm_mv2_vgf_int8.pte");
    const auto tosa = pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto outcome = diffCommand(
        {program, program, "--delegate-a", "VgfBackend#0=" + tosa, "--seed", "3", "--json"});
    INFO(outcome.err);
    REQUIRE(outcome.code == 0);
    const auto json = nlohmann::json::parse(outcome.out);
    CHECK(json["first_divergence"].is_null());
    // A's delegate call ran the TOSA; its output agrees with B's VGF payload bit for bit.
    bool call = false;
    for (const auto& row : json["tensors"]) {
        CHECK(row["max_abs"] == 0);
        call = call || row["op"] == "VgfBackend";
    }
    CHECK(call);
}

namespace {

// The sample ETRecord's members with its debug-handle map replaced.
std::string etrecordWithHandles(const std::string& handles, const std::string& name) {
    const auto file = MappedFile::open(pteron::testing::fixture("etrecord/et_sample_etrecord.bin"));
    const ZipArchive zip(ByteView(file, file->bytes()), file->path());
    pteron::testing::ZipMembers members;
    for (const auto& entry : zip.entries()) {
        const auto bytes = zip.contents(entry);
        members.emplace_back(
            entry.name, entry.name == "debug_handle_map"
                            ? pteron::testing::bytesOf(handles)
                            : std::vector<std::byte>(bytes.bytes().begin(), bytes.bytes().end()));
    }
    const auto path = (pteron::testing::madeDir() / name).string();
    fs::create_directories(pteron::testing::madeDir());
    const auto zipped = pteron::testing::storedZip(members);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(zipped.data()),
               static_cast<std::streamsize>(zipped.size()));
    return path;
}

// The sample ETRecord's program: forward(x, y) = x * y on fp32[3, 2]; here as instruction 1,
// after an instruction 0 that squares x (the same operator, so only the debug handle tells the
// recorded mul's instruction apart).
std::string squareThenMulProgram() {
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    const auto x = writer.addTensor(Spec{PteScalarType::Float, {3, 2}, 0, true, 0});
    const auto y = writer.addTensor(Spec{PteScalarType::Float, {3, 2}, 0, true, 32});
    const auto square = writer.addTensor(Spec{PteScalarType::Float, {3, 2}, 0, true, 64});
    const auto product = writer.addTensor(Spec{PteScalarType::Float, {3, 2}, 0, true, 96});
    writer.setInputs({x, y});
    writer.addKernelCall("aten::mul", "out", {x, x, square, square});
    writer.addKernelCall("aten::mul", "out", {x, y, product, product});
    writer.setOutputs({product});
    const auto path = (pteron::testing::madeDir() / "diff_square_then_mul.pte").string();
    writer.write(path);
    return path;
}

} // namespace

TEST_CASE("an ETRecord's debug-handle map pairs its recorded node with the program instruction") {
    const auto program = squareThenMulProgram();
    // The recorded mul has debug handle 2; the map says instruction 1 carries it.
    const auto etrecord = etrecordWithHandles(R"({"forward": {"1": [2]}})", "diff_handles.bin");
    const auto registry = FormatRegistry::standard();
    const auto a = registry.open(program);
    const auto b = registry.open(etrecord);
    const auto pairs = correspondModels(a, b);
    const auto edge = std::find_if(pairs.begin(), pairs.end(), [&b](const GraphCorrespondence& p) {
        return b.graphs[p.right].id == "forward";
    });
    REQUIRE(edge != pairs.end());
    REQUIRE(edge->nodes.size() == 1);
    CHECK(edge->nodes.front() == std::pair<std::size_t, std::size_t>{1, 0});

    // pteron diff PROGRAM ETRECORD: the recorded mul against instruction 1, x * y on both sides.
    const auto outcome = diffCommand({program, etrecord, "--seed", "9", "--json"});
    INFO(outcome.out << outcome.err);
    const auto json = nlohmann::json::parse(outcome.out);
    bool instructionOne = false;
    for (const auto& row : json["tensors"]) {
        if (row["other"]["graph"] != "forward" || row["node"] != 1) continue;
        instructionOne = true;
        CHECK(row["pass"] == true);
        CHECK(row["max_abs"] == 0);
    }
    CHECK(instructionOne);
    // Without the map, the first mul of the same name is taken: x * x against x * y differs.
    const auto unmapped = etrecordWithHandles("{}", "diff_no_handles.bin");
    const auto plain = diffCommand({program, unmapped, "--seed", "9", "--json"});
    const auto plainJson = nlohmann::json::parse(plain.out);
    CHECK(plain.code == kExitDiffFailed);
    CHECK(plainJson["first_divergence"]["node"] == 0);
}
