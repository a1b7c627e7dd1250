// SPDX-License-Identifier: GPL-3.0-or-later
#include "tilecache.h"

namespace satgpt {

TileCache::TileCache(qint64 capacityBytes)
    : m_capacity(std::max<qint64>(0, capacityBytes))
{
}

QImage TileCache::find(const TileKey &key)
{
    auto it = m_index.find(key);
    if (it == m_index.end()) {
        ++m_misses;
        return {};
    }
    ++m_hits;
    m_lru.splice(m_lru.begin(), m_lru, it.value());
    return it.value()->image;
}

QImage TileCache::peek(const TileKey &key) const
{
    auto it = m_index.constFind(key);
    return it == m_index.constEnd() ? QImage() : it.value()->image;
}

void TileCache::insert(const TileKey &key, const QImage &image)
{
    remove(key);
    const qint64 size = imageBytes(image);
    if (size > m_capacity)
        return;
    evictToFit(m_capacity - size);
    m_lru.push_front(Entry{key, image});
    m_index.insert(key, m_lru.begin());
    m_bytes += size;
}

void TileCache::remove(const TileKey &key)
{
    auto it = m_index.find(key);
    if (it == m_index.end())
        return;
    m_bytes -= imageBytes(it.value()->image);
    m_lru.erase(it.value());
    m_index.erase(it);
}

void TileCache::clear()
{
    m_lru.clear();
    m_index.clear();
    m_bytes = 0;
}

void TileCache::setCapacity(qint64 bytes)
{
    m_capacity = std::max<qint64>(0, bytes);
    evictToFit(m_capacity);
}

void TileCache::evictToFit(qint64 capacity)
{
    while (m_bytes > capacity && !m_lru.empty()) {
        const Entry &last = m_lru.back();
        m_bytes -= imageBytes(last.image);
        m_index.remove(last.key);
        m_lru.pop_back();
        ++m_evictions;
    }
}

} // namespace satgpt
