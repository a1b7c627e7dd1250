// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Learning a GPT-2 byte-level BPE tokenizer from text. Standard library only.

#include "core/base/result.h"
#include "core/ml/tokenizer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace satgpt::ml {

struct BpeTrainerOptions
{
    /// Total ids wanted: the 256 byte tokens + merges + special tokens.
    int64_t vocabSize = 8192;
    /// A pair seen fewer times than this is never merged (training may stop below vocabSize).
    int64_t minPairFrequency = 2;
    /// Appended after the merges; the first is the end-of-text token.
    std::vector<std::string> specialTokens{"<|endoftext|>"};
};

/**
 * Counts GPT-2 pre-tokens (the same scanner the tokenizer uses) over the text it is given, then
 * learns merges greedily: each step merges the most frequent adjacent pair, ties broken by the
 * pair's byte-level strings in lexicographic order (first, then second), so results do not depend
 * on hash order or input order. Ids: 0..255 the byte tokens in GPT-2's order (bytes_to_unicode),
 * then one id per merge in rank order, then the special tokens.
 *
 * Not thread-safe; one trainer per thread.
 */
class BpeTrainer
{
public:
    /// Adds one text (e.g. a caption); pre-tokens are counted, the text is not kept.
    void addText(const std::string &text);
    /**
     * Adds a training file: `.json` caption files (an object mapping image -> [captions], or an
     * array of records with "captions"/"caption"/"text"/"sentences"; every array of strings and
     * every string under such a key is a text), otherwise plain UTF-8 text, one text per line.
     */
    Status addFile(const std::string &path);
    /// Adds every .txt and .json file under `path` (recursively, in sorted order), or `path` itself.
    Status addPath(const std::string &path);

    /// Records (JSON objects) whose "split" or "original_split" is one of `splits` are skipped by
    /// later addFile/addPath calls, so a vocabulary never learns from a held-out test split.
    void setExcludedSplits(std::vector<std::string> splits) { m_excludedSplits = std::move(splits); }
    size_t skippedRecords() const { return m_skippedRecords; }

    size_t textCount() const { return m_texts; }
    size_t distinctWordCount() const { return m_wordCounts.size(); }

    /// `progress(learnedTokens, learnedTokensWanted)` is called now and then; returning false cancels.
    Result<Gpt2Tokenizer> train(const BpeTrainerOptions &options,
                                const std::function<bool(int64_t, int64_t)> &progress = {}) const;

private:
    std::unordered_map<std::string, int64_t> m_wordCounts;
    size_t m_texts = 0;
    std::vector<std::string> m_excludedSplits;
    size_t m_skippedRecords = 0;
};

} // namespace satgpt::ml
