// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelconfig.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace satgpt::ml {

namespace {

template<typename T>
void readValue(const nlohmann::json &j, const char *key, T &out)
{
    auto it = j.find(key);
    if (it != j.end() && !it->is_null())
        out = it->get<T>();
}

void readOptionalId(const nlohmann::json &j, const char *key, std::optional<int64_t> &out)
{
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return;
    // HF allows a list of eos ids; the first is the one generation pads with.
    if (it->is_array()) {
        if (!it->empty() && (*it)[0].is_number_integer())
            out = (*it)[0].get<int64_t>();
    } else if (it->is_number_integer()) {
        out = it->get<int64_t>();
    }
}

void writeOptionalId(nlohmann::json &j, const char *key, const std::optional<int64_t> &v)
{
    // A list in the source (several eos ids) is kept as it was.
    if (j.contains(key) && j[key].is_array())
        return;
    if (v)
        j[key] = *v;
    else if (j.contains(key))
        j[key] = nullptr;
}

Error configError(const std::string &path, const std::string &what)
{
    return makeError("invalid model configuration", path, what);
}

} // namespace

Result<ViTConfig> ViTConfig::fromJson(const nlohmann::json &j, const std::string &path)
{
    ViTConfig c;
    try {
        if (!j.is_object())
            return configError(path, "encoder config is not a JSON object");
        const std::string type = j.value("model_type", std::string("vit"));
        if (type != "vit")
            return configError(path, "encoder model_type '" + type + "' is not supported (only 'vit')");
        readValue(j, "hidden_size", c.hiddenSize);
        readValue(j, "num_hidden_layers", c.numHiddenLayers);
        readValue(j, "num_attention_heads", c.numAttentionHeads);
        readValue(j, "intermediate_size", c.intermediateSize);
        readValue(j, "image_size", c.imageSize);
        readValue(j, "patch_size", c.patchSize);
        readValue(j, "num_channels", c.numChannels);
        readValue(j, "layer_norm_eps", c.layerNormEps);
        readValue(j, "qkv_bias", c.qkvBias);
        readValue(j, "hidden_act", c.hiddenAct);
        readValue(j, "hidden_dropout_prob", c.hiddenDropout);
        readValue(j, "attention_probs_dropout_prob", c.attentionDropout);
    } catch (const nlohmann::json::exception &e) {
        return configError(path, e.what());
    }
    if (c.hiddenSize <= 0 || c.numAttentionHeads <= 0 || c.hiddenSize % c.numAttentionHeads != 0)
        return configError(path, "ViT hidden_size must be a positive multiple of num_attention_heads");
    if (c.patchSize <= 0 || c.imageSize < c.patchSize || c.numHiddenLayers < 0 || c.intermediateSize <= 0)
        return configError(path, "ViT image_size/patch_size/num_hidden_layers/intermediate_size out of range");
    if (c.hiddenAct != "gelu" && c.hiddenAct != "gelu_new" && c.hiddenAct != "relu")
        return configError(path, "ViT hidden_act '" + c.hiddenAct + "' is not supported");
    c.raw = j;
    return c;
}

nlohmann::json ViTConfig::toJson() const
{
    nlohmann::json j = raw.is_object() ? raw : nlohmann::json::object();
    j["model_type"] = "vit";
    j["hidden_size"] = hiddenSize;
    j["num_hidden_layers"] = numHiddenLayers;
    j["num_attention_heads"] = numAttentionHeads;
    j["intermediate_size"] = intermediateSize;
    j["image_size"] = imageSize;
    j["patch_size"] = patchSize;
    j["num_channels"] = numChannels;
    j["layer_norm_eps"] = layerNormEps;
    j["qkv_bias"] = qkvBias;
    j["hidden_act"] = hiddenAct;
    j["hidden_dropout_prob"] = hiddenDropout;
    j["attention_probs_dropout_prob"] = attentionDropout;
    return j;
}

Result<GPT2Config> GPT2Config::fromJson(const nlohmann::json &j, const std::string &path)
{
    GPT2Config c;
    try {
        if (!j.is_object())
            return configError(path, "decoder config is not a JSON object");
        const std::string type = j.value("model_type", std::string("gpt2"));
        if (type != "gpt2")
            return configError(path, "decoder model_type '" + type + "' is not supported (only 'gpt2')");
        readValue(j, "vocab_size", c.vocabSize);
        readValue(j, "n_positions", c.nPositions);
        readValue(j, "n_embd", c.nEmbd);
        readValue(j, "n_layer", c.nLayer);
        readValue(j, "n_head", c.nHead);
        readValue(j, "n_inner", c.nInner);
        readValue(j, "layer_norm_epsilon", c.layerNormEpsilon);
        readValue(j, "add_cross_attention", c.addCrossAttention);
        readValue(j, "activation_function", c.activationFunction);
        readValue(j, "scale_attn_weights", c.scaleAttnWeights);
        readValue(j, "scale_attn_by_inverse_layer_idx", c.scaleAttnByInverseLayerIdx);
        readValue(j, "embd_pdrop", c.embdPdrop);
        readValue(j, "attn_pdrop", c.attnPdrop);
        readValue(j, "resid_pdrop", c.residPdrop);
        readOptionalId(j, "bos_token_id", c.bosTokenId);
        readOptionalId(j, "eos_token_id", c.eosTokenId);
        readOptionalId(j, "pad_token_id", c.padTokenId);
    } catch (const nlohmann::json::exception &e) {
        return configError(path, e.what());
    }
    if (c.nEmbd <= 0 || c.nHead <= 0 || c.nEmbd % c.nHead != 0)
        return configError(path, "GPT-2 n_embd must be a positive multiple of n_head");
    if (c.vocabSize <= 0 || c.nPositions <= 0 || c.nLayer < 0)
        return configError(path, "GPT-2 vocab_size/n_positions/n_layer out of range");
    if (c.activationFunction != "gelu_new" && c.activationFunction != "gelu" && c.activationFunction != "relu"
        && c.activationFunction != "gelu_pytorch_tanh")
        return configError(path, "GPT-2 activation_function '" + c.activationFunction + "' is not supported");
    c.raw = j;
    return c;
}

