// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotation.h"
#include "core/annotations/labelschema.h"
#include "core/base/result.h"

namespace satgpt {

class GeoMeasure;

/// GeoJSON import and export of annotations through OGR's GeoJSON driver.
///
/// Export writes one feature per annotation in the scene CRS, or in EPSG:4326 following
/// RFC 7946 (lon/lat order), with properties id, class, class_id, shape, caption, qa (JSON
/// array of {question, answer, type}), attributes (JSON object) and scene. Import reads
/// Polygon/MultiPolygon/Point/MultiPoint features in any CRS GDAL knows, reprojects them into
/// the scene's pixel space and reads class (name), caption, qa and attributes; other
/// properties become attributes. Import is all-or-nothing: any invalid geometry or unknown CRS
/// fails the whole file with an error naming it and the feature. Stateless; any thread.
class GeoJsonInterchange final
{
public:
    struct ImportResult
    {
        QVector<Annotation> annotations; ///< ids 0; scene set; classes resolved against `schema`
        LabelSchema schema;              ///< the input schema plus classes met for the first time
        int newClasses = 0;
    };

    static Status exportFile(const QVector<Annotation> &annotations, const LabelSchema &schema,
                             const GeoMeasure &scene, const QString &path, bool wgs84);
    static Result<ImportResult> importFile(const QString &path, const GeoMeasure &scene, const QString &sceneId,
                                           const LabelSchema &schema);
};

} // namespace satgpt
