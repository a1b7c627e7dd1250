// SPDX-License-Identifier: GPL-3.0-or-later
#include "vitmodel.h"

#include "encoderkernels.h"
#include "gemm.h"
#include "layers.h"

#include <cmath>
#include <stdexcept>

namespace satgpt::ml {

ViTModel::ViTModel(ViTConfig config, bool addPoolingLayer, torch::TensorOptions options)
    : m_config(std::move(config))
    , m_hasPooler(addPoolingLayer)
{
    const auto H = m_config.hiddenSize, I = m_config.intermediateSize, P = m_config.patchSize;
    auto e = [&](std::initializer_list<int64_t> s) { return torch::empty(s, options); };
    // nn.Linear's [out, in] with transposed strides: the same tensor to every reader (HF names,
    // autograd, the optimizer) while its memory is the [in, out] matrix encoderkernels.h and
    // oneDNN's fastest products want. Savers write it contiguous, i.e. in HF's layout.
    auto columnMajor = [&](int64_t out, int64_t in) { return torch::empty_strided({out, in}, {1, out}, options); };
    m_clsToken = e({1, 1, H});
    m_posEmbed = e({1, m_config.numPatches() + 1, H});
    m_patchW = e({H, m_config.numChannels, P, P});
    m_patchB = e({H});
    m_lnW = e({H});
    m_lnB = e({H});
    if (m_hasPooler) {
        m_poolW = e({H, H});
        m_poolB = e({H});
    }
    m_layers.resize(static_cast<size_t>(m_config.numHiddenLayers));
    for (auto &l : m_layers) {
        l.qkvW = columnMajor(3 * H, H);
        l.qkvB = m_config.qkvBias ? e({3 * H}) : torch::zeros({3 * H}, options);
        l.outW = columnMajor(H, H);
        l.outB = e({H});
        l.ln1W = e({H});
        l.ln1B = e({H});
        l.ln2W = e({H});
        l.ln2B = e({H});
        l.fc1W = columnMajor(I, H);
        l.fc1B = e({I});
        l.fc2W = columnMajor(H, I);
        l.fc2B = e({H});
    }
    refreshViews();
}

void ViTModel::refreshViews()
{
    const auto H = m_config.hiddenSize;
    for (auto &l : m_layers) {
        l.qW = l.qkvW.narrow(0, 0, H);
        l.kW = l.qkvW.narrow(0, H, H);
        l.vW = l.qkvW.narrow(0, 2 * H, H);
        l.qB = l.qkvB.narrow(0, 0, H);
        l.kB = l.qkvB.narrow(0, H, H);
        l.vB = l.qkvB.narrow(0, 2 * H, H);
    }
}

void ViTModel::visit(const std::function<void(const std::string &, torch::Tensor &)> &fn, const std::string &prefix)
{
    fn(prefix + "embeddings.cls_token", m_clsToken);
    fn(prefix + "embeddings.position_embeddings", m_posEmbed);
    fn(prefix + "embeddings.patch_embeddings.projection.weight", m_patchW);
    fn(prefix + "embeddings.patch_embeddings.projection.bias", m_patchB);
    for (size_t i = 0; i < m_layers.size(); ++i) {
        auto &l = m_layers[i];
        const std::string p = prefix + "encoder.layer." + std::to_string(i) + ".";
        fn(p + "attention.attention.query.weight", l.qW);
        if (m_config.qkvBias)
            fn(p + "attention.attention.query.bias", l.qB);
        fn(p + "attention.attention.key.weight", l.kW);
        if (m_config.qkvBias)
            fn(p + "attention.attention.key.bias", l.kB);
        fn(p + "attention.attention.value.weight", l.vW);
        if (m_config.qkvBias)
            fn(p + "attention.attention.value.bias", l.vB);
        fn(p + "attention.output.dense.weight", l.outW);
        fn(p + "attention.output.dense.bias", l.outB);
        fn(p + "intermediate.dense.weight", l.fc1W);
        fn(p + "intermediate.dense.bias", l.fc1B);
        fn(p + "output.dense.weight", l.fc2W);
        fn(p + "output.dense.bias", l.fc2B);
        fn(p + "layernorm_before.weight", l.ln1W);
        fn(p + "layernorm_before.bias", l.ln1B);
        fn(p + "layernorm_after.weight", l.ln2W);
        fn(p + "layernorm_after.bias", l.ln2B);
    }
    fn(prefix + "layernorm.weight", m_lnW);
    fn(prefix + "layernorm.bias", m_lnB);
    if (m_hasPooler) {
        fn(prefix + "pooler.dense.weight", m_poolW);
        fn(prefix + "pooler.dense.bias", m_poolB);
    }
}

std::vector<torch::Tensor> ViTModel::parameters() const
{
    std::vector<torch::Tensor> p{m_clsToken, m_posEmbed, m_patchW, m_patchB};
    for (const auto &l : m_layers) {
        p.push_back(l.qkvW);
        if (m_config.qkvBias)
            p.push_back(l.qkvB);
        for (const auto &t : {l.outW, l.outB, l.ln1W, l.ln1B, l.ln2W, l.ln2B, l.fc1W, l.fc1B, l.fc2W, l.fc2B})
            p.push_back(t);
    }
    p.push_back(m_lnW);
    p.push_back(m_lnB);
    if (m_hasPooler) {
        p.push_back(m_poolW);
        p.push_back(m_poolB);
    }
    return p;
}

void ViTModel::initRandom(double std)
{
    torch::NoGradGuard noGrad;
    for (auto &t : parameters()) {
        if (t.dim() >= 2)
            t.normal_(0.0, std);
    }
    m_patchB.zero_();
    m_lnW.fill_(1.0);
    m_lnB.zero_();
    if (m_hasPooler)
        m_poolB.zero_();
    for (auto &l : m_layers) {
        l.qkvB.zero_();
        l.outB.zero_();
        l.fc1B.zero_();
        l.fc2B.zero_();
        l.ln1W.fill_(1.0);
        l.ln1B.zero_();
        l.ln2W.fill_(1.0);
        l.ln2B.zero_();
    }
}

void ViTModel::to(const torch::TensorOptions &options)
{
    for (auto *t : {&m_clsToken, &m_posEmbed, &m_patchW, &m_patchB, &m_lnW, &m_lnB, &m_poolW, &m_poolB})
        if (t->defined())
            *t = t->to(options);
    for (auto &l : m_layers)
        for (auto *t : {&l.qkvW, &l.qkvB, &l.outW, &l.outB, &l.ln1W, &l.ln1B, &l.ln2W, &l.ln2B, &l.fc1W, &l.fc1B,
                        &l.fc2W, &l.fc2B})
            *t = t->to(options);
    refreshViews();
}

torch::Tensor ViTModel::positionEmbeddings(int64_t height, int64_t width, bool interpolate) const
{
    const int64_t numPositions = m_posEmbed.size(1) - 1;
    const int64_t newH = height / m_config.patchSize, newW = width / m_config.patchSize;
    if (newH * newW == numPositions && height == width)
        return m_posEmbed;
    if (!interpolate)
        throw std::invalid_argument("input image size (" + std::to_string(height) + "x" + std::to_string(width)
                                    + ") does not match the model (" + std::to_string(m_config.imageSize) + "x"
                                    + std::to_string(m_config.imageSize) + ")");
    const auto dim = m_posEmbed.size(2);
    const auto side = static_cast<int64_t>(std::sqrt(static_cast<double>(numPositions)));
    auto cls = m_posEmbed.narrow(1, 0, 1);
    auto patch = m_posEmbed.narrow(1, 1, numPositions).reshape({1, side, side, dim}).permute({0, 3, 1, 2});
    patch = torch::nn::functional::interpolate(
        patch, torch::nn::functional::InterpolateFuncOptions()
                   .size(std::vector<int64_t>{newH, newW})
                   .mode(torch::kBicubic)
                   .align_corners(false));
    patch = patch.permute({0, 2, 3, 1}).reshape({1, -1, dim});
    return torch::cat({cls, patch}, 1);
}

bool ViTModel::usesInferenceKernels(const torch::Tensor &pixelValues, const ViTForwardOptions &options) const
{
    if (m_training || options.outputAttentions || options.outputHiddenStates || at::GradMode::is_enabled() ||
        !pixelValues.is_cpu() || !detail::fastGemmAvailable())
        return false;
    const auto plain = [](const torch::Tensor &t) {
        return t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
    };
    const auto columnMajor = [](const torch::Tensor &t) {
        return t.is_cpu() && t.scalar_type() == torch::kFloat && t.dim() == 2 && t.t().is_contiguous();
    };
    if (!plain(m_patchW))
        return false;
    for (const auto &l : m_layers) {
        for (const auto *t : {&l.qkvB, &l.outB, &l.ln1W, &l.ln1B, &l.ln2W, &l.ln2B, &l.fc1B, &l.fc2B})
            if (!plain(*t))
                return false;
        for (const auto *t : {&l.qkvW, &l.outW, &l.fc1W, &l.fc2W})
            if (!columnMajor(*t))
                return false;
    }
    return true;
}

ViTOutput ViTModel::forward(const torch::Tensor &pixelValues, const ViTForwardOptions &options) const
{
    using namespace detail;
    ViTOutput out;
    const auto B = pixelValues.size(0);
    const auto H = m_config.hiddenSize;

    auto x = at::conv2d(pixelValues.to(m_patchW.scalar_type()), m_patchW, m_patchB, {m_config.patchSize, m_config.patchSize});
    x = x.flatten(2).transpose(1, 2); // [B, N, H], row-major patch order
    x = torch::cat({m_clsToken.expand({B, 1, H}), x}, 1);
    x = x + positionEmbeddings(pixelValues.size(2), pixelValues.size(3), options.interpolatePosEncoding);
    if (m_training && m_config.hiddenDropout > 0)
        x = at::dropout(x, m_config.hiddenDropout, true);
    if (options.outputHiddenStates)
        out.hiddenStates.push_back(x);

    if (usesInferenceKernels(pixelValues, options)) {
        const auto T = x.size(1);
        detail::EncoderShape shape;
        shape.hidden = H;
        shape.heads = m_config.numAttentionHeads;
        shape.intermediate = m_config.intermediateSize;
        shape.tokens = T;
        shape.images = B;
        shape.layerNormEps = static_cast<float>(m_config.layerNormEps);
        shape.activation = detail::activationFromName(m_config.hiddenAct);
        std::vector<detail::EncoderBlockWeights> blocks;
        for (const auto &l : m_layers) {
            const auto f = [](const torch::Tensor &t) { return t.data_ptr<float>(); };
            blocks.push_back({f(l.ln1W), f(l.ln1B), f(l.qkvW), f(l.qkvB), f(l.outW), f(l.outB), f(l.ln2W), f(l.ln2B),
                              f(l.fc1W), f(l.fc1B), f(l.fc2W), f(l.fc2B)});
        }
        x = x.contiguous();
        detail::encodeBlocks(x.data_ptr<float>(), blocks, shape);
    } else {
        x = encodeBlocks(x, options, out);
    }
    out.lastHiddenState = layerNorm(x, m_lnW, m_lnB, m_config.layerNormEps);
    if (m_hasPooler)
        out.poolerOutput = at::tanh(linear(out.lastHiddenState.select(1, 0), m_poolW, m_poolB));
    return out;
}

torch::Tensor ViTModel::encodeBlocks(torch::Tensor x, const ViTForwardOptions &options, ViTOutput &out) const
{
    using namespace detail;
    const auto B = x.size(0);
    const auto H = m_config.hiddenSize;
    const auto heads = m_config.numAttentionHeads;
    const auto headDim = H / heads;
    const double scale = std::sqrt(static_cast<double>(headDim));
    for (const auto &l : m_layers) {
        const auto T = x.size(1);
        auto h = layerNorm(x, l.ln1W, l.ln1B, m_config.layerNormEps);
        auto qkv = linear(h, l.qkvW, l.qkvB).view({B, T, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
        auto q = qkv[0], k = qkv[1], v = qkv[2];
        auto scores = attentionScores(q, k, scale);
        auto probs = at::softmax(scores, -1);
        if (options.outputAttentions)
            out.attentions.push_back(probs);
        if (m_training && m_config.attentionDropout > 0)
            probs = at::dropout(probs, m_config.attentionDropout, true);
        auto ctx = mergeHeads(attentionMix(probs, v));
        auto attnOut = linear(ctx, l.outW, l.outB);
        if (m_training && m_config.hiddenDropout > 0)
            attnOut = at::dropout(attnOut, m_config.hiddenDropout, true);
        x = x + attnOut;
        auto m = activation(linear(layerNorm(x, l.ln2W, l.ln2B, m_config.layerNormEps), l.fc1W, l.fc1B), m_config.hiddenAct);
        m = linear(m, l.fc2W, l.fc2B);
        if (m_training && m_config.hiddenDropout > 0)
            m = at::dropout(m, m_config.hiddenDropout, true);
        x = x + m;
        if (options.outputHiddenStates)
            out.hiddenStates.push_back(x);
    }
    return x;
}

} // namespace satgpt::ml
