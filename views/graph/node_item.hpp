// A graph node drawn as a rounded box in its placement colour, with op name, output type and,
// for operators with constant weights, their shapes.
#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QString>

#include <vector>

namespace pteron {

class NodeItem : public QGraphicsItem {
  public:
    enum { Type = UserType + 1 };

    NodeItem(std::size_t node, const QRectF& box, QString title, QString detail, QColor fill,
             bool simple);

    std::size_t node() const { return node_; }
    // The third label line, "W ⟨32×3×3×3⟩  B ⟨32⟩"; empty for nodes without constant weights.
    void setWeightsText(QString text) { weights_ = std::move(text); }
    QString weightsText() const { return weights_; }
    // The weights line as drawn at natural size (elided to fit) and the rectangle its glyphs
    // cover, in scene coordinates.
    QString drawnWeightsText() const;
    QRectF weightsTextRect() const;
    QColor fill() const { return fill_; }
    // Recolours the box (a diff's metric); the placement colour is the caller's to restore.
    void setFill(QColor fill) {
        fill_ = fill;
        update();
    }
    // The box in scene coordinates, without the room kept for the selection halo.
    QRectF box() const { return box_; }
    bool hasChildGraph() const { return hasChild_; }
    void setHasChildGraph(bool has) { hasChild_ = has; }
    // The "+" corner of a node with a child graph: a click there draws the child in place.
    QRectF toggleRect() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

  private:
    QRectF textArea() const;
    // The label's lines, top to bottom: title, output type and, when present, weights.
    std::vector<QRectF> lineRects() const;

    std::size_t node_;
    QRectF box_;
    QString title_;
    QString detail_;
    QString weights_;
    QColor fill_;
    bool simple_;
    bool hasChild_ = false;
};

} // namespace pteron
