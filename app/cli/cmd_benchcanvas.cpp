// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt bench canvas`: how fast the map canvas's tile renderer roams a large scene.

#include "command.h"

#include "core/raster/syntheticscene.h"
#include "core/raster/tilerenderer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QStandardPaths>
#include <QTextStream>
#include <QThreadPool>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace satgpt::cli {

namespace {

constexpr QSize kViewport(1920, 1080);

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const double rank = p / 100.0 * double(v.size() - 1);
    const size_t lo = size_t(std::floor(rank)), hi = size_t(std::ceil(rank));
    return v[lo] + (v[hi] - v[lo]) * (rank - double(lo));
}

QTransform viewTransform(double scale, QPointF centre)
{
    return QTransform(scale, 0, 0, scale, kViewport.width() / 2.0 - centre.x() * scale,
                      kViewport.height() / 2.0 - centre.y() * scale);
}

/// Runs the event loop until every tile of the view is cached; false on timeout or failure.
bool waitForView(TileRenderer &renderer, const QTransform &view, QString *error)
{
    if (renderer.prepareView(view, QSizeF(kViewport)))
        return true;
    QEventLoop loop;
    QString failure;
    auto check = [&] {
        const auto tiles = renderer.tilesForView(view, QSizeF(kViewport));
        if (std::all_of(tiles.cbegin(), tiles.cend(), [&](const TileKey &k) { return renderer.cache().contains(k); })
            || renderer.isIdle())
            loop.quit();
    };
    auto c1 = QObject::connect(&renderer, &TileRenderer::tileReady, &loop, check);
    auto c2 = QObject::connect(&renderer, &TileRenderer::idle, &loop, check);
    auto c3 = QObject::connect(&renderer, &TileRenderer::tileFailed, &loop, [&](const TileKey &, const QString &m) {
        failure = m;
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, [&] {
        failure = QStringLiteral("timed out waiting for tiles");
        loop.quit();
    });
    loop.exec();
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    QObject::disconnect(c3);
    if (!failure.isEmpty()) {
        *error = failure;
        return false;
    }
    const auto tiles = renderer.tilesForView(view, QSizeF(kViewport));
    return std::all_of(tiles.cbegin(), tiles.cend(), [&](const TileKey &k) { return renderer.cache().contains(k); });
}

void paintFrame(TileRenderer &renderer, const QTransform &view, QImage &frame)
{
    QPainter p(&frame);
    p.fillRect(frame.rect(), Qt::black);
    renderer.paint(&p, view, QSizeF(kViewport));
}

} // namespace

