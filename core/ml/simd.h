// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the raw CPU kernels (decodekernels.cpp, encoderkernels.cpp, rowkernels.cpp).

#include <cstdint>
#include <cstring>

// One binary for every x86-64 machine: GCC builds a clone of a marked function per instruction
// set and picks one at load time (AVX-512 where the CPU has it, as this project's Zen 5 does).
// Elsewhere (other compilers, other architectures) the plain build is used.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SATGPT_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SATGPT_MULTIVERSION
#endif

#if defined(__GNUC__)
// The 64-byte vector type never crosses a kernel file's boundary, so its calling convention is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace satgpt::ml::detail {

// 16 floats: one AVX-512 register, two AVX ones, four SSE ones; the compiler splits it to
// whatever the clone at hand targets. aligned(4) because weight rows are only float-aligned.
typedef float Lanes __attribute__((vector_size(64), aligned(4)));
constexpr int64_t kLanes = 16;

inline Lanes load(const float *p)
{
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void store(float *p, const Lanes &v) { std::memcpy(p, &v, sizeof v); }

} // namespace satgpt::ml::detail
#endif
