// SPDX-License-Identifier: GPL-3.0-or-later
#include "countinghead.h"

#include "dataloader.h"
#include "hfcheckpoint.h"
#include "modelconfig.h"
#include "tensorio.h"
#include "vitmodel.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>

namespace satgpt::ml {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char *kFormat = "satgpt-counting-head";
constexpr const char *kHeadJson = "head.json";
constexpr const char *kHeadWeights = "head.safetensors";

/// The base model's encoder, ready to produce patch tokens.
struct Encoder
{
    std::unique_ptr<ViTModel> vit;
    ImageTransform transform;
    std::string modelId;
    std::string dir;
};

std::string modelIdOf(const json &config, const std::string &dir)
{
    std::string id = config.value("_name_or_path", std::string());
    if (id.empty())
        id = fs::path(dir).lexically_normal().filename().string();
    if (id.empty())
        id = fs::path(dir).lexically_normal().parent_path().filename().string();
    return id;
}

/// Only the encoder is built: the decoder's weights are read but never allocated as a model.
Result<Encoder> loadEncoder(const std::string &dir)
{
    const std::string configPath = (fs::path(dir) / "config.json").string();
    auto config = readJsonFile(configPath);
    if (!config)
        return config.error();
    const std::string type = config->value("model_type", std::string());
    ViTConfig vitConfig;
    std::string prefix;
    if (type == "vision-encoder-decoder") {
        auto ved = VisionEncoderDecoderConfig::fromJson(config.value(), configPath);
        if (!ved)
            return ved.error();
        vitConfig = ved->encoder;
        prefix = "encoder.";
    } else if (type == "vit") {
        auto vit = ViTConfig::fromJson(config.value(), configPath);
        if (!vit)
            return vit.error();
        vitConfig = vit.value();
    } else {
        return makeError("not a ViT or vision-encoder-decoder model folder", configPath,
                         "model_type is '" + type + "'");
    }
    auto weights = readHfWeights(dir);
    if (!weights)
        return weights.error();
    Encoder e;
    e.vit = std::make_unique<ViTModel>(vitConfig, false);
    auto st = assignHfWeights([&](const auto &fn) { e.vit->visit(fn, prefix); }, weights.value());
    if (!st)
        return st.error();
    e.transform = readImageTransform(dir, vitConfig.imageSize);
    e.transform.imageSize = vitConfig.imageSize; // the head's token grid depends on it
    e.modelId = modelIdOf(config.value(), dir);
    e.dir = dir;
    return e;
}

/// 64-bit FNV-1a over 8-byte words of every encoder tensor (float32), in visit order: identifies
/// the weights whatever file format or dtype they were stored in.
std::string encoderHash(ViTModel &vit)
{
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&](uint64_t v) {
        h ^= v;
        h *= 1099511628211ULL;
    };
    vit.visit([&](const std::string &name, torch::Tensor &t) {
        for (char c : name)
            mix(uint8_t(c));
        const auto f = t.detach().to(torch::kFloat32).contiguous();
        const auto *bytes = static_cast<const uint8_t *>(f.data_ptr());
        const size_t n = size_t(f.numel()) * sizeof(float);
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            std::memcpy(&w, bytes + i, 8);
            mix(w);
        }
        for (; i < n; ++i)
            mix(bytes[i]);
    });
    char buf[32];
    std::snprintf(buf, sizeof buf, "fnv64w:%016llx", static_cast<unsigned long long>(h));
    return buf;
}

/// The density head on the token grid: 3x3 conv (neighbouring tokens see an object cut by a
/// patch border) -> GELU -> 1x1 conv to one count logit per patch plus subdivision^2 logits for
/// where inside the patch the objects are. Density = softplus(count) x softmax(where), so each
/// patch's count and its sub-patch positions are learnt separately and the map sums to the count.
struct DensityHead
{
    torch::Tensor w1, b1, w2, b2;
    int64_t sub = 4;

    void init(int64_t hidden, int64_t channels, int64_t subdivision, uint64_t seed)
    {
        sub = subdivision;
        torch::NoGradGuard g;
        auto gen = at::detail::createCPUGenerator(seed);
        w1 = torch::empty({channels, hidden, 3, 3});
        w1.normal_(0.0, 1.0 / std::sqrt(double(hidden * 9)), gen);
        b1 = torch::zeros({channels});
        w2 = torch::empty({1 + sub * sub, channels, 1, 1});
        w2.normal_(0.0, 1.0 / std::sqrt(double(channels)), gen);
        b2 = torch::zeros({1 + sub * sub});
        b2[0] = -3.0; // starts near "nothing here" so the initial count is small, not ~0.7 per patch
    }
    std::vector<torch::Tensor> parameters() const { return {w1, b1, w2, b2}; }
    void to(torch::Device device)
    {
        for (auto *t : {&w1, &b1, &w2, &b2})
            *t = t->to(device);
    }

    struct Out
    {
        torch::Tensor patchCount; ///< [B, g, g]
        torch::Tensor logWhere;   ///< [B, sub^2, g, g] log-softmax over sub-cells
        torch::Tensor density;    ///< [B, g*sub, g*sub]
    };

