// SPDX-License-Identifier: GPL-3.0-or-later
#include "tilerenderer.h"

#include <QPainter>
#include <QPaintDevice>
#include <QThread>
#include <QThreadPool>

#include <cpl_conv.h>
#include <gdal.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <new>
#include <unordered_map>

namespace satgpt {

namespace {

QString errorText(const Error &e) { return QString::fromStdString(e.toString()); }

Q_GLOBAL_STATIC(QThreadPool, s_tilePool)

} // namespace

Result<PreparedLayer> prepareLayer(const QString &path, const std::optional<RenderSettings> &settings)
{
    auto opened = RasterDataset::open(path);
    if (!opened)
        return opened.error();
    const RasterDataset &ds = **opened;
    PreparedLayer layer;
    layer.dataset = std::shared_ptr<const RasterDataset>(std::move(opened.value()));
    layer.info = ds.info();
    if (layer.info.path.isEmpty())
        layer.info.path = path;
    if (settings) {
        layer.settings = *settings;
        // A saved composition may name bands this scene lacks.
        const bool fits = !layer.settings.composition.bands.isEmpty()
            && std::all_of(layer.settings.composition.bands.cbegin(), layer.settings.composition.bands.cend(),
                           [&](int b) { return b >= 1 && b <= layer.info.bandCount(); });
        if (!fits)
            layer.settings.composition = BandComposition::defaultFor(layer.info);
    } else {
        layer.settings.composition = BandComposition::defaultFor(layer.info);
    }
    for (int band : layer.settings.composition.bands) {
        if (layer.statistics.contains(band))
            continue;
        auto stats = ds.statistics(band);
        if (!stats)
            return stats.error();
        layer.statistics.insert(band, *stats);
    }
    layer.needsOverviews = ds.needsOverviews();
    return layer;
}

void setRasterBlockCacheLimit(qint64 bytes)
{
    // Also set as the config option, which the raster library's one-time set-up respects
    // instead of applying its own default later.
    const QByteArray megabytes = QByteArray::number(std::max<qint64>(1, bytes >> 20));
    CPLSetConfigOption("GDAL_CACHEMAX", megabytes.constData());
    GDALSetCacheMax64(bytes);
}

/// State the workers share with the renderer; outlives it while reads are in flight.
struct TileRenderer::Shared
{
    QString path;
    std::shared_ptr<const RasterDataset> prototype; ///< only reopen()ed, never read through

    std::mutex receiverMutex;
    TileRenderer *receiver = nullptr;

    std::mutex datasetMutex;
    std::unordered_map<QThread *, std::unique_ptr<RasterDataset>> datasets;

    /// This thread's own dataset on the path, opened on first use.
    Result<const RasterDataset *> dataset()
    {
        QThread *thread = QThread::currentThread();
        {
            std::lock_guard lock(datasetMutex);
            auto it = datasets.find(thread);
            if (it != datasets.end())
                return static_cast<const RasterDataset *>(it->second.get());
        }
        auto opened = prototype ? prototype->reopen() : RasterDataset::open(path);
        if (!opened)
            return opened.error();
        std::lock_guard lock(datasetMutex);
        auto &slot = datasets[thread];
        slot = std::move(opened.value());
        return static_cast<const RasterDataset *>(slot.get());
    }

