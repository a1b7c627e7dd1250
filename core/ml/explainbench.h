// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `satgpt bench explain`: what one explanation map costs on the full-size model, torch-free
// so the CLI can call it.

#include "core/base/result.h"

#include <cstdint>
#include <string>

namespace satgpt::ml {

struct ExplainBenchOptions
{
    int answerTokens = 20;   ///< generated tokens the Grad-CAM score sums over
    int questionTokens = 12; ///< prompt length for the first-token latency
    int repeats = 5;         ///< timed runs per figure (after one warm-up); medians are reported
    bool fullSize = true;    ///< ViT-B/16 at 224 + GPT-2 small; false: a tiny model (tests)
    uint64_t seed = 1234;
};

/// Median wall times in seconds.
struct ExplainBenchResult
{
    std::string device;
    int threads = 0;
    double gradCam = 0;          ///< Explainer::explain(GradCam), torch-free map included
    double gradCamPlusPlus = 0;
    double rollout = 0;
    double crossAttention = 0;
    /// Baseline: encoder forward (no grad) + teacher-forced decoder forward with its full
    /// [T, vocab] logits + backward of the picked logits to the encoder states. This is the
    /// least a hand-written Grad-CAM must compute.
    double plainForwardBackward = 0;
    /// Naive: the same with autograd through the whole ViT (input pixels require grad), as a
    /// hook-based Grad-CAM on an unmodified model does.
    double naiveForwardBackward = 0;
    double firstTokenLatency = 0; ///< encoder + decoder over start + question, argmax of the next id
    double ratio() const { return plainForwardBackward > 0 ? gradCam / plainForwardBackward : 0; }
};

/// Builds the model with random weights (seeded) and times each figure. Errors (out of
/// memory, library failures) come back as an Error.
Result<ExplainBenchResult> runExplainBench(const ExplainBenchOptions &options);

} // namespace satgpt::ml
