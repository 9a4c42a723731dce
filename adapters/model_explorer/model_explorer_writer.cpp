#include "adapters/model_explorer/model_explorer_writer.hpp"

#include "adapters/common/graph_wiring.hpp"
#include "adapters/common/partition_label.hpp"
#include "adapters/model_explorer/constant_text.hpp"
#include "adapters/model_explorer/group_attributes.hpp"
#include "adapters/model_explorer/node_ids.hpp"
#include "adapters/model_explorer/tensor_metadata.hpp"

#include <filesystem>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pteron {

namespace {

using nlohmann::json;

std::vector<std::string_view> pathParts(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

// How many leading namespace parts all nodes of the graph have in common.
std::size_t sharedLeadingParts(const Graph& graph) {
    if (graph.nodes.empty()) return 0;
    auto shared = pathParts(graph.nodes.front().namespacePath);
    std::size_t count = shared.size();
    for (const auto& node : graph.nodes) {
        const auto parts = pathParts(node.namespacePath);
        std::size_t same = 0;
        while (same < count && same < parts.size() && parts[same] == shared[same])
            ++same;
        count = same;
        if (count == 0) break;
    }
    return count;
}

// Builds the node list of one graph; lives only while that graph is written.
class GraphExport {
  public:
    GraphExport(const Model& model, std::size_t graphIndex, const BackendPalette& palette,
                const ModelExplorerOptions& options)
        : model_(model), graph_(model.graphs[graphIndex]), index_(graphIndex), palette_(palette),
          options_(options), wiring_(wireGraph(graph_)), sharedParts_(sharedLeadingParts(graph_)) {
        partitionNamespaces_.resize(graph_.partitions.size());
        // A graph placed wholly on one partition needs no extra layer around everything.
        if (!hasSeveralPlacements(graph_)) return;
        for (std::size_t i = 0; i < graph_.partitions.size(); ++i)
            if (graph_.partitions[i].delegated) partitionNamespaces_[i] = partitionLabel(graph_, i);
    }

    json build() {
        nodes_ = json::array();
        nodes_.get_ref<json::array_t&>().reserve(graph_.nodes.size() + graph_.inputs.size() +
                                                 graph_.outputs.size());
        for (std::size_t i = 0; i < graph_.inputs.size(); ++i)
            addInputNode(i);
        for (std::size_t n = 0; n < graph_.nodes.size(); ++n)
            addOpNode(n);
        for (std::size_t i = 0; i < graph_.outputs.size(); ++i)
            addOutputNode(i);
        return {{"id", graph_.id},
                {"nodes", std::move(nodes_)},
                {"groupNodeAttributes", groupNodeAttributes(model_, graph_, partitionNamespaces_)}};
    }

  private:
    std::string producerId(const Producer& producer) const {
        return producer.kind == ProducerKind::Node ? meNodeId(index_, producer.index)
                                                   : meInputId(index_, producer.index);
    }

    static json edge(const std::string& source, std::size_t sourceSlot, std::size_t targetSlot) {
        return {{"sourceNodeId", source},
                {"sourceNodeOutputId", std::to_string(sourceSlot)},
                {"targetNodeInputId", std::to_string(targetSlot)}};
    }

    // The node's own hierarchy without the layers that group nothing: parts naming the graph
    // itself and leading parts every node shares (a TFLite "subgraph0", a VGF segment name), so
    // Model Explorer opens on the operations rather than on one collapsed box.
    std::string ownPath(const Node& node) const {
        std::string path;
        const auto parts = pathParts(node.namespacePath);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i < sharedParts_ || parts[i] == graph_.id || parts[i] == graph_.name) continue;
            if (!path.empty()) path += '/';
            path += parts[i];
        }
        return path;
    }

    std::string nodeNamespace(const Node& node) const {
        const std::string& prefix = node.partition < partitionNamespaces_.size()
                                        ? partitionNamespaces_[node.partition]
                                        : "";
        const auto path = ownPath(node);
        if (prefix.empty() || path == prefix || path.rfind(prefix + "/", 0) == 0) return path;
        return path.empty() ? prefix : prefix + "/" + path;
    }

    json style(const Partition* partition) const {
        const auto fill =
            partition ? palette_.color(partition->backend, deviceClassName(partition->device))
                      : palette_.defaultColor();
        return {{"backgroundColor", fill}};
    }

    void addInputNode(std::size_t position) {
        const auto* value = graph_.value(graph_.inputs[position]);
        json node{{"id", meInputId(index_, position)}, {"label", "Input"}, {"namespace", ""}};
        node["attrs"] = json::array({meAttribute("position", std::to_string(position))});
        if (value) {
            node["attrs"].push_back(meAttribute("name", value->name));
            node["outputsMetadata"] = json::array({tensorMetadata("0", *value, value->name)});
        }
        nodes_.push_back(std::move(node));
    }

    void addOutputNode(std::size_t position) {
        const auto* value = graph_.value(graph_.outputs[position]);
        json node{{"id", meOutputId(index_, position)}, {"label", "Output"}, {"namespace", ""}};
        node["attrs"] = json::array({meAttribute("position", std::to_string(position))});
        if (const auto& producer = wiring_.graphOutputs[position])
            node["incomingEdges"] = json::array({edge(producerId(*producer), producer->slot, 0)});
        if (value) {
            node["attrs"].push_back(meAttribute("name", value->name));
            node["inputsMetadata"] = json::array({tensorMetadata("0", *value, value->name)});
        }
        nodes_.push_back(std::move(node));
    }

