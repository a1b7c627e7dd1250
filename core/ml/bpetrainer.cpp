// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/bpetrainer.h"

#include "core/ml/fileutil.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <queue>
#include <unordered_set>

namespace satgpt::ml {

void BpeTrainer::addText(const std::string &text)
{
    ++m_texts;
    for (std::string &piece : Gpt2Tokenizer::pretokenize(text))
        ++m_wordCounts[std::move(piece)];
}

namespace {

bool isTextKey(const std::string &key)
{
    static const char *const kKeys[] = {"captions", "caption", "text", "texts", "sentences", "sentence", "raw"};
    for (const char *k : kKeys)
        if (key == k)
            return true;
    return false;
}

struct CollectOptions
{
    const std::vector<std::string> *excludedSplits = nullptr;
    size_t *skipped = nullptr;
};

bool isExcludedRecord(const nlohmann::json &j, const CollectOptions &o)
{
    if (!o.excludedSplits || o.excludedSplits->empty())
        return false;
    for (const char *key : {"split", "original_split"}) {
        const auto it = j.find(key);
        if (it != j.end() && it->is_string() &&
            std::find(o.excludedSplits->begin(), o.excludedSplits->end(), it->get<std::string>()) != o.excludedSplits->end())
            return true;
    }
    return false;
}

void collectStrings(const nlohmann::json &j, bool underTextKey, std::vector<std::string> &out, const CollectOptions &o)
{
    if (j.is_string()) {
        if (underTextKey)
            out.push_back(j.get<std::string>());
    } else if (j.is_array()) {
        const bool allStrings = !j.empty() && std::all_of(j.begin(), j.end(), [](const nlohmann::json &v) { return v.is_string(); });
        for (const auto &v : j)
            collectStrings(v, underTextKey || allStrings, out, o);
    } else if (j.is_object()) {
        if (isExcludedRecord(j, o)) {
            if (o.skipped)
                ++*o.skipped;
            return;
        }
        for (auto it = j.begin(); it != j.end(); ++it)
            collectStrings(it.value(), isTextKey(it.key()), out, o);
    }
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

Status BpeTrainer::addFile(const std::string &path)
{
    auto bytes = detail::readFileBytes(path);
    if (!bytes)
        return bytes.error();
    if (endsWith(path, ".json")) {
        const nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
        if (j.is_discarded())
            return makeError("Not valid JSON", path);
        std::vector<std::string> texts;
        CollectOptions options;
        options.excludedSplits = &m_excludedSplits;
        options.skipped = &m_skippedRecords;
        collectStrings(j, false, texts, options);
        if (texts.empty())
            return makeError("No caption texts found (expected arrays of strings, or \"captions\"/\"text\" fields)", path);
        for (const std::string &t : texts)
            addText(t);
        return {};
    }
    const std::string &s = *bytes;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t nl = s.find('\n', pos);
        if (nl == std::string::npos)
            nl = s.size();
        std::string line = s.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            addText(line);
    }
    return {};
}

Status BpeTrainer::addPath(const std::string &path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        if (!fs::is_regular_file(path, ec))
            return makeError("No such training file or directory", path);
        return addFile(path);
    }
    std::vector<std::string> files;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        const std::string ext = it->path().extension().string();
        if (ext == ".txt" || ext == ".json")
            files.push_back(it->path().string());
    }
    if (ec)
        return makeError("Cannot list the directory", path, ec.message());
    if (files.empty())
        return makeError("No .txt or .json files in the directory", path);
    std::sort(files.begin(), files.end());
    for (const std::string &f : files)
        if (Status s = addFile(f); !s)
            return s;
    return {};
}

