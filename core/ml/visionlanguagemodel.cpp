// SPDX-License-Identifier: GPL-3.0-or-later
#include "visionlanguagemodel.h"

#include "generation.h"
#include "hfcheckpoint.h"
#include "imageprocessor.h"
#include "modelconfig.h"
#include "tokenizer.h"
#include "visionencoderdecoder.h"

#include <algorithm>
#include <cctype>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <mutex>

namespace satgpt::ml {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

/// Bytes of `text` that form complete UTF-8 sequences; a trailing partial one is held back.
size_t completeUtf8Prefix(const std::string &text)
{
    size_t n = text.size();
    size_t i = n;
    int back = 0;
    while (i > 0 && back < 4) {
        const auto c = static_cast<unsigned char>(text[i - 1]);
        if ((c & 0xC0) != 0x80) {
            const int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return (n - (i - 1)) >= static_cast<size_t>(need) ? n : i - 1;
        }
        --i;
        ++back;
    }
    return n;
}

const char *dtypeName(torch::Dtype t)
{
    switch (t) {
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: return "float32";
    }
}

} // namespace

struct VisionLanguageModel::Private
{
    std::unique_ptr<VisionEncoderDecoder> model;
    std::optional<Gpt2Tokenizer> tokenizer;
    ImageProcessorConfig processor;
    GenerationConfig generation;
    HfFolderInfo folder;
    ModelInfo info;
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;
    std::recursive_mutex mutex;
    GenerationStepCallback onStep; // set by generate() for streaming, cleared after

    std::vector<int64_t> eosIds(const GenerationSettings &s) const
    {
        std::vector<int64_t> ids;
        if (generation.eosTokenId)
            ids.push_back(*generation.eosTokenId);
        else if (model->config().eosTokenId)
            ids.push_back(*model->config().eosTokenId);
        else if (model->config().decoder.eosTokenId)
            ids.push_back(*model->config().decoder.eosTokenId);
        for (auto id : s.stopTokenIds)
            ids.push_back(id);
        return ids;
    }
    int64_t padId() const
    {
        if (generation.padTokenId)
            return *generation.padTokenId;
        if (model->config().padTokenId)
            return *model->config().padTokenId;
        auto eos = eosIds({});
        return eos.empty() ? 0 : eos.front();
    }
    int64_t startId() const
    {
        if (generation.decoderStartTokenId)
            return *generation.decoderStartTokenId;
        return model->decoderStartTokenId();
    }
};

VisionLanguageModel::VisionLanguageModel()
    : d(std::make_unique<Private>())
{
}

VisionLanguageModel::~VisionLanguageModel() = default;

std::string VisionLanguageModel::questionPrompt(const std::string &question)
{
    // Lower case (ASCII) so "What is the land cover?" typed in the chat meets the same tokens as
    // the lower-case questions of training; a compact BPE vocabulary has no capitalised forms.
    std::string q = trim(question);
    std::transform(q.begin(), q.end(), q.begin(), [](unsigned char c) { return char(c < 128 ? std::tolower(c) : c); });
    return "question: " + q + " answer:";
}

