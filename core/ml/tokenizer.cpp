// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/tokenizer.h"

#include "core/ml/fileutil.h"
#include "core/ml/unicodetables.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <mutex>
#include <unordered_set>

#include <sys/stat.h>

namespace satgpt::ml {

namespace detail {
namespace {

static bool inRanges(const unicode::CodePointRange *begin, const unicode::CodePointRange *end, char32_t c)
{
    const auto *it = std::upper_bound(begin, end, c, [](char32_t v, const unicode::CodePointRange &r) { return v < r.first; });
    return it != begin && c <= (it - 1)->last;
}

template<size_t N>
static bool inTable(const unicode::CodePointRange (&table)[N], char32_t c)
{
    return inRanges(table, table + N, c);
}

enum class CharClass { Letter, Number, Space, Other };

/// One code point of the input, or one byte of invalid UTF-8 (class Other, like GPT-2's
/// handling of bytes: they still end up as byte tokens).
struct CodePoint
{
    char32_t value;
    uint32_t offset;
    uint32_t length;
    CharClass cls;
};

static CharClass classify(char32_t c)
{
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return CharClass::Letter;
        if (c >= '0' && c <= '9')
            return CharClass::Number;
        if (c == ' ' || (c >= 0x09 && c <= 0x0D))
            return CharClass::Space;
        return CharClass::Other;
    }
    if (inTable(unicode::kLetterRanges, c))
        return CharClass::Letter;
    if (inTable(unicode::kNumberRanges, c))
        return CharClass::Number;
    if (inTable(unicode::kWhiteSpaceRanges, c))
        return CharClass::Space;
    return CharClass::Other;
}

/// Length of the well-formed UTF-8 sequence at p (Unicode Table 3-7), or 0 when invalid.
static size_t utf8Sequence(const unsigned char *p, size_t avail, char32_t *out)
{
    const unsigned char b0 = p[0];
    if (b0 < 0x80) {
        *out = b0;
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        len = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0)
            lo = 0xA0;
        else if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0)
            lo = 0x90;
        else if (b0 == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < 2 || p[1] < lo || p[1] > hi)
        return 0;
    char32_t c = b0 & (0xFF >> (len + 1));
    c = (c << 6) | (p[1] & 0x3F);
    for (size_t k = 2; k < len; ++k) {
        if (avail <= k || p[k] < 0x80 || p[k] > 0xBF)
            return 0;
        c = (c << 6) | (p[k] & 0x3F);
    }
    *out = c;
    return len;
}

/// Python's bytes.decode("utf-8", errors="replace"): each maximal subpart of an ill-formed
/// sequence (a valid prefix cut short, or a single bad byte) becomes one U+FFFD.
static std::string decodeUtf8Replace(const std::string &bytes)
{
    static const char kReplacement[] = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(bytes.size());
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const size_t n = bytes.size();
    size_t i = 0;
    while (i < n) {
        char32_t c;
        const size_t len = utf8Sequence(p + i, n - i, &c);
        if (len) {
            out.append(bytes, i, len);
            i += len;
            continue;
        }
        // Skip the lead byte and every continuation byte that was still valid for it.
        const unsigned char b0 = p[i];
        size_t skip = 1;
        if (b0 >= 0xC2 && b0 <= 0xF4) {
            unsigned char lo = 0x80, hi = 0xBF;
            if (b0 == 0xE0)
                lo = 0xA0;
            else if (b0 == 0xED)
                hi = 0x9F;
            else if (b0 == 0xF0)
                lo = 0x90;
            else if (b0 == 0xF4)
                hi = 0x8F;
            const size_t need = b0 <= 0xDF ? 2 : b0 <= 0xEF ? 3 : 4;
            if (i + 1 < n && p[i + 1] >= lo && p[i + 1] <= hi) {
                skip = 2;
                while (skip < need && i + skip < n && p[i + skip] >= 0x80 && p[i + skip] <= 0xBF)
                    ++skip;
            }
        }
        out += kReplacement;
        i += skip;
    }
    return out;
}

static void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80)
        out += char(c);
    else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

