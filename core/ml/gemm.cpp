// SPDX-License-Identifier: GPL-3.0-or-later
#include "gemm.h"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <dlfcn.h>
#if defined(_OPENMP)
#include <omp.h>
#endif

namespace satgpt::ml::detail {

namespace {

// oneDNN's C API (dnnl.h): dnnl_status_t dnnl_sgemm(char, char, dnnl_dim_t x3, float,
// const float *, dnnl_dim_t, const float *, dnnl_dim_t, float, float *, dnnl_dim_t).
using DnnlSgemm = int (*)(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t, const float *,
                          int64_t, float, float *, int64_t);

DnnlSgemm dnnlSgemm()
{
    static const DnnlSgemm fn = [] {
        if (std::getenv("SATGPT_NO_ONEDNN") != nullptr)
            return DnnlSgemm(nullptr);
        return reinterpret_cast<DnnlSgemm>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
    }();
    return fn;
}

void call(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
          const float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
    // oneDNN rejects a leading dimension of 0 even where the matrix is a single row or column.
    const int64_t minA = transA ? m : k, minB = transB ? k : n;
    dnnlSgemm()(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, alpha, a, lda < minA ? minA : lda, b,
                ldb < minB ? minB : ldb, beta, c, ldc < n ? n : ldc);
}

} // namespace

bool fastGemmAvailable() { return dnnlSgemm() != nullptr; }

void fastSgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
               const float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
#if defined(_OPENMP)
    // oneDNN sizes its OpenMP team from this thread's own setting, which torch::set_num_threads
    // only changed on the thread that called it (the workbench runs models on worker threads).
    if (!omp_in_parallel() && omp_get_max_threads() != at::get_num_threads())
        omp_set_num_threads(at::get_num_threads());
#endif
    call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void fastSgemmBatch(int64_t count, bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
                    const float *a, const int64_t *aOffsets, int64_t lda, const float *b, const int64_t *bOffsets,
                    int64_t ldb, float beta, float *c, const int64_t *cOffsets, int64_t ldc)
{
    if (count <= 0 || m <= 0 || n <= 0)
        return;
    // Inside the parallel region oneDNN runs each product on its calling thread.
    at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            call(transA, transB, m, n, k, alpha, a + aOffsets[i], lda, b + bOffsets[i], ldb, beta, c + cOffsets[i], ldc);
    });
}

} // namespace satgpt::ml::detail
