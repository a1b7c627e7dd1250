// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch).

#include <torch/torch.h>

#include <string>
#include <type_traits>

namespace satgpt::ml {

/// An optimizer's per-parameter state key: libtorch 1.x uses the TensorImpl address printed as a
/// string (c10::guts::to_string), later releases the address itself.
template<typename Map>
typename Map::key_type optimizerStateKey(const Map &, const torch::Tensor &t)
{
    if constexpr (std::is_same_v<typename Map::key_type, std::string>)
        return c10::guts::to_string(t.unsafeGetTensorImpl());
    else
        return reinterpret_cast<typename Map::key_type>(t.unsafeGetTensorImpl());
}

/// torch::optim::AdamW whose step on contiguous float32 CPU parameters is one fused pass per
/// tensor (adamwkernel.h) instead of nine tensor operations and a parameter-sized temporary:
/// for the full-size model's 239 M parameters that was 1.1-1.5 s of a 10 s step. Same options,
/// same per-parameter state (step, exp_avg, exp_avg_sq), so checkpoints and --resume are
/// unchanged; anything else (CUDA, half precision, amsgrad) takes libtorch's own step.
class FusedAdamW : public torch::optim::AdamW
{
public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

} // namespace satgpt::ml
