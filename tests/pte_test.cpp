#include "app/sample/pte_program_writer.hpp"
#include "app/sample/xnnpack_sample_payload.hpp"
#include "core/format_error.hpp"
#include "executorch_program_generated.h"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace pteron;
using testing::fixture;

namespace {

Model open(const std::string& relative, ReadOptions options = {}) {
    return FormatRegistry::standard().open(fixture(relative), options);
}

const Graph& graphNamed(const Model& model, const std::string& id) {
    const auto* graph = model.findGraph(id);
    REQUIRE(graph != nullptr);
    return *graph;
}

const Partition* partitionOf(const Graph& graph, const std::string& backend) {
    for (const auto& partition : graph.partitions)
        if (partition.backend == backend) return &partition;
    return nullptr;
}

std::string metadata(const Model& model, const std::string& name) {
    const auto* attribute = findAttribute(model.metadata, name);
    return attribute ? toString(attribute->value) : "";
}

std::string specText(const Partition& partition, const std::string& key) {
    for (const auto& spec : partition.compileSpecs)
        if (spec.key == key) return spec.text;
    return "";
}

} // namespace

TEST_CASE("every .pte fixture opens into consistent graphs") {
    for (const auto& path : testing::fixturesIn("pte", ".pte")) {
        if (path.find("NOT_A_PTE") != std::string::npos) continue;
        INFO(path);
        const auto model = FormatRegistry::standard().open(path);
        CHECK(model.format == "executorch");
        CHECK(model.formatVersion == "ET12");
        REQUIRE_FALSE(model.topLevelGraphs().empty());
        for (const auto& graph : model.graphs) {
            for (const auto& node : graph.nodes) {
                REQUIRE(node.partition < graph.partitions.size());
                for (const auto& operand : node.inputs)
                    CHECK((operand.value == kAbsentValue || graph.value(operand.value) != nullptr));
                for (const auto& operand : node.outputs)
                    CHECK(graph.value(operand.value) != nullptr);
            }
        }
    }
}

TEST_CASE("methods of a multi-method program become graphs") {
    const auto model = open("pte/cc_multi_method.pte");
    REQUIRE(model.topLevelGraphs().size() == 2);
    const auto& forward = graphNamed(model, "forward");
    const auto& twice = graphNamed(model, "double");
    CHECK(forward.opHistogram().at("aten::add.out") == 1);
    CHECK(twice.opHistogram().at("aten::add.out") == 1);
    CHECK(forward.values.at(forward.inputs.at(0)).typeText() == "fp32[2]");
}

TEST_CASE("constant getter methods have no instructions and a scalar output") {
    const auto model = open("pte/cc_const_methods.pte");
    CHECK(model.topLevelGraphs().size() == 5);
    const auto& scalar = graphNamed(model, "get_scalar");
    CHECK(scalar.nodes.empty());
    const auto& output = scalar.values.at(scalar.outputs.at(0));
    CHECK(output.kind == ValueKind::Scalar);
    CHECK(output.dtype == DType::Int64);
    CHECK(std::holds_alternative<std::int64_t>(output.scalar));
    CHECK(graphNamed(model, "get_double").values.at(0).dtype == DType::Float64);
    const auto& tensor = graphNamed(model, "get_tensor");
    CHECK(tensor.values.at(tensor.outputs.at(0)).typeText() == "int64[3]");
}

TEST_CASE("an out-variant kernel shows its out tensor once, as output") {
    const auto model = open("pte/et_arduino_add_portable.pte");
    CHECK(metadata(model, "extended header") == "eh00, 32 bytes");
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 1);
    const auto& add = graph.nodes[0];
    CHECK(add.op == "aten::add.out");
    REQUIRE(add.outputs.size() == 1);
    CHECK(add.inputs.size() == 2);
    for (const auto& input : add.inputs)
        CHECK(input.value != add.outputs[0].value);
    // alpha is a scalar argument, shown as an attribute
    REQUIRE(findAttribute(add.attributes, "arg2") != nullptr);
    CHECK(toString(findAttribute(add.attributes, "arg2")->value) == "1");
    CHECK(graph.partitions.at(add.partition).backend == "portable");
}

