// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotation.h"
#include "core/annotations/labelschema.h"
#include "core/base/result.h"

namespace satgpt {

class Feedback;

/// Machine-learning exports of annotations: COCO JSON, YOLO tiles and per-annotation image
/// chips. Chips and tiles are cut with GDAL windowed reads (gdal_translate -srcwin), so a
/// GeoTIFF chip keeps the scene's CRS and a correctly shifted and scaled geotransform.
/// Stateless; any thread (each call opens its own datasets). Returns how many files or
/// annotations were written.
class AnnotationExporter final
{
public:
    struct Scene
    {
        QString id;
        QString path;
        int width = 0;
        int height = 0;
    };
    enum class ChipFormat { Png, GeoTiff };

    /// One COCO file: images = scenes, categories = schema classes (plus "unclassified", id 0,
    /// when needed), one annotation per polygon/rectangle with bbox [x,y,w,h], segmentation,
    /// pixel area and iscrowd 0; annotation ids are the document's ids. Points are skipped
    /// (COCO detection has no point geometry); `skipped` receives their number.
    static Result<int> exportCoco(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                  const QVector<Scene> &scenes, const QString &path, int *skipped = nullptr);

    /// YOLO detection set in `dir`: the scenes cut into `tileSize` tiles, for every tile that
    /// holds annotations an `images/<scene>_<col>_<row>.png` and `labels/<same>.txt` with one
    /// "class cx cy w h" line (normalised to the tile) per box clipped to it, plus
    /// classes.txt (schema order = class index). Unclassified annotations and points are
    /// skipped. Returns the number of tiles.
    static Result<int> exportYolo(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                  const QVector<Scene> &scenes, const QString &dir, int tileSize = 640,
                                  Feedback *feedback = nullptr);

    /// The scene window exportChips() cuts for `a` (see there), in full-resolution pixels.
    static QRect chipWindow(const Annotation &a, int sceneWidth, int sceneHeight, int size = 224, double padding = 0.25);

    /// One chip per annotation in `dir`: a square window around its bounding box grown by
    /// `padding` (fraction of the box size on each side; points get a `size` pixel window),
    /// shifted to stay inside the scene, resampled to size x size; plus chips.json listing
    /// file, annotation id, class, caption, qa and the source window. Returns the chip count.
    static Result<int> exportChips(const QVector<Annotation> &annotations, const LabelSchema &schema,
                                   const QVector<Scene> &scenes, const QString &dir, int size = 224,
                                   double padding = 0.25, ChipFormat format = ChipFormat::Png,
                                   Feedback *feedback = nullptr);
};

} // namespace satgpt
