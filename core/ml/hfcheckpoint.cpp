// SPDX-License-Identifier: GPL-3.0-or-later
#include "hfcheckpoint.h"

#include "modelconfig.h"

#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace satgpt::ml {

namespace {

std::string join(const std::string &dir, const std::string &name) { return (fs::path(dir) / name).string(); }

std::string shapeString(at::IntArrayRef s)
{
    std::ostringstream os;
    os << '[';
    for (size_t i = 0; i < s.size(); ++i)
        os << (i ? "," : "") << s[i];
    os << ']';
    return os.str();
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Buffers older transformers versions saved and the tied head: present in many checkpoints,
/// never needed (the causal mask is built on the fly, lm_head is wte).
bool isIgnorable(const std::string &name)
{
    return endsWith(name, "attn.bias") || endsWith(name, "attn.masked_bias") || endsWith(name, "crossattention.bias")
        || endsWith(name, "crossattention.masked_bias") || endsWith(name, "lm_head.weight");
}

Status readShardedIndex(const std::string &indexPath, const std::string &dir, HfWeights &out)
{
    auto index = readJsonFile(indexPath);
    if (!index)
        return index.error();
    const auto &j = index.value();
    if (!j.contains("weight_map") || !j["weight_map"].is_object())
        return makeError("sharded checkpoint index has no weight_map", indexPath);
    std::vector<std::string> shards;
    std::set<std::string> seen;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
        if (!it->is_string())
            return makeError("sharded checkpoint index: weight_map entry is not a file name", indexPath, it.key());
        const std::string f = it->get<std::string>();
        if (f.find("..") != std::string::npos || f.find('/') != std::string::npos)
            return makeError("sharded checkpoint index names a file outside the folder", indexPath, f);
        if (seen.insert(f).second)
            shards.push_back(f);
    }
    for (const auto &shard : shards) {
        const std::string path = join(dir, shard);
        auto map = readCheckpointFile(path);
        if (!map)
            return map.error();
        for (const auto &name : map->names) {
            out.tensors.insert(name, map->at(name));
            out.fileOf[name] = path;
        }
    }
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it)
        if (!out.tensors.contains(it.key()))
            return makeError("tensor listed in the index is missing from its shard", join(dir, it->get<std::string>()),
                             "tensor '" + it.key() + "'");
    out.source = indexPath;
    return {};
}

template<typename Config>
Result<Config> readConfig(const std::string &dir, const std::string &expectedType, nlohmann::json *raw)
{
    const std::string path = join(dir, "config.json");
    auto j = readJsonFile(path);
    if (!j)
        return j.error();
    const std::string type = j->value("model_type", std::string());
    if (type != expectedType)
        return makeError("unexpected model type in config.json", path,
                         "model_type is '" + type + "', expected '" + expectedType + "'");
    if (raw)
        *raw = j.value();
    return Config::fromJson(j.value(), path);
}

void readExtras(const std::string &dir, HfFolderInfo *info, const nlohmann::json &config, const std::string &weightsSource)
{
    if (!info)
        return;
    info->dir = dir;
    info->config = config;
    info->weightsFile = weightsSource;
    info->generationConfig = nullptr;
    info->preprocessorConfig = nullptr;
    if (fs::exists(join(dir, "generation_config.json"))) {
        if (auto g = readJsonFile(join(dir, "generation_config.json")))
            info->generationConfig = g.value();
    }
    if (fs::exists(join(dir, "preprocessor_config.json"))) {
        if (auto p = readJsonFile(join(dir, "preprocessor_config.json")))
            info->preprocessorConfig = p.value();
    }
}

template<typename Model>
Status loadInto(Model &model, const std::string &dir, HfFolderInfo *info, const HfWeights &weights)
{
    std::vector<std::string> ignored;
    auto st = assignHfWeights([&](const auto &fn) { model.visit(fn); }, weights, &ignored);
    if (!st)
        return st;
    if (info)
        info->ignoredTensors = std::move(ignored);
    return {};
}

const char *dtypeName(torch::Dtype t)
{
    switch (t) {
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat64: return "float64";
    default: return "float32";
    }
}

