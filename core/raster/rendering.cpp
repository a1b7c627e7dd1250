// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/rendering.h"

#include <QFileInfo>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace satgpt {

namespace {

struct Stop
{
    double t;
    int r, g, b;
};

template<size_t N>
QRgb interpolate(const std::array<Stop, N> &stops, double t)
{
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    for (size_t i = 1; i < N; ++i) {
        if (t <= stops[i].t) {
            const Stop &a = stops[i - 1], &b = stops[i];
            const double f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0.0;
            return qRgb(int(std::lround(a.r + f * (b.r - a.r))), int(std::lround(a.g + f * (b.g - a.g))),
                        int(std::lround(a.b + f * (b.b - a.b))));
        }
    }
    return qRgb(stops[N - 1].r, stops[N - 1].g, stops[N - 1].b);
}

// Samples of matplotlib's colour maps at even steps; linear interpolation between them stays
// within a few levels of the full 256-entry tables.
constexpr std::array<Stop, 9> kViridis{{{0.0, 68, 1, 84},
                                        {0.125, 71, 44, 122},
                                        {0.25, 59, 82, 139},
                                        {0.375, 44, 114, 142},
                                        {0.5, 33, 145, 140},
                                        {0.625, 40, 174, 128},
                                        {0.75, 94, 201, 98},
                                        {0.875, 173, 220, 48},
                                        {1.0, 253, 231, 37}}};
constexpr std::array<Stop, 9> kInferno{{{0.0, 0, 0, 4},
                                        {0.125, 27, 12, 65},
                                        {0.25, 74, 12, 107},
                                        {0.375, 120, 28, 109},
                                        {0.5, 165, 44, 96},
                                        {0.625, 207, 68, 70},
                                        {0.75, 237, 105, 37},
                                        {0.875, 251, 155, 6},
                                        {1.0, 252, 255, 164}}};
constexpr std::array<Stop, 6> kTerrain{{{0.0, 51, 51, 153},
                                        {0.15, 0, 153, 255},
                                        {0.25, 0, 204, 102},
                                        {0.5, 255, 255, 153},
                                        {0.75, 128, 92, 84},
                                        {1.0, 255, 255, 255}}};

int unit255(double v) { return int(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); }

bool nameMentions(const QString &haystack, const QStringList &needles)
{
    for (const QString &n : needles)
        if (haystack.contains(n, Qt::CaseInsensitive))
            return true;
    return false;
}

/// Bands whose colour interpretation or description names a colour.
std::optional<QVector<int>> bandsByColour(const RasterInfo &info)
{
    int r = 0, g = 0, b = 0;
    for (const BandInfo &band : info.bands) {
        const QString ci = band.colorInterpretation;
        const QString desc = band.description.trimmed();
        auto is = [&](const char *name) {
            return ci.compare(QLatin1String(name), Qt::CaseInsensitive) == 0
                || desc.compare(QLatin1String(name), Qt::CaseInsensitive) == 0;
        };
        if (!r && is("Red"))
            r = band.index;
        else if (!g && is("Green"))
            g = band.index;
        else if (!b && is("Blue"))
            b = band.index;
    }
    if (r && g && b)
        return QVector<int>{r, g, b};
    return std::nullopt;
}

/// Band orders of sensors whose files carry no colour interpretation, recognised from the
/// file name or metadata (product IDs, OTB/DIMAP sensor fields).
std::optional<QVector<int>> bandsBySensor(const RasterInfo &info)
{
    QString hint = QFileInfo(info.path).fileName();
    for (const char *key : {"SPACECRAFT_ID", "SATELLITEID", "SENSOR", "SENSOR_ID", "MISSION", "PLATFORM"})
        hint += QLatin1Char(' ') + info.metadata.value(QLatin1String(key));
    const int n = info.bandCount();
    if (nameMentions(hint, {QStringLiteral("LC08"), QStringLiteral("LC09"), QStringLiteral("landsat8"),
                            QStringLiteral("landsat_8"), QStringLiteral("LANDSAT_8"), QStringLiteral("OLI")})
        && n >= 7)
        return QVector<int>{4, 3, 2};
    // TM and ETM+ reflective bands 1-5,7 (6 bands) or all 7: blue, green, red are 1, 2, 3.
    if (nameMentions(hint, {QStringLiteral("L7_ETM"), QStringLiteral("LE07"), QStringLiteral("landsat7"),
                            QStringLiteral("LANDSAT_7"), QStringLiteral("ETM"), QStringLiteral("LT05"),
                            QStringLiteral("landsat5"), QStringLiteral("LANDSAT_5"), QStringLiteral("L5")})
        && (n == 6 || n == 7 || n == 8))
        return QVector<int>{3, 2, 1};
    if (nameMentions(hint, {QStringLiteral("worldview2"), QStringLiteral("WV2"), QStringLiteral("WV02"),
                            QStringLiteral("worldview-2")})
        && n == 8)
        return QVector<int>{5, 3, 2};
    // QuickBird and IKONOS multispectral: blue, green, red, near infrared.
    if (nameMentions(hint, {QStringLiteral("quickbird"), QStringLiteral("QB02"), QStringLiteral("QB_"),
                            QStringLiteral("ikonos")})
        && n == 4)
        return QVector<int>{3, 2, 1};
    if (nameMentions(hint, {QStringLiteral("S2A"), QStringLiteral("S2B"), QStringLiteral("sentinel2"),
                            QStringLiteral("sentinel-2")})
        && n >= 4)
        return n >= 12 ? QVector<int>{4, 3, 2} : QVector<int>{3, 2, 1};
    return std::nullopt;
}

} // namespace

