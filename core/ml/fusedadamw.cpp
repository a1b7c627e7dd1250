// SPDX-License-Identifier: GPL-3.0-or-later
#include "fusedadamw.h"

#include "adamwkernel.h"

#include <cmath>

namespace satgpt::ml {
namespace {

/// The update walks raw memory, so a parameter, its gradient and both moments must be dense
/// float32 with the same strides (not necessarily contiguous: the ViT's weights are column-major).
bool fusable(const torch::Tensor &t)
{
    return t.is_cpu() && t.scalar_type() == torch::kFloat && !t.is_sparse() && t.is_non_overlapping_and_dense();
}

bool fusableLike(const torch::Tensor &t, const torch::Tensor &param)
{
    return fusable(t) && t.sizes() == param.sizes() && t.strides() == param.strides();
}

/// `t` in the memory layout of `param` (state loaded from a checkpoint is contiguous float32).
torch::Tensor inLayoutOf(const torch::Tensor &t, const torch::Tensor &param)
{
    return fusableLike(t, param) ? t : torch::empty_like(param, torch::MemoryFormat::Preserve).copy_(t);
}

} // namespace

torch::Tensor FusedAdamW::step(LossClosure closure)
{
    for (auto &group : param_groups()) {
        const auto &options = static_cast<const torch::optim::AdamWOptions &>(group.options());
        for (const auto &p : group.params()) {
            if (options.amsgrad() || !fusable(p) || (p.grad().defined() && !fusableLike(p.grad(), p)))
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
            // State loaded from a checkpoint may be in another layout or dtype.
            if (!fusableLike(s.exp_avg(), p) || !fusableLike(s.exp_avg_sq(), p)) {
                s.exp_avg(inLayoutOf(s.exp_avg(), p));
                s.exp_avg_sq(inLayoutOf(s.exp_avg_sq(), p));
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
