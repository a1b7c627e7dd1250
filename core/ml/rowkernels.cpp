// SPDX-License-Identifier: GPL-3.0-or-later
#include "rowkernels.h"

#include "simd.h"

#include <cmath>

namespace satgpt::ml::detail {

SATGPT_MULTIVERSION
void normalizeRow(float *x, int64_t n, const float *pendingBias, const float *gamma, const float *beta, float eps,
                  float *out)
{
    if (pendingBias) {
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            x[c] += pendingBias[c];
    }
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t c = 0; c < n; ++c)
        sum += x[c];
    const float mean = sum / static_cast<float>(n);
    float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
    for (int64_t c = 0; c < n; ++c)
        squares += (x[c] - mean) * (x[c] - mean);
    const float scale = 1.0f / std::sqrt(squares / static_cast<float>(n) + eps);
#pragma omp simd
    for (int64_t c = 0; c < n; ++c)
        out[c] = (x[c] - mean) * scale * gamma[c] + beta[c];
}

} // namespace satgpt::ml::detail
