#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "parsers/tosa/tosa_operand_roles.hpp"
#include "parsers/vgf/vgf_document.hpp"
#include "parsers/vgf/vk_names.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>
#include <vgf_sections_generated.h>

#include <cstring>
#include <map>
#include <tuple>

using namespace pteron;
using testing::fixture;

namespace {

Model open(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative));
}

vgf::Document decode(const std::string& relative) {
    auto file = MappedFile::open(fixture(relative));
    return vgf::decodeDocument(ByteView(file, file->bytes()), file->path());
}

std::string metadata(const Attributes& attributes, const std::string& name) {
    const auto* attribute = findAttribute(attributes, name);
    return attribute ? toString(attribute->value) : "";
}

std::vector<std::byte> bytesOf(const std::string& relative) {
    auto file = MappedFile::open(fixture(relative));
    return {file->bytes().begin(), file->bytes().end()};
}

Model readBytes(const std::vector<std::byte>& bytes, const std::string& name) {
    return FormatRegistry::standard().read(MappedFile::fromBytes(name, bytes));
}

const Node& firstNode(const Graph& graph, const std::string& op) {
    for (const auto& node : graph.nodes)
        if (node.op == op) return node;
    FAIL("no node " << op);
    return graph.nodes.front();
}

const Value& inputNamed(const Graph& graph, const Node& node, const std::string& name) {
    for (const auto& operand : node.inputs)
        if (operand.name == name) return graph.values.at(static_cast<std::size_t>(operand.value));
    FAIL("no operand " << name);
    return graph.values.front();
}

const std::map<std::string, std::size_t> kMobileNetOps{
    {"tosa.ADD", 17},
    {"tosa.ARITHMETIC_RIGHT_SHIFT", 3},
    {"tosa.AVG_POOL2D", 1},
    {"tosa.CLZ", 1},
    {"tosa.CONV2D", 36},
    {"tosa.DEPTHWISE_CONV2D", 17},
    {"tosa.LOGICAL_LEFT_SHIFT", 4},
    {"tosa.MUL", 11},
    {"tosa.REDUCE_MAX", 1},
    {"tosa.REDUCE_SUM", 1},
    {"tosa.RESCALE", 96},
    {"tosa.RESHAPE", 1},
    {"tosa.SUB", 6},
    {"tosa.TABLE", 4},
};

// Appends a finished flatbuffer section to `file`, 8-byte aligned, and records it in the header.
void addSection(std::vector<std::byte>& file, std::size_t slot,
                const flatbuffers::FlatBufferBuilder& builder) {
    while (file.size() % 8)
        file.push_back(std::byte{0});
    const std::uint64_t offset = file.size();
    const std::uint64_t size = builder.GetSize();
    const auto* data = reinterpret_cast<const std::byte*>(builder.GetBufferPointer());
    file.insert(file.end(), data, data + size);
    std::memcpy(file.data() + 16 + 16 * slot, &offset, 8);
    std::memcpy(file.data() + 24 + 16 * slot, &size, 8);
}

