// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Training and evaluation data sets: caption, VQA, classification and COCO-detection counting
// questions, read from the layouts documented in docs/datasets.md. Standard library and
// nlohmann-json only (no torch, no Qt). Samples carry an image *path* (plus an optional pixel
// region); decoding is the caller's business through an ImageLoader callback, because core/ml
// cannot link Qt or GDAL (the CLI supplies one built on QImage and RasterDataset).

#include "core/base/result.h"
#include "core/ml/visionlanguagemodel.h" // ImageRGB8, questionPrompt()

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace satgpt::ml {

/// Text is language-model pretraining of the decoder on caption text without images; Mix trains
/// every recognised set under one or more folders at once, each sample with its own kind.
enum class TaskKind { Caption, Vqa, Classify, Text, Mix };

/// "caption" | "vqa" | "classify" | "text" | "mix" (also "classification", "count" -> Vqa, "lm" -> Text).
std::optional<TaskKind> taskFromString(const std::string &name);
std::string taskToString(TaskKind task);

/// Pixel rectangle inside an image (crop before resizing).
struct ImageRegion
{
    int64_t x = 0, y = 0, width = 0, height = 0;
};

/// Decodes `path` (cropping to `region` when given). Must be callable from several loader
/// threads at once.
using ImageLoader = std::function<Result<ImageRGB8>(const std::string &path, const std::optional<ImageRegion> &region)>;

/// One training example. For captions `targets` holds every reference caption (training picks
/// one per epoch, evaluation scores against all); for VQA and counting `question` is set and
/// `targets` holds the answer; for classification `label` indexes Dataset::classNames and
/// `targets` holds the class name (the model is trained to generate it).
struct Sample
{
    std::string id;
    std::string imagePath;
    std::optional<ImageRegion> region;
    std::string question;
    std::string questionType;
    std::vector<std::string> targets;
    int64_t label = -1;
    std::string split; ///< "train", "validation", "test" (normalised), or "" when the source has none
    TaskKind kind = TaskKind::Caption; ///< what this sample trains; set by every reader
};

struct Dataset
{
    TaskKind task = TaskKind::Caption;
    std::string root;
    std::string name;   ///< short source name (folder or file stem), used to prefix metrics in a mix
    std::string format; ///< which reader was used, e.g. "karpathy", "captions-map", "vqa-json", "labels-csv", "folders", "coco-count"
    std::vector<std::string> classNames;
    std::vector<Sample> samples;
};

/// How sets without a split are divided.
struct SplitOptions
{
    double validationFraction = 0.1;
    uint64_t seed = 42;
};

/// Reads the data set at `path` (a folder or a JSON/CSV file) for `task`; see docs/datasets.md
/// for the recognised layouts. Errors name the file and the reason.
Result<Dataset> loadDataset(const std::string &path, TaskKind task);

/// Mix: every data set found in `paths` (comma-separated folders or files; a folder is searched
/// itself and one level of sub-folders) for the caption, VQA, COCO-count and labels.csv layouts.
/// Classification sets are expanded for a vision-language model: each image gives a caption
/// sample (class-grounded captions from varied templates, one picked per epoch) and a scene
/// question ("what type of scene is this?" and rephrasings) answered with the class name. Sets
/// without images (text-only captions) are skipped here; they feed TaskKind::Text.
Result<std::vector<Dataset>> loadDataMix(const std::string &paths);

/// The class label as words: "DenseResidential" -> "dense residential", RSSCN7's "dRiverLake" -> "river lake".
std::string humanizeClassName(const std::string &label);
/// Class-grounded captions for a (humanized) class name, varied wording.
std::vector<std::string> classCaptions(const std::string &className);
/// The canonical scene question classification is asked (and evaluated) with, and rephrasings
/// training draws from.
std::string sceneQuestion();
const std::vector<std::string> &sceneQuestions();

/// The samples of one split: "train", "validation" or "test". Sets whose source has no split get
/// a seeded one (so do sets with train but no validation samples: validation is carved out of
/// train): samples are grouped by image, the image list is shuffled with a 64-bit
/// SplitMix generator seeded with `options.seed`, and the first ceil(fraction * images) images go
/// to validation, the rest to train; test is then empty. Test samples are never returned for
/// "train".
std::vector<Sample> selectSplit(const Dataset &dataset, const std::string &split, const SplitOptions &options = {});

/// Normalises split spellings: "val"/"valid"/"dev" -> "validation", "restval" -> "train".
std::string normalizeSplit(const std::string &split);

/// The VQA prompt the decoder is conditioned on: VisionLanguageModel::questionPrompt(), so
/// fine-tuned models answer in the format inference asks in.
std::string vqaPrompt(const std::string &question);

} // namespace satgpt::ml
