#include "parsers/tflite/tflite_reader.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/common/read_budget.hpp"
#include "parsers/tflite/tflite_metadata.hpp"
#include "parsers/tflite/tflite_options.hpp"
#include "parsers/tflite/tflite_tensors.hpp"
#include "parsers/vela/vela_partition.hpp"
#include "parsers/vela_report/vela_report_attach.hpp"

#include <algorithm>

namespace pteron {
namespace {

namespace fb = pteron::fb::tflite;

bool hasTfliteExtension(std::string_view path) {
    return path.size() >= 7 && path.substr(path.size() - 7) == ".tflite";
}

std::vector<std::int64_t> indices(const flatbuffers::Vector<std::int32_t>* list,
                                  std::size_t count) {
    std::vector<std::int64_t> out;
    if (!list) return out;
    for (const auto i : *list)
        out.push_back(i >= 0 && static_cast<std::size_t>(i) < count ? i : kAbsentValue);
    return out;
}

std::vector<Operand> operands(const flatbuffers::Vector<std::int32_t>* list, std::size_t count) {
    std::vector<Operand> out;
    for (const auto index : indices(list, count))
        out.push_back({index, {}});
    return out;
}

const fb::OperatorCode* codeOf(const fb::Model& model, const fb::Operator& op) {
    const auto* codes = model.operator_codes();
    if (!codes || op.opcode_index() >= codes->size()) return nullptr;
    return codes->Get(op.opcode_index());
}

class SubgraphReader {
  public:
    SubgraphReader(const fb::Model& model, const std::shared_ptr<const MappedFile>& file)
        : model_(model), file_(file), budget_(file->size(), file->path(), "tflite") {}

    Graph read(const fb::SubGraph& subgraph, std::size_t index) {
        Graph graph;
        graph.id = subgraph.name() && subgraph.name()->size() ? subgraph.name()->str()
                                                              : "subgraph" + std::to_string(index);
        graph.name = graph.id;
        graph.kind = "subgraph";
        graph.attributes.push_back({"subgraph index", static_cast<std::int64_t>(index)});
        readTensors(subgraph, graph);
        readOperators(subgraph, graph, index);
        return graph;
    }

  private:
    void readTensors(const fb::SubGraph& subgraph, Graph& graph) {
        const auto* tensors = subgraph.tensors();
        const std::size_t count = tensors ? tensors->size() : 0;
        for (std::size_t i = 0; i < count; ++i) {
            const auto* tensor = tensors->Get(static_cast<flatbuffers::uoffset_t>(i));
            const auto where = graph.id + ".tensors[" + std::to_string(i) + "]";
            budget_.spendReferences(1, where);
            if (tensor)
                budget_.spendText((tensor->name() ? tensor->name()->size() : 0) +
                                      (tensor->shape() ? 8 * tensor->shape()->size() : 0),
                                  where);
            graph.addValue(tensor ? tflite::tensorValue(*tensor, model_, file_, where) : Value{});
        }
        graph.inputs = indices(subgraph.inputs(), count);
        graph.outputs = indices(subgraph.outputs(), count);
        for (const auto i : graph.inputs)
            if (i >= 0) graph.values[static_cast<std::size_t>(i)].kind = ValueKind::Input;
        for (const auto i : graph.outputs)
            if (i >= 0) graph.values[static_cast<std::size_t>(i)].kind = ValueKind::Output;
    }

    void readOperators(const fb::SubGraph& subgraph, Graph& graph, std::size_t index) {
        const auto* ops = subgraph.operators();
        if (!ops) return;
        const std::size_t count = graph.values.size();
        for (std::size_t i = 0; i < ops->size(); ++i) {
            const auto* op = ops->Get(static_cast<flatbuffers::uoffset_t>(i));
            if (!op) continue;
            const auto* code = codeOf(model_, *op);
            budget_.spendReferences((op->inputs() ? op->inputs()->size() : 0) +
                                        (op->outputs() ? op->outputs()->size() : 0),
                                    graph.id + ".operators[" + std::to_string(i) + "]");
            Node node;
            node.op = tflite::operatorName(code);
            node.name = node.op.substr(7) + "#" + std::to_string(i);
            node.inputs = operands(op->inputs(), count);
            node.outputs = operands(op->outputs(), count);
            node.attributes = tflite::builtinOptionAttributes(*op);
            if (code && code->version() > 1)
                node.attributes.push_back({"version", std::int64_t{code->version()}});
            if (op->custom_options())
                node.attributes.push_back(
                    {"custom_options_bytes",
                     static_cast<std::int64_t>(op->custom_options()->size())});
            node.partition = graph.hostPartition("cpu");
            node.namespacePath = "subgraph" + std::to_string(index);
            graph.nodes.push_back(std::move(node));
        }
    }

