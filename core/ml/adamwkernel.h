// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace satgpt::ml::detail {

/// The scalars of one AdamW update, already rounded to float as libtorch's in-place tensor ops
/// round them (so the fused update follows torch::optim::AdamW's arithmetic step for step).
struct AdamWScalars {
    float decay = 1.0f;            ///< 1 - lr * weight_decay
    float beta1 = 0.9f, oneMinusBeta1 = 0.1f;
    float beta2 = 0.999f, oneMinusBeta2 = 0.001f;
    float sqrtBiasCorrection2 = 1.0f;
    float eps = 1e-8f;
    float negativeStepSize = 0.0f; ///< -lr / bias_correction1
};

/// One AdamW step over n contiguous float32 elements, in one pass over p, g, m and v (the
/// tensor-op version makes nine passes and allocates a parameter-sized temporary):
///   p *= decay; m = m*beta1 + (1-beta1)*g; v = v*beta2 + (1-beta2)*g*g;
///   p += negativeStepSize * m / (sqrt(v) / sqrtBiasCorrection2 + eps)
void adamwUpdate(float *p, const float *g, float *m, float *v, int64_t n, const AdamWScalars &s);

} // namespace satgpt::ml::detail
