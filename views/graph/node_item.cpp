#include "views/graph/node_item.hpp"

#include "views/graph/backend_colors.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace pteron {

namespace {
constexpr double kRadius = 6.0;
constexpr double kTextDetailLevel = 0.35; // below this zoom text is unreadable: skip it
constexpr double kHaloPixels = 6.0;
constexpr double kTitlePoints = 8.5;
constexpr double kDetailPoints = 7.5;

QFont labelFont(double points) {
    QFont font;
    font.setPointSizeF(points);
    return font;
}
} // namespace

NodeItem::NodeItem(std::size_t node, const QRectF& box, QString title, QString detail, QColor fill,
                   bool simple)
    : node_(node), box_(box), title_(std::move(title)), detail_(std::move(detail)), fill_(fill),
      simple_(simple) {
    setFlag(ItemIsSelectable);
    // Small graphs cache each box as a pixmap; huge ones draw plain shapes instead.
    if (!simple) setCacheMode(DeviceCoordinateCache);
}

QRectF NodeItem::toggleRect() const {
    constexpr double kSize = 12.0;
    return {box_.right() - kSize - 3, box_.top() + 3, kSize, kSize};
}

QRectF NodeItem::textArea() const {
    // Leave the toggle corner free on nodes that have one.
    return box_.adjusted(hasChild_ ? 16 : 6, 3, hasChild_ ? -16 : -6, -3);
}

std::vector<QRectF> NodeItem::lineRects() const {
    const auto inner = textArea();
    const int lines = weights_.isEmpty() ? 2 : 3;
    const double height = inner.height() / lines;
    std::vector<QRectF> rects;
    for (int i = 0; i < lines; ++i)
        rects.emplace_back(inner.left(), inner.top() + i * height, inner.width(), height);
    return rects;
}

QString NodeItem::drawnWeightsText() const {
    if (weights_.isEmpty()) return {};
    const QFontMetricsF metrics(labelFont(kDetailPoints));
    return metrics.elidedText(weights_, Qt::ElideMiddle, lineRects().back().width());
}

QRectF NodeItem::weightsTextRect() const {
    if (weights_.isEmpty()) return {};
    const auto line = lineRects().back();
    const QFontMetricsF metrics(labelFont(kDetailPoints));
    const auto text = drawnWeightsText();
    const QSizeF size(metrics.horizontalAdvance(text), metrics.height());
    return {line.center() - QPointF(size.width() / 2, size.height() / 2), size};
}

QRectF NodeItem::boundingRect() const {
    // Room for the selection halo down to a tenth of the natural size.
    const double margin = isSelected() ? kHaloPixels * 10 : 2;
    return box_.adjusted(-margin, -margin, margin, margin);
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemSelectedChange) prepareGeometryChange();
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const double level = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool selected = isSelected();
    if (selected) {
        // A halo a few screen pixels wide whatever the zoom, so the selection shows from afar.
        QPen halo(QColor(0xd0, 0x20, 0x20, 170), kHaloPixels);
        halo.setCosmetic(true);
        painter->setPen(halo);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(box_, kRadius, kRadius);
    }
    QPen pen(selected ? QColor(0xd0, 0x20, 0x20) : fill_.darker(160), selected ? 3.0 : 1.0);
    if (hasChild_ && !selected) pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill_);
    if (simple_ && level < kTextDetailLevel) {
        painter->drawRect(box_);
        return;
    }
    painter->drawRoundedRect(box_, kRadius, kRadius);
    if (level < kTextDetailLevel) return;
    painter->setPen(textColorOn(fill_));
    if (hasChild_) {
        const auto corner = toggleRect();
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(corner);
        painter->drawLine(QLineF(corner.left() + 3, corner.center().y(), corner.right() - 3,
                                 corner.center().y()));
        painter->drawLine(QLineF(corner.center().x(), corner.top() + 3, corner.center().x(),
                                 corner.bottom() - 3));
    }
    const auto lines = lineRects();
    painter->setFont(labelFont(kTitlePoints));
    painter->drawText(
        lines[0], Qt::AlignCenter,
        painter->fontMetrics().elidedText(title_, Qt::ElideMiddle, int(lines[0].width())));
    painter->setFont(labelFont(kDetailPoints));
    painter->drawText(
        lines[1], Qt::AlignCenter,
        painter->fontMetrics().elidedText(detail_, Qt::ElideRight, int(lines[1].width())));
    if (lines.size() > 2) painter->drawText(lines[2], Qt::AlignCenter, drawnWeightsText());
}

} // namespace pteron
