// SPDX-License-Identifier: GPL-3.0-or-later
#include "tilegrid.h"

#include <algorithm>
#include <cmath>

namespace satgpt {

TileGrid::TileGrid(QSize sceneSize)
    : m_sceneSize(sceneSize)
{
    const int longest = std::max(sceneSize.width(), sceneSize.height());
    while ((qint64(kTileSize) << m_maxLevel) < longest && m_maxLevel < 30)
        ++m_maxLevel;
}

int TileGrid::levelForScale(double devicePixelsPerScenePixel) const
{
    if (!(devicePixelsPerScenePixel > 0.0))
        return m_maxLevel;
    // A small tolerance keeps exact 1:2, 1:4 zooms on the matching level despite rounding.
    const double factor = kMaxUpsampling / devicePixelsPerScenePixel;
    const int level = int(std::floor(std::log2(factor) + 1e-6));
    return std::clamp(level, 0, m_maxLevel);
}

int TileGrid::columns(int level) const
{
    const qint64 span = qint64(kTileSize) << level;
    return int((m_sceneSize.width() + span - 1) / span);
}

int TileGrid::rows(int level) const
{
    const qint64 span = qint64(kTileSize) << level;
    return int((m_sceneSize.height() + span - 1) / span);
}

bool TileGrid::isValid(const TileKey &key) const
{
    return key.level >= 0 && key.level <= m_maxLevel && key.col >= 0 && key.row >= 0 && key.col < columns(key.level)
        && key.row < rows(key.level);
}

QRect TileGrid::tilePixelRect(const TileKey &key) const
{
    const qint64 span = qint64(kTileSize) << key.level;
    const QRect r(int(key.col * span), int(key.row * span), int(span), int(span));
    return r.intersected(QRect(QPoint(0, 0), m_sceneSize));
}

QSize TileGrid::tileImageSize(const TileKey &key) const
{
    const QRect r = tilePixelRect(key);
    const int f = 1 << key.level;
    return QSize((r.width() + f - 1) / f, (r.height() + f - 1) / f);
}

QVector<TileKey> TileGrid::tilesFor(const QRectF &sceneRect, int level) const
{
    QVector<TileKey> out;
    if (isEmpty() || sceneRect.isEmpty())
        return out;
    level = std::clamp(level, 0, m_maxLevel);
    const double span = double(qint64(kTileSize) << level);
    const int c0 = std::max(0, int(std::floor(sceneRect.left() / span)));
    const int r0 = std::max(0, int(std::floor(sceneRect.top() / span)));
    // Tiles that only touch the rect's right/bottom edge are not needed.
    const int c1 = std::min(columns(level) - 1, int(std::ceil(sceneRect.right() / span)) - 1);
    const int r1 = std::min(rows(level) - 1, int(std::ceil(sceneRect.bottom() / span)) - 1);
    if (c1 < c0 || r1 < r0)
        return out;
    out.reserve((c1 - c0 + 1) * (r1 - r0 + 1));
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            out.push_back(TileKey{level, c, r});
    const QPointF centre = sceneRect.center() / span;
    std::stable_sort(out.begin(), out.end(), [&](const TileKey &a, const TileKey &b) {
        const double da = std::hypot(a.col + 0.5 - centre.x(), a.row + 0.5 - centre.y());
        const double db = std::hypot(b.col + 0.5 - centre.x(), b.row + 0.5 - centre.y());
        return da < db;
    });
    return out;
}

TileKey TileGrid::parentAt(const TileKey &key, int level)
{
    const int shift = std::max(0, level - key.level);
    return TileKey{key.level + shift, key.col >> shift, key.row >> shift};
}

} // namespace satgpt
