#include "app/sample/pte_program_writer.hpp"
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

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
        const auto report = testing::damageAndRead(registry, path);
        CHECK(report.attempts == 128);
        CHECK(report.formatErrors > 0);
    }
}
