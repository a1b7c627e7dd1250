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

/// One figure: median wall time and median process CPU time, in seconds. On a loaded machine
/// wall time measures the scheduler; with one intra-op thread CPU time measures the work.
struct ExplainBenchFigure
{
    double wall = 0;
    double cpu = 0;
};

struct ExplainBenchResult
{
    std::string device;
    int threads = 0;
    ExplainBenchFigure gradCam;          ///< Explainer::explain(GradCam), torch-free map included
    ExplainBenchFigure gradCamPlusPlus;
    ExplainBenchFigure rollout;
    ExplainBenchFigure crossAttention;
    /// Baseline: encoder forward (no grad) + teacher-forced decoder forward with its full
    /// [T, vocab] logits + backward of the picked logits to the encoder states. This is the
    /// least a hand-written Grad-CAM must compute.
    ExplainBenchFigure plainForwardBackward;
    /// Naive: the same with autograd through the whole ViT (input pixels require grad), as a
    /// hook-based Grad-CAM on an unmodified model does.
    ExplainBenchFigure naiveForwardBackward;
    /// Encoder + decoder over start + question (KV cache), argmax of the next id.
    ExplainBenchFigure firstTokenLatency;
    /// Encoder + greedy generation of the whole answer (answerTokens) after the question.
    ExplainBenchFigure fullAnswerLatency;
    double wallRatio() const { return plainForwardBackward.wall > 0 ? gradCam.wall / plainForwardBackward.wall : 0; }
    double cpuRatio() const { return plainForwardBackward.cpu > 0 ? gradCam.cpu / plainForwardBackward.cpu : 0; }
};

/// Builds the model with random weights (seeded) and times each figure. Errors (out of
/// memory, library failures) come back as an Error.
Result<ExplainBenchResult> runExplainBench(const ExplainBenchOptions &options);

} // namespace satgpt::ml
