// The pteron executable over every model fixture: `run --check` and `run` exit 0 and write every
// output, unless the model holds something no runtime can execute. What may stop a partition is
// read from the model, not listed here: an Ethos-U command stream (a node whose child graph is a
// command stream), a vendor-opaque payload (a delegate call whose payload was not decoded), a
// SPIR-V module that is only a placeholder (the reader's note). Then --check must name only those
// obstacles, under their partition, and both commands exit 3. A file that is not a model exits 2.
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"
#include "runtime/tensor_file.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

using namespace pteron;

namespace {

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string quoted(const std::string& text) {
    std::string result = "'";
    for (const char c : text)
        result += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return result + "'";
}

Outcome runCli(const std::vector<std::string>& args) {
    const auto folder = pteron::testing::madeDir() / "cli_run_fixtures";
    std::filesystem::create_directories(folder);
    std::string command = quoted(PTERON_CLI);
    for (const auto& arg : args)
        command += " " + quoted(arg);
    command += " >" + quoted((folder / "out.txt").string()) + " 2>" +
               quoted((folder / "err.txt").string());
    const int status = std::system(command.c_str());
    Outcome outcome;
    outcome.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = readText(folder / "out.txt");
    outcome.err = readText(folder / "err.txt");
    return outcome;
}

// What may keep a partition (by its backend id as the file writes it) from running.
struct Obstacles {
    bool commandStream = false;
    bool opaquePayload = false;
    bool placeholderModule = false;
    bool any() const { return commandStream || opaquePayload || placeholderModule; }
};

bool isPlaceholderNote(const Node& node) {
    const auto* note = findAttribute(node.attributes, "note");
    const auto* text = note ? std::get_if<std::string>(&note->value) : nullptr;
    return text && text->find("placeholder") != std::string::npos;
}

// The obstacles a node brings, including those in the graphs it calls.
void addNodeObstacles(const Model& model, const Graph& graph, const Node& node, Obstacles& found,
                      std::set<const Graph*>& seen) {
    const bool delegated =
        node.partition < graph.partitions.size() && graph.partitions[node.partition].delegated;
    if (delegated && node.childGraphs.empty()) found.opaquePayload = true;
    if (isPlaceholderNote(node)) found.placeholderModule = true;
    for (const auto child : node.childGraphs) {
        if (child >= model.graphs.size()) continue;
        const auto& called = model.graphs[child];
        if (called.kind == "command-stream") {
            found.commandStream = true;
            continue;
        }
        if (!seen.insert(&called).second) continue;
        for (const auto& inner : called.nodes)
            addNodeObstacles(model, called, inner, found, seen);
    }
}

std::map<std::string, Obstacles> obstaclesByBackend(const Model& model, const Graph& graph) {
    std::map<std::string, Obstacles> result;
    std::set<const Graph*> seen{&graph};
    for (const auto& node : graph.nodes) {
        if (node.partition >= graph.partitions.size()) continue;
        addNodeObstacles(model, graph, node, result[graph.partitions[node.partition].backend],
                         seen);
    }
    return result;
}

// Which obstacle a --check reason names, or none.
bool reasonMatches(const std::string& reason, const Obstacles& obstacles) {
    if (reason.starts_with("Ethos-U command stream")) return obstacles.commandStream;
    if (reason.find("opaque") != std::string::npos) return obstacles.opaquePayload;
    if (reason.find("SPIR-V code is a placeholder") != std::string::npos)
        return obstacles.placeholderModule;
    return false;
}

// A .ptd of the same stem in fixtures/ptd holds the program's external weights.
std::vector<std::string> companionArgs(const std::string& path) {
    const auto stem = std::filesystem::path(path).stem().string();
    const auto ptd = pteron::testing::fixturesDir() / "ptd" / (stem + ".ptd");
    if (!std::filesystem::exists(ptd)) return {};
    return {"--ptd", ptd.string()};
}

// Integer inputs are often class labels or positions: they are given as seeded values modulo 2,
// which every indexed dimension of the fixtures admits; the rest come from --seed.
std::vector<std::string> inputArgs(const Graph& graph, const std::string& stem) {
    std::vector<std::string> args;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].dtype != DType::Int64 && specs[i].dtype != DType::Int32) continue;
        auto tensor = runtime::randomInput(specs[i], 1, i);
        if (tensor.dtype() == DType::Int64)
            for (auto& item : tensor.mutableElements<std::int64_t>())
                item %= 2;
        else
            for (auto& item : tensor.mutableElements<std::int32_t>())
                item %= 2;
        const auto path = pteron::testing::madeDir() / "cli_run_fixtures" /
                          (stem + "_input" + std::to_string(i) + ".npy");
        REQUIRE(runtime::writeNpyTensor(path.string(), tensor).empty());
        args.push_back("--input");
        args.push_back(std::to_string(i) + "=" + path.string());
    }
    return args;
}

} // namespace

