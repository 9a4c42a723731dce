#include "views/panels/properties_panel.hpp"

#include "adapters/common/kernel_argument_names.hpp"
#include "adapters/common/placement_figures.hpp"
#include "core/quantity_text.hpp"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pteron {

namespace {

constexpr int kValueRole = Qt::UserRole + 1; // value index a row stands for, to select it

QString text(std::string_view view) {
    return QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
}

// Long keys and values are elided in their column; the tooltip shows them whole.
QTreeWidgetItem* row(QTreeWidgetItem* parent, const QString& key, const QString& value) {
    auto* item = new QTreeWidgetItem(parent, {key, value});
    item->setToolTip(0, key);
    item->setToolTip(1, value);
    return item;
}

// A row as JSON: its value, or an object of its value ("value") and its rows.
QJsonValue rowJson(const QTreeWidgetItem* item) {
    if (item->childCount() == 0) return item->text(1);
    QJsonObject object;
    if (!item->text(1).isEmpty()) object.insert("value", item->text(1));
    for (int i = 0; i < item->childCount(); ++i) {
        const auto* child = item->child(i);
        auto key = child->text(0);
        // Two operands may share a name; the later ones get their position.
        if (object.contains(key)) key += QString(" #%1").arg(i);
        object.insert(key, rowJson(child));
    }
    return object;
}

void addAttributes(QTreeWidgetItem* parent, const Attributes& attributes) {
    for (const auto& attribute : attributes)
        row(parent, QString::fromStdString(attribute.name),
            QString::fromStdString(toString(attribute.value)));
}

QString numberList(const auto& numbers, std::size_t limit = 8) {
    QStringList parts;
    for (std::size_t i = 0; i < numbers.size() && i < limit; ++i)
        parts << QString::number(numbers[i], 'g', 8);
    if (numbers.size() > limit) parts << QString("… (%1)").arg(numbers.size());
    return "[" + parts.join(", ") + "]";
}

// "1 byte", "512 bytes", "3379376 bytes (3.22 MiB)".
QString bytesText(std::uint64_t bytes) {
    const auto count = QString::fromStdString(countText(bytes, "byte"));
    if (bytes < 1024) return count;
    return QString("%1 (%2)").arg(count, QLocale().formattedDataSize(qint64(bytes)));
}

} // namespace

PropertiesPanel::PropertiesPanel(QWidget* parent) : QWidget(parent), tree_(new QTreeWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tree_);
    tree_->setObjectName("propertiesTree");
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Property"), tr("Value")});
    // The key column fits its keys up to a share of the width; the value column takes the rest
    // and elides, with the whole text in the tooltip.
    tree_->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    tree_->header()->setStretchLastSection(true);
    tree_->setTextElideMode(Qt::ElideMiddle);
    tree_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree_, &QWidget::customContextMenuRequested, this, [this](QPoint at) {
        if (auto* item = tree_->itemAt(at))
            rowMenu(item)->popup(tree_->viewport()->mapToGlobal(at));
    });
    auto* copy = new QAction(tr("Copy value"), tree_);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, [this] {
        if (auto* item = tree_->currentItem()) copyToClipboard(valueText(item));
    });
    tree_->addAction(copy);
    // Double-clicking an operand selects its value, which the tensor viewer then shows.
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const auto value = item->data(0, kValueRole);
        if (!document_ || !value.isValid()) return;
        const auto graph = item->data(1, kValueRole).toULongLong();
        document_->selection().select({SelectionTarget::Kind::Value, graph, value.toULongLong()});
    });
}

void PropertiesPanel::setDocument(ModelDocument* document) {
    if (document_) disconnect(&document_->selection(), nullptr, this, nullptr);
    document_ = document;
    if (document)
        connect(&document->selection(), &SelectionModel::changed, this, &PropertiesPanel::refresh);
    refresh();
}

QString PropertiesPanel::valueOf(const QString& property) const {
    const auto found = tree_->findItems(property, Qt::MatchExactly | Qt::MatchRecursive, 0);
    return found.isEmpty() ? QString() : found.front()->text(1);
}

QString PropertiesPanel::valueText(const QTreeWidgetItem* item) const {
    // A section title has no value: copy the title.
    return item->text(1).isEmpty() ? item->text(0) : item->text(1);
}

QString PropertiesPanel::keyValueText(const QTreeWidgetItem* item) const {
    return item->text(0) + "=" + item->text(1);
}

