// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>

namespace satgpt::ml {

/// Sets libtorch's intra-op thread count (it defaults to 1 on Debian's build). `threads` <= 0
/// means: the SATGPT_THREADS environment variable if set, else every hardware thread.
/// Call once at start-up, before any model work. Thread-safe to call again later.
void configureRuntime(int threads = 0);

/// Keeps freed blocks of up to 32 MiB in the heap for reuse, and up to `retainBytes` of free
/// memory at the heap's top, instead of returning them to the kernel. Model work frees and
/// reallocates the same sizes again and again; with glibc's defaults those came back as fresh
/// pages, whose faults and zeroing are expensive on a virtual machine:
/// - a full-size training step spent a fifth of its time there (~250 k page faults a step);
/// - oneDNN's per-call weight repacks in the ViT encoder landed on fresh pages once a few decode
///   steps had reshaped the heap, and an image encode went from ~185 ms to 450-900 ms (the
///   caption's encode, after the previous caption's decoding, every time).
/// Process-wide, glibc-only (a no-op elsewhere). Call once at start-up: the CLI keeps 512 MiB,
/// the workbench, which runs for hours beside other applications, 128 MiB (enough for the above).
void keepFreedMemoryForReuse(std::size_t retainBytes = std::size_t(512) << 20);

/// The intra-op thread count libtorch uses now.
int runtimeThreads();

} // namespace satgpt::ml
