#include "views/timeline/timeline_view.hpp"

#include "views/timeline/timeline_axis.hpp"

#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>

namespace pteron {

namespace {

constexpr double kMargin = 12.0;
constexpr double kAxisHeight = 30.0;
constexpr double kRowHeight = 22.0;
constexpr double kRowGap = 4.0;
constexpr double kLabelPadding = 4.0;
constexpr double kTickSpacing = 110.0; // pixels between axis labels, roughly
constexpr double kPickSlack = 3.0;     // pixels beside a bar that still pick it
constexpr double kMaxSceneWidth = 4e6; // pixels: zooming in stops here
constexpr double kMinZoom = 0.5;       // of the fitted scale: zooming out stops here
constexpr int kBarKey = 0;

QColor barColour(const TimelineBar& bar) {
    if (bar.delegate) return QColor(0xf2, 0x8e, 0x2b);
    static const QColor kRows[] = {QColor(0x4e, 0x79, 0xa7), QColor(0x76, 0xb7, 0xb2),
                                   QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48)};
    return kRows[bar.row % std::size(kRows)];
}

QString toolTipOf(const TimelineBar& bar, std::uint64_t runStart) {
    return QObject::tr("%1\nstart: %2 ticks (+%3 from the run's first event)\nduration: %4 ticks")
        .arg(QString::fromStdString(bar.label))
        .arg(bar.start)
        .arg(bar.start - runStart)
        .arg(bar.duration());
}

} // namespace

TimelineView::TimelineView(Timeline timeline, SelectionModel& selection, BarTarget target,
                           QWidget* parent)
    : QGraphicsView(parent), timeline_(std::move(timeline)), selection_(selection),
      target_(std::move(target)) {
    setScene(new QGraphicsScene(this));
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setRenderHint(QPainter::Antialiasing, false);
    setDragMode(QGraphicsView::ScrollHandDrag);
    connect(&selection_, &SelectionModel::changed, this, &TimelineView::highlight);
    fitRun();
}

double TimelineView::xOf(std::uint64_t time) const {
    return kMargin + static_cast<double>(time - timeline_.start) * pixelsPerTick_;
}

QRectF TimelineView::barRect(std::size_t bar) const {
    const auto& event = timeline_.bars.at(bar);
    const double top = kAxisHeight + static_cast<double>(event.row) * (kRowHeight + kRowGap);
    return {xOf(event.start), top, static_cast<double>(event.duration()) * pixelsPerTick_,
            kRowHeight};
}

std::optional<SelectionTarget> TimelineView::targetOf(std::size_t bar) const {
    if (bar >= timeline_.bars.size() || !target_) return std::nullopt;
    return target_(timeline_.bars[bar]);
}

std::optional<std::size_t> TimelineView::barAt(QPointF scenePoint) const {
    std::optional<std::size_t> nearest;
    double nearestDistance = kPickSlack;
    for (std::size_t i = 0; i < timeline_.bars.size(); ++i) {
        const auto rect = barRect(i);
        if (scenePoint.y() < rect.top() || scenePoint.y() > rect.bottom()) continue;
        const double distance =
            std::max({rect.left() - scenePoint.x(), scenePoint.x() - rect.right(), 0.0});
        const bool closer = nearest ? distance < nearestDistance : distance <= kPickSlack;
        if (!closer) continue;
        nearest = i;
        nearestDistance = distance;
    }
    return nearest;
}

double TimelineView::fittedPixelsPerTick() const {
    const double width = std::max(1.0, viewport()->width() - 2 * kMargin);
    return width / spanTicks();
}

double TimelineView::spanTicks() const {
    return static_cast<double>(std::max<std::uint64_t>(1, timeline_.span()));
}

void TimelineView::fitRun() {
    pixelsPerTick_ = fittedPixelsPerTick();
    userZoomed_ = false;
    rebuild();
}

void TimelineView::zoomBy(double factor) {
    const double centre = mapToScene(viewport()->rect().center()).x();
    const double time = (centre - kMargin) / pixelsPerTick_;
    const double fitted = fittedPixelsPerTick();
    pixelsPerTick_ = std::clamp(pixelsPerTick_ * factor, fitted * kMinZoom,
                                std::max(fitted, kMaxSceneWidth / spanTicks()));
    userZoomed_ = true;
    rebuild();
    centerOn(kMargin + time * pixelsPerTick_, mapToScene(viewport()->rect().center()).y());
}

