// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chat/chainedmaptool.h"

#include <QPainter>

namespace satgpt {

void ChainedMapTool::setOutline(const QRectF &outline)
{
    m_outline = outline;
    if (view())
        view()->requestRepaint();
}

void ChainedMapTool::setMarkers(const QVector<QPointF> &markers)
{
    m_markers = markers;
    if (view())
        view()->requestRepaint();
}

void ChainedMapTool::activate(MapView *view)
{
    MapTool::activate(view);
    if (m_inner)
        m_inner->activate(view);
    if (m_overlay)
        m_overlay->activate(view);
}

void ChainedMapTool::deactivate()
{
    if (m_inner)
        m_inner->deactivate();
    if (m_overlay)
        m_overlay->deactivate();
    MapTool::deactivate();
}

bool ChainedMapTool::mousePressEvent(QMouseEvent *event, QPointF pixel)
{
    return m_inner && m_inner->mousePressEvent(event, pixel);
}

bool ChainedMapTool::mouseMoveEvent(QMouseEvent *event, QPointF pixel)
{
    return m_inner && m_inner->mouseMoveEvent(event, pixel);
}

bool ChainedMapTool::mouseReleaseEvent(QMouseEvent *event, QPointF pixel)
{
    return m_inner && m_inner->mouseReleaseEvent(event, pixel);
}

bool ChainedMapTool::mouseDoubleClickEvent(QMouseEvent *event, QPointF pixel)
{
    return m_inner && m_inner->mouseDoubleClickEvent(event, pixel);
}

bool ChainedMapTool::wheelEvent(QWheelEvent *event, QPointF pixel)
{
    return m_inner && m_inner->wheelEvent(event, pixel);
}

bool ChainedMapTool::keyPressEvent(QKeyEvent *event)
{
    return m_inner && m_inner->keyPressEvent(event);
}

bool ChainedMapTool::keyReleaseEvent(QKeyEvent *event)
{
    return m_inner && m_inner->keyReleaseEvent(event);
}

void ChainedMapTool::paint(QPainter *painter, const MapView &view)
{
    if (m_overlay) {
        painter->save();
        m_overlay->paint(painter, view);
        painter->restore();
    }
    if (!m_outline.isEmpty()) {
        painter->save();
        QPen pen(QColor(255, 200, 0), 2, Qt::DashLine);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(m_outline);
        painter->restore();
    }
    if (!m_markers.isEmpty()) {
        // Rings of constant screen size: the counted objects stay visible at any zoom.
        painter->save();
        const QTransform toWidget = painter->transform();
        painter->resetTransform();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setBrush(Qt::NoBrush);
        for (const QPointF &p : qAsConst(m_markers)) {
            const QPointF w = toWidget.map(p);
            painter->setPen(QPen(QColor(0, 0, 0, 160), 3.5));
            painter->drawEllipse(w, 6.0, 6.0);
            painter->setPen(QPen(QColor(0, 230, 255), 2.0));
            painter->drawEllipse(w, 6.0, 6.0);
        }
        painter->restore();
    }
    // The annotations stay on top of the evidence so they remain editable and visible.
    if (m_inner) {
        painter->save();
        m_inner->paint(painter, view);
        painter->restore();
    }
}

} // namespace satgpt
