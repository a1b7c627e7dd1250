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
    /// A single palette band shown through its colour table instead of a stretch.
    bool usePalette = false;

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
    /// Non-empty for a palette band: the value (rounded) indexes this table, no stretch applies.
    std::vector<QRgb> palette;

    static ChannelStretch fromStatistics(const BandStatistics &stats, const Stretch &stretch);
    static ChannelStretch fromColorTable(const QVector<QRgb> &colorTable);
    /// Display intensity of a value (palette stretches return the palette index clamped to 255).
    uint8_t apply(float value) const;
};

/// One stretch per band of `settings.composition` (statistics come from the dataset's cache,
/// so the first call per band reads an overview). Palette compositions use the colour table.
Result<QVector<ChannelStretch>> channelStretches(const RasterDataset &dataset, const RenderSettings &settings);

/// The whole scene rendered to fit in `maxSize` (aspect kept) with `settings`: a quick look for
/// layer lists, reports and tests. Reads from overviews when the scene has them.
Result<QImage> renderOverview(const RasterDataset &dataset, const RenderSettings &settings, const QSize &maxSize);

/// Turns a block into an ARGB32 image: invalid pixels are transparent. `channels` holds one
/// ChannelStretch per band of the block (1 or 3); a null image when they do not match. Pure
/// function of its inputs: safe on any thread.
QImage renderBlock(const RasterBlock &block, const QVector<ChannelStretch> &channels, ColorMap colorMap);

/// The RGB of a colour map at t in [0,1].
QRgb colorMapValue(ColorMap map, double t);

} // namespace satgpt
