// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): HF ViTImageProcessor (preprocessor_config.json) for
// interleaved 8-bit RGB: PIL-compatible resize, rescale, normalise.

#include "core/base/result.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

namespace satgpt::ml {

struct ImageProcessorConfig
{
    bool doResize = true;
    int64_t height = 224;
    int64_t width = 224;
    int resample = 2; ///< PIL: 2 = BILINEAR, 3 = BICUBIC (others fall back to bilinear)
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool doNormalize = true;
    std::array<float, 3> mean{0.5f, 0.5f, 0.5f};
    std::array<float, 3> std{0.5f, 0.5f, 0.5f};
    nlohmann::json raw = nlohmann::json::object();

    /// Missing keys keep ViTImageProcessor's defaults; `size` may be {height,width} or
    /// {shortest_edge} (used for both sides).
    static Result<ImageProcessorConfig> fromJson(const nlohmann::json &j, const std::string &path = {});
    /// What ViTImageProcessor.save_pretrained would write for this config.
    nlohmann::json toJson() const;
};

/// Stateless; safe to call from any thread.
class ImageProcessor
{
public:
    /// Resizes an interleaved RGB8 image (row stride `strideBytes`) exactly like Pillow 9's
    /// Image.resize: separable fixed-point (22 bit) convolution, horizontal pass first, with a
    /// filter support that grows with the downscale factor (antialiasing).
    static std::vector<uint8_t> resizePil(const uint8_t *rgb, int width, int height, int64_t strideBytes, int outWidth,
                                          int outHeight, int resample = 2);

    /// [3, H, W] float32 pixel values as ViTImageProcessor produces them.
    static torch::Tensor preprocess(const uint8_t *rgb, int width, int height, int64_t strideBytes,
                                    const ImageProcessorConfig &config);
};

} // namespace satgpt::ml