Status writeFolder(const std::string &dir, nlohmann::json config, TensorMap tensors, const HfSaveExtras &extras)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return makeError("cannot create model folder", dir, ec.message());
    if (!tensors.names.empty())
        config["torch_dtype"] = dtypeName(tensors.at(tensors.names.front()).scalar_type());
    if (auto st = writeJsonFile(join(dir, "config.json"), config); !st)
        return st;
    if (auto st = writeSafetensors(join(dir, "model.safetensors"), tensors); !st)
        return st;
    // A stale pytorch_model.bin or index would take precedence in some loaders: ours is the truth.
    for (const char *stale : {"pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json"})
        fs::remove(join(dir, stale), ec);
    if (!extras.generationConfig.is_null())
        if (auto st = writeJsonFile(join(dir, "generation_config.json"), extras.generationConfig); !st)
            return st;
    if (!extras.preprocessorConfig.is_null())
        if (auto st = writeJsonFile(join(dir, "preprocessor_config.json"), extras.preprocessorConfig); !st)
            return st;
    if (!extras.tokenizerSourceDir.empty() && fs::path(extras.tokenizerSourceDir) != fs::path(dir)) {
        for (const char *f : {"vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json",
                              "special_tokens_map.json", "added_tokens.json"}) {
            const auto src = fs::path(extras.tokenizerSourceDir) / f;
            if (!fs::exists(src))
                continue;
            if (fs::exists(fs::path(dir) / f) && fs::equivalent(src, fs::path(dir) / f, ec))
                continue;
            fs::copy_file(src, fs::path(dir) / f, fs::copy_options::overwrite_existing, ec);
            if (ec)
                return makeError("cannot copy tokenizer file", (fs::path(dir) / f).string(), ec.message());
        }
    }
    return {};
}

template<typename Model>
TensorMap collect(Model &model)
{
    TensorMap map;
    model.visit([&](const std::string &name, torch::Tensor &t) {
        map.insert(name, t.detach().to(torch::kCPU).contiguous());
    });
    return map;
}

} // namespace

Result<std::string> hfModelType(const std::string &dir)
{
    const std::string path = join(dir, "config.json");
    auto j = readJsonFile(path);
    if (!j)
        return j.error();
    if (!j->is_object() || !j->contains("model_type") || !(*j)["model_type"].is_string())
        return makeError("config.json has no model_type", path);
    return (*j)["model_type"].get<std::string>();
}

Result<HfWeights> readHfWeights(const std::string &dir)
{
    HfWeights out;
    try {
        if (!fs::is_directory(dir))
            return makeError("model folder does not exist", dir);
        const std::string st = join(dir, "model.safetensors");
        const std::string stIndex = join(dir, "model.safetensors.index.json");
        const std::string bin = join(dir, "pytorch_model.bin");
        const std::string binIndex = join(dir, "pytorch_model.bin.index.json");
        std::string single;
        if (fs::exists(st))
            single = st;
        else if (fs::exists(stIndex)) {
            auto s = readShardedIndex(stIndex, dir, out);
            if (!s)
                return s.error();
            return out;
        } else if (fs::exists(bin))
            single = bin;
        else if (fs::exists(binIndex)) {
            auto s = readShardedIndex(binIndex, dir, out);
            if (!s)
                return s.error();
            return out;
        } else
            return makeError("model folder has no weights", dir,
                             "expected model.safetensors, model.safetensors.index.json or pytorch_model.bin");
        auto map = readCheckpointFile(single);
        if (!map)
            return map.error();
        out.tensors = std::move(map).value();
        for (const auto &n : out.tensors.names)
            out.fileOf[n] = single;
        out.source = single;
    } catch (const std::exception &e) {
        return makeError("cannot read model weights", dir, e.what());
    }
    return out;
}

Status assignHfWeights(const std::function<void(const std::function<void(const std::string &, torch::Tensor &)> &)> &visit,
                       const HfWeights &weights, std::vector<std::string> *ignored)
{
    std::set<std::string> used;
    std::optional<Error> error;
    torch::NoGradGuard noGrad;
    try {
        visit([&](const std::string &name, torch::Tensor &slot) {
            if (error)
                return;
            std::string key = name;
            if (!weights.tensors.contains(key)) {
                // Checkpoints saved from the bare GPT2Model / a ViT classifier use other prefixes.
                for (const auto &[from, to] : std::vector<std::pair<std::string, std::string>>{
                         {"transformer.", ""}, {"", "vit."}, {"decoder.transformer.", "decoder."}}) {
                    if (name.compare(0, from.size(), from) != 0)
                        continue;
                    const std::string alt = to + name.substr(from.size());
                    if (weights.tensors.contains(alt)) {
                        key = alt;
                        break;
                    }
                }
            }
            if (!weights.tensors.contains(key) && name.find("pooler.") != std::string::npos) {
                // The decoder never reads the pooler; HF also leaves a missing one freshly initialised.
                slot.zero_();
                return;
            }
            if (!weights.tensors.contains(key)) {
                error = makeError("checkpoint is missing a tensor", weights.source, "tensor '" + name + "'");
                return;
            }
            const auto &src = weights.tensors.at(key);
            const auto fileIt = weights.fileOf.find(key);
            const std::string file = fileIt != weights.fileOf.end() ? fileIt->second : weights.source;
            if (!src.is_floating_point()) {
                error = makeError("checkpoint tensor has a non-floating-point dtype", file,
                                  "tensor '" + key + "' is " + std::string(c10::toString(src.scalar_type())));
                return;
            }
            if (src.sizes() != slot.sizes()) {
                error = makeError("checkpoint tensor has the wrong shape", file,
                                  "tensor '" + key + "' is " + shapeString(src.sizes()) + " but the config needs "
                                      + shapeString(slot.sizes()));
                return;
            }
            slot.copy_(src);
            used.insert(key);
        });
    } catch (const std::exception &e) {
        return makeError("cannot assign checkpoint tensors", weights.source, e.what());
    }
    if (error)
        return *error;
    if (ignored) {
        for (const auto &n : weights.tensors.names)
            if (!used.count(n))
                ignored->push_back(n);
    }
    return {};
}

