// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): Grad-CAM, Grad-CAM++, attention rollout and
// cross-attention maps for a ViT encoder + GPT-2 decoder (HF VisionEncoderDecoder layout).
//
// Cost: the target tensors are the *output* of the last ViT block and the final LayerNorm, so
// their gradients need no backward pass through any ViT block. The whole encoder runs once
// under no-grad; autograd starts at the last block's output (through the final LayerNorm for
// the "lnf" target) and runs through the decoder only. A map costs one encoder forward plus one
// teacher-forced decoder forward+backward; the decoder never materialises the [T, vocab]
// logits, only the picked ones (one dot product per token).

#include "core/base/result.h"
#include "core/ml/explain.h"
#include "core/ml/gpt2model.h"
#include "core/ml/visionencoderdecoder.h"
#include "core/ml/vitmodel.h"

#include <torch/torch.h>

namespace satgpt::ml {

/// Every intermediate of one Grad-CAM run, batched, named as in the parity fixtures.
struct GradCamTensors
{
    torch::Tensor activation;   ///< [B, 1+N, C] the target tensor
    torch::Tensor grad;         ///< [B, 1+N, C] d score / d activation
    torch::Tensor pickedLogits; ///< [B, T] raw logit of each target token, 0 where masked out
    torch::Tensor scoreMask;    ///< [B, T] 1 for the explained tokens
    torch::Tensor score;        ///< scalar, sum of picked logits over the batch
    torch::Tensor weights;      ///< [B, C]
    torch::Tensor camPreRelu;   ///< [B, h, w]
    torch::Tensor cam;          ///< [B, h, w] ReLU
    torch::Tensor camScaled;    ///< [B, h, w] min-max scaled
    torch::Tensor camUpsampled; ///< [B, H, W] bilinear, ReLU, min-max scaled again
};

struct RolloutTensors
{
    torch::Tensor joint;   ///< [B, 1+N, 1+N] product of the renormalised attention matrices
    torch::Tensor map;     ///< [B, h, w] CLS row over the patches
    torch::Tensor mapNorm; ///< [B, h, w] map / max(map)
};

struct CrossAttentionTensors
{
    torch::Tensor perToken; ///< [B, T, h, w] attention mass on each patch, per decoder position
    torch::Tensor mask;     ///< [B, T] 1 for the explained tokens
    torch::Tensor map;      ///< [B, h, w] mean over the explained tokens, / max
};

/// Computes explanations for one encoder/decoder pair. Holds references to the models (which
/// must outlive it) and reads their weights on every call, so fine-tuning in between is seen.
/// Not thread-safe (neither are the models); grad mode is set locally, so any thread may use it
/// while no other thread uses the same models.
class Explainer
{
public:
    Explainer(const ViTModel &encoder, const GPT2LMHeadModel &decoder);
    /// As above, applying the model's enc_to_dec_proj (when its hidden sizes differ) between the
    /// targets and the decoder, as VisionEncoderDecoder::encode does.
    explicit Explainer(const VisionEncoderDecoder &model);

    /// The ViT patch grid (rows, columns) of an input of the model's size.
    int gridHeight() const;
    int gridWidth() const;

    /// `pixels` [B, 3, H, W] normalised; `sequences` [B, T+1] decoder ids starting with the
    /// decoder start token (prompt, then generated ids). The score of row b is the sum of the
    /// raw logits of sequences[b, t+1] at position t over the explained tokens (see
    /// ExplainOptions). `plusPlus` selects Grad-CAM++ weights. Throws c10::Error on bad shapes;
    /// use explain() for a Result.
    GradCamTensors gradCam(const torch::Tensor &pixels, const torch::Tensor &sequences, const ExplainOptions &options,
                           bool plusPlus = false) const;
    RolloutTensors rollout(const torch::Tensor &pixels) const;
    CrossAttentionTensors crossAttention(const torch::Tensor &pixels, const torch::Tensor &sequences,
                                         const ExplainOptions &options) const;

    /// One image ([1, 3, H, W] or [3, H, W]) and its decoder ids, any method, converted to the
    /// torch-free result. Library exceptions become an Error.
    Result<Explanation> explain(const torch::Tensor &pixels, const std::vector<int64_t> &sequence,
                                const ExplainOptions &options) const;

    /// Which decoder targets are explained: [B, T] for targets sequences[:, 1:].
    static torch::Tensor scoreMask(const torch::Tensor &sequences, const ExplainOptions &options);
    /// Drops CLS and reshapes tokens [B, 1+N, C] -> [B, C, h, w] (row-major patch order).
    static torch::Tensor tokensToGrid(const torch::Tensor &tokens, int64_t h, int64_t w);
    /// pytorch-grad-cam's scale_cam_image on [B, h, w].
    static torch::Tensor scaleCam(const torch::Tensor &cam);
    /// Bilinear (half-pixel centres) to [B, H, W].
    static torch::Tensor upsample(const torch::Tensor &maps, int64_t height, int64_t width);

private:
    torch::Tensor finalNorm(const torch::Tensor &x) const;
    /// enc_to_dec_proj when the model has one, identity otherwise.
    torch::Tensor project(const torch::Tensor &encoderStates) const;
    /// Picked logits [B, T] for targets sequences[:, 1:] given encoder states (with grad).
    torch::Tensor pickedLogits(const torch::Tensor &encoderStates, const torch::Tensor &sequences,
                               GPT2Output *decoderOut = nullptr, bool outputAttentions = false) const;

    const ViTModel &m_encoder;
    const GPT2LMHeadModel &m_decoder;
    torch::Tensor m_projW, m_projB;
};

} // namespace satgpt::ml
