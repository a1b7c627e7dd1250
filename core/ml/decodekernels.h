// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The kernels of a decode step (one new token against cached keys and values), on raw float32
// buffers. A decode step is one pass over ~550 MB of weights, so its speed is how close these
// matrix-vector products come to the machine's read bandwidth: BLAS gemv reached ~65 % of what
// summing the same tensors reaches (one call per projection, 73 calls a step); these stream each
// thread's share of the weight once and reach 85-95 % (`satgpt bench model`, docs/model.md).

#include <cstdint>

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

} // namespace satgpt::ml::detail