TEST_CASE("A static view without an instruction joins its producer and consumer") {
    // The emitter aliased the pooled [1,64,1,1] tensor as [1,64] for the linear layer and
    // emitted no instruction for it; both tensors sit at one planned offset.
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 17);
    const auto& pool = graph.nodes[13];
    const auto& view = graph.nodes[14];
    const auto& linear = graph.nodes[15];
    CHECK(pool.op == "cortex_m::quantized_avg_pool2d.out");
    CHECK(view.op == "executorch::view");
    CHECK(linear.op == "cortex_m::quantized_linear.out");
    CHECK(findAttribute(view.attributes, "instruction") == nullptr);
    REQUIRE(view.inputs.size() == 1);
    REQUIRE(view.outputs.size() == 1);
    CHECK(view.inputs[0].value == pool.outputs[0].value);
    CHECK(view.outputs[0].value == linear.inputs[0].value);
    const auto& viewed = graph.values.at(static_cast<std::size_t>(view.outputs[0].value));
    const auto& pooled = graph.values.at(static_cast<std::size_t>(pool.outputs[0].value));
    CHECK(viewed.typeText() == "int8[1,64]");
    CHECK(pooled.typeText() == "int8[1,64,1,1]");
    REQUIRE(viewed.allocation);
    REQUIRE(pooled.allocation);
    CHECK(viewed.allocation->memoryId == pooled.allocation->memoryId);
    CHECK(viewed.allocation->offset == pooled.allocation->offset);
    CHECK(graph.partitions.at(view.partition).backend == "cortex_m");
    // No other fixture program leaves a consumer without its producer.
    CHECK(graphNamed(open("pte/et_xor_training.pte"), "forward")
              .opHistogram()
              .count("executorch::view") == 0);
}

TEST_CASE("Cortex-M kernels are placed in their namespace") {
    const auto model = open("pte/et_arduino_kws_dscnn_cortexm_int8.pte");
    const auto& graph = graphNamed(model, "forward");
    const auto histogram = graph.opHistogram();
    CHECK(histogram.at("cortex_m::quantized_conv2d.out") == 4);
    CHECK(histogram.at("cortex_m::quantized_depthwise_conv2d.out") == 5);
    CHECK(histogram.at("cortex_m::quantized_linear.out") == 1);
    const auto* cortex = partitionOf(graph, "cortex_m");
    REQUIRE(cortex != nullptr);
    CHECK(cortex->device == DeviceClass::CPU);
    CHECK_FALSE(cortex->delegated);
    CHECK(graph.values.at(graph.inputs.at(0)).typeText() == "fp32[1,1,49,10]");
    // Several tensors share buffers; each byte counts once. The file's only segment is its
    // constant segment, and eh00 segment_data_size (u64 at offset 32) says how big it is.
    const auto file = MappedFile::open(fixture("pte/et_arduino_kws_dscnn_cortexm_int8.pte"));
    std::uint64_t segmentDataSize = 0;
    std::memcpy(&segmentDataSize, file->bytes().data() + 32, sizeof(segmentDataSize));
    CHECK(segmentDataSize == 39216);
    CHECK(metadata(model, "segments") == "1");
    CHECK(model.constantBytes() == segmentDataSize);
}

TEST_CASE("custom operator namespaces are kept") {
    const auto model = open("pte/cc_lstm_custom_op.pte");
    const auto& graph = graphNamed(model, "forward");
    CHECK(graph.opHistogram().at("etnp::lstm.out") == 1);
    CHECK(graph.partitions.at(graph.nodes.at(0).partition).backend == "etnp");
    CHECK(graph.inputs.size() == 3);
    CHECK(graph.outputs.size() == 3);
}

TEST_CASE("Ethos-U delegate: id, target, compile specs, inline payload") {
    const auto model = open("pte/arm_mv2_ethosu55_128_int8.pte");
    const auto& graph = graphNamed(model, "forward");
    const auto histogram = graph.opHistogram();
    CHECK(histogram.at("EthosUBackend") == 1);
    CHECK(histogram.at("cortex_m::quantize_per_tensor.out") == 1);
    CHECK(histogram.at("cortex_m::dequantize_per_tensor.out") == 1);
    const auto* ethos = partitionOf(graph, "EthosUBackend");
    REQUIRE(ethos != nullptr);
    CHECK(ethos->delegated);
    CHECK(ethos->device == DeviceClass::NPU);
    CHECK(ethos->target == "ethos-u55-128");
    CHECK(specText(*ethos, "tosa_spec") == "TOSA-1.0+INT+int16+u55");
    CHECK(specText(*ethos, "output_format") == "vela");
    CHECK(ethos->payloadBytes == 3379376);
    CHECK(ethos->payloadLocation == "inline #0");
    CHECK(ethos->payloadMagic == "vela_bin_stream");
    // quantize -> delegate -> dequantize: the delegate reads what quantize wrote
    REQUIRE(graph.nodes.size() == 3);
    CHECK(graph.nodes[1].op == "EthosUBackend");
    CHECK(graph.nodes[1].inputs.at(0).value == graph.nodes[0].outputs.at(0).value);
    CHECK(graph.nodes[2].inputs.at(0).value == graph.nodes[1].outputs.at(0).value);
}

