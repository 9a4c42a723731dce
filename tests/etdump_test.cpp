#include "app/sample/pte_program_writer.hpp"
#include "core/format_error.hpp"
#include "etdump_generated.h"
#include "parsers/etdump/etdump_attach.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace pteron;
namespace fbe = pteron::fb::etdump;

namespace {

const std::string kTutorial = "etdump/et_tutorial_etdump.etdp";

const Attribute& attribute(const Attributes& attributes, const std::string& name) {
    const auto* found = findAttribute(attributes, name);
    INFO(name);
    REQUIRE(found != nullptr);
    return *found;
}

std::int64_t intAttribute(const Attributes& attributes, const std::string& name) {
    const auto& value = attribute(attributes, name).value;
    REQUIRE(std::holds_alternative<std::int64_t>(value));
    return std::get<std::int64_t>(value);
}

void writeFile(const std::string& path, std::span<const std::uint8_t> bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// Builds size-prefixed ETDumps the way the runtime writes them.
class EtdumpBuilder {
  public:
    void profile(const std::string& name, std::int32_t chain, std::int32_t instruction,
                 std::uint64_t start, std::uint64_t end, std::int32_t delegateId = -1) {
        events_.push_back(fbe::CreateEvent(
            builder_, fbe::CreateProfileEventDirect(builder_, name.c_str(), chain, instruction,
                                                    delegateId, nullptr, nullptr, start, end)));
    }
    void debugTensor(const std::string& name, std::int32_t instruction,
                     std::vector<std::int64_t> sizes, std::int64_t offset, bool output = false) {
        const auto tensor = fbe::CreateTensorDirect(builder_, pteron::fb::pte::ScalarType::FLOAT,
                                                    &sizes, nullptr, offset);
        const auto flag =
            output ? fbe::CreateBool(builder_, true) : flatbuffers::Offset<fbe::Bool>();
        const auto value =
            fbe::CreateValue(builder_, fbe::ValueType::Tensor, tensor, 0, 0, 0, 0, 0, flag);
        events_.push_back(
            fbe::CreateEvent(builder_, 0, 0,
                             fbe::CreateDebugEventDirect(builder_, 0, instruction, value, -1,
                                                         nullptr, name.c_str())));
    }
    void endRun(const std::string& name) {
        runs_.push_back(fbe::CreateRunDataDirect(builder_, name.c_str(), -1, nullptr, &events_));
        events_.clear();
    }
    std::vector<std::uint8_t> finish() {
        builder_.FinishSizePrefixed(fbe::CreateETDumpDirect(builder_, 0, &runs_), "ED00");
        return {builder_.GetBufferPointer(), builder_.GetBufferPointer() + builder_.GetSize()};
    }

  private:
    flatbuffers::FlatBufferBuilder builder_;
    std::vector<flatbuffers::Offset<fbe::Event>> events_;
    std::vector<flatbuffers::Offset<fbe::RunData>> runs_;
};

} // namespace

TEST_CASE("the tutorial ETDump opens as one graph per run") {
    const auto model = FormatRegistry::standard().open(testing::fixture(kTutorial));
    CHECK(model.format == "etdump");
    CHECK(model.formatVersion == "ED00");
    CHECK(model.files.front()->size() == 2320);
    CHECK(intAttribute(model.metadata, "size prefix") == 2316);
    CHECK(intAttribute(model.metadata, "schema version") == 0);
    CHECK(intAttribute(model.metadata, "runs") == 2);
    REQUIRE(model.graphs.size() == 2);

    const auto& init = model.graphs[0];
    CHECK(init.name == "Default");
    CHECK(init.kind == "run");
    REQUIRE(init.nodes.size() == 2);
    CHECK(init.nodes[0].op == "etdump.Method::init");
    CHECK(intAttribute(init.nodes[0].attributes, "chain") == -1);
    CHECK(intAttribute(init.nodes[0].attributes, "duration") == 421538 - 399054);
    CHECK(init.nodes[1].op == "etdump.Program::load_method");

    const auto& execute = model.graphs[1];
    CHECK(execute.name == "Execute");
    CHECK(execute.id == "Execute#1");
    REQUIRE(execute.nodes.size() == 29);
    CHECK(execute.values.empty()); // the tutorial ran without intermediate-output logging
    const auto histogram = execute.opHistogram();
    CHECK(histogram.at("etdump.OPERATOR_CALL") == 14);
    CHECK(histogram.at("etdump.native_call_convolution.out") == 2);
    CHECK(histogram.at("etdump.native_call_relu.out") == 4);
    CHECK(histogram.at("etdump.native_call_max_pool2d_with_indices.out") == 2);
    CHECK(histogram.at("etdump.native_call_permute_copy.out") == 3);
    CHECK(histogram.at("etdump.native_call_addmm.out") == 3);
    CHECK(histogram.at("etdump.Method::execute") == 1);

    const auto& first = execute.nodes[0];
    CHECK(first.name == "native_call_convolution.out");
    CHECK(intAttribute(first.attributes, "instruction_id") == 0);
    CHECK(intAttribute(first.attributes, "chain") == 0);
    CHECK(intAttribute(first.attributes, "start") == 426786);
    CHECK(intAttribute(first.attributes, "end") == 971569);
    CHECK(intAttribute(first.attributes, "duration") == 544783);
    CHECK(findAttribute(first.attributes, "delegate_debug_id_int") == nullptr);

    // Kernel events pair with OPERATOR_CALL for instructions 0..13, then the method's own event.
    for (std::int64_t instruction = 0; instruction < 14; ++instruction) {
        const auto& kernel = execute.nodes[static_cast<std::size_t>(2 * instruction)];
        const auto& call = execute.nodes[static_cast<std::size_t>(2 * instruction + 1)];
        CHECK(kernel.name.starts_with("native_call_"));
        CHECK(call.op == "etdump.OPERATOR_CALL");
        CHECK(intAttribute(kernel.attributes, "instruction_id") == instruction);
        CHECK(intAttribute(call.attributes, "instruction_id") == instruction);
        CHECK(intAttribute(call.attributes, "start") <= intAttribute(kernel.attributes, "start"));
        CHECK(intAttribute(call.attributes, "end") >= intAttribute(kernel.attributes, "end"));
    }
    const auto& method = execute.nodes.back();
    CHECK(method.op == "etdump.Method::execute");
    CHECK(intAttribute(method.attributes, "chain") == -1);
    CHECK(intAttribute(method.attributes, "duration") == 1898821);
    for (const auto& node : execute.nodes)
        CHECK(node.partition < execute.partitions.size());
}

TEST_CASE("ETDump size prefixes are checked against the file") {
    auto original = MappedFile::open(testing::fixture(kTutorial));
    std::vector<std::byte> bytes(original->bytes().begin(), original->bytes().end());
    bytes[1] = std::byte{0x7f}; // prefix now claims far more than the file holds
    try {
        FormatRegistry::standard().read(MappedFile::fromBytes("long.etdp", bytes));
        FAIL("no error");
    } catch (const FormatError& error) {
        CHECK(error.format() == "etdump");
        CHECK(std::string(error.what()).find("size prefix") != std::string::npos);
    }
}

TEST_CASE("debug events carry tensor metadata and views into the debug buffer") {
    EtdumpBuilder builder;
    builder.profile("OPERATOR_CALL", 0, 0, 100, 250);
    builder.debugTensor("aten::add.out", 0, {2, 2}, 64);
    builder.debugTensor("output", 0, {3}, -1, true);
    builder.endRun("Execute");
    const auto dir = testing::madeDir();
    const auto etdumpPath = (dir / "debug_events.etdp").string();
    writeFile(etdumpPath, builder.finish());
    const auto bufferPath = (dir / "debug_events.bin").string();
    writeFile(bufferPath, std::vector<std::uint8_t>(128, 0x11));

    const auto model =
        FormatRegistry::standard().open(etdumpPath, ReadOptions{{bufferPath}, {}, {}});
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    REQUIRE(graph.nodes.size() == 3);
    CHECK(intAttribute(graph.nodes[0].attributes, "duration") == 150);
    const auto& debug = graph.nodes[1];
    CHECK(debug.op == "etdump.debug");
    CHECK(debug.name == "aten::add.out");
    REQUIRE(debug.outputs.size() == 1);
    const auto& tensor = *graph.value(debug.outputs[0].value);
    CHECK(tensor.dtype == DType::Float32);
    CHECK(tensor.shape == std::vector<std::int64_t>{2, 2});
    CHECK(tensor.data.size() == 16);
    CHECK(tensor.data.fileOffset() == 64);
    CHECK(intAttribute(tensor.attributes, "debug buffer offset") == 64);
    const auto& output = *graph.value(graph.nodes[2].outputs.at(0).value);
    CHECK(output.kind == ValueKind::Output);
    CHECK(output.data.empty());
    CHECK(graph.outputs.size() == 1);

    // The dedicated option names the buffer even beside other companions.
    ReadOptions named;
    named.companions = {(dir / "unrelated.ptd").string()};
    named.debugBuffer = bufferPath;
    const auto viaOption = FormatRegistry::standard().open(etdumpPath, named);
    const auto& viaTensor =
        *viaOption.graphs[0].value(viaOption.graphs[0].nodes[1].outputs[0].value);
    CHECK(viaTensor.data.size() == 16);
    CHECK(viaTensor.data.fileOffset() == 64);
    const auto* shown = findAttribute(viaOption.metadata, "debug buffer");
    REQUIRE(shown);
    CHECK(std::get<std::string>(shown->value) == bufferPath);

    // The same dump without a buffer keeps the metadata only.
    const auto bare = FormatRegistry::standard().open(etdumpPath);
    CHECK(bare.graphs[0].value(bare.graphs[0].nodes[1].outputs[0].value)->data.empty());

    // A buffer too short for the tensor is refused with its name.
    const auto shortPath = (dir / "debug_events_short.bin").string();
    writeFile(shortPath, std::vector<std::uint8_t>(70, 0));
    CHECK_THROWS_AS(FormatRegistry::standard().open(etdumpPath, ReadOptions{{shortPath}, {}, {}}),
                    FormatError);
}

TEST_CASE("ETDump timings attach to the program's instructions") {
    const auto dir = testing::madeDir();
    const auto programPath = (dir / "etdump_attach.pte").string();
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 0});
    const auto alpha = writer.addInt(1);
    const auto a = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 16});
    const auto b = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 32});
    const auto c = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 48});
    const auto d = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 64});
    writer.addKernelCall("aten::add", "out", {input, input, alpha, a, a});
    writer.addKernelCall("aten::mul", "out", {a, a, b, b});
    writer.addKernelCall("aten::add", "out", {b, a, alpha, c, c});
    const auto npu = writer.addDelegate("QnnBackend", {1, 2, 3, 4}, {});
    writer.addDelegateCall(npu, {c, d});
    writer.setInputs({input});
    writer.setOutputs({d});
    writer.write(programPath);

    EtdumpBuilder builder;
    builder.profile("Method::init", -1, 0, 0, 10);
    builder.endRun("Default");
    // Two inferences: instruction i takes (i + 1) * 100 ticks in the first and twice that in the
    // second.
    for (std::uint64_t run = 1; run <= 2; ++run) {
        std::uint64_t clock = 1000 * run;
        for (std::int32_t i = 0; i < 3; ++i) {
            const auto ticks = static_cast<std::uint64_t>(i + 1) * 100 * run;
            builder.profile(i == 1 ? "native_call_mul.out" : "native_call_add.out", 0, i, clock + 1,
                            clock + ticks - 1);
            builder.profile("OPERATOR_CALL", 0, i, clock, clock + ticks);
            clock += ticks;
        }
        builder.profile("Conv2d #1", 0, 3, clock + 1, clock + 41, 7);
        builder.profile("DELEGATE_CALL", 0, 3, clock, clock + 50 * run);
        builder.profile("Method::execute", -1, 0, 1000 * run, clock + 50 * run);
        builder.endRun("Execute");
    }
    const auto etdumpPath = (dir / "etdump_attach.etdp").string();
    writeFile(etdumpPath, builder.finish());

    ReadOptions options;
    options.etdump = etdumpPath;
    const auto model = FormatRegistry::standard().open(programPath, options);
    const auto* graph = model.findGraph("forward");
    REQUIRE(graph != nullptr);
    REQUIRE(graph->nodes.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& node = graph->nodes[i];
        const auto base = static_cast<std::int64_t>(i + 1) * 100;
        INFO(node.op);
        CHECK(intAttribute(node.attributes, "runtime.calls") == 2);
        CHECK(intAttribute(node.attributes, "runtime.ticks.min") == base);
        CHECK(intAttribute(node.attributes, "runtime.ticks.max") == 2 * base);
        CHECK(std::get<double>(attribute(node.attributes, "runtime.ticks.avg").value) ==
              Approx(1.5 * static_cast<double>(base)));
        CHECK(intAttribute(node.attributes, "runtime.ticks.total") == 3 * base);
    }
    CHECK(toString(attribute(graph->nodes[1].attributes, "runtime.kernel").value) == "[mul.out]");
    const auto& delegate = graph->nodes[3];
    CHECK(intAttribute(delegate.attributes, "runtime.ticks.max") == 100);
    const auto& events = std::get<std::vector<std::string>>(
        attribute(delegate.attributes, "runtime.delegate_events").value);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == "Conv2d #1 [7]: 2 calls, 40 ticks avg");
    CHECK(toString(attribute(model.metadata, "etdump").value) == etdumpPath);
    CHECK(intAttribute(model.metadata, "etdump runs") == 3);
    CHECK(intAttribute(model.metadata, "etdump execute runs") == 2);
    CHECK(intAttribute(model.metadata, "etdump instructions timed") == 4);
    CHECK(findAttribute(model.metadata, "etdump kernel names differing from the program") ==
          nullptr);
}

