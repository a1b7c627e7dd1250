// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QSize>
#include <QString>

namespace satgpt {

class Feedback;

/// A generated GeoTIFF for benchmarks and tests: tiled (256), DEFLATE, UInt16, with internal
/// overviews at factors 2, 4, 8, ... down to <= 256 px, north-up in UTM 32N at 10 m pixels.
/// Pixel values are a cheap smooth pattern (diagonal gradients, rings and a grid of "fields"),
/// not noise, so it compresses and renders like a scene rather than static.
struct SyntheticSceneSpec
{
    QSize size{20000, 20000};
    int bands = 3;
    bool overviews = true;
    int zlevel = 1; ///< DEFLATE level; 1 keeps generating a 20000^2 scene to well under a minute
};

/// The value the pattern has at full-resolution pixel (x, y) in `band` (1-based); overviews
/// hold the pattern sampled at their pixel centres, so tests can predict every pixel.
quint16 syntheticSceneValue(int band, double x, double y);

/// Writes the scene to `path` (via a temporary file renamed on success). Cancellable through
/// `feedback`, which also receives progress. Errors name the file and GDAL's reason.
Status writeSyntheticScene(const QString &path, const SyntheticSceneSpec &spec, Feedback *feedback = nullptr);

} // namespace satgpt