    /// `tokens`: [B, 1+N, H] encoder output (CLS first).
    Out forward(const torch::Tensor &tokens) const
    {
        const auto B = tokens.size(0), N = tokens.size(1) - 1, H = tokens.size(2);
        const auto g = static_cast<int64_t>(std::lround(std::sqrt(double(N))));
        auto x = tokens.narrow(1, 1, N).transpose(1, 2).reshape({B, H, g, g});
        x = at::gelu(at::conv2d(x, w1, b1, {1, 1}, {1, 1}));
        x = at::conv2d(x, w2, b2);
        Out o;
        o.patchCount = torch::nn::functional::softplus(x.select(1, 0));
        o.logWhere = at::log_softmax(x.narrow(1, 1, sub * sub), 1);
        auto dens = o.patchCount.unsqueeze(1) * o.logWhere.exp(); // [B, sub^2, g, g]
        o.density = at::pixel_shuffle(dens, sub).squeeze(1);       // [B, g*sub, g*sub]
        return o;
    }
};

/// Per-token features the head reads: the encoder output after its final LayerNorm, [B, 1+N, H].
torch::Tensor tokenFeatures(const ViTModel &vit, const torch::Tensor &pixels)
{
    return vit.forward(pixels).lastHiddenState;
}

/// The 8 symmetries of the square applied to the last two dimensions.
torch::Tensor dihedral(const torch::Tensor &t, int variant)
{
    auto r = variant % 4 ? torch::rot90(t, variant % 4, {-2, -1}) : t;
    return variant >= 4 ? r.flip({-1}) : r;
}

/// Points (chip pixels) -> normalised Gaussians on the G x G density grid of a chip of `chipSide`
/// pixels; each point's splat sums to 1 inside the grid, so the map sums to the count.
torch::Tensor splat(const std::vector<std::pair<double, double>> &points, double chipSide, int64_t G, double sigma)
{
    auto map = torch::zeros({G, G});
    auto a = map.accessor<float, 2>();
    const double cell = chipSide / double(G);
    const int r = std::max(1, int(std::ceil(3.0 * sigma)));
    for (const auto &[px, py] : points) {
        const double u = px / cell, v = py / cell; // in cells, pixel-corner convention
        const int cu = int(std::floor(u)), cv = int(std::floor(v));
        std::vector<std::tuple<int, int, double>> w;
        double sum = 0.0;
        for (int y = cv - r; y <= cv + r; ++y)
            for (int x = cu - r; x <= cu + r; ++x) {
                if (x < 0 || y < 0 || x >= G || y >= G)
                    continue;
                const double dx = x + 0.5 - u, dy = y + 0.5 - v;
                const double e = std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                w.emplace_back(x, y, e);
                sum += e;
            }
        if (sum <= 0 || px < 0 || py < 0 || px >= chipSide || py >= chipSide)
            continue; // outside the chip: another chip's object
        for (const auto &[x, y, e] : w)
            a[y][x] += float(e / sum);
    }
    return map;
}

/// Image (any size) -> [3, S, S] normalised as the base model expects.
torch::Tensor toPixels(const ImageRGB8 &image, const ImageTransform &transform)
{
    return imageToTensor(image, transform);
}

/// A square window of `image` at (x0, y0), `side` px, black outside the image.
ImageRGB8 cutWindow(const ImageRGB8 &image, int x0, int y0, int side)
{
    ImageRGB8 w;
    w.width = w.height = side;
    w.pixels.assign(size_t(side) * size_t(side) * 3, 0);
    const int x1 = std::min(image.width, x0 + side), y1 = std::min(image.height, y0 + side);
    for (int y = std::max(0, y0); y < y1; ++y) {
        const int xs = std::max(0, x0);
        if (x1 <= xs)
            break;
        std::memcpy(w.pixels.data() + (size_t(y - y0) * side + size_t(xs - x0)) * 3,
                    image.pixels.data() + (size_t(y) * image.width + size_t(xs)) * 3, size_t(x1 - xs) * 3);
    }
    return w;
}

std::string slugOf(const std::string &name)
{
    std::string s;
    for (unsigned char c : name) {
        if (std::isalnum(c))
            s += char(std::tolower(c));
        else if (c == '-' || c == '_')
            s += char(c);
        else if (!s.empty() && s.back() != '-')
            s += '-';
    }
    while (!s.empty() && s.back() == '-')
        s.pop_back();
    return s.empty() ? std::string("class") : s;
}

std::string isoNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// Trainable encoder tensors for `trainBlocks` (see CountTrainOptions), by HF name (views for
/// q/k/v share the fused leaves, so saving by name writes the trained values).
std::set<std::string> trainedNames(ViTModel &vit, int trainBlocks)
{
    std::set<std::string> names;
    if (trainBlocks == 0)
        return names;
    const int L = int(vit.config().numHiddenLayers);
    const int first = trainBlocks < 0 ? 0 : std::max(0, L - trainBlocks);
    vit.visit([&](const std::string &name, torch::Tensor &) {
        if (trainBlocks < 0 || name.rfind("layernorm.", 0) == 0) {
            names.insert(name);
            return;
        }
        const std::string p = "encoder.layer.";
        if (name.rfind(p, 0) == 0) {
            const int i = std::stoi(name.substr(p.size()));
            if (i >= first)
                names.insert(name);
        }
    });
    return names;
}

