// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The ViT encoder's blocks for inference, on raw float32 buffers, feature-major: the hidden
// states are held as X[hidden, images * tokens] rather than [tokens, hidden]. Why:
// - every projection becomes W · X with nn.Linear's [out, in] weight as the left operand, which
//   oneDNN runs at 375-385 GFLOP/s on all four ViT-B shapes at 197 tokens (2 threads, Zen 5),
//   where the token-major x · Wᵀ ran at 222-360 (fc2 worst): ~25 ms of a 150 ms encode;
// - a head's queries, keys and values are d consecutive rows, so its context is written straight
//   into the merged [hidden, tokens] layout: no head split or merge copies;
// - bias adds, the residual adds (folded into the products, beta = 1), layer norms, softmax and
//   the activation are a few passes over cache-resident blocks instead of ~10 ATen operations a
//   block, each with its own temporaries.
// Only for the products' library being oneDNN (gemm.h): callers check fastGemmAvailable().

#include <cstdint>
#include <vector>

namespace satgpt::ml::detail {

enum class EncoderActivation { GeluErf, GeluTanh, Relu };

/// One pre-norm ViT block's parameters, nn.Linear layout ([out, in], row-major, contiguous).
struct EncoderBlockWeights {
    const float *ln1Weight, *ln1Bias;   // [hidden]
    const float *qkvWeight, *qkvBias;   // [3 hidden, hidden], [3 hidden]: queries, keys, values
    const float *outWeight, *outBias;   // [hidden, hidden]
    const float *ln2Weight, *ln2Bias;   // [hidden]
    const float *fc1Weight, *fc1Bias;   // [intermediate, hidden]
    const float *fc2Weight, *fc2Bias;   // [hidden, intermediate]
};

struct EncoderShape {
    int64_t hidden = 0, heads = 0, intermediate = 0;
    int64_t tokens = 0; ///< per image
    int64_t images = 0;
    float layerNormEps = 1e-12f;
    EncoderActivation activation = EncoderActivation::GeluErf;
};

/// Runs `blocks` in order over x = X[hidden, images * tokens] (row-major, image i's tokens are
/// columns [i * tokens, (i + 1) * tokens)), in place. Same maths as HF's ViTLayer in eval mode.
void encodeBlocksFeatureMajor(float *x, const std::vector<EncoderBlockWeights> &blocks, const EncoderShape &shape);

} // namespace satgpt::ml::detail