static std::array<char32_t, 256> makeByteToUnicode()
{
    std::array<char32_t, 256> table{};
    std::array<bool, 256> printable{};
    for (int b = '!'; b <= '~'; ++b)
        printable[size_t(b)] = true;
    for (int b = 0xA1; b <= 0xAC; ++b)
        printable[size_t(b)] = true;
    for (int b = 0xAE; b <= 0xFF; ++b)
        printable[size_t(b)] = true;
    char32_t next = 256;
    for (int b = 0; b < 256; ++b)
        table[size_t(b)] = printable[size_t(b)] ? char32_t(b) : next++;
    return table;
}

static const std::array<char32_t, 256> &byteToUnicodeTable()
{
    static const std::array<char32_t, 256> s_table = makeByteToUnicode();
    return s_table;
}

/// The byte-level strings of each byte, e.g. byte 0x20 -> "Ġ".
static const std::array<std::string, 256> &byteStrings()
{
    static const std::array<std::string, 256> s_strings = [] {
        std::array<std::string, 256> s;
        for (int b = 0; b < 256; ++b)
            appendUtf8(s[size_t(b)], byteToUnicodeTable()[size_t(b)]);
        return s;
    }();
    return s_strings;
}

static int unicodeToByte(char32_t c)
{
    static const std::unordered_map<char32_t, int> s_map = [] {
        std::unordered_map<char32_t, int> m;
        for (int b = 0; b < 256; ++b)
            m[byteToUnicodeTable()[size_t(b)]] = b;
        return m;
    }();
    const auto it = s_map.find(c);
    return it == s_map.end() ? -1 : it->second;
}

static std::vector<CodePoint> codePoints(const std::string &text)
{
    std::vector<CodePoint> cps;
    cps.reserve(text.size());
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        char32_t c;
        size_t len = utf8Sequence(p + i, n - i, &c);
        CharClass cls;
        if (len == 0) {
            len = 1;
            c = 0xFFFD;
            cls = CharClass::Other;
        } else {
            cls = classify(c);
        }
        cps.push_back({c, uint32_t(i), uint32_t(len), cls});
        i += len;
    }
    return cps;
}

/// GPT-2's pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// as a scanner: at each position the alternatives are tried in order, as the regex engine
/// does, and every alternative is possessive-equivalent except \s+(?!\S), whose backtracking
/// is reproduced by giving the last whitespace character of a run to the following word.
static std::vector<std::pair<size_t, size_t>> pretokenizeSpans(const std::string &text)
{
    const std::vector<CodePoint> cps = codePoints(text);
    std::vector<std::pair<size_t, size_t>> spans;
    const size_t n = cps.size();
    auto span = [&](size_t from, size_t to) {
        // [from, to) in code points -> byte span
        const size_t begin = cps[from].offset;
        const size_t end = to < n ? cps[to].offset : text.size();
        spans.emplace_back(begin, end - begin);
    };
    size_t i = 0;
    while (i < n) {
        const char32_t c = cps[i].value;
        if (c == '\'' && i + 1 < n) {
            const char32_t a = cps[i + 1].value;
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                span(i, i + 2);
                i += 2;
                continue;
            }
            if (i + 2 < n) {
                const char32_t b = cps[i + 2].value;
                if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                    span(i, i + 3);
                    i += 3;
                    continue;
                }
            }
        }
        const size_t k0 = (c == ' ' && i + 1 < n) ? i + 1 : i;
        const CharClass cls = cps[k0].cls;
        if (cls != CharClass::Space) {
            size_t j = k0 + 1;
            while (j < n && cps[j].cls == cls)
                ++j;
            span(i, j);
            i = j;
            continue;
        }
        // Whitespace at i (a lone trailing ' ' also lands here, as k0 == i).
        size_t e = i + 1;
        while (e < n && cps[e].cls == CharClass::Space)
            ++e;
        if (e < n && e - i >= 2)
            --e; // \s+(?!\S): leave the last space to join the next piece
        span(i, e);
        i = e;
    }
    return spans;
}

