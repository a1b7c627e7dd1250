// SPDX-License-Identifier: GPL-3.0-or-later
#include "adamwkernel.h"

// Built with OpenMP and without the precompiled header, like decodekernels.cpp: at::parallel_for
// is an inline OpenMP region that runs on one thread unless this file is compiled with -fopenmp.
#include <ATen/Parallel.h>

#include <cmath>

namespace satgpt::ml::detail {

void adamwUpdate(float *p, const float *g, float *m, float *v, int64_t n, const AdamWScalars &s)
{
    constexpr int64_t kGrain = 32 * 1024;
    at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const float gi = g[i];
            const float mi = m[i] * s.beta1 + s.oneMinusBeta1 * gi;
            const float vi = v[i] * s.beta2 + s.oneMinusBeta2 * (gi * gi);
            const float denom = std::sqrt(vi) / s.sqrtBiasCorrection2 + s.eps;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] * s.decay + s.negativeStepSize * mi / denom;
        }
    });
}

} // namespace satgpt::ml::detail
