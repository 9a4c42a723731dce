// Bundled programs (.bpte): the reader against the facts of the oracle files, damaged copies,
// and `pteron run --verify` against the expected outputs eager PyTorch stored in them.
#include "app/cli/run_command.hpp"
#include "core/format_error.hpp"
#include "parsers/bpte/bundled_program.hpp"
#include "parsers/registry.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include "bundled_program_generated.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace pteron;

namespace {

const std::string kModuleTest = "bpte/et_module_test_bundled_program.bpte";
const std::string kTutorial2024 = "bpte/et_docs_tutorial_bundled_program_2024-04-22.bpte";
const std::string kTutorial2025 = "bpte/et_docs_tutorial_bundled_program_2025-07-23.bpte";

std::string metadataText(const Model& model, const std::string& key) {
    const auto* found = findAttribute(model.metadata, key);
    return found ? toString(found->value) : std::string();
}

struct VerifyRun {
    int exitCode = 0;
    std::string out;
    std::string err;
};

VerifyRun verify(const std::string& path) {
    const std::vector<std::string> args{path, "--verify", "--threads", "2"};
    std::ostringstream out, err;
    VerifyRun run;
    run.exitCode = runRunCommand(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

} // namespace

TEST_CASE("bpte: the module test bundle holds ten cases of two int32 inputs", "[bpte]") {
    const auto file = MappedFile::open(testing::oracle(kModuleTest));
    const auto bundle = readBundledProgram(file);
    CHECK(bundle.version == 2);
    CHECK(bundle.program.size() == 1696);
    REQUIRE(bundle.suites.size() == 1);
    CHECK(bundle.suites[0].method == "forward");
    REQUIRE(bundle.suites[0].cases.size() == 10);
    for (const auto& testCase : bundle.suites[0].cases) {
        REQUIRE(testCase.inputs.size() == 2);
        REQUIRE(testCase.expectedOutputs.size() == 1);
        for (const auto& input : testCase.inputs) {
            CHECK(input.kind == BundledValue::Kind::Tensor);
            CHECK(input.describe() == "int32[2,2]");
            CHECK(input.data.size() == 16);
        }
        // forward(x, q) = a*x + b + q on zero inputs: every expected element is 2.
        const auto& expected = testCase.expectedOutputs[0];
        REQUIRE(expected.data.size() == 16);
        for (int i = 0; i < 4; ++i) {
            std::int32_t value = 0;
            std::memcpy(&value, expected.data.bytes().data() + 4 * i, 4);
            CHECK(value == 2);
        }
    }
}

TEST_CASE("bpte: a bundle opens as its embedded program with its cases as metadata", "[bpte]") {
    const auto model = FormatRegistry::standard().open(testing::oracle(kModuleTest));
    CHECK(model.path == testing::oracle(kModuleTest));
    CHECK(model.formatVersion == "ET12");
    REQUIRE(model.topLevelGraphs().size() == 1);
    CHECK(model.graphs[model.topLevelGraphs().front()].name == "forward");
    CHECK(metadataText(model, "bundled test cases forward") == "10");
    CHECK(metadataText(model, "bundled forward case 3") ==
          "inputs int32[2,2], int32[2,2] -> expected int32[2,2]");

    for (const auto& name : {kTutorial2024, kTutorial2025}) {
        INFO(name);
        const auto tutorial = FormatRegistry::standard().open(testing::oracle(name));
        CHECK(metadataText(tutorial, "bundled test cases forward") == "2");
        CHECK(metadataText(tutorial, "bundled forward case 1") ==
              "inputs fp32[1,1,32,32] -> expected fp32[1,10]");
        const auto& graph = tutorial.graphs[tutorial.topLevelGraphs().front()];
        CHECK(graph.nodes.size() == 15);
    }
}

TEST_CASE("bpte: malformed bundles are format errors", "[bpte]") {
    const auto original = MappedFile::open(testing::oracle(kModuleTest));
    std::vector<std::byte> bytes(original->bytes().begin(), original->bytes().end());
    SECTION("wrong identifier") {
        bytes[4] = std::byte{'X'};
        const auto file = MappedFile::fromBytes("bad.bpte", bytes);
        CHECK_THROWS_AS(readBundledProgram(file), FormatError);
        CHECK_THROWS_AS(FormatRegistry::standard().read(file), FormatError);
    }
    SECTION("truncated") {
        bytes.resize(bytes.size() / 2);
        CHECK_THROWS_AS(readBundledProgram(MappedFile::fromBytes("short.bpte", bytes)),
                        FormatError);
    }
}

TEST_CASE("bpte: damaged bundles read or fail cleanly", "[bpte][robustness]") {
    const auto registry = FormatRegistry::standard();
    for (const auto& name : {kModuleTest, kTutorial2024, kTutorial2025}) {
        INFO(name);
        const auto report = testing::damageAndRead(registry, testing::oracle(name));
        CHECK(report.originalReads);
        CHECK(report.truncationErrors > 0);
    }
}

TEST_CASE("bpte: run --verify reproduces every case of the module test bundle", "[bpte][runtime]") {
    const auto run = verify(testing::oracle(kModuleTest));
    INFO(run.out << run.err);
    CHECK(run.exitCode == 0);
    CHECK(run.out.find("10 of 10 bundled test cases passed") != std::string::npos);
}

TEST_CASE("bpte: run --verify fails a case whose expected output was changed", "[bpte][runtime]") {
    const auto original = MappedFile::open(testing::oracle(kModuleTest));
    const auto bundle = readBundledProgram(original);
    std::vector<std::byte> bytes(original->bytes().begin(), original->bytes().end());
    // Case 4 now expects 3 where the program computes 2.
    const auto offset = bundle.suites.at(0).cases.at(4).expectedOutputs.at(0).data.fileOffset();
    bytes.at(offset) = std::byte{3};
    const auto path = (testing::madeDir() / "changed_expectation.bpte").string();
    {
        std::ofstream file(path, std::ios::binary);
        file.write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
    }
    const auto run = verify(path);
    INFO(run.out << run.err);
    CHECK(run.exitCode == 4);
    CHECK(run.out.find("forward case 4: FAIL  max abs 1") != std::string::npos);
    CHECK(run.out.find("9 of 10 bundled test cases passed") != std::string::npos);
}

TEST_CASE("bpte: run --verify reproduces the LeNet tutorial bundles", "[bpte][runtime]") {
    for (const auto& name : {kTutorial2024, kTutorial2025}) {
        const auto run = verify(testing::oracle(name));
        INFO(name << "\n" << run.out << run.err);
        CHECK(run.exitCode == 0);
        CHECK(run.out.find("2 of 2 bundled test cases passed") != std::string::npos);
    }
}

TEST_CASE("bpte: a value whose union table is absent is a format error, not a null read",
          "[bpte]") {
    // Found by the bundled-program fuzz harness: the type says Int but no table follows.
    namespace fbb = pteron::fb::bundled_program;
    flatbuffers::FlatBufferBuilder builder;
    std::vector<flatbuffers::Offset<fbb::Value>> inputs{
        fbb::CreateValue(builder, fbb::ValueUnion::Int, 0)};
    std::vector<flatbuffers::Offset<fbb::BundledMethodTestCase>> cases{
        fbb::CreateBundledMethodTestCaseDirect(builder, &inputs, nullptr)};
    std::vector<flatbuffers::Offset<fbb::BundledMethodTestSuite>> suites{
        fbb::CreateBundledMethodTestSuiteDirect(builder, "forward", &cases)};
    const std::vector<std::uint8_t> program(64, 1);
    builder.Finish(fbb::CreateBundledProgramDirect(builder, 0, &suites, &program), "BP08");
    const auto file = MappedFile::fromBytes(
        "absent_value.bpte",
        std::as_bytes(std::span(builder.GetBufferPointer(), builder.GetSize())));
    CHECK_THROWS_WITH(readBundledProgram(file),
                      Catch::Contains("inputs[0].val") && Catch::Contains("value table"));
}
