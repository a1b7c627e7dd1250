// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/rasterdataset.h"

#include <QImage>

namespace satgpt {

enum class StretchKind { None, MinMax, Percentile, StdDev, HistogramEqualize };
enum class ColorMap { Gray, Viridis, Inferno, Jet, Terrain };

/// How values map to display intensities. Percentile 2-98 is the default, as in QGIS.
struct Stretch
{
    StretchKind kind = StretchKind::Percentile;
    double lowPercent = 2.0;
    double highPercent = 98.0;
    double stdDevs = 2.0;
    double gamma = 1.0;
};

/// Which bands are shown: three (red, green, blue) or one with a colour map.
struct BandComposition
{
    QVector<int> bands; ///< 1-based; size 1 or 3
    ColorMap colorMap = ColorMap::Gray;

    bool isSingleBand() const { return bands.size() == 1; }
    /// True colour from colour interpretation or sensor band names when possible; the first
    /// three bands otherwise; band 1 in grey for a one- or two-band scene.
    static BandComposition defaultFor(const RasterInfo &info);
};

struct RenderSettings
{
    BandComposition composition;
    Stretch stretch;
};

/// Per display channel: the value range [low, high] and (for histogram equalisation) a
/// cumulative table. Built once from statistics, then applied to every tile.
struct ChannelStretch
{
    double low = 0.0;
    double high = 1.0;
    double gamma = 1.0;
    std::vector<uint8_t> equalized; ///< non-empty for HistogramEqualize: kBins entries over [low, high]

    static ChannelStretch fromStatistics(const BandStatistics &stats, const Stretch &stretch);
    uint8_t apply(float value) const;
};

/// Turns a block into an ARGB32 image: invalid pixels are transparent. `channels` holds one
/// ChannelStretch per band of the block (1 or 3).
QImage renderBlock(const RasterBlock &block, const QVector<ChannelStretch> &channels, ColorMap colorMap);

/// The RGB of a colour map at t in [0,1].
QRgb colorMapValue(ColorMap map, double t);

} // namespace satgpt
