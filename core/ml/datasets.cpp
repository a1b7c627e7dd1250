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
        s.kind = TaskKind::Caption;
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
        s.kind = TaskKind::Caption;
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
        s.kind = TaskKind::Vqa;
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
            s.kind = TaskKind::Vqa;
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
        names.insert(humanizeClassName(l->second));
    }
    d.classNames.assign(names.begin(), names.end());
    for (const auto &row : rows.value()) {
        Sample s;
        s.id = row.at("file");
        s.imagePath = (file.parent_path() / row.at("file")).lexically_normal().string();
        const auto it = std::find(d.classNames.begin(), d.classNames.end(), humanizeClassName(row.at("label")));
        s.label = it - d.classNames.begin();
        s.targets = {*it};
        s.question = sceneQuestion();
        s.kind = TaskKind::Classify;
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
    for (const auto &c : classes)
        d.classNames.push_back(humanizeClassName(c));
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
            s.targets = {d.classNames[c]};
            s.question = sceneQuestion();
            s.kind = TaskKind::Classify;
            d.samples.push_back(std::move(s));
        }
    }
    if (d.samples.empty())
        return makeError("no class folders with images found", root.string());
    return d;
}

/// The annotation chips the workbench exports (chips.json: [{file, annotation, class, caption,
/// qa: [{question, answer, type}], window}]) as the set `task` asks for: captions (the
/// annotation's caption plus class-grounded captions), VQA (its question/answer pairs) or
/// classes (the scene question answered with the class). Unclassified chips have no class sample.
Result<Dataset> readChips(const fs::path &file, const nlohmann::json &j, TaskKind task)
{
    Dataset d;
    d.task = task;
    d.format = "chips";
    d.root = file.parent_path().string();
    if (!j.is_array())
        return makeError("not an annotation chip manifest: expected a list of {file, class, caption, qa}", file.string());
    std::set<std::string> names;
    for (const auto &c : j) {
        const std::string cls = humanizeClassName(jsonString(c, "class"));
        if (!cls.empty() && cls != "unclassified")
            names.insert(cls);
    }
    d.classNames.assign(names.begin(), names.end());
    for (const auto &c : j) {
        const std::string name = jsonString(c, "file");
        if (name.empty())
            return makeError("a chip entry has no \"file\"", file.string());
        Sample base;
        base.id = name;
        base.imagePath = resolveImage(file.parent_path(), name);
        base.split = normalizeSplit(jsonString(c, "split"));
        const std::string cls = humanizeClassName(jsonString(c, "class"));
        const bool classified = !cls.empty() && cls != "unclassified";
        if (task == TaskKind::Caption) {
            Sample s = base;
            s.kind = TaskKind::Caption;
            const std::string caption = jsonString(c, "caption");
            if (!caption.empty())
                s.targets.push_back(caption);
            if (classified)
                for (auto &t : classCaptions(cls))
                    s.targets.push_back(std::move(t));
            if (!s.targets.empty())
                d.samples.push_back(std::move(s));
        } else if (task == TaskKind::Vqa) {
            int64_t index = 0;
            if (c.contains("qa") && c["qa"].is_array())
                for (const auto &q : c["qa"]) {
                    Sample s = base;
                    s.kind = TaskKind::Vqa;
                    s.id = name + "#" + std::to_string(index++);
                    s.question = jsonString(q, "question");
                    s.questionType = jsonString(q, "type");
                    const std::string answer = jsonString(q, "answer");
                    if (s.question.empty() || answer.empty())
                        continue;
                    s.targets = {answer};
                    d.samples.push_back(std::move(s));
                }
        } else if (classified) {
            Sample s = base;
            s.kind = TaskKind::Classify;
            s.question = sceneQuestion();
            s.targets = {cls};
            s.label = std::find(d.classNames.begin(), d.classNames.end(), cls) - d.classNames.begin();
            d.samples.push_back(std::move(s));
        }
    }
    return d;
}

bool isChipManifest(const fs::path &file)
{
    return file.filename() == "chips.json";
}

