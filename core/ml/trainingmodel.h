// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): the model as the trainer sees it: network, text codec,
// image preprocessing, HF folder load/save and optimizer-state checkpoints.

#include "core/base/result.h"
#include "core/ml/dataloader.h"
#include "core/ml/visionencoderdecoder.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace satgpt::ml {

/// Text <-> token ids for the decoder. Either GPT-2 byte-level BPE (vocab.json + merges.txt of
/// the model folder) or, for small models trained from scratch, the byte vocabulary: GPT-2's
/// byte-to-unicode alphabet (256 tokens, id = byte value) plus <|endoftext|> = 256 with no
/// merges. That byte vocabulary is written as a regular vocab.json/merges.txt pair, so any GPT-2
/// tokenizer (ours or Python's) reads the saved folder.
class TextCodec
{
public:
    virtual ~TextCodec() = default;
    virtual std::vector<int64_t> encode(const std::string &text) const = 0;
    virtual std::string decode(const std::vector<int64_t> &ids) const = 0;
    int64_t startId() const { return m_start; }
    int64_t eosId() const { return m_eos; }
    int64_t padId() const { return m_pad; }
    /// Writes the tokenizer files into a model folder.
    virtual Status save(const std::string &dir) const = 0;

protected:
    int64_t m_start = 0, m_eos = 0, m_pad = 0;
    friend class TrainingModel;
};

/// Not thread-safe; the trainer uses it from one thread (loader workers only use codec() and
/// transform(), which are immutable after load).
class TrainingModel final
{
public:
    /// `path`: an HF VisionEncoderDecoder folder (config.json + model.safetensors or
    /// pytorch_model.bin, tokenizer files), or a JSON config to start from (random init seeded
    /// with `seed`): either a full HF vision-encoder-decoder config.json or the small form
    /// documented in docs/training.md.
    /// `requireTokenizer` false (benchmarks only) falls back to the byte codec whatever the vocabulary.
    static Result<std::unique_ptr<TrainingModel>> load(const std::string &path, uint64_t seed, bool requireTokenizer = true);

    VisionEncoderDecoder &model() { return *m_model; }
    const TextCodec &codec() const { return *m_codec; }
    const ImageTransform &transform() const { return m_transform; }
    void to(torch::Device device);

    /// Trainable leaves with their HF names (fused q/k/v under the query weight's name).
    std::vector<std::pair<std::string, torch::Tensor>> namedParameters();

    /// HF folder: config.json, model.safetensors, generation_config.json,
    /// preprocessor_config.json, tokenizer files. Written into a temporary folder then renamed.
    Status save(const std::string &dir);

    /// AdamW moments per trainable parameter (optimizer.safetensors, keyed by parameter name) and
    /// the CPU/CUDA random generator states (rng_state.safetensors).
    Status saveOptimizerState(const std::string &dir, torch::optim::AdamW &optimizer,
                              const std::vector<torch::Tensor> &params, const std::vector<std::string> &names) const;
    Status loadOptimizerState(const std::string &dir, torch::optim::AdamW &optimizer,
                              const std::vector<torch::Tensor> &params, const std::vector<std::string> &names) const;

private:
    TrainingModel() = default;
    std::unique_ptr<VisionEncoderDecoder> m_model;
    std::unique_ptr<TextCodec> m_codec;
    ImageTransform m_transform;
    std::string m_generationConfig; ///< JSON text to write back
    torch::Device m_device = torch::kCPU;
};

} // namespace satgpt::ml
