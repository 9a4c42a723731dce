#include "views/graph/graph_view.hpp"

#include <QGraphicsItem>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>

namespace pteron {

namespace {
constexpr int kMinimapLong = 200;
constexpr int kMinimapShort = 48;

// The thumbnail keeps the scene's proportions within a bounding square of kMinimapLong.
QSize minimapSize(const QRectF& scene) {
    if (scene.isEmpty()) return {kMinimapLong, kMinimapLong};
    const double aspect = scene.width() / scene.height();
    if (aspect >= 1.0) return {kMinimapLong, std::max(kMinimapShort, int(kMinimapLong / aspect))};
    return {std::max(kMinimapShort, int(kMinimapLong * aspect)), kMinimapLong};
}
constexpr double kWheelStep = 1.15;
} // namespace

GraphView::GraphView(QWidget* parent) : QGraphicsView(parent), minimap_(new Minimap(this)) {
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    // Repainting only what changed keeps big graphs responsive while panning.
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    // The system palette's base colour, so a dark theme gets a dark canvas.
    setBackgroundBrush(palette().color(QPalette::Base));
    minimap_->hide();
    connect(minimap_, &Minimap::centreRequested, this, [this](QPointF point) {
        centerOn(point);
        updateMinimapViewport();
    });
}

void GraphView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) setBackgroundBrush(palette().color(QPalette::Base));
    QGraphicsView::changeEvent(event);
}

void GraphView::fitScene() {
    if (!scene()) return;
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    if (transform().m11() > 1.0) setTransform(QTransform());
    if (transform().m11() < kMinReadableScale) {
        const auto rect = sceneRect();
        const double width = std::max(1.0, rect.width());
        const double scale =
            std::clamp(double(viewport()->width()) / width, kMinReadableScale, 1.0);
        setTransform(QTransform::fromScale(scale, scale));
        const auto half = mapToScene(viewport()->rect()).boundingRect().size() / 2;
        centerOn(QPointF(rect.center().x(), rect.top() + half.height()));
    }
    updateMinimapViewport();
}

void GraphView::showReadable(std::optional<QPointF> entry) {
    if (!scene()) return;
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    if (transform().m11() > 1.0) setTransform(QTransform());
    constexpr double kReadable = 0.75;
    if (transform().m11() >= kReadable) {
        updateMinimapViewport();
        return;
    }
    setTransform(QTransform::fromScale(kReadable, kReadable));
    const auto rect = sceneRect();
    const auto half = mapToScene(viewport()->rect()).boundingRect().size() / 2;
    const auto at = entry.value_or(QPointF(rect.center().x(), rect.top()));
    // The entry sits in the top half of the view, horizontally centred.
    const double x = rect.width() > 2 * half.width() ? at.x() : rect.center().x();
    const double y = rect.height() > 2 * half.height()
                         ? std::max(rect.top() + half.height(), at.y() + half.height() / 2)
                         : rect.center().y();
    centerOn(QPointF(x, y));
    updateMinimapViewport();
}

void GraphView::focusOn(const QRectF& box) {
    if (transform().m11() < kFocusScale)
        setTransform(QTransform::fromScale(kFocusScale, kFocusScale));
    centerOn(box.center());
    updateMinimapViewport();
}

void GraphView::showArea(const QRectF& area) {
    const auto padded = area.adjusted(-20, -20, 20, 20);
    const double fit = std::min(viewport()->width() / std::max(1.0, padded.width()),
                                viewport()->height() / std::max(1.0, padded.height()));
    const double scale = std::clamp(fit, kFocusScale, 1.0);
    setTransform(QTransform::fromScale(scale, scale));
    if (fit >= kFocusScale) {
        centerOn(padded.center());
    } else {
        const auto half = mapToScene(viewport()->rect()).boundingRect().size() / 2;
        centerOn(QPointF(padded.center().x(), padded.top() + half.height()));
    }
    updateMinimapViewport();
}

void GraphView::zoomBy(double factor) {
    const double scaleNow = transform().m11();
    const double target = std::clamp(scaleNow * factor, 0.01, 8.0);
    // The selection stays where it is on screen while the scale changes around it.
    std::optional<QPointF> anchor;
    if (scene())
        for (auto* item : scene()->selectedItems()) {
            const auto centre = item->sceneBoundingRect().center();
            if (mapToScene(viewport()->rect()).boundingRect().contains(centre)) anchor = centre;
            break;
        }
    if (!anchor) {
        const auto mode = transformationAnchor();
        setTransformationAnchor(QGraphicsView::AnchorViewCenter);
        scale(target / scaleNow, target / scaleNow);
        setTransformationAnchor(mode);
        updateMinimapViewport();
        return;
    }
    const auto before = mapFromScene(*anchor);
    const auto mode = transformationAnchor();
    setTransformationAnchor(QGraphicsView::NoAnchor);
    scale(target / scaleNow, target / scaleNow);
    setTransformationAnchor(mode);
    const auto after = mapFromScene(*anchor);
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + after.x() - before.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() + after.y() - before.y());
    updateMinimapViewport();
}