/// The fused leaves behind `names` (ViTModel::parameters() order: cls, pos, patch w/b, per layer
/// qkv w[/b], out w/b, ln1 w/b, ln2 w/b, fc1 w/b, fc2 w/b, final ln w/b).
std::vector<torch::Tensor> trainableLeaves(ViTModel &vit, int trainBlocks)
{
    auto all = vit.parameters();
    if (trainBlocks < 0)
        return all;
    std::vector<torch::Tensor> out;
    if (trainBlocks == 0)
        return out;
    const int L = int(vit.config().numHiddenLayers);
    const int perLayer = vit.config().qkvBias ? 12 : 11;
    const int first = std::max(0, L - trainBlocks);
    for (int i = first; i < L; ++i)
        for (int k = 0; k < perLayer; ++k)
            out.push_back(all[size_t(4 + i * perLayer + k)]);
    out.push_back(all[size_t(4 + L * perLayer)]);
    out.push_back(all[size_t(4 + L * perLayer + 1)]);
    return out;
}

Result<json> readHeadJson(const std::string &headDir)
{
    const std::string path = (fs::path(headDir) / kHeadJson).string();
    if (!fs::exists(path))
        return makeError("not a counting head folder: head.json is missing", headDir);
    auto j = readJsonFile(path);
    if (!j)
        return j.error();
    if (j->value("format", std::string()) != kFormat)
        return makeError("not a counting head description", path, "\"format\" is not \"" + std::string(kFormat) + "\"");
    return j;
}

CounterInfo infoFromJson(const json &j, const std::string &dir)
{
    CounterInfo i;
    i.className = j.value("className", std::string());
    i.dir = dir;
    if (j.contains("baseModel") && j["baseModel"].is_object())
        i.baseModelId = j["baseModel"].value("id", std::string());
    if (j.contains("validation") && j["validation"].is_object() && j["validation"]["mae"].is_number())
        i.validationMae = j["validation"]["mae"].get<double>();
    if (j.contains("training") && j["training"].is_object())
        i.trainingChips = j["training"].value("chips", 0);
    i.windowPixels = j.value("windowPixels", 0);
    return i;
}

} // namespace

// --------------------------------------------------------------------------------------------
// Training

