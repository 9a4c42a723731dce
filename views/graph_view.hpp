// Zoomable, pannable view of a graph scene with a fit action and a minimap in its corner.
#pragma once

#include <QGraphicsView>
#include <QPixmap>

namespace pteron {

class Minimap;

class GraphView : public QGraphicsView {
    Q_OBJECT
  public:
    explicit GraphView(QWidget* parent = nullptr);

    // Shows the whole scene, never magnifying beyond 100 %.
    void fitScene();
    // Initial view of a fresh layout: whole graph when readable, else readable from the top.
    void showReadable();
    void zoomBy(double factor);
    // Renders the scene once into the minimap; call after the scene changed.
    void refreshMinimap();
    bool isMinimapShown() const;

  protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

  private:
    void updateMinimapViewport();

    Minimap* minimap_;
    bool hasThumbnail_ = false;
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