/// Caption text without images, for decoder pretraining: caption maps, Karpathy files and lists
/// of records with a "captions" list (split from "split" or "original_split"). Returns an empty
/// set (not an error) for JSON that holds no captions, so a folder scan can skip VQA/COCO files.
Result<Dataset> readTextCorpus(const fs::path &file)
{
    Dataset d;
    d.task = TaskKind::Text;
    d.format = "text";
    d.root = file.parent_path().string();
    auto j = readJson(file);
    if (!j)
        return j.error();
    const auto &v = j.value();
    const auto addText = [&](std::vector<std::string> captions, const std::string &split, const std::string &id) {
        if (captions.empty())
            return;
        Sample s;
        s.id = id;
        s.targets = std::move(captions);
        s.split = normalizeSplit(split);
        s.kind = TaskKind::Text;
        d.samples.push_back(std::move(s));
    };
    if (v.is_object() && v.contains("annotations") && v.contains("categories"))
        return d; // COCO detection: no text
    if (v.is_object() && v.contains("images") && v["images"].is_array()) {
        auto k = readKarpathy(file, v);
        if (!k)
            return k.error();
        for (auto &s : k->samples)
            addText(s.targets, s.split, s.id);
    } else if (v.is_array()) {
        int64_t index = 0;
        for (const auto &r : v) {
            if (!r.is_object() || !r.contains("captions") || !r["captions"].is_array())
                continue;
            std::vector<std::string> captions;
            for (const auto &c : r["captions"])
                if (c.is_string())
                    captions.push_back(c.get<std::string>());
            std::string split = jsonString(r, "split");
            if (split.empty())
                split = jsonString(r, "original_split");
            addText(std::move(captions), split, file.filename().string() + "#" + std::to_string(index++));
        }
    } else if (v.is_object()) {
        bool isMap = !v.empty();
        for (auto it = v.begin(); it != v.end() && isMap; ++it)
            isMap = it.value().is_array() && !it.value().empty() && it.value().front().is_string();
        if (isMap) {
            auto m = readCaptionMap(file, v);
            if (!m)
                return m.error();
            for (auto &s : m->samples)
                addText(s.targets, s.split, s.id);
        }
    }
    return d;
}