Result<Gpt2Tokenizer> BpeTrainer::train(const BpeTrainerOptions &options,
                                        const std::function<bool(int64_t, int64_t)> &progress) const
{
    const int64_t specials = int64_t(options.specialTokens.size());
    if (options.vocabSize < 256 + specials)
        return makeError("The vocabulary size must be at least " + std::to_string(256 + specials)
                         + " (256 byte tokens + special tokens)");
    // Target for the byte tokens plus learned tokens. Two merges can spell the same string
    // ("a"+"bc", "ab"+"c"); the second reuses the first one's id, as HF's trainer does, so
    // there may be more merges than learned tokens.
    const int64_t wantedTokens = options.vocabSize - specials;
    const int64_t wantedMerges = wantedTokens - 256;

    // Byte tokens in GPT-2's id order: bytes_to_unicode's printable bytes first, then the rest.
    std::vector<std::string> tokens;
    std::vector<int> byteId(256);
    {
        std::vector<int> order;
        for (int b = 0; b < 256; ++b)
            if (Gpt2Tokenizer::byteToUnicode(static_cast<unsigned char>(b)) == char32_t(b))
                order.push_back(b);
        for (int b = 0; b < 256; ++b)
            if (Gpt2Tokenizer::byteToUnicode(static_cast<unsigned char>(b)) != char32_t(b))
                order.push_back(b);
        for (int b : order) {
            byteId[size_t(b)] = int(tokens.size());
            std::string s;
            const char32_t c = Gpt2Tokenizer::byteToUnicode(static_cast<unsigned char>(b));
            // bytes_to_unicode's code points are all below U+0180: one or two UTF-8 bytes.
            if (c < 0x80)
                s += char(c);
            else {
                s += char(0xC0 | (c >> 6));
                s += char(0x80 | (c & 0x3F));
            }
            tokens.push_back(s);
        }
    }

    struct Word
    {
        std::vector<int> symbols;
        int64_t count;
    };
    // Sorted words, so that the order of the pair index (and anything else) is reproducible.
    std::vector<std::pair<std::string, int64_t>> sortedWords(m_wordCounts.begin(), m_wordCounts.end());
    std::sort(sortedWords.begin(), sortedWords.end());
    std::vector<Word> words;
    words.reserve(sortedWords.size());
    for (const auto &[text, count] : sortedWords) {
        Word w{{}, count};
        for (unsigned char b : text)
            w.symbols.push_back(byteId[b]);
        words.push_back(std::move(w));
    }

    auto key = [](int a, int b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); };
    std::unordered_map<uint64_t, int64_t> pairCount;
    std::unordered_map<uint64_t, std::vector<int>> pairWords;
    for (size_t w = 0; w < words.size(); ++w) {
        const auto &s = words[w].symbols;
        for (size_t k = 0; k + 1 < s.size(); ++k) {
            const uint64_t p = key(s[k], s[k + 1]);
            pairCount[p] += words[w].count;
            pairWords[p].push_back(int(w));
        }
    }

    struct Candidate
    {
        int64_t count;
        int a, b;
    };
    // Max-heap on count, then the smaller (token a, token b) strings win ties. Entries go stale
    // when counts change; a popped entry is used only if its count is still current.
    auto worse = [&tokens](const Candidate &x, const Candidate &y) {
        if (x.count != y.count)
            return x.count < y.count;
        const int c = tokens[size_t(x.a)].compare(tokens[size_t(y.a)]);
        if (c != 0)
            return c > 0;
        return tokens[size_t(x.b)] > tokens[size_t(y.b)];
    };
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> heap(worse);
    for (const auto &[p, c] : pairCount)
        heap.push({c, int(p >> 32), int(uint32_t(p))});

    std::vector<Gpt2Tokenizer::Merge> merges;
    std::vector<int> seenAt(words.size(), -1);
    std::unordered_map<std::string, int> tokenIds;
    for (size_t id = 0; id < tokens.size(); ++id)
        tokenIds.emplace(tokens[id], int(id));
    while (int64_t(tokens.size()) < wantedTokens && !heap.empty()) {
        const Candidate top = heap.top();
        heap.pop();
        const uint64_t p = key(top.a, top.b);
        const auto current = pairCount.find(p);
        if (current == pairCount.end() || current->second != top.count)
            continue;
        if (top.count < options.minPairFrequency)
            break;
        std::string joined = tokens[size_t(top.a)] + tokens[size_t(top.b)];
        int z;
        if (const auto existing = tokenIds.find(joined); existing != tokenIds.end()) {
            z = existing->second;
        } else {
            z = int(tokens.size());
            tokenIds.emplace(joined, z);
            tokens.push_back(std::move(joined));
        }
        merges.emplace_back(tokens[size_t(top.a)], tokens[size_t(top.b)]);
        const int iteration = int(merges.size());

        std::unordered_set<uint64_t> touched;
        std::vector<int> affected = std::move(pairWords[p]);
        pairWords.erase(p);
        for (int w : affected) {
            if (seenAt[size_t(w)] == iteration)
                continue;
            seenAt[size_t(w)] = iteration;
            Word &word = words[size_t(w)];
            std::vector<int> merged;
            merged.reserve(word.symbols.size());
            bool changed = false;
            for (size_t k = 0; k < word.symbols.size();) {
                if (k + 1 < word.symbols.size() && word.symbols[k] == top.a && word.symbols[k + 1] == top.b) {
                    merged.push_back(z);
                    k += 2;
                    changed = true;
                } else {
                    merged.push_back(word.symbols[k++]);
                }
            }
            if (!changed)
                continue;
            for (size_t k = 0; k + 1 < word.symbols.size(); ++k) {
                const uint64_t q = key(word.symbols[k], word.symbols[k + 1]);
                pairCount[q] -= word.count;
                touched.insert(q);
            }
            for (size_t k = 0; k + 1 < merged.size(); ++k) {
                const uint64_t q = key(merged[k], merged[k + 1]);
                pairCount[q] += word.count;
                touched.insert(q);
                if (merged[k] == z || merged[k + 1] == z)
                    pairWords[q].push_back(w);
            }
            word.symbols = std::move(merged);
        }
        for (uint64_t q : touched) {
            const auto it = pairCount.find(q);
            if (it->second <= 0) {
                pairCount.erase(it);
                continue;
            }
            heap.push({it->second, int(q >> 32), int(uint32_t(q))});
        }
        if (progress && merges.size() % 64 == 0 && !progress(int64_t(tokens.size()) - 256, wantedMerges))
            return makeError("Tokenizer training was canceled");
    }
    if (progress)
        progress(int64_t(tokens.size()) - 256, wantedMerges);

    std::unordered_map<std::string, int64_t> vocab;
    for (size_t id = 0; id < tokens.size(); ++id)
        vocab.emplace(tokens[id], int64_t(id));
    for (const std::string &special : options.specialTokens) {
        if (!vocab.emplace(special, int64_t(vocab.size())).second)
            return makeError("Special token '" + special + "' collides with a learned token");
    }
    return Gpt2Tokenizer::fromVocabAndMerges(std::move(vocab), std::move(merges), options.specialTokens);
}

} // namespace satgpt::ml
