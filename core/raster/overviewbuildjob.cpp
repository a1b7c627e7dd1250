// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/overviewbuildjob.h"

#include "core/raster/gdalsupport.h"

#include <QFile>
#include <QFileInfo>

#include <cpl_conv.h>
#include <gdal.h>

#include <algorithm>

namespace satgpt {

namespace {

/// Sets a GDAL configuration option for this thread only and restores it on scope exit, so a
/// build on one worker does not change how another worker's GDAL calls behave.
class ThreadConfigOption
{
public:
    ThreadConfigOption(const char *key, const char *value) : m_key(key)
    {
        if (const char *old = CPLGetThreadLocalConfigOption(key, nullptr))
            m_old = old;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ThreadConfigOption() { CPLSetThreadLocalConfigOption(m_key, m_old.empty() ? nullptr : m_old.c_str()); }

private:
    const char *m_key;
    std::string m_old;
};

} // namespace

OverviewBuildJob::OverviewBuildJob(QString scenePath, QObject *parent)
    : Job(QStringLiteral("Build pyramids for %1").arg(QFileInfo(scenePath).fileName()), parent)
    , m_scenePath(std::move(scenePath))
{
}

OverviewBuildJob::~OverviewBuildJob()
{
    // Job's destructor also waits, but run() uses this object's members: stop it before they go.
    cancel();
    waitForFinished();
}

QVector<int> OverviewBuildJob::factorsFor(int width, int height)
{
    QVector<int> factors;
    const int longest = std::max(width, height);
    for (int f = 2; longest > 256 && f < (1 << 20); f *= 2) {
        factors << f;
        if ((longest + f - 1) / f < 256)
            break;
    }
    return factors;
}

int OverviewBuildJob::progressCallback(double complete, const char *, void *data)
{
    auto *self = static_cast<OverviewBuildJob *>(data);
    if (self->isCanceled())
        return FALSE;
    self->setProgress(std::clamp(complete, 0.0, 1.0));
    return TRUE;
}

Status OverviewBuildJob::run()
{
    detail::ensureGdal();
    const std::string path = m_scenePath.toStdString();
    detail::GdalErrorCapture capture;
    setStatusText(QStringLiteral("Opening %1").arg(QFileInfo(m_scenePath).fileName()));
    GDALDatasetH ds = GDALOpenEx(m_scenePath.toUtf8().constData(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                 nullptr, nullptr, nullptr);
    if (!ds)
        return makeError("Cannot open the file as a raster", path, capture.detail());
    const int width = GDALGetRasterXSize(ds), height = GDALGetRasterYSize(ds);
    const int bandCount = GDALGetRasterCount(ds);
    if (bandCount == 0) {
        GDALClose(ds);
        return makeError("The file has no raster bands", path);
    }
    const QVector<int> factors = factorsFor(width, height);
    if (factors.isEmpty()) {
        GDALClose(ds);
        setStatusText(QStringLiteral("The scene is small; no pyramids needed"));
        return {};
    }
    bool palette = false;
    for (int b = 1; b <= bandCount; ++b)
        palette |= GDALGetRasterColorInterpretation(GDALGetRasterBand(ds, b)) == GCI_PaletteIndex;

    const QString ovr = overviewPath();
    if (QFileInfo::exists(ovr)) {
        // Drop the stale pyramid; GDAL would otherwise update it in place level by level.
        GDALClose(ds);
        if (!QFile::remove(ovr))
            return makeError("Cannot replace the existing overview file", ovr.toStdString());
        ds = GDALOpenEx(m_scenePath.toUtf8().constData(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        if (!ds)
            return makeError("Cannot open the file as a raster", path, capture.detail());
    }

    setStatusText(QStringLiteral("Building %1 pyramid levels").arg(factors.size()));
    CPLErr err = CE_None;
    {
        const ThreadConfigOption compress("COMPRESS_OVERVIEW", "DEFLATE");
        const ThreadConfigOption bigtiff("BIGTIFF_OVERVIEW", "IF_SAFER");
        std::vector<int> levels(factors.begin(), factors.end());
        err = GDALBuildOverviews(ds, palette ? "NEAREST" : "AVERAGE", int(levels.size()), levels.data(), 0, nullptr,
                                 &OverviewBuildJob::progressCallback, this);
    }
    const bool canceled = isCanceled();
    GDALClose(ds); // flushes the .ovr; GDAL 3.6 reports flush errors through the handler only
    if (err == CE_None && capture.hasErrors())
        err = CE_Failure;
    if (canceled || err != CE_None) {
        QFile::remove(ovr);
        if (canceled) {
            setStatusText(QStringLiteral("Canceled; partial pyramid removed"));
            return {};
        }
        return makeError("Building pyramids failed", path, capture.detail());
    }
    setStatusText(QStringLiteral("Built %1 pyramid levels in %2").arg(factors.size()).arg(QFileInfo(ovr).fileName()));
    return {};
}

} // namespace satgpt
