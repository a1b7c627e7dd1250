// SPDX-License-Identifier: GPL-3.0-or-later
#include "decodekernels.h"

#include "rowkernels.h"
#include "simd.h"

// Only ATen's thread pool, not the whole of libtorch: this file is built without the target's
// precompiled header, with OpenMP on (CMakeLists.txt), so at::parallel_for's inline OpenMP
// region really forks. Without -fopenmp that region silently runs on one thread.
#include <ATen/Parallel.h>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace satgpt::ml::detail {
namespace {


/// acc[out] += x[i0..i1) · W[i0..i1, out]. Column blocks of four vectors stay in registers
/// while the rows stream past: no partial sums go through L1 on every row, and each thread's
/// reads are one constant-stride stream the prefetcher follows. Measured against the former
/// eight-rows-per-pass loop over the decode step's 12 x 6 projections (397 MB, 2 threads, one
/// region): 7.5-8.6 vs 7.9-12.0 ms, depending on the minute.
constexpr int64_t kBlockLanes = 4 * kLanes;

SATGPT_MULTIVERSION
void accumulateRows(const float *x, const float *w, int64_t i0, int64_t i1, int64_t out, float *acc)
{
    int64_t j = 0;
#if defined(__GNUC__)
    for (; j + kBlockLanes <= out; j += kBlockLanes) {
        Lanes a0 = load(acc + j), a1 = load(acc + j + kLanes), a2 = load(acc + j + 2 * kLanes), a3 = load(acc + j + 3 * kLanes);
        for (int64_t i = i0; i < i1; ++i) {
            const float xi = x[i];
            const float *wi = w + i * out + j;
            a0 += xi * load(wi);
            a1 += xi * load(wi + kLanes);
            a2 += xi * load(wi + 2 * kLanes);
            a3 += xi * load(wi + 3 * kLanes);
        }
        store(acc + j, a0);
        store(acc + j + kLanes, a1);
        store(acc + j + 2 * kLanes, a2);
        store(acc + j + 3 * kLanes, a3);
    }
    for (; j + kLanes <= out; j += kLanes) {
        Lanes a = load(acc + j);
        for (int64_t i = i0; i < i1; ++i)
            a += x[i] * load(w + i * out + j);
        store(acc + j, a);
    }
#endif
    for (; j < out; ++j) {
        float a = acc[j];
        for (int64_t i = i0; i < i1; ++i)
            a += x[i] * w[i * out + j];
        acc[j] = a;
    }
}

/// y[j0..j1) = b + W[j0..j1, in] · x, four rows at a time against one pass over x.
SATGPT_MULTIVERSION
void dotRows(const float *x, const float *w, const float *b, int64_t j0, int64_t j1, int64_t in, float *y)
{
    int64_t j = j0;
#if defined(__GNUC__)
    for (; j + 4 <= j1; j += 4) {
        const float *w0 = w + j * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
        Lanes a0 = {}, a1 = {}, a2 = {}, a3 = {};
        int64_t k = 0;
        for (; k + kLanes <= in; k += kLanes) {
            const Lanes xv = load(x + k);
            a0 += load(w0 + k) * xv;
            a1 += load(w1 + k) * xv;
            a2 += load(w2 + k) * xv;
            a3 += load(w3 + k) * xv;
        }
        float s[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int64_t l = 0; l < kLanes; ++l) {
            s[0] += a0[l];
            s[1] += a1[l];
            s[2] += a2[l];
            s[3] += a3[l];
        }
        for (; k < in; ++k) {
            s[0] += w0[k] * x[k];
            s[1] += w1[k] * x[k];
            s[2] += w2[k] * x[k];
            s[3] += w3[k] * x[k];
        }
        for (int r = 0; r < 4; ++r)
            y[j + r] = s[r] + (b ? b[j + r] : 0.0f);
    }
#endif
    for (; j < j1; ++j) {
        const float *wj = w + j * in;
        float s = 0.0f;
        for (int64_t k = 0; k < in; ++k)
            s += wj[k] * x[k];
        y[j] = s + (b ? b[j] : 0.0f);
    }
}

SATGPT_MULTIVERSION
float dotProduct(const float *a, const float *b, int64_t n)
{
    int64_t i = 0;
    float s = 0.0f;
#if defined(__GNUC__)
    Lanes acc = {};
    for (; i + kLanes <= n; i += kLanes)
        acc += load(a + i) * load(b + i);
    for (int64_t l = 0; l < kLanes; ++l)
        s += acc[l];
#endif
    for (; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

/// y[0..n) += a * x[0..n)
SATGPT_MULTIVERSION
void addScaled(float *y, float a, const float *x, int64_t n)
{
    int64_t i = 0;
#if defined(__GNUC__)
    for (; i + kLanes <= n; i += kLanes)
        store(y + i, load(y + i) + a * load(x + i));
#endif
    for (; i < n; ++i)
        y[i] += a * x[i];
}

/// out[d] = softmax(q·k_s · scale + mask_s) v over S keys (k_s = k + s * kRow, likewise v);
/// mask may be null. probs: scratch of S floats.
void attendHead(const float *q, const float *k, int64_t kRow, const float *v, int64_t vRow, const float *mask,
                int64_t keys, int64_t headDim, float scale, float *probs, float *out)
{
    for (int64_t s = 0; s < keys; ++s)
        probs[s] = dotProduct(q, k + s * kRow, headDim) * scale + (mask ? mask[s] : 0.0f);
    // A row masked everywhere (the lowest float added to every key) still normalises, as
    // softmax does: softmaxRows subtracts the row's maximum first.
    softmaxRows(probs, 1, keys);
    std::fill(out, out + headDim, 0.0f);
    for (int64_t s = 0; s < keys; ++s)
        addScaled(out, probs[s], v + s * vRow, headDim);
}

/// The decode step's barrier. libgomp's own spins for a while and then sleeps on a futex; on
/// this VM waits at a step's 37 barriers run from ~10 to over 100 us (one vCPU briefly slower than
/// the other), and a thread woken from a futex starts the next product late, which the other
/// then waits for in turn. Spinning longer (then yielding, should the machine be oversubscribed)
/// measured 1.5-2.5 % faster a step in 5 of 5 same-process A/Bs on the model's weights
/// (13.54 vs 13.77 ms ... 12.05 vs 12.24 ms), as `OMP_WAIT_POLICY=active` did.
class SpinBarrier
{
public:
    /// Every one of `parties` threads calls this; all return once the last has arrived, and
    /// each then sees what the others wrote before arriving.
    void wait(int parties)
    {
        const int generation = m_generation.load(std::memory_order_acquire);
        if (m_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == parties) {
            m_arrived.store(0, std::memory_order_relaxed);
            m_generation.fetch_add(1, std::memory_order_release);
            return;
        }
        for (int spins = 0; m_generation.load(std::memory_order_acquire) == generation; ++spins) {
            if (spins < kSpins)
                pause();
            else
                std::this_thread::yield();
        }
    }

private:
    // 0.4-1 ms of pause instructions (by CPU): longer than any wait measured between two products.
    static constexpr int kSpins = 20000;
    static void pause()
    {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#elif defined(__aarch64__)
        asm volatile("yield");
#endif
    }
    alignas(64) std::atomic<int> m_arrived{0};
    alignas(64) std::atomic<int> m_generation{0};
};

/// Below this many weights a second thread costs more to wake than it saves.
constexpr int64_t kParallelWeights = 64 * 1024;

} // namespace

void gemvInOut(const float *x, const float *w, const float *b, int64_t in, int64_t out, float *y)
{
    const int64_t threads = in * out < kParallelWeights ? 1 : std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), in / 8));
    if (threads == 1) {
        if (b)
            std::copy(b, b + out, y);
        else
            std::fill(y, y + out, 0.0f);
        accumulateRows(x, w, 0, in, out, y);
        return;
    }
    // Splitting W's rows (rather than its columns) keeps every thread's read one sequential
    // stream; the price is one partial y per thread, summed at the end (a few KB).
    std::vector<float> partial(static_cast<size_t>(threads * out), 0.0f);
    at::parallel_for(0, threads, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t)
            accumulateRows(x, w, in * t / threads, in * (t + 1) / threads, out, partial.data() + t * out);
    });
    for (int64_t j = 0; j < out; ++j) {
        float s = b ? b[j] : 0.0f;
        for (int64_t t = 0; t < threads; ++t)
            s += partial[static_cast<size_t>(t * out + j)];
        y[j] = s;
    }
}

