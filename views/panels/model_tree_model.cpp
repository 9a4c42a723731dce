#include "views/panels/model_tree_model.hpp"

#include "adapters/common/partition_label.hpp"

#include <algorithm>

namespace pteron {

ModelTreeModel::ModelTreeModel(const Model& model, QObject* parent)
    : QAbstractItemModel(parent), model_(model), topLevel_(model.topLevelGraphs()),
      childGraphs_(model.graphs.size()), listedPartitions_(model.graphs.size()),
      partitionRow_(model.graphs.size()), partitionNodes_(model.graphs.size()),
      rowInPartition_(model.graphs.size()) {
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& graph = model.graphs[g];
        if (graph.parent && *graph.parent < model.graphs.size())
            childGraphs_[*graph.parent].push_back(g);
        partitionNodes_[g].resize(graph.partitions.size());
        partitionRow_[g].assign(graph.partitions.size(), 0);
        for (std::size_t p = 0; p < graph.partitions.size(); ++p) {
            if (!isListedPartition(graph, p)) continue;
            partitionRow_[g][p] = listedPartitions_[g].size();
            listedPartitions_[g].push_back(p);
        }
        rowInPartition_[g].resize(graph.nodes.size());
        for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
            const auto p = graph.nodes[n].partition;
            if (p >= graph.partitions.size()) continue;
            rowInPartition_[g][n] = partitionNodes_[g][p].size();
            partitionNodes_[g][p].push_back(n);
        }
    }
}

quintptr ModelTreeModel::pack(Kind kind, std::size_t graph, std::size_t item) {
    return (static_cast<quintptr>(kind) << 60) | (static_cast<quintptr>(graph) << 36) |
           static_cast<quintptr>(item);
}

QModelIndex ModelTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= columnCount()) return {};
    const auto r = static_cast<std::size_t>(row);
    if (!parent.isValid()) {
        if (r >= topLevel_.size()) return {};
        return createIndex(row, column, pack(Kind::Graph, topLevel_[r], 0));
    }
    const auto id = parent.internalId();
    const auto g = graphOf(id);
    if (kindOf(id) == Kind::Graph) {
        const auto partitions = listedPartitions_[g].size();
        if (r < partitions)
            return createIndex(row, column, pack(Kind::Partition, g, listedPartitions_[g][r]));
        if (r - partitions >= childGraphs_[g].size()) return {};
        return createIndex(row, column, pack(Kind::Graph, childGraphs_[g][r - partitions], 0));
    }
    if (kindOf(id) == Kind::Partition) {
        const auto& nodes = partitionNodes_[g][itemOf(id)];
        if (r >= nodes.size()) return {};
        return createIndex(row, column, pack(Kind::Node, g, nodes[r]));
    }
    return {};
}

QModelIndex ModelTreeModel::graphIndex(std::size_t graph) const {
    const auto& parentGraph = model_.graphs[graph].parent;
    if (!parentGraph || *parentGraph >= model_.graphs.size()) {
        auto it = std::find(topLevel_.begin(), topLevel_.end(), graph);
        if (it == topLevel_.end()) return {};
        return createIndex(int(it - topLevel_.begin()), 0, pack(Kind::Graph, graph, 0));
    }
    const auto& siblings = childGraphs_[*parentGraph];
    auto it = std::find(siblings.begin(), siblings.end(), graph);
    const auto row = listedPartitions_[*parentGraph].size() + std::size_t(it - siblings.begin());
    return createIndex(int(row), 0, pack(Kind::Graph, graph, 0));
}

QModelIndex ModelTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    const auto id = child.internalId();
    const auto g = graphOf(id);
    switch (kindOf(id)) {
    case Kind::Graph: {
        const auto& parentGraph = model_.graphs[g].parent;
        if (!parentGraph || *parentGraph >= model_.graphs.size()) return {};
        return graphIndex(*parentGraph);
    }
    case Kind::Partition:
        return graphIndex(g);
    case Kind::Node: {
        const auto p = model_.graphs[g].nodes[itemOf(id)].partition;
        if (p >= partitionRow_[g].size()) return {};
        return createIndex(int(partitionRow_[g][p]), 0, pack(Kind::Partition, g, p));
    }
    }
    return {};
}

int ModelTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0) return 0;
    if (!parent.isValid()) return int(topLevel_.size());
    const auto id = parent.internalId();
    const auto g = graphOf(id);
    if (kindOf(id) == Kind::Graph) return int(listedPartitions_[g].size() + childGraphs_[g].size());
    if (kindOf(id) == Kind::Partition) return int(partitionNodes_[g][itemOf(id)].size());
    return 0;
}

int ModelTreeModel::columnCount(const QModelIndex&) const {
    return 2;
}

QVariant ModelTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || role != Qt::DisplayRole) return {};
    const auto id = index.internalId();
    const auto& graph = model_.graphs[graphOf(id)];
    const bool first = index.column() == 0;
    switch (kindOf(id)) {
    case Kind::Graph:
        return first ? QString::fromStdString(graph.id)
                     : QString("%1 · %2 nodes")
                           .arg(QString::fromStdString(graph.kind))
                           .arg(graph.nodes.size());
    case Kind::Partition: {
        const auto& partition = graph.partitions[itemOf(id)];
        const auto device = deviceClassName(partition.device);
        return first ? QString::fromStdString(partitionLabel(graph, itemOf(id)))
                     : QString("%1 · %2 nodes")
                           .arg(QString::fromUtf8(device.data(), qsizetype(device.size())))
                           .arg(partitionNodes_[graphOf(id)][itemOf(id)].size());
    }
    case Kind::Node: {
        const auto& node = graph.nodes[itemOf(id)];
        return first ? QString::fromStdString(node.op)
                     : QString("#%1 %2").arg(itemOf(id)).arg(QString::fromStdString(node.name));
    }
    }
    return {};
}

QVariant ModelTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return section == 0 ? tr("Item") : tr("Details");
}

SelectionTarget ModelTreeModel::targetAt(const QModelIndex& index) const {
    if (!index.isValid()) return {};
    const auto id = index.internalId();
    switch (kindOf(id)) {
    case Kind::Graph:
        return {SelectionTarget::Kind::Graph, graphOf(id), 0};
    case Kind::Partition:
        return {SelectionTarget::Kind::Partition, graphOf(id), itemOf(id)};
    case Kind::Node:
        return {SelectionTarget::Kind::Node, graphOf(id), itemOf(id)};
    }
    return {};
}

QModelIndex ModelTreeModel::indexOf(const SelectionTarget& target) const {
    if (target.graph >= model_.graphs.size()) return {};
    const auto& graph = model_.graphs[target.graph];
    switch (target.kind) {
    case SelectionTarget::Kind::Graph:
        return graphIndex(target.graph);
    case SelectionTarget::Kind::Partition:
        if (!isListedPartition(graph, target.index)) return {};
        return createIndex(int(partitionRow_[target.graph][target.index]), 0,
                           pack(Kind::Partition, target.graph, target.index));
    case SelectionTarget::Kind::Node:
        if (target.index >= graph.nodes.size()) return {};
        return createIndex(int(rowInPartition_[target.graph][target.index]), 0,
                           pack(Kind::Node, target.graph, target.index));
    default:
        return {};
    }
}

} // namespace pteron
