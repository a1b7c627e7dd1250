// SPDX-License-Identifier: GPL-3.0-or-later
#include "visionencoderdecoder.h"

#include "layers.h"

#include <stdexcept>

namespace satgpt::ml {

VisionEncoderDecoder::VisionEncoderDecoder(VisionEncoderDecoderConfig config, torch::TensorOptions options)
    : m_config(std::move(config))
{
    // HF builds the VED encoder with AutoModel, i.e. ViTModel with its pooler (saved in the file).
    m_encoder = std::make_unique<ViTModel>(m_config.encoder, true, options);
    m_decoder = std::make_unique<GPT2LMHeadModel>(m_config.decoder, options);
    if (m_config.encoder.hiddenSize != m_config.decoder.nEmbd) {
        m_projW = torch::empty({m_config.decoder.nEmbd, m_config.encoder.hiddenSize}, options);
        m_projB = torch::empty({m_config.decoder.nEmbd}, options);
    }
}

int64_t VisionEncoderDecoder::decoderStartTokenId() const
{
    if (m_config.decoderStartTokenId)
        return *m_config.decoderStartTokenId;
    if (m_config.decoder.bosTokenId)
        return *m_config.decoder.bosTokenId;
    throw std::invalid_argument("the model config has no decoder_start_token_id");
}

int64_t VisionEncoderDecoder::padTokenId() const
{
    if (m_config.padTokenId)
        return *m_config.padTokenId;
    if (m_config.decoder.padTokenId)
        return *m_config.decoder.padTokenId;
    if (m_config.eosTokenId)
        return *m_config.eosTokenId;
    throw std::invalid_argument("the model config has no pad_token_id");
}

torch::Tensor VisionEncoderDecoder::encode(const torch::Tensor &pixelValues, ViTOutput *encoderOut,
                                           const ViTForwardOptions &options) const
{
    ViTOutput enc = m_encoder->forward(pixelValues, options);
    torch::Tensor states = enc.lastHiddenState;
    if (m_projW.defined())
        states = detail::linear(states, m_projW, m_projB);
    if (encoderOut)
        *encoderOut = std::move(enc);
    return states;
}

VisionEncoderDecoderOutput VisionEncoderDecoder::forward(const VisionEncoderDecoderForward &in) const
{
    VisionEncoderDecoderOutput out;
    ViTForwardOptions eo;
    eo.outputAttentions = in.outputAttentions;
    eo.outputHiddenStates = in.outputHiddenStates;
    eo.interpolatePosEncoding = in.interpolatePosEncoding;
    // No pixels: the decoder runs as a plain language model (HF skips cross-attention when
    // encoder_hidden_states is None), which the trainer uses to pretrain on caption text.
    if (in.pixelValues.defined())
        out.encoderHiddenStates = encode(in.pixelValues, &out.encoder, eo);

    GPT2Input d;
    d.inputIds = in.decoderInputIds;
    if (!d.inputIds.defined()) {
        if (!in.labels.defined())
            throw std::invalid_argument("VisionEncoderDecoder needs decoder_input_ids or labels");
        d.inputIds = shiftTokensRight(in.labels, padTokenId(), decoderStartTokenId());
    }
    d.attentionMask = in.decoderAttentionMask;
    d.encoderHiddenStates = out.encoderHiddenStates;
    d.outputAttentions = in.outputAttentions;
    d.outputHiddenStates = in.outputHiddenStates;
    out.decoder = m_decoder->forward(d);
    out.logits = out.decoder.logits;
    if (in.labels.defined())
        out.loss = loss(out.logits, in.labels);
    return out;
}

torch::Tensor VisionEncoderDecoder::shiftTokensRight(const torch::Tensor &labels, int64_t padTokenId,
                                                      int64_t decoderStartTokenId)
{
    auto shifted = torch::empty_like(labels);
    const auto T = labels.size(1);
    if (T > 1)
        shifted.narrow(1, 1, T - 1).copy_(labels.narrow(1, 0, T - 1));
    shifted.select(1, 0).fill_(decoderStartTokenId);
    return shifted.masked_fill(shifted == -100, padTokenId);
}

torch::Tensor VisionEncoderDecoder::loss(const torch::Tensor &logits, const torch::Tensor &labels)
{
    return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}).to(torch::kFloat32), labels.reshape({-1}),
                                  {}, at::Reduction::Mean, -100);
}

void VisionEncoderDecoder::visit(const std::function<void(const std::string &, torch::Tensor &)> &fn)
{
    m_encoder->visit(fn, "encoder.");
    m_decoder->visit(fn, "decoder.");
    if (m_projW.defined()) {
        fn("enc_to_dec_proj.weight", m_projW);
        fn("enc_to_dec_proj.bias", m_projB);
    }
}

std::vector<torch::Tensor> VisionEncoderDecoder::parameters() const
{
    auto p = m_encoder->parameters();
    for (auto &t : m_decoder->parameters())
        p.push_back(t);
    if (m_projW.defined()) {
        p.push_back(m_projW);
        p.push_back(m_projB);
    }
    return p;
}

void VisionEncoderDecoder::initRandom(double std)
{
    m_encoder->initRandom(std);
    m_decoder->initRandom(std);
    if (m_projW.defined()) {
        torch::NoGradGuard noGrad;
        m_projW.normal_(0.0, std);
        m_projB.zero_();
    }
}

void VisionEncoderDecoder::setTraining(bool training)
{
    m_encoder->setTraining(training);
    m_decoder->setTraining(training);
}

void VisionEncoderDecoder::to(const torch::TensorOptions &options)
{
    m_encoder->to(options);
    m_decoder->to(options);
    if (m_projW.defined()) {
        m_projW = m_projW.to(options);
        m_projB = m_projB.to(options);
    }
}

} // namespace satgpt::ml
