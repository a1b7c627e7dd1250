// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/rasterdataset.h"

#include "core/jobs/job.h"
#include "core/raster/gdalsupport.h"

#include <QDate>
#include <QFileInfo>
#include <QRegularExpression>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <new>

namespace satgpt {

namespace {

constexpr int kMaxSide = 1000000;          // larger sides are corrupt headers, not scenes
constexpr int kMaxBands = 65535;
constexpr qint64 kMaxBlockBytes = qint64(512) * 1024 * 1024; // one GDAL block we would decode
constexpr qint64 kMaxOutputValues = qint64(512) * 1024 * 1024; // floats in one read()
// Statistics come from a decimated read of about this many pixels (the ~250 000-pixel sample QGIS
// estimates from). 1024² took a fifth of the first frame on a 20000² scene: it decodes the
// overview of factor 16 where 512² needs the one of factor 32, a quarter of the tiles.
constexpr qint64 kStatisticsPixels = qint64(512) * 512;

using detail::GdalErrorCapture;

Error gdalError(const QString &path, const char *message, const GdalErrorCapture &capture,
                const std::string &fallback = {})
{
    std::string detail = capture.detail();
    if (detail.empty())
        detail = fallback;
    return makeError(message, path.toStdString(), detail);
}

/// Turns the many spellings of an acquisition time into an ISO date (yyyy-MM-dd); empty when
/// the text holds no plausible date.
QString parseDate(const QString &raw)
{
    static const QRegularExpression re(QStringLiteral(R"((\d{4})[-:/]?(\d{2})[-:/]?(\d{2}))"));
    const auto m = re.match(raw.trimmed());
    if (!m.hasMatch())
        return {};
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    if (!date.isValid() || date.year() < 1950 || date.year() > 2100)
        return {};
    return date.toString(Qt::ISODate);
}

QMap<QString, QString> metadataOf(GDALMajorObjectH object, const char *domain)
{
    QMap<QString, QString> out;
    char **md = GDALGetMetadata(object, domain);
    for (int i = 0; md && md[i] && i < 500; ++i) {
        const QString entry = QString::fromUtf8(md[i]);
        const int eq = entry.indexOf(QLatin1Char('='));
        if (eq > 0)
            out.insert(entry.left(eq), entry.mid(eq + 1));
    }
    return out;
}

/// Acquisition date from metadata keys used by TIFF, Landsat MTL, DIMAP/IMAGERY, netCDF, then
/// from product names that encode it (Landsat collection IDs, NAIP quarter quads).
QString findAcquisitionDate(const QMap<QString, QString> &md, const QString &path)
{
    static const char *const kKeys[] = {"ACQUISITIONDATETIME", "ACQUISITIONDATE", "ACQUISITION_DATE",
                                        "DATE_ACQUIRED", "SENSING_TIME", "SENSING_START", "IMAGE_DATE",
                                        "DATE_TIME", "TIFFTAG_DATETIME", "DATETIME", "NC_GLOBAL#time_coverage_start",
                                        "DATE"};
    for (const char *key : kKeys) {
        for (auto it = md.cbegin(); it != md.cend(); ++it) {
            if (it.key().compare(QLatin1String(key), Qt::CaseInsensitive) == 0) {
                const QString date = parseDate(it.value());
                if (!date.isEmpty())
                    return date;
            }
        }
    }
    const QString name = QFileInfo(path).fileName();
    static const QRegularExpression landsat(QStringLiteral(R"(^L[COTEM]0\d_[A-Z0-9]{4}_\d{6}_(\d{8})_)"));
    static const QRegularExpression naip(QStringLiteral(R"(^m_\d{7}_[ns][ew]_\d{2}_\d+_(\d{8}))"));
    for (const auto *re : {&landsat, &naip}) {
        const auto m = re->match(name);
        if (m.hasMatch())
            return parseDate(m.captured(1));
    }
    return {};
}

int CPL_STDCALL cancelOnlyProgress(double, const char *, void *data)
{
    const auto *feedback = static_cast<const Feedback *>(data);
    return feedback && feedback->isCanceled() ? FALSE : TRUE;
}

struct StatisticsCache
{
    std::mutex mutex;
    std::map<int, BandStatistics> byBand;
};

/// What read() needs per band, resolved once at open so a tile read does no GDAL queries
/// beyond RasterIO.
struct BandRuntime
{
    GDALDataType gdalType = GDT_Unknown;
    bool signedByte = false;  // GDAL < 3.7 stores Int8 as Byte + PIXELTYPE=SIGNEDBYTE
    bool complex = false;
    bool palette = false;
    int maskFlags = GMF_ALL_VALID;
    qint64 blockBytes = 0;
};

} // namespace

struct RasterDataset::Private
{
    GDALDatasetH ds = nullptr;
    std::shared_ptr<const RasterInfo> info;
    std::shared_ptr<const std::vector<BandRuntime>> runtime;
    std::shared_ptr<StatisticsCache> stats;