    const fb::Model& model_;
    const std::shared_ptr<const MappedFile>& file_;
    ReadBudget budget_;
};

// Every ethos-u operator becomes an NPU partition whose child graph is its command stream; a
// stream that does not decode leaves its operator on the NPU with a note instead.
void placeVelaOperators(Model& model, std::size_t graphCount) {
    for (std::size_t g = 0; g < graphCount; ++g) {
        std::size_t ordinal = 0;
        for (std::size_t n = 0; n < model.graphs[g].nodes.size(); ++n) {
            if (!vela::isEthosUOperator(model.graphs[g].nodes[n])) continue;
            const auto graphsBefore = model.graphs.size();
            try {
                vela::placeEthosUOperator(model, g, n, ordinal++);
            } catch (const FormatError& error) {
                model.graphs.resize(graphsBefore);
                vela::placeUndecodedEthosUOperator(model, g, n, error.what());
            }
        }
    }
}

void dropUnusedCpuPartition(Graph& graph) {
    if (graph.partitions.empty() || graph.nodeCount(0) != 0 || graph.partitions[0].delegated)
        return;
    graph.partitions.erase(graph.partitions.begin());
    for (auto& node : graph.nodes)
        --node.partition;
}

// Vela's OfflineMemoryAllocation, [version, subgraphs, tensors, offset...], gives each tensor
// of the first subgraphs (in order) its arena offset, -1 when the runtime places it.
void mapOfflineAllocation(Model& model) {
    const auto* entry = findAttribute(model.metadata, "OfflineMemoryAllocation");
    const auto* list = entry ? std::get_if<std::vector<std::int64_t>>(&entry->value) : nullptr;
    if (!list || list->size() < 3) return;
    const auto subgraphs = static_cast<std::size_t>(std::max<std::int64_t>((*list)[1], 0));
    const auto tensors = static_cast<std::size_t>(std::max<std::int64_t>((*list)[2], 0));
    std::size_t planned = 0;
    for (std::size_t g = 0; g < subgraphs && g < model.graphs.size(); ++g)
        planned += model.graphs[g].values.size();
    if (subgraphs > model.graphs.size() || planned != tensors || list->size() != 3 + tensors) {
        model.metadata.push_back(
            {"OfflineMemoryAllocation note",
             std::string("offsets do not match the tensors of the first subgraphs; not mapped")});
        return;
    }
    std::size_t next = 3;
    for (std::size_t g = 0; g < subgraphs; ++g)
        for (auto& value : model.graphs[g].values)
            value.attributes.push_back({"offline_arena_offset", (*list)[next++]});
}

// Vela's output says so in its description ("Vela Optimised", "Vela 3.12.1 Optimised") and
// in its ethos-u operators; the version comes from the vela_version entry or the description.
void markVelaProducer(Model& model) {
    const auto* description = findAttribute(model.metadata, "description");
    const auto* found = description ? std::get_if<std::string>(&description->value) : nullptr;
    // A copy: adding metadata below may move the attribute it came from.
    const std::string text = found ? *found : std::string();
    const bool described = text.rfind("Vela", 0) == 0;
    const bool hasNpuOperator = std::ranges::any_of(model.graphs, [](const Graph& graph) {
        return std::ranges::any_of(graph.nodes, vela::isEthosUOperator);
    });
    if (!described && !hasNpuOperator) return;
    model.metadata.push_back({"producer", std::string("Vela")});
    if (findAttribute(model.metadata, "vela_version") || !described) return;
    // "Vela <version> Optimised" (legacy writer); Regor writes no version.
    const auto first = text.find(' ');
    const auto last = text.rfind(' ');
    if (first != std::string::npos && last > first + 1)
        model.metadata.push_back({"vela_version", text.substr(first + 1, last - first - 1)});
}

Model readTflite(std::shared_ptr<const MappedFile> file, const ReaderContext&) {
    const auto* root =
        verifiedRoot<fb::Model>(file->bytes(), "TFL3", {file->path(), "tflite", "Model", 0});
    Model model;
    model.path = file->path();
    model.format = "tflite";
    model.formatVersion = std::to_string(root->version());
    model.files.push_back(file);
    model.metadata = tflite::modelMetadata(*root, file);
    SubgraphReader reader(*root, file);
    if (const auto* subgraphs = root->subgraphs()) {
        for (std::size_t i = 0; i < subgraphs->size(); ++i) {
            const auto* subgraph = subgraphs->Get(static_cast<flatbuffers::uoffset_t>(i));
            if (!subgraph)
                throw FormatError(file->path(), "tflite", "subgraphs[" + std::to_string(i) + "]",
                                  "a subgraph table");
            auto graph = reader.read(*subgraph, i);
            // Subgraph names are not required to be unique; graph ids are.
            if (model.findGraph(graph.id)) graph.id += "#" + std::to_string(i);
            model.addGraph(std::move(graph));
        }
    }
    const std::size_t graphCount = model.graphs.size();
    mapOfflineAllocation(model);
    markVelaProducer(model);
    placeVelaOperators(model, graphCount);
    for (std::size_t g = 0; g < graphCount; ++g)
        dropUnusedCpuPartition(model.graphs[g]);
    // Vela writes its summary and per-layer reports beside the optimised model.
    vela_report::attachReportsBeside(model, file->path());
    return model;
}

} // namespace

FormatReader tfliteFormatReader() {
    return {"tflite",
            [](std::span<const std::byte> bytes, std::string_view path) {
                return hasTag(bytes, 4, "TFL3") || hasTfliteExtension(path);
            },
            readTflite};
}

} // namespace pteron