nlohmann::json GPT2Config::toJson() const
{
    nlohmann::json j = raw.is_object() ? raw : nlohmann::json::object();
    j["model_type"] = "gpt2";
    j["vocab_size"] = vocabSize;
    j["n_positions"] = nPositions;
    j["n_embd"] = nEmbd;
    j["n_layer"] = nLayer;
    j["n_head"] = nHead;
    if (nInner > 0)
        j["n_inner"] = nInner;
    else
        j["n_inner"] = nullptr;
    j["layer_norm_epsilon"] = layerNormEpsilon;
    j["activation_function"] = activationFunction;
    if (addCrossAttention || j.contains("add_cross_attention"))
        j["add_cross_attention"] = addCrossAttention;
    j["scale_attn_weights"] = scaleAttnWeights;
    j["scale_attn_by_inverse_layer_idx"] = scaleAttnByInverseLayerIdx;
    j["embd_pdrop"] = embdPdrop;
    j["attn_pdrop"] = attnPdrop;
    j["resid_pdrop"] = residPdrop;
    writeOptionalId(j, "bos_token_id", bosTokenId);
    writeOptionalId(j, "eos_token_id", eosTokenId);
    if (padTokenId || j.contains("pad_token_id"))
        writeOptionalId(j, "pad_token_id", padTokenId);
    return j;
}

Result<VisionEncoderDecoderConfig> VisionEncoderDecoderConfig::fromJson(const nlohmann::json &j, const std::string &path)
{
    VisionEncoderDecoderConfig c;
    if (!j.is_object() || !j.contains("encoder") || !j.contains("decoder"))
        return configError(path, "a vision-encoder-decoder config needs 'encoder' and 'decoder' objects");
    auto enc = ViTConfig::fromJson(j["encoder"], path);
    if (!enc)
        return enc.error();
    auto dec = GPT2Config::fromJson(j["decoder"], path);
    if (!dec)
        return dec.error();
    c.encoder = std::move(enc).value();
    c.decoder = std::move(dec).value();
    try {
        readOptionalId(j, "decoder_start_token_id", c.decoderStartTokenId);
        readOptionalId(j, "pad_token_id", c.padTokenId);
        readOptionalId(j, "eos_token_id", c.eosTokenId);
    } catch (const nlohmann::json::exception &e) {
        return configError(path, e.what());
    }
    if (!c.decoder.addCrossAttention)
        return configError(path, "the GPT-2 decoder of a vision-encoder-decoder model needs add_cross_attention = true");
    c.raw = j;
    return c;
}

nlohmann::json VisionEncoderDecoderConfig::toJson() const
{
    nlohmann::json j = raw.is_object() ? raw : nlohmann::json::object();
    j["model_type"] = "vision-encoder-decoder";
    j["is_encoder_decoder"] = true;
    j["encoder"] = encoder.toJson();
    j["decoder"] = decoder.toJson();
    writeOptionalId(j, "decoder_start_token_id", decoderStartTokenId);
    writeOptionalId(j, "pad_token_id", padTokenId);
    writeOptionalId(j, "eos_token_id", eosTokenId);
    return j;
}

GenerationConfig GenerationConfig::fromJson(const nlohmann::json &j)
{
    GenerationConfig g;
    if (!j.is_object())
        return g;
    try {
        readOptionalId(j, "bos_token_id", g.bosTokenId);
        readOptionalId(j, "eos_token_id", g.eosTokenId);
        readOptionalId(j, "pad_token_id", g.padTokenId);
        readOptionalId(j, "decoder_start_token_id", g.decoderStartTokenId);
        readValue(j, "max_length", g.maxLength);
        if (j.contains("max_new_tokens") && j["max_new_tokens"].is_number_integer())
            g.maxNewTokens = j["max_new_tokens"].get<int64_t>();
        readValue(j, "num_beams", g.numBeams);
        readValue(j, "length_penalty", g.lengthPenalty);
        if (j.contains("early_stopping") && j["early_stopping"].is_boolean())
            g.earlyStopping = j["early_stopping"].get<bool>();
        readValue(j, "no_repeat_ngram_size", g.noRepeatNgramSize);
        readValue(j, "repetition_penalty", g.repetitionPenalty);
    } catch (const nlohmann::json::exception &) {
        // A malformed optional field falls back to the default; the raw JSON is still kept.
    }
    g.raw = j;
    return g;
}

Result<nlohmann::json> readJsonFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError("cannot open file", path, "missing or unreadable");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return nlohmann::json::parse(ss.str());
    } catch (const nlohmann::json::exception &e) {
        return makeError("file is not valid JSON", path, e.what());
    }
}

Status writeJsonFile(const std::string &path, const nlohmann::json &j)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return makeError("cannot write file", path, "cannot create " + tmp);
        out << j.dump(2) << '\n';
        if (!out.good())
            return makeError("cannot write file", path, "write failed");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return makeError("cannot write file", path, "rename failed");
    }
    return {};
}

} // namespace satgpt::ml
