// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpt2model.h"

#include "layers.h"

#include <cmath>
#include <stdexcept>

namespace satgpt::ml {

void GPT2Cache::reorder(const torch::Tensor &index, bool keepCross)
{
    for (auto &t : key)
        if (t.defined())
            t = t.index_select(0, index);
    for (auto &t : value)
        if (t.defined())
            t = t.index_select(0, index);
    if (!keepCross) {
        for (auto &t : crossKey)
            if (t.defined())
                t = t.index_select(0, index);
        for (auto &t : crossValue)
            if (t.defined())
                t = t.index_select(0, index);
    }
}

void GPT2Cache::clear()
{
    key.clear();
    value.clear();
    crossKey.clear();
    crossValue.clear();
}

GPT2LMHeadModel::GPT2LMHeadModel(GPT2Config config, torch::TensorOptions options)
    : m_config(std::move(config))
{
    const auto E = m_config.nEmbd, I = m_config.innerSize();
    auto e = [&](std::initializer_list<int64_t> s) { return torch::empty(s, options); };
    m_wte = e({m_config.vocabSize, E});
    m_wpe = e({m_config.nPositions, E});
    m_lnfW = e({E});
    m_lnfB = e({E});
    m_layers.resize(static_cast<size_t>(m_config.nLayer));
    for (auto &l : m_layers) {
        l.ln1W = e({E});
        l.ln1B = e({E});
        l.attnW = e({E, 3 * E});
        l.attnB = e({3 * E});
        l.projW = e({E, E});
        l.projB = e({E});
        if (m_config.addCrossAttention) {
            l.lnxW = e({E});
            l.lnxB = e({E});
            l.xqW = e({E, E});
            l.xqB = e({E});
            l.xkvW = e({E, 2 * E});
            l.xkvB = e({2 * E});
            l.xprojW = e({E, E});
            l.xprojB = e({E});
        }
        l.ln2W = e({E});
        l.ln2B = e({E});
        l.fcW = e({E, I});
        l.fcB = e({I});
        l.fc2W = e({I, E});
        l.fc2B = e({E});
    }
}

void GPT2LMHeadModel::visit(const std::function<void(const std::string &, torch::Tensor &)> &fn, const std::string &prefix)
{
    const std::string t = prefix + "transformer.";
    fn(t + "wte.weight", m_wte);
    fn(t + "wpe.weight", m_wpe);
    for (size_t i = 0; i < m_layers.size(); ++i) {
        auto &l = m_layers[i];
        const std::string p = t + "h." + std::to_string(i) + ".";
        fn(p + "ln_1.weight", l.ln1W);
        fn(p + "ln_1.bias", l.ln1B);
        fn(p + "attn.c_attn.weight", l.attnW);
        fn(p + "attn.c_attn.bias", l.attnB);
        fn(p + "attn.c_proj.weight", l.projW);
        fn(p + "attn.c_proj.bias", l.projB);
        if (m_config.addCrossAttention) {
            fn(p + "ln_cross_attn.weight", l.lnxW);
            fn(p + "ln_cross_attn.bias", l.lnxB);
            fn(p + "crossattention.q_attn.weight", l.xqW);
            fn(p + "crossattention.q_attn.bias", l.xqB);
            fn(p + "crossattention.c_attn.weight", l.xkvW);
            fn(p + "crossattention.c_attn.bias", l.xkvB);
            fn(p + "crossattention.c_proj.weight", l.xprojW);
            fn(p + "crossattention.c_proj.bias", l.xprojB);
        }
        fn(p + "ln_2.weight", l.ln2W);
        fn(p + "ln_2.bias", l.ln2B);
        fn(p + "mlp.c_fc.weight", l.fcW);
        fn(p + "mlp.c_fc.bias", l.fcB);
        fn(p + "mlp.c_proj.weight", l.fc2W);
        fn(p + "mlp.c_proj.bias", l.fc2B);
    }
    fn(t + "ln_f.weight", m_lnfW);
    fn(t + "ln_f.bias", m_lnfB);
}

std::vector<torch::Tensor *> GPT2LMHeadModel::allTensors()
{
    std::vector<torch::Tensor *> all;
    visit([&](const std::string &, torch::Tensor &t) { all.push_back(&t); });
    return all;
}

std::vector<torch::Tensor> GPT2LMHeadModel::parameters() const
{
    std::vector<torch::Tensor> p;
    for (auto *t : const_cast<GPT2LMHeadModel *>(this)->allTensors())
        p.push_back(*t);
    return p;
}

void GPT2LMHeadModel::initRandom(double std)
{
    torch::NoGradGuard noGrad;
    visit([&](const std::string &name, torch::Tensor &t) {
        const bool isLn = name.find("ln_") != std::string::npos;
        if (isLn && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0)
            t.fill_(1.0);
        else if (t.dim() >= 2)
            t.normal_(0.0, std);
        else
            t.zero_();
    });
}

void GPT2LMHeadModel::to(const torch::TensorOptions &options)
{
    for (auto *t : allTensors())
        *t = t->to(options);
}

GPT2Output GPT2LMHeadModel::fusedDecodeStep(const GPT2Input &in) const
{
    GPT2Cache *cache = in.cache;
    const auto &ids = in.inputIds;
    if (!cache || cache->empty() || m_training || at::GradMode::is_enabled() || in.outputAttentions ||
        in.outputHiddenStates || in.outputPresents || in.attentionMask.defined() || in.positionIds.defined() ||
        in.encoderAttentionMask.defined() || ids.dim() != 2 || ids.size(0) != 1 || ids.size(1) != 1 || !ids.is_cpu() ||
        cache->key.size() != m_layers.size())
        return {};
    const auto plain = [](const torch::Tensor &t) {
        return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
    };
    if (!plain(m_wte) || !plain(m_wpe) || !plain(m_lnfW) || !plain(m_lnfB))
        return {};
    const int64_t E = m_config.nEmbd, heads = m_config.nHead, d = E / heads, past = cache->length();
    if (past + 1 > m_config.nPositions)
        return {}; // the general path reports it
    const bool cross = m_config.addCrossAttention && cache->crossKey.size() == m_layers.size() &&
                       !cache->crossKey.empty() && cache->crossKey[0].defined();
    detail::DecoderShape shape;
    shape.embed = E;
    shape.heads = heads;
    shape.inner = m_config.innerSize();
    shape.vocab = m_config.vocabSize;
    shape.past = past;
    shape.layerNormEps = static_cast<float>(m_config.layerNormEpsilon);
    shape.activation = detail::activationFromName(m_config.activationFunction);
    std::vector<detail::DecoderBlockWeights> blocks;
    std::vector<detail::DecoderBlockCache> caches;
    std::vector<float> scales;
    std::vector<torch::Tensor> pastKeys, pastValues, keys, values;
    const auto f = [](const torch::Tensor &t) { return t.data_ptr<float>(); };
    for (size_t li = 0; li < m_layers.size(); ++li) {
        const auto &l = m_layers[li];
        for (const auto *t : {&l.ln1W, &l.ln1B, &l.attnW, &l.attnB, &l.projW, &l.projB, &l.ln2W, &l.ln2B, &l.fcW, &l.fcB,
                              &l.fc2W, &l.fc2B})
            if (!plain(*t))
                return {};
        const auto &pk = cache->key[li], &pv = cache->value[li];
        if (!pk.defined() || !pv.defined() || pk.dim() != 4 || pk.size(0) != 1 || pk.size(1) != heads ||
            pk.size(2) != past || pk.size(3) != d || pv.sizes() != pk.sizes() || !pk.is_cpu() ||
            pk.scalar_type() != torch::kFloat || pv.scalar_type() != torch::kFloat)
            return {};
        detail::DecoderBlockWeights w{f(l.ln1W), f(l.ln1B), f(l.attnW), f(l.attnB), f(l.projW), f(l.projB),
                                      nullptr,   nullptr,   nullptr,    nullptr,    nullptr,    nullptr,
                                      f(l.ln2W), f(l.ln2B), f(l.fcW),   f(l.fcB),   f(l.fc2W),  f(l.fc2B)};
        detail::DecoderBlockCache c{};
        if (cross) {
            for (const auto *t : {&l.lnxW, &l.lnxB, &l.xqW, &l.xqB, &l.xprojW, &l.xprojB})
                if (!plain(*t))
                    return {};
            const auto &ck = cache->crossKey[li], &cv = cache->crossValue[li];
            if (!ck.defined() || !cv.defined() || ck.dim() != 4 || ck.size(0) != 1 || ck.size(1) != heads ||
                ck.size(3) != d || cv.sizes() != ck.sizes() || ck.stride(3) != 1 || cv.stride(3) != 1 || !ck.is_cpu() ||
                ck.scalar_type() != torch::kFloat || cv.scalar_type() != torch::kFloat)
                return {};
            w.lnCrossWeight = f(l.lnxW);
            w.lnCrossBias = f(l.lnxB);
            w.crossQueryWeight = f(l.xqW);
            w.crossQueryBias = f(l.xqB);
            w.crossProjWeight = f(l.xprojW);
            w.crossProjBias = f(l.xprojB);
            c.crossKey = f(ck);
            c.crossValue = f(cv);
            c.crossKeyStrides = {ck.stride(0), ck.stride(1), ck.stride(2)};
            c.crossValueStrides = {cv.stride(0), cv.stride(1), cv.stride(2)};
            shape.crossLength = ck.size(2);
        }
        // A no-op for the caches forward() stores; a cache built elsewhere may hold views.
        pastKeys.push_back(pk.contiguous());
        pastValues.push_back(pv.contiguous());
        keys.push_back(torch::empty({1, heads, past + 1, d}, pk.options()));
        values.push_back(torch::empty({1, heads, past + 1, d}, pk.options()));
        c.pastKey = f(pastKeys.back());
        c.pastValue = f(pastValues.back());
        c.key = f(keys.back());
        c.value = f(values.back());
        blocks.push_back(w);
        caches.push_back(c);
        double scale = m_config.scaleAttnWeights ? std::sqrt(static_cast<double>(d)) : 1.0;
        if (m_config.scaleAttnByInverseLayerIdx)
            scale *= static_cast<double>(li + 1);
        scales.push_back(static_cast<float>(scale));
    }
    const int64_t id = ids.item<int64_t>();
    if (id < 0 || id >= m_config.vocabSize)
        return {}; // the general path reports it
    std::vector<float> embedding(static_cast<size_t>(E));
    const float *tokenRow = f(m_wte) + id * E, *positionRow = f(m_wpe) + past * E;
    for (int64_t i = 0; i < E; ++i)
        embedding[static_cast<size_t>(i)] = tokenRow[i] + positionRow[i];
    GPT2Output out;
    out.logits = torch::empty({1, 1, m_config.vocabSize}, m_wte.options());
    detail::decodeStep(embedding.data(), blocks, caches, scales.data(), f(m_lnfW), f(m_lnfB), f(m_wte), shape,
                       f(out.logits));
    cache->key = std::move(keys);
    cache->value = std::move(values);
    return out;
}

GPT2Output GPT2LMHeadModel::forward(const GPT2Input &in) const
{
    using namespace detail;
    if (auto fused = fusedDecodeStep(in); fused.logits.defined())
        return fused;
    GPT2Output out;
    const auto &ids = in.inputIds;
    const auto B = ids.size(0), T = ids.size(1);
    const auto E = m_config.nEmbd, heads = m_config.nHead, headDim = E / heads;
    GPT2Cache *cache = in.cache;
    const int64_t past = cache ? cache->length() : 0;
    if (past + T > m_config.nPositions)
        throw std::invalid_argument("sequence of " + std::to_string(past + T) + " tokens exceeds n_positions ("
                                    + std::to_string(m_config.nPositions) + ")");
    const auto opts = m_wte.options();

    torch::Tensor pos = in.positionIds.defined()
        ? in.positionIds
        : torch::arange(past, past + T, torch::TensorOptions().dtype(torch::kLong).device(opts.device())).unsqueeze(0);
    auto h = at::embedding(m_wte, ids) + at::embedding(m_wpe, pos);
    if (m_training && m_config.embdPdrop > 0)
        h = at::dropout(h, m_config.embdPdrop, true);

    const float lowest = lowestFloat(m_wte);
    const int64_t total = past + T;
    // Causal: query i (absolute past + i) sees keys <= past + i. A single new token needs no mask.
    torch::Tensor causalBlocked;
    if (T > 1) {
        auto qi = torch::arange(past, total, torch::TensorOptions().dtype(torch::kLong).device(opts.device())).unsqueeze(1);
        auto kj = torch::arange(0, total, torch::TensorOptions().dtype(torch::kLong).device(opts.device())).unsqueeze(0);
        causalBlocked = kj > qi; // [T, total]
    }
    torch::Tensor padAdd;
    if (in.attentionMask.defined())
        padAdd = ((1.0 - in.attentionMask.to(opts.dtype())) * lowest).view({B, 1, 1, -1});
    torch::Tensor crossAdd;
    if (in.encoderAttentionMask.defined())
        crossAdd = ((1.0 - in.encoderAttentionMask.to(opts.dtype())) * lowest).view({B, 1, 1, -1});

    if (cache) {
        cache->key.resize(m_layers.size());
        cache->value.resize(m_layers.size());
        if (m_config.addCrossAttention) {
            cache->crossKey.resize(m_layers.size());
            cache->crossValue.resize(m_layers.size());
        }
    }

    // softmax(q kᵀ / scale, blocked keys and mask applied) v with heads merged, recording the
    // probabilities when asked. One new token whose attention nobody asked to see (a decode
    // step) takes the fused kernel.
    const bool fusable = T == 1 && !in.outputAttentions && !(m_training && m_config.attnPdrop > 0);
    const auto attend = [&](const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                            const torch::Tensor &blocked, const torch::Tensor &mask, double scale,
                            std::vector<torch::Tensor> &recorded) {
        if (fusable && !blocked.defined()) {
            auto fused = fusedSingleQueryAttention(q, k, v, mask, 1.0 / scale);
            if (fused.defined())
                return fused;
        }
        auto w = attentionScores(q, k, scale);
        if (blocked.defined())
            w = w.masked_fill(blocked, lowest);
        if (mask.defined())
            w = w + mask;
        auto probs = at::softmax(w, -1);
        if (in.outputAttentions)
            recorded.push_back(probs);
        if (m_training && m_config.attnPdrop > 0)
            probs = at::dropout(probs, m_config.attnPdrop, true);
        return mergeHeads(attentionMix(probs, v));
    };

    for (size_t li = 0; li < m_layers.size(); ++li) {
        const auto &l = m_layers[li];
        if (in.outputHiddenStates)
            out.hiddenStates.push_back(h);
        double scale = m_config.scaleAttnWeights ? std::sqrt(static_cast<double>(headDim)) : 1.0;
        if (m_config.scaleAttnByInverseLayerIdx)
            scale *= static_cast<double>(li + 1);

        // Self-attention: one matmul for q, k and v.
        auto qkv = conv1d(layerNorm(h, l.ln1W, l.ln1B, m_config.layerNormEpsilon), l.attnW, l.attnB);
        auto parts = qkv.split(E, 2);
        auto q = splitHeads(parts[0], heads);
        auto k = splitHeads(parts[1], heads);
        auto v = splitHeads(parts[2], heads);
        if (cache && past > 0) {
            k = torch::cat({cache->key[li], k}, 2);
            v = torch::cat({cache->value[li], v}, 2);
        }
        if (cache) {
            // A prompt's keys and values are views of its projection; stored whole, the fused
            // step reads them in place instead of copying them first.
            cache->key[li] = past > 0 ? k : k.contiguous();
            cache->value[li] = past > 0 ? v : v.contiguous();
        }
        if (in.outputPresents) {
            out.presentKey.push_back(k);
            out.presentValue.push_back(v);
        }
        auto a = conv1d(attend(q, k, v, causalBlocked, padAdd, scale, out.attentions), l.projW, l.projB);
        if (m_training && m_config.residPdrop > 0)
            a = at::dropout(a, m_config.residPdrop, true);
        h = h + a;

        const bool crossAttend = m_config.addCrossAttention &&
                                 (in.encoderHiddenStates.defined() || (cache && cache->crossKey[li].defined()));
        if (crossAttend) {
            torch::Tensor ck, cv;
            if (cache && cache->crossKey[li].defined()) {
                ck = cache->crossKey[li];
                cv = cache->crossValue[li];
            } else {
                auto kv = conv1d(in.encoderHiddenStates, l.xkvW, l.xkvB).split(E, 2);
                ck = splitHeads(kv[0], heads);
                cv = splitHeads(kv[1], heads);
                if (cache) {
                    // Every later step reads them whole, from memory (the step's weights have
                    // pushed them out of cache by then); a head's keys in one block read
                    // 0.4-0.5 ms a step faster than strided rows of the projection.
                    ck = ck.contiguous();
                    cv = cv.contiguous();
                    cache->crossKey[li] = ck;
                    cache->crossValue[li] = cv;
                }
            }
            auto xq = splitHeads(conv1d(layerNorm(h, l.lnxW, l.lnxB, m_config.layerNormEpsilon), l.xqW, l.xqB), heads);
            auto xa = conv1d(attend(xq, ck, cv, torch::Tensor(), crossAdd, scale, out.crossAttentions), l.xprojW, l.xprojB);
            if (m_training && m_config.residPdrop > 0)
                xa = at::dropout(xa, m_config.residPdrop, true);
            h = h + xa;
        }

        auto m = activation(conv1d(layerNorm(h, l.ln2W, l.ln2B, m_config.layerNormEpsilon), l.fcW, l.fcB),
                            m_config.activationFunction);
        m = conv1d(m, l.fc2W, l.fc2B);
        if (m_training && m_config.residPdrop > 0)
            m = at::dropout(m, m_config.residPdrop, true);
        h = h + m;
    }
    h = layerNorm(h, m_lnfW, m_lnfB, m_config.layerNormEpsilon);
    if (in.outputHiddenStates)
        out.hiddenStates.push_back(h);
    if (in.lastTokenLogitsOnly)
        h = h.narrow(1, T - 1, 1);
    out.logits = detail::linear(h, m_wte);
    return out;
}

} // namespace satgpt::ml
