// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chat/questionboxtool.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <cmath>

namespace satgpt {

QuestionBoxTool::QuestionBoxTool(QObject *parent)
    : QObject(parent)
{
}

void QuestionBoxTool::deactivate()
{
    m_dragging = false;
    MapTool::deactivate();
}

QRect QuestionBoxTool::currentRect() const
{
    const QRectF r = QRectF(m_start, m_end).normalized();
    QRect px(QPoint(int(std::floor(r.left())), int(std::floor(r.top()))),
             QPoint(int(std::ceil(r.right())) - 1, int(std::ceil(r.bottom())) - 1));
    if (!m_bounds.isEmpty())
        px = px.intersected(m_bounds);
    return px;
}

bool QuestionBoxTool::mousePressEvent(QMouseEvent *event, QPointF pixel)
{
    if (event->button() != Qt::LeftButton)
        return false;
    m_start = m_end = pixel;
    m_dragging = true;
    return true;
}

bool QuestionBoxTool::mouseMoveEvent(QMouseEvent *event, QPointF pixel)
{
    Q_UNUSED(event)
    if (!m_dragging)
        return false;
    m_end = pixel;
    if (view())
        view()->requestRepaint();
    return true;
}

bool QuestionBoxTool::mouseReleaseEvent(QMouseEvent *event, QPointF pixel)
{
    if (!m_dragging || event->button() != Qt::LeftButton)
        return false;
    m_end = pixel;
    m_dragging = false;
    const QRect r = currentRect();
    if (view())
        view()->requestRepaint();
    // A click without a drag is no box; keep waiting for one.
    if (r.width() >= 2 && r.height() >= 2)
        Q_EMIT boxDrawn(r);
    return true;
}

bool QuestionBoxTool::keyPressEvent(QKeyEvent *event)
{
    if (event->key() != Qt::Key_Escape)
        return false;
    m_dragging = false;
    Q_EMIT canceled();
    return true;
}

void QuestionBoxTool::paint(QPainter *painter, const MapView &view)
{
    Q_UNUSED(view)
    if (!m_dragging)
        return;
    QPen pen(QColor(255, 200, 0), 0, Qt::DashLine);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->setBrush(QColor(255, 200, 0, 40));
    painter->drawRect(QRectF(m_start, m_end).normalized());
}

} // namespace satgpt
