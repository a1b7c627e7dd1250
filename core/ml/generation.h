// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml (includes libtorch): autoregressive decoding for GPT-2 (alone or as the
// decoder of a VisionEncoderDecoder) with HF `generate()` semantics: greedy, beam search,
// top-k/top-p sampling, repetition penalty, no_repeat_ngram_size, eos/stop tokens.

#include "core/ml/gpt2model.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace satgpt::ml {

struct GenerationParams
{
    int64_t maxNewTokens = 20;
    int64_t numBeams = 1;
    double lengthPenalty = 1.0;
    bool earlyStopping = false;
    bool doSample = false;
    int64_t topK = 50;        ///< sampling only; 0 disables
    double topP = 1.0;        ///< sampling only; 1 disables
    double temperature = 1.0; ///< sampling only
    std::optional<uint64_t> seed;
    double repetitionPenalty = 1.0;
    int64_t noRepeatNgramSize = 0;
    std::vector<int64_t> eosTokenIds; ///< stop tokens; the first one is also appended by beam search
    int64_t padTokenId = 0;
    bool outputScores = false;        ///< keep the processed scores of every step (greedy/sampling)
};

struct GenerationOutput
{
    torch::Tensor sequences;            ///< [B, prefix + generated], padded with pad after eos
    std::vector<torch::Tensor> scores;  ///< per step [B, V] (greedy/sampling, when requested)
    torch::Tensor sequenceScores;       ///< [B] beam scores (beam search)
    bool canceled = false;
};

/// Called after every step with the token chosen for each row ([B] int64 on CPU; empty for beam
/// search, where tokens are only final at the end). Returning false stops generation at once.
using GenerationStepCallback = std::function<bool(const std::vector<int64_t> &tokens, int64_t step)>;

/// Runs `decoder` from `inputIds` [B, T] (the prompt; for a VED, the decoder start token plus
/// any prefix). `encoderHiddenStates` [B, S, E] is given for cross-attention (its K/V are computed
/// once and cached). `attentionMask` [B, T] (optional) marks left padding of the prompt. Must be
/// called with grad disabled (the caller holds an InferenceMode guard). Throws c10::Error /
/// std::invalid_argument on bad input.
GenerationOutput generate(const GPT2LMHeadModel &decoder, const torch::Tensor &inputIds,
                          const torch::Tensor &encoderHiddenStates, const torch::Tensor &attentionMask,
                          const GenerationParams &params, const GenerationStepCallback &onStep = {});

/// The HF logits processors used here, exposed for tests: in-place on `scores` [N, V].
void applyRepetitionPenalty(torch::Tensor &scores, const torch::Tensor &inputIds, double penalty);
void applyNoRepeatNgram(torch::Tensor &scores, const torch::Tensor &inputIds, int64_t n);
void applyTopK(torch::Tensor &scores, int64_t k);
void applyTopP(torch::Tensor &scores, double p);

} // namespace satgpt::ml