Result<std::unique_ptr<VisionLanguageModel>> VisionLanguageModel::load(const std::string &dir, const DeviceOptions &options)
{
    try {
        std::unique_ptr<VisionLanguageModel> vlm(new VisionLanguageModel());
        Private &p = *vlm->d;
        const bool cuda = options.device == ComputeDevice::Cuda
            || (options.device == ComputeDevice::Auto && torch::cuda::is_available());
        if (cuda && !torch::cuda::is_available())
            return makeError("CUDA was requested but is not available", dir,
                             "this libtorch has no CUDA support or no GPU is visible");
        p.device = cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.cudaIndex)) : torch::Device(torch::kCPU);
        switch (options.precision) {
        case ComputePrecision::Float32: p.dtype = torch::kFloat32; break;
        case ComputePrecision::Float16: p.dtype = torch::kFloat16; break;
        case ComputePrecision::BFloat16: p.dtype = torch::kBFloat16; break;
        case ComputePrecision::Auto: p.dtype = cuda ? torch::kFloat16 : torch::kFloat32; break;
        }
        if (!cuda && p.dtype != torch::kFloat32)
            return makeError("half precision needs CUDA", dir, "use float32 on the CPU");

        HfLoadOptions lo;
        lo.device = p.device;
        lo.dtype = p.dtype;
        auto model = loadVisionEncoderDecoder(dir, lo, &p.folder);
        if (!model)
            return model.error();
        p.model = std::move(model).value();
        p.generation = GenerationConfig::fromJson(p.folder.generationConfig);
        if (!p.folder.preprocessorConfig.is_null()) {
            auto pc = ImageProcessorConfig::fromJson(p.folder.preprocessorConfig, (std::filesystem::path(dir) / "preprocessor_config.json").string());
            if (!pc)
                return pc.error();
            p.processor = std::move(pc).value();
        } else {
            p.processor.height = p.processor.width = p.model->config().encoder.imageSize;
        }
        namespace fs = std::filesystem;
        if (fs::exists(fs::path(dir) / "tokenizer.json") || fs::exists(fs::path(dir) / "vocab.json")
            || fs::exists(fs::path(dir) / "encoder.json")) {
            auto tok = Gpt2Tokenizer::load(dir);
            if (!tok)
                return tok.error();
            p.tokenizer = std::move(tok).value();
        }

        ModelInfo &i = p.info;
        const auto &cfg = p.model->config();
        i.dir = dir;
        i.modelId = cfg.raw.value("_name_or_path", std::string());
        if (i.modelId.empty())
            i.modelId = fs::path(dir).lexically_normal().filename().string();
        if (i.modelId.empty())
            i.modelId = fs::path(dir).lexically_normal().parent_path().filename().string();
        i.device = p.device.str();
        i.dtype = dtypeName(p.dtype);
        for (const auto &t : p.model->encoder().parameters())
            i.encoderParameters += t.numel();
        for (const auto &t : p.model->decoder().parameters())
            i.decoderParameters += t.numel();
        i.imageSize = static_cast<int>(cfg.encoder.imageSize);
        i.patchSize = static_cast<int>(cfg.encoder.patchSize);
        i.encoderLayers = static_cast<int>(cfg.encoder.numHiddenLayers);
        i.decoderLayers = static_cast<int>(cfg.decoder.nLayer);
        i.encoderHiddenSize = static_cast<int>(cfg.encoder.hiddenSize);
        i.decoderHiddenSize = static_cast<int>(cfg.decoder.nEmbd);
        i.vocabSize = cfg.decoder.vocabSize;
        i.maxPositions = cfg.decoder.nPositions;
        i.hasTokenizer = p.tokenizer.has_value();
        return vlm;
    } catch (const std::exception &e) {
        return makeError("cannot load the model", dir, e.what());
    }
}

const ModelInfo &VisionLanguageModel::info() const { return d->info; }

GenerationSettings VisionLanguageModel::defaultSettings() const
{
    GenerationSettings s;
    const auto &g = d->generation;
    if (g.maxNewTokens)
        s.maxNewTokens = static_cast<int>(*g.maxNewTokens);
    else if (g.raw.contains("max_length"))
        s.maxNewTokens = static_cast<int>(std::max<int64_t>(1, g.maxLength - 1));
    s.numBeams = static_cast<int>(std::max<int64_t>(1, g.numBeams));
    s.lengthPenalty = g.lengthPenalty;
    s.earlyStopping = g.earlyStopping;
    s.noRepeatNgramSize = static_cast<int>(g.noRepeatNgramSize);
    s.repetitionPenalty = g.repetitionPenalty;
    return s;
}

