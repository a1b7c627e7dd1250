// SPDX-License-Identifier: GPL-3.0-or-later
#include "encoderkernels.h"

#include "gemm.h"
#include "multiversion.h"

// ATen's thread pool only; built with OpenMP and without the precompiled header, as
// decodekernels.cpp (see CMakeLists.txt).
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

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

inline float activate(float v, EncoderActivation activation)
{
    switch (activation) {
    case EncoderActivation::GeluErf:
        return 0.5f * v * (1.0f + erfApprox(v * 0.70710678118654752f));
    case EncoderActivation::GeluTanh: {
        const float u = 0.79788456080286536f * (v + 0.044715f * v * v * v);
        return 0.5f * v * (2.0f - 2.0f / (expApprox(2.0f * u) + 1.0f)); // 1 + tanh(u)
    }
    case EncoderActivation::Relu:
        return v > 0.0f ? v : 0.0f;
    }
    return v;
}

/// row[0..n) = activation(row + bias), one row of the MLP's hidden layer.
SATGPT_MULTIVERSION
void biasActivateRow(float *row, int64_t n, float bias, EncoderActivation activation)
{
    // One loop per activation so each vectorises without a per-element switch.
    switch (activation) {
    case EncoderActivation::GeluErf:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias, EncoderActivation::GeluErf);
        break;
    case EncoderActivation::GeluTanh:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias, EncoderActivation::GeluTanh);
        break;
    case EncoderActivation::Relu:
#pragma omp simd
        for (int64_t c = 0; c < n; ++c)
            row[c] = activate(row[c] + bias, EncoderActivation::Relu);
        break;
    }
}

SATGPT_MULTIVERSION
void addToRow(float *row, int64_t n, float bias)
{
#pragma omp simd
    for (int64_t c = 0; c < n; ++c)
        row[c] += bias;
}

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi" // the 64-byte vector type never crosses this file
typedef float Lanes __attribute__((vector_size(64), aligned(4)));
#endif

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
        constexpr int64_t kLanes = sizeof(Lanes) / sizeof(float);
        if (cols >= kLanes) {
            Lanes best;
            std::memcpy(&best, row, sizeof best);
            for (c = kLanes; c + kLanes <= cols; c += kLanes) {
                Lanes v;
                std::memcpy(&v, row + c, sizeof v);
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
        for (; c + kLanes <= cols; c += kLanes) {
            Lanes v;
            std::memcpy(&v, row + c, sizeof v);
            sum += v;
        }
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

/// Layer norm of columns [c0, c1) of x[rows, ld] into out (same layout), after adding
/// pendingBias[r] (if not null) to row r of x in place: the bias of the product that just
/// added its branch to the residual stream. Columns go in blocks that stay in L2 over the
/// three passes (mean, variance around it, normalise), as ATen's two-pass norm does.
SATGPT_MULTIVERSION
void normalizeColumns(float *x, int64_t ld, int64_t rows, int64_t c0, int64_t c1, const float *pendingBias,
                      const float *gamma, const float *beta, float eps, float *out)
{
    constexpr int64_t kBlock = 64;
    float mean[kBlock], scale[kBlock];
    for (int64_t b0 = c0; b0 < c1; b0 += kBlock) {
        const int64_t w = std::min(kBlock, c1 - b0);
        std::fill(mean, mean + w, 0.0f);
        for (int64_t r = 0; r < rows; ++r) {
            float *xr = x + r * ld + b0;
            if (pendingBias) {
                const float bias = pendingBias[r];
#pragma omp simd
                for (int64_t c = 0; c < w; ++c)
                    xr[c] += bias;
            }
#pragma omp simd
            for (int64_t c = 0; c < w; ++c)
                mean[c] += xr[c];
        }
        for (int64_t c = 0; c < w; ++c) {
            mean[c] /= static_cast<float>(rows);
            scale[c] = 0.0f;
        }
        for (int64_t r = 0; r < rows; ++r) {
            const float *xr = x + r * ld + b0;
#pragma omp simd
            for (int64_t c = 0; c < w; ++c) {
                const float d = xr[c] - mean[c];
                scale[c] += d * d;
            }
        }
        for (int64_t c = 0; c < w; ++c)
            scale[c] = 1.0f / std::sqrt(scale[c] / static_cast<float>(rows) + eps);
        for (int64_t r = 0; r < rows; ++r) {
            const float *xr = x + r * ld + b0;
            float *orow = out + r * ld + b0;
            const float g = gamma[r], b = beta[r];
#pragma omp simd
            for (int64_t c = 0; c < w; ++c)
                orow[c] = (xr[c] - mean[c]) * scale[c] * g + b;
        }
    }
}

/// Each thread a share of the columns: rows of a block stay sequential reads.
void layerNormColumns(float *x, int64_t rows, int64_t cols, const float *pendingBias, const float *gamma,
                      const float *beta, float eps, float *out)
{
    at::parallel_for(0, cols, 16, [&](int64_t c0, int64_t c1) {
        normalizeColumns(x, cols, rows, c0, c1, pendingBias, gamma, beta, eps, out);
    });
}

template<typename RowFn>
void forEachRow(int64_t rows, RowFn &&fn)
{
    at::parallel_for(0, rows, 8, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
            fn(r);
    });
}

std::unique_ptr<float[]> uninitialisedFloats(int64_t n) { return std::unique_ptr<float[]>(new float[static_cast<size_t>(n)]); }

} // namespace