TEST_CASE("Ethos-U targets come from each file's compile specs") {
    CHECK(partitionOf(graphNamed(open("pte/himax_add_quant_ethosu55_64.pte"), "forward"),
                      "EthosUBackend")
              ->target == "ethos-u55-64");
    const auto model = open("pte/cmsisexec_ethos_u_minimal_example.pte");
    const auto& graph = graphNamed(model, "forward");
    const auto* ethos = partitionOf(graph, "EthosUBackend");
    REQUIRE(ethos != nullptr);
    CHECK(ethos->target == "ethos-u55-128");
    CHECK(ethos->payloadBytes == 1312);
    // two quantized inputs enter the delegate, one output leaves it
    const auto& call = graph.nodes.at(2);
    CHECK(call.op == "EthosUBackend");
    CHECK(call.inputs.size() == 2);
    CHECK(call.outputs.size() == 1);
}

TEST_CASE("VGF delegate payload inline and in a segment") {
    const auto inlined = open("pte/arm_mv2_vgf_int8.pte");
    const auto* inlinePartition = partitionOf(graphNamed(inlined, "forward"), "VgfBackend");
    REQUIRE(inlinePartition != nullptr);
    CHECK(inlinePartition->device == DeviceClass::GPU);
    CHECK(inlinePartition->payloadLocation == "inline #0");
    CHECK(inlinePartition->payloadMagic == "VGF1");
    CHECK(metadata(inlined, "extended header") == "none");

    const auto segmented = open("pte/arm_mv2_vgf_int8_segments.pte");
    const auto* segmentPartition = partitionOf(graphNamed(segmented, "forward"), "VgfBackend");
    REQUIRE(segmentPartition != nullptr);
    CHECK(segmentPartition->payloadLocation == "segment #1");
    CHECK(metadata(segmented, "extended header") == "eh00, 32 bytes");
}

TEST_CASE("XNNPACK delegates, named data and bounded dynamic shapes") {
    const auto quantized = open("pte/cc_linear_xnnpack_int8.pte");
    CHECK(metadata(quantized, "named data entries") == "2");
    const auto* xnnpack = partitionOf(graphNamed(quantized, "forward"), "XnnpackBackend");
    REQUIRE(xnnpack != nullptr);
    CHECK(xnnpack->payloadMagic == "XH00");
    CHECK(xnnpack->payloadLocation == "segment #1");
    CHECK(xnnpack->payloadBytes == 1088);

    const auto dynamic = open("pte/cc_dynamic_shape_xnnpack.pte");
    const auto& graph = graphNamed(dynamic, "forward");
    const auto& input = graph.values.at(graph.inputs.at(0));
    CHECK(input.dynamism == ShapeDynamism::DynamicBound);
    CHECK(input.typeText() == "fp32[<=8]");
}

TEST_CASE("legacy programs keep constants inline") {
    const auto model = open("pte/et_ModuleLinear-no-constant-segment.pte");
    CHECK(metadata(model, "extended header") == "none");
    CHECK(metadata(model, "constant storage") == "inline constant_buffer (legacy)");
    CHECK(model.constantBytes() == 32);
    CHECK(graphNamed(model, "forward").opHistogram().at("aten::mul.out") == 1);
    const auto old = open("pte/et_module_model_2024.pte");
    CHECK(graphNamed(old, "forward").nodes.size() == 4);
}

TEST_CASE("24-byte extended header of older writers") {
    const auto model = open("pte/et_xor_training.pte");
    CHECK(metadata(model, "extended header") == "eh00, 24 bytes");
    CHECK(graphNamed(model, "forward").nodes.size() == 66);
}

