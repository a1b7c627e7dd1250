// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/trainer.h"

#include "core/ml/dataloader.h"
#include "core/ml/fusedadamw.h"
#include "core/ml/metrics.h"
#include "core/ml/modelconfig.h"
#include "core/ml/tensorio.h"
#include "core/ml/trainingmodel.h"
#include "core/ml/visionencoderdecoder.h"

#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace satgpt::ml {

// ---------------------------------------------------------------------------------------------
// TrainConfig <-> JSON

std::string TrainConfig::toJson() const
{
    json j;
    j["job"] = job;
    j["model"] = model;
    j["data"] = data;
    j["task"] = taskToString(task);
    j["out"] = out;
    j["resume"] = resume;
    j["epochs"] = epochs;
    j["max_steps"] = maxSteps;
    j["batch_size"] = batchSize;
    j["gradient_accumulation_steps"] = gradAccumulation;
    j["learning_rate"] = learningRate;
    j["weight_decay"] = weightDecay;
    j["warmup_steps"] = warmupSteps;
    j["warmup_ratio"] = warmupRatio;
    j["max_grad_norm"] = maxGradNorm;
    j["seed"] = seed;
    j["freeze_encoder"] = freezeEncoder;
    j["freeze_encoder_blocks"] = freezeEncoderBlocks;
    j["eval_steps"] = evalEverySteps;
    j["save_steps"] = saveEverySteps;
    j["save_total_limit"] = saveTotalLimit;
    j["early_stopping_metric"] = earlyStoppingMetric;
    j["early_stopping_patience"] = earlyStoppingPatience;
    j["max_eval_samples"] = maxEvalSamples;
    j["max_target_tokens"] = maxTargetTokens;
    j["max_new_tokens"] = maxNewTokens;
    j["validation_fraction"] = validationFraction;
    j["augment"] = augment;
    j["workers"] = workers;
    j["device"] = device;
    j["autocast"] = autocast;
    return j.dump(2);
}

Result<TrainConfig> TrainConfig::fromJson(const std::string &text, const std::string &path)
{
    TrainConfig c;
    try {
        const json j = json::parse(text);
        if (!j.is_object())
            return makeError("a training job file must hold a JSON object", path);
        auto get = [&](const char *key, auto &field) {
            if (j.contains(key) && !j[key].is_null())
                field = j[key].get<std::decay_t<decltype(field)>>();
        };
        get("job", c.job);
        get("model", c.model);
        get("data", c.data);
        if (j.contains("task")) {
            const auto t = taskFromString(j["task"].get<std::string>());
            if (!t)
                return makeError("unknown task '" + j["task"].get<std::string>() + "' (caption, vqa, classify, text, mix)", path);
            c.task = *t;
        }
        // The Fine-tune dialog's task mix and several data sources train as one mix.
        const auto count = [&](const char *key) { return j.contains(key) && j[key].is_array() ? j[key].size() : size_t(0); };
        if (count("data_dirs") > 1 || count("tasks") > 1) {
            c.task = TaskKind::Mix;
            if (count("data_dirs") > 0) {
                c.data.clear();
                for (const auto &d : j["data_dirs"])
                    c.data += (c.data.empty() ? "" : ",") + d.get<std::string>();
            }
        }
        get("out", c.out);
        get("resume", c.resume);
        get("epochs", c.epochs);
        get("max_steps", c.maxSteps);
        get("batch_size", c.batchSize);
        get("gradient_accumulation_steps", c.gradAccumulation);
        get("learning_rate", c.learningRate);
        get("lr", c.learningRate);
        get("weight_decay", c.weightDecay);
        get("warmup_steps", c.warmupSteps);
        get("warmup_ratio", c.warmupRatio);
        get("max_grad_norm", c.maxGradNorm);
        get("seed", c.seed);
        get("freeze_encoder", c.freezeEncoder);
        get("freeze_encoder_blocks", c.freezeEncoderBlocks);
        get("eval_steps", c.evalEverySteps);
        get("save_steps", c.saveEverySteps);
        get("save_total_limit", c.saveTotalLimit);
        get("early_stopping_metric", c.earlyStoppingMetric);
        get("early_stopping_patience", c.earlyStoppingPatience);
        get("max_eval_samples", c.maxEvalSamples);
        get("max_target_tokens", c.maxTargetTokens);
        get("max_new_tokens", c.maxNewTokens);
        get("validation_fraction", c.validationFraction);
        get("augment", c.augment);
        get("workers", c.workers);
        get("device", c.device);
        get("autocast", c.autocast);
    } catch (const std::exception &e) {
        return makeError("cannot read the training job", path, e.what());
    }
    return c;
}

namespace {

std::string isoNow()
{
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::ostringstream s;
    s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms << 'Z';
    return s.str();
}

torch::Device chooseDevice(const std::string &name)
{
    if (name == "cuda" || (name == "auto" && torch::cuda::is_available()))
        return torch::Device(torch::kCUDA);
    return torch::Device(torch::kCPU);
}

/// One encoded training/eval batch.
struct Batch
{
    torch::Tensor pixels;      ///< [B, 3, S, S]
    torch::Tensor inputIds;    ///< [B, T] decoder input (start + prompt + target), right-padded
    torch::Tensor labels;      ///< [B, T] next-token targets, -100 on prompt and padding
    std::vector<size_t> indices;
    std::string error;
};

/// Builds batches from samples; thread-safe (only reads shared state).
struct BatchMaker
{
    const std::vector<Sample> *samples = nullptr;
    const ImageLoader *loader = nullptr;
    const TextCodec *codec = nullptr;
    ImageTransform transform;
    AugmentOptions augment;
    uint64_t seed = 42;
    int64_t maxTargetTokens = 40;
    int64_t maxPositions = 1024;
    TaskKind task = TaskKind::Caption;

    std::vector<int64_t> promptIds(const Sample &s) const
    {
        std::vector<int64_t> ids{codec->startId()};
        // VQA, counting and classification samples carry a question; captions and text do not.
        if (!s.question.empty()) {
            const auto q = codec->encode(vqaPrompt(s.question));
            ids.insert(ids.end(), q.begin(), q.end());
        }
        return ids;
    }

