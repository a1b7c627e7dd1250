// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/datasets.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace satgpt::ml {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

Result<nlohmann::json> readJson(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError("cannot open the file", path.string());
    try {
        return nlohmann::json::parse(in);
    } catch (const std::exception &e) {
        return makeError("not valid JSON", path.string(), e.what());
    }
}

/// RFC-4180-ish: quoted fields with doubled quotes; no embedded newlines (none in our sets).
std::vector<std::string> splitCsvLine(const std::string &line)
{
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

Result<std::vector<std::map<std::string, std::string>>> readCsv(const fs::path &path)
{
    std::ifstream in(path);
    if (!in)
        return makeError("cannot open the file", path.string());
    std::string line;
    if (!std::getline(in, line))
        return makeError("the CSV file is empty", path.string());
    const auto header = splitCsvLine(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r")
            continue;
        const auto fields = splitCsvLine(line);
        std::map<std::string, std::string> row;
        for (size_t i = 0; i < header.size() && i < fields.size(); ++i)
            row[lower(header[i])] = fields[i];
        rows.push_back(std::move(row));
    }
    return rows;
}

bool isImageFile(const fs::path &p)
{
    static const std::set<std::string> kExt = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"};
    return kExt.count(lower(p.extension().string())) != 0;
}

/// The image file for `name`: tried under root/images/<sub>, root/<sub>, root/images, root.
std::string resolveImage(const fs::path &root, const std::string &name, const std::string &sub = {})
{
    std::vector<fs::path> candidates;
    if (!sub.empty()) {
        candidates.push_back(root / "images" / sub / name);
        candidates.push_back(root / sub / name);
    }
    candidates.push_back(root / "images" / name);
    candidates.push_back(root / name);
    for (const auto &c : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec))
            return c.lexically_normal().string();
    }
    return (root / "images" / (sub.empty() ? name : sub + "/" + name)).lexically_normal().string();
}

std::string jsonString(const nlohmann::json &j, const char *key)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    return it->dump();
}

/// Karpathy-style {"images":[{"filename","filepath","split","sentences":[{"raw"}]}]}.
Result<Dataset> readKarpathy(const fs::path &file, const nlohmann::json &j)
{
    Dataset d;
    d.task = TaskKind::Caption;
    d.format = "karpathy";
    d.root = file.parent_path().string();
    if (!j.contains("images") || !j["images"].is_array())
        return makeError("not a Karpathy-style caption file: no \"images\" array", file.string());
    for (const auto &img : j["images"]) {
        Sample s;
        const std::string name = jsonString(img, "filename");
        if (name.empty())
            return makeError("an image entry has no \"filename\"", file.string());
        s.id = name;
        s.imagePath = resolveImage(file.parent_path(), name, jsonString(img, "filepath"));
        s.split = normalizeSplit(jsonString(img, "split"));
        if (img.contains("sentences") && img["sentences"].is_array())
            for (const auto &sent : img["sentences"]) {
                std::string raw = jsonString(sent, "raw");
                if (raw.empty() && sent.contains("tokens") && sent["tokens"].is_array()) {
                    for (const auto &t : sent["tokens"])
                        raw += (raw.empty() ? "" : " ") + t.get<std::string>();
                }
                if (!raw.empty())
                    s.targets.push_back(raw);
            }
        if (!s.targets.empty())
            d.samples.push_back(std::move(s));
    }
    return d;
}

/// {"image.tif": ["caption", ...]} with an optional images.csv beside it giving the split
/// (column `split`, else `original_split`).
Result<Dataset> readCaptionMap(const fs::path &file, const nlohmann::json &j)
{
    Dataset d;
    d.task = TaskKind::Caption;
    d.format = "captions-map";
    d.root = file.parent_path().string();
    std::map<std::string, std::string> splits;
    const fs::path csv = file.parent_path() / "images.csv";
    std::error_code ec;
    if (fs::exists(csv, ec)) {
        auto rows = readCsv(csv);
        if (!rows)
            return rows.error();
        for (const auto &row : rows.value()) {
            const auto it = row.find("image");
            if (it == row.end())
                continue;
            auto sp = row.find("split");
            if (sp == row.end())
                sp = row.find("original_split");
            if (sp != row.end())
                splits[it->second] = normalizeSplit(sp->second);
        }
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_array())
            return makeError("expected a list of captions for \"" + it.key() + "\"", file.string());
        Sample s;
        s.id = it.key();
        s.imagePath = resolveImage(file.parent_path(), it.key());
        s.split = splits.count(it.key()) ? splits[it.key()] : std::string();
        for (const auto &c : it.value())
            if (c.is_string())
                s.targets.push_back(c.get<std::string>());
        if (!s.targets.empty())
            d.samples.push_back(std::move(s));
    }
    return d;
}

