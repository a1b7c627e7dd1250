// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/annotation.h"

#include <QJsonArray>

#include <cmath>

namespace satgpt {

QString annotationShapeName(AnnotationShape shape)
{
    switch (shape) {
    case AnnotationShape::Rectangle: return QStringLiteral("rectangle");
    case AnnotationShape::Polygon: return QStringLiteral("polygon");
    case AnnotationShape::Point: return QStringLiteral("point");
    case AnnotationShape::Freehand: return QStringLiteral("freehand");
    }
    return QStringLiteral("polygon");
}

AnnotationShape annotationShapeFromName(const QString &name, bool *ok)
{
    if (ok)
        *ok = true;
    const QString n = name.toLower();
    if (n == QLatin1String("rectangle"))
        return AnnotationShape::Rectangle;
    if (n == QLatin1String("polygon"))
        return AnnotationShape::Polygon;
    if (n == QLatin1String("point"))
        return AnnotationShape::Point;
    if (n == QLatin1String("freehand"))
        return AnnotationShape::Freehand;
    if (ok)
        *ok = false;
    return AnnotationShape::Polygon;
}

QRectF Annotation::boundingRect() const
{
    if (geometry.isEmpty())
        return {};
    return geometry.boundingRect();
}

double Annotation::pixelArea() const
{
    if (isPoint() || geometry.size() < 3)
        return 0.0;
    double a = 0.0;
    const int n = int(geometry.size());
    for (int i = 0; i < n; ++i) {
        const QPointF &p = geometry[i];
        const QPointF &q = geometry[(i + 1) % n];
        a += p.x() * q.y() - q.x() * p.y();
    }
    return std::abs(a) / 2.0;
}

QPointF Annotation::pixelCentroid() const
{
    if (geometry.isEmpty())
        return {};
    if (isPoint() || geometry.size() < 3)
        return geometry.first();
    double a = 0.0, cx = 0.0, cy = 0.0;
    const int n = int(geometry.size());
    for (int i = 0; i < n; ++i) {
        const QPointF &p = geometry[i];
        const QPointF &q = geometry[(i + 1) % n];
        const double cross = p.x() * q.y() - q.x() * p.y();
        a += cross;
        cx += (p.x() + q.x()) * cross;
        cy += (p.y() + q.y()) * cross;
    }
    if (std::abs(a) < 1e-12) {
        QPointF mean;
        for (const QPointF &p : geometry)
            mean += p;
        return mean / double(n);
    }
    return {cx / (3.0 * a), cy / (3.0 * a)};
}

bool Annotation::hasValidGeometry() const
{
    for (const QPointF &p : geometry)
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            return false;
    if (isPoint())
        return geometry.size() == 1;
    if (shape == AnnotationShape::Rectangle)
        return geometry.size() == 4;
    return geometry.size() >= 3;
}

QJsonObject Annotation::toJson() const
{
    QJsonArray coords;
    for (const QPointF &p : geometry)
        coords.append(QJsonArray{p.x(), p.y()});
    QJsonArray qaArray;
    for (const QaPair &pair : qa)
        qaArray.append(QJsonObject{{QStringLiteral("question"), pair.question},
                                   {QStringLiteral("answer"), pair.answer},
                                   {QStringLiteral("type"), pair.type}});
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("scene"), sceneId},
                       {QStringLiteral("shape"), annotationShapeName(shape)},
                       {QStringLiteral("pixels"), coords},
                       {QStringLiteral("class"), classId},
                       {QStringLiteral("caption"), caption},
                       {QStringLiteral("qa"), qaArray},
                       {QStringLiteral("attributes"), attributes}};
}

bool Annotation::fromJson(const QJsonObject &json, Annotation *out, QString *error)
{
    auto failWith = [error](const QString &msg) {
        if (error)
            *error = msg;
        return false;
    };
    Annotation a;
    const QJsonValue idValue = json.value(QLatin1String("id"));
    if (!idValue.isDouble())
        return failWith(QStringLiteral("annotation 'id' must be a number"));
    a.id = qint64(idValue.toDouble());
    const QJsonValue scene = json.value(QLatin1String("scene"));
    if (!scene.isString())
        return failWith(QStringLiteral("annotation %1: 'scene' must be a string").arg(a.id));
    a.sceneId = scene.toString();
    bool ok = false;
    a.shape = annotationShapeFromName(json.value(QLatin1String("shape")).toString(), &ok);
    if (!ok)
        return failWith(QStringLiteral("annotation %1: unknown shape '%2'").arg(a.id).arg(json.value(QLatin1String("shape")).toString()));
    const QJsonValue pixels = json.value(QLatin1String("pixels"));
    if (!pixels.isArray())
        return failWith(QStringLiteral("annotation %1: 'pixels' must be an array of [x, y]").arg(a.id));
    for (const QJsonValue &v : pixels.toArray()) {
        const QJsonArray xy = v.toArray();
        if (!v.isArray() || xy.size() != 2 || !xy[0].isDouble() || !xy[1].isDouble())
            return failWith(QStringLiteral("annotation %1: 'pixels' must be an array of [x, y] numbers").arg(a.id));
        a.geometry.append(QPointF(xy[0].toDouble(), xy[1].toDouble()));
    }
    if (!a.hasValidGeometry())
        return failWith(QStringLiteral("annotation %1: geometry does not fit shape '%2'").arg(a.id).arg(annotationShapeName(a.shape)));
    const QJsonValue cls = json.value(QLatin1String("class"));
    if (!cls.isUndefined() && !cls.isDouble())
        return failWith(QStringLiteral("annotation %1: 'class' must be a number").arg(a.id));
    a.classId = cls.toInt();
    const QJsonValue caption = json.value(QLatin1String("caption"));
    if (!caption.isUndefined() && !caption.isString())
        return failWith(QStringLiteral("annotation %1: 'caption' must be a string").arg(a.id));
    a.caption = caption.toString();
    const QJsonValue qa = json.value(QLatin1String("qa"));
    if (!qa.isUndefined() && !qa.isArray())
        return failWith(QStringLiteral("annotation %1: 'qa' must be an array").arg(a.id));
    for (const QJsonValue &v : qa.toArray()) {
        if (!v.isObject())
            return failWith(QStringLiteral("annotation %1: each 'qa' entry must be an object").arg(a.id));
        const QJsonObject o = v.toObject();
        a.qa.append(QaPair{o.value(QLatin1String("question")).toString(), o.value(QLatin1String("answer")).toString(),
                           o.value(QLatin1String("type")).toString()});
    }
    const QJsonValue attrs = json.value(QLatin1String("attributes"));
    if (!attrs.isUndefined() && !attrs.isObject())
        return failWith(QStringLiteral("annotation %1: 'attributes' must be an object").arg(a.id));
    a.attributes = attrs.toObject();
    *out = std::move(a);
    return true;
}

bool Annotation::operator==(const Annotation &o) const
{
    return id == o.id && sceneId == o.sceneId && shape == o.shape && geometry == o.geometry && classId == o.classId
        && caption == o.caption && qa == o.qa && attributes == o.attributes;
}

} // namespace satgpt
