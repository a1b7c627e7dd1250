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
#include <memory>

namespace satgpt::ml::detail {
namespace {

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
