#include "parsers/onnx/onnx_graph.hpp"

#include "parsers/onnx/onnx_attributes.hpp"
#include "parsers/onnx/onnx_types.hpp"

#include <set>
#include <unordered_map>

namespace pteron {

namespace {

constexpr std::string_view kDefaultDomain = "ai.onnx";

std::string opName(const ::onnx::NodeProto& node) {
    if (node.domain().empty() || node.domain() == kDefaultDomain) return "onnx." + node.op_type();
    return "onnx." + node.domain() + "." + node.op_type();
}

class GraphBuilder {
  public:
    GraphBuilder(const ::onnx::GraphProto& proto, const OnnxGraphSite& site,
                 OnnxConstantData& constants, Model& model)
        : proto_(proto), site_(site), constants_(constants), model_(model) {}

    std::size_t build() {
        const auto index =
            model_.addGraph(Graph{}); // reserved so child graphs can name their parent
        graph_.id = site_.id;
        graph_.name = proto_.name().empty() ? site_.id : proto_.name();
        graph_.kind = site_.kind;
        graph_.parent = site_.parent;
        if (!proto_.doc_string().empty()) graph_.attributes.push_back({"doc", proto_.doc_string()});
        graph_.hostPartition("onnx");
        for (const auto& tensor : proto_.initializer())
            initializerNames_.insert(tensor.name());
        addInputs();
        addInitializers();
        for (const auto& info : proto_.value_info())
            applyOnnxType(info.type(), valueAt(valueFor(info.name())));
        for (int i = 0; i < proto_.node_size(); ++i)
            addNode(i, index);
        addOutputs();
        markOuterScope();
        model_.graphs[index] = std::move(graph_);
        return index;
    }

  private:
    Value& valueAt(std::int64_t index) { return graph_.values[static_cast<std::size_t>(index)]; }

    std::int64_t valueFor(const std::string& name) {
        if (const auto found = byName_.find(name); found != byName_.end()) return found->second;
        Value value;
        value.name = name;
        const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
        byName_.emplace(name, index);
        return index;
    }

    void addInitializers() {
        for (int i = 0; i < proto_.initializer_size(); ++i) {
            const auto& tensor = proto_.initializer(i);
            auto& value = valueAt(valueFor(tensor.name()));
            value.kind = ValueKind::Constant;
            value.dtype = dtypeFromOnnx(tensor.data_type());
            value.hasShape = true;
            value.shape.assign(tensor.dims().begin(), tensor.dims().end());
            const std::string where = site_.where + ".initializer[" + std::to_string(i) + "]";
            constants_.bind(tensor, site_.wirePath, static_cast<std::size_t>(i), where, value);
            produced_.insert(tensor.name());
        }
        for (const auto& sparse : proto_.sparse_initializer()) {
            auto& value = valueAt(valueFor(sparse.values().name()));
            value.kind = ValueKind::Constant;
            value.dtype = dtypeFromOnnx(sparse.values().data_type());
            value.hasShape = true;
            value.shape.assign(sparse.dims().begin(), sparse.dims().end());
            value.attributes.push_back({"sparse", true});
            produced_.insert(sparse.values().name());
        }
    }

    // Before IR version 4 every initializer was also listed as an input; those stay constants.
    void addInputs() {
        for (const auto& input : proto_.input()) {
            const auto index = valueFor(input.name());
            auto& value = valueAt(index);
            if (initializerNames_.contains(input.name())) {
                value.attributes.push_back({"listed as graph input", true});
                continue;
            }
            value.kind = ValueKind::Input;
            applyOnnxType(input.type(), value);
            graph_.inputs.push_back(index);
            produced_.insert(input.name());
        }
    }

    void addOutputs() {
        for (const auto& output : proto_.output()) {
            const auto index = valueFor(output.name());
            auto& value = valueAt(index);
            if (value.kind == ValueKind::Intermediate) value.kind = ValueKind::Output;
            if (value.dtype == DType::Unknown && !value.hasShape)
                applyOnnxType(output.type(), value);
            graph_.outputs.push_back(index);
        }
    }

    // Bodies of If/Loop/Scan read values of the enclosing graph by name.
    void markOuterScope() {
        if (!site_.parent) return;
        for (auto& value : graph_.values)
            if (value.kind == ValueKind::Intermediate && !produced_.contains(value.name))
                value.attributes.push_back({"outer scope", true});
    }

    void addNode(int position, std::size_t graphIndex) {
        const auto& proto = proto_.node(position);
        Node node;
        node.name = proto.name();
        node.op = opName(proto);
        node.partition = graph_.hostPartition("onnx");
        if (!proto.domain().empty() && proto.domain() != kDefaultDomain)
            node.attributes.push_back({"domain", proto.domain()});
        if (!proto.doc_string().empty()) node.location = proto.doc_string();
        for (const auto& input : proto.input())
            node.inputs.push_back({input.empty() ? kAbsentValue : valueFor(input), {}});
        for (const auto& output : proto.output()) {
            node.outputs.push_back({output.empty() ? kAbsentValue : valueFor(output), {}});
            produced_.insert(output);
        }
        for (int a = 0; a < proto.attribute_size(); ++a) {
            const auto& attribute = proto.attribute(a);
            if (holdsGraphs(attribute))
                addChildGraphs(attribute, static_cast<std::size_t>(position),
                               static_cast<std::size_t>(a), graphIndex, node);
            else
                node.attributes.push_back(convertAttribute(attribute));
        }
        graph_.nodes.push_back(std::move(node));
    }

    void addChildGraphs(const ::onnx::AttributeProto& attribute, std::size_t position,
                        std::size_t attributeIndex, std::size_t graphIndex, Node& node) {
        const auto& proto = proto_.node(static_cast<int>(position));
        const std::string label =
            proto.name().empty() ? proto.op_type() + "#" + std::to_string(position) : proto.name();
        const std::string base = site_.id + "/" + label + "." + attribute.name();
        const std::string where = site_.where + ".node[" + std::to_string(position) +
                                  "].attribute[" + std::to_string(attributeIndex) + "]";
        std::vector<std::string> ids;
        auto addOne = [&](const ::onnx::GraphProto& body, std::optional<std::size_t> listIndex) {
            const auto suffix = listIndex ? "[" + std::to_string(*listIndex) + "]" : std::string();
            OnnxGraphSite site{base + suffix, "region", graphIndex,
                               subgraphPath(site_.wirePath, position, attributeIndex, listIndex),
                               where + (listIndex ? ".graphs" + suffix : ".g")};
            node.childGraphs.push_back(addOnnxGraph(body, site, constants_, model_));
            ids.push_back(site.id);
        };
        if (attribute.has_g()) addOne(attribute.g(), std::nullopt);
        for (int k = 0; k < attribute.graphs_size(); ++k)
            addOne(attribute.graphs(k), static_cast<std::size_t>(k));
        if (ids.size() == 1 && attribute.has_g())
            node.attributes.push_back({attribute.name(), "graph " + ids.front()});
        else
            node.attributes.push_back({attribute.name(), std::move(ids)});
    }

    const ::onnx::GraphProto& proto_;
    const OnnxGraphSite& site_;
    OnnxConstantData& constants_;
    Model& model_;
    Graph graph_;
    std::unordered_map<std::string, std::int64_t> byName_;
    std::set<std::string> produced_;
    std::set<std::string> initializerNames_;
};

} // namespace

std::size_t addOnnxGraph(const ::onnx::GraphProto& proto, const OnnxGraphSite& site,
                         OnnxConstantData& constants, Model& model) {
    return GraphBuilder(proto, site, constants, model).build();
}

} // namespace pteron