TEST_CASE(".ptd weights resolve, given explicitly or found beside the program") {
    ReadOptions options;
    options.companions.push_back(fixture("ptd/et_linear_external.ptd"));
    const auto linear = open("pte/et_linear_external.pte", options);
    CHECK(linear.constantBytes() == 48);
    CHECK(linear.files.size() == 2);

    // Without its companion the external weights are reported unresolved, not fatal.
    const auto xorWithout = open("pte/et_xor_training.pte");
    std::size_t unresolved = 0;
    for (const auto& value : graphNamed(xorWithout, "forward").values)
        if (findAttribute(value.attributes, "unresolved")) ++unresolved;
    CHECK(unresolved == 4);

    // A copy of the pair in one folder is found by stem.
    const auto dir = testing::madeDir() / "ptd-beside";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(fixture("pte/et_xor_training.pte"), dir / "xor.pte",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(fixture("ptd/et_xor_training.ptd"), dir / "xor.ptd",
                               std::filesystem::copy_options::overwrite_existing);
    const auto xorModel = FormatRegistry::standard().open((dir / "xor.pte").string());
    CHECK(xorModel.constantBytes() == 216);
    const auto& graph = graphNamed(xorModel, "forward");
    bool weightResolved = false;
    for (const auto& value : graph.values)
        if (value.name == "net.linear.weight") weightResolved = value.data.size() == 80;
    CHECK(weightResolved);
}

TEST_CASE("a file that is not a program gives a clear FormatError") {
    try {
        open("pte/cc_corrupt_NOT_A_PTE.pte");
        FAIL("no error");
    } catch (const FormatError& error) {
        const std::string message = error.what();
        CHECK(message.find("cc_corrupt_NOT_A_PTE.pte") != std::string::npos);
        CHECK(message.find("NOT_A_PTE") != std::string::npos);
        CHECK(error.format() == "executorch");
        CHECK(error.where() == "offset 0x4");
        CHECK(error.expected().find("flatbuffer identifier ET12") != std::string::npos);
    }
}

TEST_CASE("programs written with the project's own builders read back") {
    const auto path = (testing::madeDir() / "writer_roundtrip.pte").string();
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    const auto weightData = writer.addConstant(std::vector<std::uint8_t>(4 * 4, 0x3f));
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 0});
    const auto weight = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, weightData, false, 0});
    const auto alpha = writer.addInt(1);
    const auto sum = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 16});
    const auto result = writer.addTensor(Spec{PteScalarType::Float, {1, 4}, 0, true, 32});
    writer.addKernelCall("aten::add", "out", {input, weight, alpha, sum, sum});
    const auto qnn = writer.addDelegate("QnnBackend", {0xcd, 0xab, 0x78, 0x56, 1, 2, 3, 4},
                                        {{"qnn_compile_spec", "x"}});
    writer.addDelegateCall(qnn, {sum, result});
    writer.setInputs({input});
    writer.setOutputs({result});
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 2);
    CHECK(graph.nodes[0].op == "aten::add.out");
    CHECK(graph.values.at(static_cast<std::size_t>(weight)).data.size() == 16);
    CHECK(graph.values.at(static_cast<std::size_t>(sum)).allocation->offset == 16);
    const auto* opaque = partitionOf(graph, "QnnBackend");
    REQUIRE(opaque != nullptr);
    CHECK(opaque->payloadBytes == 8);
    CHECK(opaque->note.find("QNN context") != std::string::npos);
    CHECK(opaque->device == DeviceClass::NPU);
    CHECK(graph.nodes[1].outputs.at(0).value == result);
}

TEST_CASE("unknown program identifiers name the expected version") {
    auto bytes = std::vector<std::byte>(64, std::byte{0});
    std::memcpy(bytes.data() + 4, "ET13", 4);
    try {
        FormatRegistry::standard().read(MappedFile::fromBytes("future.pte", bytes));
        FAIL("no error");
    } catch (const FormatError& error) {
        CHECK(std::string(error.what()).find("ET12") != std::string::npos);
        CHECK(std::string(error.what()).find("ET13") != std::string::npos);
    }
}

TEST_CASE("damaged .pte files read or fail cleanly") {
    const auto registry = FormatRegistry::standard();
    for (const auto& path : testing::fixturesIn("pte", ".pte")) {
        INFO(path);
        const auto report = testing::damageAndRead(registry, path);
        const bool corrupt = path.find("NOT_A_PTE") != std::string::npos;
        CHECK(report.originalReads == !corrupt);
        CHECK(report.truncationErrors > 0);
        if (!corrupt) CHECK(report.formatErrors < report.attempts); // some damage still reads
    }
}

namespace {

using Spec = PteProgramWriter::TensorSpec;

std::string madePath(const std::string& name) {
    return (testing::madeDir() / name).string();
}

std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t first) {
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<std::uint8_t>(first + i);
    return bytes;
}

std::vector<std::uint8_t> bytesOf(const ByteView& view) {
    std::vector<std::uint8_t> bytes;
    for (auto byte : view.bytes())
        bytes.push_back(std::to_integer<std::uint8_t>(byte));
    return bytes;
}

const Value& valueAt(const Graph& graph, std::int32_t index) {
    return graph.values.at(static_cast<std::size_t>(index));
}

bool hasInput(const Node& node, std::int64_t value, const std::string& name) {
    for (const auto& operand : node.inputs)
        if (operand.value == value && operand.name == name) return true;
    return false;
}

} // namespace