QString PropertiesPanel::selectionJson() const {
    QJsonObject object;
    const auto model = tr("Model");
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        const auto* section = tree_->topLevelItem(i);
        if (section->text(0) == model) continue;
        object.insert(section->text(0), rowJson(section));
    }
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QMenu* PropertiesPanel::rowMenu(QTreeWidgetItem* item) {
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Copy value"), this, [this, item] { copyToClipboard(valueText(item)); });
    menu->addAction(tr("Copy key=value"), this,
                    [this, item] { copyToClipboard(keyValueText(item)); });
    menu->addAction(tr("Copy all as JSON"), this, [this] { copyToClipboard(selectionJson()); });
    return menu;
}

void PropertiesPanel::copyToClipboard(const QString& text) {
    QGuiApplication::clipboard()->setText(text);
}

void PropertiesPanel::fitKeyColumn() {
    tree_->resizeColumnToContents(0);
    const auto limit = int(tree_->viewport()->width() * kMaxKeyShare);
    if (tree_->columnWidth(0) > limit) tree_->setColumnWidth(0, limit);
}

void PropertiesPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitKeyColumn();
}

QTreeWidgetItem* PropertiesPanel::section(const QString& title) {
    auto* item = new QTreeWidgetItem(tree_, {title});
    auto font = item->font(0);
    font.setBold(true);
    item->setFont(0, font);
    item->setFirstColumnSpanned(true);
    item->setExpanded(true);
    return item;
}

void PropertiesPanel::refresh() {
    tree_->clear();
    if (!document_) return;
    const auto& model = document_->model();
    const auto& target = document_->selection().current();
    if (target.graph < model.graphs.size()) {
        const auto& graph = model.graphs[target.graph];
        switch (target.kind) {
        case SelectionTarget::Kind::Node:
            if (target.index < graph.nodes.size())
                showNode(graph, target.graph, graph.nodes[target.index]);
            break;
        case SelectionTarget::Kind::Partition:
            if (target.index < graph.partitions.size())
                showPartition(graph, graph.partitions[target.index], target.index);
            break;
        case SelectionTarget::Kind::Value:
            showValue(section(tr("Value")), graph, target.graph,
                      static_cast<std::int64_t>(target.index), tr("value"));
            break;
        case SelectionTarget::Kind::Graph:
            showGraph(graph);
            break;
        default:
            break;
        }
    }
    showModel();
    tree_->expandAll();
    fitKeyColumn();
}

void PropertiesPanel::showNode(const Graph& graph, std::size_t graphIndex, const Node& node) {
    auto* top = section(tr("Node"));
    row(top, tr("operator"), QString::fromStdString(node.op));
    if (!node.name.empty()) row(top, tr("name"), QString::fromStdString(node.name));
    row(top, tr("graph"), QString::fromStdString(graph.id));
    if (node.partition < graph.partitions.size()) {
        const auto& partition = graph.partitions[node.partition];
        row(top, tr("backend"), QString::fromStdString(partition.backend));
        row(top, tr("device"), text(deviceClassName(partition.device)));
        if (!partition.target.empty())
            row(top, tr("target"), QString::fromStdString(partition.target));
    }
    if (!node.namespacePath.empty())
        row(top, tr("namespace"), QString::fromStdString(node.namespacePath));
    if (!node.location.empty()) row(top, tr("location"), QString::fromStdString(node.location));
    if (!node.childGraphs.empty())
        row(top, tr("child graphs"), QString::number(node.childGraphs.size()));
    // Positional kernel arguments ("arg3") read by their schema name ("stride") where the
    // kernel's schema is known; the tooltip keeps the position.
    const auto argumentRow = [&](QTreeWidgetItem* item, const std::string& positional) {
        const auto named = kernelArgumentName(node.op, positional);
        if (named == positional) return;
        item->setText(0, QString::fromStdString(named));
        item->setToolTip(0, QString("%1 (%2)").arg(QString::fromStdString(named),
                                                   QString::fromStdString(positional)));
    };
    if (!node.attributes.empty()) {
        auto* group = section(tr("Attributes"));
        addAttributes(group, node.attributes);
        for (std::size_t i = 0; i < node.attributes.size(); ++i)
            argumentRow(group->child(int(i)), node.attributes[i].name);
    }
    auto operands = [&](const QString& title, const std::vector<Operand>& list) {
        if (list.empty()) return;
        auto* group = section(title);
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto label =
                list[i].name.empty() ? QString::number(i) : QString::fromStdString(list[i].name);
            showValue(group, graph, graphIndex, list[i].value, label);
            argumentRow(group->child(int(i)), list[i].name);
        }
    };
    operands(tr("Inputs"), node.inputs);
    operands(tr("Outputs"), node.outputs);
    // A delegate call is its partition: how it was compiled and what it carries.
    if (node.partition < graph.partitions.size() && graph.partitions[node.partition].delegated)
        showPartition(graph, graph.partitions[node.partition], node.partition);
}