// A 0.4.3 VGF whose one segment is a compute shader reading resource 0 and writing resource 1.
std::vector<std::byte> computeShaderVgf() {
    namespace fbv = pteron::fb::vgf;
    std::vector<std::byte> file(128);
    std::memcpy(file.data(), "VGF1", 4);
    file[8] = std::byte{0};
    file[9] = std::byte{4};
    file[10] = std::byte{3};
    {
        flatbuffers::FlatBufferBuilder b;
        const std::vector<std::uint32_t> words{0x07230203, 0x00010000, 0, 1, 0};
        auto code = fbv::CreateSpirvCodeDirect(b, &words).Union();
        std::vector modules{fbv::CreateModuleDirect(b, fbv::ModuleType::COMPUTE, "blur", "main",
                                                    fbv::ModuleCode::SpirvCode, code)};
        b.Finish(fbv::CreateModuleTableDirect(b, &modules));
        addSection(file, 0, b);
    }
    {
        flatbuffers::FlatBufferBuilder b;
        std::vector in{fbv::CreateBindingSlot(b, 0, 0)};
        std::vector out{fbv::CreateBindingSlot(b, 1, 1)};
        const std::vector<std::uint32_t> dispatch{8, 4, 1};
        std::vector segments{fbv::CreateSegmentInfoDirect(b, fbv::ModuleType::COMPUTE,
                                                          "compute_segment_0", 0, nullptr, &in,
                                                          &out, nullptr, &dispatch)};
        std::vector modelIn{fbv::CreateBindingSlot(b, 0, 0)};
        std::vector modelOut{fbv::CreateBindingSlot(b, 0, 1)};
        std::vector inNames{b.CreateString("image")};
        std::vector outNames{b.CreateString("blurred")};
        b.Finish(fbv::CreateModelSequenceTableDirect(b, &segments, &modelIn, &modelOut, &inNames,
                                                     &outNames));
        addSection(file, 1, b);
    }
    {
        flatbuffers::FlatBufferBuilder b;
        const std::vector<std::int64_t> shape{1, 16, 16, 4};
        std::vector<flatbuffers::Offset<fbv::ResourceEntry>> entries;
        for (const auto category : {fbv::ResourceCategory::INPUT, fbv::ResourceCategory::OUTPUT})
            entries.push_back(fbv::CreateResourceEntry(
                b, 1000460000, 14, category, fbv::CreateTensorDescriptionDirect(b, &shape)));
        b.Finish(fbv::CreateResourceTableDirect(b, &entries));
        addSection(file, 2, b);
    }
    std::vector<std::byte> table(16);
    std::memcpy(table.data(), "CONST00", 8);
    while (file.size() % 8)
        file.push_back(std::byte{0});
    const std::uint64_t offset = file.size(), size = table.size();
    file.insert(file.end(), table.begin(), table.end());
    std::memcpy(file.data() + 64, &offset, 8);
    std::memcpy(file.data() + 72, &size, 8);
    return file;
}

} // namespace

TEST_CASE("a compute-shader segment becomes one node bound to its resources") {
    const auto model = readBytes(computeShaderVgf(), "compute.vgf");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    REQUIRE(graph.nodes.size() == 1);
    const auto& node = graph.nodes[0];
    CHECK(node.op == "vgf.compute:main");
    CHECK(node.name == "compute_segment_0");
    CHECK(metadata(node.attributes, "module") == "blur");
    CHECK(metadata(node.attributes, "dispatch shape") == "[8, 4, 1]");
    CHECK(metadata(node.attributes, "SPIR-V words") == "5");
    const auto& partition = graph.partitions.at(node.partition);
    CHECK(partition.device == DeviceClass::GPU);
    REQUIRE(node.inputs.size() == 1);
    REQUIRE(node.outputs.size() == 1);
    const auto& in = graph.values.at(static_cast<std::size_t>(node.inputs[0].value));
    const auto& out = graph.values.at(static_cast<std::size_t>(node.outputs[0].value));
    CHECK(in.name == "image");
    CHECK(in.typeText() == "int8[1,16,16,4]");
    CHECK(out.name == "blurred");
    CHECK(out.kind == ValueKind::Output);
}

TEST_CASE("VGF and TOSA readers name the inputs of an operator alike") {
    const auto vgf = open("vgf/arm_mobilenet_v2_int8.vgf");
    const auto tosa = open("tosa/arm_mv2_ethosu55_tag1.tosa");
    const auto rolesByOp = [](const Graph& graph) {
        std::map<std::string, std::vector<std::string>> roles;
        for (const auto& node : graph.nodes) {
            std::vector<std::string> names;
            for (const auto& operand : node.inputs)
                names.push_back(operand.name);
            roles.emplace(node.op, names);
        }
        return roles;
    };
    const auto vgfRoles = rolesByOp(vgf.graphs.at(0));
    const auto tosaRoles = rolesByOp(tosa.graphs.at(0));
    std::size_t shared = 0;
    for (const auto& [op, names] : vgfRoles) {
        const auto it = tosaRoles.find(op);
        if (it == tosaRoles.end()) continue;
        INFO(op);
        CHECK(names == it->second);
        ++shared;
    }
    CHECK(shared >= 5); // CONV2D, DEPTHWISE_CONV2D, RESCALE, ADD, AVG_POOL2D, RESHAPE
    CHECK(vgfRoles.at("tosa.CONV2D") ==
          std::vector<std::string>{"input", "weight", "bias", "input_zp", "weight_zp"});
    // CONCAT's tensor list is named by position in both readers (one shared table).
    CHECK(tosa::tosaInputRole("CONCAT", 0) == "input1[0]");
    CHECK(tosa::tosaInputRole("CONCAT", 2) == "input1[2]");
}

