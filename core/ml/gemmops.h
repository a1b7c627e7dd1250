// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: the model's matrix products on oneDNN's sgemm (gemm.h), as autograd
// functions with hand-written backward passes, so training and Grad-CAM get the fast products
// too. Each returns an undefined tensor where it does not apply (no oneDNN in the process, not
// float32, not CPU); the caller then takes ATen's path, which is also what the parity tests
// compare against (SATGPT_NO_ONEDNN=1).

#include <torch/torch.h>

namespace satgpt::ml::detail {

enum class WeightLayout {
    OutIn, ///< nn.Linear: W [out, in], y = x Wᵀ + b (also GPT-2's tied lm_head)
    InOut, ///< GPT-2's Conv1D: W [in, out], y = x W + b
};

/// y[..., out] = x[..., in] times W (+ b, which may be undefined). For two or more rows: a single
/// row is the decode kernels' case (layers.h).
torch::Tensor gemmLinear(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b, WeightLayout layout);

/// alpha · a[..., m, k] · b[..., k, n] for equal batch dimensions (no broadcasting), any strides
/// whose last two dimensions are row- or column-major (the head views of attention need no
/// copy). One product per batch item, items spread over the threads.
torch::Tensor gemmMatmul(const torch::Tensor &a, const torch::Tensor &b, double alpha = 1.0);

} // namespace satgpt::ml::detail
