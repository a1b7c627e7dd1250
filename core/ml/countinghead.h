// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Public, torch-free API of the counting heads: "how many <class>" answered by a density head on
// the ViT encoder's patch tokens, trained on the analyst's point (or box) annotations of that
// class, instead of by the text decoder. See docs/counting.md.

#include "core/base/result.h"
#include "core/ml/visionlanguagemodel.h" // ImageRGB8

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace satgpt::ml {

/// One training chip: a square image of the head's window size (scene pixels, full resolution
/// unless the caller chose otherwise) and the centre of every object of the class inside it, in
/// the chip's pixel coordinates (pixel-corner convention: the centre of the top-left pixel is
/// 0.5, 0.5). Every object in the chip must be listed: an unlisted one teaches the head to miss it.
struct CountSample
{
    ImageRGB8 image;
    std::vector<std::pair<double, double>> points;
};

struct CountTrainOptions
{
    std::string className;
    int epochs = 60;
    int batchSize = 16;
    double learningRate = 1e-3;
    double weightDecay = 1e-4;
    /// Encoder blocks fine-tuned with the head, counted from the last one (their final LayerNorm
    /// too). 0 keeps the encoder frozen (its tokens are computed once, so training is fast);
    /// -1 fine-tunes the whole encoder, embeddings included.
    int trainBlocks = 0;
    int subdivision = 4;        ///< density cells per patch side (the map is this much finer than the tokens)
    double sigmaCells = 1.0;    ///< Gaussian splat of each point, in density cells
    int headChannels = 128;     ///< width of the head's hidden layer
    bool augment = true;        ///< flips and 90-degree rotations (overhead imagery has no "up")
    double validationFraction = 0.2; ///< held out for the MAE written to head.json (none below 5 chips)
    double scenePixelsPerImagePixel = 1.0; ///< ground scale of the chips, kept so counting uses the same
    uint64_t seed = 1;
    int threads = 0;            ///< torch intra-op threads; 0 leaves the setting alone
};

struct CountTrainProgress
{
    int epoch = 0;          ///< 1-based, the epoch just finished
    int epochs = 0;
    double loss = 0.0;      ///< mean training loss of that epoch
    double fraction = 0.0;  ///< 0..1 over the whole run (feature caching included)
    std::string stage;      ///< "features", "training", "validation"
};
/// Return false to cancel (checked between batches); training then returns an error whose
/// message is "canceled" and writes nothing.
using CountTrainCallback = std::function<bool(const CountTrainProgress &)>;

struct CountTrainReport
{
    std::string headDir;
    int trainingChips = 0;
    int validationChips = 0;
    double validationMae = -1.0;      ///< |round(estimate) - truth| mean on the held-out chips; -1 without any
    double validationMaeRaw = -1.0;   ///< |estimate - truth| mean (no rounding)
    double finalLoss = 0.0;
    double seconds = 0.0;
};

/// One counted object, in the pixel coordinates of the image given to count().
struct CountedObject
{
    double x = 0.0;
    double y = 0.0;
    double mass = 0.0; ///< density summed around the peak (about 1 for one object)
};

struct CountResult
{
    int count = 0;             ///< round(estimate); objects.size() == count except where peaks merged
    double estimate = 0.0;     ///< the density map's sum
    std::vector<CountedObject> objects;
    std::string method = "counting-head";
    std::string className;
    std::string headDir;
    double validationMae = -1.0; ///< from training (head.json); -1 when unknown
    int windows = 0;           ///< model-sized windows the image was tiled into
    /// Density cells of the whole image (row-major, densityWidth x densityHeight), each covering
    /// cellSize x cellSize image pixels; for an overlay.
    std::vector<float> density;
    int densityWidth = 0;
    int densityHeight = 0;
    double cellSize = 0.0;
};

struct CountOptions
{
    /// Ground scale of the image given to count(): scene pixels per image pixel (a region
    /// rendered at full resolution is 1). The image is resampled to the scale the head was
    /// trained at, and the objects are returned in the given image's pixels.
    double scenePixelsPerImagePixel = 1.0;
    int batchSize = 8;
};

/// Fraction 0..1 of the windows done; return false to cancel (checked between batches).
using CountProgressCallback = std::function<bool(double fraction)>;

/// What head.json says about a head, without loading anything heavy.
struct CounterInfo
{
    std::string className;
    std::string dir;
    std::string baseModelId;
    double validationMae = -1.0;
    int trainingChips = 0;
    int windowPixels = 0;
};

/**
 * A trained counting head with its encoder (the base model's ViT plus any fine-tuned blocks the
 * head folder carries). load() and count() take from milliseconds (tiny models) to seconds;
 * run them on a worker thread, never the GUI thread. One instance runs one call at a time; it
 * may be moved between threads but not used from two at once. Nothing here throws.
 */
class CountingHead final
{
public:
    /// `headDir`: head.json + head.safetensors. The base model is found through head.json
    /// (relative path, then absolute path) unless `modelDir` is given; its encoder must hash to
    /// the value recorded at training, else the head's features would be meaningless.
    static Result<std::unique_ptr<CountingHead>> load(const std::string &headDir, const std::string &modelDir = {});
    ~CountingHead();
    CountingHead(const CountingHead &) = delete;
    CountingHead &operator=(const CountingHead &) = delete;

    const CounterInfo &info() const;
    /// Tiles `image` into windows of the head's window size (at the trained ground scale; the
    /// last row/column is padded with black), sums the density of every window and returns the
    /// density peaks as object positions.
    Result<CountResult> count(const ImageRGB8 &image, const CountOptions &options = {},
                              const CountProgressCallback &progress = {});

private:
    CountingHead();
    struct Private;
    std::unique_ptr<Private> d;
};

/// Trains a head for `options.className` on `samples` (all square and of one size, which becomes
/// the head's window) on top of the ViT encoder of `modelDir` (an HF VisionEncoderDecoder or ViT
/// folder) and writes head.json + head.safetensors into `outDir` (replaced atomically).
Result<CountTrainReport> trainCountingHead(const std::string &modelDir, const std::vector<CountSample> &samples,
                                           const CountTrainOptions &options, const std::string &outDir,
                                           const CountTrainCallback &progress = {});

/// Where the head for `className` of the model in `modelDir` lives by convention:
/// `<modelDir>/counting/<slug>` (slug: lower case, letters, digits, '-', '_').
std::string counterDir(const std::string &modelDir, const std::string &className);
/// Heads in `<modelDir>/counting/*/head.json`, sorted by class name (unreadable ones skipped).
std::vector<CounterInfo> availableCounterInfos(const std::string &modelDir);
/// Class names of availableCounterInfos().
std::vector<std::string> availableCounters(const std::string &modelDir);
/// The head folder whose class `question` asks to count ("how many cars ...", "count the
/// ships", "number of storage tanks"): a counting question that names a class with a head,
/// matched case-insensitively with simple English plurals. nullopt otherwise.
std::optional<CounterInfo> counterForQuestion(const std::string &modelDir, const std::string &question);
/// Loads the head and counts in one call (for one-off use; keep a CountingHead to count often).
Result<CountResult> countObjects(const std::string &headDir, const ImageRGB8 &region, const CountOptions &options = {},
                                 const CountProgressCallback &progress = {});

} // namespace satgpt::ml
