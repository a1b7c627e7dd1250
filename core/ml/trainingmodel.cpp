// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/trainingmodel.h"

#include "core/ml/fusedadamw.h"
#include "core/ml/modelconfig.h"
#include "core/ml/tensorio.h"
#include "core/ml/tokenizer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <type_traits>
#include <unordered_map>

namespace fs = std::filesystem;
using nlohmann::json;

namespace satgpt::ml {

namespace {

std::string utf8(uint32_t cp)
{
    std::string s;
    if (cp < 0x80) {
        s += char(cp);
    } else if (cp < 0x800) {
        s += char(0xC0 | (cp >> 6));
        s += char(0x80 | (cp & 0x3F));
    } else {
        s += char(0xE0 | (cp >> 12));
        s += char(0x80 | ((cp >> 6) & 0x3F));
        s += char(0x80 | (cp & 0x3F));
    }
    return s;
}

constexpr int64_t kByteEos = 256;

/// The byte vocabulary (see TextCodec): id = byte value, <|endoftext|> = 256.
class ByteCodec final : public TextCodec
{
public:
    ByteCodec()
    {
        m_start = m_eos = m_pad = kByteEos;
    }
    std::vector<int64_t> encode(const std::string &text) const override
    {
        std::vector<int64_t> ids;
        ids.reserve(text.size());
        for (unsigned char c : text)
            ids.push_back(int64_t(c));
        return ids;
    }
    std::string decode(const std::vector<int64_t> &ids) const override
    {
        std::string s;
        for (int64_t id : ids)
            if (id >= 0 && id < 256)
                s += char(id);
        return s;
    }
    Status save(const std::string &dir) const override
    {
        json vocab = json::object();
        for (int b = 0; b < 256; ++b)
            vocab[utf8(uint32_t(Gpt2Tokenizer::byteToUnicode(static_cast<unsigned char>(b))))] = b;
        vocab["<|endoftext|>"] = kByteEos;
        std::ofstream v(fs::path(dir) / "vocab.json");
        v << vocab.dump();
        std::ofstream m(fs::path(dir) / "merges.txt");
        m << "#version: 0.2\n";
        json tc = {{"model_max_length", 1024}, {"bos_token", "<|endoftext|>"}, {"eos_token", "<|endoftext|>"},
                   {"unk_token", "<|endoftext|>"}, {"pad_token", "<|endoftext|>"}, {"tokenizer_class", "GPT2Tokenizer"},
                   {"add_prefix_space", false}};
        std::ofstream t(fs::path(dir) / "tokenizer_config.json");
        t << tc.dump(2) << '\n';
        if (!v || !m || !t)
            return makeError("cannot write the tokenizer files", dir);
        return {};
    }
};

/// GPT-2 byte-level BPE from the model folder (core/ml/tokenizer.h).
class Gpt2Codec final : public TextCodec
{
public:
    explicit Gpt2Codec(Gpt2Tokenizer tokenizer) : m_tokenizer(std::move(tokenizer))
    {
        m_start = m_eos = m_pad = m_tokenizer.eosId();
    }
    std::vector<int64_t> encode(const std::string &text) const override { return m_tokenizer.encodeOrdinary(text); }
    std::string decode(const std::vector<int64_t> &ids) const override { return m_tokenizer.decode(ids, true, false); }
    Status save(const std::string &dir) const override { return m_tokenizer.save(dir); }

private:
    Gpt2Tokenizer m_tokenizer;
};

/// Whether a folder's vocab.json/merges.txt is the byte vocabulary (257 entries, no merges).
bool isByteVocabulary(const fs::path &dir)
{
    std::ifstream v(dir / "vocab.json");
    if (!v)
        return false;
    try {
        const auto j = json::parse(v);
        if (!j.is_object() || j.size() != 257 || !j.contains("<|endoftext|>"))
            return false;
    } catch (...) {
        return false;
    }
    std::ifstream m(dir / "merges.txt");
    std::string line;
    while (std::getline(m, line))
        if (!line.empty() && line[0] != '#')
            return false;
    return true;
}

/// The small from-scratch form -> a full HF vision-encoder-decoder config, with the byte
/// vocabulary or (key "tokenizer") a BPE vocabulary of `vocab` ids whose end-of-text is `eos`.
json expandSmallConfig(const json &s, int64_t vocab = 257, int64_t eos = kByteEos)
{
    const int64_t hidden = s.value("hidden_size", int64_t(64));
    const int64_t encHidden = s.value("encoder_hidden_size", hidden);
    const int64_t decHidden = s.value("decoder_hidden_size", hidden);
    const int64_t heads = s.value("num_heads", int64_t(2));
    json enc = {{"model_type", "vit"},
                {"hidden_size", encHidden},
                {"num_hidden_layers", s.value("encoder_layers", int64_t(2))},
                {"num_attention_heads", s.value("encoder_heads", heads)},
                {"intermediate_size", s.value("encoder_intermediate_size", 4 * encHidden)},
                {"image_size", s.value("image_size", int64_t(32))},
                {"patch_size", s.value("patch_size", int64_t(8))},
                {"num_channels", 3},
                {"hidden_act", "gelu"},
                {"layer_norm_eps", 1e-12},
                {"qkv_bias", true},
                {"hidden_dropout_prob", 0.0},
                {"attention_probs_dropout_prob", 0.0}};
    const double dropout = s.value("dropout", 0.0);
    json dec = {{"model_type", "gpt2"},
                {"vocab_size", vocab},
                {"n_positions", s.value("max_positions", int64_t(128))},
                {"n_embd", decHidden},
                {"n_layer", s.value("decoder_layers", int64_t(2))},
                {"n_head", s.value("decoder_heads", heads)},
                {"n_inner", nullptr},
                {"activation_function", "gelu_new"},
                {"layer_norm_epsilon", 1e-5},
                {"add_cross_attention", true},
                {"is_decoder", true},
                {"embd_pdrop", dropout},
                {"attn_pdrop", dropout},
                {"resid_pdrop", dropout},
                {"bos_token_id", eos},
                {"eos_token_id", eos},
                {"pad_token_id", eos},
                {"decoder_start_token_id", eos}};
    return {{"model_type", "vision-encoder-decoder"},
            {"architectures", {"VisionEncoderDecoderModel"}},
            {"is_encoder_decoder", true},
            {"tie_word_embeddings", false},
            {"decoder_start_token_id", eos},
            {"pad_token_id", eos},
            {"eos_token_id", eos},
            {"encoder", enc},
            {"decoder", dec}};
}

Result<json> readJson(const fs::path &p)
{
    std::ifstream in(p);
    if (!in)
        return makeError("cannot open the file", p.string());
    try {
        return json::parse(in);
    } catch (const std::exception &e) {
        return makeError("not valid JSON", p.string(), e.what());
    }
}

std::string key(const torch::Tensor &t)
{
    std::ostringstream s;
    s << static_cast<const void *>(t.unsafeGetTensorImpl());
    return s.str();
}

} // namespace

Result<std::unique_ptr<TrainingModel>> TrainingModel::load(const std::string &pathString, uint64_t seed, bool requireTokenizer)
{
    const fs::path path(pathString);
    std::error_code ec;
    std::unique_ptr<TrainingModel> tm(new TrainingModel);
    json configJson;
    fs::path weights;
    fs::path folder;
    fs::path tokenizerFolder; ///< a small config's "tokenizer" (vocab.json + merges.txt)
    if (fs::is_directory(path, ec)) {
        folder = path;
        auto j = readJson(path / "config.json");
        if (!j)
            return j.error();
        configJson = j.value();
        for (const char *name : {"model.safetensors", "pytorch_model.bin"})
            if (fs::is_regular_file(path / name, ec)) {
                weights = path / name;
                break;
            }
        if (weights.empty())
            return makeError("the model folder has neither model.safetensors nor pytorch_model.bin", pathString);
    } else if (fs::is_regular_file(path, ec)) {
        auto j = readJson(path);
        if (!j)
            return j.error();
        if (j->contains("encoder")) {
            configJson = j.value();
        } else if (j->contains("tokenizer") && (*j)["tokenizer"].is_string()) {
            tokenizerFolder = fs::path((*j)["tokenizer"].get<std::string>());
            if (tokenizerFolder.is_relative())
                tokenizerFolder = path.parent_path() / tokenizerFolder;
            auto tok = Gpt2Tokenizer::load(tokenizerFolder.string());
            if (!tok)
                return tok.error();
            configJson = expandSmallConfig(j.value(), tok->vocabSize(), tok->eosId());
        } else {
            configJson = expandSmallConfig(j.value());
        }
    } else {
        return makeError("the model does not exist", pathString);
    }

    auto cfg = VisionEncoderDecoderConfig::fromJson(configJson, (folder.empty() ? path : folder / "config.json").string());
    if (!cfg)
        return cfg.error();
    const auto &vc = cfg.value();
    tm->m_model = std::make_unique<VisionEncoderDecoder>(vc);
    {
        torch::NoGradGuard noGrad;
        torch::manual_seed(seed);
        tm->m_model->initRandom();
        if (!weights.empty()) {
            auto tensors = readCheckpointFile(weights.string());
            if (!tensors)
                return tensors.error();
            std::string problem;
            tm->m_model->visit([&](const std::string &name, torch::Tensor &t) {
                if (!problem.empty())
                    return;
                const auto &map = tensors.value();
                if (!map.contains(name)) {
                    problem = "missing tensor " + name;
                    return;
                }
                const auto &src = map.at(name);
                if (src.sizes() != t.sizes()) {
                    std::ostringstream s;
                    s << "shape mismatch for " << name << ": checkpoint " << src.sizes() << ", config " << t.sizes();
                    problem = s.str();
                    return;
                }
                t.copy_(src);
            });
            if (!problem.empty())
                return makeError("the checkpoint does not match the model configuration", weights.string(), problem);
        }
    }

    // Text codec: the byte vocabulary for from-scratch configs and folders that carry it.
    const int64_t vocab = vc.decoder.vocabSize;
    const fs::path codecFolder = folder.empty() ? tokenizerFolder : folder;
    if (codecFolder.empty() || isByteVocabulary(codecFolder)) {
        if (vocab != 257 && requireTokenizer)
            return makeError("no tokenizer: a config without a model folder must use the byte vocabulary (vocab_size 257)",
                             pathString);
        tm->m_codec = std::make_unique<ByteCodec>();
    } else {
        auto tok = Gpt2Tokenizer::load(codecFolder.string());
        if (!tok)
            return tok.error();
        if (tok->vocabSize() > vocab)
            return makeError("the tokenizer has more ids than the decoder's vocab_size", codecFolder.string());
        tm->m_codec = std::make_unique<Gpt2Codec>(std::move(tok).value());
    }
    // Special ids from the config where it has them (HF vit-gpt2 uses 50256 for all three).
    if (vc.decoderStartTokenId)
        tm->m_codec->m_start = *vc.decoderStartTokenId;
    if (vc.eosTokenId)
        tm->m_codec->m_eos = *vc.eosTokenId;
    else if (vc.decoder.eosTokenId)
        tm->m_codec->m_eos = *vc.decoder.eosTokenId;
    if (vc.padTokenId)
        tm->m_codec->m_pad = *vc.padTokenId;

    tm->m_transform = readImageTransform(folder.empty() ? std::string() : folder.string(), vc.encoder.imageSize);
    if (!folder.empty()) {
        std::ifstream g(folder / "generation_config.json");
        if (g)
            tm->m_generationConfig = std::string(std::istreambuf_iterator<char>(g), {});
    }
    return tm;
}

void TrainingModel::to(torch::Device device)
{
    m_device = device;
    m_model->to(torch::TensorOptions().device(device).dtype(torch::kFloat32));
}

std::vector<std::pair<std::string, torch::Tensor>> TrainingModel::namedParameters()
{
    std::unordered_map<std::string, std::string> names; // leaf impl -> first HF name
    m_model->visit([&](const std::string &name, torch::Tensor &t) {
        const torch::Tensor leaf = t.is_view() ? torch::Tensor(t._base()) : t;
        names.emplace(key(leaf), name);
    });
    std::vector<std::pair<std::string, torch::Tensor>> out;
    std::set<std::string> seen;
    for (const auto &p : m_model->parameters()) {
        const auto it = names.find(key(p));
        std::string name = it != names.end() ? it->second : "param." + std::to_string(out.size());
        if (!seen.insert(name).second)
            name += "#" + std::to_string(out.size());
        out.emplace_back(name, p);
    }
    return out;
}

Status TrainingModel::save(const std::string &dirString)
{
    const fs::path dir(dirString);
    const fs::path tmp = dir.string() + ".tmp";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec)
        return makeError("cannot create the model folder", tmp.string(), ec.message());
    TensorMap map;
    m_model->visit([&](const std::string &name, torch::Tensor &t) { map.insert(name, t.detach().to(torch::kCPU).contiguous()); });
    auto st = writeSafetensors((tmp / "model.safetensors").string(), map);
    if (!st)
        return st;
    json config = m_model->config().toJson();
    st = writeJsonFile((tmp / "config.json").string(), config);
    if (!st)
        return st;
    json gen = json::object();
    if (!m_generationConfig.empty()) {
        try {
            gen = json::parse(m_generationConfig);
        } catch (...) {
            gen = json::object();
        }
    }
    gen["decoder_start_token_id"] = m_codec->startId();
    gen["bos_token_id"] = m_codec->startId();
    gen["eos_token_id"] = m_codec->eosId();
    gen["pad_token_id"] = m_codec->padId();
    if (!gen.contains("max_length"))
        gen["max_length"] = m_model->config().decoder.nPositions;
    st = writeJsonFile((tmp / "generation_config.json").string(), gen);
    if (!st)
        return st;
    json pre = {{"do_normalize", true},
                {"do_rescale", true},
                {"do_resize", true},
                {"image_mean", {m_transform.mean[0], m_transform.mean[1], m_transform.mean[2]}},
                {"image_std", {m_transform.std[0], m_transform.std[1], m_transform.std[2]}},
                {"image_processor_type", "ViTImageProcessor"},
                {"resample", 2},
                {"rescale_factor", 1.0 / 255.0},
                {"size", {{"height", m_transform.imageSize}, {"width", m_transform.imageSize}}}};
    st = writeJsonFile((tmp / "preprocessor_config.json").string(), pre);
    if (!st)
        return st;
    st = m_codec->save(tmp.string());
    if (!st)
        return st;
    fs::remove_all(dir, ec);
    fs::rename(tmp, dir, ec);
    if (ec)
        return makeError("cannot move the model folder into place", dir.string(), ec.message());
    return {};
}

