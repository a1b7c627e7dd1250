// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Public, torch-free: the model benchmark behind `satgpt bench model`.

#include "core/base/result.h"

#include <functional>
#include <string>
#include <vector>

namespace satgpt::ml {

struct ModelBenchOptions
{
    int threads = 2;
    int warmup = 1;
    int repeats = 5;          ///< timed runs per figure (median reported)
    int captionTokens = 20;
    int batch = 8;
};

/// One measured figure beside its bound on this machine (bound <= 0: no bound).
struct ModelBenchFigure
{
    std::string key;      ///< stable name for JSON ("encode_ms", ...)
    std::string label;
    double value = 0.0;
    std::string unit;
    double bound = 0.0;   ///< best possible on this machine by the stated model
    std::string boundBasis;
    double target = 0.0;  ///< the issue's target in the same unit (0: none)
    bool lowerIsBetter = true;
};

struct ModelBenchResult
{
    std::string config;            ///< description of the model benchmarked
    int threads = 0;
    double matmulGflops = 0.0;     ///< fp32 1024^2 matmul rate (faster library), median alongside the encodes
    double blasMatmulGflops = 0.0; ///< through ATen (the BLAS libtorch links), at start
    double oneDnnMatmulGflops = 0.0; ///< through oneDNN's sgemm (gemm.h) at start, 0 where the process lacks it
    double readBandwidthGBs = 0.0; ///< 256 MB read bandwidth, median alongside the decode steps
    double encodeGflop = 0.0;      ///< FLOPs of one image encode
    double decodeBytesPerToken = 0.0;
    double parameterCount = 0.0;
    std::vector<ModelBenchFigure> figures;
};

/// Builds the full-size model (ViT-B/16 at 224 + GPT-2 small with cross-attention, random
/// weights), then times encode, decode steps with and without KV cache, a greedy caption and
/// batched generation; medians after warm-up. The matmul rate and the read bandwidth behind
/// the bounds are measured alternating with the encodes and the decode steps they bound. `log` receives progress lines. Takes about a minute on two cores.
Result<ModelBenchResult> runModelBenchmark(const ModelBenchOptions &options,
                                           const std::function<void(const std::string &)> &log = {});

} // namespace satgpt::ml
