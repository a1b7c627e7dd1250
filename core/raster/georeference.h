// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/raster/rastertypes.h"

#include <QPointF>
#include <QPolygonF>
#include <QSizeF>
#include <QString>

#include <memory>

namespace satgpt {

/// Coordinates of one scene: pixel <-> map (the scene's CRS) <-> WGS84 longitude/latitude, the
/// ground size of a pixel and the footprint. Wraps OGR coordinate transformations (pimpl) set to
/// OAMS_TRADITIONAL_GIS_ORDER, so every QPointF in lon/lat is (x = longitude, y = latitude)
/// whatever the CRS's axis order says. Pixel coordinates are corner based, as in GeoTransform.
///
/// Not thread-safe: OGR transformations keep per-object PROJ state. Build one per thread with
/// fromInfo() (a few milliseconds); RasterInfo is a cheap value to hand to each thread.
/// Move-only.
class Georeference final
{
public:
    /// Succeeds for any scene; a scene without CRS still maps pixels to map units (or to pixels
    /// when it has no geotransform either), and the lon/lat calls then return an Error.
    static Result<Georeference> fromInfo(const RasterInfo &info);

    Georeference(Georeference &&) noexcept;
    Georeference &operator=(Georeference &&) noexcept;
    ~Georeference();
    Georeference(const Georeference &) = delete;
    Georeference &operator=(const Georeference &) = delete;

    bool hasGeoTransform() const;
    /// True when the CRS is known and converts to WGS84.
    bool hasLonLat() const;
    bool isGeographic() const;
    int epsg() const;        ///< 0 when unknown
    QString crsName() const; ///< empty without CRS

    QPointF pixelToMap(QPointF pixel) const;
    std::optional<QPointF> mapToPixel(QPointF map) const;
    Result<QPointF> mapToLonLat(QPointF map) const;
    Result<QPointF> lonLatToMap(QPointF lonLat) const;
    Result<QPointF> pixelToLonLat(QPointF pixel) const;
    Result<QPointF> lonLatToPixel(QPointF lonLat) const;

    /// Ground width and height of the pixel at `pixel` in metres, measured in the local UTM zone
    /// (scale error under 0.1 %), so it is right for geographic CRSs and for Web Mercator alike.
    Result<QSizeF> groundPixelSize(QPointF pixel) const;
    /// groundPixelSize() at the scene centre.
    Result<QSizeF> groundPixelSize() const;

    /// The scene outline in lon/lat, closed (last point = first), `pointsPerEdge` samples per
    /// side so curved edges of projected scenes stay curved.
    Result<QPolygonF> footprintLonLat(int pointsPerEdge = 8) const;

private:
    Georeference();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace satgpt