    ~Private()
    {
        if (ds)
            GDALClose(ds);
    }

    Result<RasterBlock> read(const QRect &window, const QSize &outSize, const QVector<int> &bands,
                             Resampling resampling, Feedback *feedback) const;
};

RasterDataset::RasterDataset() : d(std::make_unique<Private>()) {}
RasterDataset::~RasterDataset() = default;

const RasterInfo &RasterDataset::info() const { return *d->info; }

static GDALDatasetH openHandle(const QString &path, GdalErrorCapture &capture)
{
    const QByteArray utf8 = path.toUtf8();
    return GDALOpenEx(utf8.constData(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, nullptr,
                      nullptr, nullptr);
}

Result<std::unique_ptr<RasterDataset>> RasterDataset::open(const QString &path)
{
    detail::ensureGdal();
    const std::string stdPath = path.toStdString();
    if (path.isEmpty())
        return makeError("No file name given");
    // GDAL also opens virtual paths (/vsizip/..., HDF5:"f"://sub); only plain paths are checked here.
    const bool plainPath = !path.startsWith(QLatin1String("/vsi")) && !path.contains(QLatin1String(":\""))
        && !path.startsWith(QLatin1String("<"));
    if (plainPath && !QFileInfo::exists(path))
        return makeError("File not found", stdPath);
    if (plainPath && QFileInfo(path).isFile() && QFileInfo(path).size() == 0)
        return makeError("The file is empty", stdPath);

    GdalErrorCapture capture;
    std::unique_ptr<RasterDataset> self(new RasterDataset);
    Private &p = *self->d;
    p.ds = openHandle(path, capture);
    if (!p.ds)
        return gdalError(path, "Cannot open the file as a raster", capture, "not a raster format GDAL recognises");

    auto info = std::make_shared<RasterInfo>();
    auto runtime = std::make_shared<std::vector<BandRuntime>>();
    info->path = path;
    if (GDALDriverH drv = GDALGetDatasetDriver(p.ds)) {
        info->driver = QString::fromUtf8(GDALGetDriverShortName(drv));
        info->driverLong = QString::fromUtf8(GDALGetDriverLongName(drv));
    }
    info->width = GDALGetRasterXSize(p.ds);
    info->height = GDALGetRasterYSize(p.ds);
    const int bandCount = GDALGetRasterCount(p.ds);

    if (bandCount == 0) {
        const QMap<QString, QString> subs = metadataOf(p.ds, "SUBDATASETS");
        if (!subs.isEmpty()) {
            const QString first = subs.value(QStringLiteral("SUBDATASET_1_NAME"));
            return makeError("The file is a container of " + std::to_string(subs.size() / 2)
                                 + " subdatasets and has no bands of its own; open one of its subdatasets",
                             stdPath, "first subdataset: " + first.toStdString());
        }
        return makeError("The file has no raster bands", stdPath, capture.detail());
    }
    if (info->width <= 0 || info->height <= 0)
        return makeError("The raster has no pixels (width or height is 0)", stdPath);
    if (info->width > kMaxSide || info->height > kMaxSide || bandCount > kMaxBands) {
        return makeError("Refusing absurd raster dimensions", stdPath,
                         std::to_string(info->width) + " x " + std::to_string(info->height) + " pixels, "
                             + std::to_string(bandCount) + " bands (limits: " + std::to_string(kMaxSide)
                             + " px a side, " + std::to_string(kMaxBands) + " bands)");
    }
    {
        qint64 pixels = 0, values = 0, bytes = 0;
        if (__builtin_mul_overflow(qint64(info->width), qint64(info->height), &pixels)
            || __builtin_mul_overflow(pixels, qint64(bandCount), &values)
            || __builtin_mul_overflow(values, qint64(16), &bytes))
            return makeError("Refusing absurd raster dimensions (size overflows)", stdPath);
    }

    for (int b = 1; b <= bandCount; ++b) {
        GDALRasterBandH h = GDALGetRasterBand(p.ds, b);
        if (!h)
            return gdalError(path, "Cannot access a raster band", capture, "band " + std::to_string(b));
        BandInfo bi;
        BandRuntime rt;
        bi.index = b;
        rt.gdalType = GDALGetRasterDataType(h);
        bi.type = detail::pixelTypeFromGdal(rt.gdalType);
        if (bi.type == PixelType::Byte) {
            const char *pt = GDALGetMetadataItem(h, "PIXELTYPE", "IMAGE_STRUCTURE");
            if (pt && EQUAL(pt, "SIGNEDBYTE")) {
                bi.type = PixelType::Int8;
                rt.signedByte = true;
            }
        }
        if (bi.type == PixelType::Unknown)
            return makeError("Unsupported pixel type", stdPath,
                             std::string("band ") + std::to_string(b) + " has type "
                                 + (GDALGetDataTypeName(rt.gdalType) ? GDALGetDataTypeName(rt.gdalType) : "?"));
        rt.complex = detail::isComplex(bi.type);
        int ok = 0;
        const double nd = GDALGetRasterNoDataValue(h, &ok);
        if (ok)
            bi.noData = nd;
        bi.scale = GDALGetRasterScale(h, &ok);
        if (!ok || bi.scale == 0.0 || !std::isfinite(bi.scale))
            bi.scale = 1.0;
        bi.offset = GDALGetRasterOffset(h, &ok);
        if (!ok || !std::isfinite(bi.offset))
            bi.offset = 0.0;
        const GDALColorInterp ci = GDALGetRasterColorInterpretation(h);
        bi.colorInterpretation = QString::fromUtf8(GDALGetColorInterpretationName(ci));
        bi.description = QString::fromUtf8(GDALGetDescription(h));
        bi.unit = QString::fromUtf8(GDALGetRasterUnitType(h));
        bi.overviewCount = GDALGetOverviewCount(h);
        if (ci == GCI_PaletteIndex) {
            if (GDALColorTableH ct = GDALGetRasterColorTable(h)) {
                const int n = std::min(GDALGetColorEntryCount(ct), 65536);
                bi.colorTable.reserve(n);
                for (int i = 0; i < n; ++i) {
                    GDALColorEntry e;
                    GDALGetColorEntryAsRGB(ct, i, &e);
                    bi.colorTable << qRgba(e.c1, e.c2, e.c3, e.c4);
                }
                rt.palette = !bi.colorTable.isEmpty();
            }
        }
        rt.maskFlags = GDALGetMaskFlags(h);
        bi.hasMask = !(rt.maskFlags & GMF_ALL_VALID) && !(rt.maskFlags & GMF_NODATA);
        int bx = 0, by = 0;
        GDALGetBlockSize(h, &bx, &by);
        rt.blockBytes = qint64(std::max(bx, 1)) * qint64(std::max(by, 1)) * std::max(1, GDALGetDataTypeSizeBytes(rt.gdalType));
        info->bands << bi;
        runtime->push_back(rt);
    }

    double gt[6];
    if (GDALGetGeoTransform(p.ds, gt) == CE_None) {
        info->hasGeoTransform = true;
        std::copy(gt, gt + 6, info->geoTransform.c.begin());
    }
    info->hasGcps = GDALGetGCPCount(p.ds) > 0;
    OGRSpatialReferenceH srs = GDALGetSpatialRef(p.ds);
    if (!srs && info->hasGcps)
        srs = GDALGetGCPSpatialRef(p.ds);
    if (srs) {
        char *wkt = nullptr;
        const char *const options[] = {"FORMAT=WKT2_2018", "MULTILINE=NO", nullptr};
        if (OSRExportToWktEx(srs, &wkt, options) == OGRERR_NONE && wkt)
            info->crsWkt = QString::fromUtf8(wkt);
        CPLFree(wkt);
        info->crsName = QString::fromUtf8(OSRGetName(srs));
        const char *auth = OSRGetAuthorityName(srs, nullptr);
        const char *code = OSRGetAuthorityCode(srs, nullptr);
        if (auth && code && EQUAL(auth, "EPSG")) {
            info->epsg = std::atoi(code);
        } else {
            // GeoTIFFs often carry a full definition without the code; let PROJ recognise it.
            OGRSpatialReferenceH clone = OSRClone(srs);
            if (OSRAutoIdentifyEPSG(clone) == OGRERR_NONE) {
                auth = OSRGetAuthorityName(clone, nullptr);
                code = OSRGetAuthorityCode(clone, nullptr);
                if (auth && code && EQUAL(auth, "EPSG"))
                    info->epsg = std::atoi(code);
            }
            OSRDestroySpatialReference(clone);
        }
    }

    if (GDALRasterBandH b1 = GDALGetRasterBand(p.ds, 1)) {
        for (int i = 0; i < GDALGetOverviewCount(b1); ++i) {
            if (GDALRasterBandH ov = GDALGetOverview(b1, i))
                info->overviews << QSize(GDALGetRasterBandXSize(ov), GDALGetRasterBandYSize(ov));
        }
        std::sort(info->overviews.begin(), info->overviews.end(),
                  [](const QSize &a, const QSize &b) { return qint64(a.width()) * a.height() > qint64(b.width()) * b.height(); });
    }

    info->metadata = metadataOf(p.ds, nullptr);
    QMap<QString, QString> dateSources = info->metadata;
    for (const char *domain : {"IMAGERY", "IMD"}) {
        const auto extra = metadataOf(p.ds, domain);
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            dateSources.insert(it.key(), it.value());
    }
    const auto band1Md = metadataOf(GDALGetRasterBand(p.ds, 1), nullptr);
    for (auto it = band1Md.cbegin(); it != band1Md.cend(); ++it)
        if (!dateSources.contains(it.key()))
            dateSources.insert(it.key(), it.value());
    info->acquisitionDate = findAcquisitionDate(dateSources, path);
    if (!info->acquisitionDate.isEmpty())
        info->metadata.insert(QStringLiteral("ACQUISITION_DATE"), info->acquisitionDate);

    p.info = std::move(info);
    p.runtime = std::move(runtime);
    p.stats = std::make_shared<StatisticsCache>();
    return self;
}

Result<std::unique_ptr<RasterDataset>> RasterDataset::reopen() const
{
    detail::ensureGdal();
    GdalErrorCapture capture;
    std::unique_ptr<RasterDataset> copy(new RasterDataset);
    copy->d->ds = openHandle(d->info->path, capture);
    if (!copy->d->ds)
        return gdalError(d->info->path, "Cannot open the file as a raster", capture);
    copy->d->info = d->info;
    copy->d->runtime = d->runtime;
    copy->d->stats = d->stats;
    return copy;
}

Result<RasterBlock> RasterDataset::read(const QRect &window, const QSize &outSize, const QVector<int> &bands,
                                        Feedback *feedback) const
{
    return d->read(window, outSize, bands, Resampling::Auto, feedback);
}

Result<RasterBlock> RasterDataset::read(const QRect &window, const QSize &outSize, const QVector<int> &bands,
                                        Resampling resampling, Feedback *feedback) const
{
    return d->read(window, outSize, bands, resampling, feedback);
}

static GDALRIOResampleAlg toGdal(Resampling r)
{
    switch (r) {
    case Resampling::Nearest: return GRIORA_NearestNeighbour;
    case Resampling::Bilinear: return GRIORA_Bilinear;
    case Resampling::Average: return GRIORA_Average;
    case Resampling::Auto: break;
    }
    return GRIORA_NearestNeighbour;
}

Result<RasterBlock> RasterDataset::Private::read(const QRect &window, const QSize &outSize,
                                                 const QVector<int> &bandList, Resampling resampling,
                                                 Feedback *feedback) const
{
    const RasterInfo &inf = *info;
    const std::string stdPath = inf.path.toStdString();
    if (!window.isValid() || window.isEmpty())
        return makeError("Invalid read window", stdPath);
    if (outSize.width() <= 0 || outSize.height() <= 0)
        return makeError("Invalid output size for a read", stdPath);
    if (bandList.isEmpty())
        return makeError("No bands requested", stdPath);
    for (int b : bandList)
        if (b < 1 || b > inf.bandCount())
            return makeError("Band " + std::to_string(b) + " does not exist (the scene has "
                                 + std::to_string(inf.bandCount()) + ")",
                             stdPath);
    const qint64 planeSize = qint64(outSize.width()) * outSize.height();
    if (planeSize * bandList.size() > kMaxOutputValues)
        return makeError("Requested block is too large", stdPath,
                         std::to_string(outSize.width()) + " x " + std::to_string(outSize.height()) + " x "
                             + std::to_string(bandList.size()));
    if (feedback && feedback->isCanceled())
        return makeError("Canceled", stdPath);

    RasterBlock block;
    block.width = outSize.width();
    block.height = outSize.height();
    block.bands = bandList;
    try {
        block.data.assign(size_t(planeSize) * size_t(bandList.size()), std::numeric_limits<float>::quiet_NaN());
        block.valid.assign(size_t(planeSize), 0);
    } catch (const std::bad_alloc &) {
        return makeError("Out of memory for a read", stdPath);
    }

    // Part of the window inside the scene, and where it lands in the output.
    const QRect inside = window.intersected(QRect(0, 0, inf.width, inf.height));
    if (inside.isEmpty())
        return block;
    const double sx = double(outSize.width()) / window.width();
    const double sy = double(outSize.height()) / window.height();
    const int dx0 = int(std::lround((inside.left() - window.left()) * sx));
    const int dx1 = int(std::lround((inside.left() + inside.width() - window.left()) * sx));
    const int dy0 = int(std::lround((inside.top() - window.top()) * sy));
    const int dy1 = int(std::lround((inside.top() + inside.height() - window.top()) * sy));
    const int dw = std::min(dx1, outSize.width()) - dx0;
    const int dh = std::min(dy1, outSize.height()) - dy0;
    if (dw <= 0 || dh <= 0)
        return block;
    // The exact source rectangle behind the (rounded) destination rectangle.
    const double srcX = window.left() + dx0 / sx, srcY = window.top() + dy0 / sy;
    const double srcW = dw / sx, srcH = dh / sy;
    const int nx0 = std::clamp(int(std::floor(srcX)), 0, inf.width - 1);
    const int ny0 = std::clamp(int(std::floor(srcY)), 0, inf.height - 1);
    const int nx1 = std::clamp(int(std::ceil(srcX + srcW)), nx0 + 1, inf.width);
    const int ny1 = std::clamp(int(std::ceil(srcY + srcH)), ny0 + 1, inf.height);

    const bool reducing = srcW > dw * 1.0001 || srcH > dh * 1.0001;
    bool anyPalette = false, anyComplex = false;
    for (int b : bandList) {
        const BandRuntime &rt = (*runtime)[size_t(b - 1)];
        anyPalette |= rt.palette;
        anyComplex |= rt.complex;
        // A block this big (e.g. a 66000 x 4096 strip) would be decoded whole for one pixel.
        const bool usesOverview = reducing && inf.bands[b - 1].overviewCount > 0;
        if (!usesOverview && rt.blockBytes > kMaxBlockBytes)
            return makeError("The file's internal blocks are too large to read", stdPath,
                             "band " + std::to_string(b) + " has " + std::to_string(rt.blockBytes / (1024 * 1024))
                                 + " MiB blocks; rewrite it tiled (gdal_translate -co TILED=YES)");
    }
    GDALRIOResampleAlg alg = toGdal(resampling);
    if (resampling == Resampling::Auto)
        alg = reducing && !anyPalette ? GRIORA_Average : GRIORA_NearestNeighbour;

    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = alg;
    extra.pfnProgress = feedback ? cancelOnlyProgress : nullptr;
    extra.pProgressData = feedback;
    extra.bFloatingPointWindowValidity = TRUE;
    extra.dfXOff = srcX;
    extra.dfYOff = srcY;
    extra.dfXSize = srcW;
    extra.dfYSize = srcH;

    GdalErrorCapture capture;
    const int nBands = int(bandList.size());
    const GSpacing pixelSpace = sizeof(float);
    const GSpacing lineSpace = GSpacing(sizeof(float)) * outSize.width();
    const GSpacing bandSpace = GSpacing(sizeof(float)) * planeSize;
    float *origin = block.data.data() + size_t(dy0) * size_t(outSize.width()) + size_t(dx0);

    CPLErr err = CE_None;
    if (!anyComplex) {
        std::vector<int> map(bandList.begin(), bandList.end());
        err = GDALDatasetRasterIOEx(ds, GF_Read, nx0, ny0, nx1 - nx0, ny1 - ny0, origin, dw, dh, GDT_Float32, nBands,
                                    map.data(), pixelSpace, lineSpace, bandSpace, &extra);
    } else {
        // Complex bands are shown as magnitude (|re + i im|), which is what SAR analysts look at.
        std::vector<float> tmp;
        for (int i = 0; i < nBands && err == CE_None; ++i) {
            GDALRasterBandH h = GDALGetRasterBand(ds, bandList[i]);
            float *dst = origin + size_t(i) * size_t(planeSize);
            if ((*runtime)[size_t(bandList[i] - 1)].complex) {
                tmp.assign(size_t(dw) * size_t(dh) * 2, 0.0f);
                err = GDALRasterIOEx(h, GF_Read, nx0, ny0, nx1 - nx0, ny1 - ny0, tmp.data(), dw, dh, GDT_CFloat32,
                                     0, 0, &extra);
                for (int y = 0; y < dh && err == CE_None; ++y)
                    for (int x = 0; x < dw; ++x) {
                        const size_t k = (size_t(y) * dw + x) * 2;
                        dst[size_t(y) * outSize.width() + x] = std::hypot(tmp[k], tmp[k + 1]);
                    }
            } else {
                err = GDALRasterIOEx(h, GF_Read, nx0, ny0, nx1 - nx0, ny1 - ny0, dst, dw, dh, GDT_Float32,
                                     pixelSpace, lineSpace, &extra);
            }
        }
    }
    if (feedback && feedback->isCanceled())
        return makeError("Canceled", stdPath);
    if (err != CE_None)
        return gdalError(inf.path, "Cannot read pixels (the file may be truncated or corrupt)", capture,
                         "RasterIO failed");

    // Valid where inside the scene, then knocked out by nodata, NaN and mask bands.
    for (int y = dy0; y < dy0 + dh; ++y)
        std::fill_n(block.valid.begin() + qsizetype(y) * outSize.width() + dx0, dw, uint8_t(1));

    const GDALRasterBandH firstBand = GDALGetRasterBand(ds, bandList.front());
    bool perDatasetMaskDone = false;
    std::vector<uint8_t> mask;
    for (int i = 0; i < nBands; ++i) {
        const int b = bandList[i];
        const BandRuntime &rt = (*runtime)[size_t(b - 1)];
        const BandInfo &bi = inf.bands[b - 1];
        float *plane = block.plane(i);
        const bool hasNoData = bi.noData.has_value();
        const bool noDataIsNan = hasNoData && std::isnan(*bi.noData);
        const float noData = hasNoData && !noDataIsNan ? float(*bi.noData) : 0.0f;
        const bool applyScale = bi.scale != 1.0 || bi.offset != 0.0;
        // Integers converted to float are never NaN: with no nodata, scale or sign fix-up there
        // is nothing to do per pixel (the common UInt16/Byte scene).
        const bool integerSource = GDALDataTypeIsInteger(rt.gdalType) && !rt.complex;
        const bool perPixelPass = !integerSource || hasNoData || applyScale || rt.signedByte;
        for (int y = dy0; perPixelPass && y < dy0 + dh; ++y) {
            float *row = plane + size_t(y) * outSize.width();
            uint8_t *vrow = block.valid.data() + size_t(y) * outSize.width();
            for (int x = dx0; x < dx0 + dw; ++x) {
                float v = row[x];
                if (rt.signedByte && v >= 128.0f)
                    v -= 256.0f;
                if (std::isnan(v) || (hasNoData && !noDataIsNan && v == noData)) {
                    vrow[x] = 0;
                } else if (applyScale) {
                    v = float(v * bi.scale + bi.offset);
                }
                row[x] = v;
            }
        }
        if (!bi.hasMask)
            continue;
        const bool perDataset = rt.maskFlags & GMF_PER_DATASET;
        if (perDataset && perDatasetMaskDone)
            continue;
        GDALRasterBandH maskBand = GDALGetMaskBand(perDataset ? firstBand : GDALGetRasterBand(ds, b));
        if (!maskBand)
            continue;
        mask.assign(size_t(dw) * size_t(dh), 255);
        GDALRasterIOExtraArg maskExtra = extra;
        maskExtra.eResampleAlg = GRIORA_NearestNeighbour;
        if (GDALRasterIOEx(maskBand, GF_Read, nx0, ny0, nx1 - nx0, ny1 - ny0, mask.data(), dw, dh, GDT_Byte, 0, 0,
                           &maskExtra)
            != CE_None)
            return gdalError(inf.path, "Cannot read the mask band (the file may be truncated or corrupt)", capture);
        for (int y = 0; y < dh; ++y)
            for (int x = 0; x < dw; ++x)
                if (mask[size_t(y) * dw + x] == 0)
                    block.valid[size_t(y + dy0) * outSize.width() + size_t(x + dx0)] = 0;
        perDatasetMaskDone |= perDataset;
    }
    return block;
}

double BandStatistics::percentile(double percent) const
{
    if (histogram.empty() || validCount <= 0 || !(max > min))
        return min;
    percent = std::clamp(percent, 0.0, 100.0);
    double total = 0.0;
    for (double h : histogram)
        total += h;
    if (total <= 0.0)
        return min;
    const double target = percent / 100.0 * total;
    const double binWidth = (max - min) / double(histogram.size());
    double cumulative = 0.0;
    for (size_t i = 0; i < histogram.size(); ++i) {
        const double h = histogram[i];
        if (h > 0.0 && cumulative + h >= target) {
            const double fraction = std::clamp((target - cumulative) / h, 0.0, 1.0);
            return min + (double(i) + fraction) * binWidth;
        }
        cumulative += h;
    }
    return max;
}

Result<BandStatistics> RasterDataset::statistics(int band) const
{
    const RasterInfo &inf = *d->info;
    if (band < 1 || band > inf.bandCount())
        return makeError("Band " + std::to_string(band) + " does not exist", inf.path.toStdString());
    {
        std::lock_guard lock(d->stats->mutex);
        auto it = d->stats->byBand.find(band);
        if (it != d->stats->byBand.end())
            return it->second;
    }
    // A nearest-neighbour read of ~kStatisticsPixels: GDAL serves it from the matching overview
    // when there is one and otherwise decimates, so the cost is bounded for any scene size. Scaled
    // by area, not by the longest side, so a long strip still gets a sample of that size.
    const qint64 pixels = qint64(inf.width) * inf.height;
    QSize out(inf.width, inf.height);
    if (pixels > kStatisticsPixels) {
        const double s = std::sqrt(double(kStatisticsPixels) / double(pixels));
        out = QSize(std::clamp(int(std::lround(inf.width * s)), 1, inf.width),
                    std::clamp(int(std::lround(inf.height * s)), 1, inf.height));
    }
    auto block = d->read(QRect(0, 0, inf.width, inf.height), out, {band}, Resampling::Nearest, nullptr);
    if (!block)
        return block.error();

    BandStatistics st;
    st.histogram.assign(BandStatistics::kBins, 0.0);
    const float *v = block->plane(0);
    const size_t n = size_t(block->width) * size_t(block->height);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0, sum2 = 0.0;
    qint64 count = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!block->valid[i] || !std::isfinite(v[i]))
            continue;
        const double x = v[i];
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        sum += x;
        sum2 += x * x;
        ++count;
    }
    st.validCount = count;
    if (count > 0) {
        st.min = lo;
        st.max = hi;
        st.mean = sum / double(count);
        st.stdDev = std::sqrt(std::max(0.0, sum2 / double(count) - st.mean * st.mean));
        const double range = hi - lo;
        for (size_t i = 0; i < n; ++i) {
            if (!block->valid[i] || !std::isfinite(v[i]))
                continue;
            int bin = range > 0.0 ? int((double(v[i]) - lo) / range * BandStatistics::kBins) : 0;
            bin = std::clamp(bin, 0, BandStatistics::kBins - 1);
            st.histogram[size_t(bin)] += 1.0;
        }
    }
    std::lock_guard lock(d->stats->mutex);
    d->stats->byBand[band] = st;
    return st;
}

bool RasterDataset::needsOverviews() const
{
    const RasterInfo &inf = *d->info;
    return std::max(inf.width, inf.height) > 4096 && !inf.bands.isEmpty() && inf.bands.front().overviewCount == 0;
}

void registerGdalDrivers() { detail::ensureGdal(); }

Result<RasterInfo> inspectRaster(const QString &path)
{
    auto ds = RasterDataset::open(path);
    if (!ds)
        return ds.error();
    return ds.value()->info();
}

} // namespace satgpt