TEST_CASE("VGF 0.4.3 header, sections and CONST00 constants") {
    const auto document = decode("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf");
    const auto& header = document.header;
    CHECK(header.magic == vgf::MagicKind::FourCC);
    CHECK(header.versionText() == "0.4.3");
    CHECK(header.vkHeaderVersion == 999);
    CHECK(header.range(vgf::Section::Modules).offset == 128);
    CHECK(header.range(vgf::Section::Modules).size == 112);
    CHECK(header.range(vgf::Section::ModelSequence).offset == 240);
    CHECK(header.range(vgf::Section::Resources).offset == 544);
    CHECK(header.range(vgf::Section::Constants).offset == 752);
    CHECK(header.range(vgf::Section::Constants).size == 16);
    CHECK(document.constantLayout == vgf::ConstantLayout::Const00);
    CHECK(document.constants.empty());

    REQUIRE(document.modules.size() == 1);
    CHECK(document.modules[0].type == vgf::ModuleType::Graph);
    CHECK(document.modules[0].name == "single_maxpool");
    CHECK(document.modules[0].entryPoint == "main");
    CHECK(document.modules[0].code == vgf::CodeKind::Spirv);
    CHECK(document.modules[0].spirv.size() == 1); // the test file carries a placeholder word

    REQUIRE(document.sequence.segments.size() == 1);
    const auto& segment = document.sequence.segments[0];
    CHECK(segment.name == "segment_maxpool_graph1");
    CHECK(segment.type == vgf::ModuleType::Graph);
    REQUIRE(segment.descriptorSets.size() == 1);
    CHECK(segment.descriptorSets[0].bindings.size() == 2);
    CHECK(segment.outputs.at(0).binding == 1);
    CHECK(segment.outputs.at(0).mrtIndex == 1);
    CHECK(document.sequence.inputNames == std::vector<std::string>{"input_0"});
    CHECK(document.sequence.outputNames == std::vector<std::string>{"output_0"});

    REQUIRE(document.resources.size() == 2);
    CHECK(document.resources[0].category == vgf::ResourceCategory::Input);
    CHECK(vgf::vkFormatName(document.resources[0].vkFormat) == "VK_FORMAT_R8_SINT");
    CHECK(vgf::vkDescriptorTypeName(document.resources[0].descriptorType) ==
          "VK_DESCRIPTOR_TYPE_TENSOR_ARM");
    CHECK(document.resources[0].shape == std::vector<std::int64_t>{1, 16, 16, 16});
    CHECK(document.resources[1].category == vgf::ResourceCategory::Output);
    CHECK(document.resources[1].shape == std::vector<std::int64_t>{1, 8, 8, 16});
    CHECK(document.resources[1].strides.empty());
}

TEST_CASE("VGF before 0.4.0 reads with its flatbuffer constants section") {
    const auto maxpool = decode("vgf/vgflib_single_maxpool_graph_pre_v0_4_0.vgf");
    CHECK(maxpool.header.versionText() == "0.3.0");
    CHECK(maxpool.constantLayout == vgf::ConstantLayout::LegacyFlatbuffer);
    CHECK(maxpool.constants.empty());
    CHECK(maxpool.resources.size() == 2);

    const auto conv = decode("vgf/vgflib_simple_conv2d_rescale_graph_outdated.vgf");
    CHECK(conv.header.versionText() == "0.3.0");
    CHECK(conv.modules.at(0).name == "conv2d_rescale");
    CHECK(conv.sequence.segments.at(0).name == "segment_conv2d_rescale_graph2");
    CHECK(conv.sequence.segments.at(0).constants == std::vector<std::uint32_t>{0});
    REQUIRE(conv.resources.size() == 3);
    const auto& weights = conv.resources[2];
    CHECK(weights.category == vgf::ResourceCategory::Constant);
    CHECK(vgf::vkFormatName(weights.vkFormat) == "VK_FORMAT_R8_SINT");
    CHECK(vgf::vkDescriptorTypeName(weights.descriptorType) == "none");
    CHECK(weights.shape == std::vector<std::int64_t>{16, 2, 2, 16});
    REQUIRE(conv.constantLayout == vgf::ConstantLayout::LegacyFlatbuffer);
    REQUIRE(conv.constants.size() == 1);
    CHECK(conv.constants[0].mrtIndex == 2);
    CHECK(conv.constants[0].sparsityDimension == -1);
    CHECK(conv.constants[0].data.size() == 16 * 2 * 2 * 16);
}