TEST_CASE("MoveCall, JumpFalseCall and FreeCall become runtime nodes") {
    PteProgramWriter writer;
    const auto a = writer.addTensor(Spec{PteScalarType::Float, {2}, 0, true, 0});
    const auto b = writer.addTensor(Spec{PteScalarType::Float, {2}, 0, true, 16});
    const auto condition = writer.addBool(true);
    writer.addJumpFalseCall(condition, 3);
    writer.addMoveCall(a, b);
    writer.addFreeCall(a);
    writer.setInputs({a});
    writer.setOutputs({b});
    const auto path = madePath("control_instructions.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 3);
    const auto& jump = graph.nodes[0];
    CHECK(jump.op == "executorch::jump_false");
    REQUIRE(jump.inputs.size() == 1);
    CHECK(jump.inputs[0].value == condition);
    CHECK(jump.inputs[0].name == "condition");
    CHECK(jump.outputs.empty());
    REQUIRE(findAttribute(jump.attributes, "destination_instruction") != nullptr);
    CHECK(findAttribute(jump.attributes, "destination_instruction")->value ==
          AttributeValue{std::int64_t{3}});
    CHECK(valueAt(graph, condition).scalar == AttributeValue{true});

    const auto& move = graph.nodes[1];
    CHECK(move.op == "executorch::move");
    REQUIRE(move.inputs.size() == 1);
    CHECK(move.inputs[0].value == a);
    CHECK(move.inputs[0].name == "from");
    REQUIRE(move.outputs.size() == 1);
    CHECK(move.outputs[0].value == b);
    CHECK(move.outputs[0].name == "to");

    const auto& free = graph.nodes[2];
    CHECK(free.op == "executorch::free");
    REQUIRE(free.inputs.size() == 1);
    CHECK(free.inputs[0].value == a);
    CHECK(free.inputs[0].name == "value");
    for (const auto& node : graph.nodes)
        CHECK(graph.partitions.at(node.partition).backend == "portable");
    CHECK(findAttribute(free.attributes, "instruction")->value == AttributeValue{std::int64_t{2}});
}

TEST_CASE("mutable data segments give planned tensors their initial values") {
    PteProgramWriter writer;
    const auto initial = pattern(12, 0x40);
    const auto state =
        writer.addTensor(Spec{PteScalarType::Int, {3}, writer.addMutableData(initial), true, 64});
    const auto other = writer.addTensor(
        Spec{PteScalarType::Byte, {4}, writer.addMutableData(pattern(4, 0x90)), true, 128});
    const auto plain = writer.addTensor(Spec{PteScalarType::Int, {3}, 0, true, 0});
    writer.setInputs({plain});
    writer.setOutputs({state, other});
    const auto path = madePath("mutable_data.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = graphNamed(model, "forward");
    const auto& value = valueAt(graph, state);
    CHECK(toString(findAttribute(value.attributes, "storage")->value) == "mutable data segment");
    CHECK(bytesOf(value.data) == initial);
    CHECK(value.allocation->offset == 64);
    CHECK(bytesOf(valueAt(graph, other).data) == pattern(4, 0x90));
    CHECK(valueAt(graph, plain).data.empty());
    // The mutable segment is the second one, after the (empty) constant segment.
    CHECK(metadata(model, "segments") == "2");
}

TEST_CASE("named_data entries resolve external tensors of the program") {
    PteProgramWriter writer;
    const auto weights = pattern(16, 1);
    writer.addNamedData("linear.weight", weights);
    const auto weight =
        writer.addExternalTensor(Spec{PteScalarType::Float, {2, 2}, 0, false, 0}, "linear.weight");
    const auto bias =
        writer.addExternalTensor(Spec{PteScalarType::Float, {2}, 0, false, 0}, "linear.bias");
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {2, 2}, 0, true, 0});
    const auto output = writer.addTensor(Spec{PteScalarType::Float, {2, 2}, 0, true, 16});
    writer.addKernelCall("aten::mul", "out", {input, weight, output, output});
    writer.setInputs({input});
    writer.setOutputs({output});
    const auto path = madePath("named_data.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    CHECK(metadata(model, "named data entries") == "1");
    const auto& graph = graphNamed(model, "forward");
    const auto& resolved = valueAt(graph, weight);
    CHECK(resolved.kind == ValueKind::Constant);
    CHECK(resolved.name == "linear.weight");
    CHECK(bytesOf(resolved.data) == weights);
    CHECK(toString(findAttribute(resolved.attributes, "data source")->value) == "program");
    CHECK(findAttribute(valueAt(graph, bias).attributes, "unresolved") != nullptr);
    CHECK(model.constantBytes() == 16);
}

TEST_CASE("legacy inline constant_buffer written by the writer reads back") {
    PteProgramWriter writer;
    writer.setConstantStorage(PteProgramWriter::ConstantStorage::InlineBuffer);
    const auto first = pattern(8, 0x10);
    const auto second = pattern(24, 0x80);
    const auto a =
        writer.addTensor(Spec{PteScalarType::Float, {2}, writer.addConstant(first), false, 0});
    const auto b =
        writer.addTensor(Spec{PteScalarType::Float, {6}, writer.addConstant(second), false, 0});
    writer.setOutputs({a, b});
    const auto path = madePath("inline_constants.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    CHECK(metadata(model, "constant storage") == "inline constant_buffer (legacy)");
    const auto& graph = graphNamed(model, "forward");
    CHECK(bytesOf(valueAt(graph, a).data) == first);
    CHECK(bytesOf(valueAt(graph, b).data) == second);
    CHECK(toString(findAttribute(valueAt(graph, b).attributes, "storage")->value) ==
          "inline constant_buffer (legacy)");
    CHECK(model.constantBytes() == 32);
}

TEST_CASE("24- and 32-byte extended headers both lead to the segment data") {
    for (const std::uint32_t length : {24u, 32u}) {
        INFO("eh00 length " << length);
        PteProgramWriter writer;
        writer.setExtendedHeaderLength(length);
        const auto bytes = pattern(20, static_cast<std::uint8_t>(length));
        const auto constant =
            writer.addTensor(Spec{PteScalarType::Byte, {20}, writer.addConstant(bytes), false, 0});
        writer.setOutputs({constant});
        const auto path = madePath("header" + std::to_string(length) + ".pte");
        writer.write(path);

        const auto model = FormatRegistry::standard().open(path);
        CHECK(metadata(model, "extended header") == "eh00, " + std::to_string(length) + " bytes");
        const auto& value = valueAt(graphNamed(model, "forward"), constant);
        CHECK(toString(findAttribute(value.attributes, "storage")->value) == "constant segment");
        CHECK(bytesOf(value.data) == bytes);
        CHECK(value.data.fileOffset() % 128 == 0);
        CHECK(model.constantBytes() == 20);
    }
}

TEST_CASE("a symbolic size keeps the edge from the kernel that produced it") {
    PteProgramWriter writer;
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {4, 3}, 0, true, 0});
    const auto dim = writer.addInt(0);
    const auto size = writer.addInt(0); // filled at run time by sym_size
    writer.addKernelCall("aten::sym_size", "int", {input, dim, size});
    const auto three = writer.addInt(3);
    const auto shape = writer.addIntList({size, three});
    const auto viewed = writer.addTensor(Spec{PteScalarType::Float, {4, 3}, 0, true, 64});
    writer.addKernelCall("aten::view_copy", "out", {input, shape, viewed, viewed});
    const auto scaled = writer.addTensor(Spec{PteScalarType::Float, {4, 3}, 0, true, 128});
    writer.addKernelCall("aten::mul", "Scalar_out", {viewed, size, scaled, scaled});
    writer.setInputs({input});
    writer.setOutputs({scaled});
    const auto path = madePath("symbolic_size.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 3);
    const auto& symSize = graph.nodes[0];
    CHECK(symSize.op == "aten::sym_size.int");
    REQUIRE(symSize.outputs.size() == 1);
    CHECK(symSize.outputs[0].value == size);

    const auto& view = graph.nodes[1];
    CHECK(view.op == "aten::view_copy.out");
    CHECK(hasInput(view, input, "arg0"));
    CHECK(hasInput(view, size, "arg1[0]"));
    CHECK_FALSE(hasInput(view, three, "arg1[1]")); // a literal has no producer
    CHECK(findAttribute(view.attributes, "arg1")->value ==
          AttributeValue{std::vector<std::int64_t>{0, 3}});

    const auto& mul = graph.nodes[2];
    CHECK(hasInput(mul, viewed, "arg0"));
    CHECK(hasInput(mul, size, "arg1"));
    CHECK(mul.outputs.at(0).value == scaled);
}

TEST_CASE("a delegate call splits its arguments by the decoded child graph's signature") {
    PteProgramWriter writer;
    const auto shapes = sampleXnnpackShapes();
    const auto input =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.inputFeatures}, 0, true, 0});
    const auto result =
        writer.addTensor(Spec{PteScalarType::Char, {1, shapes.outputFeatures}, 0, true, 64});
    const auto zero = writer.addInt(0);
    // An earlier kernel writes the buffer the delegate then overwrites: without the child's
    // signature the trailing argument would look like an input.
    writer.addKernelCall("aten::fill", "Scalar_out", {result, zero, result});
    const auto ethos = writer.addDelegate("EthosUBackend", pattern(32, 0), {});
    const auto xnnpack = writer.addDelegate("XnnpackBackend", buildSampleXnnpackPayload(), {});
    writer.addDelegateCall(xnnpack, {input, result});
    writer.setInputs({input});
    writer.setOutputs({result});
    const auto path = madePath("delegate_signature.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 2);
    const auto& call = graph.nodes[1];
    CHECK(call.op == "XnnpackBackend");
    REQUIRE(call.inputs.size() == 1);
    CHECK(call.inputs[0].value == input);
    REQUIRE(call.outputs.size() == 1);
    CHECK(call.outputs[0].value == result);
    // Delegate 1's child graph carries the delegate index, as does the node.
    REQUIRE(call.childGraphs.size() == 1);
    CHECK(model.graphs.at(call.childGraphs[0]).id == "forward/XnnpackBackend#1");
    CHECK(call.name == "XnnpackBackend#1");
    CHECK(ethos == 0);
    CHECK_FALSE(partitionOf(graph, "EthosUBackend")->note.empty());
}

