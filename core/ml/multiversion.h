// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One binary for every x86-64 machine: GCC builds a clone of a marked function per instruction
// set and picks one at load time (AVX-512 where the CPU has it, as this project's Zen 5 does).
// Elsewhere (other compilers, other architectures) the plain build is used.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SATGPT_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SATGPT_MULTIVERSION
#endif