QRgb colorMapValue(ColorMap map, double t)
{
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    switch (map) {
    case ColorMap::Gray: {
        const int v = unit255(t);
        return qRgb(v, v, v);
    }
    case ColorMap::Viridis: return interpolate(kViridis, t);
    case ColorMap::Inferno: return interpolate(kInferno, t);
    case ColorMap::Jet:
        return qRgb(unit255(1.5 - std::abs(4.0 * t - 3.0)), unit255(1.5 - std::abs(4.0 * t - 2.0)),
                    unit255(1.5 - std::abs(4.0 * t - 1.0)));
    case ColorMap::Terrain: return interpolate(kTerrain, t);
    }
    return qRgb(0, 0, 0);
}

BandComposition BandComposition::defaultFor(const RasterInfo &info)
{
    BandComposition c;
    if (info.bandCount() <= 0) {
        c.bands = {1};
        return c;
    }
    const BandInfo &first = info.bands.front();
    if (info.bandCount() <= 2 || !first.colorTable.isEmpty()) {
        c.bands = {1};
        c.usePalette = !first.colorTable.isEmpty();
        return c;
    }
    if (auto rgb = bandsByColour(info)) {
        c.bands = *rgb;
        return c;
    }
    if (auto rgb = bandsBySensor(info)) {
        c.bands = *rgb;
        return c;
    }
    c.bands = {1, 2, 3};
    return c;
}

