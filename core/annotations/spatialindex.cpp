// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/spatialindex.h"

#include <algorithm>
#include <cmath>

namespace satgpt {

static constexpr qint64 kLargeCellCount = 1024;

SpatialIndex::SpatialIndex(double cellSize) : m_cellSize(cellSize > 0 ? cellSize : 256.0) {}

SpatialIndex::Cells SpatialIndex::cellsFor(const QRectF &r) const
{
    auto cell = [this](double v) { return int(std::floor(std::clamp(v, -1e12, 1e12) / m_cellSize)); };
    const QRectF n = r.normalized();
    return {cell(n.left()), cell(n.top()), cell(n.right()), cell(n.bottom())};
}

static bool touches(const QRectF &a, const QRectF &b)
{
    // Closed-interval test: a zero-size box (a point annotation) must still be found.
    const QRectF x = a.normalized(), y = b.normalized();
    return x.left() <= y.right() && y.left() <= x.right() && x.top() <= y.bottom() && y.top() <= x.bottom();
}

void SpatialIndex::insert(qint64 id, const QRectF &bounds)
{
    if (m_bounds.contains(id))
        remove(id);
    m_bounds.insert(id, bounds.normalized());
    const Cells c = cellsFor(bounds);
    if (qint64(c.x1 - c.x0 + 1) * qint64(c.y1 - c.y0 + 1) > kLargeCellCount) {
        m_large.append(id);
        return;
    }
    for (int y = c.y0; y <= c.y1; ++y)
        for (int x = c.x0; x <= c.x1; ++x)
            m_cells[key(x, y)].append(id);
}

void SpatialIndex::remove(qint64 id)
{
    const auto it = m_bounds.find(id);
    if (it == m_bounds.end())
        return;
    const Cells c = cellsFor(*it);
    m_bounds.erase(it);
    if (qint64(c.x1 - c.x0 + 1) * qint64(c.y1 - c.y0 + 1) > kLargeCellCount) {
        m_large.removeAll(id);
        return;
    }
    for (int y = c.y0; y <= c.y1; ++y) {
        for (int x = c.x0; x <= c.x1; ++x) {
            auto cell = m_cells.find(key(x, y));
            if (cell == m_cells.end())
                continue;
            cell->removeAll(id);
            if (cell->isEmpty())
                m_cells.erase(cell);
        }
    }
}

void SpatialIndex::clear()
{
    m_cells.clear();
    m_bounds.clear();
    m_large.clear();
}

QVector<qint64> SpatialIndex::query(const QRectF &rect) const
{
    QVector<qint64> out;
    const Cells c = cellsFor(rect);
    const qint64 cellCount = qint64(c.x1 - c.x0 + 1) * qint64(c.y1 - c.y0 + 1);
    if (cellCount > qint64(m_cells.size())) {
        // A query larger than the populated grid: scanning every box is cheaper.
        for (auto it = m_bounds.cbegin(); it != m_bounds.cend(); ++it)
            if (touches(*it, rect))
                out.append(it.key());
    } else {
        for (int y = c.y0; y <= c.y1; ++y) {
            for (int x = c.x0; x <= c.x1; ++x) {
                const auto cell = m_cells.constFind(key(x, y));
                if (cell == m_cells.cend())
                    continue;
                for (qint64 id : *cell)
                    if (touches(m_bounds.value(id), rect))
                        out.append(id);
            }
        }
        for (qint64 id : m_large)
            if (touches(m_bounds.value(id), rect))
                out.append(id);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

QVector<qint64> SpatialIndex::queryPoint(const QPointF &point, double tolerance) const
{
    return query(QRectF(point.x() - tolerance, point.y() - tolerance, 2 * tolerance, 2 * tolerance));
}

} // namespace satgpt
