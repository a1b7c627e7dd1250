// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/trainingimages.h"

#include "core/raster/rasterdataset.h"

#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QRect>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {

ml::ImageRGB8 fromQImage(const QImage &source)
{
    const QImage img = source.convertToFormat(QImage::Format_RGB888);
    ml::ImageRGB8 out;
    out.width = img.width();
    out.height = img.height();
    out.pixels.resize(size_t(out.width * out.height * 3));
    for (int y = 0; y < img.height(); ++y)
        std::copy_n(img.constScanLine(y), size_t(out.width * 3), out.pixels.data() + size_t(y) * size_t(out.width * 3));
    return out;
}

Result<ml::ImageRGB8> fromRaster(const QString &path, const std::optional<ml::ImageRegion> &region)
{
    auto ds = RasterDataset::open(path);
    if (!ds)
        return ds.error();
    const RasterInfo &info = ds.value()->info();
    QRect window(0, 0, info.width, info.height);
    if (region)
        window = QRect(int(region->x), int(region->y), int(region->width), int(region->height)).intersected(window);
    if (window.isEmpty())
        return makeError("the requested region lies outside the image", path.toStdString());
    QVector<int> bands;
    for (int b = 1; b <= std::min(3, info.bandCount()); ++b)
        bands.push_back(b);
    auto block = ds.value()->read(window, window.size(), bands, Resampling::Nearest);
    if (!block)
        return block.error();
    const RasterBlock &blk = block.value();
    const bool byteData = std::all_of(info.bands.begin(), info.bands.end(), [](const BandInfo &b) { return b.type == PixelType::Byte; });
    ml::ImageRGB8 out;
    out.width = blk.width;
    out.height = blk.height;
    out.pixels.assign(size_t(out.width * out.height * 3), 0);
    const size_t n = size_t(blk.width) * size_t(blk.height);
    for (int c = 0; c < 3; ++c) {
        const float *plane = blk.plane(std::min(c, int(bands.size()) - 1));
        double lo = 0, hi = 255;
        if (!byteData) {
            std::vector<float> values;
            values.reserve(n);
            for (size_t i = 0; i < n; ++i)
                if ((blk.valid.empty() || blk.valid[i]) && std::isfinite(plane[i]))
                    values.push_back(plane[i]);
            if (!values.empty()) {
                auto at = [&](double q) {
                    auto it = values.begin() + std::ptrdiff_t(q * double(values.size() - 1));
                    std::nth_element(values.begin(), it, values.end());
                    return double(*it);
                };
                lo = at(0.02);
                hi = at(0.98);
            }
            if (hi <= lo)
                hi = lo + 1;
        }
        for (size_t i = 0; i < n; ++i) {
            const bool valid = blk.valid.empty() || blk.valid[i];
            const double v = valid ? (double(plane[i]) - lo) / (hi - lo) * 255.0 : 0.0;
            out.pixels[i * 3 + size_t(c)] = uint8_t(std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 255.0));
        }
    }
    return out;
}

} // namespace

Result<ml::ImageRGB8> loadTrainingImage(const QString &path, const std::optional<ml::ImageRegion> &region)
{
    if (!QFileInfo::exists(path))
        return makeError("the image does not exist", path.toStdString());
    QImageReader reader(path);
    if (reader.canRead()) {
        QImage img = reader.read();
        if (!img.isNull()) {
            if (region)
                img = img.copy(QRect(int(region->x), int(region->y), int(region->width), int(region->height)));
            if (img.isNull() || img.width() == 0)
                return makeError("the requested region lies outside the image", path.toStdString());
            return fromQImage(img);
        }
    }
    return fromRaster(path, region);
}

ml::ImageLoader trainingImageLoader()
{
    return [](const std::string &path, const std::optional<ml::ImageRegion> &region) {
        return loadTrainingImage(QString::fromStdString(path), region);
    };
}

} // namespace satgpt
