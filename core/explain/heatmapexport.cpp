// SPDX-License-Identifier: GPL-3.0-or-later
#include "heatmapexport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUuid>

#include <cpl_error.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

namespace satgpt {

GeoTransform regionGeoTransform(const GeoTransform &scene, const QRect &region, const QSize &mapSize)
{
    const auto &c = scene.c;
    const double sx = mapSize.width() > 0 ? double(region.width()) / mapSize.width() : 1.0;
    const double sy = mapSize.height() > 0 ? double(region.height()) / mapSize.height() : 1.0;
    const QPointF origin = scene.pixelToMap(QPointF(region.x(), region.y()));
    GeoTransform g;
    g.c = {origin.x(), c[1] * sx, c[2] * sy, origin.y(), c[4] * sx, c[5] * sy};
    return g;
}

QImage renderHeatmap(const ml::HeatMap &map, const HeatmapStyle &style)
{
    if (map.isEmpty())
        return {};
    QImage image(map.width, map.height, QImage::Format_ARGB32);
    const double span = style.high - style.low;
    const int alpha = int(std::lround(std::clamp(style.opacity, 0.0, 1.0) * 255.0));
    // A 256-entry table: colouring a 224x224 map per frame stays cheap for the overlay.
    QRgb table[256];
    for (int i = 0; i < 256; ++i) {
        const QRgb c = colorMapValue(style.colorMap, i / 255.0);
        table[i] = qRgba(qRed(c), qGreen(c), qBlue(c), alpha);
    }
    for (int y = 0; y < map.height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < map.width; ++x) {
            const float v = map.at(x, y);
            if (!std::isfinite(v) || v < style.threshold || alpha == 0) {
                line[x] = qRgba(0, 0, 0, 0);
                continue;
            }
            const double t = span > 0 ? (v - style.low) / span : 1.0;
            line[x] = table[std::clamp(int(std::lround(t * 255.0)), 0, 255)];
        }
    }
    return image;
}

namespace {

struct DatasetCloser
{
    void operator()(GDALDataset *ds) const { GDALClose(GDALDataset::ToHandle(ds)); }
};

/// Silences GDAL's stderr printing on this thread and keeps the last failure message.
class ErrorCapture final
{
public:
    ErrorCapture()
    {
        CPLPushErrorHandlerEx(&ErrorCapture::handler, this);
    }
    ~ErrorCapture() { CPLPopErrorHandler(); }
    ErrorCapture(const ErrorCapture &) = delete;
    ErrorCapture &operator=(const ErrorCapture &) = delete;

    bool hasErrors() const { return !m_detail.empty(); }
    std::string detail() const { return m_detail.empty() ? std::string(CPLGetLastErrorMsg()) : m_detail; }

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char *msg)
    {
        if (cls < CE_Failure)
            return;
        auto *self = static_cast<ErrorCapture *>(CPLGetErrorHandlerUserData());
        if (!self->m_detail.empty())
            self->m_detail += "; ";
        self->m_detail += msg ? msg : "";
    }
    std::string m_detail;
};

} // namespace

Status writeHeatmapGeoTiff(const QString &path, const ml::HeatMap &map, const RasterInfo &scene, const QRect &region,
                           const QMap<QString, QString> &metadata)
{
    const std::string where = path.toStdString();
    if (map.isEmpty() || map.values.size() != size_t(map.width) * size_t(map.height))
        return makeError("The heatmap is empty", where);
    if (region.isEmpty())
        return makeError("The heatmap region is empty", where);
    if (GDALGetDriverCount() == 0)
        GDALAllRegister();
    ErrorCapture errors;
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver)
        return makeError("The GeoTIFF driver is not available", where);

    // GDAL cannot write through QSaveFile: write a sibling file, then rename over the target.
    const QFileInfo target(path);
    const QString tmp = target.absoluteDir().filePath(QStringLiteral(".%1.%2.tmp.tif")
                                                          .arg(target.fileName(),
                                                               QUuid::createUuid().toString(QUuid::Id128).left(8)));
    char **options = nullptr;
    options = CSLSetNameValue(options, "COMPRESS", "DEFLATE");
    options = CSLSetNameValue(options, "PREDICTOR", "3");
    std::unique_ptr<GDALDataset, DatasetCloser> ds(
        driver->Create(tmp.toStdString().c_str(), map.width, map.height, 1, GDT_Float32, options));
    CSLDestroy(options);
    if (!ds)
        return makeError("Could not create the GeoTIFF", where, errors.detail());

    const GeoTransform scenePixels = scene.hasGeoTransform ? scene.geoTransform : GeoTransform{};
    GeoTransform g = regionGeoTransform(scenePixels, region, QSize(map.width, map.height));
    bool ok = ds->SetGeoTransform(g.c.data()) == CE_None;
    if (ok && scene.hasGeoTransform && !scene.crsWkt.isEmpty())
        ok = ds->SetProjection(scene.crsWkt.toStdString().c_str()) == CE_None;
    GDALRasterBand *band = ds->GetRasterBand(1);
    band->SetDescription("heatmap");
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        ds->SetMetadataItem(it.key().toStdString().c_str(), it.value().toStdString().c_str());
    ds->SetMetadataItem("SATGPT_REGION", QStringLiteral("%1,%2,%3,%4")
                                              .arg(region.x()).arg(region.y()).arg(region.width()).arg(region.height())
                                              .toStdString().c_str());
    if (ok)
        ok = band->RasterIO(GF_Write, 0, 0, map.width, map.height, const_cast<float *>(map.values.data()), map.width,
                            map.height, GDT_Float32, 0, 0) == CE_None;
    // Write errors surface at flush/close time through the error handler.
    ds.reset();
    if (!ok || errors.hasErrors()) {
        QFile::remove(tmp);
        return makeError("Could not write the GeoTIFF", where, errors.detail());
    }
    if (std::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(path).constData()) != 0) {
        QFile::remove(tmp);
        return makeError("Could not replace the file", where, std::strerror(errno));
    }
    return {};
}

Status writeHeatmapPng(const QString &path, const ml::HeatMap &map, const HeatmapStyle &style, const QSize &size)
{
    const std::string where = path.toStdString();
    QImage image = renderHeatmap(map, style);
    if (image.isNull())
        return makeError("The heatmap is empty", where);
    if (size.isValid() && size != image.size())
        image = image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError("Could not open the file for writing", where, file.errorString().toStdString());
    if (!image.save(&file, "PNG"))
        return makeError("Could not encode the PNG", where);
    if (!file.commit())
        return makeError("Could not write the PNG", where, file.errorString().toStdString());
    return {};
}

std::optional<ColorMap> colorMapFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("viridis"))
        return ColorMap::Viridis;
    if (n == QLatin1String("inferno"))
        return ColorMap::Inferno;
    if (n == QLatin1String("jet"))
        return ColorMap::Jet;
    if (n == QLatin1String("gray") || n == QLatin1String("grey"))
        return ColorMap::Gray;
    if (n == QLatin1String("terrain"))
        return ColorMap::Terrain;
    return std::nullopt;
}

} // namespace satgpt