TEST_CASE("placeholder graph modules become one opaque segment node") {
    const auto model = open("vgf/vgflib_simple_conv2d_rescale_graph_outdated.vgf");
    CHECK(model.format == "vgf");
    CHECK(model.formatVersion == "0.3.0");
    CHECK(metadata(model.metadata, "magic") == "VGF1");
    CHECK(metadata(model.metadata, "constants") == "1");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    CHECK(graph.id == "segment_conv2d_rescale_graph2");
    CHECK(graph.kind == "segment");
    REQUIRE(graph.nodes.size() == 1);
    CHECK(graph.nodes[0].op == "vgf.graph:main");
    REQUIRE(graph.partitions.size() == 1);
    CHECK(graph.partitions[0].backend == "vulkan-graph");
    CHECK(graph.partitions[0].device == DeviceClass::GPU);
    const auto& input =
        graph.values.at(static_cast<std::size_t>(graph.nodes[0].inputs.at(0).value));
    CHECK(input.name == "input_0");
    CHECK(input.typeText() == "int8[1,16,16,16]");
    CHECK(toString(findAttribute(input.attributes, "vk_format")->value) == "VK_FORMAT_R8_SINT");
}

TEST_CASE("MobileNetV2 VGF: one TOSA graph segment lowered from SPIR-V") {
    const auto model = open("vgf/arm_mobilenet_v2_int8.vgf");
    CHECK(model.formatVersion == "0.3.0");
    CHECK(metadata(model.metadata, "modules") == "1");
    CHECK(metadata(model.metadata, "segments") == "1");
    CHECK(metadata(model.metadata, "resources") == "117");
    CHECK(metadata(model.metadata, "constants") == "115");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    CHECK(graph.id == "graph_segment_0");
    CHECK(metadata(graph.attributes, "entry point") == "graph_partition_0");
    CHECK(metadata(graph.attributes, "SPIR-V words") == "116687");
    CHECK(graph.opHistogram() == kMobileNetOps);
    CHECK(graph.nodes.size() == 199);

    REQUIRE(graph.inputs.size() == 1);
    REQUIRE(graph.outputs.size() == 1);
    const auto& input = graph.values.at(static_cast<std::size_t>(graph.inputs[0]));
    const auto& output = graph.values.at(static_cast<std::size_t>(graph.outputs[0]));
    CHECK(input.name == "tfl.quantize");
    CHECK(input.typeText() == "int8[1,224,224,3]");
    CHECK(metadata(input.attributes, "resource index") == "115");
    CHECK(metadata(input.attributes, "vk_descriptor_type") == "VK_DESCRIPTOR_TYPE_TENSOR_ARM");
    CHECK(output.name == "MobilenetV2/Predictions/Reshape_11");
    CHECK(output.typeText() == "int8[1,1001]");
    CHECK(output.kind == ValueKind::Output);

    const auto& conv = firstNode(graph, "tosa.CONV2D");
    CHECK(toString(findAttribute(conv.attributes, "pad")->value) == "[0, 1, 0, 1]");
    CHECK(toString(findAttribute(conv.attributes, "stride")->value) == "[2, 2]");
    CHECK(std::get<EnumValue>(findAttribute(conv.attributes, "acc_type")->value).name == "INT32");
    CHECK(std::get<bool>(findAttribute(conv.attributes, "local_bound")->value) == false);
    const auto& weight = inputNamed(graph, conv, "weight");
    CHECK(weight.kind == ValueKind::Constant);
    CHECK(weight.typeText() == "int8[32,3,3,3]");
    CHECK(weight.data.size() == 864);
    // Weights are views into the mapped file, inside the constants section.
    CHECK(weight.data.owner() == model.files.at(0).get());
    CHECK(weight.data.fileOffset() >= 0x0740b4);
    CHECK(inputNamed(graph, conv, "input_zp").typeText() == "int8[1]");

    const auto& rescale = firstNode(graph, "tosa.RESCALE");
    CHECK(std::get<EnumValue>(findAttribute(rescale.attributes, "rounding_mode")->value).name ==
          "DOUBLE_ROUND");
    CHECK(std::get<bool>(findAttribute(rescale.attributes, "per_channel")->value));
    CHECK(inputNamed(graph, rescale, "multiplier").typeText() == "int32[32]");

    const auto& pool = firstNode(graph, "tosa.AVG_POOL2D");
    CHECK(toString(findAttribute(pool.attributes, "kernel")->value) == "[7, 7]");
    CHECK(toString(findAttribute(pool.attributes, "pad")->value) == "[0, 0, 0, 0]");

    // Inline SPIR-V constants carry bytes materialised from their numbers, one element of their
    // type per number; the rest are views of the file's constants section.
    std::size_t graphConstants = 0;
    std::uint64_t inlineBytes = 0;
    for (const auto& value : graph.values) {
        if (value.data.empty()) continue;
        if (findAttribute(value.attributes, "storage")) {
            CHECK(value.data.size() == dtypeStorageBytes(value.dtype, value.elementCount()));
            inlineBytes += value.data.size();
            continue;
        }
        ++graphConstants;
    }
    CHECK(graphConstants == 115);
    CHECK(model.constantBytes() == 3543244 + inlineBytes);
    for (const auto& node : graph.nodes) {
        REQUIRE(node.partition < graph.partitions.size());
        for (const auto& operand : node.inputs)
            CHECK(graph.value(operand.value) != nullptr);
    }
}