/// HF's clean_up_tokenization, in its order.
static std::string cleanUpTokenization(std::string s)
{
    static const std::pair<const char *, const char *> kRules[] = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };
    for (const auto &[from, to] : kRules) {
        const std::string f(from), t(to);
        std::string out;
        size_t pos = 0;
        while (true) {
            const size_t hit = s.find(f, pos);
            if (hit == std::string::npos) {
                out.append(s, pos, std::string::npos);
                break;
            }
            out.append(s, pos, hit - pos);
            out += t;
            pos = hit + f.size();
        }
        s = std::move(out);
    }
    return s;
}

} // namespace
} // namespace detail

struct Gpt2Tokenizer::Data
{
    std::unordered_map<std::string, int64_t> encoder;
    std::vector<std::string> decoder; ///< id -> token; "" for unused ids
    std::vector<Merge> merges;
    std::unordered_map<std::string, int> ranks; ///< "first second" -> rank
    std::vector<std::string> specials;          ///< split out of text before BPE
    std::unordered_set<int64_t> specialIds;
    int64_t eos = -1;

    mutable std::mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int64_t>> cache;

    /// BPE of one pre-token, returning its ids.
    std::vector<int64_t> bpe(const std::string &piece) const
    {
        {
            std::lock_guard<std::mutex> lock(cacheMutex);
            const auto it = cache.find(piece);
            if (it != cache.end())
                return it->second;
        }
        const auto &byteStr = detail::byteStrings();
        std::vector<std::string> word;
        word.reserve(piece.size());
        for (unsigned char b : piece)
            word.push_back(byteStr[b]);

        std::string key;
        while (word.size() > 1) {
            int best = INT_MAX;
            size_t bestAt = 0;
            for (size_t k = 0; k + 1 < word.size(); ++k) {
                key.assign(word[k]).append(1, ' ').append(word[k + 1]);
                const auto r = ranks.find(key);
                if (r != ranks.end() && r->second < best) {
                    best = r->second;
                    bestAt = k;
                }
            }
            if (best == INT_MAX)
                break;
            // Merge every non-overlapping occurrence of the best pair, left to right, as HF does.
            const std::string first = word[bestAt], second = word[bestAt + 1];
            std::vector<std::string> merged;
            merged.reserve(word.size());
            for (size_t k = 0; k < word.size();) {
                if (k + 1 < word.size() && word[k] == first && word[k + 1] == second) {
                    merged.push_back(first + second);
                    k += 2;
                } else {
                    merged.push_back(std::move(word[k]));
                    ++k;
                }
            }
            word = std::move(merged);
        }

        std::vector<int64_t> ids;
        ids.reserve(word.size());
        for (const std::string &symbol : word) {
            const auto it = encoder.find(symbol);
            if (it != encoder.end()) {
                ids.push_back(it->second);
                continue;
            }
            // A merge result missing from the vocabulary (a hand-edited file): fall back to
            // its bytes, which a byte-level vocabulary always has.
            size_t pos = 0;
            while (pos < symbol.size()) {
                char32_t c;
                size_t len = detail::utf8Sequence(reinterpret_cast<const unsigned char *>(symbol.data()) + pos,
                                                  symbol.size() - pos, &c);
                if (len == 0)
                    len = 1;
                const auto b = encoder.find(symbol.substr(pos, len));
                if (b != encoder.end())
                    ids.push_back(b->second);
                pos += len;
            }
        }
        std::lock_guard<std::mutex> lock(cacheMutex);
        if (cache.size() > 200000)
            cache.clear(); // bounded memory on endless streams of new words
        cache.emplace(piece, ids);
        return ids;
    }

    void encodeOrdinaryInto(const std::string &text, std::vector<int64_t> &out) const
    {
        for (const auto &[begin, len] : detail::pretokenizeSpans(text)) {
            const std::vector<int64_t> ids = bpe(text.substr(begin, len));
            out.insert(out.end(), ids.begin(), ids.end());
        }
    }
};

