// SPDX-License-Identifier: GPL-3.0-or-later
#include "explain.h"

#include "explainer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace satgpt::ml {

// --- torch-free helpers ---------------------------------------------------------------------

float HeatMap::minimum() const
{
    return values.empty() ? 0.0f : *std::min_element(values.begin(), values.end());
}

float HeatMap::maximum() const
{
    return values.empty() ? 0.0f : *std::max_element(values.begin(), values.end());
}

std::string explainMethodName(ExplainMethod method)
{
    switch (method) {
    case ExplainMethod::GradCam:
        return "gradcam";
    case ExplainMethod::GradCamPlusPlus:
        return "gradcam++";
    case ExplainMethod::Rollout:
        return "rollout";
    case ExplainMethod::CrossAttention:
        return "cross-attention";
    }
    return "gradcam";
}

std::optional<ExplainMethod> explainMethodFromName(const std::string &name)
{
    std::string n;
    for (char c : name)
        n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n == "gradcam" || n == "grad-cam")
        return ExplainMethod::GradCam;
    if (n == "gradcam++" || n == "grad-cam++" || n == "gradcampp" || n == "gradcamplusplus")
        return ExplainMethod::GradCamPlusPlus;
    if (n == "rollout" || n == "attention-rollout")
        return ExplainMethod::Rollout;
    if (n == "cross-attention" || n == "cross_attention" || n == "crossattention")
        return ExplainMethod::CrossAttention;
    return std::nullopt;
}

void minMaxScale(std::vector<float> &values)
{
    if (values.empty())
        return;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const float low = *lo;
    const float range = *hi - low;
    for (float &v : values)
        v = (v - low) / (1e-7f + range);
}

HeatMap resizeBilinear(const HeatMap &map, int width, int height)
{
    HeatMap out;
    if (map.isEmpty() || width <= 0 || height <= 0)
        return out;
    out.width = width;
    out.height = height;
    out.values.resize(static_cast<size_t>(width) * static_cast<size_t>(height));
    // Source index of a destination pixel centre, as ATen's area_pixel_compute_source_index
    // with align_corners=false: negative coordinates clamp to 0, the upper neighbour clamps.
    auto source = [](int dst, int inSize, int outSize, int &i0, int &i1, float &frac) {
        const float scale = static_cast<float>(inSize) / static_cast<float>(outSize);
        float s = scale * (static_cast<float>(dst) + 0.5f) - 0.5f;
        if (s < 0.0f)
            s = 0.0f;
        i0 = std::min(static_cast<int>(s), inSize - 1);
        i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
        frac = s - static_cast<float>(i0);
    };
    for (int y = 0; y < height; ++y) {
        int y0, y1;
        float fy;
        source(y, map.height, height, y0, y1, fy);
        for (int x = 0; x < width; ++x) {
            int x0, x1;
            float fx;
            source(x, map.width, width, x0, x1, fx);
            const float top = (1.0f - fx) * map.at(x0, y0) + fx * map.at(x1, y0);
            const float bottom = (1.0f - fx) * map.at(x0, y1) + fx * map.at(x1, y1);
            out.values[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)]
                = (1.0f - fy) * top + fy * bottom;
        }
    }
    return out;
}

// --- Explainer ------------------------------------------------------------------------------

namespace {

HeatMap toHeatMap(const torch::Tensor &t2d)
{
    const auto t = t2d.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    HeatMap m;
    m.height = static_cast<int>(t.size(0));
    m.width = static_cast<int>(t.size(1));
    m.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    return m;
}

torch::Tensor divideByMax(const torch::Tensor &maps)
{
    const auto mx = maps.amax({-2, -1}, true);
    return maps / mx.clamp_min(std::numeric_limits<float>::min());
}

} // namespace

Explainer::Explainer(const ViTModel &encoder, const GPT2LMHeadModel &decoder)
    : m_encoder(encoder)
    , m_decoder(decoder)
{
}

Explainer::Explainer(const VisionEncoderDecoder &model)
    : m_encoder(model.encoder())
    , m_decoder(model.decoder())
{
    if (model.hasEncToDecProj()) {
        const_cast<VisionEncoderDecoder &>(model).visit([&](const std::string &name, torch::Tensor &t) {
            if (name == "enc_to_dec_proj.weight")
                m_projW = t;
            else if (name == "enc_to_dec_proj.bias")
                m_projB = t;
        });
    }
}

