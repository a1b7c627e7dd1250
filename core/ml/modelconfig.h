// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: the HF config.json families the model understands (`vit`, `gpt2`,
// `vision-encoder-decoder`). Each keeps the JSON it was read from, so saving writes back every
// key we do not interpret and Python transformers loads the folder unchanged.

#include "core/base/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace satgpt::ml {

/// HF `ViTConfig`.
struct ViTConfig
{
    int64_t hiddenSize = 768;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t intermediateSize = 3072;
    int64_t imageSize = 224;
    int64_t patchSize = 16;
    int64_t numChannels = 3;
    double layerNormEps = 1e-12;
    bool qkvBias = true;
    std::string hiddenAct = "gelu";
    double hiddenDropout = 0.0;
    double attentionDropout = 0.0;
    nlohmann::json raw = nlohmann::json::object();

    int64_t numPatches() const { return (imageSize / patchSize) * (imageSize / patchSize); }
    static Result<ViTConfig> fromJson(const nlohmann::json &j, const std::string &path = {});
    nlohmann::json toJson() const;
};

/// HF `GPT2Config` (with `add_cross_attention` for use as a VisionEncoderDecoder decoder).
struct GPT2Config
{
    int64_t vocabSize = 50257;
    int64_t nPositions = 1024;
    int64_t nEmbd = 768;
    int64_t nLayer = 12;
    int64_t nHead = 12;
    int64_t nInner = 0; ///< 0: 4 * nEmbd (HF `n_inner: null`)
    double layerNormEpsilon = 1e-5;
    bool addCrossAttention = false;
    std::string activationFunction = "gelu_new";
    bool scaleAttnWeights = true;
    bool scaleAttnByInverseLayerIdx = false;
    double embdPdrop = 0.1;
    double attnPdrop = 0.1;
    double residPdrop = 0.1;
    std::optional<int64_t> bosTokenId;
    std::optional<int64_t> eosTokenId;
    std::optional<int64_t> padTokenId;
    nlohmann::json raw = nlohmann::json::object();

    int64_t innerSize() const { return nInner > 0 ? nInner : 4 * nEmbd; }
    static Result<GPT2Config> fromJson(const nlohmann::json &j, const std::string &path = {});
    nlohmann::json toJson() const;
};

/// HF `VisionEncoderDecoderConfig`: nested encoder/decoder plus the special tokens generation needs.
struct VisionEncoderDecoderConfig
{
    ViTConfig encoder;
    GPT2Config decoder;
    std::optional<int64_t> decoderStartTokenId;
    std::optional<int64_t> padTokenId;
    std::optional<int64_t> eosTokenId;
    nlohmann::json raw = nlohmann::json::object();

    static Result<VisionEncoderDecoderConfig> fromJson(const nlohmann::json &j, const std::string &path = {});
    nlohmann::json toJson() const;
};

/// HF generation_config.json (the fields generation uses; the rest is kept in `raw`).
struct GenerationConfig
{
    std::optional<int64_t> bosTokenId;
    std::optional<int64_t> eosTokenId;
    std::optional<int64_t> padTokenId;
    std::optional<int64_t> decoderStartTokenId;
    int64_t maxLength = 20;
    std::optional<int64_t> maxNewTokens;
    int64_t numBeams = 1;
    double lengthPenalty = 1.0;
    bool earlyStopping = false;
    int64_t noRepeatNgramSize = 0;
    double repetitionPenalty = 1.0;
    nlohmann::json raw = nlohmann::json::object();

    static GenerationConfig fromJson(const nlohmann::json &j);
};

/// Reads and parses a JSON file; errors name the file.
Result<nlohmann::json> readJsonFile(const std::string &path);
/// Writes `j` as HF does (indent 2, sorted keys, trailing newline) via a temporary file + rename.
Status writeJsonFile(const std::string &path, const nlohmann::json &j);

} // namespace satgpt::ml
