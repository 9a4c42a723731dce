// A run drawn on a time axis: one bar per event, its length the event's duration, nested events
// one row below the event that contains them; clicking a bar selects what the event belongs to.
#pragma once

#include "views/selection_model.hpp"
#include "views/timeline/timeline_model.hpp"

#include <QGraphicsView>

#include <functional>
#include <optional>
#include <vector>

class QGraphicsRectItem;

namespace pteron {

class TimelineView : public QGraphicsView {
    Q_OBJECT
  public:
    // What clicking a bar selects: the event's own node, or the program node it timed.
    using BarTarget = std::function<std::optional<SelectionTarget>(const TimelineBar&)>;

    TimelineView(Timeline timeline, SelectionModel& selection, BarTarget target,
                 QWidget* parent = nullptr);

    const Timeline& timeline() const { return timeline_; }
    // The bar's rectangle in scene coordinates, which are the view's pixels at zoom 1.
    QRectF barRect(std::size_t bar) const;
    std::optional<SelectionTarget> targetOf(std::size_t bar) const;
    // The bar under `scenePoint`, or within a few pixels of it in its row: short events are
    // narrower than a pixel and still need to be clicked and hovered.
    std::optional<std::size_t> barAt(QPointF scenePoint) const;
    double pixelsPerTick() const { return pixelsPerTick_; }
    // Scales the time axis so the whole run fills the width; done at open and on resizes until
    // the user zooms.
    void fitRun();
    // Stretches the time axis by `factor` around the viewport's centre, between half the fitted
    // scale and a scene a few million pixels wide.
    void zoomBy(double factor);

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool viewportEvent(QEvent* event) override;

  private:
    void rebuild();
    void addAxis(double width);
    void addBar(std::size_t index);
    void highlight(const SelectionTarget& target);
    double xOf(std::uint64_t time) const;
    double fittedPixelsPerTick() const;
    double spanTicks() const;

    Timeline timeline_;
    SelectionModel& selection_;
    BarTarget target_;
    std::vector<QGraphicsRectItem*> bars_;
    double pixelsPerTick_ = 0.0;
    bool userZoomed_ = false;
};

} // namespace pteron