torch::Tensor Explainer::project(const torch::Tensor &encoderStates) const
{
    return m_projW.defined() ? at::linear(encoderStates, m_projW, m_projB) : encoderStates;
}

int Explainer::gridHeight() const
{
    return static_cast<int>(m_encoder.config().imageSize / m_encoder.config().patchSize);
}

int Explainer::gridWidth() const
{
    return gridHeight();
}

torch::Tensor Explainer::finalNorm(const torch::Tensor &x) const
{
    // ViTModel exposes its final LayerNorm only by name; visit() hands out handles to the
    // model's own tensors (no copy), so later weight updates are seen.
    torch::Tensor w, b;
    const_cast<ViTModel &>(m_encoder).visit([&](const std::string &name, torch::Tensor &t) {
        if (name == "layernorm.weight")
            w = t;
        else if (name == "layernorm.bias")
            b = t;
    });
    return at::layer_norm(x, {x.size(-1)}, w, b, m_encoder.config().layerNormEps);
}

torch::Tensor Explainer::pickedLogits(const torch::Tensor &encoderStates, const torch::Tensor &sequences,
                                      GPT2Output *decoderOut, bool outputAttentions) const
{
    const auto T = sequences.size(1) - 1;
    GPT2Input in;
    in.inputIds = sequences.narrow(1, 0, T);
    in.encoderHiddenStates = project(encoderStates);
    in.outputHiddenStates = true;
    in.outputAttentions = outputAttentions;
    // Only the picked logits enter the score: one dot product per token with its wte row
    // instead of a [T, vocab] projection (50257 columns for GPT-2) forward and backward.
    in.lastTokenLogitsOnly = true;
    GPT2Output out = m_decoder.forward(in);
    const auto hidden = out.hiddenStates.back(); // after ln_f
    const auto targets = sequences.narrow(1, 1, T);
    const auto rows = m_decoder.wte().index_select(0, targets.reshape({-1})).view({targets.size(0), T, -1});
    auto picked = (hidden * rows).sum(-1);
    if (decoderOut)
        *decoderOut = std::move(out);
    return picked;
}

torch::Tensor Explainer::scoreMask(const torch::Tensor &sequences, const ExplainOptions &options)
{
    const auto seq = sequences.to(torch::kCPU, torch::kLong).contiguous();
    const auto B = seq.size(0), T = seq.size(1) - 1;
    auto mask = torch::zeros({B, T}, torch::kFloat32);
    auto m = mask.accessor<float, 2>();
    auto s = seq.accessor<int64_t, 2>();
    const int64_t first = std::max<int64_t>(0, options.promptLength - 1);
    for (int64_t b = 0; b < B; ++b) {
        for (int64_t t = first; t < T; ++t) {
            m[b][t] = 1.0f;
            if (options.eosTokenId && s[b][t + 1] == *options.eosTokenId)
                break;
        }
        if (options.tokenIndex) {
            const int64_t keep = first + *options.tokenIndex;
            for (int64_t t = 0; t < T; ++t)
                if (t != keep)
                    m[b][t] = 0.0f;
        }
    }
    return mask.to(sequences.device());
}

torch::Tensor Explainer::tokensToGrid(const torch::Tensor &tokens, int64_t h, int64_t w)
{
    const auto B = tokens.size(0), C = tokens.size(2);
    return tokens.narrow(1, 1, h * w).reshape({B, h, w, C}).permute({0, 3, 1, 2});
}

torch::Tensor Explainer::scaleCam(const torch::Tensor &cam)
{
    const auto shifted = cam - cam.amin({-2, -1}, true);
    return shifted / (shifted.amax({-2, -1}, true) + 1e-7);
}

torch::Tensor Explainer::upsample(const torch::Tensor &maps, int64_t height, int64_t width)
{
    namespace F = torch::nn::functional;
    return F::interpolate(maps.unsqueeze(1), F::InterpolateFuncOptions()
                                                 .size(std::vector<int64_t>{height, width})
                                                 .mode(torch::kBilinear)
                                                 .align_corners(false))
        .squeeze(1);
}

