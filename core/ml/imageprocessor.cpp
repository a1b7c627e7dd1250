// SPDX-License-Identifier: GPL-3.0-or-later
#include "imageprocessor.h"

#include <algorithm>
#include <cmath>

namespace satgpt::ml {

namespace {

// Pillow's Resample.c, 8 bits per channel.
constexpr int kPrecisionBits = 32 - 8 - 2;

double bilinearFilter(double x)
{
    x = std::fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

double bicubicFilter(double x)
{
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

struct Coeffs
{
    int ksize = 0;
    std::vector<int> bounds;   // per output: xmin, count
    std::vector<int32_t> kk;   // per output: ksize fixed-point weights
};

Coeffs precompute(int inSize, int outSize, int resample)
{
    const bool cubic = resample == 3;
    const double filterSupport = cubic ? 2.0 : 1.0;
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterscale = std::max(scale, 1.0);
    const double support = filterSupport * filterscale;
    Coeffs c;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.bounds.resize(static_cast<size_t>(outSize) * 2);
    c.kk.assign(static_cast<size_t>(outSize) * c.ksize, 0);
    std::vector<double> k(static_cast<size_t>(c.ksize));
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > inSize)
            xmax = inSize;
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double arg = (x + xmin - center + 0.5) * ss;
            const double w = cubic ? bicubicFilter(arg) : bilinearFilter(arg);
            k[static_cast<size_t>(x)] = w;
            ww += w;
        }
        for (int x = 0; x < c.ksize; ++x) {
            double v = x < xmax ? k[static_cast<size_t>(x)] : 0.0;
            if (x < xmax && ww != 0.0)
                v /= ww;
            c.kk[static_cast<size_t>(xx) * c.ksize + x] = v < 0 ? static_cast<int32_t>(-0.5 + v * (1 << kPrecisionBits))
                                                                : static_cast<int32_t>(0.5 + v * (1 << kPrecisionBits));
        }
        c.bounds[static_cast<size_t>(xx) * 2] = xmin;
        c.bounds[static_cast<size_t>(xx) * 2 + 1] = xmax;
    }
    return c;
}

inline uint8_t clip8(int32_t in)
{
    const int32_t v = in >> kPrecisionBits;
    return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

} // namespace

std::vector<uint8_t> ImageProcessor::resizePil(const uint8_t *rgb, int width, int height, int64_t strideBytes, int outW,
                                               int outH, int resample)
{
    // Copy into a tight buffer first so both passes work on the same layout.
    std::vector<uint8_t> src(static_cast<size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y)
        std::copy_n(rgb + y * strideBytes, static_cast<size_t>(width) * 3, src.data() + static_cast<size_t>(y) * width * 3);
    if (outW == width && outH == height)
        return src;

    const Coeffs horiz = precompute(width, outW, resample);
    Coeffs vert = precompute(height, outH, resample);
    const bool needH = outW != width;
    const bool needV = outH != height;
    const int yFirst = vert.bounds[0];
    const int yLast = vert.bounds[static_cast<size_t>(outH) * 2 - 2] + vert.bounds[static_cast<size_t>(outH) * 2 - 1];

    std::vector<uint8_t> cur = std::move(src);
    int curW = width, curH = height;
    if (needH) {
        for (int i = 0; i < outH; ++i)
            vert.bounds[static_cast<size_t>(i) * 2] -= yFirst;
        const int rows = yLast - yFirst;
        std::vector<uint8_t> tmp(static_cast<size_t>(outW) * rows * 3);
        for (int yy = 0; yy < rows; ++yy) {
            const uint8_t *row = cur.data() + static_cast<size_t>(yy + yFirst) * curW * 3;
            uint8_t *out = tmp.data() + static_cast<size_t>(yy) * outW * 3;
            for (int xx = 0; xx < outW; ++xx) {
                const int xmin = horiz.bounds[static_cast<size_t>(xx) * 2];
                const int xmax = horiz.bounds[static_cast<size_t>(xx) * 2 + 1];
                const int32_t *k = horiz.kk.data() + static_cast<size_t>(xx) * horiz.ksize;
                int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
                for (int x = 0; x < xmax; ++x) {
                    const uint8_t *p = row + static_cast<size_t>(x + xmin) * 3;
                    s0 += p[0] * k[x];
                    s1 += p[1] * k[x];
                    s2 += p[2] * k[x];
                }
                out[xx * 3 + 0] = clip8(s0);
                out[xx * 3 + 1] = clip8(s1);
                out[xx * 3 + 2] = clip8(s2);
            }
        }
        cur = std::move(tmp);
        curW = outW;
        curH = rows;
    }
    if (needV) {
        std::vector<uint8_t> tmp(static_cast<size_t>(curW) * outH * 3);
        for (int yy = 0; yy < outH; ++yy) {
            const int ymin = vert.bounds[static_cast<size_t>(yy) * 2];
            const int ymax = vert.bounds[static_cast<size_t>(yy) * 2 + 1];
            const int32_t *k = vert.kk.data() + static_cast<size_t>(yy) * vert.ksize;
            uint8_t *out = tmp.data() + static_cast<size_t>(yy) * curW * 3;
            for (int xx = 0; xx < curW * 3; ++xx) {
                int32_t s = 1 << (kPrecisionBits - 1);
                for (int y = 0; y < ymax; ++y)
                    s += cur[static_cast<size_t>(y + ymin) * curW * 3 + xx] * k[y];
                out[xx] = clip8(s);
            }
        }
        cur = std::move(tmp);
        curH = outH;
    }
    (void)curH;
    return cur;
}

torch::Tensor ImageProcessor::preprocess(const uint8_t *rgb, int width, int height, int64_t strideBytes,
                                         const ImageProcessorConfig &config)
{
    std::vector<uint8_t> pixels;
    int w = width, h = height;
    if (config.doResize) {
        w = static_cast<int>(config.width);
        h = static_cast<int>(config.height);
        pixels = resizePil(rgb, width, height, strideBytes, w, h, config.resample);
    } else {
        pixels = resizePil(rgb, width, height, strideBytes, width, height, config.resample);
    }
    auto out = torch::empty({3, h, w}, torch::kFloat32);
    float *dst = out.data_ptr<float>();
    const size_t plane = static_cast<size_t>(w) * h;
    for (size_t i = 0; i < plane; ++i) {
        for (int c = 0; c < 3; ++c) {
            // numpy: uint8 -> float64 * factor -> float32, then (x - mean) / std in float32.
            float v = config.doRescale ? static_cast<float>(pixels[i * 3 + c] * config.rescaleFactor)
                                       : static_cast<float>(pixels[i * 3 + c]);
            if (config.doNormalize)
                v = (v - config.mean[static_cast<size_t>(c)]) / config.std[static_cast<size_t>(c)];
            dst[static_cast<size_t>(c) * plane + i] = v;
        }
    }
    return out;
}

Result<ImageProcessorConfig> ImageProcessorConfig::fromJson(const nlohmann::json &j, const std::string &path)
{
    ImageProcessorConfig c;
    if (!j.is_object())
        return makeError("preprocessor config is not a JSON object", path);
    try {
        auto get = [&](const char *key, auto &out) {
            auto it = j.find(key);
            if (it != j.end() && !it->is_null())
                out = it->get<std::decay_t<decltype(out)>>();
        };
        get("do_resize", c.doResize);
        get("do_rescale", c.doRescale);
        get("do_normalize", c.doNormalize);
        get("rescale_factor", c.rescaleFactor);
        get("resample", c.resample);
        if (j.contains("size")) {
            const auto &s = j["size"];
            if (s.is_object()) {
                if (s.contains("height"))
                    c.height = s["height"].get<int64_t>();
                if (s.contains("width"))
                    c.width = s["width"].get<int64_t>();
                if (s.contains("shortest_edge"))
                    c.height = c.width = s["shortest_edge"].get<int64_t>();
            } else if (s.is_number_integer()) {
                c.height = c.width = s.get<int64_t>();
            }
        }
        for (const auto &[key, arr] : {std::pair<const char *, std::array<float, 3> *>{"image_mean", &c.mean},
                                       {"image_std", &c.std}}) {
            if (!j.contains(key) || j[key].is_null())
                continue;
            const auto &v = j[key];
            if (v.is_number())
                arr->fill(v.get<float>());
            else if (v.is_array() && v.size() == 3)
                for (size_t i = 0; i < 3; ++i)
                    (*arr)[i] = v[i].get<float>();
            else
                return makeError("preprocessor config: image_mean/image_std must have 3 values", path);
        }
    } catch (const nlohmann::json::exception &e) {
        return makeError("invalid preprocessor config", path, e.what());
    }
    if (c.height <= 0 || c.width <= 0 || c.height > 8192 || c.width > 8192)
        return makeError("invalid preprocessor config", path, "size out of range");
    c.raw = j;
    return c;
}

nlohmann::json ImageProcessorConfig::toJson() const
{
    // What was read is written back unchanged (float lists keep their exact spelling).
    if (raw.is_object() && !raw.empty())
        return raw;
    nlohmann::json j = nlohmann::json::object();
    if (!j.contains("image_processor_type"))
        j["image_processor_type"] = "ViTImageProcessor";
    j["do_resize"] = doResize;
    j["do_rescale"] = doRescale;
    j["do_normalize"] = doNormalize;
    j["rescale_factor"] = rescaleFactor;
    j["resample"] = resample;
    if (!j.contains("size") || !j["size"].is_object() || j["size"].contains("height"))
        j["size"] = {{"height", height}, {"width", width}};
    j["image_mean"] = {mean[0], mean[1], mean[2]};
    j["image_std"] = {std[0], std[1], std[2]};
    return j;
}

} // namespace satgpt::ml
