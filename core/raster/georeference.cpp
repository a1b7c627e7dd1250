// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/georeference.h"

#include "core/raster/gdalsupport.h"

#include <ogr_srs_api.h>

#include <cmath>

namespace satgpt {

namespace {

OGRSpatialReferenceH makeSrs()
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

struct SrsDeleter
{
    void operator()(OGRSpatialReferenceH h) const
    {
        if (h)
            OSRDestroySpatialReference(h);
    }
};
struct CtDeleter
{
    void operator()(OGRCoordinateTransformationH h) const
    {
        if (h)
            OCTDestroyCoordinateTransformation(h);
    }
};
using SrsPtr = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsDeleter>;
using CtPtr = std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, CtDeleter>;

} // namespace

struct Georeference::Private
{
    RasterInfo info; // geometry only (bands and metadata are cleared)
    SrsPtr srs;
    SrsPtr wgs84;
    CtPtr toWgs;
    CtPtr fromWgs;
    std::string ctError;
    bool geographic = false;

    Result<QPointF> transform(OGRCoordinateTransformationH ct, QPointF p) const
    {
        if (!ct) {
            if (!srs)
                return makeError("The scene has no coordinate reference system", info.path.toStdString());
            return makeError("Cannot convert the scene's CRS to WGS84", info.path.toStdString(), ctError);
        }
        double x = p.x(), y = p.y();
        int ok = 0;
        detail::GdalErrorCapture capture;
        if (!OCTTransformEx(ct, 1, &x, &y, nullptr, &ok) || !ok || !std::isfinite(x) || !std::isfinite(y))
            return makeError("Coordinate transformation failed", info.path.toStdString(), capture.detail());
        return QPointF(x, y);
    }
};

Georeference::Georeference() : d(std::make_unique<Private>()) {}
Georeference::Georeference(Georeference &&) noexcept = default;
Georeference &Georeference::operator=(Georeference &&) noexcept = default;
Georeference::~Georeference() = default;

Result<Georeference> Georeference::fromInfo(const RasterInfo &info)
{
    detail::ensureGdal();
    Georeference g;
    g.d->info = info;
    g.d->info.bands.clear();
    g.d->info.metadata.clear();
    if (info.crsWkt.isEmpty())
        return g;
    detail::GdalErrorCapture capture;
    SrsPtr srs(makeSrs());
    const QByteArray wkt = info.crsWkt.toUtf8();
    if (OSRSetFromUserInput(srs.get(), wkt.constData()) != OGRERR_NONE)
        return makeError("Cannot parse the scene's CRS", info.path.toStdString(), capture.detail());
    g.d->geographic = OSRIsGeographic(srs.get());
    SrsPtr wgs(makeSrs());
    OSRImportFromEPSG(wgs.get(), 4326);
    OSRSetAxisMappingStrategy(wgs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    g.d->toWgs.reset(OCTNewCoordinateTransformation(srs.get(), wgs.get()));
    g.d->fromWgs.reset(OCTNewCoordinateTransformation(wgs.get(), srs.get()));
    if (!g.d->toWgs || !g.d->fromWgs) {
        // Some CRSs (e.g. odd custom projections) have no inverse; keep pixel <-> map working.
        g.d->ctError = capture.detail();
        g.d->toWgs.reset();
        g.d->fromWgs.reset();
    }
    g.d->srs = std::move(srs);
    g.d->wgs84 = std::move(wgs);
    return g;
}

bool Georeference::hasGeoTransform() const { return d->info.hasGeoTransform; }
bool Georeference::hasLonLat() const { return d->toWgs && d->fromWgs && d->info.hasGeoTransform; }
bool Georeference::isGeographic() const { return d->geographic; }
int Georeference::epsg() const { return d->info.epsg; }
QString Georeference::crsName() const { return d->info.crsName; }

QPointF Georeference::pixelToMap(QPointF pixel) const
{
    return d->info.hasGeoTransform ? d->info.geoTransform.pixelToMap(pixel) : pixel;
}

std::optional<QPointF> Georeference::mapToPixel(QPointF map) const
{
    return d->info.hasGeoTransform ? d->info.geoTransform.mapToPixel(map) : std::optional<QPointF>(map);
}

Result<QPointF> Georeference::mapToLonLat(QPointF map) const { return d->transform(d->toWgs.get(), map); }
Result<QPointF> Georeference::lonLatToMap(QPointF lonLat) const { return d->transform(d->fromWgs.get(), lonLat); }

Result<QPointF> Georeference::pixelToLonLat(QPointF pixel) const
{
    if (!d->info.hasGeoTransform)
        return makeError("The scene has no geotransform", d->info.path.toStdString());
    return mapToLonLat(pixelToMap(pixel));
}

Result<QPointF> Georeference::lonLatToPixel(QPointF lonLat) const
{
    if (!d->info.hasGeoTransform)
        return makeError("The scene has no geotransform", d->info.path.toStdString());
    auto map = lonLatToMap(lonLat);
    if (!map)
        return map.error();
    auto pixel = mapToPixel(map.value());
    if (!pixel)
        return makeError("The scene's geotransform is not invertible", d->info.path.toStdString());
    return *pixel;
}

Result<QSizeF> Georeference::groundPixelSize(QPointF pixel) const
{
    auto centre = pixelToLonLat(pixel);
    auto right = pixelToLonLat(pixel + QPointF(1, 0));
    auto down = pixelToLonLat(pixel + QPointF(0, 1));
    for (const auto *r : {&centre, &right, &down})
        if (!r->ok())
            return r->error();
    const double lon = centre->x(), lat = centre->y();
    if (std::abs(lat) > 90.0 || std::abs(lon) > 540.0)
        return makeError("Cannot measure pixel size: the CRS gives impossible coordinates", d->info.path.toStdString());
    detail::GdalErrorCapture capture;
    const int zone = std::clamp(int(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
    SrsPtr utm(makeSrs());
    OSRImportFromEPSG(utm.get(), (lat >= 0 ? 32600 : 32700) + zone);
    OSRSetAxisMappingStrategy(utm.get(), OAMS_TRADITIONAL_GIS_ORDER);
    CtPtr ct(OCTNewCoordinateTransformation(d->wgs84.get(), utm.get()));
    if (!ct)
        return makeError("Cannot measure pixel size (no UTM transformation)", d->info.path.toStdString());
    double xs[3] = {centre->x(), right->x(), down->x()};
    double ys[3] = {centre->y(), right->y(), down->y()};
    int ok[3] = {0, 0, 0};
    if (!OCTTransformEx(ct.get(), 3, xs, ys, nullptr, ok) || !ok[0] || !ok[1] || !ok[2])
        return makeError("Cannot measure pixel size (transformation failed)", d->info.path.toStdString(),
                         capture.detail());
    return QSizeF(std::hypot(xs[1] - xs[0], ys[1] - ys[0]), std::hypot(xs[2] - xs[0], ys[2] - ys[0]));
}

Result<QSizeF> Georeference::groundPixelSize() const
{
    // Centre pixel's top-left corner, so a 1x1 scene still measures its only pixel.
    return groundPixelSize(QPointF(std::floor(d->info.width / 2.0), std::floor(d->info.height / 2.0)));
}

Result<QPolygonF> Georeference::footprintLonLat(int pointsPerEdge) const
{
    pointsPerEdge = std::max(1, pointsPerEdge);
    const double w = d->info.width, h = d->info.height;
    QPolygonF pixels;
    for (int i = 0; i < pointsPerEdge; ++i)
        pixels << QPointF(w * i / pointsPerEdge, 0);
    for (int i = 0; i < pointsPerEdge; ++i)
        pixels << QPointF(w, h * i / pointsPerEdge);
    for (int i = 0; i < pointsPerEdge; ++i)
        pixels << QPointF(w - w * i / pointsPerEdge, h);
    for (int i = 0; i < pointsPerEdge; ++i)
        pixels << QPointF(0, h - h * i / pointsPerEdge);
    QPolygonF out;
    for (const QPointF &p : pixels) {
        auto ll = pixelToLonLat(p);
        if (!ll)
            return ll.error();
        out << ll.value();
    }
    out << out.front();
    return out;
}

} // namespace satgpt
