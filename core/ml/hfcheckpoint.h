// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): loading and saving HuggingFace model folders
// (config.json + model.safetensors | sharded model.safetensors.index.json | pytorch_model.bin)
// for `vit`, `gpt2` and `vision-encoder-decoder`, in the exact layout `save_pretrained` writes,
// so Python transformers reads our folders unchanged and we read theirs.

#include "core/base/result.h"
#include "core/ml/gpt2model.h"
#include "core/ml/tensorio.h"
#include "core/ml/visionencoderdecoder.h"
#include "core/ml/vitmodel.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace satgpt::ml {

struct HfLoadOptions
{
    /// Compute dtype: weights stored as F16/BF16/F32/F64 are converted to it.
    torch::Dtype dtype = torch::kFloat32;
    torch::Device device = torch::kCPU;
};

/// What a folder held besides the network, kept so that saving writes it back.
struct HfFolderInfo
{
    std::string dir;
    std::string weightsFile;                  ///< the file (or index) the weights came from
    nlohmann::json config;                    ///< config.json as read
    nlohmann::json generationConfig;          ///< null when the folder has none
    nlohmann::json preprocessorConfig;        ///< null when the folder has none
    std::vector<std::string> ignoredTensors;  ///< tied lm_head, causal-mask buffers, unknown names
};

/// Named tensors plus the file each came from (shards), for error messages.
struct HfWeights
{
    TensorMap tensors;
    std::map<std::string, std::string> fileOf;
    std::string source; ///< the weights file or index file
};

/// Reads model.safetensors, model.safetensors.index.json (+ shards), pytorch_model.bin or
/// pytorch_model.bin.index.json (+ shards) from `dir`, in that order of preference.
Result<HfWeights> readHfWeights(const std::string &dir);

/// The model_type of config.json in `dir`.
Result<std::string> hfModelType(const std::string &dir);

Result<std::unique_ptr<ViTModel>> loadViT(const std::string &dir, const HfLoadOptions &options = {},
                                          HfFolderInfo *info = nullptr);
Result<std::unique_ptr<GPT2LMHeadModel>> loadGPT2(const std::string &dir, const HfLoadOptions &options = {},
                                                  HfFolderInfo *info = nullptr);
Result<std::unique_ptr<VisionEncoderDecoder>> loadVisionEncoderDecoder(const std::string &dir,
                                                                       const HfLoadOptions &options = {},
                                                                       HfFolderInfo *info = nullptr);

/// Copies `weights` into the tensors `visit` enumerates (shape checked, dtype converted).
/// Missing tensors, wrong shapes and non-float dtypes are errors naming the file and tensor;
/// the tied lm_head and the old causal-mask buffers are ignored (listed in `ignored`).
Status assignHfWeights(const std::function<void(const std::function<void(const std::string &, torch::Tensor &)> &)> &visit,
                       const HfWeights &weights, std::vector<std::string> *ignored = nullptr);

struct HfSaveExtras
{
    nlohmann::json generationConfig;   ///< written when not null
    nlohmann::json preprocessorConfig; ///< written when not null
    std::string tokenizerSourceDir;    ///< tokenizer files copied from here when not empty
};

/// Writes config.json, model.safetensors (without the tied lm_head), and the extras into `dir`
/// (created if needed). Tensors are saved in the model's dtype.
Status saveVisionEncoderDecoder(VisionEncoderDecoder &model, const std::string &dir, const HfSaveExtras &extras = {});
Status saveViT(ViTModel &model, const std::string &dir, const HfSaveExtras &extras = {});
Status saveGPT2(GPT2LMHeadModel &model, const std::string &dir, const HfSaveExtras &extras = {});

} // namespace satgpt::ml
