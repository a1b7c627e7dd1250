// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/mapcanvas/maptool.h"

#include <QObject>
#include <QRect>

namespace satgpt {

/// The "question box" tool: drag a rectangle on the canvas to choose the region a chat question
/// is about. Emits boxDrawn() on release (scene pixels, clipped to `bounds`, at least 2 px a
/// side) and canceled() on Escape; the chat panel then puts the previous tool back.
///
/// Not owned by the canvas (MapTool rule). GUI thread only.
class QuestionBoxTool final : public QObject, public MapTool
{
    Q_OBJECT
public:
    explicit QuestionBoxTool(QObject *parent = nullptr);

    /// The scene's pixel rectangle boxes are clipped to (empty: no clipping).
    void setBounds(const QRect &bounds) { m_bounds = bounds; }
    bool isDragging() const { return m_dragging; }

    void deactivate() override;
    bool mousePressEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseMoveEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseReleaseEvent(QMouseEvent *event, QPointF pixel) override;
    bool keyPressEvent(QKeyEvent *event) override;
    void paint(QPainter *painter, const MapView &view) override;

Q_SIGNALS:
    void boxDrawn(const QRect &pixelRect);
    void canceled();

private:
    QRect currentRect() const;

    QRect m_bounds;
    QPointF m_start;
    QPointF m_end;
    bool m_dragging = false;
};

} // namespace satgpt
