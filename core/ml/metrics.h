// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Evaluation metrics for captioning, VQA, classification and grounding. Standard library only
// (no torch, no Qt), so the GUI, the CLI and the trainer share one implementation.
//
// Caption text is compared after tokenizeCaption(): lower-case (ASCII), every ASCII punctuation
// character replaced by a space, split on whitespace. This is what the COCO caption evaluation's
// PTB tokenizer does for the sentences in our data sets (which only carry ASCII punctuation);
// unlike PTB it does not split clitics ("don't" -> "don t"), which does not occur in
// remote-sensing captions.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace satgpt::ml {

using Tokens = std::vector<std::string>;

/// Lower-case, strip ASCII punctuation, split on whitespace (see the file comment).
Tokens tokenizeCaption(const std::string &text);
/// tokenizeCaption() joined with single spaces: the canonical form of an answer for exact match.
std::string normalizeAnswer(const std::string &text);

/// Corpus-level BLEU as NLTK's corpus_bleu (no smoothing) and sacrebleu compute it: clipped
/// n-gram counts and hypothesis n-gram counts are summed over the corpus before dividing; the
/// brevity penalty uses, per hypothesis, the reference length closest to the hypothesis length
/// (the shorter one on a tie). BLEU-n uses uniform weights 1/n over orders 1..n; it is 0 when
/// any of those precisions is 0 (NLTK's behaviour without smoothing).
struct BleuResult
{
    double bleu[4] = {0, 0, 0, 0};   ///< BLEU-1 .. BLEU-4 in [0, 1]
    double precision[4] = {0, 0, 0, 0}; ///< modified n-gram precisions p1..p4
    double brevityPenalty = 0;
    int64_t hypothesisLength = 0;
    int64_t referenceLength = 0;
};
BleuResult corpusBleu(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references);

/// ROUGE-L as the COCO caption evaluation (rouge.py): per hypothesis, LCS precision and recall
/// against each reference, the maxima over references combined as an F-measure with beta = 1.2;
/// the corpus score is the mean over hypotheses.
double rougeL(const Tokens &hypothesis, const std::vector<Tokens> &references, double beta = 1.2);
double corpusRougeL(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references);

/// CIDEr-D as the COCO caption evaluation (cider_scorer.py): TF-IDF vectors of 1..4-grams with
/// document frequencies counted over the reference sets of the evaluated images (one count per
/// image), idf = log(#images) - log(max(1, df)); per order the clipped cosine
/// sum(min(h, r) * r) / (|h||r|) times the Gaussian length penalty exp(-(lh - lr)^2 / (2 sigma^2))
/// (lengths counted in bigrams, as the reference code does); orders averaged, averaged over
/// references, times 10; the corpus score is the mean over images.
struct CiderResult
{
    double score = 0;
    std::vector<double> perImage;
};
CiderResult corpusCiderD(const std::vector<Tokens> &hypotheses, const std::vector<std::vector<Tokens>> &references,
                         double sigma = 6.0);

/// All caption metrics at once from raw strings (tokenised with tokenizeCaption()).
struct CaptionMetrics
{
    double bleu[4] = {0, 0, 0, 0};
    double rougeL = 0;
    double ciderD = 0;
    int64_t count = 0;
};
CaptionMetrics evaluateCaptions(const std::vector<std::string> &hypotheses,
                                const std::vector<std::vector<std::string>> &references);

/// Answers compared after normalizeAnswer(). Counting questions (type "count") also get the mean
/// absolute error between the numbers the answers denote: digits or English number words up to
/// twenty ("three" == 3); a prediction that is no number counts as 0, a reference that is no
/// number leaves the question out of the MAE.
struct VqaMetrics
{
    double accuracy = 0;
    int64_t count = 0;
    std::map<std::string, double> accuracyByType;
    std::map<std::string, int64_t> countByType;
    double countMae = 0;
    int64_t countMaeSamples = 0;
};
VqaMetrics evaluateVqa(const std::vector<std::string> &predictions, const std::vector<std::string> &answers,
                       const std::vector<std::string> &types);
/// The number an answer denotes (see VqaMetrics), or -1 when it is none.
double parseCountAnswer(const std::string &answer);

/// Single-label classification. Labels are class indices in [0, numClasses). Macro averages run
/// over the classes that occur in the truth or the predictions (scikit-learn's default label
/// set); a precision or recall with a zero denominator is 0 (zero_division=0).
struct ClassificationMetrics
{
    double accuracy = 0;
    double macroPrecision = 0;
    double macroRecall = 0;
    double macroF1 = 0;
    int64_t count = 0;
    std::vector<std::vector<int64_t>> confusion; ///< [truth][prediction]
    std::vector<double> precision, recall, f1;   ///< per class
};
ClassificationMetrics evaluateClassification(const std::vector<int64_t> &predictions,
                                             const std::vector<int64_t> &truth, int64_t numClasses);

/// Axis-aligned box in pixels, corners (x0, y0) - (x1, y1) with x1 >= x0, y1 >= y0.
struct Box
{
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
double boxIoU(const Box &a, const Box &b);
/// One predicted box per ground-truth box (grounding): mean IoU and the share with IoU >= 0.5.
struct BoxMetrics
{
    double meanIoU = 0;
    double precisionAt05 = 0;
    int64_t count = 0;
};
BoxMetrics evaluateBoxes(const std::vector<Box> &predictions, const std::vector<Box> &truth);

} // namespace satgpt::ml
