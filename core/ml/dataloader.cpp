// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/dataloader.h"

#include "core/ml/imageprocessor.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace satgpt::ml {

uint64_t mixSeed(uint64_t a, uint64_t b, uint64_t c)
{
    auto mix = [](uint64_t z) {
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(a) ^ b) ^ c);
}

std::vector<size_t> epochOrder(size_t n, uint64_t seed, int64_t epoch, bool shuffle)
{
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i)
        order[i] = i;
    if (!shuffle)
        return order;
    uint64_t state = mixSeed(seed, uint64_t(epoch), 0x5eed);
    for (size_t i = n; i > 1; --i) {
        state = mixSeed(state, i);
        std::swap(order[i - 1], order[state % i]);
    }
    return order;
}

ImageTransform readImageTransform(const std::string &modelDir, int64_t fallbackSize)
{
    ImageTransform t;
    t.imageSize = fallbackSize;
    std::ifstream in(modelDir + "/preprocessor_config.json");
    if (!in)
        return t;
    try {
        const auto j = nlohmann::json::parse(in);
        if (j.contains("size")) {
            const auto &s = j["size"];
            if (s.is_number())
                t.imageSize = s.get<int64_t>();
            else if (s.is_object() && s.contains("height"))
                t.imageSize = s["height"].get<int64_t>();
            else if (s.is_object() && s.contains("shortest_edge"))
                t.imageSize = s["shortest_edge"].get<int64_t>();
        }
        if (j.contains("image_mean") && j["image_mean"].is_array() && j["image_mean"].size() == 3)
            for (int c = 0; c < 3; ++c)
                t.mean[c] = j["image_mean"][c].get<float>();
        if (j.contains("image_std") && j["image_std"].is_array() && j["image_std"].size() == 3)
            for (int c = 0; c < 3; ++c)
                t.std[c] = j["image_std"][c].get<float>();
    } catch (const std::exception &) {
        // A malformed preprocessor config falls back to the ViT defaults: the model still runs.
    }
    return t;
}

torch::Tensor imageToTensor(const ImageRGB8 &image, const ImageTransform &transform)
{
    // The inference path's preprocessing (Pillow-exact bilinear resize), so a fine-tuned model
    // sees the same pixels in training and in the workbench.
    ImageProcessorConfig config;
    config.height = config.width = transform.imageSize;
    config.mean = transform.mean;
    config.std = transform.std;
    return ImageProcessor::preprocess(image.pixels.data(), image.width, image.height, int64_t(image.width) * 3, config);
}

torch::Tensor augmentImage(const torch::Tensor &image, std::mt19937_64 &rng, const AugmentOptions &options)
{
    if (!options.enabled)
        return image;
    // Draws happen in a fixed order whatever is enabled, so toggling one option does not change
    // the others' randomness.
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const bool hflip = u(rng) < 0.5, vflip = u(rng) < 0.5;
    const int64_t quarter = int64_t(u(rng) * 4.0) % 4;
    const double b = (u(rng) * 2 - 1) * options.brightness;
    const double c = 1.0 + (u(rng) * 2 - 1) * options.contrast;
    torch::Tensor t = image;
    if (options.flips && hflip)
        t = t.flip({2});
    if (options.flips && vflip)
        t = t.flip({1});
    if (options.rotations && quarter && t.size(1) == t.size(2))
        t = torch::rot90(t, quarter, {1, 2});
    if (options.contrast > 0 || options.brightness > 0) {
        const auto mean = t.mean({1, 2}, true);
        t = (t - mean) * c + mean + b;
    }
    return t.contiguous();
}

} // namespace satgpt::ml
