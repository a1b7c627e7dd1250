// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHashFunctions>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QVector>

namespace satgpt {

/// Address of one display tile: at `level` k a tile covers 256 * 2^k scene pixels on a side,
/// read at overview factor 2^k (so a tile image is at most 256 x 256).
struct TileKey
{
    int level = 0;
    int col = 0;
    int row = 0;

    bool operator==(const TileKey &o) const { return level == o.level && col == o.col && row == o.row; }
    bool operator!=(const TileKey &o) const { return !(*this == o); }
    bool operator<(const TileKey &o) const
    {
        return level != o.level ? level < o.level : row != o.row ? row < o.row : col < o.col;
    }
};

inline size_t qHash(const TileKey &k, size_t seed = 0) noexcept
{
    return qHashMulti(seed, k.level, k.col, k.row);
}

/// The tile pyramid of one scene: which level suits a zoom, which tiles cover a viewport, which
/// scene pixels a tile covers. A pure value type (thread-safe to copy and use).
class TileGrid
{
public:
    static constexpr int kTileSize = 256;

    TileGrid() = default;
    explicit TileGrid(QSize sceneSize);

    QSize sceneSize() const { return m_sceneSize; }
    bool isEmpty() const { return m_sceneSize.isEmpty(); }
    /// Coarsest level: the whole scene fits in one tile.
    int maxLevel() const { return m_maxLevel; }

    /// The coarsest level whose tiles are magnified by at most kMaxUpsampling at
    /// `devicePixelsPerScenePixel` (so 1:1 and zoomed-in views use level 0).
    int levelForScale(double devicePixelsPerScenePixel) const;

    /// How much a tile may be magnified before the next finer level is used. 1.0 (never
    /// magnify) meant that just above each power-of-two zoom a view needed ~3.4x the tiles of
    /// the level below it: 136-145 tiles for a full-HD frame at 0.26-0.27, the slowest cold
    /// frames of `satgpt bench canvas`. At 1.25 that worst case is ~2.2x fewer tiles, at the
    /// price of a quarter-pixel of softness in that zoom band (web maps allow up to 1.41).
    static constexpr double kMaxUpsampling = 1.25;

    /// Scene pixels covered by a tile, clipped to the scene.
    QRect tilePixelRect(const TileKey &key) const;
    /// Size of the tile's image: its pixel rect divided by 2^level, rounded up.
    QSize tileImageSize(const TileKey &key) const;
    int columns(int level) const;
    int rows(int level) const;
    bool isValid(const TileKey &key) const;

    /// Tiles of `level` intersecting `sceneRect` (scene pixels), row-major, nearest to the
    /// rect's centre first so the middle of the view fills in first.
    QVector<TileKey> tilesFor(const QRectF &sceneRect, int level) const;

    /// The tile of `level` (>= key.level) that contains `key`.
    static TileKey parentAt(const TileKey &key, int level);

private:
    QSize m_sceneSize;
    int m_maxLevel = 0;
};

} // namespace satgpt