Gpt2Tokenizer::Gpt2Tokenizer() : m_data(std::make_shared<Data>()) {}

char32_t Gpt2Tokenizer::byteToUnicode(unsigned char byte) { return detail::byteToUnicodeTable()[byte]; }

std::vector<std::string> Gpt2Tokenizer::pretokenize(const std::string &text)
{
    std::vector<std::string> pieces;
    for (const auto &[begin, len] : detail::pretokenizeSpans(text))
        pieces.push_back(text.substr(begin, len));
    return pieces;
}

Result<Gpt2Tokenizer> Gpt2Tokenizer::fromVocabAndMerges(std::unordered_map<std::string, int64_t> vocab,
                                                        std::vector<Merge> merges, std::vector<std::string> specialTokens)
{
    auto data = std::make_shared<Data>();
    int64_t maxId = -1;
    for (const auto &[token, id] : vocab) {
        if (id < 0 || id > (int64_t(1) << 31))
            return makeError("Token '" + token + "' has an invalid id " + std::to_string(id));
        maxId = std::max(maxId, id);
    }
    // Ids index a table, so a hostile file with one huge id must not allocate gigabytes.
    if (maxId >= int64_t(vocab.size()) + 65536)
        return makeError("The vocabulary's ids are too sparse (largest id " + std::to_string(maxId) + " for "
                         + std::to_string(vocab.size()) + " tokens)");
    data->decoder.assign(size_t(maxId + 1), std::string());
    std::vector<bool> used(size_t(maxId + 1), false);
    for (const auto &[token, id] : vocab) {
        if (used[size_t(id)])
            return makeError("Two tokens share the id " + std::to_string(id) + " ('" + data->decoder[size_t(id)]
                             + "' and '" + token + "')");
        used[size_t(id)] = true;
        data->decoder[size_t(id)] = token;
    }
    for (int b = 0; b < 256; ++b)
        if (vocab.find(detail::byteStrings()[size_t(b)]) == vocab.end())
            return makeError("Not a byte-level BPE vocabulary: the token for byte " + std::to_string(b) + " ('"
                             + detail::byteStrings()[size_t(b)] + "') is missing");
    for (size_t r = 0; r < merges.size(); ++r) {
        const Merge &m = merges[r];
        if (m.first.empty() || m.second.empty() || m.first.find(' ') != std::string::npos
            || m.second.find(' ') != std::string::npos)
            return makeError("Merge " + std::to_string(r + 1) + " ('" + m.first + "' '" + m.second + "') is malformed");
        // The first occurrence wins, as in HF (dict built from enumerate keeps the last; GPT-2's
        // files have no duplicates, and a trainer never emits one).
        data->ranks.emplace(m.first + " " + m.second, int(r));
    }
    for (const std::string &special : specialTokens) {
        const auto it = vocab.find(special);
        if (it == vocab.end())
            return makeError("Special token '" + special + "' is not in the vocabulary");
        if (special.empty())
            return makeError("Empty special token");
        data->specials.push_back(special);
        data->specialIds.insert(it->second);
    }
    const auto eos = vocab.find("<|endoftext|>");
    data->eos = eos == vocab.end() ? -1 : eos->second;
    data->encoder = std::move(vocab);
    data->merges = std::move(merges);
    Gpt2Tokenizer t;
    t.m_data = std::move(data);
    return t;
}

namespace detail {
namespace {

static Result<nlohmann::json> readJson(const std::string &path)
{
    auto bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
    if (j.is_discarded())
        return makeError("Not valid JSON", path);
    return j;
}

static Result<std::unordered_map<std::string, int64_t>> vocabFromJson(const nlohmann::json &j, const std::string &path,
                                                                      const char *what)
{
    if (!j.is_object())
        return makeError(std::string(what) + " is not a JSON object of token -> id", path);
    std::unordered_map<std::string, int64_t> vocab;
    vocab.reserve(j.size());
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_number_integer())
            return makeError(std::string(what) + ": the id of token '" + it.key() + "' is not an integer", path);
        vocab.emplace(it.key(), it.value().get<int64_t>());
    }
    return vocab;
}

