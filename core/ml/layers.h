// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: the few fused tensor operations both transformers share. All work on
// whole batches and all heads at once (one matmul per projection, no per-head loops).

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <string>

namespace satgpt::ml::detail {

/// nn.Linear: weight [out, in].
inline torch::Tensor linear(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b)
{
    return at::linear(x, w, b);
}

/// HF GPT-2 Conv1D: weight [in, out], y = x W + b, as one addmm.
inline torch::Tensor conv1d(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b)
{
    auto sizes = x.sizes().vec();
    const auto x2 = x.reshape({-1, sizes.back()});
    auto y = at::addmm(b, x2, w);
    sizes.back() = w.size(1);
    return y.view(sizes);
}

inline torch::Tensor layerNorm(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b, double eps)
{
    return at::layer_norm(x, {x.size(-1)}, w, b, eps);
}

/// HF activation names: "gelu" is the exact erf form, "gelu_new"/"gelu_pytorch_tanh" the tanh form.
inline torch::Tensor activation(const torch::Tensor &x, const std::string &name)
{
    if (name == "gelu")
        return at::gelu(x);
    if (name == "relu")
        return at::relu(x);
    return at::gelu(x, "tanh");
}

/// [B, T, heads*d] -> [B, heads, T, d]
inline torch::Tensor splitHeads(const torch::Tensor &x, int64_t heads)
{
    const auto B = x.size(0), T = x.size(1);
    return x.view({B, T, heads, x.size(2) / heads}).permute({0, 2, 1, 3});
}

/// [B, heads, T, d] -> [B, T, heads*d]
inline torch::Tensor mergeHeads(const torch::Tensor &x)
{
    const auto B = x.size(0), H = x.size(1), T = x.size(2), D = x.size(3);
    return x.permute({0, 2, 1, 3}).reshape({B, T, H * D});
}

inline float lowestFloat(const torch::Tensor &like)
{
    if (like.scalar_type() == torch::kHalf)
        return -65504.0f;
    if (like.scalar_type() == torch::kBFloat16)
        return -3.38953139e38f;
    return std::numeric_limits<float>::lowest();
}

} // namespace satgpt::ml::detail
