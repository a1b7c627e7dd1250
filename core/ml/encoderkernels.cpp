// SPDX-License-Identifier: GPL-3.0-or-later
#include "encoderkernels.h"

#include "gemm.h"
#include "rowkernels.h"
#include "simd.h"

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
void addColumns(float *row, int64_t n, const float *bias)
{
#pragma omp simd
    for (int64_t c = 0; c < n; ++c)
        row[c] += bias[c];
}

std::unique_ptr<float[]> uninitialisedFloats(int64_t n) { return std::unique_ptr<float[]>(new float[static_cast<size_t>(n)]); }

/// c[m, n] = a[m, k] · b[k, n] + beta · c (row-major, leading dimensions as stored), the
/// columns split between the threads, one single-threaded product each: with the ViT's
/// 197-row operands this ran fc1 (n = 3072) at 386 GFLOP/s where oneDNN's own split reached
/// 295, and the other three shapes as fast as its own split (400-414).
void splitColumnsProduct(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                         float beta, float *c, int64_t ldc)
{
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), n / 64));
    if (parts == 1) {
        fastSgemm(false, false, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    at::parallel_for(0, parts, 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
            // Slice edges on 16-float boundaries, so each slice's rows stay whole vectors.
            const int64_t c0 = (n * p / parts) / 16 * 16, c1 = p + 1 == parts ? n : (n * (p + 1) / parts) / 16 * 16;
            fastSgemm(false, false, m, c1 - c0, k, 1.0f, a, lda, b + c0, ldb, beta, c + c0, ldc);
        }
    });
}

} // namespace

void encodeBlocks(float *x, const std::vector<EncoderBlockWeights> &blocks, const EncoderShape &shape)
{
    const int64_t H = shape.hidden, I = shape.intermediate, T = shape.tokens, N = shape.images * shape.tokens;
    const int64_t heads = shape.heads, d = H / heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    auto normed = uninitialisedFloats(N * H), qkv = uninitialisedFloats(N * 3 * H), context = uninitialisedFloats(N * H),
         mid = uninitialisedFloats(N * I);
    const auto eachToken = [&](auto &&fn) {
        at::parallel_for(0, N, 8, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r)
                fn(r);
        });
    };

    const float *pendingBias = nullptr; // the previous block's fc2 bias, added by the next norm
    for (const auto &block : blocks) {
        eachToken([&](int64_t r) {
            normalizeRow(x + r * H, H, pendingBias, block.ln1Weight, block.ln1Bias, shape.layerNormEps, normed.get() + r * H);
        });
        splitColumnsProduct(N, 3 * H, H, normed.get(), H, block.qkvWeight, 3 * H, 0.0f, qkv.get(), 3 * H);
        eachToken([&](int64_t r) { addColumns(qkv.get() + r * 3 * H, 3 * H, block.qkvBias); });

        // One image and head per item, reading its queries, keys and values where the fused
        // projection left them (row stride 3H) and writing its context into its columns of the
        // merged [tokens, H] layout: no head split or merge copies.
        at::parallel_for(0, shape.images * heads, 1, [&](int64_t p0, int64_t p1) {
            auto scores = uninitialisedFloats(T * T);
            for (int64_t p = p0; p < p1; ++p) {
                const int64_t image = p / heads, head = p % heads;
                const float *q = qkv.get() + image * T * 3 * H + head * d;
                const float *k = q + H;
                const float *v = k + H;
                fastSgemm(false, true, T, T, d, scale, q, 3 * H, k, 3 * H, 0.0f, scores.get(), T);
                softmaxRows(scores.get(), T, T);
                fastSgemm(false, false, T, d, T, 1.0f, scores.get(), T, v, 3 * H, 0.0f,
                          context.get() + image * T * H + head * d, H);
            }
        });

        // The residual adds ride on the products (beta = 1); their biases on the next norm.
        splitColumnsProduct(N, H, H, context.get(), H, block.outWeight, H, 1.0f, x, H);
        eachToken([&](int64_t r) {
            normalizeRow(x + r * H, H, block.outBias, block.ln2Weight, block.ln2Bias, shape.layerNormEps, normed.get() + r * H);
        });
        splitColumnsProduct(N, I, H, normed.get(), H, block.fc1Weight, I, 0.0f, mid.get(), I);
        eachToken([&](int64_t r) { biasActivateColumns(mid.get() + r * I, I, block.fc1Bias, shape.activation); });
        splitColumnsProduct(N, H, I, mid.get(), I, block.fc2Weight, H, 1.0f, x, H);
        pendingBias = block.fc2Bias;
    }
    if (pendingBias)
        eachToken([&](int64_t r) { addColumns(x + r * H, H, pendingBias); });
}

} // namespace satgpt::ml::detail