Result<CountTrainReport> trainCountingHead(const std::string &modelDir, const std::vector<CountSample> &samples,
                                           const CountTrainOptions &options, const std::string &outDir,
                                           const CountTrainCallback &progress)
{
    const auto started = std::chrono::steady_clock::now();
    try {
        if (options.className.empty())
            return makeError("the counting head needs a class name");
        if (samples.empty())
            return makeError("no training chips for the counting head", {}, "class '" + options.className + "'");
        const int W = samples.front().image.width;
        for (const auto &s : samples)
            if (!s.image.isValid() || s.image.width != W || s.image.height != W)
                return makeError("counting chips must be valid square images of one size", {},
                                 "expected " + std::to_string(W) + "x" + std::to_string(W) + ", got "
                                     + std::to_string(s.image.width) + "x" + std::to_string(s.image.height));
        if (options.subdivision < 1 || options.epochs < 1 || options.batchSize < 1)
            return makeError("invalid counting head settings", {}, "subdivision, epochs and batch size must be positive");
        if (options.threads > 0)
            torch::set_num_threads(options.threads);
        torch::manual_seed(options.seed);

        auto enc = loadEncoder(modelDir);
        if (!enc)
            return enc.error();
        ViTModel &vit = *enc->vit;
        const std::string hash = encoderHash(vit);
        const auto &cfg = vit.config();
        const int64_t S = cfg.imageSize, P = cfg.patchSize, g = S / P, sub = options.subdivision;
        if (sub > P)
            return makeError("the density subdivision is finer than a pixel", {},
                             "subdivision " + std::to_string(sub) + " > patch size " + std::to_string(P));
        const int64_t G = g * sub;
        const int L = int(cfg.numHiddenLayers);
        const int trainBlocks = options.trainBlocks < 0 || options.trainBlocks >= L + 1 ? -1 : options.trainBlocks;

        // Deterministic split.
        std::mt19937_64 rng(options.seed);
        std::vector<size_t> order(samples.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::shuffle(order.begin(), order.end(), rng);
        size_t nVal = samples.size() >= 5 ? size_t(std::lround(double(samples.size()) * options.validationFraction)) : 0;
        nVal = std::min(nVal, samples.size() - 1);
        std::vector<size_t> valIdx(order.begin(), order.begin() + long(nVal));
        std::vector<size_t> trainIdx(order.begin() + long(nVal), order.end());

        // Pixels and targets.
        std::vector<torch::Tensor> pixels(samples.size()), targets(samples.size());
        for (size_t i = 0; i < samples.size(); ++i) {
            pixels[i] = toPixels(samples[i].image, enc->transform);
            targets[i] = splat(samples[i].points, double(W), G, options.sigmaCells);
        }

        DensityHead head;
        head.init(cfg.hiddenSize, options.headChannels, sub, options.seed);
        std::vector<torch::Tensor> params = head.parameters();
        const auto encLeaves = trainableLeaves(vit, trainBlocks);
        {
            torch::NoGradGuard ng;
            for (auto &t : vit.parameters())
                t.set_requires_grad(false);
        }
        for (auto t : encLeaves) {
            t.set_requires_grad(true);
            params.push_back(t);
        }
        for (auto &t : head.parameters())
            t.set_requires_grad(true);

        const std::vector<int> variants = options.augment ? std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7} : std::vector<int>{0};
        const bool frozen = trainBlocks == 0;
        int64_t totalWork = 0, doneWork = 0;

        // A frozen encoder's tokens are computed once per chip and symmetry: training then costs
        // only the head. Memory is capped by using fewer symmetries for large sets.
        std::vector<std::vector<torch::Tensor>> cached; // [chip][variant]
        std::vector<int> cachedVariants = variants;
        if (frozen) {
            const double bytes = double(trainIdx.size()) * double(1 + g * g) * double(cfg.hiddenSize) * 4.0;
            while (cachedVariants.size() > 1 && bytes * double(cachedVariants.size()) > 1.5e9)
                cachedVariants.resize(cachedVariants.size() / 2);
            totalWork = int64_t(trainIdx.size() * cachedVariants.size() + valIdx.size());
        }
        const int64_t stepsPerEpoch = int64_t((trainIdx.size() + size_t(options.batchSize) - 1) / size_t(options.batchSize));
        const int64_t totalSteps = stepsPerEpoch * options.epochs;
        totalWork += totalSteps;

        auto report = [&](CountTrainProgress p) {
            p.fraction = totalWork > 0 ? std::min(1.0, double(doneWork) / double(totalWork)) : 1.0;
            p.epochs = options.epochs;
            return !progress || progress(p);
        };
        auto canceled = []() -> Error { return makeError("canceled"); };

        auto encode = [&](const torch::Tensor &px) { return tokenFeatures(vit, px); };
        if (frozen) {
            torch::InferenceMode im;
            cached.resize(samples.size());
            std::vector<size_t> need = trainIdx;
            for (size_t i : trainIdx) {
                for (int v : cachedVariants)
                    cached[i].push_back(encode(dihedral(pixels[i], v).unsqueeze(0)).squeeze(0).clone());
                doneWork += int64_t(cachedVariants.size());
                if (!report({0, 0, 0.0, 0.0, "features"}))
                    return canceled();
            }
        }

        torch::optim::AdamW opt(params, torch::optim::AdamWOptions(options.learningRate).weight_decay(options.weightDecay));
        const int64_t warmup = std::max<int64_t>(1, totalSteps / 20);
        int64_t step = 0;
        double lastLoss = 0.0;
        std::uniform_int_distribution<size_t> pickVariant(0, 7);
        for (int epoch = 1; epoch <= options.epochs; ++epoch) {
            std::shuffle(trainIdx.begin(), trainIdx.end(), rng);
            double lossSum = 0.0;
            int batches = 0;
            for (size_t b0 = 0; b0 < trainIdx.size(); b0 += size_t(options.batchSize)) {
                const size_t b1 = std::min(trainIdx.size(), b0 + size_t(options.batchSize));
                std::vector<torch::Tensor> xs, ts;
                for (size_t k = b0; k < b1; ++k) {
                    const size_t i = trainIdx[k];
                    if (frozen) {
                        const size_t vi = pickVariant(rng) % cachedVariants.size();
                        xs.push_back(cached[i][vi]);
                        ts.push_back(dihedral(targets[i], cachedVariants[vi]));
                    } else {
                        const int v = variants[pickVariant(rng) % variants.size()];
                        xs.push_back(dihedral(pixels[i], v));
                        ts.push_back(dihedral(targets[i], v));
                    }
                }
                const auto target = torch::stack(ts);                     // [B, G, G]
                const auto tokens = frozen ? torch::stack(xs) : encode(torch::stack(xs));
                const auto out = head.forward(tokens);
                const auto Bn = target.size(0);
                // Per-patch counts and where inside each patch the mass lies.
                const auto tBlocks = target.reshape({Bn, g, sub, g, sub}).permute({0, 2, 4, 1, 3}).reshape({Bn, sub * sub, g, g});
                const auto tCount = tBlocks.sum(1);                       // [B, g, g]
                const auto tWhere = tBlocks / tCount.unsqueeze(1).clamp_min(1e-6);
                const auto countLoss = (out.patchCount - tCount).pow(2).sum({1, 2}).mean();
                const auto totalLoss = (out.patchCount.sum({1, 2}) - tCount.sum({1, 2})).pow(2).mean();
                const auto whereLoss = -(tWhere * out.logWhere).sum(1).mul(tCount).sum() / tCount.sum().clamp_min(1.0);
                const auto loss = countLoss + 0.1 * totalLoss + 0.2 * whereLoss;

                // Linear warm-up, then cosine decay.
                const double lr = step < warmup ? options.learningRate * double(step + 1) / double(warmup)
                                                : options.learningRate * 0.5
                                                      * (1.0 + std::cos(M_PI * double(step - warmup) / double(std::max<int64_t>(1, totalSteps - warmup))));
                for (auto &group : opt.param_groups())
                    static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
                opt.zero_grad();
                loss.backward();
                opt.step();
                ++step;
                ++doneWork;
                lossSum += loss.item<double>();
                ++batches;
                if (progress && !report({epoch, options.epochs, lossSum / batches, 0.0, "training"}))
                    return canceled();
            }
            lastLoss = batches ? lossSum / batches : 0.0;
            if (!report({epoch, options.epochs, lastLoss, 0.0, "training"}))
                return canceled();
        }

        for (auto &t : params)
            t.set_requires_grad(false);

        CountTrainReport rep;
        rep.trainingChips = int(trainIdx.size());
        rep.validationChips = int(valIdx.size());
        rep.finalLoss = lastLoss;
        if (!valIdx.empty()) {
            torch::InferenceMode im;
            double mae = 0.0, maeRaw = 0.0;
            for (size_t i : valIdx) {
                const double est = head.forward(encode(pixels[i].unsqueeze(0))).density.sum().item<double>();
                const double truth = targets[i].sum().item<double>();
                mae += std::abs(std::round(est) - std::round(truth));
                maeRaw += std::abs(est - truth);
                ++doneWork;
                if (!report({options.epochs, options.epochs, lastLoss, 0.0, "validation"}))
                    return canceled();
            }
            rep.validationMae = mae / double(valIdx.size());
            rep.validationMaeRaw = maeRaw / double(valIdx.size());
        }

        // Weights: the head, plus the encoder tensors training changed (the rest comes from the base model).
        TensorMap tensors;
        tensors.insert("head.conv1.weight", head.w1.contiguous());
        tensors.insert("head.conv1.bias", head.b1.contiguous());
        tensors.insert("head.conv2.weight", head.w2.contiguous());
        tensors.insert("head.conv2.bias", head.b2.contiguous());
        const auto names = trainedNames(vit, trainBlocks);
        vit.visit([&](const std::string &name, torch::Tensor &t) {
            if (names.count(name))
                tensors.insert("encoder." + name, t.detach().to(torch::kFloat32).contiguous().clone());
        });

        rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const fs::path out = fs::absolute(outDir).lexically_normal();
        std::error_code ec;
        const fs::path base = fs::absolute(modelDir).lexically_normal();
        json j;
        j["format"] = kFormat;
        j["version"] = 1;
        j["className"] = options.className;
        j["method"] = "density";
        j["features"] = "last-hidden-state";
        j["created"] = isoNow();
        j["baseModel"] = {{"id", enc->modelId},
                          {"dir", base.string()},
                          {"relativeDir", base.lexically_relative(out).string()},
                          {"encoderHash", hash}};
        j["encoder"] = {{"imageSize", S}, {"patchSize", P}, {"hiddenSize", cfg.hiddenSize}, {"layers", L}};
        j["windowPixels"] = W;
        j["scenePixelsPerImagePixel"] = options.scenePixelsPerImagePixel;
        j["subdivision"] = sub;
        j["sigmaCells"] = options.sigmaCells;
        j["headChannels"] = options.headChannels;
        j["trainBlocks"] = trainBlocks;
        j["training"] = {{"epochs", options.epochs},       {"batchSize", options.batchSize},
                         {"learningRate", options.learningRate}, {"weightDecay", options.weightDecay},
                         {"augment", options.augment},     {"seed", options.seed},
                         {"chips", rep.trainingChips},     {"finalLoss", rep.finalLoss},
                         {"seconds", rep.seconds}};
        j["validation"] = {{"chips", rep.validationChips},
                           {"mae", rep.validationChips ? json(rep.validationMae) : json(nullptr)},
                           {"maeRaw", rep.validationChips ? json(rep.validationMaeRaw) : json(nullptr)}};

        // Written beside the destination, then swapped in, so a failure leaves the old head whole.
        const fs::path tmp = out.parent_path() / (out.filename().string() + ".tmp-" + std::to_string(options.seed) + "-"
                                                   + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        fs::create_directories(tmp, ec);
        if (ec)
            return makeError("cannot create the counting head folder", tmp.string(), ec.message());
        if (auto st = writeSafetensors((tmp / kHeadWeights).string(), tensors, {{"format", "pt"}}); !st) {
            fs::remove_all(tmp, ec);
            return st.error();
        }
        if (auto st = writeJsonFile((tmp / kHeadJson).string(), j); !st) {
            fs::remove_all(tmp, ec);
            return st.error();
        }
        if (fs::exists(out)) {
            if (!fs::exists(out / kHeadJson) && !fs::is_empty(out, ec)) {
                fs::remove_all(tmp, ec);
                return makeError("refusing to replace a folder that is not a counting head", out.string());
            }
            fs::remove_all(out, ec);
        }
        fs::rename(tmp, out, ec);
        if (ec) {
            fs::remove_all(tmp, ec);
            return makeError("cannot move the counting head into place", out.string(), ec.message());
        }
        rep.headDir = out.string();
        return rep;
    } catch (const c10::Error &e) {
        return makeError("Could not train the counting head", modelDir, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not train the counting head", modelDir, e.what());
    }
}

// --------------------------------------------------------------------------------------------
// Counting

struct CountingHead::Private
{
    Encoder encoder;
    DensityHead head;
    CounterInfo info;
    int windowPixels = 0;
    double scale = 1.0; ///< scene pixels per chip pixel at training
};

CountingHead::CountingHead()
    : d(std::make_unique<Private>())
{
}

CountingHead::~CountingHead() = default;

const CounterInfo &CountingHead::info() const
{
    return d->info;
}

Result<std::unique_ptr<CountingHead>> CountingHead::load(const std::string &headDir, const std::string &modelDir)
{
    try {
        auto j = readHeadJson(headDir);
        if (!j)
            return j.error();
        const std::string jsonPath = (fs::path(headDir) / kHeadJson).string();
        const json base = j->value("baseModel", json::object());
        std::string dir = modelDir;
        if (dir.empty()) {
            const fs::path rel = fs::path(headDir) / base.value("relativeDir", std::string());
            const fs::path abs = base.value("dir", std::string());
            if (!base.value("relativeDir", std::string()).empty() && fs::exists(rel / "config.json"))
                dir = rel.lexically_normal().string();
            else if (!abs.empty() && fs::exists(abs / "config.json"))
                dir = abs.string();
            else
                return makeError("the counting head's base model folder is missing", jsonPath,
                                 "looked in '" + rel.string() + "' and '" + abs.string() + "'");
        }
        auto enc = loadEncoder(dir);
        if (!enc)
            return enc.error();
        const std::string want = base.value("encoderHash", std::string());
        if (!want.empty() && encoderHash(*enc->vit) != want)
            return makeError("the counting head was trained on another model", jsonPath,
                             "the encoder of '" + dir + "' differs from the one the head was trained on");

        auto weights = readSafetensors((fs::path(headDir) / kHeadWeights).string());
        if (!weights)
            return weights.error();
        const std::string wpath = (fs::path(headDir) / kHeadWeights).string();
        std::unique_ptr<CountingHead> h(new CountingHead);
        auto &p = *h->d;
        const int64_t sub = j->value("subdivision", int64_t(4));
        for (const char *n : {"head.conv1.weight", "head.conv1.bias", "head.conv2.weight", "head.conv2.bias"})
            if (!weights->contains(n))
                return makeError("counting head weights are missing a tensor", wpath, n);
        p.head.sub = sub;
        p.head.w1 = weights->at("head.conv1.weight").to(torch::kFloat32);
        p.head.b1 = weights->at("head.conv1.bias").to(torch::kFloat32);
        p.head.w2 = weights->at("head.conv2.weight").to(torch::kFloat32);
        p.head.b2 = weights->at("head.conv2.bias").to(torch::kFloat32);
        const auto H = enc->vit->config().hiddenSize; // see tokenFeatures()
        if (p.head.w1.dim() != 4 || p.head.w1.size(1) != H || p.head.w2.dim() != 4 || p.head.w2.size(0) != 1 + sub * sub
            || p.head.w2.size(1) != p.head.w1.size(0))
            return makeError("counting head weights do not fit the model", wpath,
                             "conv1 " + std::to_string(p.head.w1.dim() == 4 ? p.head.w1.size(1) : -1) + " inputs for hidden size "
                                 + std::to_string(H));
        // Fine-tuned encoder blocks override the base model's.
        std::optional<Error> err;
        {
            torch::NoGradGuard ng;
            enc->vit->visit([&](const std::string &name, torch::Tensor &t) {
                const std::string key = "encoder." + name;
                if (err || !weights->contains(key))
                    return;
                const auto &src = weights->at(key);
                if (src.sizes() != t.sizes()) {
                    err = makeError("counting head encoder tensor has the wrong shape", wpath, key);
                    return;
                }
                t.copy_(src);
            });
        }
        if (err)
            return *err;
        p.encoder = std::move(enc.value());
        p.info = infoFromJson(j.value(), fs::path(headDir).lexically_normal().string());
        p.windowPixels = j->value("windowPixels", 0);
        p.scale = j->value("scenePixelsPerImagePixel", 1.0);
        if (p.windowPixels <= 0 || p.scale <= 0)
            return makeError("invalid counting head description", jsonPath, "windowPixels / scenePixelsPerImagePixel");
        return h;
    } catch (const c10::Error &e) {
        return makeError("Could not load the counting head", headDir, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not load the counting head", headDir, e.what());
    }
}

Result<CountResult> CountingHead::count(const ImageRGB8 &image, const CountOptions &options,
                                        const CountProgressCallback &progress)
{
    try {
        if (!image.isValid())
            return makeError("The image to count in is empty or malformed");
        if (options.scenePixelsPerImagePixel <= 0)
            return makeError("invalid image scale for counting");
        torch::InferenceMode im;
        const auto &cfg = d->encoder.vit->config();
        const int64_t S = cfg.imageSize, g = S / cfg.patchSize, sub = d->head.sub, G = g * sub;
        // The window covers the same ground as a training chip. Windows overlap by half and each
        // keeps only the cells nearest its own centre, so an object cut by one window's edge is
        // counted whole by its neighbour; the last row/column is moved back inside the image
        // rather than padded (padding is only for images smaller than one window).
        const int side = std::max(1, int(std::lround(double(d->windowPixels) * d->scale / options.scenePixelsPerImagePixel)));
        const double cell = double(side) / double(G);
        auto origins = [&](int extent) {
            std::vector<int> o{0};
            const int stride = std::max(1, side / 2);
            while (o.back() + side < extent)
                o.push_back(std::min(o.back() + stride, extent - side));
            return o;
        };
        const std::vector<int> xs = origins(image.width), ys = origins(image.height);
        // The window whose centre is nearest to image coordinate `p` along one axis.
        auto owner = [&](const std::vector<int> &o, double p) {
            size_t best = 0;
            for (size_t i = 1; i < o.size(); ++i)
                if (std::abs(p - (o[i] + side / 2.0)) < std::abs(p - (o[best] + side / 2.0)))
                    best = i;
            return best;
        };

        CountResult r;
        r.className = d->info.className;
        r.headDir = d->info.dir;
        r.validationMae = d->info.validationMae;
        r.windows = int(xs.size() * ys.size());
        r.densityWidth = std::max(1, int(std::ceil(image.width / cell)));
        r.densityHeight = std::max(1, int(std::ceil(image.height / cell)));
        r.cellSize = cell;
        r.density.assign(size_t(r.densityWidth) * size_t(r.densityHeight), 0.0f);

        std::vector<std::pair<size_t, size_t>> tiles;
        for (size_t ty = 0; ty < ys.size(); ++ty)
            for (size_t tx = 0; tx < xs.size(); ++tx)
                tiles.emplace_back(tx, ty);
        const size_t batch = size_t(std::max(1, options.batchSize));
        for (size_t t0 = 0; t0 < tiles.size(); t0 += batch) {
            const size_t t1 = std::min(tiles.size(), t0 + batch);
            std::vector<torch::Tensor> px;
            for (size_t t = t0; t < t1; ++t)
                px.push_back(toPixels(cutWindow(image, xs[tiles[t].first], ys[tiles[t].second], side), d->encoder.transform));
            const auto dens = d->head.forward(tokenFeatures(*d->encoder.vit, torch::stack(px))).density.contiguous();
            const auto a = dens.accessor<float, 3>();
            for (size_t t = t0; t < t1; ++t) {
                const auto [tx, ty] = tiles[t];
                for (int64_t y = 0; y < G; ++y) {
                    const double py = ys[ty] + (double(y) + 0.5) * cell;
                    // Cells over the black padding beyond the image are not part of the region.
                    if (py >= image.height || owner(ys, py) != ty)
                        continue;
                    const int gy = std::min(r.densityHeight - 1, int(py / cell));
                    for (int64_t x = 0; x < G; ++x) {
                        const double pxc = xs[tx] + (double(x) + 0.5) * cell;
                        if (pxc >= image.width || owner(xs, pxc) != tx)
                            continue;
                        const int gx = std::min(r.densityWidth - 1, int(pxc / cell));
                        r.density[size_t(gy) * size_t(r.densityWidth) + size_t(gx)] += a[int64_t(t - t0)][y][x];
                    }
                }
            }
            if (progress && !progress(double(t1) / double(tiles.size())))
                return makeError("canceled");
        }
        r.estimate = std::accumulate(r.density.begin(), r.density.end(), 0.0);
        r.count = std::max(0, int(std::lround(r.estimate)));

        // Peaks: local maxima, strongest mass first, at least 2 cells apart; each accounts for
        // round(mass) objects (touching objects share one peak) until the count is reached.
        const int DW = r.densityWidth, DH = r.densityHeight;
        auto at = [&](int x, int y) -> float {
            return x < 0 || y < 0 || x >= DW || y >= DH ? 0.0f : r.density[size_t(y) * size_t(DW) + size_t(x)];
        };
        struct Peak { double x, y, mass; };
        std::vector<Peak> peaks;
        for (int y = 0; y < DH; ++y)
            for (int x = 0; x < DW; ++x) {
                const float v = at(x, y);
                if (v < 0.01f)
                    continue;
                bool isMax = true;
                for (int dy = -1; dy <= 1 && isMax; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        if (!dx && !dy)
                            continue;
                        const float n = at(x + dx, y + dy);
                        // Ties are broken by position so a plateau yields one peak.
                        if (n > v || (n == v && (dy < 0 || (dy == 0 && dx < 0)))) {
                            isMax = false;
                            break;
                        }
                    }
                if (!isMax)
                    continue;
                double m = 0, sx = 0, sy = 0, mass = 0;
                for (int dy = -2; dy <= 2; ++dy)
                    for (int dx = -2; dx <= 2; ++dx) {
                        const double w = at(x + dx, y + dy);
                        mass += w;
                        if (std::abs(dx) <= 1 && std::abs(dy) <= 1) {
                            m += w;
                            sx += w * (x + dx + 0.5);
                            sy += w * (y + dy + 0.5);
                        }
                    }
                peaks.push_back({sx / m * cell, sy / m * cell, mass});
            }
        std::sort(peaks.begin(), peaks.end(), [](const Peak &a, const Peak &b) { return a.mass > b.mass; });
        std::vector<Peak> kept;
        for (const auto &p : peaks) {
            bool near = false;
            for (const auto &k : kept)
                near = near || std::hypot(k.x - p.x, k.y - p.y) < 2.0 * cell;
            if (!near)
                kept.push_back(p);
        }
        int remaining = r.count;
        for (const auto &p : kept) {
            if (remaining <= 0)
                break;
            const int n = std::min(remaining, std::max(1, int(std::lround(p.mass))));
            for (int i = 0; i < n; ++i)
                r.objects.push_back({p.x, p.y, p.mass / n});
            remaining -= n;
        }
        return r;
    } catch (const c10::Error &e) {
        return makeError("Could not count", d->info.dir, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not count", d->info.dir, e.what());
    }
}

// --------------------------------------------------------------------------------------------
// Discovery

std::string counterDir(const std::string &modelDir, const std::string &className)
{
    return (fs::path(modelDir) / "counting" / slugOf(className)).string();
}

std::vector<CounterInfo> availableCounterInfos(const std::string &modelDir)
{
    std::vector<CounterInfo> out;
    std::error_code ec;
    const fs::path root = fs::path(modelDir) / "counting";
    if (!fs::is_directory(root, ec))
        return out;
    for (const auto &e : fs::directory_iterator(root, ec)) {
        if (!e.is_directory(ec))
            continue;
        auto j = readHeadJson(e.path().string());
        if (!j || !fs::exists(e.path() / kHeadWeights))
            continue;
        auto info = infoFromJson(j.value(), e.path().lexically_normal().string());
        if (!info.className.empty())
            out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const CounterInfo &a, const CounterInfo &b) { return a.className < b.className; });
    return out;
}

std::vector<std::string> availableCounters(const std::string &modelDir)
{
    std::vector<std::string> names;
    for (const auto &i : availableCounterInfos(modelDir))
        names.push_back(i.className);
    return names;
}

namespace {

/// Lower-case words (letters and digits), joined by single spaces and padded with one on each side.
std::string normalisedWords(const std::string &text)
{
    std::string s = " ";
    for (unsigned char c : text) {
        if (std::isalnum(c))
            s += char(std::tolower(c));
        else if (s.back() != ' ')
            s += ' ';
    }
    if (s.back() != ' ')
        s += ' ';
    return s;
}

std::vector<std::string> pluralForms(const std::string &phrase)
{
    std::vector<std::string> f{phrase, phrase + "s", phrase + "es"};
    if (phrase.size() > 1 && phrase.back() == 'y')
        f.push_back(phrase.substr(0, phrase.size() - 1) + "ies");
    if (phrase.size() > 1 && phrase.back() == 's')
        f.push_back(phrase.substr(0, phrase.size() - 1)); // a class named in the plural
    return f;
}

} // namespace

std::optional<CounterInfo> counterForQuestion(const std::string &modelDir, const std::string &question)
{
    const std::string q = normalisedWords(question);
    const bool counting = q.find(" how many ") != std::string::npos || q.find(" count ") != std::string::npos
        || q.find(" number of ") != std::string::npos || q.find(" counting ") != std::string::npos;
    if (!counting)
        return std::nullopt;
    std::optional<CounterInfo> best;
    size_t bestLen = 0;
    for (auto &info : availableCounterInfos(modelDir)) {
        const std::string name = normalisedWords(info.className);
        if (name.size() <= 2)
            continue;
        const std::string core = name.substr(1, name.size() - 2);
        for (const auto &form : pluralForms(core)) {
            if (q.find(" " + form + " ") != std::string::npos && core.size() > bestLen) {
                best = info;
                bestLen = core.size();
            }
        }
    }
    return best;
}

Result<CountResult> countObjects(const std::string &headDir, const ImageRGB8 &region, const CountOptions &options,
                                 const CountProgressCallback &progress)
{
    auto head = CountingHead::load(headDir);
    if (!head)
        return head.error();
    return head.value()->count(region, options, progress);
}

} // namespace satgpt::ml