void gemvOutIn(const float *x, const float *w, const float *b, int64_t in, int64_t out, float *y)
{
    const int64_t grain = std::max<int64_t>(4, kParallelWeights / std::max<int64_t>(in, 1));
    at::parallel_for(0, out, grain, [&](int64_t j0, int64_t j1) { dotRows(x, w, b, j0, j1, in, y); });
}

void singleQueryAttention(const float *q, HeadStrides qs, const float *k, HeadStrides ks, const float *v,
                          HeadStrides vs, const float *mask, int64_t maskBatchStride, int64_t batch, int64_t heads,
                          int64_t keys, int64_t headDim, float scale, float *out)
{
    // A head's keys and values are 2*S*d floats (~100 KB for 197 image patches): worth a thread
    // each once there are a few heads' worth.
    const int64_t grain = std::max<int64_t>(1, kParallelWeights / std::max<int64_t>(2 * keys * headDim, 1));
    at::parallel_for(0, batch * heads, grain, [&](int64_t p0, int64_t p1) {
        std::vector<float> probs(static_cast<size_t>(keys));
        for (int64_t p = p0; p < p1; ++p) {
            const int64_t b = p / heads, h = p % heads;
            const float *qh = q + b * qs.batch + h * qs.head;
            const float *kh = k + b * ks.batch + h * ks.head;
            const float *vh = v + b * vs.batch + h * vs.head;
            attendHead(qh, kh, ks.row, vh, vs.row, mask ? mask + b * maskBatchStride : nullptr, keys, headDim, scale,
                       probs.data(), out + b * heads * headDim + h * headDim);
        }
    });
}