void encodeBlocksFeatureMajor(float *x, const std::vector<EncoderBlockWeights> &blocks, const EncoderShape &shape)
{
    const int64_t H = shape.hidden, I = shape.intermediate, T = shape.tokens, N = shape.images * shape.tokens;
    const int64_t heads = shape.heads, d = H / heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    auto normed = uninitialisedFloats(H * N), qkv = uninitialisedFloats(3 * H * N), context = uninitialisedFloats(H * N),
         mid = uninitialisedFloats(I * N);

    const float *pendingBias = nullptr; // the previous block's fc2 bias, added by the next norm
    for (const auto &block : blocks) {
        layerNormColumns(x, H, N, pendingBias, block.ln1Weight, block.ln1Bias, shape.layerNormEps, normed.get());
        fastSgemm(false, false, 3 * H, N, H, 1.0f, block.qkvWeight, H, normed.get(), N, 0.0f, qkv.get(), N);
        forEachRow(3 * H, [&](int64_t r) { addToRow(qkv.get() + r * N, N, block.qkvBias[r]); });

        // One image and head per item: its queries, keys and values are d consecutive rows of
        // qkv (columns of that image), so both products read them in place and the context
        // lands directly in its rows of the merged [H, N] layout.
        at::parallel_for(0, shape.images * heads, 1, [&](int64_t p0, int64_t p1) {
            auto scores = uninitialisedFloats(T * T);
            for (int64_t p = p0; p < p1; ++p) {
                const int64_t image = p / heads, head = p % heads;
                const float *q = qkv.get() + head * d * N + image * T;
                const float *k = q + H * N;
                const float *v = k + H * N;
                // scores[T, T] = qᵀ k / √d (q and k stored [d, T]); context[d, T] = v · scoresᵀ
                fastSgemm(true, false, T, T, d, scale, q, N, k, N, 0.0f, scores.get(), T);
                softmaxRows(scores.get(), T, T);
                fastSgemm(false, true, d, T, T, 1.0f, v, N, scores.get(), T, 0.0f,
                          context.get() + head * d * N + image * T, N);
            }
        });

        // The residual adds ride on the products (beta = 1); their biases on the next norm.
        fastSgemm(false, false, H, N, H, 1.0f, block.outWeight, H, context.get(), N, 1.0f, x, N);
        layerNormColumns(x, H, N, block.outBias, block.ln2Weight, block.ln2Bias, shape.layerNormEps, normed.get());
        fastSgemm(false, false, I, N, H, 1.0f, block.fc1Weight, H, normed.get(), N, 0.0f, mid.get(), N);
        forEachRow(I, [&](int64_t r) { biasActivateRow(mid.get() + r * N, N, block.fc1Bias[r], shape.activation); });
        fastSgemm(false, false, H, N, I, 1.0f, block.fc2Weight, I, mid.get(), N, 1.0f, x, N);
        pendingBias = block.fc2Bias;
    }
    if (pendingBias)
        forEachRow(H, [&](int64_t r) { addToRow(x + r * N, N, pendingBias[r]); });
}

} // namespace satgpt::ml::detail
