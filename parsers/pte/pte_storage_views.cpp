#include "parsers/pte/pte_storage_views.hpp"

#include <map>
#include <utility>

namespace pteron {

namespace {

using StorageKey = std::pair<std::int64_t, std::uint64_t>; // memory id, offset

struct Writer {
    std::int64_t value = kAbsentValue;
    std::size_t partition = 0;
};

// Walks the nodes in execution order, remembering which tensor last wrote each planned
// storage location and which values already hold data.
class StorageViewFinder {
  public:
    explicit StorageViewFinder(Graph& graph) : graph_(graph), ready_(graph.values.size(), false) {
        for (std::size_t v = 0; v < graph.values.size(); ++v)
            if (graph.values[v].kind == ValueKind::Constant || !graph.values[v].hasShape)
                ready_[v] = true;
        for (auto input : graph.inputs)
            written(input, portable());
    }

    void run() {
        std::vector<Node> nodes;
        nodes.reserve(graph_.nodes.size());
        for (auto& node : graph_.nodes) {
            for (const auto& input : node.inputs)
                if (auto view = viewFor(input.value)) nodes.push_back(std::move(*view));
            for (const auto& output : node.outputs)
                written(output.value, node.partition);
            nodes.push_back(std::move(node));
        }
        graph_.nodes = std::move(nodes);
    }

  private:
    bool known(std::int64_t value) const {
        return value >= 0 && static_cast<std::size_t>(value) < graph_.values.size();
    }

    std::uint64_t bytes(const Value& value) const {
        return dtypeStorageBytes(value.dtype, value.elementCount());
    }

    std::size_t portable() {
        if (!portable_) portable_ = graph_.hostPartition("portable");
        return *portable_;
    }

    void written(std::int64_t value, std::size_t partition) {
        if (!known(value)) return;
        ready_[static_cast<std::size_t>(value)] = true;
        const auto& allocation = graph_.values[static_cast<std::size_t>(value)].allocation;
        if (allocation) writers_[{allocation->memoryId, allocation->offset}] = {value, partition};
    }

    std::optional<Node> viewFor(std::int64_t value) {
        if (!known(value) || ready_[static_cast<std::size_t>(value)]) return std::nullopt;
        const auto& viewed = graph_.values[static_cast<std::size_t>(value)];
        if (!viewed.allocation) return std::nullopt;
        const auto writer = writers_.find({viewed.allocation->memoryId, viewed.allocation->offset});
        if (writer == writers_.end()) return std::nullopt;
        const auto& source = graph_.values[static_cast<std::size_t>(writer->second.value)];
        if (bytes(source) != bytes(viewed) || bytes(viewed) == 0) return std::nullopt;

        Node view;
        view.op = "executorch::view";
        view.inputs = {{writer->second.value, "self"}};
        view.outputs = {{value, "out"}};
        view.attributes.push_back(
            {"note", "no instruction: shares the planned storage of " + source.name});
        // A delegate's output viewed on the host is a host view.
        const auto& partition = graph_.partitions[writer->second.partition];
        view.partition = partition.delegated ? portable() : writer->second.partition;
        written(value, view.partition);
        return view;
    }

    Graph& graph_;
    std::vector<bool> ready_;
    std::map<StorageKey, Writer> writers_;
    std::optional<std::size_t> portable_;
};

} // namespace

void addStorageViews(Graph& graph) {
    StorageViewFinder(graph).run();
}

} // namespace pteron
