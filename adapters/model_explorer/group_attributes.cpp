#include "adapters/model_explorer/group_attributes.hpp"

#include "adapters/common/partition_label.hpp"

#include <filesystem>

namespace pteron {

nlohmann::json partitionAttributes(const Model& model, const Partition& partition) {
    nlohmann::json attrs{
        {"backend", partition.backend},
        {"device", std::string(deviceClassName(partition.device))},
        {"delegated", partition.delegated ? "true" : "false"},
    };
    if (!partition.target.empty()) attrs["target"] = partition.target;
    if (partition.payloadBytes > 0) attrs["payload_bytes"] = std::to_string(partition.payloadBytes);
    if (!partition.payloadMagic.empty()) attrs["payload_magic"] = partition.payloadMagic;
    if (!partition.payloadLocation.empty()) attrs["payload_location"] = partition.payloadLocation;
    if (partition.childGraph && *partition.childGraph < model.graphs.size())
        attrs["child_graph"] = model.graphs[*partition.childGraph].id;
    if (!partition.note.empty()) attrs["note"] = partition.note;
    for (const auto& spec : partition.compileSpecs)
        attrs["spec." + spec.key] = spec.text;
    for (const auto& attribute : partition.attributes)
        attrs[attribute.name] = toString(attribute.value);
    return attrs;
}

nlohmann::json groupNodeAttributes(const Model& model, const Graph& graph,
                                   const std::vector<std::string>& partitionNamespaces) {
    nlohmann::json top{
        {"file", std::filesystem::path(model.path).filename().string()},
        {"format", model.format},
        {"graph", graph.id},
        {"nodes", std::to_string(graph.nodes.size())},
    };
    if (!model.formatVersion.empty()) top["format_version"] = model.formatVersion;
    if (!graph.kind.empty()) top["kind"] = graph.kind;
    if (graph.parent && *graph.parent < model.graphs.size())
        top["parent_graph"] = model.graphs[*graph.parent].id;
    for (const auto& attribute : model.metadata)
        top["model." + attribute.name] = toString(attribute.value);
    for (const auto& attribute : graph.attributes)
        top[attribute.name] = toString(attribute.value);
    for (std::size_t i = 0; i < graph.partitions.size(); ++i) {
        const auto& partition = graph.partitions[i];
        const auto label = partitionLabel(graph, i);
        top["placement." + label] = partition.backend + " on " +
                                    std::string(deviceClassName(partition.device)) + ", " +
                                    std::to_string(graph.nodeCount(i)) + " nodes";
        // Also here, since a graph on one placement has no partition namespace to carry them.
        const auto attributes = partitionAttributes(model, partition);
        for (auto it = attributes.begin(); it != attributes.end(); ++it)
            top["partition." + label + "." + it.key()] = it.value();
    }

    if (const auto source = model.sourcePartition(graph)) {
        const auto attributes =
            partitionAttributes(model, model.graphs[source->graph].partitions[source->partition]);
        for (auto it = attributes.begin(); it != attributes.end(); ++it)
            top["delegate." + it.key()] = it.value();
    }

    nlohmann::json groups{{"", std::move(top)}};
    for (std::size_t i = 0; i < partitionNamespaces.size() && i < graph.partitions.size(); ++i)
        if (!partitionNamespaces[i].empty())
            groups[partitionNamespaces[i]] = partitionAttributes(model, graph.partitions[i]);
    return groups;
}

} // namespace pteron