TEST_CASE("pteron run executes every fixture that holds no stream, opaque payload or placeholder",
          "[cli][runtime][fixtures]") {
    const auto registry = FormatRegistry::standard();
    std::size_t ran = 0, stopped = 0;
    for (const auto& path : pteron::testing::modelFixtures()) {
        INFO(path);
        const auto companions = companionArgs(path);
        ReadOptions options;
        if (!companions.empty()) options.companions.push_back(companions[1]);
        std::optional<Model> model;
        try {
            model = registry.open(path, options);
        } catch (const FormatError&) {
            // Not a model: both commands refuse it with exit 2 and a message.
            const auto check = runCli({"run", "--check", path});
            CHECK(check.code == 2);
            CHECK(check.err.starts_with("pteron: "));
            CHECK(runCli({"run", path, "-o",
                          (pteron::testing::madeDir() / "cli_run_fixtures" / "out").string()})
                      .code == 2);
            continue;
        }
        const auto tops = model->topLevelGraphs();
        for (const auto index : tops) {
            const auto& graph = model->graphs[index];
            INFO("graph " << graph.id);
            std::vector<std::string> common = companions;
            if (tops.size() > 1) common.insert(common.end(), {"--method", graph.id});
            auto checkArgs = std::vector<std::string>{"run", "--check", "--json", path};
            checkArgs.insert(checkArgs.end(), common.begin(), common.end());
            const auto check = runCli(checkArgs);
            INFO(check.err);
            REQUIRE((check.code == 0 || check.code == 3));
            const auto report = nlohmann::json::parse(check.out);
            const auto obstacles = obstaclesByBackend(*model, graph);
            bool anyObstacle = false;
            for (const auto& [backend, found] : obstacles)
                anyObstacle |= found.any();
            if (!anyObstacle) CHECK(check.code == 0);
            for (const auto& partition : report["partitions"]) {
                if (partition["runnable"].get<bool>()) continue;
                const auto backend = partition["backend"].get<std::string>();
                INFO("partition " << partition["partition"].get<std::string>());
                const auto found = obstacles.find(backend);
                REQUIRE(found != obstacles.end());
                CHECK(!partition["missing"].empty());
                for (const auto& item : partition["missing"]) {
                    const auto reason = item["reason"].get<std::string>();
                    INFO(item["op"].get<std::string>() << ": " << reason);
                    CHECK(reasonMatches(reason, found->second));
                }
            }

            const auto stem = std::filesystem::path(path).stem().string() + "_" + graph.id;
            const auto folder = pteron::testing::madeDir() / "cli_run_fixtures" / stem;
            std::filesystem::remove_all(folder);
            auto runArgs = std::vector<std::string>{"run",       path, "--seed", "1",
                                                    "--threads", "2",  "-o",     folder.string()};
            runArgs.insert(runArgs.end(), common.begin(), common.end());
            const auto inputs = inputArgs(graph, stem);
            runArgs.insert(runArgs.end(), inputs.begin(), inputs.end());
            const auto run = runCli(runArgs);
            INFO(run.err);
            CHECK(run.code == check.code);
            if (check.code == 3) {
                CHECK(run.err.find("cannot run") != std::string::npos);
                ++stopped;
                continue;
            }
            // Every graph output is written as .npy.
            std::size_t written = 0;
            if (std::filesystem::exists(folder))
                for (const auto& entry : std::filesystem::directory_iterator(folder))
                    written += entry.path().extension() == ".npy";
            CHECK(written == graph.outputs.size());
            ++ran;
        }
    }
    CHECK(ran > 0);
    CHECK(stopped > 0);
}