Result<std::unique_ptr<ViTModel>> loadViT(const std::string &dir, const HfLoadOptions &options, HfFolderInfo *info)
{
    nlohmann::json raw;
    auto config = readConfig<ViTConfig>(dir, "vit", &raw);
    if (!config)
        return config.error();
    auto weights = readHfWeights(dir);
    if (!weights)
        return weights.error();
    try {
        const bool pooler = weights->tensors.contains("pooler.dense.weight") || weights->tensors.contains("vit.pooler.dense.weight");
        auto model = std::make_unique<ViTModel>(config.value(), pooler,
                                                torch::TensorOptions().dtype(options.dtype).device(options.device));
        if (auto st = loadInto(*model, dir, info, weights.value()); !st)
            return st.error();
        readExtras(dir, info, raw, weights->source);
        return model;
    } catch (const std::exception &e) {
        return makeError("cannot load the ViT model", dir, e.what());
    }
}

Result<std::unique_ptr<GPT2LMHeadModel>> loadGPT2(const std::string &dir, const HfLoadOptions &options, HfFolderInfo *info)
{
    nlohmann::json raw;
    auto config = readConfig<GPT2Config>(dir, "gpt2", &raw);
    if (!config)
        return config.error();
    auto weights = readHfWeights(dir);
    if (!weights)
        return weights.error();
    try {
        auto model = std::make_unique<GPT2LMHeadModel>(config.value(),
                                                       torch::TensorOptions().dtype(options.dtype).device(options.device));
        if (auto st = loadInto(*model, dir, info, weights.value()); !st)
            return st.error();
        readExtras(dir, info, raw, weights->source);
        return model;
    } catch (const std::exception &e) {
        return makeError("cannot load the GPT-2 model", dir, e.what());
    }
}

Result<std::unique_ptr<VisionEncoderDecoder>> loadVisionEncoderDecoder(const std::string &dir, const HfLoadOptions &options,
                                                                       HfFolderInfo *info)
{
    nlohmann::json raw;
    auto config = readConfig<VisionEncoderDecoderConfig>(dir, "vision-encoder-decoder", &raw);
    if (!config)
        return config.error();
    auto weights = readHfWeights(dir);
    if (!weights)
        return weights.error();
    try {
        auto model = std::make_unique<VisionEncoderDecoder>(
            config.value(), torch::TensorOptions().dtype(options.dtype).device(options.device));
        if (auto st = loadInto(*model, dir, info, weights.value()); !st)
            return st.error();
        readExtras(dir, info, raw, weights->source);
        return model;
    } catch (const std::exception &e) {
        return makeError("cannot load the vision-encoder-decoder model", dir, e.what());
    }
}

namespace {

// The three model types save the same way: their config JSON plus their named parameters.
template<typename Model>
Status saveModel(Model &model, const std::string &dir, const HfSaveExtras &extras)
{
    try {
        return writeFolder(dir, model.config().toJson(), collect(model), extras);
    } catch (const std::exception &e) {
        return makeError("cannot save the model", dir, e.what());
    }
}

} // namespace

Status saveVisionEncoderDecoder(VisionEncoderDecoder &model, const std::string &dir, const HfSaveExtras &extras)
{
    return saveModel(model, dir, extras);
}

Status saveViT(ViTModel &model, const std::string &dir, const HfSaveExtras &extras)
{
    return saveModel(model, dir, extras);
}

Status saveGPT2(GPT2LMHeadModel &model, const std::string &dir, const HfSaveExtras &extras)
{
    return saveModel(model, dir, extras);
}

} // namespace satgpt::ml