Status TrainingModel::saveOptimizerState(const std::string &dir, torch::optim::AdamW &optimizer,
                                         const std::vector<torch::Tensor> &params,
                                         const std::vector<std::string> &names) const
{
    TensorMap map;
    auto &state = optimizer.state();
    for (size_t i = 0; i < params.size(); ++i) {
        const auto it = state.find(optimizerStateKey(state, params[i]));
        if (it == state.end())
            continue;
        auto &s = static_cast<torch::optim::AdamWParamState &>(*it->second);
        map.insert("exp_avg." + names[i], s.exp_avg().detach().to(torch::kCPU).contiguous());
        map.insert("exp_avg_sq." + names[i], s.exp_avg_sq().detach().to(torch::kCPU).contiguous());
        map.insert("step." + names[i], torch::tensor({int64_t(s.step())}, torch::kLong));
    }
    auto st = writeSafetensors((fs::path(dir) / "optimizer.safetensors").string(), map);
    if (!st)
        return st;
    // Random generators: dropout draws continue where they stopped.
    TensorMap rng;
    {
        at::Generator gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        rng.insert("cpu", gen.get_state().clone());
    }
    return writeSafetensors((fs::path(dir) / "rng_state.safetensors").string(), rng);
}

Status TrainingModel::loadOptimizerState(const std::string &dir, torch::optim::AdamW &optimizer,
                                         const std::vector<torch::Tensor> &params,
                                         const std::vector<std::string> &names) const
{
    const std::string path = (fs::path(dir) / "optimizer.safetensors").string();
    auto map = readSafetensors(path);
    if (!map)
        return map.error();
    auto &state = optimizer.state();
    for (size_t i = 0; i < params.size(); ++i) {
        const std::string a = "exp_avg." + names[i], b = "exp_avg_sq." + names[i], s = "step." + names[i];
        if (!map->contains(a))
            continue;
        if (!map->contains(b) || !map->contains(s) || map->at(a).sizes() != params[i].sizes())
            return makeError("optimizer state does not match the model", path, names[i]);
        auto ps = std::make_unique<torch::optim::AdamWParamState>();
        ps->step(map->at(s).item<int64_t>());
        ps->exp_avg(map->at(a).to(params[i].device()).clone());
        ps->exp_avg_sq(map->at(b).to(params[i].device()).clone());
        state[optimizerStateKey(state, params[i])] = std::move(ps);
    }
    auto rng = readSafetensors((fs::path(dir) / "rng_state.safetensors").string());
    if (rng && rng->contains("cpu")) {
        at::Generator gen = at::detail::getDefaultCPUGenerator(); // a handle sharing the default generator
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(rng->at("cpu"));
    }
    return {};
}

} // namespace satgpt::ml
