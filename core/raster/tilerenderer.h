// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/rendering.h"
#include "core/raster/tilecache.h"
#include "core/raster/tilegrid.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTransform>

#include <atomic>
#include <memory>
#include <optional>

class QPainter;
class QThreadPool;

namespace satgpt {

/// What a layer needs before it can render: the scene description, its render settings and the
/// statistics of the bands they show. Built by prepareLayer() off the GUI thread (it opens the
/// file and reads an overview); a plain value afterwards.
struct PreparedLayer
{
    RasterInfo info;
    RenderSettings settings;
    QHash<int, BandStatistics> statistics; ///< by 1-based band number
    bool needsOverviews = false;
    /// The dataset prepareLayer() opened: render threads reopen() it, which shares the parsed
    /// info instead of parsing it again (GDALOpen + CRS work: ~50 ms per thread on a first frame).
    std::shared_ptr<const RasterDataset> dataset;
};

/// Opens `path`, picks the default composition (or `settings`) and computes the statistics of
/// its bands. Slow (tens of milliseconds to seconds): call it from a job, never the GUI thread.
/// Errors name the file and GDAL's reason.
Result<PreparedLayer> prepareLayer(const QString &path, const std::optional<RenderSettings> &settings = std::nullopt);

/// Limits GDAL's block cache (the rendered tile cache already holds what the canvas reuses, so a
/// large block cache would only double memory). Call once at start-up.
void setRasterBlockCacheLimit(qint64 bytes);

/// Renders one scene as 256-px tiles on worker threads and keeps them in an LRU cache.
///
/// Requests are tagged with a generation number: every request() that asks for a different tile
/// set starts a new generation, queued reads nobody wants any more are skipped, and results that
/// arrive for tiles the latest generation does not want are dropped instead of cached. Workers
/// each open their own RasterDataset on the path (GDAL handles are never shared between threads).
///
/// Created, used and destroyed on one thread (the GUI thread in the workbench, the main thread in
/// the benchmark); signals are emitted there. Destruction does not wait for workers: they hold
/// their own reference to the shared state and their late results are discarded.
class TileRenderer final : public QObject
{
    Q_OBJECT
public:
    explicit TileRenderer(PreparedLayer layer, QObject *parent = nullptr);
    ~TileRenderer() override;

    const RasterInfo &info() const { return m_layer.info; }
    const TileGrid &grid() const { return m_grid; }
    const RenderSettings &renderSettings() const { return m_layer.settings; }
    const QHash<int, BandStatistics> &statistics() const { return m_layer.statistics; }
    bool needsOverviews() const { return m_layer.needsOverviews; }

    /// Changes bands, colour map or stretch. Tiles re-render; until they arrive the old ones are
    /// still painted. Bands without statistics have them computed on a worker first.
    void setRenderSettings(const RenderSettings &settings);

    TileCache &cache() { return m_cache; }
    const TileCache &cache() const { return m_cache; }

    /// The tiles a view needs: `sceneToDevice` maps scene pixels to device pixels (scale and
    /// translation only), `deviceSize` is the viewport in device pixels.
    QVector<TileKey> tilesForView(const QTransform &sceneToDevice, const QSizeF &deviceSize) const;
    /// Requests what tilesForView() lists plus the coarsest level (so there is always something
    /// to show). Returns true when everything needed is already cached.
    bool prepareView(const QTransform &sceneToDevice, const QSizeF &deviceSize);

    /// Asks for exactly these tiles (missing ones are read). A different set than last time
    /// starts a new generation.
    void request(const QVector<TileKey> &tiles);
    /// Drops every queued read (nothing is wanted any more).
    void cancel();

    /// Paints the view from the cache: each tile from its own level when cached, else a cached
    /// coarser tile scaled up, else the tile from before the last settings change. The painter's
    /// own transform is ignored and tiles are snapped to whole device pixels so they never
    /// leave seams. Returns true when every needed tile was drawn at its own level.
    bool paint(QPainter *painter, const QTransform &sceneToDevice, const QSizeF &deviceSize) const;

    quint64 generation() const { return m_generation->load(); }
    int pendingCount() const { return int(m_pending.size()); }
    bool isIdle() const { return m_pending.isEmpty() && !m_statisticsPending; }
    /// Results dropped because their generation was stale, and queued reads skipped for it.
    qint64 staleDropped() const { return m_staleDropped; }
    qint64 staleSkipped() const { return m_staleSkipped; }

    /// Reads the values of all bands at a scene pixel on a worker; answers with pixelValuesRead.
    /// Only the latest request is answered when they come faster than the reads.
    void requestPixelValues(QPoint pixel);

    /// The pool all renderers read on (kept separate from the jobs' global pool, so a long job
    /// never starves the canvas).
    static QThreadPool *threadPool();

Q_SIGNALS:
    /// A tile of the current generation arrived and is in the cache.
    void tileReady(const satgpt::TileKey &key);
    /// Every requested tile has arrived (or failed); emitted once per burst.
    void idle();
    void tileFailed(const satgpt::TileKey &key, const QString &message);
    void renderSettingsChanged();
    /// Values of all bands (scale/offset applied) at `pixel`; `valid` false for nodata/outside.
    void pixelValuesRead(QPoint pixel, const QVector<double> &values, bool valid);
    void statisticsFailed(const QString &message);

private:
    struct Shared;
    struct Pending
    {
        std::shared_ptr<std::atomic<quint64>> token; ///< generation that last wanted this tile
    };
    struct RenderSnapshot;

    void submit(const TileKey &key, const std::shared_ptr<std::atomic<quint64>> &token);
    void onTileFinished(const TileKey &key, const std::shared_ptr<std::atomic<quint64>> &token, quint64 version,
                        const QImage &image, const QString &error);
    void applySettings();
    void emitIdleIfDone();

    PreparedLayer m_layer;
    TileGrid m_grid;
    TileCache m_cache;
    TileCache m_staleCache{qint64(64) << 20}; ///< tiles from before the last settings change
    std::shared_ptr<Shared> m_shared;
    std::shared_ptr<RenderSnapshot> m_snapshot;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    quint64 m_version = 0; ///< bumps on every settings change
    QHash<TileKey, Pending> m_pending;
    QVector<TileKey> m_lastRequest;
    bool m_statisticsPending = false;
    bool m_failedReported = false;
    qint64 m_staleDropped = 0;
    qint64 m_staleSkipped = 0;
    std::shared_ptr<std::atomic<quint64>> m_pixelRequest;
};

} // namespace satgpt
