// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt bench raster`: what one 256-px tile read costs through RasterDataset::read() at several
// zoom levels, single-threaded and with one dataset per worker thread, as the canvas reads.

#include "app/cli/command.h"

#include "core/raster/rasterdataset.h"
#include "core/raster/syntheticscene.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace {

using namespace satgpt;

/// `count` tile windows of 256 * factor pixels at seeded random positions inside the scene.
QVector<QRect> tileWindows(const RasterInfo &info, int factor, int count, quint32 seed)
{
    QRandomGenerator rng(seed);
    const int side = 256 * factor;
    const int cols = std::max(1, info.width / side), rows = std::max(1, info.height / side);
    QVector<QRect> out;
    for (int i = 0; i < count; ++i)
        out << QRect(int(rng.bounded(cols)) * side, int(rng.bounded(rows)) * side, side, side);
    return out;
}

int runBenchRaster(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Time 256-px tile reads through RasterDataset::read()."));
    parser.addHelpOption();
    const QCommandLineOption sceneOpt(QStringLiteral("scene"), QStringLiteral("Scene to read (default: a generated UInt16 scene)"), QStringLiteral("path"));
    const QCommandLineOption sizeOpt(QStringLiteral("size"), QStringLiteral("Side of the generated scene (default 20000)"), QStringLiteral("px"), QStringLiteral("20000"));
    const QCommandLineOption tilesOpt(QStringLiteral("tiles"), QStringLiteral("Tiles per zoom level (default 200)"), QStringLiteral("n"), QStringLiteral("200"));
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Worker threads for the parallel run (default 2)"), QStringLiteral("n"), QStringLiteral("2"));
    parser.addOptions({sceneOpt, sizeOpt, tilesOpt, threadsOpt});
    parser.process(args);
    QTextStream out(stdout);

    QTemporaryDir tmp;
    QString path = parser.value(sceneOpt);
    if (path.isEmpty()) {
        const int side = std::clamp(parser.value(sizeOpt).toInt(), 512, 100000);
        path = tmp.filePath(QStringLiteral("bench_%1.tif").arg(side));
        SyntheticSceneSpec spec;
        spec.size = QSize(side, side);
        QElapsedTimer t;
        t.start();
        if (Status s = writeSyntheticScene(path, spec); !s.ok())
            return cli::fail(QString::fromStdString(s.error().toString()));
        out << "Generated " << side << "x" << side << " UInt16 x" << spec.bands << " tiled DEFLATE scene with overviews in "
            << t.elapsed() << " ms\n";
    }

    QElapsedTimer t;
    t.start();
    auto opened = RasterDataset::open(path);
    if (!opened)
        return cli::fail(QString::fromStdString(opened.error().toString()));
    const double openMs = t.nsecsElapsed() / 1e6;
    const RasterDataset &ds = *opened.value();
    const RasterInfo &info = ds.info();
    t.restart();
    auto stats = ds.statistics(1);
    if (!stats)
        return cli::fail(QString::fromStdString(stats.error().toString()));
    const double statsMs = t.nsecsElapsed() / 1e6;
    out << "Scene            " << QFileInfo(path).fileName() << ": " << info.width << "x" << info.height << ", "
        << info.bandCount() << " band(s), " << info.overviews.size() << " overview level(s)\n";
    out << "Open             " << QString::number(openMs, 'f', 2) << " ms\n";
    out << "Statistics b1    " << QString::number(statsMs, 'f', 1) << " ms (first call; cached afterwards)\n";

    const int tiles = std::max(1, parser.value(tilesOpt).toInt());
    QVector<int> bands;
    for (int b = 1; b <= std::min(3, info.bandCount()); ++b)
        bands << b;
    for (int factor : {1, 4, 16}) {
        if (256 * factor > std::max(info.width, info.height))
            continue;
        const QVector<QRect> windows = tileWindows(info, factor, tiles, 42u + quint32(factor));
        t.restart();
        for (const QRect &w : windows) {
            auto block = ds.read(w, QSize(256, 256), bands);
            if (!block)
                return cli::fail(QString::fromStdString(block.error().toString()));
        }
        const double ms = t.nsecsElapsed() / 1e6;
        out << "1 thread, 1:" << QString::number(factor).leftJustified(3) << "     " << QString::number(ms / tiles, 'f', 3)
            << " ms/tile (" << QString::number(tiles * 1000.0 / ms, 'f', 0) << " tiles/s, " << bands.size()
            << " bands, 256x256 out)\n";
    }

    const int threads = std::max(1, parser.value(threadsOpt).toInt());
    const QVector<QRect> windows = tileWindows(info, 4, tiles * threads, 7u);
    t.restart();
    QList<QFuture<bool>> futures;
    for (int i = 0; i < threads; ++i) {
        futures << QtConcurrent::run([&ds, &windows, &bands, i, tiles] {
            auto mine = ds.reopen();
            if (!mine)
                return false;
            for (int k = 0; k < tiles; ++k)
                if (!mine.value()->read(windows[i * tiles + k], QSize(256, 256), bands))
                    return false;
            return true;
        });
    }
    bool ok = true;
    for (auto &f : futures)
        ok &= f.result();
    const double ms = t.nsecsElapsed() / 1e6;
    if (!ok)
        return cli::fail(QStringLiteral("a threaded read failed"));
    out << threads << " threads, 1:4     " << QString::number(tiles * threads * 1000.0 / ms, 'f', 0)
        << " tiles/s in total (reopen() per thread included)\n";
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("bench raster", "Time 256-px tile reads through RasterDataset::read()", runBenchRaster)
