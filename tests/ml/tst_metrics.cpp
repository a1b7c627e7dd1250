// SPDX-License-Identifier: GPL-3.0-or-later
// Metrics against hand-computed values (the arithmetic is in the comments) and NLTK's documented
// corpus_bleu example.
#include "core/ml/metrics.h"

#include <QtTest>

#include <cmath>

using namespace satgpt::ml;

namespace {
Tokens toks(const char *s) { return tokenizeCaption(s); }
Tokens words(std::initializer_list<const char *> w)
{
    Tokens t;
    for (const char *s : w)
        t.emplace_back(s);
    return t;
}
} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokenizer()
    {
        QCOMPARE(tokenizeCaption("There is a piece of Farmland ."), words({"there", "is", "a", "piece", "of", "farmland"}));
        QCOMPARE(tokenizeCaption("  many,buildings;  and trees!"), words({"many", "buildings", "and", "trees"}));
        QCOMPARE(normalizeAnswer(" Yes. "), std::string("yes"));
    }

    void bleuHand()
    {
        // hyp "the cat sat on the mat", ref "the cat is on the mat" (both 6 words -> BP = exp(0) = 1)
        // p1: the(2, clipped 2) cat on mat = 5/6; p2: {the cat, on the, the mat} = 3/5;
        // p3: {on the mat} = 1/4; p4: 0/3.
        // BLEU-1 = 5/6, BLEU-2 = sqrt(5/6 * 3/5) = sqrt(1/2), BLEU-3 = cbrt(5/6*3/5*1/4) = cbrt(1/8) = 0.5,
        // BLEU-4 = 0 (a zero precision, no smoothing).
        const auto r = corpusBleu({toks("the cat sat on the mat")}, {{toks("the cat is on the mat")}});
        QVERIFY(std::fabs(r.bleu[0] - 5.0 / 6.0) < 1e-12);
        QVERIFY(std::fabs(r.bleu[1] - std::sqrt(0.5)) < 1e-12);
        QVERIFY(std::fabs(r.bleu[2] - 0.5) < 1e-12);
        QCOMPARE(r.bleu[3], 0.0);
        QCOMPARE(r.brevityPenalty, 1.0);

        // Brevity penalty: hyp "the cat" (c = 2); refs of length 6 and 4, the closest is 4:
        // BP = exp(1 - 4/2) = exp(-1); p1 = p2 = 1 -> BLEU-2 = exp(-1).
        const auto bp = corpusBleu({toks("the cat")}, {{toks("the cat sat on the mat"), toks("the cat is here")}});
        QCOMPARE(bp.referenceLength, int64_t(4));
        QVERIFY(std::fabs(bp.bleu[1] - std::exp(-1.0)) < 1e-12);

        // Tie in the closest reference length (2 and 4 around c = 3): the shorter, 2, so c > r, BP = 1.
        const auto tie = corpusBleu({toks("a b c")}, {{toks("a b"), toks("a b c d")}});
        QCOMPARE(tie.referenceLength, int64_t(2));
        QCOMPARE(tie.brevityPenalty, 1.0);
    }

    void bleuNltkExample()
    {
        // The example in NLTK's nltk.translate.bleu_score.corpus_bleu docstring (case-sensitive
        // tokens, so passed as tokens): corpus_bleu(list_of_references, hypotheses) = 0.5920...
        const Tokens hyp1 = words({"It", "is", "a", "guide", "to", "action", "which", "ensures", "that", "the", "military",
                                   "always", "obeys", "the", "commands", "of", "the", "party"});
        const Tokens ref1a = words({"It", "is", "a", "guide", "to", "action", "that", "ensures", "that", "the", "military",
                                    "will", "forever", "heed", "Party", "commands"});
        const Tokens ref1b = words({"It", "is", "the", "guiding", "principle", "which", "guarantees", "the", "military",
                                    "forces", "always", "being", "under", "the", "command", "of", "the", "Party"});
        const Tokens ref1c = words({"It", "is", "the", "practical", "guide", "for", "the", "army", "always", "to", "heed",
                                    "the", "directions", "of", "the", "party"});
        const Tokens hyp2 = words({"he", "read", "the", "book", "because", "he", "was", "interested", "in", "world", "history"});
        const Tokens ref2a = words({"he", "was", "interested", "in", "world", "history", "because", "he", "read", "the", "book"});
        const auto r = corpusBleu({hyp1, hyp2}, {{ref1a, ref1b, ref1c}, {ref2a}});
        QVERIFY2(std::fabs(r.bleu[3] - 0.5920778868801042) < 1e-9, qPrintable(QString::number(r.bleu[3], 'g', 17)));
        // NLTK's sentence_bleu docstring: hyp1 against ref1a..c = 0.5045...
        const auto s = corpusBleu({hyp1}, {{ref1a, ref1b, ref1c}});
        QVERIFY2(std::fabs(s.bleu[3] - 0.5045666840058485) < 1e-9, qPrintable(QString::number(s.bleu[3], 'g', 17)));
    }

    void rougeHand()
    {
        // hyp "a b c d" vs ref "a c d e f": LCS = 3 (a c d), P = 3/4, R = 3/5,
        // F = (1 + 1.2^2) P R / (R + 1.2^2 P) = 2.44 * 0.45 / (0.6 + 1.08) = 1.098 / 1.68.
        const double r = rougeL(toks("a b c d"), {toks("a c d e f")});
        QVERIFY(std::fabs(r - 1.098 / 1.68) < 1e-12);
        // Max over references taken separately for P and R: refs "a b" (P = 2/4, R = 1) and
        // "a b c d e f g h" (P = 1, R = 4/8): Pmax = 1, Rmax = 1 -> F = 1.
        QVERIFY(std::fabs(rougeL(toks("a b c d"), {toks("a b"), toks("a b c d e f g h")}) - 1.0) < 1e-12);
        QCOMPARE(rougeL({}, {toks("a")}), 0.0);
    }

    void ciderHand()
    {
        // Two images. Image A: refs {"a b"}, image B: refs {"c d"}. #images = 2, so
        // idf(g) = log 2 - log(max(1, df(g))) = log 2 for every n-gram that occurs (df = 1) and for
        // unseen ones (max(1, 0) = 1).
        // Exact hypotheses: order 1 vectors (log2, log2) for both -> cosine 1; order 2 one bigram
        // -> 1; orders 3, 4 empty -> 0. Length penalty 1. Mean over orders 2/4, x10 = 5 per image.
        const auto exact = corpusCiderD({toks("a b"), toks("c d")}, {{toks("a b")}, {toks("c d")}});
        QVERIFY(std::fabs(exact.score - 5.0) < 1e-12);

        // Hypothesis for A "a c": order 1: h = (a: L, c: L), r = (a: L, b: L), L = log 2;
        // sum min(h, r) * r = L^2 (only "a"), |h||r| = 2 L^2 -> 1/2. Order 2: "a c" not in r -> 0.
        // -> (1/2)/4 * 10 = 1.25; image B stays 5 -> corpus mean 3.125.
        const auto partial = corpusCiderD({toks("a c"), toks("c d")}, {{toks("a b")}, {toks("c d")}});
        QVERIFY(std::fabs(partial.perImage[0] - 1.25) < 1e-12);
        QVERIFY(std::fabs(partial.score - 3.125) < 1e-12);

        // Length penalty and several references: image A refs {"a b", "a b e"}, hyp "a b";
        // image B as before. df: a, b, "a b" -> 1 (one count per image even if in both refs), e, "b e",
        // "a b e" -> 1; all idf = L.
        //  vs "a b": 5/10 * ... = order1 1, order2 1 -> sum 2, length delta 0.
        //  vs "a b e": order 1: h = (L, L), r = (L, L, L): dot 2L^2 / (sqrt2 L * sqrt3 L) = 2/sqrt6;
        //   order 2: h = ("a b": L), r = ("a b": L, "b e": L): L^2 / (L * sqrt2 L) = 1/sqrt2;
        //   lengths in bigrams 1 vs 2: penalty exp(-1/72).
        //  image A = 10 * (2 + (2/sqrt6 + 1/sqrt2) * exp(-1/72)) / 4 / 2.
        const auto multi = corpusCiderD({toks("a b"), toks("c d")}, {{toks("a b"), toks("a b e")}, {toks("c d")}});
        const double expectA = 10.0 * (2.0 + (2.0 / std::sqrt(6.0) + 1.0 / std::sqrt(2.0)) * std::exp(-1.0 / 72.0)) / 8.0;
        QVERIFY2(std::fabs(multi.perImage[0] - expectA) < 1e-12, qPrintable(QString::number(multi.perImage[0])));

        // One image: idf = log 1 - log 1 = 0 everywhere, so CIDEr-D is 0 by construction.
        QCOMPARE(corpusCiderD({toks("a b")}, {{toks("a b")}}).score, 0.0);
    }

    void captionBundle()
    {
        const auto m = evaluateCaptions({"The cat sat on the mat."}, {{"the cat is on the mat"}});
        QVERIFY(std::fabs(m.bleu[0] - 5.0 / 6.0) < 1e-12);
        QCOMPARE(m.count, int64_t(1));
    }

    void vqa()
    {
        // Exact match after normalisation: "Yes" == "yes" (1), "two" != "2" (0), "3" != "5" (0),
        // "farm land" != "farmland" (0): accuracy 1/4. Count MAE: |2 - 2| = 0, |3 - 5| = 2 -> 1.
        const auto m = evaluateVqa({"Yes", "two", "3", "farm land"}, {"yes", "2", "5", "farmland"},
                                   {"presence", "count", "count", "scene"});
        QCOMPARE(m.accuracy, 0.25);
        QCOMPARE(m.accuracyByType.at("presence"), 1.0);
        QCOMPARE(m.accuracyByType.at("count"), 0.0);
        QCOMPARE(m.countMaeSamples, int64_t(2));
        QCOMPARE(m.countMae, 1.0);
        QCOMPARE(parseCountAnswer("548"), 548.0);
        QCOMPARE(parseCountAnswer("Twelve"), 12.0);
        QCOMPARE(parseCountAnswer("many"), -1.0);
    }

    void classification()
    {
        // truth [0,0,1,1,2], pred [0,1,1,1,0]: confusion rows=truth: [1 1 0; 0 2 0; 1 0 0].
        // class 0: P = 1/2, R = 1/2, F = 1/2; class 1: P = 2/3, R = 1, F = 0.8; class 2: 0, 0, 0.
        // macro P = (0.5 + 2/3)/3, R = 1.5/3 = 0.5, F1 = 1.3/3; accuracy 3/5.
        const auto m = evaluateClassification({0, 1, 1, 1, 0}, {0, 0, 1, 1, 2}, 3);
        QCOMPARE(m.accuracy, 0.6);
        QVERIFY(std::fabs(m.macroPrecision - (0.5 + 2.0 / 3.0) / 3.0) < 1e-12);
        QVERIFY(std::fabs(m.macroRecall - 0.5) < 1e-12);
        QVERIFY(std::fabs(m.macroF1 - 1.3 / 3.0) < 1e-12);
        QCOMPARE(m.confusion[2][0], int64_t(1));
        QCOMPARE(m.confusion[0][1], int64_t(1));
        // A class absent from truth and predictions is not averaged (4 classes declared).
        const auto m4 = evaluateClassification({0, 1, 1, 1, 0}, {0, 0, 1, 1, 2}, 4);
        QVERIFY(std::fabs(m4.macroF1 - 1.3 / 3.0) < 1e-12);
    }

    void boxes()
    {
        // (0,0,10,10) vs (5,0,15,10): intersection 50, union 150 -> 1/3; identical pair -> 1.
        // mean IoU = 2/3, Pr@0.5 = 1/2.
        const auto m = evaluateBoxes({{0, 0, 10, 10}, {1, 1, 2, 2}}, {{5, 0, 15, 10}, {1, 1, 2, 2}});
        QVERIFY(std::fabs(m.meanIoU - 2.0 / 3.0) < 1e-12);
        QCOMPARE(m.precisionAt05, 0.5);
        QCOMPARE(boxIoU({0, 0, 1, 1}, {2, 2, 3, 3}), 0.0);
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
