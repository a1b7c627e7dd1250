// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace satgpt::ml {

/// Sets libtorch's intra-op thread count (it defaults to 1 on Debian's build). `threads` <= 0
/// means: the SATGPT_THREADS environment variable if set, else every hardware thread.
/// Call once at start-up, before any model work. Thread-safe to call again later.
void configureRuntime(int threads = 0);

/// The intra-op thread count libtorch uses now.
int runtimeThreads();

} // namespace satgpt::ml
