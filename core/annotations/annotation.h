// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <QVector>

namespace satgpt {

enum class AnnotationShape { Rectangle, Polygon, Point, Freehand };

QString annotationShapeName(AnnotationShape shape);
/// Parses the names written by annotationShapeName; nullopt-like false in `ok` for unknown names.
AnnotationShape annotationShapeFromName(const QString &name, bool *ok = nullptr);

/// One question about a region and its answer. `type` says what kind of answer it is
/// ("count", "presence", "land-cover", "free"...) so training can pick matching prompts.
struct QaPair
{
    QString question;
    QString answer;
    QString type;

    bool operator==(const QaPair &o) const { return question == o.question && answer == o.answer && type == o.type; }
    bool operator!=(const QaPair &o) const { return !(*this == o); }
};

/// A labelled region of one scene. Geometry is in full-resolution pixel coordinates of the
/// scene (pixel-corner convention, as GeoTransform): a rectangle or polygon is a ring without
/// the closing vertex repeated, a point is a one-vertex polygon. Plain value type.
struct Annotation
{
    qint64 id = 0;              ///< unique within a document; 0 = not yet assigned
    QString sceneId;
    AnnotationShape shape = AnnotationShape::Polygon;
    QPolygonF geometry;
    int classId = 0;            ///< 0 = unclassified; otherwise a LabelClass id
    QString caption;
    QVector<QaPair> qa;
    QJsonObject attributes;     ///< free key/value pairs, kept as JSON so nothing is lost

    bool isPoint() const { return shape == AnnotationShape::Point; }
    QRectF boundingRect() const;
    /// Planar area in square pixels (shoelace); 0 for points.
    double pixelArea() const;
    /// Area centroid in pixels (vertex mean for degenerate rings, the point for points).
    QPointF pixelCentroid() const;
    /// Checks the geometry fits its shape (enough vertices, finite coordinates).
    bool hasValidGeometry() const;

    QJsonObject toJson() const;
    /// Reads what toJson wrote; returns false and sets `error` on wrong types.
    static bool fromJson(const QJsonObject &json, Annotation *out, QString *error);

    bool operator==(const Annotation &o) const;
    bool operator!=(const Annotation &o) const { return !(*this == o); }
};

} // namespace satgpt