static Result<std::vector<Gpt2Tokenizer::Merge>> readMerges(const std::string &path)
{
    auto bytes = readFileBytes(path);
    if (!bytes)
        return bytes.error();
    std::vector<Gpt2Tokenizer::Merge> merges;
    const std::string &s = *bytes;
    size_t pos = 0, lineNo = 0;
    while (pos < s.size()) {
        size_t nl = s.find('\n', pos);
        if (nl == std::string::npos)
            nl = s.size();
        std::string line = s.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || (lineNo == 1 && line.rfind("#version", 0) == 0))
            continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size()
            || line.find(' ', space + 1) != std::string::npos)
            return makeError("Malformed merges file: line " + std::to_string(lineNo) + " is not two tokens separated by a space",
                             path);
        merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    return merges;
}

static bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

static bool dirExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static std::string joinPath(const std::string &dir, const std::string &name)
{
    if (dir.empty() || dir.back() == '/')
        return dir + name;
    return dir + "/" + name;
}

static std::string dirOf(const std::string &path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

static std::string baseName(const std::string &path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

static Result<Gpt2Tokenizer> loadTokenizerJson(const std::string &path)
{
    auto j = readJson(path);
    if (!j)
        return j.error();
    const nlohmann::json &root = *j;
    if (!root.is_object() || !root.contains("model") || !root["model"].is_object())
        return makeError("tokenizer.json without a \"model\" object", path);
    const nlohmann::json &model = root["model"];
    if (model.contains("type") && model["type"] != "BPE")
        return makeError("tokenizer.json holds a " + model["type"].dump() + " model, not BPE", path);
    if (!model.contains("vocab") || !model.contains("merges") || !model["merges"].is_array())
        return makeError("tokenizer.json: model.vocab or model.merges missing", path);
    auto vocab = vocabFromJson(model["vocab"], path, "model.vocab");
    if (!vocab)
        return vocab.error();
    std::vector<Gpt2Tokenizer::Merge> merges;
    for (const auto &m : model["merges"]) {
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ');
            if (space == std::string::npos)
                return makeError("tokenizer.json: malformed merge '" + s + "'", path);
            merges.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            return makeError("tokenizer.json: malformed merge " + m.dump(), path);
        }
    }
    std::vector<std::string> specials;
    if (root.contains("added_tokens") && root["added_tokens"].is_array()) {
        for (const auto &t : root["added_tokens"]) {
            if (!t.is_object() || !t.contains("content") || !t["content"].is_string() || !t.contains("id")
                || !t["id"].is_number_integer())
                return makeError("tokenizer.json: malformed added token " + t.dump(), path);
            const std::string content = t["content"].get<std::string>();
            const int64_t id = t["id"].get<int64_t>();
            const auto existing = vocab->find(content);
            if (existing != vocab->end() && existing->second != id)
                return makeError("tokenizer.json: added token '" + content + "' has two ids", path);
            vocab->emplace(content, id);
            specials.push_back(content);
        }
    } else if (vocab->count("<|endoftext|>")) {
        specials.push_back("<|endoftext|>");
    }
    auto t = Gpt2Tokenizer::fromVocabAndMerges(std::move(*vocab), std::move(merges), std::move(specials));
    if (!t) {
        Error e = t.error();
        e.path = path;
        return e;
    }
    return t;
}

} // namespace
} // namespace detail