    // A source node for a value nothing in the graph writes (weights, buffers); once per value.
    std::optional<std::string> sourceNodeFor(std::int64_t valueIndex, const std::string& space) {
        const auto* value = graph_.value(valueIndex);
        if (!value || value->kind == ValueKind::Scalar || value->kind == ValueKind::Absent)
            return std::nullopt;
        const auto id = meConstantId(index_, valueIndex);
        if (!madeSources_.insert(valueIndex).second) return id;
        json node{{"id", id},
                  {"label", value->kind == ValueKind::Constant ? "Constant" : "Tensor"},
                  {"namespace", space}};
        auto attrs = json::array({meAttribute("name", value->name),
                                  meAttribute("kind", std::string(valueKindName(value->kind)))});
        if (!value->data.empty()) {
            attrs.push_back(meAttribute("bytes", std::to_string(value->data.size())));
            attrs.push_back(meAttribute("file_offset", std::to_string(value->data.fileOffset())));
        }
        if (auto text = constantText(*value, options_.maxConstantElements))
            attrs.push_back(meAttribute("__value", *text));
        node["attrs"] = std::move(attrs);
        node["outputsMetadata"] = json::array({tensorMetadata("0", *value, value->name)});
        nodes_.push_back(std::move(node));
        return id;
    }

    json opAttributes(const Node& node, const Partition* partition) const {
        auto attrs = json::array();
        if (!node.name.empty()) attrs.push_back(meAttribute("name", node.name));
        if (partition) {
            attrs.push_back(meAttribute("placement",
                                        partition->backend + " (" +
                                            std::string(deviceClassName(partition->device)) + ")"));
            if (!partition->target.empty())
                attrs.push_back(meAttribute("target", partition->target));
        }
        if (!node.location.empty()) attrs.push_back(meAttribute("location", node.location));
        for (const auto& attribute : node.attributes)
            attrs.push_back(meAttribute(attribute.name, toString(attribute.value)));
        // Ops that produce constants (TOSA CONST) show the data the way source nodes do.
        for (const auto& operand : node.outputs) {
            const auto* value = graph_.value(operand.value);
            if (!value) continue;
            if (auto text = constantText(*value, options_.maxConstantElements)) {
                attrs.push_back(meAttribute("__value", *text));
                break;
            }
        }
        return attrs;
    }

    void addOpNode(std::size_t n) {
        const auto& node = graph_.nodes[n];
        const Partition* partition = node.partition < graph_.partitions.size()
                                         ? &graph_.partitions[node.partition]
                                         : nullptr;
        const auto space = nodeNamespace(node);
        json result{{"id", meNodeId(index_, n)}, {"label", node.op}, {"namespace", space}};

        auto subgraphs = json::array();
        for (auto child : node.childGraphs)
            if (child < model_.graphs.size()) subgraphs.push_back(model_.graphs[child].id);
        if (!subgraphs.empty()) result["subgraphIds"] = std::move(subgraphs);

        result["attrs"] = opAttributes(node, partition);
        auto edges = json::array();
        auto inputs = json::array();
        for (std::size_t slot = 0; slot < node.inputs.size(); ++slot) {
            const auto& operand = node.inputs[slot];
            if (const auto& producer = wiring_.nodeInputs[n][slot]) {
                edges.push_back(edge(producerId(*producer), producer->slot, slot));
            } else if (auto source = sourceNodeFor(operand.value, space)) {
                edges.push_back(edge(*source, 0, slot));
            }
            if (const auto* value = graph_.value(operand.value))
                inputs.push_back(tensorMetadata(std::to_string(slot), *value, operand.name));
        }
        auto outputs = json::array();
        for (std::size_t slot = 0; slot < node.outputs.size(); ++slot)
            if (const auto* value = graph_.value(node.outputs[slot].value))
                outputs.push_back(
                    tensorMetadata(std::to_string(slot), *value, node.outputs[slot].name));
        result["incomingEdges"] = std::move(edges);
        result["inputsMetadata"] = std::move(inputs);
        result["outputsMetadata"] = std::move(outputs);
        result["style"] = style(partition);
        nodes_.push_back(std::move(result));
    }

    const Model& model_;
    const Graph& graph_;
    std::size_t index_;
    const BackendPalette& palette_;
    const ModelExplorerOptions& options_;
    GraphWiring wiring_;
    std::size_t sharedParts_;
    std::vector<std::string> partitionNamespaces_;
    std::unordered_set<std::int64_t> madeSources_;
    json nodes_;
};

} // namespace

nlohmann::json ModelExplorerWriter::graph(const Model& model, std::size_t graphIndex) const {
    return GraphExport(model, graphIndex, palette_, options_).build();
}

nlohmann::json ModelExplorerWriter::collection(const Model& model) const {
    auto graphs = nlohmann::json::array();
    for (std::size_t i = 0; i < model.graphs.size(); ++i)
        graphs.push_back(graph(model, i));
    const auto label = std::filesystem::path(model.path).filename().string();
    return {{"label", label.empty() ? model.format : label}, {"graphs", std::move(graphs)}};
}

} // namespace pteron