void GraphView::refreshMinimap() {
    hasThumbnail_ = scene() && !scene()->items().isEmpty();
    if (!hasThumbnail_) {
        minimap_->hide();
        return;
    }
    const auto rect = sceneRect();
    content_ = scene()->itemsBoundingRect();
    const auto size = minimapSize(rect);
    minimap_->resize(size);
    QPixmap pixmap(size * devicePixelRatioF());
    pixmap.setDevicePixelRatio(devicePixelRatioF());
    pixmap.fill(QColor(255, 255, 255, 230));
    {
        QPainter painter(&pixmap);
        scene()->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), rect, Qt::KeepAspectRatio);
    }
    minimap_->setScene(pixmap, rect);
    minimap_->raise();
    resizeEvent(nullptr);
    updateMinimapViewport();
}

bool GraphView::isMinimapShown() const {
    return minimap_->isVisibleTo(this);
}

void GraphView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::BackButton) {
        emit backRequested();
        event->accept();
        return;
    }
    if (event->button() == Qt::ForwardButton) {
        emit forwardRequested();
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::wheelEvent(QWheelEvent* event) {
    const auto steps = event->angleDelta().y() / 120.0;
    if (steps == 0) return;
    // The wheel zooms around the pointer (the view's transformation anchor).
    const double scaleNow = transform().m11();
    const double target = std::clamp(scaleNow * std::pow(kWheelStep, steps), 0.01, 8.0);
    scale(target / scaleNow, target / scaleNow);
    updateMinimapViewport();
    event->accept();
}

void GraphView::resizeEvent(QResizeEvent* event) {
    if (event) QGraphicsView::resizeEvent(event);
    const auto area = viewport()->geometry();
    minimap_->move(area.right() - minimap_->width() - 8, area.bottom() - minimap_->height() - 8);
    updateMinimapViewport();
}

void GraphView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    updateMinimapViewport();
}

// The minimap is only worth its corner when part of the graph is out of view.
void GraphView::updateMinimapViewport() {
    const auto visible = mapToScene(viewport()->rect()).boundingRect();
    minimap_->setVisibleArea(visible);
    const bool fits = visible.contains(content_);
    minimap_->setVisible(minimapEnabled_ && hasThumbnail_ && !fits);
}

void GraphView::setMinimapEnabled(bool enabled) {
    minimapEnabled_ = enabled;
    updateMinimapViewport();
}

void Minimap::setScene(QPixmap thumbnail, QRectF sceneRect) {
    thumbnail_ = std::move(thumbnail);
    sceneRect_ = sceneRect;
    update();
}

void Minimap::setVisibleArea(QRectF sceneArea) {
    visible_ = sceneArea;
    update();
}

// Where the scene sits inside the thumbnail (render kept the aspect ratio, centred).
QRectF Minimap::thumbnailRect() const {
    if (sceneRect_.isEmpty()) return rect();
    auto size = sceneRect_.size().scaled(QSizeF(width(), height()), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

void Minimap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.drawPixmap(0, 0, thumbnail_);
    painter.setPen(QColor(0x80, 0x80, 0x80));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
    if (sceneRect_.isEmpty()) return;
    const auto target = thumbnailRect();
    const double scale = target.width() / sceneRect_.width();
    const QRectF box((visible_.left() - sceneRect_.left()) * scale + target.left(),
                     (visible_.top() - sceneRect_.top()) * scale + target.top(),
                     visible_.width() * scale, visible_.height() * scale);
    painter.setPen(QPen(QColor(0xd0, 0x20, 0x20), 1.5));
    painter.setBrush(QColor(0xd0, 0x20, 0x20, 30));
    painter.drawRect(box.intersected(rect()));
}

void Minimap::mousePressEvent(QMouseEvent* event) {
    const auto target = thumbnailRect();
    if (sceneRect_.isEmpty() || target.width() <= 0) return;
    const double scale = sceneRect_.width() / target.width();
    const auto at = event->position();
    emit centreRequested(QPointF((at.x() - target.left()) * scale + sceneRect_.left(),
                                 (at.y() - target.top()) * scale + sceneRect_.top()));
}

void Minimap::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) mousePressEvent(event);
}

} // namespace pteron
