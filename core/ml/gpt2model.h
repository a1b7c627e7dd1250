// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): HF `GPT2LMHeadModel`, optionally with cross-attention.

#include "core/ml/modelconfig.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace satgpt::ml {

/// Past keys/values. Self-attention K/V grow by the tokens of every call; cross-attention K/V are
/// computed from the encoder states on the first call and reused (once per image).
struct GPT2Cache
{
    std::vector<torch::Tensor> key, value;           ///< per layer [B, heads, T, d]
    std::vector<torch::Tensor> crossKey, crossValue; ///< per layer [B, heads, S, d]

    int64_t length() const { return key.empty() || !key[0].defined() ? 0 : key[0].size(2); }
    bool empty() const { return length() == 0; }
    /// Reorders the batch (beam search). Cross K/V are kept when `keepCross` (beams of one image
    /// share them, so reordering within an image leaves them unchanged).
    void reorder(const torch::Tensor &index, bool keepCross);
    void clear();
};

struct GPT2Input
{
    torch::Tensor inputIds;             ///< [B, T] int64
    torch::Tensor attentionMask;        ///< optional [B, past + T], 1 = attend, 0 = padding
    torch::Tensor positionIds;          ///< optional [B, T]; default arange(past, past + T)
    torch::Tensor encoderHiddenStates;  ///< [B, S, n_embd] for cross-attention
    torch::Tensor encoderAttentionMask; ///< optional [B, S]
    GPT2Cache *cache = nullptr;         ///< read and extended when set
    bool outputAttentions = false;
    bool outputHiddenStates = false;
    bool outputPresents = false;        ///< fill `presentKey/presentValue` (also without cache)
    bool lastTokenLogitsOnly = false;   ///< generation only needs the last position
};

struct GPT2Output
{
    torch::Tensor logits;                         ///< [B, T, V] (or [B, 1, V])
    std::vector<torch::Tensor> hiddenStates;      ///< n_layer + 1; the last after ln_f, as HF
    std::vector<torch::Tensor> attentions;        ///< per layer [B, heads, T, past + T]
    std::vector<torch::Tensor> crossAttentions;   ///< per layer [B, heads, T, S]
    std::vector<torch::Tensor> presentKey, presentValue;
};

/// HF GPT2LMHeadModel with Conv1D weights kept in HF's [in, out] layout and lm_head tied to wte.
/// Not thread-safe; use from one thread at a time.
class GPT2LMHeadModel
{
public:
    explicit GPT2LMHeadModel(GPT2Config config,
                             torch::TensorOptions options = torch::TensorOptions().dtype(torch::kFloat32));

    const GPT2Config &config() const { return m_config; }
    GPT2Output forward(const GPT2Input &input) const;

    /// Every tensor under its HF name, without lm_head (tied to `transformer.wte.weight`).
    void visit(const std::function<void(const std::string &name, torch::Tensor &tensor)> &fn,
               const std::string &prefix = {});
    std::vector<torch::Tensor> parameters() const;
    void initRandom(double std = 0.02);
    void setTraining(bool training) { m_training = training; }
    bool isTraining() const { return m_training; }
    void to(const torch::TensorOptions &options);
    const torch::Tensor &wte() const { return m_wte; }

private:
    struct Layer
    {
        torch::Tensor ln1W, ln1B, attnW, attnB, projW, projB;
        torch::Tensor lnxW, lnxB, xqW, xqB, xkvW, xkvB, xprojW, xprojB;
        torch::Tensor ln2W, ln2B, fcW, fcB, fc2W, fc2B;
    };
    std::vector<torch::Tensor *> allTensors();
    /// The whole step on decodekernels.h's decodeStep where it applies (one sequence, one new
    /// token after a filled cache, nothing but logits asked for, inference on float32 CPU);
    /// otherwise an output with undefined logits.
    GPT2Output fusedDecodeStep(const GPT2Input &input) const;

    GPT2Config m_config;
    bool m_training = false;
    torch::Tensor m_wte, m_wpe, m_lnfW, m_lnfB;
    std::vector<Layer> m_layers;
};

} // namespace satgpt::ml
