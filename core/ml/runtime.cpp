// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime.h"

#include <torch/torch.h>

#include <cstdlib>
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

int runtimeThreads() { return torch::get_num_threads(); }

} // namespace satgpt::ml
