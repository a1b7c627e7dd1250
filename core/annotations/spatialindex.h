// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QRectF>
#include <QVector>

namespace satgpt {

/// Uniform grid of bounding boxes keyed by annotation id, for hit-testing and painting only
/// what is visible among thousands of annotations. A grid (rather than an R-tree) because
/// annotations on one scene have similar sizes and edits move boxes constantly: insert/remove
/// cost is proportional to the cells a box touches. Boxes touching very many cells go to a
/// short "large" list checked on every query. Not thread-safe (GUI-thread data).
class SpatialIndex
{
public:
    explicit SpatialIndex(double cellSize = 256.0);

    void insert(qint64 id, const QRectF &bounds);
    void remove(qint64 id);
    void update(qint64 id, const QRectF &bounds) { remove(id); insert(id, bounds); }
    void clear();
    bool contains(qint64 id) const { return m_bounds.contains(id); }
    int size() const { return int(m_bounds.size()); }

    /// Ids whose bounding boxes intersect `rect` (boxes touching the edge count), ascending.
    QVector<qint64> query(const QRectF &rect) const;
    /// Ids whose (tolerance-grown) boxes contain `point`, ascending.
    QVector<qint64> queryPoint(const QPointF &point, double tolerance = 0.0) const;

private:
    struct Cells { int x0, y0, x1, y1; };
    Cells cellsFor(const QRectF &r) const;
    static quint64 key(int cx, int cy) { return (quint64(quint32(cx)) << 32) | quint32(cy); }

    double m_cellSize;
    QHash<quint64, QVector<qint64>> m_cells;
    QHash<qint64, QRectF> m_bounds;
    QVector<qint64> m_large;
};

} // namespace satgpt
