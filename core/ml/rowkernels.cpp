// SPDX-License-Identifier: GPL-3.0-or-later
#include "rowkernels.h"

#include "simd.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace satgpt::ml::detail {
namespace {

inline float floatFromBits(int32_t bits)
{
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// exp() for the softmax and erf(): Cephes' expf polynomial (relative error ~2e-7), written
// branch-free so that `omp simd` loops vectorise it; libm's expf only vectorises under
// -ffast-math, whose other licences (no infinities, no NaNs) this code must not take.
// Arguments are clamped to [-87, 88]: exp(-87) ~ 1.6e-38 stands in for 0 after a softmax's
// maximum is subtracted.
inline float expApprox(float x)
{
    x = std::min(std::max(x, -87.0f), 88.0f);
    // n = round(x / ln 2) by the 1.5 * 2^23 trick: floor() is a libm call without SSE4.1, and a
    // call is a branch the vectoriser gives up on.
    const float shifted = x * 1.44269504088896341f + 12582912.0f;
    const float n = shifted - 12582912.0f;
    const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = p * r * r + r + 1.0f;
    return y * floatFromBits((static_cast<int32_t>(n) + 127) << 23);
}

// Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), the same formula ATen's vectorised
// erf uses for its exact GELU.
inline float erfApprox(float x)
{
    const float a = std::fabs(x);
    const float t = 1.0f / (1.0f + 0.3275911f * a);
    const float poly =
        t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    const float e = 1.0f - poly * expApprox(-a * a);
    return x < 0.0f ? -e : e;
}

inline float activate(float v, Activation activation)
{
    switch (activation) {
    case Activation::GeluErf:
        return 0.5f * v * (1.0f + erfApprox(v * 0.70710678118654752f));
    case Activation::GeluTanh: {
        const float u = 0.79788456080286536f * (v + 0.044715f * v * v * v);
        return 0.5f * v * (2.0f - 2.0f / (expApprox(2.0f * u) + 1.0f)); // 1 + tanh(u)
    }
    case Activation::Relu:
        return v > 0.0f ? v : 0.0f;
    }
    return v;
}

} // namespace

/// Softmax of each of `rows` rows of `cols` floats, in place. The maximum and the sum run on
/// explicit 16-float vectors: GCC 12 vectorises neither as a reduction here (NaN rules for max).
SATGPT_MULTIVERSION
void softmaxRows(float *s, int64_t rows, int64_t cols)
{
    for (int64_t r = 0; r < rows; ++r) {
        float *row = s + r * cols;
        float top = -std::numeric_limits<float>::infinity();
        int64_t c = 0;
#if defined(__GNUC__)
        if (cols >= kLanes) {
            Lanes best = load(row);
            for (c = kLanes; c + kLanes <= cols; c += kLanes) {
                const Lanes v = load(row + c);
                best = v > best ? v : best;
            }
            for (int64_t l = 0; l < kLanes; ++l)
                top = std::max(top, best[l]);
        }
#endif
        for (; c < cols; ++c)
            top = std::max(top, row[c]);
#pragma omp simd
        for (int64_t i = 0; i < cols; ++i)
            row[i] = expApprox(row[i] - top);
        float total = 0.0f;
        c = 0;
#if defined(__GNUC__)
        Lanes sum = {};
        for (; c + kLanes <= cols; c += kLanes)
            sum += load(row + c);
        for (int64_t l = 0; l < kLanes; ++l)
            total += sum[l];
#endif
        for (; c < cols; ++c)
            total += row[c];
        const float inverse = 1.0f / total;
#pragma omp simd
        for (int64_t i = 0; i < cols; ++i)
            row[i] *= inverse;
    }
}

/// row[0..n) = activation(row + bias[0..n)).
SATGPT_MULTIVERSION
void biasActivateColumns(float *row, int64_t n, const float *bias, Activation activation)
{
    switch (activation) {
    case Activation::GeluErf:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias[c], Activation::GeluErf);
        break;
    case Activation::GeluTanh:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias[c], Activation::GeluTanh);
        break;
    case Activation::Relu:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias[c], Activation::Relu);
        break;
    }
}


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
