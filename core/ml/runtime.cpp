// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <thread>

namespace satgpt::ml {

void configureRuntime(int threads)
{
    if (threads <= 0) {
        if (const char *env = std::getenv("SATGPT_THREADS"))
            threads = std::atoi(env);
    }
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
}

void keepFreedMemoryForReuse(std::size_t retainBytes)
{
#if defined(__GLIBC__)
    // 32 MiB is glibc's ceiling for the threshold; fixing it also stops the dynamic adjustment.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<std::size_t>(retainBytes, std::size_t(1) << 30)));
#else
    (void)retainBytes;
#endif
}

int runtimeThreads() { return torch::get_num_threads(); }

} // namespace satgpt::ml