TEST_CASE("a SPIR-V module that does not decode leaves its segment opaque") {
    const auto document = decode("vgf/arm_mobilenet_v2_int8.vgf");
    const auto at = document.modules.at(0).spirvFileOffset;
    auto bytes = bytesOf("vgf/arm_mobilenet_v2_int8.vgf");
    std::uint32_t magic = 0;
    std::memcpy(&magic, bytes.data() + at, 4);
    REQUIRE(magic == 0x07230203);
    std::memset(bytes.data() + at, 0, 4);

    const auto model = readBytes(bytes, "no_magic.vgf");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    REQUIRE(graph.nodes.size() == 1);
    const auto& node = graph.nodes[0];
    CHECK(node.op == "vgf.graph:graph_partition_0");
    const auto note = metadata(node.attributes, "note");
    CHECK(note.find("SPIR-V module could not be decoded") == 0);
    CHECK(note.find("0x07230203") != std::string::npos);
    // The opaque node still binds the segment's resources: the model input and output.
    REQUIRE(node.inputs.size() == 1);
    CHECK(graph.values.at(static_cast<std::size_t>(node.inputs[0].value)).typeText() ==
          "int8[1,224,224,3]");
    REQUIRE(node.outputs.size() == 1);
    CHECK(graph.values.at(static_cast<std::size_t>(node.outputs[0].value)).name ==
          "MobilenetV2/Predictions/Reshape_11");
}

TEST_CASE("byte flips inside the SPIR-V module never fail the file") {
    const auto document = decode("vgf/arm_mobilenet_v2_int8.vgf");
    const auto& module = document.modules.at(0);
    const auto original = bytesOf("vgf/arm_mobilenet_v2_int8.vgf");
    const std::uint64_t size = module.spirv.size() * 4;
    std::size_t opaque = 0, lowered = 0;
    // Spread over the module, including its header words and the first instructions.
    for (std::uint64_t i = 0; i < 48; ++i) {
        const std::uint64_t at = module.spirvFileOffset + (i < 16 ? i * 3 : (size / 32) * (i - 16));
        auto bytes = original;
        bytes[at] = static_cast<std::byte>(std::to_integer<unsigned>(bytes[at]) ^ 0x5A);
        INFO("flip at " << at);
        const auto model = readBytes(bytes, "flipped.vgf");
        REQUIRE(model.graphs.size() == 1);
        const auto& nodes = model.graphs[0].nodes;
        if (nodes.size() == 1 && findAttribute(nodes[0].attributes, "note"))
            ++opaque;
        else
            ++lowered;
    }
    CHECK(opaque > 0);
    CHECK(lowered > 0);
}

TEST_CASE("legacy VGF magic is accepted") {
    auto bytes = bytesOf("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf");
    const std::uint32_t legacy = 0xF0E1D2C3;
    std::memcpy(bytes.data(), &legacy, 4);
    const auto model = readBytes(bytes, "legacy.vgf");
    CHECK(metadata(model.metadata, "magic") == "legacy 0xF0E1D2C3");
    CHECK(model.formatVersion == "0.4.3");
}

