// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Value types describing a raster scene. No GDAL types leak out of core/raster.

#include <QMap>
#include <QPointF>
#include <QRgb>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QVector>

#include <array>
#include <optional>

namespace satgpt {

enum class PixelType { Unknown, Byte, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float32, Float64, CInt16, CInt32, CFloat32, CFloat64 };

QString pixelTypeName(PixelType type);

/// Affine pixel -> map transform in GDAL's order: x = c[0] + px*c[1] + py*c[2], y = c[3] + px*c[4] + py*c[5].
/// (px, py) are pixel-corner coordinates: (0,0) is the top-left corner of the top-left pixel.
struct GeoTransform
{
    std::array<double, 6> c{0.0, 1.0, 0.0, 0.0, 0.0, 1.0};

    QPointF pixelToMap(QPointF pixel) const;
    /// Inverse; returns nullopt when the transform is singular.
    std::optional<QPointF> mapToPixel(QPointF map) const;
    bool isIdentity() const;
    bool operator==(const GeoTransform &o) const { return c == o.c; }
};

struct BandInfo
{
    int index = 1; ///< 1-based, as GDAL numbers bands
    PixelType type = PixelType::Unknown;
    std::optional<double> noData;
    double scale = 1.0;
    double offset = 0.0;
    QString colorInterpretation; ///< "Red", "Green", "Blue", "Gray", "Alpha", "Undefined", ...
    QString description;
    QString unit;
    int overviewCount = 0;
    QVector<QRgb> colorTable; ///< non-empty for palette bands: entry i is the colour of value i
    bool hasMask = false;     ///< a mask band or alpha band (not just nodata) marks invalid pixels
};

/// Everything `satgpt info` and the layer panel show about a scene; cheap to copy.
struct RasterInfo
{
    QString path;
    QString driver;     ///< GDAL short name, e.g. "GTiff"
    QString driverLong;
    int width = 0;
    int height = 0;
    QVector<BandInfo> bands;
    bool hasGeoTransform = false;
    GeoTransform geoTransform;
    QString crsWkt;     ///< empty when the scene has no CRS
    QString crsName;
    int epsg = 0;       ///< 0 when unknown
    bool hasGcps = false;
    QVector<QSize> overviews; ///< sizes of band 1's overviews, largest first
    QMap<QString, QString> metadata; ///< default-domain metadata plus acquisition date when known
    QString acquisitionDate; ///< ISO date when the metadata has one

    int bandCount() const { return int(bands.size()); }
    /// Ground size of one pixel in map units (absolute values); (1,1) without georeferencing.
    QSizeF pixelSize() const;
    /// Scene bounds in map units (pixel bounds without georeferencing).
    QRectF mapBounds() const;
};

/// Pixels of a window, resampled to a given size, as float per band (band-major, row-major),
/// with scale/offset applied. `valid` is 0 where a pixel is nodata or masked out.
struct RasterBlock
{
    int width = 0;
    int height = 0;
    QVector<int> bands; ///< 1-based band numbers, in the order of `data` planes
    std::vector<float> data;
    std::vector<uint8_t> valid;

    const float *plane(int i) const { return data.data() + size_t(i) * size_t(width) * size_t(height); }
    float *plane(int i) { return data.data() + size_t(i) * size_t(width) * size_t(height); }
};

} // namespace satgpt
