// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Fine-tuning and evaluation of the ViT + GPT-2 model (caption, VQA, classification-as-text).
// Public API without torch or Qt: the CLI worker (`satgpt train` / `satgpt eval`, see
// docs/training.md and the worker protocol) drives it; the GUI only talks to that process.

#include "core/base/result.h"
#include "core/ml/datasets.h"
#include "core/ml/distributed.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace satgpt::ml {

/// Everything a training job needs. Serialised to DIR/job.json (toJson) and read back from a
/// job file (fromJson: every key optional, names as in toJson()).
struct TrainConfig
{
    std::string job = "train";
    std::string model;          ///< HF model folder, or a small config JSON to train from scratch
    std::string data;           ///< data set folder or file (docs/datasets.md)
    TaskKind task = TaskKind::Caption;
    std::string out;            ///< output folder
    std::string resume;         ///< folder with checkpoint-<step>/ sub-folders to continue from ("" = fresh)

    int64_t epochs = 1;
    int64_t maxSteps = 0;       ///< > 0 overrides epochs (optimizer steps)
    int64_t batchSize = 8;
    int64_t gradAccumulation = 1;
    double learningRate = 5e-5;
    double weightDecay = 0.01;
    int64_t warmupSteps = -1;   ///< -1: warmupRatio * total steps
    double warmupRatio = 0.05;
    double maxGradNorm = 1.0;   ///< <= 0 disables clipping
    uint64_t seed = 42;
    bool freezeEncoder = false;
    int64_t freezeEncoderBlocks = 0; ///< freeze patch/position embeddings and the first N ViT blocks

    int64_t evalEverySteps = 0;  ///< 0: at the end of every epoch
    int64_t saveEverySteps = 0;  ///< 0: only at evaluations, cancel and the end
    int64_t saveTotalLimit = 3;  ///< keep the newest N checkpoint-<step> folders (0 = all)
    std::string earlyStoppingMetric = "loss"; ///< metric name of the eval event; "loss" is minimised, others maximised
    int64_t earlyStoppingPatience = 0;         ///< evaluations without improvement before stopping (0 = never)
    int64_t maxEvalSamples = 0;  ///< 0 = the whole validation split
    int64_t maxTargetTokens = 40;
    int64_t maxNewTokens = 32;   ///< greedy generation length at validation
    double validationFraction = 0.1;
    bool augment = true;
    int workers = 2;
    std::string device = "auto"; ///< "auto", "cpu" or "cuda"
    bool autocast = true;        ///< mixed precision on CUDA only
    /// Data parallelism (docs/distributed.md): per-process launch settings, never read from or
    /// written to job.json. batchSize stays per process; the global batch is batchSize * worldSize.
    DistributedConfig distributed;

    std::string toJson() const;
    static Result<TrainConfig> fromJson(const std::string &json, const std::string &pathForErrors = {});
};

/// One line of the worker protocol: `json` is the complete object (with "event" and "time");
/// the other fields repeat what a progress display needs.
struct TrainEvent
{
    std::string type; ///< start, step, eval, checkpoint, log, done
    std::string json;
    int64_t step = 0;
    int64_t totalSteps = 0;
    double progress = 0;
    double loss = 0;
    double etaSeconds = 0;
    std::string message;
};

struct TrainSummary
{
    std::string status; ///< succeeded, canceled
    int64_t step = 0;
    std::string modelDir;
    std::map<std::string, double> bestMetrics;
};

/// Runs one training job on the calling thread. Not copyable; one instance per job.
/// `cancel` is polled after every optimizer step (the CLI sets it on `cancel` / SIGTERM / SIGINT):
/// the trainer then writes a checkpoint, emits `checkpoint` and `done` (canceled) and returns.
class Trainer final
{
public:
    using EventSink = std::function<void(const TrainEvent &)>;

    Trainer(TrainConfig config, ImageLoader loader);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    void setEventSink(EventSink sink);
    /// Errors (bad data, bad model, I/O) also produce a `done` event with status "failed".
    Result<TrainSummary> run(const std::atomic<bool> *cancel = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

struct EvalConfig
{
    std::string model;
    std::string data;
    TaskKind task = TaskKind::Caption;
    std::string split = "test";
    int64_t batchSize = 8;
    int64_t maxSamples = 0;
    int64_t maxNewTokens = 32;
    double validationFraction = 0.1;
    uint64_t seed = 42;
    std::string device = "auto";
};

struct EvalReport
{
    std::string task;
    std::string split;
    int64_t samples = 0;
    std::map<std::string, double> metrics; ///< loss, bleu1..4, rougeL, ciderD, accuracy, macroF1, countMAE, accuracy_<type>
    std::vector<std::string> classNames;
    std::vector<std::vector<int64_t>> confusion;
    struct Prediction
    {
        std::string id;
        std::string prompt;
        std::string prediction;
        std::vector<std::string> references;
    };
    std::vector<Prediction> predictions;
    std::string toJson() const;
    std::string toMarkdown() const;
};

/// Evaluates a model folder on one split (greedy generation + metrics, and the teacher-forced loss).
Result<EvalReport> evaluateModel(const EvalConfig &config, const ImageLoader &loader,
                                 const std::atomic<bool> *cancel = nullptr);

/// Training-throughput measurement on synthetic batches (random pixels and token ids), the model
/// randomly initialised from `modelConfig` (a config JSON as for TrainConfig::model) or one of the
/// presets "full" (ViT-B/16 224 + GPT-2 small with cross-attention, 50257 tokens) and "small"
/// (the from-scratch default of docs/training.md). One step = forward, backward, gradient
/// clipping and an AdamW update, as the trainer runs them.
struct TrainBenchConfig
{
    std::string model = "full";
    int64_t batchSize = 8;
    int64_t tokens = 20;
    int64_t warmupSteps = 2;
    int64_t steps = 3;
    std::string device = "cpu";
};
struct TrainBenchResult
{
    int64_t parameters = 0;
    double samplesPerSecond = 0;
    double secondsPerStep = 0;
    double firstStepSeconds = 0;
    std::string device;
};
Result<TrainBenchResult> benchmarkTraining(const TrainBenchConfig &config);

} // namespace satgpt::ml
