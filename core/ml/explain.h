// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Public, torch-free result and option types of the explainability maths (Grad-CAM,
// Grad-CAM++, attention rollout, cross-attention maps). The maths itself lives in
// core/ml/explainer.h (internal, libtorch); everything here is plain standard library so the Qt
// core, the widgets and the CLI can hold explanations without seeing a tensor.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace satgpt::ml {

enum class ExplainMethod {
    GradCam,         ///< Selvaraju et al. 2017, as pytorch-grad-cam's GradCAM
    GradCamPlusPlus, ///< Chattopadhyay et al. 2018, as pytorch-grad-cam's GradCAMPlusPlus
    Rollout,         ///< Abnar & Zuidema 2020 over the ViT encoder
    CrossAttention   ///< the decoder's cross-attention to the patches, per generated token
};

/// Which ViT tensor Grad-CAM differentiates with respect to.
enum class CamTarget {
    LastBlock, ///< output of the last ViT block, before the final LayerNorm ("block")
    FinalNorm  ///< the encoder's last_hidden_state, what the decoder cross-attends to ("lnf")
};

/// How the cross-attention map of one token combines the decoder's layers (heads are always
/// averaged): the mean over every layer, or the last layer alone.
enum class CrossAttentionLayers { Mean, Last };

/// A scalar field on a regular grid: row-major, `values[y * width + x]`, y down. The grid spans
/// the whole model input (and so the whole image region the input was cut from).
struct HeatMap
{
    int width = 0;
    int height = 0;
    std::vector<float> values;

    bool isEmpty() const { return width <= 0 || height <= 0 || values.empty(); }
    float at(int x, int y) const { return values[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)]; }
    float minimum() const;
    float maximum() const;
};

struct ExplainOptions
{
    ExplainMethod method = ExplainMethod::GradCam;
    CamTarget target = CamTarget::FinalNorm;
    CrossAttentionLayers crossLayers = CrossAttentionLayers::Mean;
    /// Leading decoder ids that are given rather than generated (decoder start + question);
    /// they are never explained. 1 for plain captioning.
    int64_t promptLength = 1;
    /// Generation stops at the first eos; later ids (padding) are ignored. Unset: none.
    std::optional<int64_t> eosTokenId;
    /// Explain one generated token (0-based among the generated ones) instead of the whole
    /// answer (every generated token up to and including the first eos).
    std::optional<int> tokenIndex;
    /// Size of `Explanation::map`; 0 means the model's input size.
    int outputWidth = 0;
    int outputHeight = 0;
};

/// One image's explanation. `grid` is on the ViT patch grid (e.g. 14x14 for ViT-B/16 at 224),
/// `map` is `grid` upsampled (bilinear, half-pixel centres) and scaled to [0, 1], ready to draw
/// or export. Both are max-scaled to [0, 1] whatever the method.
struct Explanation
{
    ExplainMethod method = ExplainMethod::GradCam;
    HeatMap grid;
    HeatMap map;
    /// Cross-attention only: one patch-grid map per explained token (raw attention mass on the
    /// patches, not rescaled, so tokens can be compared with each other).
    std::vector<HeatMap> tokenMaps;
    /// The explained tokens' ids (generated ids for Grad-CAM and cross-attention).
    std::vector<int64_t> tokens;
    /// Grad-CAM: the raw logit of each explained token and their sum (the differentiated score).
    std::vector<float> pickedLogits;
    double score = 0.0;
};

std::string explainMethodName(ExplainMethod method);
/// "gradcam", "gradcam++", "rollout", "cross-attention" (and "cross_attention", "gradcampp").
std::optional<ExplainMethod> explainMethodFromName(const std::string &name);

/// Scales to [0, 1] as pytorch-grad-cam's scale_cam_image: (v - min) / (1e-7 + max(v - min)).
void minMaxScale(std::vector<float> &values);

/// Bilinear resize with half-pixel centres and clamped edges (torch `interpolate(mode=
/// "bilinear", align_corners=False)`, OpenCV INTER_LINEAR when enlarging).
HeatMap resizeBilinear(const HeatMap &map, int width, int height);

} // namespace satgpt::ml
