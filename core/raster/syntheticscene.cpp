// SPDX-License-Identifier: GPL-3.0-or-later
#include "syntheticscene.h"

#include "core/jobs/job.h"
#include "core/raster/gdalsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <vector>

namespace satgpt {

quint16 syntheticSceneValue(int band, double x, double y)
{
    // Fields of 512 px with a per-field level, a diagonal ramp and concentric rings: smooth
    // enough to compress, varied enough that every tile and overview looks different.
    const int fx = int(std::floor(x / 512.0)), fy = int(std::floor(y / 512.0));
    const unsigned h = unsigned(fx * 73856093) ^ unsigned(fy * 19349663) ^ unsigned(band * 83492791);
    const double field = double(h % 1000u);
    const double ramp = std::fmod((x + y * (0.5 + 0.25 * band)) * 0.05, 1000.0);
    const double dx = std::fmod(x, 4096.0) - 2048.0, dy = std::fmod(y, 4096.0) - 2048.0;
    const double rings = 500.0 + 500.0 * std::sin(std::sqrt(dx * dx + dy * dy) * 0.02 * band);
    const bool road = (int(x) % 2048) < 12 || (int(y) % 2048) < 12;
    const double v = road ? 3800.0 : 300.0 + field + ramp + rings;
    return quint16(std::clamp(v, 0.0, 65535.0));
}

namespace {

QString gdalReason()
{
    const char *msg = CPLGetLastErrorMsg();
    return msg && *msg ? QString::fromUtf8(msg) : QStringLiteral("unknown GDAL error");
}

Status fail(const QString &path, const QString &what)
{
    return makeError(what.toStdString(), path.toStdString(), gdalReason().toStdString());
}

/// Fills band-sequential rows [y0, y0+rows) of a width-wide level with the pattern sampled
/// at the centre of each pixel of factor `f`.
void fillRows(std::vector<quint16> &buf, int width, int y0, int rows, int bands, int f)
{
    buf.resize(size_t(width) * size_t(rows) * size_t(bands));
    for (int b = 0; b < bands; ++b)
        for (int r = 0; r < rows; ++r) {
            quint16 *out = buf.data() + (size_t(b) * rows + r) * size_t(width);
            const double y = (y0 + r + 0.5) * f;
            for (int c = 0; c < width; ++c)
                out[c] = syntheticSceneValue(b + 1, (c + 0.5) * f, y);
        }
}

Status writeLevel(GDALDatasetH ds, GDALRasterBandH *levelBands, int width, int height, int bands, int f,
                  const QString &path, Feedback *feedback, double progress0, double progressSpan)
{
    std::vector<quint16> buf;
    std::vector<int> bandMap(static_cast<size_t>(bands));
    for (int b = 0; b < bands; ++b)
        bandMap[size_t(b)] = b + 1;
    for (int y = 0; y < height; y += 256) {
        if (feedback && feedback->isCanceled())
            return makeError("Canceled", path.toStdString());
        const int rows = std::min(256, height - y);
        fillRows(buf, width, y, rows, bands, f);
        CPLErr err = CE_None;
        if (!levelBands) {
            err = GDALDatasetRasterIO(ds, GF_Write, 0, y, width, rows, buf.data(), width, rows, GDT_UInt16, bands,
                                      bandMap.data(), 0, 0, 0);
        } else {
            for (int b = 0; b < bands && err == CE_None; ++b)
                err = GDALRasterIO(levelBands[b], GF_Write, 0, y, width, rows, buf.data() + size_t(b) * width * rows,
                                   width, rows, GDT_UInt16, 0, 0);
        }
        if (err != CE_None)
            return fail(path, QStringLiteral("Cannot write the generated scene"));
        if (feedback)
            feedback->setProgress(progress0 + progressSpan * double(y + rows) / height);
    }
    return {};
}

} // namespace

Status writeSyntheticScene(const QString &path, const SyntheticSceneSpec &spec, Feedback *feedback)
{
    if (spec.size.isEmpty() || spec.bands < 1)
        return makeError("Invalid size for a generated scene", path.toStdString());
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString tmp = path + QStringLiteral(".part");
    QFile::remove(tmp);

    detail::ensureGdal();
    GDALDriverH driver = GDALGetDriverByName("GTiff");
    if (!driver)
        return makeError("GDAL has no GTiff driver", path.toStdString());
    const QByteArray zlevel = QByteArray::number(spec.zlevel);
    const QByteArray zoption = "ZLEVEL=" + zlevel;
    const char *options[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                             zoption.constData(), "INTERLEAVE=PIXEL", "BIGTIFF=IF_SAFER",
                             "NUM_THREADS=ALL_CPUS", nullptr};
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(driver, tmp.toUtf8().constData(), spec.size.width(), spec.size.height(), spec.bands,
                                 GDT_UInt16, const_cast<char **>(options));
    if (!ds)
        return fail(path, QStringLiteral("Cannot create the generated scene"));

    double gt[6] = {500000.0, 10.0, 0.0, 5600000.0, 0.0, -10.0};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    if (OSRImportFromEPSG(srs, 32632) == OGRERR_NONE) {
        char *wkt = nullptr;
        OSRExportToWkt(srs, &wkt);
        GDALSetProjection(ds, wkt);
        CPLFree(wkt);
    }
    OSRDestroySpatialReference(srs);
    for (int b = 1; b <= spec.bands; ++b) {
        GDALRasterBandH band = GDALGetRasterBand(ds, b);
        const GDALColorInterp ci = spec.bands >= 3 && b <= 3 ? GDALColorInterp(GCI_RedBand + b - 1) : GCI_GrayIndex;
        GDALSetRasterColorInterpretation(band, ci);
    }

    // Overviews are allocated empty ("NONE") and written from the pattern directly: computing
    // them by reading back 2.4 GB of DEFLATE tiles would dominate the generation time.
    std::vector<int> factors;
    if (spec.overviews)
        for (int f = 2; (std::max(spec.size.width(), spec.size.height()) + f / 2 - 1) / (f / 2) > 256; f *= 2)
            factors.push_back(f);
    double fullShare = 0.75;
    Status status = writeLevel(ds, nullptr, spec.size.width(), spec.size.height(), spec.bands, 1, path, feedback, 0.0,
                               factors.empty() ? 1.0 : fullShare);
    if (status.ok() && !factors.empty()) {
        GDALFlushCache(ds);
        CPLSetThreadLocalConfigOption("COMPRESS_OVERVIEW", "DEFLATE");
        CPLSetThreadLocalConfigOption("ZLEVEL_OVERVIEW", zlevel.constData());
        CPLSetThreadLocalConfigOption("INTERLEAVE_OVERVIEW", "PIXEL");
        if (GDALBuildOverviews(ds, "NONE", int(factors.size()), factors.data(), 0, nullptr, nullptr, nullptr) != CE_None)
            status = fail(path, QStringLiteral("Cannot add overviews to the generated scene"));
        CPLSetThreadLocalConfigOption("COMPRESS_OVERVIEW", nullptr);
        CPLSetThreadLocalConfigOption("ZLEVEL_OVERVIEW", nullptr);
        CPLSetThreadLocalConfigOption("INTERLEAVE_OVERVIEW", nullptr);
        for (size_t i = 0; status.ok() && i < factors.size(); ++i) {
            std::vector<GDALRasterBandH> ovBands(size_t(spec.bands));
            for (int b = 0; b < spec.bands; ++b)
                ovBands[size_t(b)] = GDALGetOverview(GDALGetRasterBand(ds, b + 1), int(i));
            if (!ovBands[0]) {
                status = fail(path, QStringLiteral("Cannot open an overview of the generated scene"));
                break;
            }
            const double share = (1.0 - fullShare) / double(factors.size());
            status = writeLevel(ds, ovBands.data(), GDALGetRasterBandXSize(ovBands[0]), GDALGetRasterBandYSize(ovBands[0]),
                                spec.bands, factors[i], path, feedback, fullShare + share * double(i), share);
        }
    }
    CPLErrorReset();
    GDALClose(ds); // returns void before GDAL 3.8: look at the error state instead
    if (CPLGetLastErrorType() >= CE_Failure && status.ok())
        status = fail(path, QStringLiteral("Cannot finish writing the generated scene"));
    if (!status.ok()) {
        QFile::remove(tmp);
        return status;
    }
    QFile::remove(path);
    if (!QFile::rename(tmp, path))
        return makeError("Cannot rename the generated scene into place", path.toStdString());
    return {};
}

} // namespace satgpt
