// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): HF `ViTModel` (with pooler) as plain tensors.

#include "core/ml/modelconfig.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace satgpt::ml {

struct ViTOutput
{
    torch::Tensor lastHiddenState;            ///< [B, 1+N, H], after the final LayerNorm
    torch::Tensor poolerOutput;               ///< [B, H] (undefined when the model has no pooler)
    std::vector<torch::Tensor> hiddenStates;  ///< embeddings + each block output (before final LN)
    std::vector<torch::Tensor> attentions;    ///< per layer [B, heads, 1+N, 1+N]
};

struct ViTForwardOptions
{
    bool outputAttentions = false;
    bool outputHiddenStates = false;
    /// Bicubic resize of the patch position embeddings for other input sizes, as HF's
    /// `interpolate_pos_encoding=True`. Without it an input of another size is an error.
    bool interpolatePosEncoding = false;
};

/// HF ViTModel. The query/key/value weights live in one fused [3H, H] tensor per layer (one
/// matmul); the HF names `query`/`key`/`value` are views into it, so loading and saving stay
/// name-compatible without a copy. The blocks' projection weights have HF's [out, in] shape but
/// column-major strides (their memory is [in, out], see encoderkernels.h); whoever needs raw
/// memory in HF's layout calls contiguous(), as the savers do. Not thread-safe; use from one
/// thread at a time.
class ViTModel
{
public:
    /// Allocates every tensor (uninitialised) for `config`; fill with load or initRandom.
    explicit ViTModel(ViTConfig config, bool addPoolingLayer = true,
                      torch::TensorOptions options = torch::TensorOptions().dtype(torch::kFloat32));

    const ViTConfig &config() const { return m_config; }
    bool hasPooler() const { return m_hasPooler; }

    ViTOutput forward(const torch::Tensor &pixelValues, const ViTForwardOptions &options = {}) const;
    /// Whether forward runs the blocks on encoderkernels.h (fused, no autograd): inference
    /// (no gradients, not training) of float32 CPU tensors with oneDNN's sgemm in the process,
    /// and neither attentions nor hidden states asked for. Otherwise ATen's path, which records
    /// autograd graphs and returns the intermediates (Grad-CAM, attention maps, parity tests).
    bool usesInferenceKernels(const torch::Tensor &pixelValues, const ViTForwardOptions &options = {}) const;

    /// Every tensor under its HF name (`prefix` + name), e.g. "embeddings.cls_token".
    void visit(const std::function<void(const std::string &name, torch::Tensor &tensor)> &fn,
               const std::string &prefix = {});
    /// Trainable leaves (the fused qkv tensors rather than their views).
    std::vector<torch::Tensor> parameters() const;
    /// HF-style init (normal(0, 0.02) weights, zero biases, unit LayerNorm) from a seed.
    void initRandom(double std = 0.02);
    void setTraining(bool training) { m_training = training; }
    bool isTraining() const { return m_training; }
    /// Re-creates the q/k/v views after the fused tensors were replaced (e.g. moved).
    void refreshViews();
    void to(const torch::TensorOptions &options);

private:
    struct Layer
    {
        torch::Tensor qkvW, qkvB; // fused [3H, H], [3H]
        torch::Tensor qW, kW, vW, qB, kB, vB; // views of the fused tensors (HF names)
        torch::Tensor outW, outB, ln1W, ln1B, ln2W, ln2B, fc1W, fc1B, fc2W, fc2B;
    };
    /// The blocks on ATen's operations (autograd, intermediates recorded into out).
    torch::Tensor encodeBlocks(torch::Tensor x, const ViTForwardOptions &options, ViTOutput &out) const;
    torch::Tensor positionEmbeddings(int64_t height, int64_t width, bool interpolate) const;

    ViTConfig m_config;
    bool m_hasPooler = true;
    bool m_training = false;
    torch::Tensor m_clsToken, m_posEmbed, m_patchW, m_patchB, m_lnW, m_lnB, m_poolW, m_poolB;
    std::vector<Layer> m_layers;
};

} // namespace satgpt::ml
