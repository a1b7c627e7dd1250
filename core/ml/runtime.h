// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace satgpt::ml {

/// Sets libtorch's intra-op thread count (it defaults to 1 on Debian's build). `threads` <= 0
/// means: the SATGPT_THREADS environment variable if set, else every hardware thread.
/// Call once at start-up, before any model work. Thread-safe to call again later.
void configureRuntime(int threads = 0);

/// Keeps freed blocks of up to 32 MiB in the heap for reuse, and up to `retainBytes` of free
/// memory at the heap's top, instead of returning them to the kernel. Model work frees and
/// reallocates the same sizes again and again; with glibc's defaults those came back as fresh
/// pages, whose faults and zeroing are expensive on a virtual machine:
/// - a full-size training step spent a fifth of its time there (~250 k page faults a step; see
///   keepAllFreedMemory for what was still left);
/// - oneDNN's per-call weight repacks in the ViT encoder landed on fresh pages once a few decode
///   steps had reshaped the heap, and an image encode went from ~185 ms to 450-900 ms (the
///   caption's encode, after the previous caption's decoding, every time).
/// Process-wide, glibc-only (a no-op elsewhere). Call once at start-up: the CLI keeps 512 MiB,
/// the workbench, which runs for hours beside other applications, 128 MiB (enough for the above).
void keepFreedMemoryForReuse(std::size_t retainBytes = std::size_t(512) << 20);

/// For a process whose working set repeats at its peak, a training step: every block, whatever
/// its size, comes from the heap and nothing freed goes back to the kernel, so a step reuses the
/// pages the previous one faulted in. The 32 MiB ceiling above still sent logits, gradients of
/// the embeddings and other large buffers to fresh mappings, and freeing the activations after
/// each backward pass trimmed gigabytes off the heap's top: page faults and zeroing were still a
/// fifth of a full-size step (9.3-9.8 s -> 7.7-8.0 s a step, same peak RSS). The resident size
/// stays at its peak until exit, so only dedicated worker processes (`satgpt train`, the training
/// benchmark) call this, never the workbench. glibc-only (a no-op elsewhere).
void keepAllFreedMemory();

/// The BLAS behind libtorch's CPU products as "OpenBLAS 0.3.21 ... (core: Haswell)", or
/// "unknown BLAS" when it is not OpenBLAS; benchmarks print it beside their figures, because
/// which kernels OpenBLAS picks (autodetected, or OPENBLAS_CORETYPE) moves them by up to 2x.
std::string blasDescription();

/// The intra-op thread count libtorch uses now.
int runtimeThreads();

} // namespace satgpt::ml
