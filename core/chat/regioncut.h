// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Cutting the region a question is about out of a scene, as the analyst sees it: the bands and
// stretch on screen, resampled for the model.

#include "core/base/result.h"
#include "core/chat/chatentry.h"
#include "core/ml/visionlanguagemodel.h"
#include "core/raster/rendering.h"

#include <QImage>
#include <QRect>
#include <QSize>

namespace satgpt {

/// Renders `window` (full-resolution scene pixels, clipped to the scene) of `dataset` with
/// `settings` (the composition and stretch on screen; statistics from the dataset's cache),
/// resampled by GDAL to `outSize`. RGB888; nodata and masked pixels are black, as on the dark
/// canvas. Not thread-safe for one dataset (RasterDataset rule): call it on the thread that owns
/// `dataset`. Errors name the scene.
Result<QImage> renderRegion(const RasterDataset &dataset, const QRect &window, const RenderSettings &settings,
                            const QSize &outSize);
/// `window` scaled down (never up) so its long side is at most `maxSide`, aspect kept, at least 1x1.
QSize regionReadSize(const QSize &window, int maxSide);
/// RGB888 (any other format is converted) into the model's image type.
ml::ImageRGB8 toImageRGB8(const QImage &image);
/// The region record for a pixel window: map bounds through the scene's geotransform (pixel
/// coordinates without one) and the CRS as "EPSG:n", else WKT.
ChatRegion describeRegion(const RasterInfo &scene, const QRect &pixel, ChatRegion::Kind kind,
                          const QString &annotationId = {});
/// The same ground area as `pixel` of scene `from`, in the pixels of scene `to` (through both
/// geotransforms when both have one and their CRS agree; the same pixels otherwise), clipped to `to`.
QRect regionInScene(const RasterInfo &from, const QRect &pixel, const RasterInfo &to);

} // namespace satgpt
