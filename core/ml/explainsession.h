// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A torch-free entry point for "ask about an image, then see where the model looked": loads an
// HF VisionEncoderDecoder folder, answers (greedy) and explains the answer. Used by
// `satgpt explain`; the GUI runs it inside a job.

#include "core/base/result.h"
#include "core/ml/visionlanguagemodel.h" // ImageRGB8
#include "core/ml/explain.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace satgpt::ml {

/// What the model said: the decoder ids (start token, question, answer) and the answer text.
struct ExplainedAnswer
{
    std::vector<int64_t> sequence;
    int64_t promptLength = 1; ///< start token + question ids
    std::string text;
    std::vector<int64_t> answerIds() const
    {
        return {sequence.begin() + promptLength, sequence.end()};
    }
};

/// Owns one loaded model (pimpl; libtorch stays inside). Not thread-safe: create and use it on
/// one worker thread, never on the GUI thread (loading and every call may take seconds).
class ExplainSession final
{
public:
    /// `modelDir`: config.json, model.safetensors or pytorch_model.bin, tokenizer files and
    /// preprocessor_config.json. Errors name the file and the reason.
    static Result<std::unique_ptr<ExplainSession>> load(const std::string &modelDir);
    ~ExplainSession();
    ExplainSession(const ExplainSession &) = delete;
    ExplainSession &operator=(const ExplainSession &) = delete;

    /// The square input size the image is resized to.
    int imageSize() const;
    std::optional<int64_t> eosTokenId() const;

    /// Greedy answer (captioning when `question` is empty): the decoder starts from its start
    /// token followed by the ids of VisionLanguageModel::questionPrompt(question) (the prompt
    /// convention of generate() and fine-tuning) and generates up to `maxNewTokens` ids or eos.
    Result<ExplainedAnswer> answer(const ImageRGB8 &image, const std::string &question, int maxNewTokens = 20);
    /// Explains `answer` for `image` (the same image answer() saw). `options.promptLength` and
    /// `options.eosTokenId` are taken from the answer and the model.
    Result<Explanation> explain(const ImageRGB8 &image, const ExplainedAnswer &answer, ExplainOptions options);

private:
    ExplainSession();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace satgpt::ml