GradCamTensors Explainer::gradCam(const torch::Tensor &pixels, const torch::Tensor &sequences,
                                  const ExplainOptions &options, bool plusPlus) const
{
    GradCamTensors r;
    const auto P = m_encoder.config().patchSize;
    const auto h = pixels.size(2) / P, w = pixels.size(3) / P;
    ViTOutput enc;
    {
        torch::NoGradGuard noGrad;
        ViTForwardOptions vo;
        vo.outputHiddenStates = options.target == CamTarget::LastBlock;
        enc = m_encoder.forward(pixels, vo);
    }
    torch::AutoGradMode gradMode(true);
    torch::Tensor states;
    if (options.target == CamTarget::LastBlock) {
        r.activation = enc.hiddenStates.back().detach().requires_grad_(true);
        states = finalNorm(r.activation);
    } else {
        r.activation = enc.lastHiddenState.detach().requires_grad_(true);
        states = r.activation;
    }
    r.scoreMask = scoreMask(sequences, options).to(states.dtype());
    r.pickedLogits = pickedLogits(states, sequences) * r.scoreMask;
    r.score = r.pickedLogits.sum();
    r.grad = torch::autograd::grad({r.score}, {r.activation})[0];
    r.activation = r.activation.detach();
    r.pickedLogits = r.pickedLogits.detach();
    r.score = r.score.detach();

    torch::NoGradGuard noGrad;
    const auto A = tokensToGrid(r.activation, h, w);
    const auto G = tokensToGrid(r.grad, h, w);
    if (plusPlus) {
        // pytorch-grad-cam's GradCAMPlusPlus: the second and third derivatives of exp(score)
        // reduce to powers of the first (eq. 19 of arXiv:1710.11063).
        const auto g2 = G * G;
        const auto g3 = g2 * G;
        const auto sumA = A.sum({2, 3}, true);
        auto aij = g2 / (2 * g2 + sumA * g3 + 1e-6);
        aij = torch::where(G != 0, aij, torch::zeros_like(aij));
        r.weights = (at::relu(G) * aij).sum({2, 3});
    } else {
        r.weights = G.mean({2, 3});
    }
    r.camPreRelu = (r.weights.unsqueeze(-1).unsqueeze(-1) * A).sum(1);
    r.cam = at::relu(r.camPreRelu);
    r.camScaled = scaleCam(r.cam);
    r.camUpsampled = scaleCam(at::relu(upsample(r.camScaled, pixels.size(2), pixels.size(3))));
    return r;
}

RolloutTensors Explainer::rollout(const torch::Tensor &pixels) const
{
    torch::NoGradGuard noGrad;
    const auto P = m_encoder.config().patchSize;
    const auto h = pixels.size(2) / P, w = pixels.size(3) / P;
    ViTForwardOptions vo;
    vo.outputAttentions = true;
    const auto enc = m_encoder.forward(pixels, vo);
    const auto B = pixels.size(0), S = enc.lastHiddenState.size(1);
    const auto eye = torch::eye(S, enc.lastHiddenState.options());
    RolloutTensors r;
    r.joint = eye.unsqueeze(0).expand({B, S, S}).contiguous();
    for (const auto &att : enc.attentions) {
        auto a = att.mean(1) + eye;
        a = a / a.sum(-1, true);
        r.joint = at::matmul(a, r.joint);
    }
    r.map = r.joint.select(1, 0).narrow(1, 1, h * w).reshape({B, h, w});
    r.mapNorm = r.map / r.map.amax({1, 2}, true);
    return r;
}

