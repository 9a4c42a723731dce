#include "views/graph/node_item.hpp"

#include "views/graph/backend_colors.hpp"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace pteron {

namespace {
constexpr double kRadius = 6.0;
constexpr double kTextDetailLevel = 0.35; // below this zoom text is unreadable: skip it
constexpr double kHaloPixels = 6.0;
} // namespace

NodeItem::NodeItem(std::size_t node, const QRectF& box, QString title, QString detail, QColor fill,
                   bool simple)
    : node_(node), box_(box), title_(std::move(title)), detail_(std::move(detail)), fill_(fill),
      simple_(simple) {
    setFlag(ItemIsSelectable);
    // Small graphs cache each box as a pixmap; huge ones draw plain shapes instead.
    if (!simple) setCacheMode(DeviceCoordinateCache);
    setToolTip(title_ + (detail_.isEmpty() ? QString() : "\n" + detail_));
}

QRectF NodeItem::toggleRect() const {
    constexpr double kSize = 12.0;
    return {box_.right() - kSize - 3, box_.top() + 3, kSize, kSize};
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
    auto font = painter->font();
    font.setPointSizeF(8.5);
    painter->setFont(font);
    // Leave the toggle corner free on nodes that have one.
    const auto inner = box_.adjusted(hasChild_ ? 16 : 6, 3, hasChild_ ? -16 : -6, -3);
    const auto top = QRectF(inner.left(), inner.top(), inner.width(), inner.height() / 2);
    const auto bottom = top.translated(0, inner.height() / 2);
    painter->drawText(top, Qt::AlignCenter,
                      painter->fontMetrics().elidedText(title_, Qt::ElideMiddle, int(top.width())));
    font.setPointSizeF(7.5);
    painter->setFont(font);
    painter->drawText(
        bottom, Qt::AlignCenter,
        painter->fontMetrics().elidedText(detail_, Qt::ElideRight, int(bottom.width())));
}

} // namespace pteron
