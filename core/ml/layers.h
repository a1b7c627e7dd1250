// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: the few fused tensor operations both transformers share. All work on
// whole batches and all heads at once (one matmul per projection, no per-head loops).

#include "decodekernels.h"
#include "gemmops.h"
#include "rowkernels.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace satgpt::ml::detail {

/// One-row products (a batch-1 decode step) go to BLAS gemv instead of gemm: OpenBLAS's gemm
/// packs the whole weight matrix first, which for M = 1 costs 2-3x the single pass over the
/// weights that bounds a decode step (measured: 14-16 GB/s effective vs 30-60 GB/s for gemv).
inline bool isSingleRowOnCpu(const torch::Tensor &x)
{
    return x.dim() >= 1 && x.numel() == x.size(-1) && x.is_cpu() && x.scalar_type() == torch::kFloat;
}

/// The single-row product can skip BLAS for decodekernels.h when nothing needs a gradient
/// (they record no autograd graph) and every operand is a plain contiguous float32 CPU buffer of
/// matching size; anything else keeps BLAS (and its error messages).
inline bool rawGemvApplies(const torch::Tensor &row, const torch::Tensor &w, const torch::Tensor &b, int64_t in, int64_t out)
{
    const auto plain = [](const torch::Tensor &t) {
        return t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && !t.requires_grad();
    };
    return plain(row) && plain(w) && row.numel() == in && (!b.defined() || (plain(b) && b.numel() == out));
}

/// Inference-only products of a few hundred rows (the patches of a ViT image) go to oneDNN when
/// the libtorch in use has it: its JIT kernels ran the ViT-B projections at 225-255 GFLOP/s where
/// OpenBLAS's gemm ran at 175-190 (M = 197-394, 2 threads). oneDNN repacks a plain weight on every
/// call, which only pays off with enough rows to amortise it (with M = 8 against GPT-2's 154 MB
/// lm_head it was many times slower), and beyond ~1000 rows the two are level. With gradients on,
/// the ordinary path keeps autograd simple. SATGPT_NO_ONEDNN=1 turns it off (for A/B benchmarks).
inline bool wantsOneDnn(const torch::Tensor &x2, const torch::Tensor &w)
{
    static const bool available = at::hasMKLDNN() && std::getenv("SATGPT_NO_ONEDNN") == nullptr;
    const auto rows = x2.size(0);
    return available && rows >= 64 && rows <= 1024 && x2.is_cpu() && x2.scalar_type() == torch::kFloat &&
           w.scalar_type() == torch::kFloat && w.is_contiguous() && !at::GradMode::is_enabled();
}

/// nn.Linear: weight [out, in]; bias may be undefined.
inline torch::Tensor linear(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b = {})
{
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(0);
    if (isSingleRowOnCpu(x)) {
        const auto row = x.reshape({-1}).contiguous();
        if (w.dim() == 2 && rawGemvApplies(row, w, b, w.size(1), w.size(0))) {
            auto y = torch::empty({w.size(0)}, row.options());
            gemvOutIn(row.data_ptr<float>(), w.data_ptr<float>(), b.defined() ? b.data_ptr<float>() : nullptr,
                      w.size(1), w.size(0), y.data_ptr<float>());
            return y.view(sizes);
        }
        return (b.defined() ? at::addmv(b, w, row) : at::mv(w, row)).view(sizes);
    }
    if (auto y = gemmLinear(x, w, b, WeightLayout::OutIn); y.defined())
        return y;
    const auto x2 = x.reshape({-1, x.size(-1)});
    if (wantsOneDnn(x2, w))
        return at::mkldnn_linear(x2.contiguous().to_mkldnn(), w, b).to_dense().view(sizes);
    return at::linear(x, w, b);
}

/// HF GPT-2 Conv1D: weight [in, out], y = x W + b, as one addmm (addmv for a single row).
inline torch::Tensor conv1d(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b)
{
    auto sizes = x.sizes().vec();
    const auto x2 = x.reshape({-1, sizes.back()});
    sizes.back() = w.size(1);
    if (isSingleRowOnCpu(x)) {
        const auto row = x2[0].contiguous();
        if (w.dim() == 2 && rawGemvApplies(row, w, b, w.size(0), w.size(1))) {
            auto y = torch::empty({w.size(1)}, row.options());
            gemvInOut(row.data_ptr<float>(), w.data_ptr<float>(), b.defined() ? b.data_ptr<float>() : nullptr,
                      w.size(0), w.size(1), y.data_ptr<float>());
            return y.view(sizes);
        }
        return at::addmv(b, w.t(), row).view(sizes);
    }
    if (auto y = gemmLinear(x, w, b, WeightLayout::InOut); y.defined())
        return y;
    auto y = at::addmm(b, x2, w);
    return y.view(sizes);
}

