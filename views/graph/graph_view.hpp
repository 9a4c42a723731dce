// Zoomable, pannable view of a graph scene with a fit action and a minimap in its corner.
#pragma once

#include <QGraphicsView>
#include <QPixmap>

#include <optional>

namespace pteron {

class Minimap;

class GraphView : public QGraphicsView {
    Q_OBJECT
  public:
    explicit GraphView(QWidget* parent = nullptr);

    // Below this scale node labels are not drawn: fitting never goes further down than this.
    static constexpr double kMinReadableScale = 0.35;
    // The scale a selected node is brought to when the view shows it smaller.
    static constexpr double kFocusScale = 0.9;

    // Shows the whole scene, never magnifying beyond 100 %. A graph too long to fit readably is
    // fitted to the width instead (at least the readable minimum) and shown from the top.
    void fitScene();
    // Initial view of a fresh layout: the whole graph when readable, else readable and centred
    // on `entry` (the graph's first input or node).
    void showReadable(std::optional<QPointF> entry = std::nullopt);
    // Centres `box` and zooms in until it is drawn at a readable scale.
    void focusOn(const QRectF& box);
    // Shows `area` whole when it fits at a readable scale, else its top at that scale.
    void showArea(const QRectF& area);
    // Zooms around the selected item when one is in view, else around the view's centre.
    void zoomBy(double factor);
    double currentScale() const { return transform().m11(); }
    // Renders the scene once into the minimap; call after the scene changed.
    void refreshMinimap();
    bool isMinimapShown() const;
    // The minimap can be turned off; it then never shows.
    void setMinimapEnabled(bool enabled);

  signals:
    // The mouse's back and forward buttons.
    void backRequested();
    void forwardRequested();

  protected:
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

  private:
    void updateMinimapViewport();

    Minimap* minimap_;
    bool hasThumbnail_ = false;
    bool minimapEnabled_ = true;
    QRectF content_; // what the items cover, as of the last refreshMinimap
};

// A thumbnail of the whole scene with the visible area outlined; clicking moves the view there.
class Minimap : public QWidget {
    Q_OBJECT
  public:
    explicit Minimap(QWidget* parent) : QWidget(parent) {}

    void setScene(QPixmap thumbnail, QRectF sceneRect);
    void setVisibleArea(QRectF sceneArea);

  signals:
    void centreRequested(QPointF scenePoint);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

  private:
    QRectF thumbnailRect() const;

    QPixmap thumbnail_;
    QRectF sceneRect_;
    QRectF visible_;
};

} // namespace pteron
