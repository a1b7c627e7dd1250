// SPDX-License-Identifier: GPL-3.0-or-later
#include "explainsession.h"

#include "explainer.h"
#include "trainingmodel.h"
#include "visionlanguagemodel.h"

namespace satgpt::ml {

struct ExplainSession::Private
{
    std::unique_ptr<TrainingModel> model;
    std::unique_ptr<Explainer> explainer;
};

ExplainSession::ExplainSession()
    : d(std::make_unique<Private>())
{
}

ExplainSession::~ExplainSession() = default;

Result<std::unique_ptr<ExplainSession>> ExplainSession::load(const std::string &modelDir)
{
    try {
        auto tm = TrainingModel::load(modelDir, 0);
        if (!tm)
            return tm.error();
        std::unique_ptr<ExplainSession> s(new ExplainSession);
        s->d->model = std::move(tm.value());
        s->d->model->model().setTraining(false);
        s->d->explainer = std::make_unique<Explainer>(s->d->model->model());
        return s;
    } catch (const c10::Error &e) {
        return makeError("Could not load the model", modelDir, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not load the model", modelDir, e.what());
    }
}

int ExplainSession::imageSize() const
{
    return static_cast<int>(d->model->transform().imageSize);
}

std::optional<int64_t> ExplainSession::eosTokenId() const
{
    return d->model->codec().eosId();
}

Result<ExplainedAnswer> ExplainSession::answer(const ImageRGB8 &image, const std::string &question, int maxNewTokens)
{
    try {
        if (!image.isValid())
            return makeError("The image is empty or malformed");
        torch::InferenceMode inference;
        const auto &vedModel = d->model->model();
        const auto &codec = d->model->codec();
        ExplainedAnswer a;
        a.sequence.push_back(codec.startId());
        if (!question.empty()) {
            // The same prompt as VisionLanguageModel::generate and fine-tuning use.
            const auto q = codec.encode(VisionLanguageModel::questionPrompt(question));
            a.sequence.insert(a.sequence.end(), q.begin(), q.end());
        }
        a.promptLength = static_cast<int64_t>(a.sequence.size());
        const auto pixels = imageToTensor(image, d->model->transform()).unsqueeze(0);
        const auto states = vedModel.encode(pixels);
        GPT2Cache cache;
        torch::Tensor next = torch::tensor(a.sequence, torch::kLong).unsqueeze(0);
        const auto maxPositions = vedModel.decoder().config().nPositions;
        for (int step = 0; step < maxNewTokens && int64_t(a.sequence.size()) < maxPositions; ++step) {
            GPT2Input in;
            in.inputIds = next;
            in.encoderHiddenStates = states;
            in.cache = &cache;
            in.lastTokenLogitsOnly = true;
            const int64_t id = vedModel.decoder().forward(in).logits.select(1, 0).argmax(-1).item<int64_t>();
            a.sequence.push_back(id);
            if (id == codec.eosId())
                break;
            next = torch::full({1, 1}, id, torch::kLong);
        }
        auto ids = a.answerIds();
        if (!ids.empty() && ids.back() == codec.eosId())
            ids.pop_back();
        a.text = codec.decode(ids);
        return a;
    } catch (const c10::Error &e) {
        return makeError("Could not answer", {}, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not answer", {}, e.what());
    }
}

Result<Explanation> ExplainSession::explain(const ImageRGB8 &image, const ExplainedAnswer &answer, ExplainOptions options)
{
    try {
        options.promptLength = answer.promptLength;
        options.eosTokenId = d->model->codec().eosId();
        const auto pixels = imageToTensor(image, d->model->transform());
        return d->explainer->explain(pixels, answer.sequence, options);
    } catch (const c10::Error &e) {
        return makeError("Could not compute the explanation", {}, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("Could not compute the explanation", {}, e.what());
    }
}

} // namespace satgpt::ml