    Batch operator()(const std::vector<size_t> &indices, int64_t epoch) const
    {
        Batch b;
        b.indices = indices;
        std::vector<torch::Tensor> images;
        std::vector<std::vector<int64_t>> inputs, labels;
        size_t maxLen = 1;
        for (size_t idx : indices) {
            const Sample &s = (*samples)[idx];
            std::mt19937_64 rng(mixSeed(seed, uint64_t(epoch), idx));
            if (s.kind != TaskKind::Text) {
                auto img = (*loader)(s.imagePath, s.region);
                if (!img) {
                    b.error = img.error().toString();
                    return b;
                }
                if (img->width <= 0 || img->height <= 0 || img->pixels.size() != size_t(img->width * img->height * 3)) {
                    b.error = s.imagePath + ": the image loader returned an empty or inconsistent buffer";
                    return b;
                }
                images.push_back(augmentImage(imageToTensor(*img, transform), rng, augment));
            }
            // One reference per epoch, chosen by (seed, epoch, sample): every caption gets used.
            const std::string &target = s.targets.empty() ? std::string() : s.targets[size_t(rng() % s.targets.size())];
            std::vector<int64_t> in = promptIds(s);
            const size_t promptLen = in.size();
            std::vector<int64_t> tgt = codec->encode(target);
            if (int64_t(tgt.size()) > maxTargetTokens)
                tgt.resize(size_t(maxTargetTokens));
            in.insert(in.end(), tgt.begin(), tgt.end());
            std::vector<int64_t> lab(promptLen - 1, -100);
            lab.insert(lab.end(), tgt.begin(), tgt.end());
            lab.push_back(codec->eosId());
            if (int64_t(in.size()) > maxPositions) {
                in.resize(size_t(maxPositions));
                lab.resize(size_t(maxPositions));
            }
            maxLen = std::max(maxLen, in.size());
            inputs.push_back(std::move(in));
            labels.push_back(std::move(lab));
        }
        const auto n = int64_t(indices.size());
        b.inputIds = torch::full({n, int64_t(maxLen)}, codec->padId(), torch::kLong);
        b.labels = torch::full({n, int64_t(maxLen)}, -100, torch::kLong);
        for (int64_t i = 0; i < n; ++i) {
            const auto len = int64_t(inputs[i].size());
            b.inputIds[i].narrow(0, 0, len).copy_(torch::tensor(inputs[i], torch::kLong));
            b.labels[i].narrow(0, 0, len).copy_(torch::tensor(labels[i], torch::kLong));
        }
        // Text batches (decoder pretraining) have no pixels; a batch never mixes the two.
        if (!images.empty()) {
            if (images.size() != indices.size()) {
                b.error = "a batch mixes samples with and without images";
                return b;
            }
            b.pixels = torch::stack(images);
        }
        return b;
    }
};

/// Greedy decoding with the KV cache, for a batch that shares one prompt length.
std::vector<std::vector<int64_t>> greedyGenerate(const VisionEncoderDecoder &model, const torch::Tensor &pixels,
                                                 const std::vector<std::vector<int64_t>> &prompts, int64_t maxNewTokens,
                                                 int64_t eosId, int64_t maxPositions)
{
    torch::NoGradGuard noGrad;
    const auto B = int64_t(prompts.size());
    const auto enc = model.encode(pixels);
    GPT2Cache cache;
    std::vector<std::vector<int64_t>> out(static_cast<size_t>(B));
    std::vector<bool> finished(size_t(B), false);
    std::vector<int64_t> flat;
    for (const auto &p : prompts)
        flat.insert(flat.end(), p.begin(), p.end());
    torch::Tensor ids = torch::tensor(flat, torch::kLong).view({B, int64_t(prompts[0].size())}).to(pixels.device());
    int64_t length = ids.size(1);
    for (int64_t t = 0; t < maxNewTokens && length < maxPositions; ++t) {
        GPT2Input in;
        in.inputIds = ids;
        in.encoderHiddenStates = enc;
        in.cache = &cache;
        in.lastTokenLogitsOnly = true;
        const auto logits = model.decoder().forward(in).logits;
        const auto next = logits.select(1, logits.size(1) - 1).argmax(-1).to(torch::kCPU);
        const auto *p = next.data_ptr<int64_t>();
        bool all = true;
        for (int64_t b = 0; b < B; ++b) {
            if (!finished[size_t(b)]) {
                if (p[b] == eosId)
                    finished[size_t(b)] = true;
                else
                    out[size_t(b)].push_back(p[b]);
            }
            all = all && finished[size_t(b)];
        }
        if (all)
            break;
        ids = next.view({B, 1}).to(pixels.device());
        ++length;
    }
    return out;
}

struct EvalResult
{
    std::map<std::string, double> metrics;
    std::vector<EvalReport::Prediction> predictions;
    std::vector<std::vector<int64_t>> confusion;
    int64_t tokens = 0;
};

/// Teacher-forced loss plus greedy generation and task metrics over `samples`.
Result<EvalResult> evaluateSamples(TrainingModel &tm, const std::vector<Sample> &samples, TaskKind task,
                                   const std::vector<std::string> &classNames, const ImageLoader &loader,
                                   int64_t batchSize, int64_t maxNewTokens, int64_t maxTargetTokens,
                                   torch::Device device, const std::atomic<bool> *cancel)
{
    EvalResult r;
    if (samples.empty())
        return r;
    auto &model = tm.model();
    model.setTraining(false);
    BatchMaker maker;
    maker.samples = &samples;
    maker.loader = &loader;
    maker.codec = &tm.codec();
    maker.transform = tm.transform();
    maker.maxTargetTokens = maxTargetTokens;
    maker.maxPositions = model.config().decoder.nPositions;
    maker.task = task;
    LoaderOptions lo;
    lo.batchSize = batchSize;
    lo.shuffle = false;
    lo.workers = 1;
    BatchLoader<Batch> batches(samples.size(), lo, maker);
    batches.startEpoch(0);
    double lossSum = 0;
    int64_t lossTokens = 0;
    std::vector<std::string> hyps;
    std::vector<std::vector<std::string>> refs;
    std::vector<std::string> types;
    torch::NoGradGuard noGrad;
    while (auto batch = batches.next()) {
        if (cancel && cancel->load())
            break;
        if (!batch->error.empty())
            return makeError("cannot load a validation image", {}, batch->error);
        const auto pixels = batch->pixels.defined() ? batch->pixels.to(device) : torch::Tensor();
        VisionEncoderDecoderForward fw;
        fw.pixelValues = pixels;
        fw.decoderInputIds = batch->inputIds.to(device);
        fw.labels = batch->labels.to(device);
        const auto out = model.forward(fw);
        const int64_t tokens = (batch->labels != -100).sum().item<int64_t>();
        lossSum += out.loss.item<double>() * double(tokens);
        lossTokens += tokens;
        if (task == TaskKind::Text)
            continue; // a language model is scored by its loss (perplexity) only
        // Greedy generation, grouped by prompt length (captions and classes share the 1-token prompt).
        std::map<size_t, std::vector<int64_t>> groups; // prompt length -> rows
        std::vector<std::vector<int64_t>> prompts;
        for (size_t i = 0; i < batch->indices.size(); ++i) {
            prompts.push_back(maker.promptIds(samples[batch->indices[i]]));
            groups[prompts.back().size()].push_back(int64_t(i));
        }
        std::vector<std::string> generated(batch->indices.size());
        for (const auto &g : groups) {
            std::vector<std::vector<int64_t>> gp;
            for (int64_t row : g.second)
                gp.push_back(prompts[size_t(row)]);
            const auto rows = torch::tensor(g.second, torch::kLong).to(device);
            const auto ids = greedyGenerate(model, pixels.index_select(0, rows), gp, maxNewTokens, tm.codec().eosId(),
                                            model.config().decoder.nPositions);
            for (size_t k = 0; k < g.second.size(); ++k)
                generated[size_t(g.second[k])] = tm.codec().decode(ids[k]);
        }
        for (size_t i = 0; i < batch->indices.size(); ++i) {
            const Sample &s = samples[batch->indices[i]];
            hyps.push_back(generated[i]);
            refs.push_back(s.targets);
            types.push_back(s.questionType);
            r.predictions.push_back({s.id, s.question, generated[i], s.targets});
        }
    }
    r.metrics["loss"] = lossTokens ? lossSum / double(lossTokens) : 0.0;
    r.tokens = lossTokens;
    if (task == TaskKind::Text) {
        r.metrics["perplexity"] = std::exp(r.metrics["loss"]);
    } else if (task == TaskKind::Caption) {
        const auto m = evaluateCaptions(hyps, refs);
        r.metrics["bleu1"] = m.bleu[0];
        r.metrics["bleu2"] = m.bleu[1];
        r.metrics["bleu3"] = m.bleu[2];
        r.metrics["bleu4"] = m.bleu[3];
        r.metrics["rougeL"] = m.rougeL;
        r.metrics["ciderD"] = m.ciderD;
    } else if (task == TaskKind::Vqa) {
        std::vector<std::string> answers;
        for (const auto &rr : refs)
            answers.push_back(rr.empty() ? std::string() : rr[0]);
        const auto m = evaluateVqa(hyps, answers, types);
        r.metrics["accuracy"] = m.accuracy;
        for (const auto &kv : m.accuracyByType)
            if (!kv.first.empty())
                r.metrics["accuracy_" + kv.first] = kv.second;
        if (m.countMaeSamples)
            r.metrics["countMAE"] = m.countMae;
    } else {
        std::vector<int64_t> pred, truth;
        for (size_t i = 0; i < hyps.size(); ++i) {
            int64_t p = -1;
            for (size_t c = 0; c < classNames.size(); ++c)
                if (normalizeAnswer(classNames[c]) == normalizeAnswer(hyps[i]))
                    p = int64_t(c);
            // An answer that names no class counts as wrong; it is booked under an extra column.
            pred.push_back(p < 0 ? int64_t(classNames.size()) : p);
            int64_t t = -1;
            for (size_t c = 0; c < classNames.size(); ++c)
                if (!refs[i].empty() && classNames[c] == refs[i][0])
                    t = int64_t(c);
            truth.push_back(t);
        }
        const auto m = evaluateClassification(pred, truth, int64_t(classNames.size()));
        r.metrics["accuracy"] = m.accuracy;
        r.metrics["macroPrecision"] = m.macroPrecision;
        r.metrics["macroRecall"] = m.macroRecall;
        r.metrics["macroF1"] = m.macroF1;
        r.confusion = m.confusion;
    }
    return r;
}

/// One validation/test group: a data set's samples of one kind, scored with that kind's metrics.
struct EvalGroup
{
    std::string name;
    TaskKind task = TaskKind::Caption;
    std::vector<std::string> classNames;
    std::vector<Sample> samples;
};

struct PreparedData
{
    std::vector<Sample> train;
    std::vector<EvalGroup> groups; ///< of the requested evaluation split
};

/// The training samples and the evaluation groups of `evalSplit` for a single set or a mix. In a
/// mix, sets smaller than 5 % of the training samples are repeated up to that share, so the few
/// real captions and VQA pairs are not drowned by thousands of class-templated samples.
Result<PreparedData> prepareData(const std::string &data, TaskKind task, const SplitOptions &so,
                                 const std::string &evalSplit, int64_t maxEvalSamples)
{
    std::vector<Dataset> sets;
    if (task == TaskKind::Mix) {
        auto mix = loadDataMix(data);
        if (!mix)
            return mix.error();
        sets = std::move(mix).value();
    } else {
        auto d = loadDataset(data, task);
        if (!d)
            return d.error();
        sets.push_back(std::move(d).value());
    }
    PreparedData p;
    std::vector<std::vector<Sample>> trainParts;
    size_t total = 0;
    for (const auto &set : sets) {
        trainParts.push_back(selectSplit(set, "train", so));
        total += trainParts.back().size();
        EvalGroup g;
        g.name = set.name;
        g.task = task == TaskKind::Mix ? set.task : task;
        g.classNames = set.classNames;
        g.samples = selectSplit(set, evalSplit, so);
        if (maxEvalSamples > 0 && int64_t(g.samples.size()) > maxEvalSamples) {
            // Evenly spaced, not the first N: sets are often sorted by class.
            std::vector<Sample> subset;
            const double stride = double(g.samples.size()) / double(maxEvalSamples);
            for (int64_t i = 0; i < maxEvalSamples; ++i)
                subset.push_back(g.samples[size_t(double(i) * stride)]);
            g.samples = std::move(subset);
        }
        if (!g.samples.empty())
            p.groups.push_back(std::move(g));
    }
    for (auto &part : trainParts) {
        size_t repeat = 1;
        if (task == TaskKind::Mix && !part.empty())
            repeat = std::max<size_t>(1, size_t(0.05 * double(total) / double(part.size())));
        for (size_t r = 0; r < repeat; ++r)
            p.train.insert(p.train.end(), part.begin(), part.end());
    }
    return p;
}

/// Scores every group; one group keeps plain metric names, several are prefixed with the group
/// name ("aid/accuracy") and share a token-weighted "loss".
Result<EvalResult> evaluateGroups(TrainingModel &tm, const std::vector<EvalGroup> &groups, const ImageLoader &loader,
                                  int64_t batchSize, int64_t maxNewTokens, int64_t maxTargetTokens, torch::Device device,
                                  const std::atomic<bool> *cancel)
{
    if (groups.size() == 1)
        return evaluateSamples(tm, groups[0].samples, groups[0].task, groups[0].classNames, loader, batchSize,
                               maxNewTokens, maxTargetTokens, device, cancel);
    EvalResult all;
    double lossSum = 0;
    for (const auto &g : groups) {
        auto r = evaluateSamples(tm, g.samples, g.task, g.classNames, loader, batchSize, maxNewTokens, maxTargetTokens,
                                 device, cancel);
        if (!r)
            return r.error();
        for (const auto &kv : r->metrics)
            all.metrics[g.name + "/" + kv.first] = kv.second;
        lossSum += r->metrics["loss"] * double(r->tokens);
        all.tokens += r->tokens;
        for (auto &pr : r->predictions) {
            pr.id = g.name + ":" + pr.id;
            all.predictions.push_back(std::move(pr));
        }
    }
    all.metrics["loss"] = all.tokens ? lossSum / double(all.tokens) : 0.0;
    return all;
}

/// optimizer.zero_grad() with set_to_none (PyTorch's default since 2.0; libtorch 1.13 only
/// zeroes): the gradient buffers are freed between steps, so they never coexist with the next
/// forward pass's activations, which lowers the peak memory by up to the size of the gradients.
void releaseGradients(const std::vector<torch::Tensor> &params)
{
    for (auto p : params)
        if (p.grad().defined())
            p.mutable_grad() = torch::Tensor();
}

double lrFactor(int64_t step, int64_t warmup, int64_t total)
{
    // HF get_cosine_schedule_with_warmup, evaluated at the optimizer step about to be taken.
    if (step < warmup)
        return double(step) / double(std::max<int64_t>(1, warmup));
    const double progress = double(step - warmup) / double(std::max<int64_t>(1, total - warmup));
    return std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress))));
}

