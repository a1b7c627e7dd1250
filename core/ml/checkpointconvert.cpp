// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/checkpointconvert.h"

#include "core/ml/tensorio.h"

#include <optional>

namespace satgpt::ml {

namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// GPT-2's causal-mask buffers: "<...>.attn.bias", "<...>.attn.masked_bias", and the same under
/// "crossattention". Parameters such as "attn.c_attn.bias" do not match.
bool isAttentionBuffer(const std::string &name)
{
    for (const char *suffix : {".attn.bias", ".attn.masked_bias", ".crossattention.bias", ".crossattention.masked_bias"})
        if (endsWith(name, suffix) || name == std::string(suffix).substr(1))
            return true;
    return false;
}

} // namespace

Result<CheckpointConversion> convertCheckpointToSafetensors(const std::string &input, const std::string &output,
                                                            const std::string &dtype)
{
    std::optional<torch::ScalarType> cast;
    if (dtype == "f16" || dtype == "fp16" || dtype == "float16")
        cast = torch::kFloat16;
    else if (dtype == "bf16" || dtype == "bfloat16")
        cast = torch::kBFloat16;
    else if (dtype == "f32" || dtype == "fp32" || dtype == "float32")
        cast = torch::kFloat32;
    else if (!dtype.empty())
        return makeError("unknown dtype '" + dtype + "' (use f16, bf16 or f32)", output);
    auto loaded = readCheckpointFile(input);
    if (!loaded)
        return loaded.error();
    const TensorMap &in = *loaded;
    CheckpointConversion report;
    TensorMap out;
    try {
        for (const std::string &name : in.names) {
            const torch::Tensor &t = in.at(name);
            if (isAttentionBuffer(name)) {
                report.dropped.push_back(name + " (attention mask buffer, not a weight)");
                continue;
            }
            if (endsWith(name, "lm_head.weight")) {
                const std::string prefix = name.substr(0, name.size() - std::string("lm_head.weight").size());
                const std::string wte = prefix + "transformer.wte.weight";
                if (in.contains(wte) && in.at(wte).sizes() == t.sizes() && in.at(wte).scalar_type() == t.scalar_type()
                    && torch::equal(in.at(wte), t)) {
                    report.dropped.push_back(name + " (tied to " + wte + ")");
                    continue;
                }
            }
            out.insert(name, cast && t.is_floating_point() ? t.to(*cast) : t);
        }
    } catch (const c10::Error &err) {
        return makeError("Cannot compare the checkpoint's tensors", input, err.what_without_backtrace());
    }
    if (out.size() == 0)
        return makeError("The checkpoint holds no tensors to convert", input);
    if (Status s = writeSafetensors(output, out); !s)
        return s.error();
    report.tensorsWritten = out.size();
    return report;
}

} // namespace satgpt::ml