ChannelStretch ChannelStretch::fromStatistics(const BandStatistics &stats, const Stretch &stretch)
{
    ChannelStretch c;
    c.gamma = stretch.gamma > 0.0 && std::isfinite(stretch.gamma) ? stretch.gamma : 1.0;
    switch (stretch.kind) {
    case StretchKind::None:
        // Values as they are: right for 8-bit scenes, clamps anything wider.
        c.low = 0.0;
        c.high = 255.0;
        break;
    case StretchKind::MinMax:
    case StretchKind::HistogramEqualize:
        c.low = stats.min;
        c.high = stats.max;
        break;
    case StretchKind::Percentile: {
        const double lo = std::clamp(std::min(stretch.lowPercent, stretch.highPercent), 0.0, 100.0);
        const double hi = std::clamp(std::max(stretch.lowPercent, stretch.highPercent), 0.0, 100.0);
        c.low = stats.percentile(lo);
        c.high = stats.percentile(hi);
        break;
    }
    case StretchKind::StdDev:
        c.low = std::max(stats.min, stats.mean - stretch.stdDevs * stats.stdDev);
        c.high = std::min(stats.max, stats.mean + stretch.stdDevs * stats.stdDev);
        break;
    }
    if (!(c.high > c.low)) {
        // A flat band (or a percentile window inside one bin): widen so apply() never divides by 0.
        c.low = std::min(c.low, stats.min);
        c.high = std::max(c.high, stats.max);
        if (!(c.high > c.low))
            c.high = c.low + 1.0;
    }
    if (stretch.kind == StretchKind::HistogramEqualize && stats.validCount > 0
        && stats.histogram.size() == size_t(BandStatistics::kBins)) {
        // Classic equalisation (as cv::equalizeHist does for 8-bit images) on the 1024-bin
        // histogram the statistics already hold, so no second pass over the pixels is needed.
        cv::Mat cdf;
        try {
            const cv::Mat hist(1, BandStatistics::kBins, CV_64F, const_cast<double *>(stats.histogram.data()));
            cv::integral(hist, cdf, CV_64F); // (2 x kBins+1): row 1 holds the running sums
        } catch (const cv::Exception &) {
            return c; // leaves a min-max stretch, the closest safe fallback
        }
        const double *cum = cdf.ptr<double>(1) + 1;
        const double total = cum[BandStatistics::kBins - 1];
        double firstNonZero = 0.0;
        for (int i = 0; i < BandStatistics::kBins; ++i)
            if (cum[i] > 0.0) {
                firstNonZero = cum[i];
                break;
            }
        c.equalized.resize(BandStatistics::kBins);
        const double denom = std::max(1.0, total - firstNonZero);
        for (int i = 0; i < BandStatistics::kBins; ++i)
            c.equalized[size_t(i)] = uint8_t(std::lround(std::clamp((cum[i] - firstNonZero) / denom, 0.0, 1.0) * 255.0));
    }
    return c;
}

ChannelStretch ChannelStretch::fromColorTable(const QVector<QRgb> &colorTable)
{
    ChannelStretch c;
    c.low = 0.0;
    c.high = std::max(1.0, double(colorTable.size() - 1));
    c.palette.assign(colorTable.begin(), colorTable.end());
    return c;
}

uint8_t ChannelStretch::apply(float value) const
{
    if (!std::isfinite(value))
        return 0;
    const double range = high - low;
    double t = range > 0.0 ? (double(value) - low) / range : 0.0;
    if (!palette.empty())
        return uint8_t(std::clamp(std::lround(double(value)), 0L, 255L));
    if (!equalized.empty()) {
        const int bin = std::clamp(int(t * double(equalized.size())), 0, int(equalized.size()) - 1);
        t = equalized[size_t(bin)] / 255.0;
    } else {
        t = std::clamp(t, 0.0, 1.0);
    }
    if (gamma != 1.0)
        t = std::pow(t, 1.0 / gamma);
    return uint8_t(std::lround(t * 255.0));
}

namespace {

/// apply() tabulated over [low, high] so a tile costs one multiply and a lookup per value.
struct FastStretch
{
    static constexpr int kSize = 4096;
    double low = 0.0;
    double scale = 0.0;
    std::array<uint8_t, kSize> table{};
    uint8_t below = 0;
    uint8_t above = 255;

    explicit FastStretch(const ChannelStretch &c)
    {
        low = c.low;
        const double range = c.high - c.low;
        scale = range > 0.0 ? kSize / range : 0.0;
        for (int i = 0; i < kSize; ++i)
            table[size_t(i)] = c.apply(float(c.low + (i + 0.5) / kSize * range));
        below = c.apply(float(c.low - std::abs(range) - 1.0));
        above = c.apply(float(c.high + std::abs(range) + 1.0));
    }
    uint8_t operator()(float v) const
    {
        const double x = (double(v) - low) * scale;
        if (!(x >= 0.0))
            return below;
        if (x >= kSize)
            return above;
        return table[size_t(x)];
    }
};

} // namespace