void decodeStep(const float *embedding, const std::vector<DecoderBlockWeights> &blocks,
                const std::vector<DecoderBlockCache> &caches, const float *layerScales, const float *lnfWeight,
                const float *lnfBias, const float *wte, const DecoderShape &shape, float *logits)
{
    const int64_t E = shape.embed, heads = shape.heads, d = E / heads, I = shape.inner, past = shape.past,
                  S = past + 1, widest = std::max(3 * E, I);
#if defined(_OPENMP)
    const int threads = std::max(1, at::get_num_threads());
#else
    const int threads = 1;
#endif
    // Two sets of per-thread partial products, used in turn: a set is rewritten only after the
    // barrier that follows the next product, by which time every thread has read it.
    std::vector<float> partials(static_cast<size_t>(2 * threads * widest));
    SpinBarrier barrier;

#if defined(_OPENMP)
#pragma omp parallel num_threads(threads)
#endif
    {
#if defined(_OPENMP)
        const int64_t t = omp_get_thread_num(), P = omp_get_num_threads();
#define SATGPT_BARRIER barrier.wait(static_cast<int>(P));
#else
        const int64_t t = 0, P = 1;
#define SATGPT_BARRIER
#endif
        const auto share = [&](int64_t n, int64_t who) { return n * who / P; };
        std::vector<float> h(embedding, embedding + E), normed(E), context(E), mid(I), q(E),
            probs(static_cast<size_t>(std::max(S, shape.crossLength)));
        int set = 0;
        const auto mine = [&](int64_t width) {
            float *p = partials.data() + (set * threads + t) * widest;
            std::fill(p, p + width, 0.0f);
            return p;
        };
        // Sum of all threads' partials of the set just written, at column j.
        const auto gathered = [&](int64_t j) {
            float v = 0.0f;
            for (int64_t p = 0; p < P; ++p)
                v += partials[static_cast<size_t>((set * threads + p) * widest + j)];
            return v;
        };
        const auto addToResidual = [&](const float *bias) {
            for (int64_t j = 0; j < E; ++j)
                h[j] += bias[j] + gathered(j);
            set ^= 1;
        };
        // This thread's heads, and so its rows of the output projection that follows.
        const int64_t head0 = share(heads, t), head1 = share(heads, t + 1);
        const int64_t in0 = share(E, t), in1 = share(E, t + 1);

        for (size_t li = 0; li < blocks.size(); ++li) {
            const auto &w = blocks[li];
            const auto &c = caches[li];
            const float scale = 1.0f / layerScales[li];

            normalizeRow(h.data(), E, nullptr, w.ln1Weight, w.ln1Bias, shape.layerNormEps, normed.data());
            accumulateRows(normed.data(), w.attnWeight, in0, in1, 3 * E, mine(3 * E));
            SATGPT_BARRIER
            for (int64_t hd = head0; hd < head1; ++hd) {
                float *key = c.key + hd * S * d, *value = c.value + hd * S * d;
                if (past > 0) {
                    std::copy(c.pastKey + hd * past * d, c.pastKey + (hd + 1) * past * d, key);
                    std::copy(c.pastValue + hd * past * d, c.pastValue + (hd + 1) * past * d, value);
                }
                for (int64_t i = 0; i < d; ++i) {
                    const int64_t j = hd * d + i;
                    q[j] = w.attnBias[j] + gathered(j);
                    key[past * d + i] = w.attnBias[E + j] + gathered(E + j);
                    value[past * d + i] = w.attnBias[2 * E + j] + gathered(2 * E + j);
                }
                attendHead(q.data() + hd * d, key, d, value, d, nullptr, S, d, scale, probs.data(), context.data() + hd * d);
            }
            set ^= 1;
            accumulateRows(context.data(), w.projWeight, head0 * d, head1 * d, E, mine(E));
            SATGPT_BARRIER
            addToResidual(w.projBias);

            if (c.crossKey) {
                normalizeRow(h.data(), E, nullptr, w.lnCrossWeight, w.lnCrossBias, shape.layerNormEps, normed.data());
                accumulateRows(normed.data(), w.crossQueryWeight, in0, in1, E, mine(E));
                SATGPT_BARRIER
                for (int64_t hd = head0; hd < head1; ++hd) {
                    for (int64_t i = 0; i < d; ++i)
                        q[hd * d + i] = w.crossQueryBias[hd * d + i] + gathered(hd * d + i);
                    attendHead(q.data() + hd * d, c.crossKey + hd * c.crossKeyStrides.head, c.crossKeyStrides.row,
                               c.crossValue + hd * c.crossValueStrides.head, c.crossValueStrides.row, nullptr,
                               shape.crossLength, d, scale, probs.data(), context.data() + hd * d);
                }
                set ^= 1;
                accumulateRows(context.data(), w.crossProjWeight, head0 * d, head1 * d, E, mine(E));
                SATGPT_BARRIER
                addToResidual(w.crossProjBias);
            }

            normalizeRow(h.data(), E, nullptr, w.ln2Weight, w.ln2Bias, shape.layerNormEps, normed.data());
            accumulateRows(normed.data(), w.fcWeight, in0, in1, I, mine(I));
            SATGPT_BARRIER
            // Each thread activates only the hidden units whose fc2 rows it multiplies, vectorised
            // (rowkernels.h): libm's scalar tanhf took 0.35-0.40 ms of a 12 ms step.
            const int64_t inner0 = share(I, t), inner1 = share(I, t + 1);
            for (int64_t i = inner0; i < inner1; ++i)
                mid[i] = gathered(i);
            biasActivateColumns(mid.data() + inner0, inner1 - inner0, w.fcBias + inner0, shape.activation);
            set ^= 1;
            accumulateRows(mid.data(), w.fc2Weight, inner0, inner1, E, mine(E));
            SATGPT_BARRIER
            addToResidual(w.fc2Bias);
        }
        normalizeRow(h.data(), E, nullptr, lnfWeight, lnfBias, shape.layerNormEps, normed.data());
        dotRows(normed.data(), wte, nullptr, share(shape.vocab, t), share(shape.vocab, t + 1), E, logits);
#undef SATGPT_BARRIER
    }
}

} // namespace satgpt::ml::detail
