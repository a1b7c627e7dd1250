// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/raster/rastertypes.h"

#include <QRect>

#include <memory>

namespace satgpt {

class Feedback;

/// Per-band statistics for stretching, computed from an overview (or a subsampled read) so
/// opening a large scene stays fast. `histogram` has `kBins` bins spanning [min, max].
struct BandStatistics
{
    static constexpr int kBins = 1024;
    double min = 0.0;
    double max = 0.0;
    double mean = 0.0;
    double stdDev = 0.0;
    qint64 validCount = 0;
    std::vector<double> histogram;

    /// Value below which `percent` (0..100) of valid pixels lie, interpolated within bins.
    double percentile(double percent) const;
};

/// How read() resamples when the output size differs from the window. Auto: average when
/// reducing (nearest for palette/classified bands, where averaging class numbers is meaningless),
/// nearest when enlarging so analysts see the real pixels.
enum class Resampling { Auto, Nearest, Bilinear, Average };

/// One open scene. Wraps a GDAL dataset (pimpl). Not thread-safe: GDAL datasets must not be
/// shared between threads, so every worker opens its own RasterDataset on the same path
/// (GDAL's block cache is shared and opening again is cheap).
class RasterDataset final
{
public:
    /// Opens `path` and reads its description. Errors name the file and GDAL's reason;
    /// absurd dimensions, unsupported pixel types or zero bands are refused here.
    static Result<std::unique_ptr<RasterDataset>> open(const QString &path);
    ~RasterDataset();
    RasterDataset(const RasterDataset &) = delete;
    RasterDataset &operator=(const RasterDataset &) = delete;

    const RasterInfo &info() const;

    /// Reads `window` (full-resolution pixel coordinates, clipped to the scene) of `bands`
    /// (1-based) resampled to `outSize`, letting GDAL use the overview that matches the
    /// reduction. Scale/offset applied; nodata and mask pixels have valid = 0.
    /// The block always has `outSize`; parts of the window outside the scene come back with
    /// valid = 0, so edge tiles keep their geometry. A canceled `feedback` ends the read with an
    /// Error whose message is "Canceled". Per-read cost is one RasterIO per call (no reopen, no
    /// statistics).
    Result<RasterBlock> read(const QRect &window, const QSize &outSize, const QVector<int> &bands,
                             Feedback *feedback = nullptr) const;
    /// As above with an explicit resampling method.
    Result<RasterBlock> read(const QRect &window, const QSize &outSize, const QVector<int> &bands,
                             Resampling resampling, Feedback *feedback = nullptr) const;

    /// Statistics of one band from the coarsest overview of at least ~512 px (or a subsampled
    /// read when there are no overviews). Cached per band.
    Result<BandStatistics> statistics(int band) const;

    /// True when the scene is large (> 4096 px on a side) and has no overviews, i.e. roaming
    /// it needs pyramids built (see OverviewBuildJob).
    bool needsOverviews() const;

    /// Opens the same file again for another thread, sharing the parsed info and the statistics
    /// cache (so it costs one GDALOpen, no metadata parsing). It touches only immutable state, so
    /// any thread may call it while another thread reads through this object; the copy belongs
    /// to the calling thread.
    Result<std::unique_ptr<RasterDataset>> reopen() const;

private:
    RasterDataset();
    struct Private;
    std::unique_ptr<Private> d;
};

/// Convenience: open, describe, close.
Result<RasterInfo> inspectRaster(const QString &path);

/// Registers every GDAL/OGR driver and the block-cache size once per process (idempotent,
/// thread-safe). main() calls it so code that talks to OGR directly finds its drivers.
void registerGdalDrivers();

} // namespace satgpt