/// [{image, question, answer, type, split?}].
Result<Dataset> readVqa(const fs::path &file, const nlohmann::json &j)
{
    Dataset d;
    d.task = TaskKind::Vqa;
    d.format = "vqa-json";
    d.root = file.parent_path().string();
    const nlohmann::json *list = &j;
    if (j.is_object() && j.contains("questions"))
        list = &j["questions"];
    if (!list->is_array())
        return makeError("not a VQA file: expected a list of {image, question, answer}", file.string());
    int64_t index = 0;
    for (const auto &q : *list) {
        Sample s;
        const std::string image = jsonString(q, "image");
        s.question = jsonString(q, "question");
        const std::string answer = jsonString(q, "answer");
        if (image.empty() || s.question.empty() || answer.empty())
            return makeError("entry " + std::to_string(index) + " lacks image, question or answer", file.string());
        s.id = image + "#" + std::to_string(index++);
        s.imagePath = resolveImage(file.parent_path(), image);
        s.targets = {answer};
        s.questionType = jsonString(q, "type");
        s.split = normalizeSplit(jsonString(q, "split"));
        d.samples.push_back(std::move(s));
    }
    return d;
}

/// COCO detection -> one counting question per image and category ("how many ship are there?").
Result<Dataset> readCocoCounts(const fs::path &file, const nlohmann::json &j)
{
    Dataset d;
    d.task = TaskKind::Vqa;
    d.format = "coco-count";
    d.root = file.parent_path().string();
    if (!j.contains("images") || !j.contains("annotations") || !j.contains("categories"))
        return makeError("not a COCO detection file (images, annotations, categories)", file.string());
    std::map<int64_t, std::string> categories;
    for (const auto &c : j["categories"])
        categories[c.value("id", int64_t(-1))] = jsonString(c, "name");
    std::map<int64_t, std::map<int64_t, int64_t>> counts; // image -> category -> count
    for (const auto &a : j["annotations"])
        ++counts[a.value("image_id", int64_t(-1))][a.value("category_id", int64_t(-1))];
    for (const auto &img : j["images"]) {
        const int64_t id = img.value("id", int64_t(-1));
        const std::string name = jsonString(img, "file_name");
        for (const auto &cat : categories) {
            Sample s;
            s.id = name + "#" + cat.second;
            s.imagePath = resolveImage(file.parent_path(), name);
            std::string label = cat.second;
            std::replace(label.begin(), label.end(), '-', ' ');
            s.question = "how many " + label + " are there?";
            s.questionType = "count";
            s.targets = {std::to_string(counts[id][cat.first])};
            s.split = normalizeSplit(jsonString(img, "split"));
            d.samples.push_back(std::move(s));
        }
    }
    return d;
}

/// labels.csv (file,label[,split]) beside the images.
Result<Dataset> readLabelsCsv(const fs::path &file)
{
    Dataset d;
    d.task = TaskKind::Classify;
    d.format = "labels-csv";
    d.root = file.parent_path().string();
    auto rows = readCsv(file);
    if (!rows)
        return rows.error();
    std::set<std::string> names;
    for (const auto &row : rows.value()) {
        const auto f = row.find("file"), l = row.find("label");
        if (f == row.end() || l == row.end())
            return makeError("labels CSV needs the columns file and label", file.string());
        names.insert(l->second);
    }
    d.classNames.assign(names.begin(), names.end());
    for (const auto &row : rows.value()) {
        Sample s;
        s.id = row.at("file");
        s.imagePath = (file.parent_path() / row.at("file")).lexically_normal().string();
        const auto it = std::find(d.classNames.begin(), d.classNames.end(), row.at("label"));
        s.label = it - d.classNames.begin();
        s.targets = {row.at("label")};
        const auto sp = row.find("split");
        s.split = sp == row.end() ? std::string() : normalizeSplit(sp->second);
        d.samples.push_back(std::move(s));
    }
    return d;
}

/// One sub-folder per class (under root/images/ or root/); no split.
Result<Dataset> readClassFolders(const fs::path &root)
{
    Dataset d;
    d.task = TaskKind::Classify;
    d.format = "folders";
    d.root = root.string();
    std::error_code ec;
    const fs::path base = fs::is_directory(root / "images", ec) ? root / "images" : root;
    std::vector<std::string> classes;
    for (const auto &e : fs::directory_iterator(base, ec))
        if (e.is_directory())
            classes.push_back(e.path().filename().string());
    std::sort(classes.begin(), classes.end());
    d.classNames = classes;
    for (size_t c = 0; c < classes.size(); ++c) {
        std::vector<fs::path> files;
        for (const auto &e : fs::directory_iterator(base / classes[c], ec))
            if (e.is_regular_file() && isImageFile(e.path()))
                files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto &f : files) {
            Sample s;
            s.id = classes[c] + "/" + f.filename().string();
            s.imagePath = f.lexically_normal().string();
            s.label = int64_t(c);
            s.targets = {classes[c]};
            d.samples.push_back(std::move(s));
        }
    }
    if (d.samples.empty())
        return makeError("no class folders with images found", root.string());
    return d;
}

