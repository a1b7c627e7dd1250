// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/metrics.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace satgpt::ml {

namespace {

using NgramCounts = std::map<std::vector<std::string>, int64_t>;

NgramCounts ngrams(const Tokens &t, int n)
{
    NgramCounts counts;
    if (static_cast<int>(t.size()) < n)
        return counts;
    for (size_t i = 0; i + n <= t.size(); ++i)
        ++counts[std::vector<std::string>(t.begin() + i, t.begin() + i + n)];
    return counts;
}

/// All 1..maxN-grams at once (the CIDEr "cook" step).
NgramCounts allNgrams(const Tokens &t, int maxN)
{
    NgramCounts counts;
    for (int n = 1; n <= maxN; ++n)
        for (const auto &kv : ngrams(t, n))
            counts[kv.first] += kv.second;
    return counts;
}

int64_t lcsLength(const Tokens &a, const Tokens &b)
{
    std::vector<int64_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

} // namespace

Tokens tokenizeCaption(const std::string &text)
{
    Tokens out;
    std::string cur;
    for (unsigned char c : text) {
        if (std::isspace(c) || std::ispunct(c)) {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur.push_back(static_cast<char>(std::tolower(c)));
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

std::string normalizeAnswer(const std::string &text)
{
    std::string s;
    for (const auto &t : tokenizeCaption(text)) {
        if (!s.empty())
            s += ' ';
        s += t;
    }
    return s;
}

BleuResult corpusBleu(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references)
{
    BleuResult r;
    int64_t matched[4] = {0, 0, 0, 0}, total[4] = {0, 0, 0, 0};
    const size_t n = std::min(hypotheses.size(), references.size());
    for (size_t i = 0; i < n; ++i) {
        const Tokens &hyp = hypotheses[i];
        const auto hypLen = static_cast<int64_t>(hyp.size());
        r.hypothesisLength += hypLen;
        // Closest reference length, the shorter on a tie (NLTK closest_ref_length).
        int64_t best = -1;
        for (const Tokens &ref : references[i]) {
            const auto len = static_cast<int64_t>(ref.size());
            if (best < 0 || std::llabs(len - hypLen) < std::llabs(best - hypLen)
                || (std::llabs(len - hypLen) == std::llabs(best - hypLen) && len < best))
                best = len;
        }
        r.referenceLength += std::max<int64_t>(best, 0);
        for (int order = 1; order <= 4; ++order) {
            const NgramCounts h = ngrams(hyp, order);
            NgramCounts maxRef;
            for (const Tokens &ref : references[i])
                for (const auto &kv : ngrams(ref, order))
                    maxRef[kv.first] = std::max(maxRef[kv.first], kv.second);
            for (const auto &kv : h) {
                total[order - 1] += kv.second;
                const auto it = maxRef.find(kv.first);
                if (it != maxRef.end())
                    matched[order - 1] += std::min(kv.second, it->second);
            }
        }
    }
    for (int k = 0; k < 4; ++k)
        r.precision[k] = total[k] > 0 ? double(matched[k]) / double(total[k]) : 0.0;
    if (r.hypothesisLength == 0)
        return r;
    r.brevityPenalty = r.hypothesisLength > r.referenceLength
        ? 1.0
        : std::exp(1.0 - double(r.referenceLength) / double(r.hypothesisLength));
    for (int order = 1; order <= 4; ++order) {
        double logSum = 0;
        bool zero = false;
        for (int k = 0; k < order; ++k) {
            if (matched[k] == 0) {
                zero = true;
                break;
            }
            logSum += std::log(r.precision[k]) / order;
        }
        r.bleu[order - 1] = zero ? 0.0 : r.brevityPenalty * std::exp(logSum);
    }
    return r;
}

double rougeL(const Tokens &hypothesis, const std::vector<Tokens> &references, double beta)
{
    if (hypothesis.empty())
        return 0.0;
    double precMax = 0, recMax = 0;
    for (const Tokens &ref : references) {
        if (ref.empty())
            continue;
        const double lcs = double(lcsLength(hypothesis, ref));
        precMax = std::max(precMax, lcs / double(hypothesis.size()));
        recMax = std::max(recMax, lcs / double(ref.size()));
    }
    if (precMax == 0 || recMax == 0)
        return 0.0;
    const double b2 = beta * beta;
    return ((1 + b2) * precMax * recMax) / (recMax + b2 * precMax);
}

double corpusRougeL(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references)
{
    const size_t n = std::min(hypotheses.size(), references.size());
    if (n == 0)
        return 0.0;
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += rougeL(hypotheses[i], references[i]);
    return sum / double(n);
}

CiderResult corpusCiderD(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references,
                         double sigma)
{
    constexpr int kN = 4;
    CiderResult result;
    const size_t n = std::min(hypotheses.size(), references.size());
    if (n == 0)
        return result;

    std::vector<std::vector<NgramCounts>> refCounts(n);
    std::map<std::vector<std::string>, double> df;
    for (size_t i = 0; i < n; ++i) {
        std::set<std::vector<std::string>> seen;
        for (const Tokens &ref : references[i]) {
            refCounts[i].push_back(allNgrams(ref, kN));
            for (const auto &kv : refCounts[i].back())
                seen.insert(kv.first);
        }
        for (const auto &g : seen)
            df[g] += 1.0;
    }
    const double refLen = std::log(double(n));

    struct Vec
    {
        std::map<std::vector<std::string>, double> v[kN];
        double norm[kN] = {0, 0, 0, 0};
        int64_t length = 0;
    };
    const auto toVec = [&](const NgramCounts &counts) {
        Vec out;
        for (const auto &kv : counts) {
            const auto it = df.find(kv.first);
            const double d = std::log(std::max(1.0, it == df.end() ? 0.0 : it->second));
            const size_t order = kv.first.size() - 1;
            const double value = double(kv.second) * (refLen - d);
            out.v[order][kv.first] = value;
            out.norm[order] += value * value;
            // The reference code counts bigrams as the "length" (its n == 1 is the bigram index).
            if (order == 1)
                out.length += kv.second;
        }
        for (double &x : out.norm)
            x = std::sqrt(x);
        return out;
    };
    const auto sim = [&](const Vec &h, const Vec &r) {
        const double delta = double(h.length - r.length);
        std::array<double, kN> val{0, 0, 0, 0};
        for (int k = 0; k < kN; ++k) {
            for (const auto &kv : h.v[k]) {
                const auto it = r.v[k].find(kv.first);
                if (it != r.v[k].end())
                    val[k] += std::min(kv.second, it->second) * it->second;
            }
            if (h.norm[k] != 0 && r.norm[k] != 0)
                val[k] /= h.norm[k] * r.norm[k];
            val[k] *= std::exp(-(delta * delta) / (2 * sigma * sigma));
        }
        return val;
    };

    double total = 0;
    for (size_t i = 0; i < n; ++i) {
        const Vec h = toVec(allNgrams(hypotheses[i], kN));
        double score[kN] = {0, 0, 0, 0};
        for (const auto &rc : refCounts[i]) {
            const Vec r = toVec(rc);
            const auto s = sim(h, r);
            for (int k = 0; k < kN; ++k)
                score[k] += s[k];
        }
        double avg = (score[0] + score[1] + score[2] + score[3]) / kN;
        if (!refCounts[i].empty())
            avg /= double(refCounts[i].size());
        avg *= 10.0;
        result.perImage.push_back(avg);
        total += avg;
    }
    result.score = total / double(n);
    return result;
}

CaptionMetrics evaluateCaptions(const std::vector<std::string> &hypotheses,
                                const std::vector<std::vector<std::string>> &references)
{
    CaptionMetrics m;
    const size_t n = std::min(hypotheses.size(), references.size());
    std::vector<Tokens> hyp;
    std::vector<std::vector<Tokens>> refs;
    for (size_t i = 0; i < n; ++i) {
        hyp.push_back(tokenizeCaption(hypotheses[i]));
        refs.emplace_back();
        for (const auto &r : references[i])
            refs.back().push_back(tokenizeCaption(r));
    }
    const BleuResult b = corpusBleu(hyp, refs);
    for (int k = 0; k < 4; ++k)
        m.bleu[k] = b.bleu[k];
    m.rougeL = corpusRougeL(hyp, refs);
    m.ciderD = corpusCiderD(hyp, refs).score;
    m.count = static_cast<int64_t>(n);
    return m;
}

double parseCountAnswer(const std::string &answer)
{
    static const char *kWords[] = {"zero", "one", "two", "three", "four", "five", "six",
                                   "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
                                   "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                                   "nineteen", "twenty"};
    const std::string a = normalizeAnswer(answer);
    if (a.empty())
        return -1;
    if (std::all_of(a.begin(), a.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::strtod(a.c_str(), nullptr);
    for (int i = 0; i <= 20; ++i)
        if (a == kWords[i])
            return i;
    return -1;
}

VqaMetrics evaluateVqa(const std::vector<std::string> &predictions, const std::vector<std::string> &answers,
                       const std::vector<std::string> &types)
{
    VqaMetrics m;
    const size_t n = std::min(predictions.size(), answers.size());
    std::map<std::string, int64_t> correctByType;
    int64_t correct = 0;
    double absErr = 0;
    for (size_t i = 0; i < n; ++i) {
        const std::string type = i < types.size() ? types[i] : std::string();
        const bool ok = normalizeAnswer(predictions[i]) == normalizeAnswer(answers[i]);
        correct += ok;
        correctByType[type] += ok;
        ++m.countByType[type];
        if (type == "count") {
            const double truth = parseCountAnswer(answers[i]);
            if (truth >= 0) {
                const double pred = std::max(0.0, parseCountAnswer(predictions[i]));
                absErr += std::fabs(pred - truth);
                ++m.countMaeSamples;
            }
        }
    }
    m.count = static_cast<int64_t>(n);
    m.accuracy = n ? double(correct) / double(n) : 0.0;
    for (const auto &kv : m.countByType)
        m.accuracyByType[kv.first] = double(correctByType[kv.first]) / double(kv.second);
    m.countMae = m.countMaeSamples ? absErr / double(m.countMaeSamples) : 0.0;
    return m;
}

ClassificationMetrics evaluateClassification(const std::vector<int64_t> &predictions,
                                             const std::vector<int64_t> &truth, int64_t numClasses)
{
    ClassificationMetrics m;
    const size_t n = std::min(predictions.size(), truth.size());
    int64_t k = numClasses;
    for (size_t i = 0; i < n; ++i)
        k = std::max({k, predictions[i] + 1, truth[i] + 1});
    m.confusion.assign(size_t(k), std::vector<int64_t>(size_t(k), 0));
    int64_t correct = 0;
    for (size_t i = 0; i < n; ++i) {
        if (predictions[i] < 0 || truth[i] < 0)
            continue;
        ++m.confusion[size_t(truth[i])][size_t(predictions[i])];
        correct += predictions[i] == truth[i];
    }
    m.count = static_cast<int64_t>(n);
    m.accuracy = n ? double(correct) / double(n) : 0.0;
    m.precision.assign(size_t(k), 0.0);
    m.recall.assign(size_t(k), 0.0);
    m.f1.assign(size_t(k), 0.0);
    int64_t present = 0;
    for (int64_t c = 0; c < k; ++c) {
        int64_t tp = m.confusion[c][c], predicted = 0, actual = 0;
        for (int64_t o = 0; o < k; ++o) {
            predicted += m.confusion[o][c];
            actual += m.confusion[c][o];
        }
        const double p = predicted ? double(tp) / double(predicted) : 0.0;
        const double r = actual ? double(tp) / double(actual) : 0.0;
        m.precision[c] = p;
        m.recall[c] = r;
        m.f1[c] = (p + r) > 0 ? 2 * p * r / (p + r) : 0.0;
        if (predicted || actual) {
            ++present;
            m.macroPrecision += p;
            m.macroRecall += r;
            m.macroF1 += m.f1[c];
        }
    }
    if (present) {
        m.macroPrecision /= double(present);
        m.macroRecall /= double(present);
        m.macroF1 /= double(present);
    }
    return m;
}

double boxIoU(const Box &a, const Box &b)
{
    const double iw = std::max(0.0, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
    const double ih = std::max(0.0, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
    const double inter = iw * ih;
    const double uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
    return uni > 0 ? inter / uni : 0.0;
}

BoxMetrics evaluateBoxes(const std::vector<Box> &predictions, const std::vector<Box> &truth)
{
    BoxMetrics m;
    const size_t n = std::min(predictions.size(), truth.size());
    int64_t hits = 0;
    for (size_t i = 0; i < n; ++i) {
        const double iou = boxIoU(predictions[i], truth[i]);
        m.meanIoU += iou;
        hits += iou >= 0.5;
    }
    m.count = static_cast<int64_t>(n);
    if (n) {
        m.meanIoU /= double(n);
        m.precisionAt05 = double(hits) / double(n);
    }
    return m;
}

} // namespace satgpt::ml