TEST_CASE("compile specs are text only when they are valid UTF-8") {
    PteProgramWriter writer;
    const auto input = writer.addTensor(Spec{PteScalarType::Float, {2}, 0, true, 0});
    const auto output = writer.addTensor(Spec{PteScalarType::Float, {2}, 0, true, 16});
    const auto qnn = writer.addDelegate("QnnBackend", {0xcd, 0xab, 0x78, 0x56},
                                        {{"text", "caf\xc3\xa9 ok"},
                                         {"latin1", "caf\xe9"},
                                         {"overlong", "\xc0\xaf"},
                                         {"control", std::string("a\x01", 2)}});
    writer.addDelegateCall(qnn, {input, output});
    writer.setInputs({input});
    writer.setOutputs({output});
    const auto path = madePath("compile_specs.pte");
    writer.write(path);

    const auto model = FormatRegistry::standard().open(path);
    const auto* partition = partitionOf(graphNamed(model, "forward"), "QnnBackend");
    REQUIRE(partition != nullptr);
    REQUIRE(partition->compileSpecs.size() == 4);
    CHECK_FALSE(partition->compileSpecs[0].binary);
    CHECK(partition->compileSpecs[0].text == "caf\xc3\xa9 ok");
    CHECK(partition->compileSpecs[1].binary);
    CHECK(partition->compileSpecs[1].text == toString(Blob{{'c', 'a', 'f', 0xe9}}));
    CHECK(partition->compileSpecs[2].binary);
    CHECK(partition->compileSpecs[3].binary);
}