inline torch::Tensor layerNorm(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b, double eps)
{
    return at::layer_norm(x, {x.size(-1)}, w, b, eps);
}

/// HF activation names, mapped by activationFromName (rowkernels.h), which the fused kernels use too.
inline torch::Tensor activation(const torch::Tensor &x, const std::string &name)
{
    switch (activationFromName(name)) {
    case Activation::GeluErf:
        return at::gelu(x);
    case Activation::Relu:
        return at::relu(x);
    case Activation::GeluTanh:
        break;
    }
    return at::gelu(x, "tanh");
}

/// q kᵀ / divisor for q [B, H, T, d], k [B, H, S, d] -> [B, H, T, S]. A decode step has T = 1,
/// where bmm runs one tiny multithreaded gemm per batch and head (12-96 calls, each with a thread
/// hand-off and three tensor selects); a broadcast multiply and sum is one kernel. Otherwise
/// oneDNN's products per head (gemmops.h) with the scale folded in, else ATen's matmul.
inline torch::Tensor attentionScores(const torch::Tensor &q, const torch::Tensor &k, double divisor = 1.0)
{
    torch::Tensor scores;
    if (q.size(-2) == 1 && q.is_cpu())
        scores = (q * k).sum(-1).unsqueeze(-2);
    else if (auto scaled = gemmMatmul(q, k.transpose(-1, -2), 1.0 / divisor); scaled.defined())
        return scaled;
    else
        scores = at::matmul(q, k.transpose(-1, -2));
    return divisor == 1.0 ? scores : scores / divisor;
}

/// probs v for probs [B, H, T, S], v [B, H, S, d] -> [B, H, T, d] (T = 1: see attentionScores).
inline torch::Tensor attentionMix(const torch::Tensor &probs, const torch::Tensor &v)
{
    if (probs.size(-2) == 1 && probs.is_cpu())
        return (probs.transpose(-1, -2) * v).sum(-2, true);
    if (auto mixed = gemmMatmul(probs, v); mixed.defined())
        return mixed;
    return at::matmul(probs, v);
}

/// softmax(q kᵀ · scale + mask) v with heads merged, [B, 1, H*d], through the fused kernel of
/// decodekernels.h, for q [B, H, 1, d], k and v [B, H, S, d] and an optional additive mask
/// [B or 1, 1, 1, S]. Returns an undefined tensor where that kernel does not apply (gradients,
/// other dtypes or devices, more than one query): the caller then takes the general path.
inline torch::Tensor fusedSingleQueryAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                               const torch::Tensor &mask, double scale)
{
    const auto plain = [](const torch::Tensor &t) {
        return t.is_cpu() && t.scalar_type() == torch::kFloat && !t.requires_grad() && t.stride(-1) == 1;
    };
    if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4 || q.size(2) != 1 || !plain(q) || !plain(k) || !plain(v))
        return {};
    const auto B = q.size(0), H = q.size(1), D = q.size(3), S = k.size(2);
    if (k.size(0) != B || v.size(0) != B || k.size(1) != H || v.size(1) != H || k.size(3) != D || v.size(3) != D || v.size(2) != S)
        return {};
    int64_t maskBatchStride = 0;
    if (mask.defined()) {
        if (!plain(mask) || mask.dim() != 4 || mask.size(-1) != S || mask.size(1) != 1 || mask.size(2) != 1 ||
            (mask.size(0) != B && mask.size(0) != 1))
            return {};
        maskBatchStride = mask.size(0) == 1 ? 0 : mask.stride(0);
    }
    auto out = torch::empty({B, 1, H * D}, q.options());
    singleQueryAttention(q.data_ptr<float>(), {q.stride(0), q.stride(1), q.stride(2)}, k.data_ptr<float>(),
                         {k.stride(0), k.stride(1), k.stride(2)}, v.data_ptr<float>(), {v.stride(0), v.stride(1), v.stride(2)},
                         mask.defined() ? mask.data_ptr<float>() : nullptr, maskBatchStride, B, H, S, D,
                         static_cast<float>(scale), out.data_ptr<float>());
    return out;
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
