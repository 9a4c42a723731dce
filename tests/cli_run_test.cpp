// pteron run in-process: outputs and traces on disk, the JSON report, seeds and --check.
#include "app/cli/run_command.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pteron;

namespace {

struct RunOutcome {
    int code = 0;
    std::string out;
    std::string err;
};

RunOutcome run(std::vector<std::string> args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = runRunCommand(args, out, err);
    return {code, out.str(), err.str()};
}

std::filesystem::path freshFolder(const std::string& name) {
    const auto folder = pteron::testing::madeDir() / name;
    std::filesystem::remove_all(folder);
    return folder;
}

} // namespace

TEST_CASE("run writes outputs and a trace whose max pool agrees with a plain one") {
    const auto folder = freshFolder("run_maxpool");
    const auto model = pteron::testing::fixture("tosa/tosa4spirv_simple_maxpool2d.tosa");
    const auto outcome =
        run({model, "-o", folder.string(), "--trace", "--json", "--seed", "9", "--threads", "2"});
    REQUIRE(outcome.code == 0);
    const auto report = nlohmann::json::parse(outcome.out);
    CHECK(report["graph"] == "main");
    REQUIRE(report["inputs"].size() == 1);
    CHECK(report["inputs"][0]["name"] == "TosaInput_0");
    CHECK(report["inputs"][0]["source"] == "random (seed 9)");
    REQUIRE(report["outputs"].size() == 1);
    CHECK(report["outputs"][0]["dtype"] == "int8");
    CHECK(report["outputs"][0]["shape"] == nlohmann::json::array({1, 8, 8, 16}));
    CHECK(report["operators"][0]["op"] == "tosa.MAX_POOL2D");

    std::ifstream traceFile(folder / "trace.json");
    const auto trace = nlohmann::json::parse(traceFile);
    REQUIRE(trace.size() == 2);
    CHECK(trace[0]["op"] == "input");
    CHECK(trace[1]["op"] == "tosa.MAX_POOL2D");
    CHECK(trace[1]["value"] == "TosaOutput_0");

    // A plain 2x2 stride-2 max over the traced input gives the written output.
    const auto input =
        runtime::readNpyTensor((folder / trace[0]["file"].get<std::string>()).string());
    const auto output = runtime::readNpyTensor(report["outputs"][0]["file"].get<std::string>());
    const auto in = input.elements<std::int8_t>();
    const auto out = output.elements<std::int8_t>();
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            for (int c = 0; c < 16; ++c) {
                int best = -128;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx)
                        best = std::max<int>(best, in[static_cast<std::size_t>(
                                                       ((2 * y + dy) * 16 + 2 * x + dx) * 16 + c)]);
                REQUIRE(out[static_cast<std::size_t>((y * 8 + x) * 16 + c)] == best);
            }

    // The same seed gives the same output; another seed another one.
    const auto again = freshFolder("run_maxpool_again");
    REQUIRE(run({model, "-o", again.string(), "--seed", "9", "--threads", "1"}).code == 0);
    const auto repeated = runtime::readNpyTensor((again / "TosaOutput_0.npy").string());
    CHECK(std::equal(repeated.bytes().begin(), repeated.bytes().end(), output.bytes().begin()));
    REQUIRE(run({model, "-o", again.string(), "--seed", "10"}).code == 0);
    const auto other = runtime::readNpyTensor((again / "TosaOutput_0.npy").string());
    CHECK_FALSE(std::equal(other.bytes().begin(), other.bytes().end(), output.bytes().begin()));
}

TEST_CASE("run --input reads a named .npy and --check lists what cannot run") {
    const auto folder = freshFolder("run_named_input");
    const auto examples =
        pteron::testing::oracle("tosa-reference-examples/conv2d_1x1_1x32x32x8_qi8");
    const auto outcome =
        run({pteron::testing::fixture("tosa/tosaref_conv2d_qi8_from_tflite.tosa"), "-o",
             folder.string(), "--input", "TosaInput_0=" + examples + "/placeholder_0.npy"});
    REQUIRE(outcome.code == 0);
    CHECK(outcome.out.find("placeholder_0.npy") != std::string::npos);
    CHECK(outcome.out.find("time per partition") != std::string::npos);

    // Both Ethos-U55 and Ethos-U85 command streams run.
    for (const auto* file :
         {"pte/arm_mv2_ethosu55_128_int8.pte", "tflite/arm_mlek_kws_micronet_m_vela_Z256.tflite"}) {
        INFO(file);
        const auto runnable = run({"--check", "--json", pteron::testing::fixture(file)});
        CHECK(runnable.code == 0);
        const auto runnableReport = nlohmann::json::parse(runnable.out);
        REQUIRE(!runnableReport["partitions"].empty());
        for (const auto& partition : runnableReport["partitions"])
            CHECK(partition["runnable"] == true);
    }
    // A VGF whose SPIR-V is a placeholder has no code to run.
    const auto check =
        run({"--check", "--json",
             pteron::testing::fixture("vgf/vgflib_single_maxpool_graph_v0_4_3.vgf")});
    CHECK(check.code == kExitMissingKernels);
    const auto report = nlohmann::json::parse(check.out);
    REQUIRE(report["partitions"].size() == 1);
    const auto& partition = report["partitions"][0];
    CHECK(partition["runnable"] == false);
    REQUIRE(!partition["missing"].empty());
    CHECK(partition["missing"][0]["reason"].get<std::string>().find(
              "SPIR-V code is a placeholder") != std::string::npos);
}

TEST_CASE("run --delegate runs an Ethos-U partition from its TOSA") {
    const auto folder = freshFolder("run_substitute");
    const auto outcome =
        run({pteron::testing::fixture("pte/arm_mv2_ethosu55_128_int8.pte"), "-o", folder.string(),
             "--json", "--delegate",
             "EthosUBackend#0=" + pteron::testing::fixture("tosa/arm_mv2_ethosu55_tag1.tosa")});
    INFO(outcome.err);
    REQUIRE(outcome.code == 0);
    const auto report = nlohmann::json::parse(outcome.out);
    REQUIRE(report["outputs"].size() == 1);
    CHECK(report["outputs"][0]["shape"] == nlohmann::json::array({1, 1000}));
}

TEST_CASE("run --trace keeps file names of long tensor names within 255 bytes") {
    const auto folder = freshFolder("run_long_names");
    const auto outcome =
        run({pteron::testing::fixture("tflite/arm_mlek_kws_micronet_m_int8.tflite"), "-o",
             folder.string(), "--trace"});
    INFO(outcome.err);
    REQUIRE(outcome.code == 0);
    std::ifstream traceFile(folder / "trace.json");
    const auto trace = nlohmann::json::parse(traceFile);
    REQUIRE(trace.size() > 10);
    std::size_t longest = 0;
    for (const auto& entry : trace) {
        const auto file = entry["file"].get<std::string>();
        CHECK(file.size() <= 255);
        CHECK(std::filesystem::exists(folder / file));
        longest = std::max(longest, entry["value"].get<std::string>().size());
    }
    CHECK(longest > 200); // the model does have names longer than a file name may be
}
