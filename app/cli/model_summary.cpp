#include "app/cli/model_summary.hpp"

#include "adapters/common/partition_label.hpp"
#include "adapters/common/placement_figures.hpp"

namespace pteron {

namespace {

nlohmann::json valueList(const Graph& graph, const std::vector<std::int64_t>& indices) {
    auto list = nlohmann::json::array();
    for (auto index : indices)
        if (const auto* value = graph.value(index)) list.push_back(valueSummary(*value));
    return list;
}

nlohmann::json partitionSummary(const Model& model, const Graph& graph, std::size_t index) {
    const auto& partition = graph.partitions[index];
    nlohmann::json json{
        {"graph", graph.id},
        {"id", partitionLabel(graph, index)},
        {"backend", partition.backend},
        {"device", std::string(deviceClassName(partition.device))},
        {"target", partition.target},
        {"delegated", partition.delegated},
        {"node_count", graph.nodeCount(index)},
        {"payload_bytes", partition.payloadBytes},
        {"child_graph", partition.childGraph
                            ? nlohmann::json(model.graphs[*partition.childGraph].id)
                            : nlohmann::json()},
    };
    // A decoded payload's own delegated partition is the calling partition seen from inside:
    // it takes the caller's id and its payload bytes are counted once, at the caller.
    const auto source = model.sourcePartition(graph);
    const auto& caller = source ? model.graphs[source->graph] : graph;
    if (partition.delegated && source &&
        caller.partitions[source->partition].backend == partition.backend) {
        const auto label = partitionLabel(caller, source->partition);
        json["id"] = label;
        json["payload_bytes"] = 0;
        json["same_as"] = caller.id + " " + label;
    }
    const auto figures = partitionFigures(model, graph, index);
    json["calls"] = figures.calls;
    json["operators"] = figures.operators;
    if (!partition.payloadMagic.empty()) json["payload_magic"] = partition.payloadMagic;
    if (!partition.payloadLocation.empty()) json["payload_location"] = partition.payloadLocation;
    if (!partition.note.empty()) json["note"] = partition.note;
    auto specs = nlohmann::json::object();
    for (const auto& spec : partition.compileSpecs)
        specs[spec.key] = spec.text;
    if (!specs.empty()) json["compile_specs"] = specs;
    return json;
}

nlohmann::json placementSummary(const Model& model) {
    const auto summary = summarisePlacement(model);
    auto rows = nlohmann::json::array();
    for (const auto& row : summary.rows)
        rows.push_back({{"graph", row.graph},
                        {"backend", row.backend},
                        {"device", std::string(deviceClassName(row.device))},
                        {"operators", row.operators},
                        {"calls", row.calls},
                        {"share", summary.share(row)},
                        {"macs", row.macs ? nlohmann::json(*row.macs) : nlohmann::json()}});
    return {{"operators", summary.operators},  {"npu_operators", summary.npuOperators},
            {"npu_share", summary.npuShare()}, {"macs", summary.macs},
            {"npu_macs", summary.npuMacs},     {"rows", rows}};
}

} // namespace

nlohmann::json valueSummary(const Value& value) {
    nlohmann::json json{{"name", value.name}, {"dtype", std::string(dtypeName(value.dtype))}};
    json["shape"] = value.hasShape ? nlohmann::json(value.shape) : nlohmann::json();
    if (value.dynamism != ShapeDynamism::Static) json["dynamic"] = true;
    return json;
}

nlohmann::json modelSummary(const Model& model) {
    nlohmann::json json{
        {"file", model.path}, {"format", model.format}, {"format_version", model.formatVersion}};
    auto metadata = nlohmann::json::object();
    for (const auto& attribute : model.metadata)
        metadata[attribute.name] = toString(attribute.value, 64);
    json["metadata"] = metadata;
    auto graphs = nlohmann::json::array();
    auto partitions = nlohmann::json::array();
    for (const auto& graph : model.graphs) {
        nlohmann::json histogram = nlohmann::json::object();
        for (const auto& [op, count] : graph.opHistogram())
            histogram[op] = count;
        graphs.push_back({
            {"id", graph.id},
            {"name", graph.name},
            {"kind", graph.kind},
            {"parent",
             graph.parent ? nlohmann::json(model.graphs[*graph.parent].id) : nlohmann::json()},
            {"node_count", graph.nodes.size()},
            {"value_count", graph.values.size()},
            {"op_histogram", histogram},
            {"inputs", valueList(graph, graph.inputs)},
            {"outputs", valueList(graph, graph.outputs)},
        });
        for (std::size_t i = 0; i < graph.partitions.size(); ++i)
            if (isListedPartition(graph, i))
                partitions.push_back(partitionSummary(model, graph, i));
    }
    json["graphs"] = graphs;
    json["partitions"] = partitions;
    json["placement"] = placementSummary(model);
    json["constant_bytes"] = model.constantBytes();
    auto reports = nlohmann::json::array();
    for (const auto& table : model.reportTables)
        reports.push_back({{"name", table.name},
                           {"source", table.source},
                           {"columns", table.columns},
                           {"row_count", table.rows.size()}});
    json["report_tables"] = reports;
    return json;
}

} // namespace pteron
