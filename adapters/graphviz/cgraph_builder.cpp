#include "adapters/graphviz/cgraph_builder.hpp"

#include "adapters/common/graph_wiring.hpp"
#include "adapters/common/partition_label.hpp"

#include <string>
#include <vector>

namespace pteron {

namespace {

// cgraph takes char* for names it only reads; the strings stay alive for the call.
char* text(const std::string& value) {
    return const_cast<char*>(value.c_str());
}

void set(void* object, const std::string& name, const std::string& value) {
    agsafeset(object, text(name), text(value), text(std::string()));
}

// Graphviz reads backslash escapes in labels; a literal backslash must be doubled.
std::string labelText(std::string_view raw) {
    std::string escaped;
    for (char c : raw) {
        if (c == '\\') escaped += '\\';
        escaped += c;
    }
    return escaped;
}

// Work handed to a delegate or another device gets a box. Host kernels running between such
// hand-overs are left loose: their nodes interleave with the other clusters' ranks, which only
// tangles the drawing and makes Graphviz 2.42 free a layout twice (gvFreeLayout) when edges
// carry labels.
bool isHandedOver(const Partition& partition) {
    return partition.delegated || partition.device != DeviceClass::CPU;
}

std::string number(double value) {
    return std::to_string(value);
}

class Builder {
  public:
    Builder(const Graph& graph, const BackendPalette& palette, const CGraphOptions& options)
        : graph_(graph), palette_(palette), options_(options) {}

    CGraphBuild build() {
        const std::string name = "graph";
        result_.graph.reset(agopen(text(name), Agdirected, nullptr));
        Agraph_t* root = result_.graph.get();
        set(root, "rankdir", options_.leftToRight ? "LR" : "TB");
        set(root, "nodesep", number(options_.nodeSep));
        set(root, "ranksep", number(options_.rankSep));
        agattr(root, AGNODE, text("shape"), text("box"));
        agattr(root, AGNODE, text("style"), text("filled,rounded"));
        agattr(root, AGNODE, text("fontsize"), text("11"));
        agattr(root, AGEDGE, text("fontsize"), text("9"));
        if (isLarge()) capSearch(root);
        makeClusters();
        for (std::size_t i = 0; i < graph_.inputs.size(); ++i)
            addInput(i);
        firstOp_ = result_.nodes.size();
        for (std::size_t n = 0; n < graph_.nodes.size(); ++n)
            addOperation(n);
        for (std::size_t i = 0; i < graph_.outputs.size(); ++i)
            addOutput(i);
        addEdges();
        return std::move(result_);
    }

  private:
    bool isLarge() const { return graph_.nodes.size() > options_.largeGraphNodes; }
    bool labelsEdges() const { return options_.edgeLabels && !isLarge(); }

    // Network simplex and crossing minimisation iterate without bound by default, and spline
    // routing around thousands of virtual nodes is slow: on the 984-operation Ethos-U command
    // stream these caps and straight edges take the layout from minutes to seconds.
    static void capSearch(Agraph_t* root) {
        set(root, "nslimit", "0.1");
        set(root, "nslimit1", "0.1");
        set(root, "mclimit", "0.01");
        set(root, "splines", "line");
    }

    void makeClusters() {
        clusterOf_.assign(graph_.partitions.size(), nullptr);
        if (!options_.clusters || !hasSeveralPlacements(graph_)) return;
        for (std::size_t p = 0; p < graph_.partitions.size(); ++p) {
            const auto& partition = graph_.partitions[p];
            if (graph_.nodeCount(p) == 0 || !isHandedOver(partition)) continue;
            const auto name = "cluster_p" + std::to_string(p);
            Agraph_t* cluster = agsubg(result_.graph.get(), text(name), 1);
            const auto fill = palette_.color(partition.backend, deviceClassName(partition.device));
            std::string label = partitionLabel(graph_, p);
            if (!partition.target.empty()) label += " (" + partition.target + ")";
            set(cluster, "label", labelText(label));
            set(cluster, "style", "filled,rounded");
            set(cluster, "color", fill);
            set(cluster, "fillcolor", fill + "26"); // a light tint of the partition colour
            clusterOf_[p] = cluster;
            result_.clusters.push_back({cluster, p});
        }
    }

    Agnode_t* addNode(const std::string& name, const std::string& label, const std::string& fill,
                      LayoutNodeKind kind, std::size_t index) {
        Agnode_t* node = agnode(result_.graph.get(), text(name), 1);
        set(node, "label", labelText(label));
        set(node, "fillcolor", fill);
        set(node, "fontcolor", BackendPalette::textColorOn(fill));
        result_.nodes.push_back({node, kind, index});
        return node;
    }

