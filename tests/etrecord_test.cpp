// ETRecord reader: facts read from the sample ETRecord (checked independently with Python's
// zipfile/json/pickletools), the strict pickle reader, and hostile variants that must end in a
// FormatError. The variants are also written to fixtures-made/etrecord for the CLI exit-code
// tests.
#include "core/format_error.hpp"
#include "parsers/common/zip_archive.hpp"
#include "parsers/etrecord/edge_operators.hpp"
#include "parsers/etrecord/torch_archive.hpp"
#include "parsers/etrecord/torch_pickle.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"
#include "tests/support/stored_zip.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace pteron;
using namespace std::string_literals;

namespace {

const std::string kSample = "etrecord/et_sample_etrecord.bin";

const FormatRegistry& registry() {
    static const auto standard = FormatRegistry::standard();
    return standard;
}

std::string textOf(const Value& value) {
    return value.name + ":" + value.typeText();
}

const Attribute* attribute(const Node& node, std::string_view name) {
    return findAttribute(node.attributes, name);
}

std::string metadata(const Model& model, std::string_view name) {
    const auto* found = findAttribute(model.metadata, name);
    return found ? toString(found->value) : "<absent>";
}

// The sample's members, in order, as bytes.
testing::ZipMembers sampleMembers() {
    const auto file = MappedFile::open(testing::fixture(kSample));
    const ZipArchive zip(ByteView(file, file->bytes()), file->path());
    testing::ZipMembers members;
    for (const auto& entry : zip.entries()) {
        const auto bytes = zip.contents(entry);
        members.emplace_back(entry.name,
                             std::vector<std::byte>(bytes.bytes().begin(), bytes.bytes().end()));
    }
    return members;
}

std::vector<std::byte>& memberOf(testing::ZipMembers& members, const std::string& name) {
    for (auto& [memberName, bytes] : members)
        if (memberName == name) return bytes;
    FAIL("no member " << name);
    throw std::logic_error("unreachable");
}

nlohmann::json jsonOf(const std::vector<std::byte>& bytes) {
    return nlohmann::json::parse(reinterpret_cast<const char*>(bytes.data()),
                                 reinterpret_cast<const char*>(bytes.data()) + bytes.size());
}

std::string writeMade(const std::string& name, const std::vector<std::byte>& bytes) {
    const auto folder = testing::madeDir() / "etrecord";
    std::filesystem::create_directories(folder);
    const auto path = (folder / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return path;
}

// The message of the FormatError reading `bytes` as an ETRecord throws (fails if none).
std::string readError(const std::vector<std::byte>& bytes, const std::string& name) {
    const auto file = MappedFile::fromBytes(name, bytes);
    try {
        registry().read(file);
    } catch (const FormatError& error) {
        return error.what();
    }
    FAIL("reading " << name << " succeeded");
    return "";
}

std::string pickleError(const std::string& pickle) {
    try {
        etrecord::readTorchPickle(std::as_bytes(std::span(pickle.data(), pickle.size())),
                                  "test.pkl");
    } catch (const FormatError& error) {
        return error.what();
    }
    FAIL("the pickle was accepted");
    return "";
}

} // namespace

TEST_CASE("etrecord: the sample opens with its edge-dialect forward first", "[etrecord]") {
    const auto model = registry().open(testing::fixture(kSample));
    CHECK(model.format == "etrecord");
    CHECK(model.formatVersion == "ETRECORD_V0");
    CHECK(metadata(model, "members") == "7");
    CHECK(metadata(model, "debug_handle_map entries") == "0");
    CHECK(metadata(model, "delegate_map entries") == "0");
    REQUIRE(model.graphs.size() == 2);

    const auto& edge = model.graphs[0];
    CHECK(edge.id == "forward");
    CHECK(edge.kind == "method");
    CHECK(toString(findAttribute(edge.attributes, "dialect")->value) == "edge");
    CHECK(toString(findAttribute(edge.attributes, "member")->value) ==
          "edge_dialect_exported_program");
    CHECK(toString(findAttribute(edge.attributes, "schema_version")->value) == "1");
    CHECK(toString(findAttribute(edge.attributes, "opset aten")->value) == "10");
    REQUIRE(edge.nodes.size() == 1);
    const auto& mul = edge.nodes[0];
    CHECK(mul.op == "aten::mul.out");
    CHECK(mul.name == "aten_mul_tensor");
    CHECK(toString(attribute(mul, "target")->value) ==
          "executorch.exir.dialects.edge.ops.aten.mul.Tensor");
    REQUIRE(attribute(mul, "debug_handle"));
    CHECK(std::get<std::int64_t>(attribute(mul, "debug_handle")->value) == 2);
    CHECK(toString(attribute(mul, "source_fn_stack")->value) == "mul,_operator.mul");
    CHECK(mul.location.ends_with("toy_model/model.py:18 in forward"));
    REQUIRE(mul.inputs.size() == 2);
    CHECK(mul.inputs[0].name == "arg0");
    CHECK(mul.inputs[1].name == "arg1");
    CHECK(textOf(*edge.value(mul.inputs[0].value)) == "arg0_1:fp32[3,2]");
    CHECK(textOf(*edge.value(mul.inputs[1].value)) == "arg1_1:fp32[3,2]");
    REQUIRE(mul.outputs.size() == 1);
    CHECK(mul.outputs[0].name == "out");
    REQUIRE(edge.inputs.size() == 2);
    CHECK(textOf(*edge.value(edge.inputs[0])) == "arg0_1:fp32[3,2]");
    CHECK(edge.value(edge.inputs[0])->kind == ValueKind::Input);
    REQUIRE(edge.outputs.size() == 1);
    CHECK(textOf(*edge.value(edge.outputs[0])) == "aten_mul_tensor:fp32[3,2]");
    CHECK(edge.value(edge.outputs[0])->kind == ValueKind::Output);
    CHECK(toString(findAttribute(edge.value(edge.outputs[0])->attributes, "output kind")->value) ==
          "user_output");
    CHECK(toString(findAttribute(edge.attributes, "state dict tensors")->value) == "0");
    CHECK(toString(findAttribute(edge.attributes, "torch.save serialization version")->value) ==
          "3");

    const auto& aten = model.graphs[1];
    CHECK(aten.id == "aten_dialect_output/forward");
    CHECK(aten.kind == "exported-program");
    REQUIRE(aten.nodes.size() == 1);
    CHECK(aten.nodes[0].op == "aten::mul.out");
    CHECK(aten.nodes[0].name == "mul");
    CHECK(toString(attribute(aten.nodes[0], "target")->value) == "torch.ops.aten.mul.Tensor");
    CHECK_FALSE(attribute(aten.nodes[0], "debug_handle"));
    CHECK(aten.opHistogram() == std::map<std::string, std::size_t>{{"aten::mul.out", 1}});
}

TEST_CASE("etrecord: functional overloads name the out-variant kernels", "[etrecord]") {
    using etrecord::outVariantOp;
    using etrecord::parseTarget;
    CHECK(outVariantOp(parseTarget("executorch.exir.dialects.edge.ops.aten.add.Tensor")) ==
          "aten::add.out");
    CHECK(outVariantOp(parseTarget("torch.ops.aten.convolution.default")) ==
          "aten::convolution.out");
    CHECK(outVariantOp(parseTarget("aten.div.Tensor_mode")) == "aten::div.out_mode");
    CHECK(outVariantOp(parseTarget("aten.sum.dim_IntList")) == "aten::sum.IntList_out");
    CHECK(outVariantOp(parseTarget("aten.select_copy.int")) == "aten::select_copy.int_out");
    CHECK(outVariantOp(parseTarget("aten.max.dim")) == "aten::max.dim_max");
    CHECK(outVariantOp(parseTarget("aten.pow.Tensor_Scalar")) == "aten::pow.Tensor_Scalar_out");
    CHECK(outVariantOp(parseTarget("executorch_exir_dialects_edge__ops_aten_max_pool2d_with_"
                                   "indices_default")) == "aten::max_pool2d_with_indices.out");
    CHECK(outVariantOp(parseTarget("executorch_exir_dialects_edge__ops_aten_div_Tensor_mode")) ==
          "aten::div.out_mode");
    CHECK(outVariantOp(parseTarget("quantized_decomposed.quantize_per_tensor.default")) ==
          "quantized_decomposed::quantize_per_tensor.out");
    CHECK_FALSE(parseTarget("_operator.getitem").isOperator);
    CHECK_FALSE(parseTarget("torch.ops.higher_order.executorch_call_delegate").isOperator);
    // Keyword arguments keep their schema positions when earlier ones are left out.
    CHECK(etrecord::argumentPosition(parseTarget("aten._to_copy.default"), "memory_format") == 6u);
    CHECK(etrecord::argumentPosition(parseTarget("aten.add.Tensor"), "alpha") == 2u);
}

TEST_CASE("etrecord: the strict pickle reader accepts torch.save's opcodes", "[etrecord]") {
    // {'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 6), 0, (3, 2), (2, 1),
    //  False, OrderedDict())}, the sequence Python's pickler writes for torch.save.
    const std::string pickle =
        "\x80\x02}q\x00X\x01\x00\x00\x00wq\x01"
        "ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03"
        "ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x00"
        "0q\x05X\x03\x00\x00\x00"
        "cpuq\x06K\x06tq\x07QK\x00K\x03K\x02\x86q\x08K\x02K\x01\x86q\x09\x89"
        "ccollections\nOrderedDict\nq\n)Rq\x0btq\x0cRq\x0ds."s;
    const auto result =
        etrecord::readTorchPickle(std::as_bytes(std::span(pickle.data(), pickle.size())), "t");
    const auto& root = result.at(result.root);
    REQUIRE(root.kind == etrecord::PickleKind::Dict);
    REQUIRE(root.items.size() == 2);
    CHECK(result.at(root.items[0]).text == "w");
    const auto& tensor = result.at(root.items[1]);
    REQUIRE(tensor.kind == etrecord::PickleKind::Tensor);
    CHECK(tensor.tensor.dtype == DType::Float32);
    CHECK(tensor.tensor.storageKey == "0");
    CHECK(tensor.tensor.location == "cpu");
    CHECK(tensor.tensor.storageCount == 6);
    CHECK(tensor.tensor.sizes == std::vector<std::int64_t>{3, 2});
    CHECK(tensor.tensor.strides == std::vector<std::int64_t>{2, 1});
}

TEST_CASE("etrecord: forbidden pickle globals and opcodes are format errors", "[etrecord]") {
    CHECK_THAT(pickleError("\x80\x02"
                           "cos\nsystem\nq\x00."s),
               Catch::Contains("found os.system"));
    CHECK_THAT(pickleError(std::string("\x80\x02") + "cbuiltins\neval\n."),
               Catch::Contains("found builtins.eval"));
    // BUILD, INST, NEWOBJ and a string opcode of protocol 0 are not what torch.save writes.
    CHECK_THAT(pickleError(std::string("\x80\x02}b.")), Catch::Contains("found 0x62 'b'"));
    CHECK_THAT(pickleError(std::string("\x80\x02(i__main__\nX\n.")),
               Catch::Contains("found 0x69 'i'"));
    CHECK_THAT(pickleError(std::string("\x80\x02)\x81.")), Catch::Contains("found 0x81"));
    CHECK_THAT(pickleError(std::string("\x80\x02S'x'\n.")), Catch::Contains("found 0x53 'S'"));
    // Allowed globals still cannot be called with anything but their own arguments.
    CHECK_THAT(pickleError(std::string("\x80\x02") + "ctorch\nFloatStorage\n)R."),
               Catch::Contains("callable global, found torch.FloatStorage"));
    CHECK_THAT(pickleError("\x80\x02K\x01h\x05."s), Catch::Contains("memo key stored earlier"));
    CHECK_THAT(pickleError("\x80\x02X\xff\xff\x00\x00"
                           "ab."s),
               Catch::Contains("bytes of argument inside the pickle"));
    CHECK_THAT(pickleError(std::string("\x80\x02}")), Catch::Contains("truncated pickle"));
    CHECK_THAT(pickleError(std::string("\x80\x02}}.")), Catch::Contains("exactly one value"));
    // A list that holds itself is fine to build (no ownership cycle) and is simply not a dict.
    const std::string selfList = "\x80\x02]q\x00h\x00"
                                 "a."s;
    const auto result =
        etrecord::readTorchPickle(std::as_bytes(std::span(selfList.data(), selfList.size())), "t");
    CHECK(result.at(result.root).items.size() == 1);
}

TEST_CASE("etrecord: hostile files fail with a FormatError naming what is wrong", "[etrecord]") {
    const auto sample = MappedFile::open(testing::fixture(kSample));
    const std::vector<std::byte> original(sample->bytes().begin(), sample->bytes().end());

    SECTION("every truncation") {
        std::size_t errors = 0;
        for (std::size_t length = 0; length < original.size(); length += 37) {
            const auto file =
                MappedFile::fromBytes("truncated.bin", std::span(original).first(length));
            try {
                registry().read(file);
            } catch (const FormatError&) {
                ++errors;
            }
        }
        CHECK(errors == (original.size() + 36) / 37);
        const auto truncated = std::vector<std::byte>(original.begin(), original.begin() + 9000);
        CHECK_THAT(readError(truncated, "truncated.bin"),
                   Catch::Contains("etrecord at offset") &&
                       Catch::Contains("a complete ZIP archive"));
        writeMade("truncated.bin", truncated);
    }

    SECTION("a state dict whose pickle calls a forbidden global") {
        auto members = sampleMembers();
        const std::string evil = "\x80\x02"
                                 "cos\nsystem\nX\x02\x00\x00\x00ls\x85R."s;
        memberOf(members, "edge_dialect_exported_program_state_dict") =
            testing::storedZip({{"archive/data.pkl", testing::bytesOf(evil)},
                                {"archive/byteorder", testing::bytesOf("little")}});
        const auto zip = testing::storedZip(members);
        const auto message = readError(zip, "forbidden_global.bin");
        CHECK_THAT(message, Catch::Contains("found os.system"));
        CHECK_THAT(message, Catch::Contains("edge_dialect_exported_program_state_dict"));
        writeMade("forbidden_global.bin", zip);
    }

    SECTION("a state dict with a forbidden opcode") {
        auto members = sampleMembers();
        memberOf(members, "aten_dialect_output/forward_state_dict") =
            testing::storedZip({{"archive/data.pkl", testing::bytesOf("\x80\x02}b.")}});
        const auto zip = testing::storedZip(members);
        CHECK_THAT(readError(zip, "forbidden_opcode.bin"), Catch::Contains("found 0x62 'b'"));
        writeMade("forbidden_opcode.bin", zip);
    }

    SECTION("a node argument of an unknown kind") {
        auto members = sampleMembers();
        auto& bytes = memberOf(members, "edge_dialect_exported_program");
        auto program = jsonOf(bytes);
        program["graph_module"]["graph"]["nodes"][0]["inputs"][1]["arg"] = {{"as_frobnicate", 3}};
        bytes = testing::bytesOf(program.dump());
        const auto zip = testing::storedZip(members);
        const auto message = readError(zip, "unknown_argument.bin");
        CHECK_THAT(message, Catch::Contains("a known argument kind, found as_frobnicate"));
        CHECK_THAT(message, Catch::Contains("graph_module.graph.nodes[0].inputs[1].arg"));
        writeMade("unknown_argument.bin", zip);
    }

    SECTION("a parameter whose state dict lacks it") {
        auto members = sampleMembers();
        auto& bytes = memberOf(members, "edge_dialect_exported_program");
        auto program = jsonOf(bytes);
        program["graph_module"]["signature"]["input_specs"][1] = {
            {"parameter", {{"arg", {{"name", "arg1_1"}}}, {"parameter_name", "weight"}}}};
        bytes = testing::bytesOf(program.dump());
        CHECK_THAT(readError(testing::storedZip(members), "missing_parameter.bin"),
                   Catch::Contains("the parameter weight in the program's state dict"));
    }

    SECTION("a missing identifier or program") {
        auto members = sampleMembers();
        members.erase(members.begin());
        CHECK_THAT(readError(testing::storedZip(members), "no_identifier.bin"),
                   Catch::Contains("supported format"));
        CHECK_THAT(readError(testing::storedZip({{"ETRECORD_V0", {}}}), "empty.bin"),
                   Catch::Contains("at least one recorded ExportedProgram"));
    }

    SECTION("JSON nested beyond reason") {
        auto members = sampleMembers();
        memberOf(members, "debug_handle_map") =
            testing::bytesOf(std::string(100000, '[') + std::string(100000, ']'));
        CHECK_THAT(readError(testing::storedZip(members), "deep.bin"),
                   Catch::Contains("JSON nested at most"));
    }
}

TEST_CASE("etrecord: damaged copies of the sample read or fail cleanly", "[etrecord][robustness]") {
    const auto report = testing::damageAndRead(registry(), testing::fixture(kSample), 96, 256);
    CHECK(report.originalReads);
    CHECK(report.truncationErrors > 0);
}

TEST_CASE("etrecord: the debug-handle map ties recorded nodes to program instructions",
          "[etrecord][mapping]") {
    auto members = sampleMembers();
    // Handle 2 (the edge graph's mul) became instruction 1 of the program's forward.
    memberOf(members, "debug_handle_map") = testing::bytesOf(R"({"forward": {"1": [2]}})");
    memberOf(members, "delegate_map") =
        testing::bytesOf(R"({"forward": {"1": {"name": "XnnpackBackend", "delegate_map": {}}}})");
    const auto model =
        registry().read(MappedFile::fromBytes("mapped.bin", testing::storedZip(members)));
    CHECK(metadata(model, "debug_handle_map forward instruction 1") == "[2]");
    CHECK(metadata(model, "delegate_map forward instruction 1") == "XnnpackBackend {}");
    const auto& mul = model.graphs[0].nodes.at(0);
    REQUIRE(attribute(mul, "program instructions"));
    CHECK(toString(attribute(mul, "program instructions")->value) == "[1]");
}

TEST_CASE("etrecord: an embedded ExecuTorch program follows the recorded graphs", "[etrecord]") {
    auto members = sampleMembers();
    const auto program = MappedFile::open(testing::fixture("pte/cc_linear_xnnpack_int8.pte"));
    members.emplace_back("program_buffer",
                         std::vector<std::byte>(program->bytes().begin(), program->bytes().end()));
    const auto model =
        registry().read(MappedFile::fromBytes("embedded.bin", testing::storedZip(members)));
    REQUIRE(model.graphs.size() == 4);
    CHECK(model.graphs[0].id == "forward");
    CHECK(model.graphs[2].id == "program/forward");
    CHECK(model.graphs[3].id == "program/forward/XnnpackBackend#0");
    // Indices inside the embedded program are shifted past the recorded graphs.
    REQUIRE(model.graphs[3].parent);
    CHECK(*model.graphs[3].parent == 2);
    const auto source = model.sourcePartition(model.graphs[3]);
    REQUIRE(source);
    CHECK(source->graph == 2);
    CHECK(metadata(model, "embedded program").starts_with("executorch"));
}