CrossAttentionTensors Explainer::crossAttention(const torch::Tensor &pixels, const torch::Tensor &sequences,
                                                const ExplainOptions &options) const
{
    torch::NoGradGuard noGrad;
    const auto P = m_encoder.config().patchSize;
    const auto h = pixels.size(2) / P, w = pixels.size(3) / P;
    const auto enc = m_encoder.forward(pixels, {});
    GPT2Output dec;
    pickedLogits(enc.lastHiddenState, sequences, &dec, true);
    if (dec.crossAttentions.empty())
        throw std::invalid_argument("the decoder has no cross-attention");
    torch::Tensor att; // [B, T, S]
    if (options.crossLayers == CrossAttentionLayers::Last) {
        att = dec.crossAttentions.back().mean(1);
    } else {
        att = torch::stack(dec.crossAttentions).mean(0).mean(1);
    }
    CrossAttentionTensors r;
    const auto B = att.size(0), T = att.size(1);
    r.perToken = att.narrow(2, 1, h * w).reshape({B, T, h, w});
    r.mask = scoreMask(sequences, options).to(att.dtype());
    const auto count = r.mask.sum(1).clamp_min(1).view({B, 1, 1});
    r.map = divideByMax((r.perToken * r.mask.view({B, T, 1, 1})).sum(1) / count);
    return r;
}

Result<Explanation> Explainer::explain(const torch::Tensor &pixelsIn, const std::vector<int64_t> &sequence,
                                       const ExplainOptions &options) const
{
    try {
        const auto pixels = pixelsIn.dim() == 3 ? pixelsIn.unsqueeze(0) : pixelsIn;
        if (pixels.dim() != 4 || pixels.size(0) != 1)
            return makeError("Explanations take one image", {}, "pixel tensor must be [1, 3, H, W]");
        const bool needsTokens = options.method != ExplainMethod::Rollout;
        if (needsTokens && sequence.size() < 2)
            return makeError("Nothing to explain: the answer is empty");
        Explanation e;
        e.method = options.method;
        const int outH = options.outputHeight > 0 ? options.outputHeight : static_cast<int>(pixels.size(2));
        const int outW = options.outputWidth > 0 ? options.outputWidth : static_cast<int>(pixels.size(3));
        torch::Tensor seq;
        torch::Tensor mask;
        if (needsTokens) {
            seq = torch::tensor(sequence, torch::kLong).unsqueeze(0).to(pixels.device());
            mask = scoreMask(seq, options);
            if (mask.sum().item<float>() <= 0.0f)
                return makeError("Nothing to explain: no generated token is selected",
                                 {}, options.tokenIndex ? "token index " + std::to_string(*options.tokenIndex) + " is past the answer" : "");
            const auto m = mask.to(torch::kCPU);
            for (int64_t t = 0; t < m.size(1); ++t)
                if (m[0][t].item<float>() > 0)
                    e.tokens.push_back(sequence[static_cast<size_t>(t + 1)]);
        }
        torch::Tensor grid;
        switch (options.method) {
        case ExplainMethod::GradCam:
        case ExplainMethod::GradCamPlusPlus: {
            const auto r = gradCam(pixels, seq, options, options.method == ExplainMethod::GradCamPlusPlus);
            grid = r.camScaled[0];
            e.map = toHeatMap(scaleCam(at::relu(upsample(r.camScaled, outH, outW)))[0]);
            e.score = r.score.item<double>();
            const auto picked = r.pickedLogits[0].to(torch::kCPU);
            const auto m = r.scoreMask[0].to(torch::kCPU);
            for (int64_t t = 0; t < picked.size(0); ++t)
                if (m[t].item<float>() > 0)
                    e.pickedLogits.push_back(picked[t].item<float>());
            break;
        }
        case ExplainMethod::Rollout: {
            const auto r = rollout(pixels);
            grid = r.mapNorm[0];
            e.map = toHeatMap(divideByMax(upsample(r.mapNorm, outH, outW))[0]);
            break;
        }
        case ExplainMethod::CrossAttention: {
            const auto r = crossAttention(pixels, seq, options);
            grid = r.map[0];
            e.map = toHeatMap(divideByMax(upsample(r.map, outH, outW))[0]);
            const auto m = r.mask[0].to(torch::kCPU);
            for (int64_t t = 0; t < m.size(0); ++t)
                if (m[t].item<float>() > 0)
                    e.tokenMaps.push_back(toHeatMap(r.perToken[0][t]));
            break;
        }
        }
        e.grid = toHeatMap(grid);
        return e;
    } catch (const c10::Error &ex) {
        return makeError("Could not compute the explanation", {}, ex.what_without_backtrace());
    } catch (const std::exception &ex) {
        return makeError("Could not compute the explanation", {}, ex.what());
    }
}

} // namespace satgpt::ml