void PropertiesPanel::showValue(QTreeWidgetItem* parent, const Graph& graph, std::size_t graphIndex,
                                std::int64_t valueIndex, const QString& label) {
    const auto* value = graph.value(valueIndex);
    if (!value) {
        row(parent, label, tr("none"));
        return;
    }
    auto* item = row(parent, label,
                     QString::fromStdString((value->name.empty() ? "" : value->name + " : ") +
                                            value->typeText()));
    item->setData(0, kValueRole, QVariant::fromValue<qulonglong>(qulonglong(valueIndex)));
    item->setData(1, kValueRole, QVariant::fromValue<qulonglong>(graphIndex));
    row(item, tr("kind"), text(valueKindName(value->kind)));
    row(item, tr("dtype"), text(dtypeName(value->dtype)));
    if (value->hasShape) row(item, tr("shape"), numberList(value->shape, 16));
    const auto& q = value->quantization;
    if (!q.empty()) {
        auto* quant = row(item, tr("quantisation"), QString::fromStdString(q.scheme));
        row(quant, tr("scale"), numberList(q.scales));
        row(quant, tr("zero point"), numberList(q.zeroPoints));
        if (q.axis) row(quant, tr("axis"), QString::number(*q.axis));
        if (q.groupSize) row(quant, tr("group size"), QString::number(*q.groupSize));
    }
    if (value->allocation)
        row(item, tr("allocation"),
            QString("memory %1 @ %2")
                .arg(value->allocation->memoryId)
                .arg(value->allocation->offset));
    if (!value->data.empty())
        row(item, tr("constant"),
            QString("%1 at offset 0x%2")
                .arg(bytesText(value->data.size()))
                .arg(value->data.fileOffset(), 0, 16));
    addAttributes(item, value->attributes);
}

void PropertiesPanel::showPartition(const Graph& graph, const Partition& partition,
                                    std::size_t index) {
    auto* top = section(tr("Partition"));
    row(top, tr("backend"), QString::fromStdString(partition.backend));
    row(top, tr("device"), text(deviceClassName(partition.device)));
    if (!partition.target.empty()) row(top, tr("target"), QString::fromStdString(partition.target));
    row(top, tr("delegated"), partition.delegated ? tr("yes") : tr("no"));
    // The figures `pteron info` prints: a delegate's operators are those of its decoded payload.
    const auto figures = partitionFigures(document_->model(), graph, index);
    if (figures.calls) row(top, tr("calls"), QString::number(figures.calls));
    row(top, tr("operators"), QString::number(figures.operators));
    if (partition.payloadBytes) row(top, tr("payload size"), bytesText(partition.payloadBytes));
    if (!partition.payloadMagic.empty())
        row(top, tr("payload magic"), QString::fromStdString(partition.payloadMagic));
    if (!partition.payloadLocation.empty())
        row(top, tr("payload location"), QString::fromStdString(partition.payloadLocation));
    if (!partition.note.empty()) row(top, tr("note"), QString::fromStdString(partition.note));
    if (!partition.compileSpecs.empty()) {
        auto* specs = section(tr("Compile specs"));
        for (const auto& spec : partition.compileSpecs)
            row(specs, QString::fromStdString(spec.key), QString::fromStdString(spec.text));
    }
    if (!partition.attributes.empty())
        addAttributes(section(tr("Attributes")), partition.attributes);
}

void PropertiesPanel::showGraph(const Graph& graph) {
    auto* top = section(tr("Graph"));
    row(top, tr("id"), QString::fromStdString(graph.id));
    if (!graph.name.empty()) row(top, tr("name"), QString::fromStdString(graph.name));
    row(top, tr("kind"), QString::fromStdString(graph.kind));
    row(top, tr("nodes"), QString::number(graph.nodes.size()));
    row(top, tr("values"), QString::number(graph.values.size()));
    row(top, tr("partitions"), QString::number(graph.partitions.size()));
    addAttributes(top, graph.attributes);
}

void PropertiesPanel::showModel() {
    const auto& model = document_->model();
    auto* top = section(tr("Model"));
    row(top, tr("file"), QString::fromStdString(model.path));
    row(top, tr("format"), QString::fromStdString(model.format));
    if (!model.formatVersion.empty())
        row(top, tr("format version"), QString::fromStdString(model.formatVersion));
    row(top, tr("graphs"), QString::number(model.graphs.size()));
    row(top, tr("constant data"), bytesText(model.constantBytes()));
    addAttributes(top, model.metadata);
}

} // namespace pteron