/// Every .json under `root` (itself and one level of sub-folders), sorted.
std::vector<fs::path> jsonFilesNear(const fs::path &root)
{
    std::vector<fs::path> out;
    std::error_code ec;
    const auto scan = [&](const fs::path &dir) {
        for (const auto &e : fs::directory_iterator(dir, ec))
            if (e.is_regular_file() && lower(e.path().extension().string()) == ".json")
                out.push_back(e.path());
    };
    scan(root);
    for (const auto &e : fs::directory_iterator(root, ec))
        if (e.is_directory())
            scan(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

Result<Dataset> readJsonForTask(const fs::path &file, TaskKind task)
{
    if (task == TaskKind::Text)
        return readTextCorpus(file);
    if (isChipManifest(file)) {
        auto j = readJson(file);
        if (!j)
            return j.error();
        return readChips(file, j.value(), task);
    }
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
    if (n == "text" || n == "lm")
        return TaskKind::Text;
    if (n == "mix")
        return TaskKind::Mix;
    return std::nullopt;
}

std::string taskToString(TaskKind task)
{
    switch (task) {
    case TaskKind::Caption: return "caption";
    case TaskKind::Vqa: return "vqa";
    case TaskKind::Classify: return "classify";
    case TaskKind::Text: return "text";
    case TaskKind::Mix: return "mix";
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

namespace {

Result<Dataset> loadDatasetUnnamed(const std::string &pathString, TaskKind task)
{
    const fs::path path(pathString);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return makeError("the data set does not exist", pathString);
    if (task == TaskKind::Mix)
        return makeError("a mix is read with loadDataMix", pathString);
    try {
        if (task == TaskKind::Text && fs::is_directory(path, ec)) {
            Dataset all;
            all.task = TaskKind::Text;
            all.format = "text";
            all.root = path.string();
            for (const auto &f : jsonFilesNear(path)) {
                auto d = readTextCorpus(f);
                if (!d)
                    return d;
                for (auto &smp : d->samples)
                    all.samples.push_back(std::move(smp));
            }
            if (all.samples.empty())
                return makeError("no caption text found in the folder or its sub-folders (see docs/datasets.md)", pathString);
            return all;
        }
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
            candidates.push_back(path / "chips.json");
        } else if (task == TaskKind::Vqa) {
            candidates = {path / "vqa.json", path / "questions.json", path / "annotations_coco.json", path / "chips.json"};
        } else {
            candidates = {path / "labels.csv", path / "chips.json"};
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

std::string sourceName(const fs::path &path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return path.filename().empty() ? path.parent_path().filename().string() : path.filename().string();
    const std::string stem = path.stem().string();
    // captions.json, vqa.json, labels.csv: the folder says more than the file.
    static const std::set<std::string> generic = {"captions", "vqa", "labels", "questions", "annotations_coco", "chips"};
    return generic.count(lower(stem)) ? path.parent_path().filename().string() : stem;
}

} // namespace

Result<Dataset> loadDataset(const std::string &pathString, TaskKind task)
{
    auto d = loadDatasetUnnamed(pathString, task);
    if (d && d->name.empty())
        d->name = sourceName(fs::path(pathString));
    return d;
}

std::string humanizeClassName(const std::string &label)
{
    std::string l = label;
    // RSSCN7 prefixes its classes with a sorting letter: aGrass, bField, ... gParking.
    if (l.size() > 2 && std::islower(static_cast<unsigned char>(l[0])) && std::isupper(static_cast<unsigned char>(l[1])))
        l.erase(0, 1);
    std::string out;
    for (size_t i = 0; i < l.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(l[i]);
        if (c == '_' || c == '-') {
            out += ' ';
            continue;
        }
        if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(l[i - 1])))
            out += ' ';
        out += char(std::tolower(c));
    }
    return out;
}

std::vector<std::string> classCaptions(const std::string &name)
{
    const bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
    const std::string a = vowel ? "an " : "a ";
    return {"a satellite image of " + a + name + " area.",
            "an aerial view of " + a + name + " scene.",
            "this is " + a + name + " area seen from above.",
            "the image shows " + a + name + " area.",
            "a remote sensing image of " + name + ".",
            "an overhead view of " + a + name + " scene.",
            "there is " + a + name + " area in the image.",
            "it is " + a + name + " scene."};
}

std::string sceneQuestion()
{
    return "what type of scene is this?";
}

const std::vector<std::string> &sceneQuestions()
{
    static const std::vector<std::string> questions = {
        sceneQuestion(), "what is the land cover?", "what is the theme of this picture?",
        "what kind of area is shown?", "what is in this image?"};
    return questions;
}

Result<std::vector<Dataset>> loadDataMix(const std::string &paths)
{
    std::vector<fs::path> roots;
    std::stringstream list(paths);
    std::string item;
    while (std::getline(list, item, ','))
        if (!item.empty())
            roots.emplace_back(item);
    if (roots.empty())
        return makeError("no data folder given for the mix");
    // Candidate files: the recognised names in each folder and its sub-folders.
    std::vector<std::pair<fs::path, TaskKind>> files;
    std::error_code ec;
    for (const auto &root : roots) {
        if (!fs::exists(root, ec))
            return makeError("the data set does not exist", root.string());
        if (fs::is_regular_file(root, ec)) {
            const bool csv = lower(root.extension().string()) == ".csv";
            files.emplace_back(root, csv ? TaskKind::Classify : TaskKind::Mix);
            continue;
        }
        std::vector<fs::path> dirs{root};
        for (const auto &e : fs::directory_iterator(root, ec))
            if (e.is_directory())
                dirs.push_back(e.path());
        std::sort(dirs.begin() + 1, dirs.end());
        for (const auto &dir : dirs) {
            if (fs::is_regular_file(dir / "labels.csv", ec))
                files.emplace_back(dir / "labels.csv", TaskKind::Classify);
            for (const auto &e : fs::directory_iterator(dir, ec)) {
                const std::string n = e.path().filename().string();
                if (!e.is_regular_file() || lower(e.path().extension().string()) != ".json")
                    continue;
                if (n == "captions.json" || n.rfind("dataset_", 0) == 0 || n == "vqa.json" || n == "questions.json" ||
                    n == "annotations_coco.json" || n == "chips.json")
                    files.emplace_back(e.path(), TaskKind::Mix);
            }
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());

    std::vector<Dataset> out;
    for (const auto &[file, kind] : files) {
        if (isChipManifest(file)) {
            // An annotation export: its captions, its questions and its classes, as three sets.
            for (const auto &[task, suffix] : {std::pair{TaskKind::Caption, "-captions"}, std::pair{TaskKind::Vqa, "-qa"},
                                               std::pair{TaskKind::Classify, ""}}) {
                auto d = loadDataset(file.string(), task);
                if (!d)
                    return d.error();
                d->name += suffix;
                if (!d->samples.empty())
                    out.push_back(std::move(d).value());
            }
            continue;
        }
        Result<Dataset> d = kind == TaskKind::Classify ? loadDataset(file.string(), TaskKind::Classify)
                                                      : loadDataset(file.string(), TaskKind::Vqa);
        if (!d)
            return d.error();
        if (d->samples.empty())
            continue;
        if (d->task != TaskKind::Classify) {
            out.push_back(std::move(d).value());
            continue;
        }
        // Classes -> a caption set and a scene-question set over the same images and splits.
        Dataset captions;
        captions.task = TaskKind::Caption;
        captions.name = d->name + "-captions";
        captions.root = d->root;
        captions.format = d->format;
        Dataset questions = d.value();
        uint64_t index = 0;
        for (auto &s : questions.samples) {
            Sample c = s;
            c.kind = TaskKind::Caption;
            c.question.clear();
            c.targets = classCaptions(d->classNames[size_t(s.label)]);
            captions.samples.push_back(std::move(c));
            // Rephrasings teach the question's meaning; validation and test keep the canonical one
            // so their accuracy is comparable between runs.
            if (s.split == "train" || s.split.empty())
                s.question = sceneQuestions()[index++ % sceneQuestions().size()];
        }
        out.push_back(std::move(captions));
        out.push_back(std::move(questions));
    }
    if (out.empty())
        return makeError("no data set with images found in the mix (see docs/datasets.md)", paths);
    return out;
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