TEST_CASE("attaching a dump of another program reports what does not fit") {
    const auto dir = testing::madeDir();
    const auto programPath = (dir / "etdump_attach_small.pte").string();
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {4}, 0, true, 0});
    const auto out = writer.addTensor(Spec{PteScalarType::Float, {4}, 0, true, 16});
    writer.addKernelCall("aten::relu", "out", {input, out, out});
    writer.setInputs({input});
    writer.setOutputs({out});
    writer.write(programPath);

    auto model = FormatRegistry::standard().open(programPath);
    attachEtdump(model, testing::fixture(kTutorial), {});
    CHECK(intAttribute(model.metadata, "etdump instructions timed") == 1);
    CHECK(intAttribute(model.metadata, "etdump instructions without a node") == 13);
    // Instruction 0 of the tutorial ran a convolution, not this program's relu.
    CHECK(intAttribute(model.metadata, "etdump kernel names differing from the program") == 1);
    CHECK(intAttribute(model.graphs[0].nodes[0].attributes, "runtime.ticks.max") == 546816);
}

TEST_CASE("damaged ETDumps read or fail cleanly") {
    const auto report =
        testing::damageAndRead(FormatRegistry::standard(), testing::fixture(kTutorial));
    CHECK(report.originalReads);
    CHECK(report.truncationErrors > 0);
    CHECK(report.formatErrors > 0);
    CHECK(report.readOk > 0);
}
