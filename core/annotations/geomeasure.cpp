// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/geomeasure.h"

#include <ogr_spatialref.h>

#include <cmath>

namespace satgpt {

struct GeoMeasure::Private
{
    GeoTransform gt;
    QString wkt;
    OGRSpatialReference srs;
    OGRSpatialReference wgs84;
    std::unique_ptr<OGRCoordinateTransformation> toWgs84;
    bool hasCrs = false;
};

GeoMeasure::GeoMeasure(const GeoTransform &transform, const QString &crsWkt) : d(std::make_unique<Private>())
{
    d->gt = transform;
    d->wkt = crsWkt;
    if (!crsWkt.isEmpty() && d->srs.importFromWkt(crsWkt.toUtf8().constData()) == OGRERR_NONE) {
        d->srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        d->wgs84.importFromEPSG(4326);
        d->wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        d->toWgs84.reset(OGRCreateCoordinateTransformation(&d->srs, &d->wgs84));
        d->hasCrs = d->toWgs84 != nullptr;
    }
}

GeoMeasure::~GeoMeasure() = default;

const GeoTransform &GeoMeasure::geoTransform() const { return d->gt; }
QString GeoMeasure::crsWkt() const { return d->wkt; }
bool GeoMeasure::hasCrs() const { return d->hasCrs; }

QPointF GeoMeasure::pixelToMap(QPointF p) const
{
    const auto &c = d->gt.c;
    return {c[0] + p.x() * c[1] + p.y() * c[2], c[3] + p.x() * c[4] + p.y() * c[5]};
}

std::optional<QPointF> GeoMeasure::mapToPixel(QPointF m) const
{
    const auto &c = d->gt.c;
    const double det = c[1] * c[5] - c[2] * c[4];
    if (std::abs(det) < 1e-300)
        return std::nullopt;
    const double dx = m.x() - c[0], dy = m.y() - c[3];
    return QPointF((c[5] * dx - c[2] * dy) / det, (-c[4] * dx + c[1] * dy) / det);
}

std::optional<QPointF> GeoMeasure::pixelToLonLat(QPointF pixel) const
{
    if (!d->hasCrs)
        return std::nullopt;
    const QPointF m = pixelToMap(pixel);
    double x = m.x(), y = m.y();
    if (!d->toWgs84->Transform(1, &x, &y))
        return std::nullopt;
    return QPointF(x, y);
}

static double shoelace(const std::vector<double> &x, const std::vector<double> &y)
{
    double a = 0.0;
    const size_t n = x.size();
    for (size_t i = 0; i < n; ++i) {
        const size_t j = (i + 1) % n;
        a += x[i] * y[j] - x[j] * y[i];
    }
    return std::abs(a) / 2.0;
}

std::optional<double> GeoMeasure::areaSquareMeters(const QPolygonF &pixels) const
{
    if (!d->hasCrs)
        return std::nullopt;
    if (pixels.size() < 3)
        return 0.0;
    std::vector<double> x, y;
    for (const QPointF &p : pixels) {
        const QPointF m = pixelToMap(p);
        x.push_back(m.x());
        y.push_back(m.y());
    }
    if (d->srs.IsProjected()) {
        const double unit = d->srs.GetLinearUnits();
        return shoelace(x, y) * unit * unit;
    }
    if (!d->srs.IsGeographic())
        return std::nullopt;
    // Geographic: to lon/lat on the scene's datum, then an equal-area plane centred on the ring.
    OGRSpatialReference geog;
    geog.CopyGeogCSFrom(&d->srs);
    geog.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> toGeog(OGRCreateCoordinateTransformation(&d->srs, &geog));
    if (!toGeog || !toGeog->Transform(int(x.size()), x.data(), y.data()))
        return std::nullopt;
    double lon0 = 0, lat0 = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        lon0 += x[i];
        lat0 += y[i];
    }
    lon0 /= double(x.size());
    lat0 /= double(y.size());
    OGRSpatialReference laea;
    laea.CopyGeogCSFrom(&d->srs);
    laea.SetLAEA(lat0, lon0, 0.0, 0.0);
    laea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> toLaea(OGRCreateCoordinateTransformation(&geog, &laea));
    if (!toLaea || !toLaea->Transform(int(x.size()), x.data(), y.data()))
        return std::nullopt;
    return shoelace(x, y) * laea.GetLinearUnits() * laea.GetLinearUnits();
}

} // namespace satgpt