static int runBenchCanvas(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Renders 1920x1080 frames of a generated UInt16 GeoTIFF through the map canvas's tile renderer "
        "after random pans and zooms, and reports first-frame time, per-frame times and peak memory."));
    parser.addHelpOption();
    QCommandLineOption sizeOpt(QStringLiteral("size"), QStringLiteral("Scene width and height in pixels (default 20000)."),
                               QStringLiteral("pixels"), QStringLiteral("20000"));
    QCommandLineOption framesOpt(QStringLiteral("frames"), QStringLiteral("Frames per measurement (default 100)."),
                                 QStringLiteral("n"), QStringLiteral("100"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the results as JSON."));
    QCommandLineOption dirOpt(QStringLiteral("cache-dir"),
                              QStringLiteral("Where the generated scene is kept (default: the user cache folder)."),
                              QStringLiteral("dir"));
    QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Seed of the random views (default 1)."),
                               QStringLiteral("n"), QStringLiteral("1"));
    parser.addOptions({sizeOpt, framesOpt, jsonOpt, dirOpt, seedOpt});
    parser.process(args);

    const int size = parser.value(sizeOpt).toInt();
    const int frames = parser.value(framesOpt).toInt();
    if (size < 256 || size > 200000)
        return fail(QStringLiteral("--size must be between 256 and 200000"));
    if (frames < 1)
        return fail(QStringLiteral("--frames must be at least 1"));
    QString dir = parser.value(dirOpt);
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/bench");
    const QString path = QDir(dir).filePath(QStringLiteral("canvas-%1x%1x3-uint16.tif").arg(size));
    QTextStream err(stderr);

    // The rendered tiles are the canvas's cache; GDAL's block cache only needs to bridge reads.
    setRasterBlockCacheLimit(qint64(64) << 20);
    bool generated = false;
    double generateSeconds = 0.0;
    if (!QFileInfo::exists(path)) {
        err << "Generating " << path << " (once)..." << Qt::endl;
        QElapsedTimer t;
        t.start();
        SyntheticSceneSpec spec;
        spec.size = QSize(size, size);
        if (Status s = writeSyntheticScene(path, spec); !s)
            return fail(QString::fromStdString(s.error().toString()));
        generateSeconds = t.elapsed() / 1000.0;
        generated = true;
    }

    // --- first frame: open, statistics, tiles, compose ---------------------------------------
    QImage frame(kViewport, QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer timer;
    timer.start();
    auto prepared = prepareLayer(path);
    if (!prepared)
        return fail(QString::fromStdString(prepared.error().toString()));
    setRasterBlockCacheLimit(qint64(64) << 20); // opening may have applied the library default
    const double openMs = timer.nsecsElapsed() / 1e6;
    TileRenderer renderer(std::move(prepared.value()));
    renderer.cache().setCapacity(qint64(256) << 20);
    const double fitScale = std::min(double(kViewport.width()) / size, double(kViewport.height()) / size);
    const QTransform fitView = viewTransform(fitScale, QPointF(size / 2.0, size / 2.0));
    QString error;
    if (!waitForView(renderer, fitView, &error))
        return fail(QStringLiteral("%1: %2").arg(path, error));
    const double firstTilesMs = timer.nsecsElapsed() / 1e6 - openMs;
    paintFrame(renderer, fitView, frame);
    const double firstFrameMs = timer.nsecsElapsed() / 1e6;
    const int firstFrameTiles = renderer.cache().count();

    // --- random pans and zooms ----------------------------------------------------------------
    std::mt19937 rng(parser.value(seedOpt).toUInt());
    std::uniform_real_distribution<double> logScale(std::log2(fitScale), 1.0); // fit .. 2x magnified
    std::uniform_real_distribution<double> pos(0.0, double(size));
    std::vector<QTransform> views;
    for (int i = 0; i < frames; ++i)
        views.push_back(viewTransform(std::pow(2.0, logScale(rng)), QPointF(pos(rng), pos(rng))));

    std::vector<double> cold, warm;
    int tilesCold = 0;
    for (const QTransform &view : views) {
        renderer.cache().clear();
        QElapsedTimer t;
        t.start();
        if (!waitForView(renderer, view, &error))
            return fail(QStringLiteral("%1: %2").arg(path, error));
        paintFrame(renderer, view, frame);
        cold.push_back(t.nsecsElapsed() / 1e6);
        tilesCold += renderer.cache().count();

        // Warm: the same view again with its tiles cached (what every repaint during a pan costs).
        t.restart();
        renderer.prepareView(view, QSizeF(kViewport));
        paintFrame(renderer, view, frame);
        warm.push_back(t.nsecsElapsed() / 1e6);
    }

    const double rss = peakRssMiB();
    QJsonObject o;
    o[QStringLiteral("scene")] = path;
    o[QStringLiteral("sceneSize")] = size;
    o[QStringLiteral("viewport")] = QStringLiteral("1920x1080");
    o[QStringLiteral("frames")] = frames;
    o[QStringLiteral("threads")] = TileRenderer::threadPool()->maxThreadCount();
    o[QStringLiteral("generated")] = generated;
    if (generated)
        o[QStringLiteral("generateSeconds")] = generateSeconds;
    o[QStringLiteral("firstFrameMs")] = firstFrameMs;
    o[QStringLiteral("firstFrameOpenMs")] = openMs;
    o[QStringLiteral("firstFrameTilesMs")] = firstTilesMs;
    o[QStringLiteral("firstFrameTiles")] = firstFrameTiles;
    o[QStringLiteral("warmMedianMs")] = percentile(warm, 50);
    o[QStringLiteral("warmP95Ms")] = percentile(warm, 95);
    o[QStringLiteral("coldMedianMs")] = percentile(cold, 50);
    o[QStringLiteral("coldP95Ms")] = percentile(cold, 95);
    o[QStringLiteral("coldTilesPerFrame")] = double(tilesCold) / frames;
    o[QStringLiteral("peakRssMiB")] = rss;

    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "Scene            " << path << " (" << size << "x" << size << "x3 UInt16, DEFLATE, 256 tiles, overviews)\n";
    if (generated)
        out << "Generated in     " << QString::number(generateSeconds, 'f', 1) << " s\n";
    out << "Viewport         1920x1080, " << frames << " random pans/zooms, " << o[QStringLiteral("threads")].toInt()
        << " render threads\n";
    out << "First frame      " << QString::number(firstFrameMs, 'f', 1) << " ms (open + statistics "
        << QString::number(openMs, 'f', 1) << " ms, " << firstFrameTiles << " tiles " << QString::number(firstTilesMs, 'f', 1)
        << " ms, compose " << QString::number(firstFrameMs - openMs - firstTilesMs, 'f', 1) << " ms)\n";
    out << "Warm frame       median " << QString::number(percentile(warm, 50), 'f', 2) << " ms, p95 "
        << QString::number(percentile(warm, 95), 'f', 2) << " ms\n";
    out << "Cold frame       median " << QString::number(percentile(cold, 50), 'f', 1) << " ms, p95 "
        << QString::number(percentile(cold, 95), 'f', 1) << " ms (" << QString::number(double(tilesCold) / frames, 'f', 1)
        << " tiles/frame)\n";
    out << "Peak RSS         " << QString::number(rss, 'f', 0) << " MiB\n";
    return 0;
}

SATGPT_CLI_COMMAND("bench canvas", "Benchmark the map canvas's tile rendering", runBenchCanvas)

} // namespace satgpt::cli