QImage renderBlock(const RasterBlock &block, const QVector<ChannelStretch> &channels, ColorMap colorMap)
{
    const size_t n = size_t(block.width) * size_t(block.height);
    if (block.width <= 0 || block.height <= 0 || channels.isEmpty() || block.data.size() < n * size_t(block.bands.size())
        || block.valid.size() < n)
        return {};
    const bool rgb = channels.size() >= 3 && block.bands.size() >= 3;
    if (!rgb && (channels.size() != 1 || block.bands.isEmpty()))
        return {};
    QImage image(block.width, block.height, QImage::Format_ARGB32);
    if (image.isNull())
        return {};
    if (rgb) {
        const FastStretch r(channels[0]), g(channels[1]), b(channels[2]);
        const float *pr = block.plane(0), *pg = block.plane(1), *pb = block.plane(2);
        for (int y = 0; y < block.height; ++y) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            const size_t row = size_t(y) * block.width;
            for (int x = 0; x < block.width; ++x) {
                const size_t i = row + x;
                line[x] = block.valid[i] ? qRgb(r(pr[i]), g(pg[i]), b(pb[i])) : qRgba(0, 0, 0, 0);
            }
        }
        return image;
    }
    const ChannelStretch &c = channels.front();
    const float *p = block.plane(0);
    if (!c.palette.empty()) {
        for (int y = 0; y < block.height; ++y) {
            auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
            const size_t row = size_t(y) * block.width;
            for (int x = 0; x < block.width; ++x) {
                const size_t i = row + x;
                const long idx = std::isfinite(p[i]) ? std::lround(p[i]) : -1;
                line[x] = block.valid[i] && idx >= 0 && idx < long(c.palette.size()) ? c.palette[size_t(idx)]
                                                                                      : qRgba(0, 0, 0, 0);
            }
        }
        return image;
    }
    std::array<QRgb, 256> colours;
    for (int i = 0; i < 256; ++i)
        colours[size_t(i)] = colorMapValue(colorMap, i / 255.0);
    const FastStretch s(c);
    for (int y = 0; y < block.height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        const size_t row = size_t(y) * block.width;
        for (int x = 0; x < block.width; ++x) {
            const size_t i = row + x;
            line[x] = block.valid[i] ? colours[s(p[i])] : qRgba(0, 0, 0, 0);
        }
    }
    return image;
}

Result<QVector<ChannelStretch>> channelStretches(const RasterDataset &dataset, const RenderSettings &settings)
{
    const RasterInfo &info = dataset.info();
    QVector<ChannelStretch> out;
    const auto &bands = settings.composition.bands;
    if (bands.size() != 1 && bands.size() != 3)
        return makeError("A composition needs one or three bands", info.path.toStdString());
    for (int b : bands) {
        if (b < 1 || b > info.bandCount())
            return makeError("Band " + std::to_string(b) + " does not exist", info.path.toStdString());
        if (settings.composition.usePalette && bands.size() == 1 && !info.bands[b - 1].colorTable.isEmpty()) {
            out << ChannelStretch::fromColorTable(info.bands[b - 1].colorTable);
            continue;
        }
        auto stats = dataset.statistics(b);
        if (!stats)
            return stats.error();
        out << ChannelStretch::fromStatistics(stats.value(), settings.stretch);
    }
    return out;
}

Result<QImage> renderOverview(const RasterDataset &dataset, const RenderSettings &settings, const QSize &maxSize)
{
    const RasterInfo &info = dataset.info();
    if (maxSize.width() <= 0 || maxSize.height() <= 0)
        return makeError("Invalid preview size", info.path.toStdString());
    auto channels = channelStretches(dataset, settings);
    if (!channels)
        return channels.error();
    const QSize out = QSize(info.width, info.height).scaled(maxSize, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    auto block = dataset.read(QRect(0, 0, info.width, info.height), out, settings.composition.bands);
    if (!block)
        return block.error();
    QImage image = renderBlock(block.value(), channels.value(), settings.composition.colorMap);
    if (image.isNull())
        return makeError("Cannot render the scene", info.path.toStdString());
    return image;
}

} // namespace satgpt