Result<Gpt2Tokenizer> Gpt2Tokenizer::loadFiles(const std::string &vocabJson, const std::string &mergesTxt)
{
    auto j = detail::readJson(vocabJson);
    if (!j)
        return j.error();
    auto vocab = detail::vocabFromJson(*j, vocabJson, "The vocabulary");
    if (!vocab)
        return vocab.error();
    auto merges = detail::readMerges(mergesTxt);
    if (!merges)
        return merges.error();
    // HF's slow tokenizer keeps tokens added after training in added_tokens.json.
    const std::string added = detail::joinPath(detail::dirOf(vocabJson), "added_tokens.json");
    std::vector<std::string> specials;
    if (detail::fileExists(added)) {
        auto a = detail::readJson(added);
        if (!a)
            return a.error();
        auto extra = detail::vocabFromJson(*a, added, "added_tokens.json");
        if (!extra)
            return extra.error();
        for (const auto &[token, id] : *extra) {
            vocab->emplace(token, id);
            specials.push_back(token);
        }
    }
    if (vocab->count("<|endoftext|>") && std::find(specials.begin(), specials.end(), "<|endoftext|>") == specials.end())
        specials.push_back("<|endoftext|>");
    // Longer specials first, so one that contains another is matched whole.
    std::sort(specials.begin(), specials.end(),
              [](const std::string &a, const std::string &b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
    auto t = fromVocabAndMerges(std::move(*vocab), std::move(*merges), std::move(specials));
    if (!t) {
        Error e = t.error();
        e.path = vocabJson;
        return e;
    }
    return t;
}

Result<Gpt2Tokenizer> Gpt2Tokenizer::load(const std::string &dirOrFile)
{
    using namespace detail;
    if (dirExists(dirOrFile)) {
        const std::string tj = joinPath(dirOrFile, "tokenizer.json");
        if (fileExists(tj))
            return loadTokenizerJson(tj);
        if (fileExists(joinPath(dirOrFile, "vocab.json")) && fileExists(joinPath(dirOrFile, "merges.txt")))
            return loadFiles(joinPath(dirOrFile, "vocab.json"), joinPath(dirOrFile, "merges.txt"));
        if (fileExists(joinPath(dirOrFile, "encoder.json")) && fileExists(joinPath(dirOrFile, "vocab.bpe")))
            return loadFiles(joinPath(dirOrFile, "encoder.json"), joinPath(dirOrFile, "vocab.bpe"));
        return makeError("No tokenizer found: expected tokenizer.json, vocab.json + merges.txt, or encoder.json + vocab.bpe",
                         dirOrFile);
    }
    if (!fileExists(dirOrFile))
        return makeError("No such tokenizer file or directory", dirOrFile);
    const std::string name = baseName(dirOrFile);
    const std::string dir = dirOf(dirOrFile);
    if (name == "tokenizer.json")
        return loadTokenizerJson(dirOrFile);
    for (const char *merges : {"merges.txt", "vocab.bpe"}) {
        const std::string m = joinPath(dir, merges);
        if (fileExists(m))
            return loadFiles(dirOrFile, m);
    }
    return makeError("No merges file (merges.txt or vocab.bpe) beside the vocabulary", dirOrFile);
}

std::vector<int64_t> Gpt2Tokenizer::encodeOrdinary(const std::string &text) const
{
    std::vector<int64_t> ids;
    m_data->encodeOrdinaryInto(text, ids);
    return ids;
}

std::vector<int64_t> Gpt2Tokenizer::encode(const std::string &text) const
{
    const Data &d = *m_data;
    std::vector<int64_t> ids;
    size_t pos = 0;
    while (pos <= text.size()) {
        // Leftmost special token; the longest one when several start at the same place.
        size_t bestAt = std::string::npos;
        const std::string *best = nullptr;
        for (const std::string &s : d.specials) {
            const size_t at = text.find(s, pos);
            if (at != std::string::npos && (at < bestAt || (at == bestAt && s.size() > best->size()))) {
                bestAt = at;
                best = &s;
            }
        }
        if (!best) {
            d.encodeOrdinaryInto(text.substr(pos), ids);
            break;
        }
        d.encodeOrdinaryInto(text.substr(pos, bestAt - pos), ids);
        ids.push_back(d.encoder.at(*best));
        pos = bestAt + best->size();
    }
    return ids;
}

std::vector<std::string> Gpt2Tokenizer::tokenize(const std::string &text) const
{
    std::vector<std::string> tokens;
    for (int64_t id : encode(text))
        tokens.push_back(tokenString(id));
    return tokens;
}

std::string Gpt2Tokenizer::decode(const std::vector<int64_t> &ids, bool skipSpecial, bool cleanUpSpaces) const
{
    const Data &d = *m_data;
    std::string bytes;
    for (int64_t id : ids) {
        if (id < 0 || size_t(id) >= d.decoder.size() || d.decoder[size_t(id)].empty())
            continue;
        if (skipSpecial && d.specialIds.count(id))
            continue;
        const std::string &token = d.decoder[size_t(id)];
        const auto *p = reinterpret_cast<const unsigned char *>(token.data());
        size_t pos = 0;
        while (pos < token.size()) {
            char32_t c;
            size_t len = detail::utf8Sequence(p + pos, token.size() - pos, &c);
            if (len == 0) {
                bytes += token[pos++];
                continue;
            }
            const int b = detail::unicodeToByte(c);
            if (b >= 0)
                bytes += char(b);
            else
                bytes.append(token, pos, len); // an added token's own text
            pos += len;
        }
    }
    std::string text = detail::decodeUtf8Replace(bytes);
    return cleanUpSpaces ? detail::cleanUpTokenization(std::move(text)) : text;
}

int64_t Gpt2Tokenizer::tokenId(const std::string &token) const
{
    const auto it = m_data->encoder.find(token);
    return it == m_data->encoder.end() ? -1 : it->second;
}

std::string Gpt2Tokenizer::tokenString(int64_t id) const
{
    if (id < 0 || size_t(id) >= m_data->decoder.size())
        return {};
    return m_data->decoder[size_t(id)];
}

int64_t Gpt2Tokenizer::eosId() const { return m_data->eos; }
int64_t Gpt2Tokenizer::vocabSize() const { return int64_t(m_data->decoder.size()); }
size_t Gpt2Tokenizer::mergeCount() const { return m_data->merges.size(); }
bool Gpt2Tokenizer::isSpecial(int64_t id) const { return m_data->specialIds.count(id) != 0; }
const std::vector<std::string> &Gpt2Tokenizer::specialTokens() const { return m_data->specials; }
const std::vector<Gpt2Tokenizer::Merge> &Gpt2Tokenizer::merges() const { return m_data->merges; }

Status Gpt2Tokenizer::save(const std::string &dir) const
{
    const Data &d = *m_data;
    if (!detail::dirExists(dir) && ::mkdir(dir.c_str(), 0755) != 0)
        return makeError("Cannot create the tokenizer directory", dir);
    // HF writes json.dumps(encoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n";
    // nlohmann's object is key-sorted by bytes, which is code point order for UTF-8.
    nlohmann::json vocab = nlohmann::json::object();
    for (const auto &[token, id] : d.encoder)
        vocab[token] = id;
    if (Status s = detail::writeFileAtomically(detail::joinPath(dir, "vocab.json"), vocab.dump(2) + "\n"); !s)
        return s;
    std::string merges = "#version: 0.2\n";
    for (const Merge &m : d.merges)
        merges += m.first + " " + m.second + "\n";
    if (Status s = detail::writeFileAtomically(detail::joinPath(dir, "merges.txt"), merges); !s)
        return s;
    nlohmann::json specialMap = nlohmann::json::object();
    nlohmann::json config = {{"tokenizer_class", "GPT2Tokenizer"}, {"add_prefix_space", false},
                             {"errors", "replace"},               {"clean_up_tokenization_spaces", false},
                             {"model_max_length", 1024}};
    if (d.eos >= 0) {
        for (const char *key : {"bos_token", "eos_token", "unk_token"}) {
            specialMap[key] = "<|endoftext|>";
            config[key] = "<|endoftext|>";
        }
    }
    if (Status s = detail::writeFileAtomically(detail::joinPath(dir, "special_tokens_map.json"), specialMap.dump(2) + "\n"); !s)
        return s;
    return detail::writeFileAtomically(detail::joinPath(dir, "tokenizer_config.json"), config.dump(2) + "\n");
}

} // namespace satgpt::ml
