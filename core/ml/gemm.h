// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Matrix products through oneDNN's sgemm when the process has it. Debian's libtorch links the
// system oneDNN (libdnnl.so.2) for its own convolutions but sends every matmul to the generic
// BLAS. On this machine's Zen 5 that BLAS (OpenBLAS 0.3.21, held to its AVX2 kernels here by
// OPENBLAS_CORETYPE, as older OpenBLAS builds need on such CPUs) ran the model's products at
// 160-180 GFLOP/s; oneDNN's JIT kernels, chosen by CPU features (AVX-512 here), ran the same
// shapes at 320-350 on 2 threads, and one attention head's 197x64 products at 240-330 where
// ATen's bmm, a loop of tiny multithreaded gemms, reached 10-110.
// The symbol is looked up at run time: with a libtorch that keeps its oneDNN private (the
// official builds, which bring MKL instead) ATen's products simply stay.

#include <cstdint>

namespace satgpt::ml::detail {

/// True when oneDNN's sgemm was found in the process and SATGPT_NO_ONEDNN is not set.
bool fastGemmAvailable();

/// Row-major C[m, n] = alpha · op(A) · op(B) + beta · C, op(X) = Xᵀ when its flag is set; lda,
/// ldb and ldc are row strides as stored. Runs on libtorch's intra-op thread count, or on one
/// thread when called inside a parallel region. Only call when fastGemmAvailable().
void fastSgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
               const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// `count` independent products of the same shape (one per batch row and head), item i reading
/// a + aOffsets[i], b + bOffsets[i] and writing c + cOffsets[i]. Items are spread over the
/// threads, one single-threaded product each: a head's product is too small to split well.
void fastSgemmBatch(int64_t count, bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
                    const float *a, const int64_t *aOffsets, int64_t lda, const float *b, const int64_t *bOffsets,
                    int64_t ldb, float beta, float *c, const int64_t *cOffsets, int64_t ldc);

} // namespace satgpt::ml::detail
