// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The kernels of a decode step (one new token against cached keys and values), on raw float32
// buffers. A decode step is one pass over ~550 MB of weights, so its speed is how close these
// matrix-vector products come to the machine's read bandwidth: BLAS gemv reached ~65 % of what
// summing the same tensors reaches (one call per projection, 73 calls a step); these stream each
// thread's share of the weight once and reach 85-95 % (`satgpt bench model`, docs/model.md).

#include "rowkernels.h"

#include <cstdint>
#include <vector>

namespace satgpt::ml::detail {

/// y[out] = b + x[in] · W[in, out]: GPT-2's Conv1D layout, W row-major and contiguous. b may be
/// null. Each thread takes a contiguous block of W's rows and sums into its own partial y,
/// 64 columns at a time in registers.
void gemvInOut(const float *x, const float *w, const float *b, int64_t in, int64_t out, float *y);

/// y[out] = b + W[out, in] · x[in]: nn.Linear's layout (also GPT-2's tied lm_head), W row-major
/// and contiguous. b may be null. Each thread takes a contiguous block of W's rows.
void gemvOutIn(const float *x, const float *w, const float *b, int64_t in, int64_t out, float *y);

/// Where one head's operands live: element (b, h, s, i) of a [B, H, S, d] tensor is at
/// data + b*batch + h*head + s*row + i (the last dimension contiguous).
struct HeadStrides {
    int64_t batch = 0, head = 0, row = 0;
};

/// Attention of one query per batch row and head, fused: out = softmax(q·kᵀ · scale + mask) v.
/// q [B, H, 1, d], k and v [B, H, S, d] (any strides with d contiguous); mask, if not null, is an
/// additive [B, S] term with row stride maskBatchStride; out is written as [B, 1, H*d] (heads
/// merged, contiguous). One kernel per head instead of the ten-odd tensor operations (each with
/// its own temporaries and dispatch) of the general path; heads are split across threads.
void singleQueryAttention(const float *q, HeadStrides qs, const float *k, HeadStrides ks, const float *v,
                          HeadStrides vs, const float *mask, int64_t maskBatchStride, int64_t batch, int64_t heads,
                          int64_t keys, int64_t headDim, float scale, float *out);

/// One GPT-2 block's parameters for decodeStep: Conv1D weights [in, out], row-major,
/// contiguous; the cross-attention ones null where the decoder has none.
struct DecoderBlockWeights {
    const float *ln1Weight, *ln1Bias, *attnWeight, *attnBias, *projWeight, *projBias;
    const float *lnCrossWeight, *lnCrossBias, *crossQueryWeight, *crossQueryBias, *crossProjWeight, *crossProjBias;
    const float *ln2Weight, *ln2Bias, *fcWeight, *fcBias, *fc2Weight, *fc2Bias;
};

/// One block's keys and values for decodeStep. pastKey/pastValue [heads, past, d] contiguous
/// (may be null when past is 0); key/value [heads, past + 1, d] receive past and the new token.
/// crossKey/crossValue: the image's cross-attention keys and values (null without).
struct DecoderBlockCache {
    const float *pastKey, *pastValue;
    float *key, *value;
    const float *crossKey, *crossValue;
    HeadStrides crossKeyStrides, crossValueStrides;
};

struct DecoderShape {
    int64_t embed = 0, heads = 0, inner = 0, vocab = 0;
    int64_t past = 0;     ///< cached tokens before this one
    int64_t crossLength = 0;
    float layerNormEps = 1e-5f;
    Activation activation = Activation::GeluTanh;
};

/// A whole decode step for one sequence (batch 1, one new token) in a single parallel region:
/// h (the token's embedding, [embed]) through every block and ln_f, then logits[vocab] against
/// the tied embedding wte [vocab, embed]. layerScales[i] divides block i's attention scores.
/// Every thread keeps its own copy of the residual stream (the same sums in the same order), so
/// the only synchronisation is one barrier per projection, where partial products meet; the
/// ATen path spends ~700 small operations a step on what this does in place (docs/model.md).
void decodeStep(const float *embedding, const std::vector<DecoderBlockWeights> &blocks,
                const std::vector<DecoderBlockCache> &caches, const float *layerScales, const float *lnfWeight,
                const float *lnfBias, const float *wte, const DecoderShape &shape, float *logits);

} // namespace satgpt::ml::detail
