// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <thread>

#include <dlfcn.h>

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

void keepAllFreedMemory()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);
    // -1 is mallopt's documented "never trim" (the int becomes SIZE_MAX).
    mallopt(M_TRIM_THRESHOLD, -1);
#endif
}

namespace {

const char *openBlasCoreName()
{
    using Query = char *(*)();
    const auto query = reinterpret_cast<Query>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    return query ? query() : nullptr;
}

} // namespace

std::string blasDescription()
{
    const char *core = openBlasCoreName();
    if (core == nullptr)
        return "unknown BLAS (not OpenBLAS)";
    using Query = char *(*)();
    const auto config = reinterpret_cast<Query>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    std::string text = config ? config() : "OpenBLAS";
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return text + " (core: " + core + ")";
}

int runtimeThreads() { return torch::get_num_threads(); }

} // namespace satgpt::ml
