// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): image preprocessing, augmentation for overhead imagery
// and a deterministic, multi-threaded batch loader.

#include "core/ml/datasets.h"

#include <torch/torch.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace satgpt::ml {

/// ViTImageProcessor's defaults: bilinear resize to a square, rescale 1/255, normalise.
struct ImageTransform
{
    int64_t imageSize = 224;
    std::array<float, 3> mean{{0.5f, 0.5f, 0.5f}};
    std::array<float, 3> std{{0.5f, 0.5f, 0.5f}};
};

/// Reads preprocessor_config.json (size, image_mean, image_std) from a model folder when present.
ImageTransform readImageTransform(const std::string &modelDir, int64_t fallbackSize);

/// [3, S, S] float, normalised.
torch::Tensor imageToTensor(const ImageRGB8 &image, const ImageTransform &transform);

/// Overhead imagery has no canonical "up": random horizontal/vertical flips and 90-degree
/// rotations are label-preserving; brightness/contrast jitter covers sun angle and sensor
/// differences. Applied to the normalised [3, S, S] tensor (square, so rotations keep the shape).
struct AugmentOptions
{
    bool enabled = false;
    bool flips = true;
    bool rotations = true;
    double brightness = 0.1; ///< additive shift drawn from [-b, b] (in normalised units x std)
    double contrast = 0.1;   ///< scale drawn from [1-c, 1+c] around the per-image mean
};
torch::Tensor augmentImage(const torch::Tensor &image, std::mt19937_64 &rng, const AugmentOptions &options);

/// A 64-bit seed derived from several values (SplitMix64 mixing): per-sample augmentation seeds
/// depend only on (seed, epoch, sample), never on thread timing.
uint64_t mixSeed(uint64_t a, uint64_t b, uint64_t c = 0);

/// The permutation of [0, n) for one epoch (Fisher-Yates with SplitMix64, identical on every
/// platform and standard library).
std::vector<size_t> epochOrder(size_t n, uint64_t seed, int64_t epoch, bool shuffle);

struct LoaderOptions
{
    int64_t batchSize = 8;
    bool shuffle = true;
    bool dropLast = false;
    uint64_t seed = 42;
    int workers = 2;
    int prefetch = 4;
};

/// Deterministic batch loader: the order of an epoch is epochOrder(); batch b holds positions
/// [b*B, (b+1)*B). Worker threads build up to `prefetch` batches ahead with `build`, which must
/// be thread-safe and depend only on its arguments (indices, epoch); next() returns them in
/// order. So resuming at (epoch, batch) reproduces the uninterrupted run exactly. Owned and used
/// by one thread; the workers are internal.
template<typename T>
class BatchLoader final
{
public:
    BatchLoader(size_t sampleCount, LoaderOptions options, std::function<T(const std::vector<size_t> &, int64_t)> build)
        : m_count(sampleCount), m_options(options), m_build(std::move(build))
    {
    }
    ~BatchLoader() { stop(); }
    BatchLoader(const BatchLoader &) = delete;
    BatchLoader &operator=(const BatchLoader &) = delete;

    int64_t batchesPerEpoch() const
    {
        const auto b = m_options.batchSize;
        return m_options.dropLast ? int64_t(m_count) / b : (int64_t(m_count) + b - 1) / b;
    }

    /// Starts (or restarts) at batch `firstBatch` of `epoch`.
    void startEpoch(int64_t epoch, int64_t firstBatch = 0)
    {
        stop();
        m_epoch = epoch;
        m_order = epochOrder(m_count, m_options.seed, epoch, m_options.shuffle);
        m_nextToBuild = firstBatch;
        m_cursor = firstBatch;
        m_ready.clear();
        m_stop = false;
        const int workers = std::max(1, m_options.workers);
        for (int i = 0; i < workers; ++i)
            m_threads.emplace_back([this] { work(); });
    }

    /// The next batch of the epoch in order, or nullopt at its end.
    std::optional<T> next()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_cursor >= batchesPerEpoch())
            return std::nullopt;
        m_cv.wait(lock, [&] { return m_ready.count(m_cursor) != 0; });
        T batch = std::move(m_ready[m_cursor]);
        m_ready.erase(m_cursor);
        ++m_cursor;
        m_cv.notify_all();
        return batch;
    }

    int64_t epoch() const { return m_epoch; }
    /// Index of the batch next() returns next.
    int64_t cursor() const { return m_cursor; }

    void stop()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        for (auto &t : m_threads)
            t.join();
        m_threads.clear();
    }

private:
    void work()
    {
        for (;;) {
            int64_t b;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_cv.wait(lock, [&] {
                    return m_stop || (m_nextToBuild < batchesPerEpoch() && m_nextToBuild < m_cursor + m_options.prefetch);
                });
                if (m_stop)
                    return;
                b = m_nextToBuild++;
            }
            std::vector<size_t> indices;
            const size_t first = size_t(b * m_options.batchSize);
            for (size_t i = first; i < std::min(m_count, first + size_t(m_options.batchSize)); ++i)
                indices.push_back(m_order[i]);
            T batch = m_build(indices, m_epoch);
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_ready.emplace(b, std::move(batch));
            }
            m_cv.notify_all();
        }
    }

    size_t m_count;
    LoaderOptions m_options;
    std::function<T(const std::vector<size_t> &, int64_t)> m_build;
    std::vector<size_t> m_order;
    int64_t m_epoch = 0;
    int64_t m_nextToBuild = 0;
    int64_t m_cursor = 0;
    bool m_stop = false;
    std::map<int64_t, T> m_ready;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::thread> m_threads;
};

} // namespace satgpt::ml