    void addInput(std::size_t position) {
        const auto* value = graph_.value(graph_.inputs[position]);
        Agnode_t* node = addNode("in" + std::to_string(position),
                                 "input " + (value ? value->name : std::to_string(position)),
                                 "#ffffff", LayoutNodeKind::GraphInput, position);
        set(node, "shape", "ellipse");
        set(node, "style", "filled");
    }

    void addOutput(std::size_t position) {
        const auto* value = graph_.value(graph_.outputs[position]);
        Agnode_t* node = addNode("out" + std::to_string(position),
                                 "output " + (value ? value->name : std::to_string(position)),
                                 "#ffffff", LayoutNodeKind::GraphOutput, position);
        set(node, "shape", "ellipse");
        set(node, "style", "filled");
    }

    void addOperation(std::size_t n) {
        const auto& op = graph_.nodes[n];
        const Partition* partition =
            op.partition < graph_.partitions.size() ? &graph_.partitions[op.partition] : nullptr;
        const auto fill =
            partition ? palette_.color(partition->backend, deviceClassName(partition->device))
                      : palette_.defaultColor();
        Agnode_t* node =
            addNode("n" + std::to_string(n), op.op, fill, LayoutNodeKind::Operation, n);
        if (partition && clusterOf_[op.partition]) agsubnode(clusterOf_[op.partition], node, 1);
        if (n < options_.operationSizes.size()) fixSize(node, options_.operationSizes[n]);
    }

    static void fixSize(Agnode_t* node, const CGraphOptions::Size& size) {
        if (size.width <= 0 || size.height <= 0) return;
        constexpr double kPointsPerInch = 72.0;
        set(node, "width", number(size.width / kPointsPerInch));
        set(node, "height", number(size.height / kPointsPerInch));
        set(node, "fixedsize", "true");
    }

    std::size_t layoutIndex(const Producer& producer) const {
        return producer.kind == ProducerKind::Node ? firstOp_ + producer.index : producer.index;
    }

    void addEdge(std::size_t from, std::size_t to, std::int64_t valueIndex) {
        Agedge_t* edge = agedge(result_.graph.get(), result_.nodes[from].node,
                                result_.nodes[to].node, nullptr, 1);
        if (labelsEdges())
            if (const auto* value = graph_.value(valueIndex))
                set(edge, "label", labelText(value->typeText()));
        result_.edges.push_back({edge, from, to, valueIndex});
    }

    void addEdges() {
        const auto wiring = wireGraph(graph_);
        for (std::size_t n = 0; n < graph_.nodes.size(); ++n)
            for (std::size_t slot = 0; slot < graph_.nodes[n].inputs.size(); ++slot)
                if (const auto& producer = wiring.nodeInputs[n][slot])
                    addEdge(layoutIndex(*producer), firstOp_ + n,
                            graph_.nodes[n].inputs[slot].value);
        const std::size_t firstOutput = firstOp_ + graph_.nodes.size();
        for (std::size_t i = 0; i < graph_.outputs.size(); ++i)
            if (const auto& producer = wiring.graphOutputs[i])
                addEdge(layoutIndex(*producer), firstOutput + i, graph_.outputs[i]);
        addOrderEdges();
    }

    // A node no edge touches (a wait, a STOP, a DMA nothing reads) would sit in dot's first
    // rank; an invisible edge from the operation executed before it keeps it in reading order.
    // These edges shape the layout only: they are not part of the result.
    void addOrderEdges() {
        std::vector<bool> linked(result_.nodes.size(), false);
        for (const auto& edge : result_.edges) {
            linked[edge.from] = true;
            linked[edge.to] = true;
        }
        for (std::size_t n = 1; n < graph_.nodes.size(); ++n) {
            if (linked[firstOp_ + n]) continue;
            Agedge_t* edge = agedge(result_.graph.get(), result_.nodes[firstOp_ + n - 1].node,
                                    result_.nodes[firstOp_ + n].node, nullptr, 1);
            set(edge, "style", "invis");
        }
    }

    const Graph& graph_;
    const BackendPalette& palette_;
    const CGraphOptions& options_;
    CGraphBuild result_;
    std::vector<Agraph_t*> clusterOf_;
    std::size_t firstOp_ = 0;
};

} // namespace

CGraphBuild buildCGraph(const Graph& graph, const BackendPalette& palette,
                        const CGraphOptions& options) {
    return Builder(graph, palette, options).build();
}

} // namespace pteron