TEST_CASE("a corrupt .ptd beside the program is a note; an explicit one is an error") {
    const auto dir = testing::madeDir() / "ptd-corrupt";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(fixture("pte/et_xor_training.pte"), dir / "xor.pte",
                               std::filesystem::copy_options::overwrite_existing);
    {
        std::ofstream corrupt(dir / "xor.ptd", std::ios::binary | std::ios::trunc);
        corrupt << "not a flat tensor file at all, just text";
    }
    const auto model = FormatRegistry::standard().open((dir / "xor.pte").string());
    const auto note = metadata(model, "companion error");
    CHECK(note.find("xor.ptd") != std::string::npos);
    CHECK(note.find("executorch-ptd") != std::string::npos);
    std::size_t unresolved = 0;
    for (const auto& value : graphNamed(model, "forward").values)
        if (findAttribute(value.attributes, "unresolved")) ++unresolved;
    CHECK(unresolved == 4);
    CHECK(model.files.size() == 1);

    ReadOptions explicitCorrupt;
    explicitCorrupt.companions.push_back((dir / "xor.ptd").string());
    CHECK_THROWS_AS(FormatRegistry::standard().open((dir / "xor.pte").string(), explicitCorrupt),
                    FormatError);

    // An explicit companion is honoured whatever its extension.
    std::filesystem::copy_file(fixture("ptd/et_xor_training.ptd"), dir / "weights.bin",
                               std::filesystem::copy_options::overwrite_existing);
    ReadOptions renamed;
    renamed.companions.push_back((dir / "weights.bin").string());
    const auto withWeights = FormatRegistry::standard().open((dir / "xor.pte").string(), renamed);
    CHECK(withWeights.constantBytes() == 216);
    CHECK(metadata(withWeights, "companion").find("weights.bin") != std::string::npos);
}

TEST_CASE("damaged .ptd companions read or fail cleanly") {
    const auto registry = FormatRegistry::standard();
    for (const auto* stem : {"et_linear_external", "et_xor_training"}) {
        INFO(stem);
        testing::DamageOptions options;
        options.program = fixture(std::string("pte/") + stem + ".pte");
        options.companionCopy = madePath(std::string("damaged_") + stem + ".ptd");
        const auto report =
            testing::damageAndRead(registry, fixture(std::string("ptd/") + stem + ".ptd"), options);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
    }
}

