// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/tilegrid.h"

#include <QHash>
#include <QImage>

#include <list>

namespace satgpt {

/// Least-recently-used store of rendered tile images with a memory cap in bytes (image bytes,
/// which dominate). Inserting past the cap evicts the least recently used tiles; find() counts
/// as a use. Not thread-safe: owned and used by one thread (the renderer's owner).
class TileCache final
{
public:
    explicit TileCache(qint64 capacityBytes = 256ll << 20);

    /// The tile, marked most recently used; null image when absent.
    QImage find(const TileKey &key);
    /// True when present, without touching its recency.
    bool contains(const TileKey &key) const { return m_index.contains(key); }
    /// The tile without touching its recency (for painting fallbacks); null when absent.
    QImage peek(const TileKey &key) const;
    /// Replaces any tile with the same key. A tile larger than the whole cap is not stored.
    void insert(const TileKey &key, const QImage &image);
    void remove(const TileKey &key);
    void clear();

    void setCapacity(qint64 bytes);
    qint64 capacity() const { return m_capacity; }
    qint64 bytes() const { return m_bytes; }
    int count() const { return int(m_index.size()); }

    qint64 hits() const { return m_hits; }
    qint64 misses() const { return m_misses; }
    qint64 evictions() const { return m_evictions; }

    static qint64 imageBytes(const QImage &image) { return image.sizeInBytes(); }

private:
    struct Entry
    {
        TileKey key;
        QImage image;
    };
    void evictToFit(qint64 capacity);

    std::list<Entry> m_lru; ///< front = most recently used
    QHash<TileKey, std::list<Entry>::iterator> m_index;
    qint64 m_capacity;
    qint64 m_bytes = 0;
    qint64 m_hits = 0;
    qint64 m_misses = 0;
    qint64 m_evictions = 0;
};

} // namespace satgpt