Result<std::vector<Generation>> VisionLanguageModel::generateBatch(const std::vector<ImageRGB8> &images,
                                                                   const std::string &prompt,
                                                                   const GenerationSettings &settings)
{
    std::lock_guard<std::recursive_mutex> lock(d->mutex);
    const auto t0 = Clock::now();
    if (images.empty())
        return std::vector<Generation>{};
    for (const auto &img : images)
        if (!img.isValid())
            return makeError("invalid image", {}, "width, height and pixel buffer size disagree");
    if (settings.maxNewTokens < 0 || settings.numBeams < 1)
        return makeError("invalid generation settings", {}, "max_new_tokens must be >= 0 and num_beams >= 1");
    try {
        torch::InferenceMode guard;
        Private &p = *d;
        std::vector<int64_t> prefix{p.startId()};
        if (!prompt.empty()) {
            if (!p.tokenizer)
                return makeError("the model folder has no tokenizer, so a question cannot be encoded", p.info.dir);
            for (auto id : p.tokenizer->encode(questionPrompt(prompt)))
                prefix.push_back(id);
        }
        const auto B = static_cast<int64_t>(images.size());
        // Generation stops where the decoder's positions end (as HF's max_length does); only a
        // prompt that leaves no room at all is an error.
        const int64_t room = p.model->config().decoder.nPositions - static_cast<int64_t>(prefix.size());
        if (room < 1 && settings.maxNewTokens > 0)
            return makeError("the question alone fills the decoder's context", p.info.dir,
                             std::to_string(prefix.size()) + " prompt tokens, " +
                                 std::to_string(p.model->config().decoder.nPositions) + " positions");
        const int64_t maxNewTokens = std::min<int64_t>(settings.maxNewTokens, std::max<int64_t>(room, 0));

        std::vector<torch::Tensor> px;
        for (const auto &img : images)
            px.push_back(ImageProcessor::preprocess(img.pixels.data(), img.width, img.height, int64_t(img.width) * 3, p.processor));
        auto pixels = torch::stack(px).to(p.device, p.dtype);
        const double preMs = msSince(t0);
        const auto t1 = Clock::now();
        ViTForwardOptions vo;
        vo.interpolatePosEncoding = true;
        auto enc = p.model->encode(pixels, nullptr, vo);
        if (p.device.is_cuda())
            torch::cuda::synchronize();
        const double encMs = msSince(t1);
        const auto t2 = Clock::now();

        GenerationParams gp;
        gp.maxNewTokens = maxNewTokens;
        gp.numBeams = settings.numBeams;
        gp.lengthPenalty = settings.lengthPenalty;
        gp.earlyStopping = settings.earlyStopping;
        gp.doSample = settings.doSample;
        gp.topK = settings.topK;
        gp.topP = settings.topP;
        gp.temperature = settings.temperature;
        gp.seed = settings.seed;
        gp.repetitionPenalty = settings.repetitionPenalty;
        gp.noRepeatNgramSize = settings.noRepeatNgramSize;
        gp.eosTokenIds = p.eosIds(settings);
        gp.padTokenId = p.padId();
        auto ids = torch::tensor(prefix, torch::kLong).view({1, -1}).repeat({B, 1});
        auto out = ml::generate(p.model->decoder(), ids, enc, {}, gp, p.onStep);
        const double decMs = msSince(t2);

        std::vector<Generation> result;
        auto seqs = out.sequences.cpu();
        for (int64_t b = 0; b < B; ++b) {
            Generation g;
            bool ended = false;
            for (int64_t t = static_cast<int64_t>(prefix.size()); t < seqs.size(1) && !ended; ++t) {
                const auto id = seqs[b][t].item<int64_t>();
                g.tokenIds.push_back(id);
                ended = std::find(gp.eosTokenIds.begin(), gp.eosTokenIds.end(), id) != gp.eosTokenIds.end();
            }
            if (p.tokenizer)
                g.text = trim(p.tokenizer->decode(g.tokenIds, true));
            g.canceled = out.canceled;
            g.timing.preprocessMs = preMs;
            g.timing.encodeMs = encMs;
            g.timing.decodeMs = decMs;
            g.timing.generatedTokens = static_cast<int64_t>(g.tokenIds.size());
            g.timing.totalMs = msSince(t0);
            result.push_back(std::move(g));
        }
        return result;
    } catch (const std::exception &e) {
        return makeError("generation failed", d->info.dir, e.what());
    }
}

Result<Generation> VisionLanguageModel::generate(const ImageRGB8 &image, const std::string &prompt,
                                                 const GenerationSettings &settings, const TokenCallback &onToken)
{
    // Streaming: decode the ids seen so far and hand out the new, complete UTF-8 text.
    std::vector<int64_t> streamed;
    std::string emitted;
    bool canceled = false;
    auto emit = [&](int64_t id) {
        streamed.push_back(id);
        std::string piece;
        if (d->tokenizer) {
            const std::string text = d->tokenizer->decode(streamed, true);
            const size_t complete = completeUtf8Prefix(text);
            if (complete > emitted.size() && text.compare(0, emitted.size(), emitted) == 0) {
                piece = text.substr(emitted.size(), complete - emitted.size());
                emitted = text.substr(0, complete);
            }
        }
        return onToken(id, piece);
    };
    const bool beams = settings.numBeams > 1 && !settings.doSample;
    std::lock_guard<std::recursive_mutex> lock(d->mutex);
    if (onToken && !beams) {
        d->onStep = [&](const std::vector<int64_t> &tokens, int64_t) {
            if (!emit(tokens.at(0))) {
                canceled = true;
                return false;
            }
            // Stop streaming after eos (the loop ends there for one row anyway).
            return true;
        };
    }
    auto r = generateBatch({image}, prompt, settings);
    d->onStep = {};
    if (!r)
        return r.error();
    Generation g = std::move(r.value().front());
    if (onToken && beams) {
        for (auto id : g.tokenIds)
            if (!emit(id)) {
                canceled = true;
                break;
            }
    }
    g.canceled = g.canceled || canceled;
    return g;
}

Status VisionLanguageModel::save(const std::string &dir) const
{
    std::lock_guard<std::recursive_mutex> lock(d->mutex);
    HfSaveExtras extras;
    extras.generationConfig = d->folder.generationConfig;
    extras.preprocessorConfig = d->folder.preprocessorConfig;
    if (extras.preprocessorConfig.is_null())
        extras.preprocessorConfig = d->processor.toJson();
    extras.tokenizerSourceDir = d->folder.dir;
    auto st = saveVisionEncoderDecoder(*d->model, dir, extras);
    if (!st)
        return st;
    return {};
}

} // namespace satgpt::ml
