// Item model of a Model: graphs, their partitions and the operators placed on each.
#pragma once

#include "core/model.hpp"
#include "views/selection_model.hpp"

#include <QAbstractItemModel>

#include <vector>

namespace pteron {

// Child graphs (decoded payloads, regions) are listed under their calling graph after its
// partitions. Partitions are those `pteron info` lists (isListedPartition).
class ModelTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    explicit ModelTreeModel(const Model& model, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    SelectionTarget targetAt(const QModelIndex& index) const;
    QModelIndex indexOf(const SelectionTarget& target) const;

  private:
    enum class Kind : quintptr { Graph = 1, Partition = 2, Node = 3 };
    static quintptr pack(Kind kind, std::size_t graph, std::size_t item);
    static Kind kindOf(quintptr id) { return static_cast<Kind>(id >> 60); }
    static std::size_t graphOf(quintptr id) { return (id >> 36) & 0xffffff; }
    static std::size_t itemOf(quintptr id) { return id & 0xfffffffff; }
    QModelIndex graphIndex(std::size_t graph) const;

    const Model& model_;
    std::vector<std::size_t> topLevel_;
    std::vector<std::vector<std::size_t>> childGraphs_;                 // per graph
    std::vector<std::vector<std::size_t>> listedPartitions_;            // per graph, by row
    std::vector<std::vector<std::size_t>> partitionRow_;                // graph, partition
    std::vector<std::vector<std::vector<std::size_t>>> partitionNodes_; // graph, partition
    std::vector<std::vector<std::size_t>> rowInPartition_;              // graph, node
};

} // namespace pteron