TEST_CASE("unsupported versions and sections outside the file are format errors") {
    // Versions 0.3 through 0.4.x read; others are named in the error.
    const auto original = bytesOf("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf");
    for (const auto& [minor, patch, accepted] : std::vector<std::tuple<unsigned, unsigned, bool>>{
             {3, 0, true}, {4, 0, true}, {4, 9, true}, {2, 9, false}, {5, 3, false}}) {
        auto bytes = original;
        bytes[9] = std::byte(minor);
        bytes[10] = std::byte(patch);
        const auto version = "0." + std::to_string(minor) + "." + std::to_string(patch);
        INFO(version);
        if (accepted) {
            CHECK(readBytes(bytes, "version.vgf").formatVersion == version);
            continue;
        }
        try {
            readBytes(bytes, "version.vgf");
            FAIL("read version " << version);
        } catch (const FormatError& error) {
            CHECK(error.expected() == "VGF format version 0.3 to 0.4.x, found " + version);
        }
    }
    auto major = original;
    major[8] = std::byte{1};
    CHECK_THROWS_AS(readBytes(major, "major.vgf"), FormatError);

    auto outside = bytesOf("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf");
    outside[64 + 8] = std::byte{0xFF}; // constants section size far past the end
    CHECK_THROWS_AS(readBytes(outside, "outside.vgf"), FormatError);

    auto badModule = bytesOf("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf");
    badModule[16] = std::byte{0x90}; // module section now starts inside other data
    CHECK_THROWS_AS(readBytes(badModule, "moved.vgf"), FormatError);
}

TEST_CASE("VgfBackend delegates inside .pte files decode into child graphs") {
    const std::map<std::string, std::size_t> inline83{
        {"tosa.ADD", 10},    {"tosa.AVG_POOL2D", 1},        {"tosa.CLAMP", 35},
        {"tosa.CONV2D", 36}, {"tosa.DEPTHWISE_CONV2D", 17}, {"tosa.RESCALE", 83},
        {"tosa.RESHAPE", 1}, {"tosa.TRANSPOSE", 1}};
    auto segments84 = inline83;
    segments84["tosa.RESCALE"] = 84;
    const std::vector<std::pair<std::string, std::map<std::string, std::size_t>>> cases{
        {"pte/arm_mv2_vgf_int8.pte", inline83}, {"pte/arm_mv2_vgf_int8_segments.pte", segments84}};
    for (const auto& [path, histogram] : cases) {
        INFO(path);
        const auto model = open(path);
        const auto* child = model.findGraph("forward/VgfBackend#0");
        REQUIRE(child != nullptr);
        CHECK(child->kind == "delegate");
        CHECK(child->parent == std::optional<std::size_t>(0));
        REQUIRE(child->partitions.size() == 1);
        CHECK(child->partitions[0].backend == "VgfBackend");
        CHECK(child->partitions[0].delegated);
        CHECK(child->partitions[0].device == DeviceClass::GPU);
        CHECK(metadata(child->attributes, "VGF version") == "0.4.0");
        CHECK(metadata(child->attributes, "constants layout") == "CONST00");
        CHECK(metadata(child->attributes, "constants") == "105");
        CHECK(child->opHistogram() == histogram);
        REQUIRE(child->inputs.size() == 1);
        CHECK(child->values.at(static_cast<std::size_t>(child->inputs[0])).typeText() ==
              "int8[1,3,224,224]");
        CHECK(child->values.at(static_cast<std::size_t>(child->outputs.at(0))).typeText() ==
              "int8[1,1000]");
        for (const auto& value : child->values)
            if (!value.data.empty() && !findAttribute(value.attributes, "storage"))
                CHECK(value.data.owner() == model.files.at(0).get());

        const auto& parent = model.graphs.at(0);
        bool linked = false;
        for (const auto& partition : parent.partitions)
            if (partition.backend == "VgfBackend")
                linked = partition.childGraph.has_value() && partition.note.empty();
        CHECK(linked);
    }
}

TEST_CASE("damaged VGF files read or fail cleanly") {
    const auto registry = FormatRegistry::standard();
    for (const auto& path : testing::fixturesIn("vgf", ".vgf")) {
        INFO(path);
        const auto report = testing::damageAndRead(registry, path);
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
        CHECK(report.formatErrors > 0);
    }
}
