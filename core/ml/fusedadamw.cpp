// SPDX-License-Identifier: GPL-3.0-or-later
#include "fusedadamw.h"

#include "adamwkernel.h"

#include <cmath>

namespace satgpt::ml {
namespace {

bool fusable(const torch::Tensor &t)
{
    return t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && !t.is_sparse();
}

} // namespace

torch::Tensor FusedAdamW::step(LossClosure closure)
{
    for (auto &group : param_groups()) {
        const auto &options = static_cast<const torch::optim::AdamWOptions &>(group.options());
        for (const auto &p : group.params()) {
            if (options.amsgrad() || !fusable(p) || (p.grad().defined() && !fusable(p.grad())))
                return torch::optim::AdamW::step(std::move(closure));
        }
    }

    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    auto &states = state();
    for (auto &group : param_groups()) {
        const auto &options = static_cast<const torch::optim::AdamWOptions &>(group.options());
        const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
        for (auto &p : group.params()) {
            if (!p.grad().defined())
                continue;
            const auto key = optimizerStateKey(states, p);
            auto it = states.find(key);
            if (it == states.end()) {
                auto fresh = std::make_unique<torch::optim::AdamWParamState>();
                fresh->step(0);
                fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                states[key] = std::move(fresh);
                it = states.find(key);
            }
            auto &s = static_cast<torch::optim::AdamWParamState &>(*it->second);
            // State loaded from a checkpoint may be a non-contiguous or converted copy.
            if (!fusable(s.exp_avg()) || !fusable(s.exp_avg_sq())) {
                s.exp_avg(s.exp_avg().to(torch::kFloat).contiguous());
                s.exp_avg_sq(s.exp_avg_sq().to(torch::kFloat).contiguous());
            }
            s.step(s.step() + 1);
            // The same scalars, computed in double and rounded to float, as libtorch's step.
            detail::AdamWScalars k;
            k.decay = static_cast<float>(1.0 - options.lr() * options.weight_decay());
            k.beta1 = static_cast<float>(beta1);
            k.oneMinusBeta1 = static_cast<float>(1.0 - beta1);
            k.beta2 = static_cast<float>(beta2);
            k.oneMinusBeta2 = static_cast<float>(1.0 - beta2);
            k.sqrtBiasCorrection2 = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, double(s.step()))));
            k.eps = static_cast<float>(options.eps());
            k.negativeStepSize = static_cast<float>(-options.lr() / (1.0 - std::pow(beta1, double(s.step()))));
            detail::adamwUpdate(p.data_ptr<float>(), p.grad().data_ptr<float>(), s.exp_avg().data_ptr<float>(),
                                s.exp_avg_sq().data_ptr<float>(), p.numel(), k);
        }
    }
    return loss;
}

} // namespace satgpt::ml
