// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): HF `VisionEncoderDecoderModel` = ViT encoder + GPT-2
// decoder with cross-attention (e.g. nlpconnect/vit-gpt2-image-captioning).

#include "core/ml/gpt2model.h"
#include "core/ml/modelconfig.h"
#include "core/ml/vitmodel.h"

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace satgpt::ml {

struct VisionEncoderDecoderOutput
{
    torch::Tensor loss;                 ///< scalar when labels were given
    torch::Tensor logits;               ///< [B, T, V]
    ViTOutput encoder;                  ///< encoder outputs (last hidden state after the final LN)
    torch::Tensor encoderHiddenStates;  ///< what the decoder attends to (after enc_to_dec_proj)
    GPT2Output decoder;
};

struct VisionEncoderDecoderForward
{
    torch::Tensor pixelValues;           ///< [B, C, H, W]
    torch::Tensor decoderInputIds;       ///< [B, T]; derived from labels when undefined
    torch::Tensor decoderAttentionMask;  ///< optional [B, T]
    torch::Tensor labels;                ///< optional [B, T] with -100 = ignore
    bool outputAttentions = false;
    bool outputHiddenStates = false;
    bool interpolatePosEncoding = false;
};

/// The composite model. Owns its encoder and decoder; not thread-safe.
class VisionEncoderDecoder
{
public:
    explicit VisionEncoderDecoder(VisionEncoderDecoderConfig config,
                                  torch::TensorOptions options = torch::TensorOptions().dtype(torch::kFloat32));

    const VisionEncoderDecoderConfig &config() const { return m_config; }
    ViTModel &encoder() { return *m_encoder; }
    const ViTModel &encoder() const { return *m_encoder; }
    GPT2LMHeadModel &decoder() { return *m_decoder; }
    const GPT2LMHeadModel &decoder() const { return *m_decoder; }
    bool hasEncToDecProj() const { return m_projW.defined(); }

    /// Runs the encoder and applies enc_to_dec_proj when the hidden sizes differ.
    torch::Tensor encode(const torch::Tensor &pixelValues, ViTOutput *encoderOut = nullptr,
                         const ViTForwardOptions &options = {}) const;
    VisionEncoderDecoderOutput forward(const VisionEncoderDecoderForward &input) const;

    void visit(const std::function<void(const std::string &name, torch::Tensor &tensor)> &fn);
    std::vector<torch::Tensor> parameters() const;
    void initRandom(double std = 0.02);
    void setTraining(bool training);
    void to(const torch::TensorOptions &options);

    int64_t decoderStartTokenId() const;
    int64_t padTokenId() const;

    /// HF shift_tokens_right: shift by one, decoder start at position 0, -100 replaced by pad.
    static torch::Tensor shiftTokensRight(const torch::Tensor &labels, int64_t padTokenId, int64_t decoderStartTokenId);
    /// HF loss: mean cross-entropy over positions whose label is not -100 (no second shift).
    static torch::Tensor loss(const torch::Tensor &logits, const torch::Tensor &labels);

private:
    VisionEncoderDecoderConfig m_config;
    std::unique_ptr<ViTModel> m_encoder;
    std::unique_ptr<GPT2LMHeadModel> m_decoder;
    torch::Tensor m_projW, m_projB; // enc_to_dec_proj (nn.Linear), only when sizes differ
};

} // namespace satgpt::ml
