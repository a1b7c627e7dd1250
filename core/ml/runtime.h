// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace satgpt::ml {

/// Sets libtorch's intra-op thread count (it defaults to 1 on Debian's build). `threads` <= 0
/// means: the SATGPT_THREADS environment variable if set, else every hardware thread.
/// Call once at start-up, before any model work. Thread-safe to call again later.
void configureRuntime(int threads = 0);

/// For a process that trains: keeps freed blocks of up to 32 MiB in the heap for the next step
/// instead of returning them to the kernel. A training step frees and reallocates the same
/// activation and gradient sizes every time; with glibc's defaults each big one came back as
/// fresh pages, and zeroing them cost a fifth of a full-size step (about 250 k page faults per
/// step). Process-wide and glibc-only (a no-op elsewhere); the GUI never calls it.
void keepFreedMemoryForReuse();

/// The intra-op thread count libtorch uses now.
int runtimeThreads();

} // namespace satgpt::ml