TEST_CASE("the bundled sample program: portable kernels and a decoded XNNPACK graph") {
    const auto path = std::filesystem::path(PTERON_BINARY_DIR) / "samples" / "sample.pte";
    REQUIRE(std::filesystem::is_regular_file(path));
    const auto model = FormatRegistry::standard().open(path.string());
    const auto& graph = graphNamed(model, "forward");
    REQUIRE(graph.nodes.size() == 4);
    CHECK(graph.nodes[0].op == "quantized_decomposed::quantize_per_tensor.out");
    CHECK(graph.nodes[1].op == "XnnpackBackend");
    CHECK(graph.nodes[2].op == "quantized_decomposed::dequantize_per_tensor.out");
    CHECK(graph.nodes[3].op == "aten::add.out");
    for (const auto index : {0, 2, 3})
        CHECK(graph.partitions.at(graph.nodes[static_cast<std::size_t>(index)].partition).backend ==
              "portable");
    // The quantize kernel's dtype argument prints by name.
    CHECK(toString(findAttribute(graph.nodes[0].attributes, "arg5")->value) == "int8");
    // quantize -> delegate -> dequantize -> add, wired through the same values
    CHECK(graph.nodes[1].inputs.at(0).value == graph.nodes[0].outputs.at(0).value);
    CHECK(graph.nodes[2].inputs.at(0).value == graph.nodes[1].outputs.at(0).value);
    CHECK(graph.nodes[3].inputs.at(0).value == graph.nodes[2].outputs.at(0).value);

    const auto* xnnpack = partitionOf(graph, "XnnpackBackend");
    REQUIRE(xnnpack != nullptr);
    CHECK(xnnpack->delegated);
    CHECK(xnnpack->payloadMagic == "XH00");
    CHECK(xnnpack->payloadBytes == buildSampleXnnpackPayload().size());
    REQUIRE(xnnpack->childGraph.has_value());
    const auto& child = model.graphs.at(*xnnpack->childGraph);
    CHECK(child.id == "forward/XnnpackBackend#0");
    CHECK(child.parent == std::optional<std::size_t>(0));
    REQUIRE(child.nodes.size() == 2);
    CHECK(child.nodes[0].op == "xnnpack.FullyConnected");
    CHECK(child.nodes[1].op == "xnnpack.Clamp");
    const auto shapes = sampleXnnpackShapes();
    CHECK(child.values.at(static_cast<std::size_t>(child.inputs.at(0))).shape ==
          std::vector<std::int64_t>{1, shapes.inputFeatures});
    CHECK(model.constantBytes() == 4 * static_cast<std::uint64_t>(shapes.outputFeatures) + 32 + 16);
}

TEST_CASE("an EValue or instruction whose union table is absent is a FormatError") {
    namespace fbp = fb::pte;
    const auto programWith = [](bool absentValue) {
        flatbuffers::FlatBufferBuilder builder;
        std::vector<flatbuffers::Offset<fbp::EValue>> values;
        // The union type says Tensor (or the instruction says KernelCall) but no table follows.
        values.push_back(fbp::CreateEValue(
            builder, absentValue ? fbp::KernelTypes::Tensor : fbp::KernelTypes::Null,
            absentValue ? 0 : fbp::CreateNull(builder).Union()));
        std::vector<flatbuffers::Offset<fbp::Instruction>> instructions;
        instructions.push_back(fbp::CreateInstruction(
            builder,
            absentValue ? fbp::InstructionArguments::NONE : fbp::InstructionArguments::KernelCall,
            0));
        const auto chain =
            fbp::CreateChainDirect(builder, nullptr, nullptr, &instructions, nullptr);
        std::vector<flatbuffers::Offset<fbp::Chain>> chains{chain};
        std::vector<flatbuffers::Offset<fbp::ExecutionPlan>> plans{fbp::CreateExecutionPlanDirect(
            builder, "forward", 0, &values, nullptr, nullptr, &chains)};
        builder.Finish(fbp::CreateProgramDirect(builder, 0, &plans), "ET12");
        const auto path =
            (testing::madeDir() / (absentValue ? "absent_value.pte" : "absent_args.pte")).string();
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                   static_cast<std::streamsize>(builder.GetSize()));
        return path;
    };
    const auto registry = FormatRegistry::standard();
    CHECK_THROWS_WITH(registry.open(programWith(true)),
                      Catch::Contains("values[0].val") && Catch::Contains("value table"));
    CHECK_THROWS_WITH(registry.open(programWith(false)),
                      Catch::Contains("instr_args") && Catch::Contains("arguments table"));
}
