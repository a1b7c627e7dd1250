// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Converting a checkpoint (pytorch_model.bin or safetensors) to safetensors. Standard library
// only in this header, so the Qt CLI can call it without seeing libtorch.

#include "core/base/result.h"

#include <string>
#include <vector>

namespace satgpt::ml {

struct CheckpointConversion
{
    size_t tensorsWritten = 0;
    /// Tensors left out, each with the reason ("tied to transformer.wte.weight", "attention mask buffer").
    std::vector<std::string> dropped;
};

/**
 * Reads `input` with readCheckpointFile() (content-sniffed; never executes pickle code) and
 * writes its state dict to `output` as safetensors (atomically), dropping what HF's
 * safetensors export drops: a `*lm_head.weight` equal to the `*transformer.wte.weight` beside it
 * (tied weights; HF re-ties them on load) and GPT-2's constant attention buffers
 * `*.attn.bias` / `*.attn.masked_bias` (and the cross-attention ones), which are not weights.
 * Tensors that share storage are written as independent copies (safetensors has no aliasing).
 */
/// `dtype` "f16", "bf16" or "f32" casts every floating-point tensor (half the bytes for a model
/// that ships with the application); "" keeps each tensor's type.
Result<CheckpointConversion> convertCheckpointToSafetensors(const std::string &input, const std::string &output,
                                                            const std::string &dtype = {});

} // namespace satgpt::ml
