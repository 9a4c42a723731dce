#include "app/cli/run_inputs.hpp"

#include "runtime/input_generator.hpp"
#include "runtime/tensor_file.hpp"

#include <filesystem>

namespace pteron {

namespace {

// NAME=FILE pairs of --input; NAME may be an input's name or its position.
std::map<std::string, std::string> namedFiles(const CommandLine& line) {
    std::map<std::string, std::string> files;
    for (const auto& item : line.values("--input")) {
        const auto equals = item.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == item.size())
            throw UsageError("--input takes NAME=FILE.npy, given " + item);
        files[item.substr(0, equals)] = item.substr(equals + 1);
    }
    return files;
}

std::optional<std::string> fileInFolder(const std::string& folder, const std::string& name,
                                        std::size_t position) {
    const std::filesystem::path dir(folder);
    for (const auto& candidate :
         {fileNameFor(name) + ".npy", "input" + std::to_string(position) + ".npy",
          "placeholder_" + std::to_string(position) + ".npy"}) {
        if (std::filesystem::is_regular_file(dir / candidate)) return (dir / candidate).string();
    }
    return std::nullopt;
}

std::uint64_t seedOf(const CommandLine& line) {
    const auto text = line.value("--seed");
    if (!text) return 0;
    try {
        std::size_t used = 0;
        const auto seed = std::stoull(*text, &used);
        if (used == text->size()) return seed;
    } catch (const std::exception&) {
    }
    throw UsageError("--seed takes a non-negative integer, given " + *text);
}

} // namespace

std::string fileNameFor(const std::string& valueName) {
    std::string name = valueName;
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            c = '_';
    if (name.empty() || name == "." || name == "..") name = "_" + name;
    // File systems take names of at most 255 bytes; leave room for ".NNN.npy".
    return name.substr(0, 200);
}

std::vector<RunInput> gatherInputs(const Graph& graph, const CommandLine& line) {
    auto files = namedFiles(line);
    const auto folder = line.value("--inputs");
    if (folder && !std::filesystem::is_directory(*folder))
        throw UsageError("--inputs needs a folder, " + *folder + " is not one");
    const auto seed = seedOf(line);
    std::vector<RunInput> inputs;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        RunInput input{specs[i], {}, {}};
        std::optional<std::string> path;
        for (const auto& key : {specs[i].name, std::to_string(i)}) {
            if (const auto found = files.find(key); found != files.end()) {
                path = found->second;
                files.erase(found);
            }
        }
        if (!path && folder) path = fileInFolder(*folder, specs[i].name, i);
        if (path) {
            if (!std::filesystem::exists(*path))
                throw runtime::RuntimeError("input " + specs[i].name + ": " + *path +
                                            " does not exist");
            input.tensor = runtime::readNpyTensor(*path);
            input.source = *path;
        } else {
            input.tensor = runtime::randomInput(specs[i], seed, i);
            input.source = "random (seed " + std::to_string(seed) + ")";
        }
        inputs.push_back(std::move(input));
    }
    if (!files.empty())
        throw UsageError("--input names " + files.begin()->first +
                         ", which is not an input of graph " + graph.id);
    return inputs;
}

} // namespace pteron
