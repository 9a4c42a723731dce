#include "app/cli/run_setup.hpp"

#include "adapters/common/partition_label.hpp"
#include "parsers/registry.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <thread>

namespace pteron {

std::size_t chooseGraph(const Model& model, const CommandLine& line) {
    const auto tops = model.topLevelGraphs();
    const auto wanted = line.value("--method");
    for (const auto index : tops) {
        const auto& graph = model.graphs[index];
        if (!wanted || graph.name == *wanted || graph.id == *wanted) return index;
    }
    if (wanted) {
        std::string names;
        for (const auto index : tops)
            names += (names.empty() ? "" : ", ") + model.graphs[index].id;
        throw UsageError("no method " + *wanted + " (the model has " + names + ")");
    }
    throw runtime::RuntimeError(model.path + " holds no graph to run");
}

unsigned threadCount(const CommandLine& line) {
    const auto text = line.value("--threads");
    if (!text) return std::max(1u, std::thread::hardware_concurrency());
    try {
        std::size_t used = 0;
        const auto count = std::stoul(*text, &used);
        if (used == text->size() && count >= 1 && count <= 256) return static_cast<unsigned>(count);
    } catch (const std::exception&) {
    }
    throw UsageError("--threads takes a count from 1 to 256, given " + *text);
}

std::map<std::string, runtime::GraphRef> substitutes(const Graph& graph, const CommandLine& line,
                                                     std::list<Model>& models,
                                                     std::string_view option) {
    std::map<std::string, runtime::GraphRef> result;
    const auto registry = FormatRegistry::standard();
    for (const auto& item : line.values(option)) {
        const auto equals = item.find('=');
        if (equals == std::string::npos || equals == 0 || equals + 1 == item.size())
            throw UsageError(std::string(option) + " takes PARTITION=FILE, given " + item);
        auto& model = models.emplace_back(registry.open(item.substr(equals + 1)));
        const auto tops = model.topLevelGraphs();
        if (tops.empty()) throw runtime::RuntimeError(model.path + " holds no graph to run");
        const auto name = item.substr(0, equals);
        bool matched = false;
        for (const auto& node : graph.nodes) {
            if (node.name != name && partitionLabel(graph, node.partition) != name) continue;
            result[node.name] = {&model, tops.front()};
            matched = true;
        }
        if (!matched)
            throw UsageError(std::string(option) + " names " + name +
                             ", which is no delegate of graph " + graph.id);
    }
    return result;
}

} // namespace pteron