void TimelineView::rebuild() {
    scene()->clear();
    bars_.clear();
    const double width = static_cast<double>(timeline_.span()) * pixelsPerTick_;
    addAxis(width);
    for (std::size_t i = 0; i < timeline_.bars.size(); ++i)
        addBar(i);
    const double height =
        kAxisHeight + static_cast<double>(timeline_.rows) * (kRowHeight + kRowGap) + kMargin;
    scene()->setSceneRect(0, 0, width + 2 * kMargin, height);
    highlight(selection_.current());
}

void TimelineView::addAxis(double width) {
    const QPen pen(palette().color(QPalette::WindowText));
    const double baseline = kAxisHeight - 6;
    scene()->addLine(kMargin, baseline, kMargin + width, baseline, pen);
    const auto wanted = static_cast<std::size_t>(std::max(1.0, width / kTickSpacing));
    for (const auto tick : axisTicks(timeline_.span(), wanted)) {
        const double x = kMargin + static_cast<double>(tick) * pixelsPerTick_;
        scene()->addLine(x, baseline - 5, x, baseline, pen);
        auto* label = scene()->addSimpleText(QString::fromStdString(tickLabel(tick)));
        label->setBrush(pen.color());
        label->setPos(x + 2, baseline - 5 - label->boundingRect().height());
    }
}

void TimelineView::addBar(std::size_t index) {
    const auto& bar = timeline_.bars[index];
    const auto rect = barRect(index);
    auto* item = scene()->addRect(rect, QPen(barColour(bar).darker(140), 0), barColour(bar));
    item->setData(kBarKey, static_cast<qulonglong>(index));
    item->setToolTip(toolTipOf(bar, timeline_.start));
    bars_.push_back(item);
    const QString label = QString::fromStdString(bar.label);
    const QFontMetricsF metrics(font());
    const auto shown = metrics.elidedText(label, Qt::ElideRight, rect.width() - 2 * kLabelPadding);
    if (shown.isEmpty() || shown == QStringLiteral("…")) return;
    auto* text = new QGraphicsSimpleTextItem(shown, item);
    text->setFont(font());
    text->setPos(rect.left() + kLabelPadding, rect.top() + (rect.height() - metrics.height()) / 2);
    text->setToolTip(item->toolTip());
}

void TimelineView::highlight(const SelectionTarget& target) {
    for (std::size_t i = 0; i < bars_.size(); ++i) {
        const bool selected = target.kind != SelectionTarget::Kind::None && targetOf(i) == target;
        const auto colour = barColour(timeline_.bars[i]);
        bars_[i]->setPen(selected ? QPen(palette().color(QPalette::Highlight), 2)
                                  : QPen(colour.darker(140), 0));
    }
}

void TimelineView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (!userZoomed_) fitRun();
}

void TimelineView::wheelEvent(QWheelEvent* event) {
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    zoomBy(event->angleDelta().y() > 0 ? 1.25 : 0.8);
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::ZoomIn) ||
        (event->modifiers() & Qt::ControlModifier && event->key() == Qt::Key_Equal)) {
        zoomBy(1.25);
        return;
    }
    if (event->matches(QKeySequence::ZoomOut)) {
        zoomBy(0.8);
        return;
    }
    if (event->modifiers() & Qt::ControlModifier && event->key() == Qt::Key_0) {
        fitRun();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
    const auto bar = barAt(mapToScene(event->position().toPoint()));
    if (!bar) {
        QGraphicsView::mousePressEvent(event);
        return;
    }
    if (const auto target = targetOf(*bar)) selection_.select(*target);
    event->accept();
}

bool TimelineView::viewportEvent(QEvent* event) {
    if (event->type() != QEvent::ToolTip) return QGraphicsView::viewportEvent(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const auto bar = barAt(mapToScene(help->pos()));
    if (bar)
        QToolTip::showText(help->globalPos(), bars_[*bar]->toolTip(), viewport());
    else
        QToolTip::hideText();
    return true;
}

} // namespace pteron
