// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/mapcanvas/maptool.h"

#include <QRectF>
#include <QVector>

namespace satgpt {

/// Lets the chat draw on the canvas without taking it from the tool in use: input goes to the
/// inner tool (usually the annotation tool) unchanged, and paint() draws the inner tool, then the
/// overlay (the evidence heatmap, which never consumes input) and the outline of the region the
/// current question is about. MapCanvas holds one tool at a time; the chat panel installs this
/// one around whatever tool was installed and puts that tool back when it lets go.
///
/// Owns nothing. GUI thread only.
class ChainedMapTool final : public MapTool
{
public:
    void setInner(MapTool *tool) { m_inner = tool; }
    MapTool *inner() const { return m_inner; }
    void setOverlay(MapTool *overlay) { m_overlay = overlay; }
    /// Scene pixels; an empty rectangle draws nothing.
    void setOutline(const QRectF &outline);
    QRectF outline() const { return m_outline; }
    /// Objects a counting head counted (scene pixels), marked with rings; empty draws nothing.
    void setMarkers(const QVector<QPointF> &markers);
    QVector<QPointF> markers() const { return m_markers; }

    void activate(MapView *view) override;
    void deactivate() override;
    bool mousePressEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseMoveEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseReleaseEvent(QMouseEvent *event, QPointF pixel) override;
    bool mouseDoubleClickEvent(QMouseEvent *event, QPointF pixel) override;
    bool wheelEvent(QWheelEvent *event, QPointF pixel) override;
    bool keyPressEvent(QKeyEvent *event) override;
    bool keyReleaseEvent(QKeyEvent *event) override;
    void paint(QPainter *painter, const MapView &view) override;

private:
    MapTool *m_inner = nullptr;
    MapTool *m_overlay = nullptr;
    QRectF m_outline;
    QVector<QPointF> m_markers;
};

} // namespace satgpt
