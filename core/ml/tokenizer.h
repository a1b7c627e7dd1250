// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// GPT-2 byte-level BPE tokenizer. Standard library only (no torch, no Qt), so any layer may use it.

#include "core/base/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace satgpt::ml {

/**
 * GPT-2's byte-level BPE, matching HF `GPT2Tokenizer` (slow) with its defaults
 * (`add_prefix_space=False`, `errors="replace"`): the same pre-tokenisation (a hand-written
 * scanner equivalent to GPT-2's regex, with generated Unicode tables), byte-to-unicode mapping,
 * rank-ordered merges, and special tokens found in the text as single ids.
 *
 * Immutable after load; copies share their data. encode() keeps a merge cache guarded by a
 * mutex, so one instance may be used from several threads at once.
 */
class Gpt2Tokenizer
{
public:
    using Merge = std::pair<std::string, std::string>;

    /// An empty tokenizer (vocabSize() == 0); use load() or fromVocabAndMerges().
    Gpt2Tokenizer();

    /**
     * Loads from a directory or a file. A directory is searched for `tokenizer.json` (HF fast
     * format: model.vocab, model.merges, added_tokens), then `vocab.json` + `merges.txt` (HF slow
     * names, plus `added_tokens.json` when present), then `encoder.json` + `vocab.bpe` (OpenAI's
     * names). A file path may name tokenizer.json, or vocab.json/encoder.json with the merges
     * file beside it. `<|endoftext|>` is a special token whenever the vocabulary has it.
     * Errors name the file and the problem.
     */
    static Result<Gpt2Tokenizer> load(const std::string &dirOrFile);
    /// Loads an explicit vocab (token -> id JSON) and merges file pair.
    static Result<Gpt2Tokenizer> loadFiles(const std::string &vocabJson, const std::string &mergesTxt);
    /// Builds from tables in memory. Every merge's parts and result must be in the vocabulary;
    /// ids must be unique. `specialTokens` must be in `vocab`.
    static Result<Gpt2Tokenizer> fromVocabAndMerges(std::unordered_map<std::string, int64_t> vocab,
                                                    std::vector<Merge> merges,
                                                    std::vector<std::string> specialTokens = {"<|endoftext|>"});

    /// Token ids of `text` (UTF-8; invalid bytes are encoded as bytes, as GPT-2 does). Special
    /// tokens in the text become their single ids, as HF does. No BOS/EOS is added.
    std::vector<int64_t> encode(const std::string &text) const;
    /// As encode(), but special-token strings are ordinary text (tiktoken without specials).
    std::vector<int64_t> encodeOrdinary(const std::string &text) const;
    /// The byte-level token strings of encode(text) (the vocabulary's keys, e.g. "Ġworld").
    std::vector<std::string> tokenize(const std::string &text) const;

    /**
     * Text of `ids` as HF's decode: token bytes concatenated and decoded as UTF-8 with
     * errors="replace" (each maximal invalid subpart becomes one U+FFFD). `skipSpecial` drops
     * special tokens; `cleanUpSpaces` applies HF's clean_up_tokenization (" ." -> ".", " n't" ->
     * "n't", ...). Unknown ids are skipped.
     */
    std::string decode(const std::vector<int64_t> &ids, bool skipSpecial = false, bool cleanUpSpaces = false) const;

    /// Id of a token string (a vocabulary key or special token); -1 when absent.
    int64_t tokenId(const std::string &token) const;
    /// Token string of an id; empty when out of range.
    std::string tokenString(int64_t id) const;
    /// `<|endoftext|>`'s id (GPT-2's bos = eos = unk = pad); -1 when the vocabulary lacks it.
    int64_t eosId() const;
    /// Number of ids (max id + 1), the embedding size a model needs.
    int64_t vocabSize() const;
    size_t mergeCount() const;
    bool isSpecial(int64_t id) const;
    const std::vector<std::string> &specialTokens() const;
    /// Merges in rank order (rank 0 first).
    const std::vector<Merge> &merges() const;

    /**
     * Writes `vocab.json` + `merges.txt` (GPT-2/HF layout: indented sorted JSON, `#version: 0.2`
     * header) plus `special_tokens_map.json` and `tokenizer_config.json`, so HF's GPT2Tokenizer
     * and load() read it. Each file is written atomically; the directory is created if needed.
     */
    Status save(const std::string &dir) const;

    /// GPT-2's pre-tokenisation of UTF-8 text into pieces (exposed for tests and the trainer).
    static std::vector<std::string> pretokenize(const std::string &text);
    /// GPT-2's bytes_to_unicode: the printable code point standing for each byte.
    static char32_t byteToUnicode(unsigned char byte);

private:
    struct Data;
    std::shared_ptr<const Data> m_data;
};

} // namespace satgpt::ml