Result<Dataset> readJsonForTask(const fs::path &file, TaskKind task)
{
    auto j = readJson(file);
    if (!j)
        return j.error();
    const auto &v = j.value();
    if (v.is_object() && v.contains("annotations") && v.contains("categories"))
        return readCocoCounts(file, v);
    if (v.is_object() && v.contains("images") && v["images"].is_array())
        return readKarpathy(file, v);
    if (v.is_array() || (v.is_object() && v.contains("questions")))
        return readVqa(file, v);
    if (v.is_object())
        return readCaptionMap(file, v);
    return makeError("unrecognised data set file", file.string());
}

uint64_t splitMix(uint64_t &state)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

} // namespace

std::optional<TaskKind> taskFromString(const std::string &name)
{
    const std::string n = lower(name);
    if (n == "caption" || n == "captioning")
        return TaskKind::Caption;
    if (n == "vqa" || n == "count" || n == "counting")
        return TaskKind::Vqa;
    if (n == "classify" || n == "classification")
        return TaskKind::Classify;
    return std::nullopt;
}

std::string taskToString(TaskKind task)
{
    switch (task) {
    case TaskKind::Caption: return "caption";
    case TaskKind::Vqa: return "vqa";
    case TaskKind::Classify: return "classify";
    }
    return "caption";
}

std::string normalizeSplit(const std::string &split)
{
    const std::string s = lower(split);
    if (s == "val" || s == "valid" || s == "validation" || s == "dev")
        return "validation";
    if (s == "train" || s == "restval" || s == "training")
        return "train";
    if (s == "test" || s == "testing")
        return "test";
    return s;
}

std::string vqaPrompt(const std::string &question)
{
    return VisionLanguageModel::questionPrompt(question);
}

Result<Dataset> loadDataset(const std::string &pathString, TaskKind task)
{
    const fs::path path(pathString);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return makeError("the data set does not exist", pathString);
    try {
        if (fs::is_regular_file(path, ec)) {
            if (lower(path.extension().string()) == ".csv")
                return readLabelsCsv(path);
            return readJsonForTask(path, task);
        }
        // A folder: the file that matches the task.
        std::vector<fs::path> candidates;
        if (task == TaskKind::Caption) {
            std::vector<fs::path> karpathy;
            for (const auto &e : fs::directory_iterator(path, ec)) {
                const std::string n = e.path().filename().string();
                if (n.rfind("dataset_", 0) == 0 && lower(e.path().extension().string()) == ".json")
                    karpathy.push_back(e.path());
            }
            std::sort(karpathy.begin(), karpathy.end());
            candidates = karpathy;
            candidates.push_back(path / "captions.json");
        } else if (task == TaskKind::Vqa) {
            candidates = {path / "vqa.json", path / "questions.json", path / "annotations_coco.json"};
        } else {
            candidates = {path / "labels.csv"};
        }
        for (const auto &c : candidates) {
            if (!fs::is_regular_file(c, ec))
                continue;
            auto d = lower(c.extension().string()) == ".csv" ? readLabelsCsv(c) : readJsonForTask(c, task);
            if (!d)
                return d;
            if (task == TaskKind::Caption && d->task != TaskKind::Caption)
                continue;
            return d;
        }
        if (task == TaskKind::Classify)
            return readClassFolders(path);
        return makeError("no " + taskToString(task) + " data set file found in the folder (see docs/datasets.md)",
                         pathString);
    } catch (const std::exception &e) {
        return makeError("cannot read the data set", pathString, e.what());
    }
}

std::vector<Sample> selectSplit(const Dataset &dataset, const std::string &splitName, const SplitOptions &options)
{
    const std::string want = normalizeSplit(splitName);
    // Images with no split in the source get a seeded one; grouping by image keeps every question
    // about one image on one side.
    // A source with only a train split gets its validation images carved out of train the same way.
    const bool hasValidation = std::any_of(dataset.samples.begin(), dataset.samples.end(),
                                           [](const Sample &s) { return s.split == "validation"; });
    const auto carvable = [&](const Sample &s) { return s.split.empty() || (!hasValidation && s.split == "train"); };
    std::vector<std::string> unsplitImages;
    std::set<std::string> seen;
    for (const auto &s : dataset.samples)
        if (carvable(s) && seen.insert(s.imagePath).second)
            unsplitImages.push_back(s.imagePath);
    std::sort(unsplitImages.begin(), unsplitImages.end());
    uint64_t state = options.seed;
    for (size_t i = unsplitImages.size(); i > 1; --i)
        std::swap(unsplitImages[i - 1], unsplitImages[splitMix(state) % i]);
    const size_t nVal = unsplitImages.size() < 2
        ? 0
        : std::min(unsplitImages.size() - 1,
                   std::max<size_t>(1, size_t(std::ceil(options.validationFraction * double(unsplitImages.size())))));
    const std::set<std::string> validationImages(unsplitImages.begin(), unsplitImages.begin() + nVal);

    std::vector<Sample> out;
    for (const auto &s : dataset.samples) {
        std::string split = s.split;
        if (carvable(s))
            split = validationImages.count(s.imagePath) ? "validation" : "train";
        if (split == want)
            out.push_back(s);
    }
    return out;
}

} // namespace satgpt::ml
