// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/rastertypes.h"

#include <QPolygonF>
#include <QString>

#include <memory>
#include <optional>

namespace satgpt {

/// Turns pixel geometry of one scene into ground measures: map coordinates, lon/lat (EPSG:4326)
/// and areas in m². Projected CRSs use planar area in the CRS's linear unit; geographic CRSs
/// project each polygon onto an ellipsoidal Lambert azimuthal equal-area plane centred on it
/// (OGR/PROJ), which preserves area on the scene's own ellipsoid. Holds OGR state (pimpl);
/// not thread-safe, create one per thread. Cheap to share read-only on the GUI thread.
class GeoMeasure final
{
public:
    /// `crsWkt` may be empty (then only map coordinates are available).
    GeoMeasure(const GeoTransform &transform, const QString &crsWkt);
    ~GeoMeasure();
    GeoMeasure(const GeoMeasure &) = delete;
    GeoMeasure &operator=(const GeoMeasure &) = delete;

    const GeoTransform &geoTransform() const;
    QString crsWkt() const;
    bool hasCrs() const;

    QPointF pixelToMap(QPointF pixel) const;
    std::optional<QPointF> mapToPixel(QPointF map) const;
    /// (longitude, latitude) in degrees; nullopt without a CRS.
    std::optional<QPointF> pixelToLonLat(QPointF pixel) const;
    /// Area of a pixel ring in m²; nullopt without a CRS.
    std::optional<double> areaSquareMeters(const QPolygonF &pixels) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace satgpt