    /// Runs `f` on the renderer's thread if the renderer still exists.
    template<typename F>
    void post(F f)
    {
        std::lock_guard lock(receiverMutex);
        if (!receiver)
            return;
        TileRenderer *r = receiver;
        QMetaObject::invokeMethod(r, [r, f = std::move(f)]() mutable { f(r); }, Qt::QueuedConnection);
    }
};

/// The render parameters a worker applies; immutable once published.
struct TileRenderer::RenderSnapshot
{
    QVector<int> bands;
    ColorMap colorMap = ColorMap::Gray;
    QVector<ChannelStretch> channels;
    quint64 version = 0;
};

QThreadPool *TileRenderer::threadPool()
{
    QThreadPool *pool = s_tilePool();
    static std::once_flag once;
    std::call_once(once, [pool] {
        // Idle threads keep their datasets open, so don't let them expire and reopen.
        pool->setExpiryTimeout(-1);
        pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    });
    return pool;
}

TileRenderer::TileRenderer(PreparedLayer layer, QObject *parent)
    : QObject(parent)
    , m_layer(std::move(layer))
    , m_grid(QSize(m_layer.info.width, m_layer.info.height))
    , m_shared(std::make_shared<Shared>())
    , m_snapshot(std::make_shared<RenderSnapshot>())
    , m_generation(std::make_shared<std::atomic<quint64>>(1))
    , m_pixelRequest(std::make_shared<std::atomic<quint64>>(0))
{
    m_shared->path = m_layer.info.path;
    m_shared->prototype = m_layer.dataset;
    m_shared->receiver = this;
    setRenderSettings(m_layer.settings);
}

TileRenderer::~TileRenderer()
{
    cancel();
    std::lock_guard lock(m_shared->receiverMutex);
    m_shared->receiver = nullptr;
}

void TileRenderer::setRenderSettings(const RenderSettings &settings)
{
    m_layer.settings = settings;
    QVector<int> missing;
    for (int band : settings.composition.bands)
        if (!m_layer.statistics.contains(band) && !missing.contains(band))
            missing.push_back(band);
    if (missing.isEmpty()) {
        applySettings();
        return;
    }
    if (m_statisticsPending)
        return; // the running computation re-checks the latest settings when it returns
    m_statisticsPending = true;
    auto shared = m_shared;
    threadPool()->start([shared, missing] {
        QHash<int, BandStatistics> computed;
        QString error;
        try {
            auto ds = shared->dataset();
            if (!ds) {
                error = errorText(ds.error());
            } else {
                for (int band : missing) {
                    auto stats = (*ds)->statistics(band);
                    if (!stats) {
                        error = errorText(stats.error());
                        break;
                    }
                    computed.insert(band, *stats);
                }
            }
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
        shared->post([computed, error](TileRenderer *r) {
            r->m_statisticsPending = false;
            for (auto it = computed.cbegin(); it != computed.cend(); ++it)
                r->m_layer.statistics.insert(it.key(), it.value());
            if (!error.isEmpty()) {
                Q_EMIT r->statisticsFailed(error);
                r->emitIdleIfDone();
                return;
            }
            r->setRenderSettings(r->m_layer.settings);
        });
    });
}

void TileRenderer::applySettings()
{
    auto snapshot = std::make_shared<RenderSnapshot>();
    snapshot->bands = m_layer.settings.composition.bands;
    snapshot->colorMap = m_layer.settings.composition.colorMap;
    for (int band : snapshot->bands)
        snapshot->channels.push_back(ChannelStretch::fromStatistics(m_layer.statistics.value(band), m_layer.settings.stretch));
    snapshot->version = ++m_version;
    m_snapshot = std::move(snapshot);

    // Reads in flight use the old look: orphan them and keep the old tiles only as a stand-in.
    for (auto &p : m_pending)
        p.token->store(0);
    m_pending.clear();
    if (m_cache.count() > 0) {
        const qint64 capacity = m_cache.capacity();
        m_staleCache = std::move(m_cache);
        m_staleCache.setCapacity(qint64(64) << 20);
        m_cache = TileCache(capacity);
    }
    m_generation->fetch_add(1);
    m_lastRequest.clear();
    m_failedReported = false;
    Q_EMIT renderSettingsChanged();
}

QVector<TileKey> TileRenderer::tilesForView(const QTransform &sceneToDevice, const QSizeF &deviceSize) const
{
    bool invertible = false;
    const QTransform inverse = sceneToDevice.inverted(&invertible);
    if (!invertible || m_grid.isEmpty())
        return {};
    const QRectF visible = inverse.mapRect(QRectF(QPointF(0, 0), deviceSize));
    const double scale = std::sqrt(std::abs(sceneToDevice.determinant()));
    return m_grid.tilesFor(visible, m_grid.levelForScale(scale));
}

bool TileRenderer::prepareView(const QTransform &sceneToDevice, const QSizeF &deviceSize)
{
    const QVector<TileKey> tiles = tilesForView(sceneToDevice, deviceSize);
    QVector<TileKey> wanted;
    if (!tiles.isEmpty() && tiles.first().level < m_grid.maxLevel()) {
        const QRectF visible = sceneToDevice.inverted().mapRect(QRectF(QPointF(0, 0), deviceSize));
        wanted = m_grid.tilesFor(visible, m_grid.maxLevel());
    }
    wanted += tiles;
    request(wanted);
    return std::all_of(tiles.cbegin(), tiles.cend(), [this](const TileKey &k) { return m_cache.contains(k); });
}

void TileRenderer::request(const QVector<TileKey> &tiles)
{
    if (m_statisticsPending)
        return; // renderSettingsChanged follows; the owner asks again then
    if (tiles != m_lastRequest) {
        m_generation->fetch_add(1);
        m_lastRequest = tiles;
    }
    const quint64 generation = m_generation->load();
    for (const TileKey &key : tiles) {
        if (!m_grid.isValid(key))
            continue;
        if (!m_cache.find(key).isNull()) // find() also keeps visible tiles most recently used
            continue;
        auto it = m_pending.find(key);
        if (it != m_pending.end()) {
            it->token->store(generation);
            continue;
        }
        auto token = std::make_shared<std::atomic<quint64>>(generation);
        m_pending.insert(key, Pending{token});
        submit(key, token);
    }
}

void TileRenderer::cancel()
{
    m_generation->fetch_add(1);
    m_lastRequest.clear();
}

void TileRenderer::submit(const TileKey &key, const std::shared_ptr<std::atomic<quint64>> &token)
{
    auto shared = m_shared;
    auto snapshot = m_snapshot;
    auto generation = m_generation;
    const QRect window = m_grid.tilePixelRect(key);
    const QSize outSize = m_grid.tileImageSize(key);
    threadPool()->start([=] {
        QImage image;
        QString error;
        const bool skipped = token->load() < generation->load();
        if (!skipped) {
            try {
                auto ds = shared->dataset();
                if (!ds) {
                    error = errorText(ds.error());
                } else {
                    auto block = (*ds)->read(window, outSize, snapshot->bands);
                    if (!block)
                        error = errorText(block.error());
                    else
                        image = renderBlock(*block, snapshot->channels, snapshot->colorMap)
                                    .convertToFormat(QImage::Format_ARGB32_Premultiplied);
                }
            } catch (const std::bad_alloc &) {
                error = TileRenderer::tr("Out of memory while reading a tile of %1").arg(shared->path);
            } catch (const std::exception &e) {
                error = QString::fromUtf8(e.what());
            }
        }
        const quint64 version = snapshot->version;
        shared->post([=](TileRenderer *r) {
            if (skipped && token->load() == r->m_generation->load() && version == r->m_version) {
                // Wanted again after the worker gave up on it: read it after all.
                r->submit(key, token);
                return;
            }
            r->onTileFinished(key, token, version, skipped ? QImage() : image, skipped ? QStringLiteral("skipped") : error);
        });
    });
}

void TileRenderer::onTileFinished(const TileKey &key, const std::shared_ptr<std::atomic<quint64>> &token,
                                  quint64 version, const QImage &image, const QString &error)
{
    auto it = m_pending.find(key);
    if (it != m_pending.end() && it->token == token)
        m_pending.erase(it);
    if (version != m_version) {
        emitIdleIfDone();
        return;
    }
    if (token->load() != m_generation->load()) {
        if (error == QLatin1String("skipped"))
            ++m_staleSkipped;
        else
            ++m_staleDropped;
        emitIdleIfDone();
        return;
    }
    if (!error.isEmpty() || image.isNull()) {
        if (!m_failedReported) {
            m_failedReported = true; // one message per settings, not one per tile
            Q_EMIT tileFailed(key, error);
        }
        emitIdleIfDone();
        return;
    }
    m_cache.insert(key, image);
    Q_EMIT tileReady(key);
    emitIdleIfDone();
}

void TileRenderer::emitIdleIfDone()
{
    if (!m_pending.isEmpty() || m_statisticsPending)
        return;
    const bool complete = std::all_of(m_lastRequest.cbegin(), m_lastRequest.cend(),
                                      [this](const TileKey &k) { return m_cache.contains(k); });
    if (complete)
        m_staleCache.clear();
    Q_EMIT idle();
}

bool TileRenderer::paint(QPainter *painter, const QTransform &sceneToDevice, const QSizeF &deviceSize) const
{
    const QVector<TileKey> tiles = tilesForView(sceneToDevice, deviceSize);
    if (tiles.isEmpty())
        return true;
    painter->save();
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    painter->setWorldTransform(QTransform::fromScale(1.0 / dpr, 1.0 / dpr));
    const double scale = std::sqrt(std::abs(sceneToDevice.determinant()));

    auto deviceRect = [&](const QRect &sceneRect) {
        const QRectF r = sceneToDevice.mapRect(QRectF(sceneRect));
        // Snapping both edges (not position + size) makes neighbours share their edge exactly.
        const int l = int(std::lround(r.left())), t = int(std::lround(r.top()));
        const int rr = int(std::lround(r.right())), b = int(std::lround(r.bottom()));
        return QRect(QPoint(l, t), QPoint(rr - 1, b - 1));
    };
    auto draw = [&](const QRect &target, const QImage &image, const QRectF &source, int level) {
        const bool downsampling = scale * double(1 << level) < 0.999;
        painter->setRenderHint(QPainter::SmoothPixmapTransform, downsampling);
        painter->drawImage(QRectF(target), image, source);
    };
    auto drawFromCache = [&](const TileCache &cache, const TileKey &key, const QRect &target, bool sameLevelOnly) {
        const QRect childRect = m_grid.tilePixelRect(key);
        const int maxLevel = sameLevelOnly ? key.level : m_grid.maxLevel();
        for (int level = key.level; level <= maxLevel; ++level) {
            const TileKey parent = TileGrid::parentAt(key, level);
            const QImage image = cache.peek(parent);
            if (image.isNull())
                continue;
            const QRect parentRect = m_grid.tilePixelRect(parent);
            const double f = double(1 << level);
            const QRectF source((childRect.x() - parentRect.x()) / f, (childRect.y() - parentRect.y()) / f,
                                childRect.width() / f, childRect.height() / f);
            draw(target, image, source.intersected(QRectF(image.rect())), level);
            return true;
        }
        return false;
    };

    bool complete = true;
    for (const TileKey &key : tiles) {
        const QRect target = deviceRect(m_grid.tilePixelRect(key));
        const QImage own = m_cache.peek(key);
        if (!own.isNull()) {
            draw(target, own, QRectF(own.rect()), key.level);
            continue;
        }
        complete = false;
        if (drawFromCache(m_cache, key, target, false))
            continue;
        // Zooming out: the four finer tiles may be there already.
        if (key.level > 0) {
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const TileKey child{key.level - 1, key.col * 2 + dx, key.row * 2 + dy};
                    const QImage image = m_cache.peek(child);
                    if (!image.isNull())
                        draw(deviceRect(m_grid.tilePixelRect(child)), image, QRectF(image.rect()), child.level);
                }
        }
        drawFromCache(m_staleCache, key, target, false);
    }
    painter->restore();
    return complete;
}

void TileRenderer::requestPixelValues(QPoint pixel)
{
    const quint64 id = m_pixelRequest->fetch_add(1) + 1;
    auto latest = m_pixelRequest;
    auto shared = m_shared;
    const int bandCount = m_layer.info.bandCount();
    if (pixel.x() < 0 || pixel.y() < 0 || pixel.x() >= m_layer.info.width || pixel.y() >= m_layer.info.height) {
        Q_EMIT pixelValuesRead(pixel, {}, false);
        return;
    }
    threadPool()->start([=] {
        if (latest->load() != id)
            return;
        QVector<double> values;
        bool valid = false;
        try {
            auto ds = shared->dataset();
            if (ds) {
                QVector<int> bands;
                for (int b = 1; b <= bandCount; ++b)
                    bands.push_back(b);
                auto block = (*ds)->read(QRect(pixel, QSize(1, 1)), QSize(1, 1), bands);
                if (block) {
                    for (int i = 0; i < bandCount; ++i)
                        values.push_back(block->plane(i)[0]);
                    valid = !block->valid.empty() && block->valid[0] != 0;
                }
            }
        } catch (const std::exception &) {
            values.clear();
        }
        shared->post([=](TileRenderer *r) {
            if (latest->load() == id)
                Q_EMIT r->pixelValuesRead(pixel, values, valid);
        });
    });
}

} // namespace satgpt