std::vector<std::pair<int64_t, fs::path>> listCheckpoints(const fs::path &dir)
{
    std::vector<std::pair<int64_t, fs::path>> out;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        if (e.is_directory() && n.rfind("checkpoint-", 0) == 0 && fs::exists(e.path() / "trainer_state.json")) {
            try {
                out.emplace_back(std::stoll(n.substr(11)), e.path());
            } catch (...) {
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Trainer

struct Trainer::Impl
{
    TrainConfig cfg;
    ImageLoader loader;
    EventSink sink;
    std::ofstream metricsLog;
    /// Rank 0 (or a single process) reports and writes; the other ranks of a data-parallel job
    /// only pass on warnings, errors and their `done` event (tagged with "rank").
    bool isMain = true;
    int rank = 0;

    void emit(const std::string &type, json j, double progress = 0, double loss = 0, double eta = 0,
              int64_t total = 0, const std::string &message = {})
    {
        json line;
        line["event"] = type;
        line["time"] = isoNow();
        for (auto it = j.begin(); it != j.end(); ++it)
            line[it.key()] = it.value();
        if (!isMain) {
            if (type != "done" && !(type == "log" && line.value("level", std::string()) != "info"))
                return;
            line["rank"] = rank;
        }
        TrainEvent e;
        e.type = type;
        e.json = line.dump(-1, ' ', false, json::error_handler_t::replace);
        e.step = line.value("step", int64_t(0));
        e.totalSteps = total;
        e.progress = progress;
        e.loss = loss;
        e.etaSeconds = eta;
        e.message = message;
        if ((type == "step" || type == "eval") && metricsLog.is_open()) {
            metricsLog << e.json << '\n';
            metricsLog.flush();
        }
        if (sink)
            sink(e);
    }
    void log(const std::string &level, const std::string &message)
    {
        emit("log", {{"level", level}, {"message", message}}, 0, 0, 0, 0, message);
    }
    Result<TrainSummary> fail(const Error &error, int64_t step)
    {
        emit("done", {{"status", "failed"}, {"step", step}, {"model_dir", ""}, {"message", error.toString()}}, 0, 0, 0, 0,
             error.toString());
        return error;
    }

    Result<TrainSummary> run(const std::atomic<bool> *cancel);
};

Trainer::Trainer(TrainConfig config, ImageLoader loader) : d(std::make_unique<Impl>())
{
    d->cfg = std::move(config);
    d->loader = std::move(loader);
}

Trainer::~Trainer() = default;

void Trainer::setEventSink(EventSink sink) { d->sink = std::move(sink); }

Result<TrainSummary> Trainer::run(const std::atomic<bool> *cancel)
{
    try {
        return d->run(cancel);
    } catch (const c10::Error &e) {
        return d->fail(makeError("training failed in libtorch", {}, e.what_without_backtrace()), 0);
    } catch (const std::exception &e) {
        return d->fail(makeError("training failed", {}, e.what()), 0);
    }
}

Result<TrainSummary> Trainer::Impl::run(const std::atomic<bool> *cancel)
{
    const TrainConfig &c = cfg;
    const DistributedConfig &dist = c.distributed;
    isMain = dist.isMain();
    rank = dist.rank;
    if (c.out.empty())
        return fail(makeError("no output folder given (--out)"), 0);
    if (c.batchSize <= 0 || c.gradAccumulation <= 0)
        return fail(makeError("batch size and gradient accumulation must be positive"), 0);
    if (auto st = dist.validate(); !st)
        return fail(st.error(), 0);
    std::error_code ec;
    if (isMain) {
        fs::create_directories(c.out, ec);
        if (ec)
            return fail(makeError("cannot create the output folder", c.out, ec.message()), 0);
    }

    // Resume: the newest checkpoint in the resume folder (or in --out when --resume names it).
    fs::path resumeFrom;
    json state;
    if (!c.resume.empty()) {
        const auto cps = listCheckpoints(c.resume);
        if (cps.empty() && fs::exists(fs::path(c.resume) / "trainer_state.json"))
            resumeFrom = c.resume;
        else if (!cps.empty())
            resumeFrom = cps.back().second;
        else
            return fail(makeError("no checkpoint-<step> folder to resume from", c.resume), 0);
        std::ifstream in(resumeFrom / "trainer_state.json");
        try {
            state = json::parse(in);
        } catch (const std::exception &e) {
            return fail(makeError("cannot read trainer_state.json", (resumeFrom / "trainer_state.json").string(), e.what()), 0);
        }
    }

    torch::Device device = chooseDevice(c.device);
    if (device.is_cuda() && dist.isDistributed())
        device = torch::Device(torch::kCUDA, c10::DeviceIndex(dist.localRank));
    // Every rank joins before anything slow happens, so a wrong address fails fast.
    std::unique_ptr<DataParallelGroup> group;
    if (dist.isDistributed()) {
        auto g = DataParallelGroup::connect(dist, device.is_cuda());
        if (!g)
            return fail(g.error(), 0);
        group = std::move(g).value();
    }
    const int64_t worldSize = dist.worldSize;
    torch::manual_seed(c.seed);
    auto tmResult = resumeFrom.empty() ? TrainingModel::load(c.model, c.seed) : TrainingModel::load(resumeFrom.string(), c.seed);
    if (!tmResult)
        return fail(tmResult.error(), 0);
    TrainingModel &tm = *tmResult.value();
    tm.to(device);

    SplitOptions so;
    so.seed = c.seed;
    so.validationFraction = c.validationFraction;
    auto prepared = prepareData(c.data, c.task, so, "validation", c.maxEvalSamples);
    if (!prepared)
        return fail(prepared.error(), 0);
    const std::vector<Sample> &train = prepared->train;
    const std::vector<EvalGroup> &validation = prepared->groups;
    int64_t validationSamples = 0;
    for (const auto &g : validation)
        validationSamples += int64_t(g.samples.size());
    if (train.empty())
        return fail(makeError("the data set has no training samples", c.data), 0);
    if (group) {
        // Every rank must see the same samples in the same order, or the slices overlap.
        const double n = double(train.size());
        auto counts = torch::tensor({n, -n}, torch::kFloat64).to(device);
        if (auto st = group->allReduceMax(counts); !st)
            return fail(st.error(), 0);
        counts = counts.cpu();
        if (counts[0].item<double>() != n || -counts[1].item<double>() != n)
            return fail(makeError("the ranks read different training sets (" + std::to_string(train.size()) +
                                      " samples here); every process needs the same --data",
                                  c.data),
                        0);
        // Identical start weights on every rank, whatever the initialisation did.
        std::vector<torch::Tensor> params;
        for (const auto &np : tm.namedParameters())
            params.push_back(np.second);
        if (auto st = group->broadcastFromMain(params); !st)
            return fail(st.error(), 0);
    }

    if (isMain) {
        std::ofstream job(fs::path(c.out) / "job.json");
        job << c.toJson() << '\n';
        metricsLog.open(fs::path(c.out) / "metrics.jsonl", std::ios::app);
    }

    // Trainable parameters: everything except the frozen encoder part.
    const auto named = tm.namedParameters();
    std::vector<torch::Tensor> decay, noDecay, trainable;
    std::vector<std::string> trainableNames;
    for (const auto &np : named) {
        const std::string &name = np.first;
        bool frozen = false;
        if (name.rfind("encoder.", 0) == 0) {
            if (c.freezeEncoder)
                frozen = true;
            else if (c.freezeEncoderBlocks > 0) {
                if (name.rfind("encoder.embeddings.", 0) == 0)
                    frozen = true;
                const std::string layerPrefix = "encoder.encoder.layer.";
                if (name.rfind(layerPrefix, 0) == 0) {
                    const int64_t k = std::stoll(name.substr(layerPrefix.size()));
                    frozen = k < c.freezeEncoderBlocks;
                }
            }
        }
        torch::Tensor p = np.second;
        p.set_requires_grad(!frozen);
        if (frozen)
            continue;
        trainable.push_back(p);
        trainableNames.push_back(name);
        // Biases and LayerNorm gains (the 1-D tensors) take no weight decay, as in HF's Trainer.
        (p.dim() < 2 ? noDecay : decay).push_back(p);
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(c.learningRate).weight_decay(0.0)));
    FusedAdamW optimizer(std::move(groups), torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay));

    // Data.
    BatchMaker maker;
    maker.samples = &train;
    maker.loader = &loader;
    maker.codec = &tm.codec();
    maker.transform = tm.transform();
    maker.augment.enabled = c.augment;
    maker.seed = c.seed;
    maker.maxTargetTokens = c.maxTargetTokens;
    maker.maxPositions = tm.model().config().decoder.nPositions;
    maker.task = c.task;
    // Data parallelism: every rank walks the same shuffled order in global batches of
    // batchSize * worldSize and builds only its slice [rank * batchSize, (rank + 1) * batchSize);
    // the last global batch of an epoch may leave a rank an empty slice.
    LoaderOptions lo;
    lo.batchSize = c.batchSize * worldSize;
    lo.seed = c.seed;
    lo.workers = std::max(1, c.workers);
    const auto buildSlice = [&maker, worldSize, r = int64_t(dist.rank), b = c.batchSize](const std::vector<size_t> &global,
                                                                                       int64_t epochIndex) {
        if (worldSize == 1)
            return maker(global, epochIndex);
        const size_t first = std::min(global.size(), size_t(r * b));
        const size_t last = std::min(global.size(), size_t((r + 1) * b));
        if (first == last)
            return Batch{};
        return maker(std::vector<size_t>(global.begin() + std::ptrdiff_t(first), global.begin() + std::ptrdiff_t(last)),
                     epochIndex);
    };
    BatchLoader<Batch> batches(train.size(), lo, buildSlice);
    const int64_t batchesPerEpoch = batches.batchesPerEpoch();
    const int64_t stepsPerEpoch = (batchesPerEpoch + c.gradAccumulation - 1) / c.gradAccumulation;
    const int64_t totalSteps = c.maxSteps > 0 ? c.maxSteps : stepsPerEpoch * std::max<int64_t>(1, c.epochs);
    const int64_t epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
    const int64_t warmup = c.warmupSteps >= 0 ? c.warmupSteps : int64_t(std::llround(c.warmupRatio * double(totalSteps)));

    // State (fresh or from the checkpoint).
    int64_t step = 0, epoch = 0, batchInEpoch = 0;
    double bestValue = std::numeric_limits<double>::quiet_NaN();
    int64_t bestStep = -1, evalsWithoutImprovement = 0;
    json bestMetrics = json::object();
    const bool minimise = c.earlyStoppingMetric == "loss";
    if (!resumeFrom.empty()) {
        step = state.value("global_step", int64_t(0));
        epoch = state.value("epoch", int64_t(0));
        batchInEpoch = state.value("batch_in_epoch", int64_t(0));
        if (state.contains("best_metric") && state["best_metric"].is_number())
            bestValue = state["best_metric"].get<double>();
        bestStep = state.value("best_step", int64_t(-1));
        evalsWithoutImprovement = state.value("evals_without_improvement", int64_t(0));
        if (state.contains("best_metrics"))
            bestMetrics = state["best_metrics"];
        auto st = tm.loadOptimizerState(resumeFrom.string(), optimizer, trainable, trainableNames);
        if (!st)
            return fail(st.error(), 0);
        const int64_t savedGlobalBatch = state.contains("data_order")
                                             ? state["data_order"].value("global_batch_size",
                                                                         state["data_order"].value("batch_size", c.batchSize))
                                             : c.batchSize;
        if (savedGlobalBatch != c.batchSize * worldSize)
            log("warning", "the checkpoint was written with a global batch of " + std::to_string(savedGlobalBatch) +
                               ", this run uses " + std::to_string(c.batchSize * worldSize) +
                               ": the data position within the epoch is not the one of the interrupted run");
    }
    // Rank 0 keeps the seeded (or restored) generator, so one process behaves exactly as before;
    // the other ranks draw their own dropout masks.
    if (dist.rank > 0)
        torch::manual_seed(mixSeed(c.seed, uint64_t(dist.rank), uint64_t(step)));

    emit("start",
         {{"job", c.job}, {"out", c.out}, {"total_steps", totalSteps}, {"epochs", epochs}, {"samples", int64_t(train.size())},
          {"device", device.is_cuda() ? "cuda" : "cpu"}, {"resumed_from_step", step}, {"world_size", worldSize},
          {"global_batch_size", c.batchSize * worldSize}},
         0, 0, 0, totalSteps);
    if (!validation.empty())
        log("info", std::to_string(train.size()) + " training and " + std::to_string(validationSamples) + " validation samples in " +
                        std::to_string(validation.size()) + " group(s)");
    else
        log("warning", "no validation samples: evaluation and best-model selection are skipped");

    const auto saveCheckpoint = [&](bool isBest) -> Status {
        const fs::path dir = fs::path(c.out) / ("checkpoint-" + std::to_string(step));
        auto st = tm.save(dir.string());
        if (!st)
            return st;
        st = tm.saveOptimizerState(dir.string(), optimizer, trainable, trainableNames);
        if (!st)
            return st;
        json s;
        s["global_step"] = step;
        s["epoch"] = epoch;
        s["batch_in_epoch"] = batchInEpoch;
        s["total_steps"] = totalSteps;
        s["warmup_steps"] = warmup;
        s["learning_rate"] = c.learningRate * lrFactor(step, warmup, totalSteps);
        s["best_metric"] = std::isnan(bestValue) ? json(nullptr) : json(bestValue);
        s["best_step"] = bestStep;
        s["best_metrics"] = bestMetrics;
        s["evals_without_improvement"] = evalsWithoutImprovement;
        s["early_stopping_metric"] = c.earlyStoppingMetric;
        s["seed"] = c.seed;
        s["data_order"] = {{"seed", c.seed},           {"epoch", epoch},
                           {"next_batch", batchInEpoch}, {"batch_size", c.batchSize},
                           {"world_size", worldSize},    {"global_batch_size", c.batchSize * worldSize}};
        std::ofstream out(dir / "trainer_state.json");
        out << s.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
        if (!out)
            return makeError("cannot write trainer_state.json", (dir / "trainer_state.json").string());
        emit("checkpoint", {{"step", step}, {"path", dir.string()}, {"best", isBest}});
        // Keep the newest N checkpoints.
        if (c.saveTotalLimit > 0) {
            auto cps = listCheckpoints(c.out);
            while (int64_t(cps.size()) > c.saveTotalLimit) {
                fs::remove_all(cps.front().second, ec);
                cps.erase(cps.begin());
            }
        }
        return {};
    };

    bool stopEarly = false;
    // Validation runs on rank 0 alone (the other ranks wait in the next collective): the metrics
    // need every prediction in one place, and it is a small share of a run.
    const auto runEval = [&]() -> Result<bool> {
        if (validation.empty() || !isMain)
            return false;
        auto r = evaluateGroups(tm, validation, loader, c.batchSize, c.maxNewTokens, c.maxTargetTokens, device, cancel);
        tm.model().setTraining(true);
        if (!r)
            return r.error();
        json metrics(r->metrics);
        emit("eval", {{"step", step}, {"epoch", epoch}, {"split", "validation"}, {"metrics", metrics}});
        const auto it = r->metrics.find(c.earlyStoppingMetric);
        if (it == r->metrics.end())
            return false;
        const bool better = std::isnan(bestValue) || (minimise ? it->second < bestValue : it->second > bestValue);
        if (better) {
            bestValue = it->second;
            bestStep = step;
            bestMetrics = metrics;
            evalsWithoutImprovement = 0;
            auto st = tm.save((fs::path(c.out) / "best").string());
            if (!st)
                return st.error();
        } else if (++evalsWithoutImprovement >= c.earlyStoppingPatience && c.earlyStoppingPatience > 0) {
            stopEarly = true;
            log("info", "early stopping: " + c.earlyStoppingMetric + " did not improve for " +
                            std::to_string(evalsWithoutImprovement) + " evaluations");
        }
        return better;
    };

    tm.model().setTraining(true);
    const bool useAutocast = c.autocast && device.is_cuda();
    auto started = std::chrono::steady_clock::now();
    const int64_t startStep = step;
    bool canceled = false;
    int64_t micro = 0;
    double accumulatedLoss = 0;
    std::string status = "succeeded";

    while (step < totalSteps && !canceled && !stopEarly) {
        batches.startEpoch(epoch, batchInEpoch);
        while (step < totalSteps) {
            auto batch = batches.next();
            if (!batch)
                break;
            if (!batch->error.empty())
                return fail(makeError("cannot load a training image", {}, batch->error), step);
            ++batchInEpoch;
            // The loss is a mean over target tokens. Across ranks, each rank's mean is weighted by
            // its share of the global batch's tokens, so the summed gradients equal those of one
            // process running the whole global batch.
            double weight = 1.0;
            const bool hasRows = !batch->indices.empty();
            if (group) {
                const double tokens = hasRows ? double((batch->labels != -100).sum().item<int64_t>()) : 0.0;
                auto total = torch::tensor({tokens}, torch::kFloat64).to(device);
                if (auto st = group->allReduceSum({total}); !st)
                    return fail(st.error(), step);
                const double globalTokens = total.cpu().item<double>();
                weight = globalTokens > 0 ? tokens / globalTokens : 0.0;
            }
            if (hasRows) {
                VisionEncoderDecoderForward fw;
                if (batch->pixels.defined())
                    fw.pixelValues = batch->pixels.to(device);
                fw.decoderInputIds = batch->inputIds.to(device);
                fw.labels = batch->labels.to(device);
                if (useAutocast)
                    at::autocast::set_enabled(true);
                auto out = tm.model().forward(fw);
                if (useAutocast) {
                    at::autocast::set_enabled(false);
                    at::autocast::clear_cache();
                }
                const auto loss = group ? out.loss.to(torch::kFloat32) * (weight / double(c.gradAccumulation))
                                        : out.loss.to(torch::kFloat32) / double(c.gradAccumulation);
                loss.backward();
                accumulatedLoss += loss.item<double>();
            }
            ++micro;
            const bool endOfEpoch = batchInEpoch >= batchesPerEpoch;
            if (micro % c.gradAccumulation != 0 && !endOfEpoch)
                continue;
            if (group) {
                if (auto st = group->allReduceGradients(trainable); !st)
                    return fail(st.error(), step);
                auto lossSum = torch::tensor({accumulatedLoss}, torch::kFloat64).to(device);
                if (auto st = group->allReduceSum({lossSum}); !st)
                    return fail(st.error(), step);
                accumulatedLoss = lossSum.cpu().item<double>();
            }
            if (c.maxGradNorm > 0)
                torch::nn::utils::clip_grad_norm_(trainable, c.maxGradNorm);
            const double lr = c.learningRate * lrFactor(step, warmup, totalSteps);
            for (auto &g : optimizer.param_groups())
                static_cast<torch::optim::AdamWOptions &>(g.options()).lr(lr);
            optimizer.step();
            releaseGradients(trainable);
            ++step;
            const double stepLoss = accumulatedLoss * double(c.gradAccumulation) / double(micro);
            accumulatedLoss = 0;
            micro = 0;
            if (endOfEpoch) {
                ++epoch;
                batchInEpoch = 0;
            }
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const double samplesPerS =
                elapsed > 0 ? double((step - startStep) * c.batchSize * worldSize * c.gradAccumulation) / elapsed : 0;
            const double eta = step > startStep ? elapsed / double(step - startStep) * double(totalSteps - step) : 0;
            const double progress = double(step) / double(totalSteps);
            emit("step",
                 {{"step", step}, {"epoch", epoch}, {"loss", stepLoss}, {"lr", lr}, {"samples_per_s", samplesPerS},
                  {"eta_s", eta}, {"progress", progress}},
                 progress, stepLoss, eta, totalSteps);

            const bool evalNow = c.evalEverySteps > 0 ? step % c.evalEverySteps == 0 : endOfEpoch;
            bool isBest = false;
            if (evalNow || step == totalSteps) {
                auto r = runEval();
                if (!r)
                    return fail(r.error(), step);
                isBest = r.value();
            }
            const bool saveNow = (c.saveEverySteps > 0 && step % c.saveEverySteps == 0) || evalNow;
            canceled = cancel && cancel->load();
            if (group) {
                // A cancel on any rank and rank 0's early stop end every rank at this step.
                auto flags = torch::tensor({canceled ? 1.0 : 0.0, stopEarly ? 1.0 : 0.0}, torch::kFloat64).to(device);
                if (auto st = group->allReduceMax(flags); !st)
                    return fail(st.error(), step);
                flags = flags.cpu();
                canceled = flags[0].item<double>() > 0;
                stopEarly = flags[1].item<double>() > 0;
            }
            if (isMain && (saveNow || canceled || stopEarly || step == totalSteps)) {
                auto st = saveCheckpoint(isBest);
                if (!st)
                    return fail(st.error(), step);
            }
            if (canceled || stopEarly)
                break;
            if (endOfEpoch)
                break;
        }
        if (canceled || stopEarly)
            break;
        // The epoch ran out of batches without an optimizer step at its end (cannot happen with
        // the end-of-epoch flush above, but keeps the loop safe for an empty loader).
        if (batchInEpoch >= batchesPerEpoch) {
            ++epoch;
            batchInEpoch = 0;
        }
    }
    batches.stop();
    if (canceled)
        status = "canceled";

    std::string modelDir;
    if (!canceled) {
        if (isMain) {
            auto st = tm.save((fs::path(c.out) / "final").string());
            if (!st)
                return fail(st.error(), step);
        }
        modelDir = bestStep >= 0 ? (fs::path(c.out) / "best").string() : (fs::path(c.out) / "final").string();
    } else {
        modelDir = (fs::path(c.out) / ("checkpoint-" + std::to_string(step))).string();
    }
    TrainSummary summary;
    summary.status = status;
    summary.step = step;
    summary.modelDir = modelDir;
    for (auto it = bestMetrics.begin(); it != bestMetrics.end(); ++it)
        if (it.value().is_number())
            summary.bestMetrics[it.key()] = it.value().get<double>();
    emit("done",
         {{"status", status}, {"step", step}, {"model_dir", modelDir},
          {"message", canceled ? "canceled at step " + std::to_string(step) : (stopEarly ? "stopped early" : "finished")}},
         1.0, 0, 0, totalSteps);
    return summary;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

std::string EvalReport::toJson() const
{
    json j;
    j["task"] = task;
    j["split"] = split;
    j["samples"] = samples;
    j["metrics"] = metrics;
    if (!classNames.empty()) {
        j["class_names"] = classNames;
        j["confusion"] = confusion;
    }
    json preds = json::array();
    for (const auto &p : predictions)
        preds.push_back({{"id", p.id}, {"question", p.prompt}, {"prediction", p.prediction}, {"references", p.references}});
    j["predictions"] = preds;
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string EvalReport::toMarkdown() const
{
    std::ostringstream s;
    s << "# Evaluation: " << task << " (" << split << ", " << samples << " samples)\n\n";
    s << "| metric | value |\n|---|---|\n";
    for (const auto &kv : metrics)
        s << "| " << kv.first << " | " << std::fixed << std::setprecision(4) << kv.second << " |\n";
    if (!classNames.empty() && !confusion.empty()) {
        s << "\n## Confusion matrix (rows: truth, columns: prediction)\n\n|  |";
        for (const auto &n : classNames)
            s << ' ' << n << " |";
        if (confusion.size() > classNames.size())
            s << " (other) |";
        s << "\n|---|";
        for (size_t i = 0; i < confusion.size(); ++i)
            s << "---|";
        s << '\n';
        for (size_t r = 0; r < classNames.size() && r < confusion.size(); ++r) {
            s << "| " << classNames[r] << " |";
            for (auto v : confusion[r])
                s << ' ' << v << " |";
            s << '\n';
        }
    }
    if (!predictions.empty()) {
        s << "\n## Predictions (first 20)\n\n| id | question | prediction | reference |\n|---|---|---|---|\n";
        for (size_t i = 0; i < predictions.size() && i < 20; ++i) {
            const auto &p = predictions[i];
            s << "| " << p.id << " | " << p.prompt << " | " << p.prediction << " | "
              << (p.references.empty() ? std::string() : p.references[0]) << " |\n";
        }
    }
    return s.str();
}

Result<EvalReport> evaluateModel(const EvalConfig &config, const ImageLoader &loader, const std::atomic<bool> *cancel)
{
    try {
        const torch::Device device = chooseDevice(config.device);
        auto tm = TrainingModel::load(config.model, config.seed);
        if (!tm)
            return tm.error();
        tm.value()->to(device);
        SplitOptions so;
        so.seed = config.seed;
        so.validationFraction = config.validationFraction;
        auto prepared = prepareData(config.data, config.task, so, config.split, config.maxSamples);
        if (!prepared)
            return prepared.error();
        if (prepared->groups.empty())
            return makeError("the split '" + config.split + "' of the data set is empty", config.data);
        auto r = evaluateGroups(*tm.value(), prepared->groups, loader, config.batchSize, config.maxNewTokens, 64, device,
                                cancel);
        if (!r)
            return r.error();
        EvalReport report;
        report.task = taskToString(config.task);
        report.split = normalizeSplit(config.split);
        for (const auto &g : prepared->groups)
            report.samples += int64_t(g.samples.size());
        report.metrics = r->metrics;
        report.predictions = r->predictions;
        if (prepared->groups.size() == 1)
            report.classNames = prepared->groups[0].classNames;
        report.confusion = r->confusion;
        return report;
    } catch (const c10::Error &e) {
        return makeError("evaluation failed in libtorch", config.model, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("evaluation failed", config.model, e.what());
    }
}

// ---------------------------------------------------------------------------------------------
// Throughput benchmark

Result<TrainBenchResult> benchmarkTraining(const TrainBenchConfig &config)
{
    try {
        json cfg;
        if (config.model == "full") {
            cfg = {{"model_type", "vision-encoder-decoder"},
                   {"decoder_start_token_id", 50256},
                   {"pad_token_id", 50256},
                   {"eos_token_id", 50256},
                   {"encoder", {{"model_type", "vit"}, {"hidden_size", 768}, {"num_hidden_layers", 12},
                                {"num_attention_heads", 12}, {"intermediate_size", 3072}, {"image_size", 224},
                                {"patch_size", 16}, {"qkv_bias", true}}},
                   {"decoder", {{"model_type", "gpt2"}, {"vocab_size", 50257}, {"n_positions", 1024}, {"n_embd", 768},
                                {"n_layer", 12}, {"n_head", 12}, {"add_cross_attention", true}, {"is_decoder", true}}}};
        } else if (config.model == "small") {
            cfg = json::parse(R"({"image_size": 32, "patch_size": 8, "hidden_size": 64, "num_heads": 2,
                                  "encoder_layers": 2, "decoder_layers": 2, "max_positions": 128})");
        } else {
            std::ifstream in(config.model);
            if (!in)
                return makeError("cannot open the model config", config.model);
            cfg = json::parse(in);
        }
        // Through a temporary file so the bench builds the model exactly as training does.
        const fs::path tmp = fs::temp_directory_path() / ("satgpt-bench-" + std::to_string(::getpid()) + ".json");
        {
            std::ofstream out(tmp);
            out << cfg.dump();
        }
        auto tm = TrainingModel::load(tmp.string(), 42, false);
        std::error_code ec;
        fs::remove(tmp, ec);
        if (!tm)
            return tm.error();
        const torch::Device device = chooseDevice(config.device);
        tm.value()->to(device);
        auto &model = tm.value()->model();
        model.setTraining(true);
        std::vector<torch::Tensor> params;
        TrainBenchResult r;
        for (auto &np : tm.value()->namedParameters()) {
            np.second.set_requires_grad(true);
            params.push_back(np.second);
            r.parameters += np.second.numel();
        }
        FusedAdamW optimizer(params, torch::optim::AdamWOptions(1e-5).weight_decay(0.01));
        const auto &vc = model.config();
        const int64_t size = vc.encoder.imageSize;
        torch::manual_seed(1);
        const auto pixels = torch::randn({config.batchSize, 3, size, size}).to(device);
        const auto ids = torch::randint(0, std::min<int64_t>(vc.decoder.vocabSize, 256), {config.batchSize, config.tokens},
                                        torch::kLong)
                             .to(device);
        const auto step = [&] {
            VisionEncoderDecoderForward fw;
            fw.pixelValues = pixels;
            fw.decoderInputIds = ids;
            fw.labels = ids;
            auto out = model.forward(fw);
            out.loss.backward();
            torch::nn::utils::clip_grad_norm_(params, 1.0);
            optimizer.step();
            releaseGradients(params);
            if (device.is_cuda())
                torch::cuda::synchronize();
        };
        for (int64_t i = 0; i < std::max<int64_t>(1, config.warmupSteps); ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            step();
            if (i == 0)
                r.firstStepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < std::max<int64_t>(1, config.steps); ++i)
            step();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        r.secondsPerStep = seconds / double(std::max<int64_t>(1, config.steps));
        r.samplesPerSecond = double(config.batchSize) / r.secondsPerStep;
        r.device = device.is_cuda() ? "cuda" : "cpu";
        return r;
    } catch (const c10::Error &e) {
        return makeError("the training benchmark failed in libtorch", config.model, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("the training benchmark failed", config.model, e.what());
    }
}

} // namespace satgpt::ml
