// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Writing explanation heatmaps where GIS tools can use them: a Float32 GeoTIFF lying exactly
// over the scene region the model looked at, and a colour-mapped PNG.

#include "core/base/result.h"
#include "core/ml/explain.h"
#include "core/raster/rastertypes.h"
#include "core/raster/rendering.h"

#include <QImage>
#include <QMap>
#include <QRect>
#include <QSize>
#include <QString>

namespace satgpt {

/// How a heatmap becomes colours: values in [low, high] map to the colour map; values below
/// `threshold` (in the same units) are transparent; `opacity` scales every alpha.
struct HeatmapStyle
{
    ColorMap colorMap = ColorMap::Viridis;
    double low = 0.0;
    double high = 1.0;
    double threshold = 0.0;
    double opacity = 1.0;
};

/// The geotransform of a `mapSize` grid covering `region` (scene pixels) of a scene whose
/// transform is `scene`: the scene transform moved to the region's top-left corner and scaled
/// by region size / map size, so map pixel (i, j) covers the scene pixels it was computed from.
GeoTransform regionGeoTransform(const GeoTransform &scene, const QRect &region, const QSize &mapSize);

/// Colours `map` with `style` into an ARGB32 image of the map's size (one pixel per value).
/// Pure function: safe on any thread.
QImage renderHeatmap(const ml::HeatMap &map, const HeatmapStyle &style);

/// Writes `map` as a one-band Float32 GeoTIFF over `region` of `scene` (same CRS; see
/// regionGeoTransform). A scene without georeferencing gives a file in scene pixel
/// coordinates and no CRS. `metadata` goes to the dataset's default domain (method, question,
/// answer...). Written to a temporary file and renamed, so a failed write leaves `path` alone.
Status writeHeatmapGeoTiff(const QString &path, const ml::HeatMap &map, const RasterInfo &scene, const QRect &region,
                           const QMap<QString, QString> &metadata = {});

/// Writes the colour-mapped map as PNG (atomically), scaled to `size` when given (smooth).
Status writeHeatmapPng(const QString &path, const ml::HeatMap &map, const HeatmapStyle &style, const QSize &size = {});

/// "viridis", "inferno", "jet" (also "gray", "terrain"); nullopt for anything else.
std::optional<ColorMap> colorMapFromName(const QString &name);

} // namespace satgpt
