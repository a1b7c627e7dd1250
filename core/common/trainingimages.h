// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The image decoder the trainer (core/ml, which cannot use Qt or GDAL) is given: QImage for the
// formats Qt reads (PNG, JPEG, GIF, ...) and RasterDataset (GDAL) for GeoTIFF and every other
// raster. Non-8-bit rasters are stretched per band from the 2nd to the 98th percentile of the
// image, single-band images are repeated into grey RGB, and only bands 1-3 are used otherwise.

#include "core/ml/datasets.h"

#include <QString>

namespace satgpt {

/// Decodes one image (optionally a pixel region of it) into RGB8. Thread-safe: every call opens
/// its own QImageReader / RasterDataset. Errors name the file and the reason.
Result<ml::ImageRGB8> loadTrainingImage(const QString &path, const std::optional<ml::ImageRegion> &region = {});

/// loadTrainingImage() wrapped as the trainer's callback.
ml::ImageLoader trainingImageLoader();

} // namespace satgpt
