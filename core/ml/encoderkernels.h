// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The ViT encoder's blocks for inference, on raw float32 buffers: what a 224-pixel ViT-B encode
// spends its time on. The layout is chosen by the products, which are nearly all of the work:
// with the hidden states token-major [tokens, hidden] and the weights stored [in, out] row-major
// (ViTModel keeps its nn.Linear weights column-major for this, i.e. [out, in] with transposed
// strides), oneDNN runs all four ViT-B projections at 197 tokens at 386-414 GFLOP/s (2 threads,
// Zen 5). The other arrangements measured: x · Wᵀ on [out, in] weights 222-360 (fc2 worst),
// feature-major W · X 357-371. Around the products:
// - each head's queries, keys and values are read in place from the fused projection and its
//   context written straight into the merged layout: no head split or merge copies;
// - the residual adds ride on the products (beta = 1) and their biases on the next layer norm;
// - softmax, bias + activation and the norms are single passes with vectorised exp and erf,
//   instead of ~10 ATen operations a block, each with its own temporaries.
// Only for the products' library being oneDNN (gemm.h): callers check fastGemmAvailable().

#include "rowkernels.h"

#include <cstdint>
#include <vector>

namespace satgpt::ml::detail {

/// One pre-norm ViT block's parameters. Weights [in, out], row-major, contiguous.
struct EncoderBlockWeights {
    const float *ln1Weight, *ln1Bias;   // [hidden]
    const float *qkvWeight, *qkvBias;   // [hidden, 3 hidden], [3 hidden]: queries, keys, values
    const float *outWeight, *outBias;   // [hidden, hidden], [hidden]
    const float *ln2Weight, *ln2Bias;   // [hidden]
    const float *fc1Weight, *fc1Bias;   // [hidden, intermediate], [intermediate]
    const float *fc2Weight, *fc2Bias;   // [intermediate, hidden], [hidden]
};

struct EncoderShape {
    int64_t hidden = 0, heads = 0, intermediate = 0;
    int64_t tokens = 0; ///< per image
    int64_t images = 0;
    float layerNormEps = 1e-12f;
    Activation activation = Activation::GeluErf;
};

/// Runs `blocks` in order over x[images * tokens, hidden] (row-major, image after image), in
/// place. The same maths as HF's ViTLayer in eval mode.
void encodeBlocks(float *x, const std::vector<EncoderBlockWeights> &blocks, const EncoderShape &shape);

} // namespace satgpt::ml::detail
