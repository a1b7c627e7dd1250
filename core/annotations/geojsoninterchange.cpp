// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/geojsoninterchange.h"

#include "core/annotations/geomeasure.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <optional>

namespace satgpt {

namespace {

/// Keeps GDAL's own messages out of stderr while we turn them into Errors.
struct QuietErrors
{
    QuietErrors()
    {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
    }
    ~QuietErrors() { CPLPopErrorHandler(); }
};

QString lastGdalError()
{
    const char *msg = CPLGetLastErrorMsg();
    return msg && *msg ? QString::fromUtf8(msg) : QString();
}

Error err(const QString &path, const QString &message, const QString &detail = QString())
{
    return makeError(message.toStdString(), path.toStdString(), detail.toStdString());
}

QString qaToJson(const QVector<QaPair> &qa)
{
    QJsonArray a;
    for (const QaPair &p : qa)
        a.append(QJsonObject{{QStringLiteral("question"), p.question}, {QStringLiteral("answer"), p.answer},
                             {QStringLiteral("type"), p.type}});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

} // namespace

Status GeoJsonInterchange::exportFile(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                      const GeoMeasure &scene, const QString &path, bool wgs84)
{
    QuietErrors quiet;
    if (wgs84 && !scene.hasCrs())
        return err(path, QStringLiteral("Cannot export in EPSG:4326: the scene has no coordinate reference system"));
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
    if (!driver)
        return err(path, QStringLiteral("GDAL was built without the GeoJSON driver"));
    QFile::remove(path);
    std::unique_ptr<GDALDataset> ds(driver->Create(path.toUtf8().constData(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds)
        return err(path, QStringLiteral("Cannot create the GeoJSON file"), lastGdalError());

    OGRSpatialReference sceneSrs, outSrs;
    std::unique_ptr<OGRCoordinateTransformation> toOut;
    const OGRSpatialReference *layerSrs = nullptr;
    if (scene.hasCrs()) {
        sceneSrs.importFromWkt(scene.crsWkt().toUtf8().constData());
        sceneSrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        layerSrs = &sceneSrs;
    }
    char **layerOptions = nullptr;
    if (wgs84) {
        outSrs.importFromEPSG(4326);
        outSrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        toOut.reset(OGRCreateCoordinateTransformation(&sceneSrs, &outSrs));
        if (!toOut)
            return err(path, QStringLiteral("Cannot transform the scene CRS to EPSG:4326"), lastGdalError());
        layerSrs = &outSrs;
        layerOptions = CSLSetNameValue(layerOptions, "RFC7946", "YES");
        layerOptions = CSLSetNameValue(layerOptions, "COORDINATE_PRECISION", "9");
    }
    OGRLayer *layer = ds->CreateLayer("annotations", const_cast<OGRSpatialReference *>(layerSrs), wkbUnknown, layerOptions);
    CSLDestroy(layerOptions);
    if (!layer)
        return err(path, QStringLiteral("Cannot create the GeoJSON layer"), lastGdalError());

    auto addField = [&](const char *name, OGRFieldType type, OGRFieldSubType sub = OFSTNone) {
        OGRFieldDefn f(name, type);
        f.SetSubType(sub);
        return layer->CreateField(&f) == OGRERR_NONE;
    };
    if (!addField("id", OFTInteger64) || !addField("class", OFTString) || !addField("class_id", OFTInteger)
        || !addField("shape", OFTString) || !addField("caption", OFTString) || !addField("qa", OFTString, OFSTJSON)
        || !addField("attributes", OFTString, OFSTJSON) || !addField("scene", OFTString))
        return err(path, QStringLiteral("Cannot create the GeoJSON attribute fields"), lastGdalError());

    for (const Annotation &a : annotations) {
        std::vector<double> xs, ys;
        for (const QPointF &p : a.geometry) {
            const QPointF m = scene.pixelToMap(p);
            xs.push_back(m.x());
            ys.push_back(m.y());
        }
        if (toOut && !xs.empty() && !toOut->Transform(int(xs.size()), xs.data(), ys.data()))
            return err(path, QStringLiteral("Cannot transform annotation %1 to EPSG:4326").arg(a.id), lastGdalError());
        std::unique_ptr<OGRGeometry> geom;
        if (a.isPoint()) {
            if (xs.empty())
                continue;
            geom = std::make_unique<OGRPoint>(xs[0], ys[0]);
        } else {
            auto ring = std::make_unique<OGRLinearRing>();
            for (size_t i = 0; i < xs.size(); ++i)
                ring->addPoint(xs[i], ys[i]);
            ring->closeRings();
            auto poly = std::make_unique<OGRPolygon>();
            poly->addRingDirectly(ring.release());
            geom = std::move(poly);
        }
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("id", static_cast<GIntBig>(a.id));
        feature.SetField("class", schema.nameOf(a.classId).toUtf8().constData());
        feature.SetField("class_id", a.classId);
        feature.SetField("shape", annotationShapeName(a.shape).toUtf8().constData());
        feature.SetField("caption", a.caption.toUtf8().constData());
        feature.SetField("qa", qaToJson(a.qa).toUtf8().constData());
        feature.SetField("attributes", QJsonDocument(a.attributes).toJson(QJsonDocument::Compact).constData());
        feature.SetField("scene", a.sceneId.toUtf8().constData());
        feature.SetGeometryDirectly(geom.release());
        if (layer->CreateFeature(&feature) != OGRERR_NONE)
            return err(path, QStringLiteral("Cannot write annotation %1").arg(a.id), lastGdalError());
    }
    ds.reset(); // flushes and closes
    if (!QFileInfo::exists(path))
        return err(path, QStringLiteral("The GeoJSON file was not written"), lastGdalError());
    return {};
}

namespace {

QJsonValue parseJsonField(const char *text)
{
    const QJsonDocument d = QJsonDocument::fromJson(QByteArray(text));
    if (d.isArray())
        return d.array();
    if (d.isObject())
        return d.object();
    return QJsonValue(QString::fromUtf8(text));
}

} // namespace

Result<GeoJsonInterchange::ImportResult> GeoJsonInterchange::importFile(const QString &path, const GeoMeasure &scene,
                                                                        const QString &sceneId, const LabelSchema &schema)
{
    QuietErrors quiet;
    if (!QFileInfo::exists(path))
        return err(path, QStringLiteral("The file does not exist"));
    {
        // OGR falls back to WGS 84 when a (pre-RFC 7946) "crs" member names a CRS it does not
        // know; placing features with a guessed CRS would be silently wrong, so refuse it.
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
            const QJsonObject crs = root.value(QLatin1String("crs")).toObject();
            const QString name = crs.value(QLatin1String("properties")).toObject().value(QLatin1String("name")).toString();
            if (!crs.isEmpty()) {
                OGRSpatialReference probe;
                if (name.isEmpty() || probe.SetFromUserInput(name.toUtf8().constData()) != OGRERR_NONE)
                    return err(path, QStringLiteral("Unknown coordinate reference system '%1' in the \"crs\" member")
                                         .arg(name.isEmpty() ? QString::fromUtf8(QJsonDocument(crs).toJson(QJsonDocument::Compact)) : name),
                               lastGdalError());
            }
        }
    }
    const char *drivers[] = {"GeoJSON", nullptr};
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open(path.toUtf8().constData(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    if (!ds)
        return err(path, QStringLiteral("Cannot read the file as GeoJSON"), lastGdalError());
    if (!scene.hasCrs())
        return err(path, QStringLiteral("The scene has no coordinate reference system, so map coordinates cannot be "
                                        "placed on it"));
    OGRSpatialReference sceneSrs;
    sceneSrs.importFromWkt(scene.crsWkt().toUtf8().constData());
    sceneSrs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    ImportResult result;
    result.schema = schema;
    int featureNo = 0;
    for (OGRLayer *layer : ds->GetLayers()) {
        const OGRSpatialReference *srcSrs = layer->GetSpatialRef();
        if (!srcSrs)
            return err(path, QStringLiteral("Unknown or missing coordinate reference system in layer '%1'")
                                 .arg(QString::fromUtf8(layer->GetName())),
                       lastGdalError());
        OGRSpatialReference src(*srcSrs);
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> toScene(OGRCreateCoordinateTransformation(&src, &sceneSrs));
        if (!toScene)
            return err(path, QStringLiteral("Cannot transform the file's coordinate reference system to the scene's"),
                       lastGdalError());
        const OGRFeatureDefn *defn = layer->GetLayerDefn();
        layer->ResetReading();
        for (auto &feature : *layer) {
            ++featureNo;
            const OGRGeometry *g = feature->GetGeometryRef();
            if (!g || g->IsEmpty())
                return err(path, QStringLiteral("Feature %1 has no geometry").arg(featureNo));
            std::unique_ptr<OGRGeometry> geom(g->clone());
            const OGRwkbGeometryType type = wkbFlatten(geom->getGeometryType());
            if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbPoint && type != wkbMultiPoint)
                return err(path, QStringLiteral("Feature %1 has an unsupported geometry type %2 (polygons and points only)")
                                     .arg(featureNo)
                                     .arg(QString::fromUtf8(OGRGeometryTypeToName(geom->getGeometryType()))));
            if (!geom->IsValid())
                return err(path, QStringLiteral("Feature %1 has an invalid geometry (e.g. a self-intersecting or "
                                                "unclosed ring)")
                                     .arg(featureNo),
                           lastGdalError());
            if (geom->transform(toScene.get()) != OGRERR_NONE)
                return err(path, QStringLiteral("Feature %1 cannot be transformed into the scene's CRS").arg(featureNo),
                           lastGdalError());

            Annotation base;
            base.sceneId = sceneId;
            AnnotationShape declared = AnnotationShape::Polygon;
            bool hasDeclared = false;
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                if (!feature->IsFieldSetAndNotNull(i))
                    continue;
                const OGRFieldDefn *f = defn->GetFieldDefn(i);
                const QString name = QString::fromUtf8(f->GetNameRef());
                const char *text = feature->GetFieldAsString(i);
                if (name == QLatin1String("class")) {
                    const QString cls = QString::fromUtf8(text).trimmed();
                    if (cls.isEmpty())
                        continue;
                    const LabelClass *c = result.schema.classByName(cls);
                    if (!c) {
                        c = &result.schema.addClass(cls);
                        ++result.newClasses;
                    }
                    base.classId = c->id;
                } else if (name == QLatin1String("caption")) {
                    base.caption = QString::fromUtf8(text);
                } else if (name == QLatin1String("qa")) {
                    const OGRFieldType t = f->GetType();
                    // A file whose every "qa" is [] gives OGR nothing to infer from: a list type.
                    if (t == OFTStringList || t == OFTIntegerList || t == OFTInteger64List || t == OFTRealList)
                        continue;
                    const QJsonValue v = parseJsonField(text);
                    if (!v.isArray())
                        return err(path, QStringLiteral("Feature %1: \"qa\" must be a JSON array of {question, answer, "
                                                        "type}")
                                             .arg(featureNo));
                    for (const QJsonValue &e : v.toArray()) {
                        const QJsonObject o = e.toObject();
                        base.qa.append(QaPair{o.value(QLatin1String("question")).toString(),
                                              o.value(QLatin1String("answer")).toVariant().toString(),
                                              o.value(QLatin1String("type")).toString()});
                    }
                } else if (name == QLatin1String("attributes")) {
                    const QJsonValue v = parseJsonField(text);
                    const QJsonObject o = v.toObject();
                    for (auto it = o.begin(); it != o.end(); ++it)
                        base.attributes.insert(it.key(), it.value());
                } else if (name == QLatin1String("shape")) {
                    bool ok = false;
                    declared = annotationShapeFromName(QString::fromUtf8(text), &ok);
                    hasDeclared = ok;
                } else if (name == QLatin1String("id") || name == QLatin1String("class_id") || name == QLatin1String("scene")) {
                    // Export bookkeeping: ids are reassigned, the class comes from its name.
                } else {
                    const OGRFieldType t = f->GetType();
                    if (t == OFTInteger || t == OFTInteger64)
                        base.attributes.insert(name, double(feature->GetFieldAsInteger64(i)));
                    else if (t == OFTReal)
                        base.attributes.insert(name, feature->GetFieldAsDouble(i));
                    else
                        base.attributes.insert(name, f->GetSubType() == OFSTJSON ? parseJsonField(text) : QJsonValue(QString::fromUtf8(text)));
                }
            }

            auto toPixel = [&](double x, double y, QPointF *out) {
                const auto p = scene.mapToPixel(QPointF(x, y));
                if (!p)
                    return false;
                *out = *p;
                return true;
            };
            auto addPolygon = [&](const OGRPolygon *poly) -> std::optional<Error> {
                const OGRLinearRing *ring = poly->getExteriorRing();
                Annotation a = base;
                const int n = ring->getNumPoints();
                for (int i = 0; i < n; ++i) {
                    QPointF p;
                    if (!toPixel(ring->getX(i), ring->getY(i), &p))
                        return err(path, QStringLiteral("Feature %1: the scene's geotransform cannot be inverted").arg(featureNo));
                    a.geometry.append(p);
                }
                if (a.geometry.size() > 1 && a.geometry.first() == a.geometry.last())
                    a.geometry.removeLast();
                if (hasDeclared && declared != AnnotationShape::Point
                    && (declared != AnnotationShape::Rectangle || a.geometry.size() == 4))
                    a.shape = declared;
                else
                    a.shape = AnnotationShape::Polygon;
                if (!a.hasValidGeometry())
                    return err(path, QStringLiteral("Feature %1: a polygon needs at least three distinct vertices").arg(featureNo));
                result.annotations.append(a);
                return std::nullopt;
            };
            auto addPoint = [&](const OGRPoint *pt) -> std::optional<Error> {
                Annotation a = base;
                a.shape = AnnotationShape::Point;
                QPointF p;
                if (!toPixel(pt->getX(), pt->getY(), &p))
                    return err(path, QStringLiteral("Feature %1: the scene's geotransform cannot be inverted").arg(featureNo));
                a.geometry = QPolygonF({p});
                result.annotations.append(a);
                return std::nullopt;
            };
            std::optional<Error> e;
            if (type == wkbPolygon)
                e = addPolygon(geom->toPolygon());
            else if (type == wkbMultiPolygon)
                for (const OGRPolygon *p : *geom->toMultiPolygon())
                    if (!e)
                        e = addPolygon(p);
            if (type == wkbPoint)
                e = addPoint(geom->toPoint());
            else if (type == wkbMultiPoint)
                for (const OGRPoint *p : *geom->toMultiPoint())
                    if (!e)
                        e = addPoint(p);
            if (e)
                return *e;
        }
    }
    if (featureNo == 0)
        return err(path, QStringLiteral("The file contains no features"));
    return result;
}

} // namespace satgpt
