// SPDX-License-Identifier: GPL-3.0-or-later
#include "generation.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace satgpt::ml {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

/// Runs one decoder step and returns the last position's logits [N, V] in float32.
struct Stepper
{
    const GPT2LMHeadModel &decoder;
    torch::Tensor encoder;
    torch::Tensor mask; // [N, total] or undefined
    GPT2Cache cache;

    torch::Tensor step(const torch::Tensor &ids)
    {
        GPT2Input in;
        in.inputIds = ids;
        in.cache = &cache;
        in.lastTokenLogitsOnly = true;
        if (cache.empty() && encoder.defined())
            in.encoderHiddenStates = encoder;
        if (mask.defined()) {
            in.attentionMask = mask;
            // HF generate: position_ids = cumsum(mask) - 1, masked positions set to 1.
            auto pos = mask.cumsum(1) - 1;
            pos.masked_fill_(mask == 0, 1);
            in.positionIds = pos.narrow(1, pos.size(1) - ids.size(1), ids.size(1));
        }
        auto out = decoder.forward(in);
        return out.logits.select(1, 0).to(torch::kFloat32);
    }
    void extendMask(int64_t n)
    {
        if (mask.defined())
            mask = torch::cat({mask, torch::ones({mask.size(0), 1}, mask.options())}, 1);
        (void)n;
    }
};

bool isEos(int64_t token, const std::vector<int64_t> &eos)
{
    return std::find(eos.begin(), eos.end(), token) != eos.end();
}

void processLogits(torch::Tensor &scores, const torch::Tensor &ids, const GenerationParams &p)
{
    if (p.repetitionPenalty != 1.0)
        applyRepetitionPenalty(scores, ids, p.repetitionPenalty);
    if (p.noRepeatNgramSize > 0)
        applyNoRepeatNgram(scores, ids, p.noRepeatNgramSize);
}

void applyWarpers(torch::Tensor &scores, const GenerationParams &p)
{
    if (p.temperature != 1.0 && p.temperature > 0)
        scores.div_(p.temperature);
    if (p.topK > 0)
        applyTopK(scores, p.topK);
    if (p.topP < 1.0)
        applyTopP(scores, p.topP);
}

GenerationOutput greedyOrSample(Stepper &s, torch::Tensor ids, const GenerationParams &p, const GenerationStepCallback &cb)
{
    GenerationOutput out;
    const auto N = ids.size(0);
    auto unfinished = torch::ones({N}, torch::kLong);
    c10::optional<at::Generator> gen;
    if (p.doSample && p.seed)
        gen = at::detail::createCPUGenerator(*p.seed);
    torch::Tensor next = ids;
    for (int64_t step = 0; step < p.maxNewTokens; ++step) {
        auto scores = s.step(step == 0 ? ids : next.unsqueeze(1).to(ids.device())).cpu();
        auto idsCpu = ids.cpu();
        processLogits(scores, idsCpu, p);
        torch::Tensor chosen;
        if (p.doSample) {
            applyWarpers(scores, p);
            auto probs = at::softmax(scores, -1);
            chosen = at::multinomial(probs, 1, false, gen).squeeze(1);
        } else {
            chosen = scores.argmax(-1);
        }
        if (p.outputScores)
            out.scores.push_back(scores);
        chosen = chosen * unfinished + p.padTokenId * (1 - unfinished);
        next = chosen;
        ids = torch::cat({ids, chosen.unsqueeze(1).to(ids.device())}, 1);
        s.extendMask(1);
        std::vector<int64_t> toks(static_cast<size_t>(N));
        auto acc = chosen.accessor<int64_t, 1>();
        for (int64_t i = 0; i < N; ++i) {
            toks[static_cast<size_t>(i)] = acc[i];
            if (unfinished[i].item<int64_t>() && isEos(acc[i], p.eosTokenIds))
                unfinished[i] = 0;
        }
        if (cb && !cb(toks, step)) {
            out.canceled = true;
            break;
        }
        if (unfinished.max().item<int64_t>() == 0)
            break;
    }
    out.sequences = ids.cpu();
    return out;
}

struct BeamHyps
{
    int64_t numBeams;
    double lengthPenalty;
    bool earlyStopping;
    std::vector<std::pair<double, std::vector<int64_t>>> beams;
    double worst = 1e9;

    void add(std::vector<int64_t> hyp, double sumLogprobs, int64_t generatedLen)
    {
        const double score = sumLogprobs / std::pow(static_cast<double>(generatedLen), lengthPenalty);
        if (static_cast<int64_t>(beams.size()) < numBeams || score > worst) {
            beams.emplace_back(score, std::move(hyp));
            if (static_cast<int64_t>(beams.size()) > numBeams) {
                auto worstIt = std::min_element(beams.begin(), beams.end(),
                                                [](const auto &a, const auto &b) { return a.first < b.first; });
                beams.erase(worstIt);
                worst = std::min_element(beams.begin(), beams.end(), [](const auto &a, const auto &b) {
                            return a.first < b.first;
                        })->first;
            } else {
                worst = std::min(score, worst);
            }
        }
    }
    bool isDone(double bestSumLogprobs, int64_t curLen, int64_t promptLen) const
    {
        if (static_cast<int64_t>(beams.size()) < numBeams)
            return false;
        if (earlyStopping)
            return true;
        const double highest = bestSumLogprobs / std::pow(static_cast<double>(curLen - promptLen), lengthPenalty);
        return worst >= highest;
    }
};

GenerationOutput beamSearch(Stepper &s, torch::Tensor ids, const GenerationParams &p, const GenerationStepCallback &cb)
{
    GenerationOutput out;
    const int64_t nb = p.numBeams;
    const int64_t N = ids.size(0); // already expanded: B * nb
    const int64_t B = N / nb;
    const int64_t promptLen = ids.size(1);
    const int64_t maxLen = promptLen + p.maxNewTokens;
    std::vector<BeamHyps> hyps(static_cast<size_t>(B), BeamHyps{nb, p.lengthPenalty, p.earlyStopping, {}, 1e9});
    std::vector<bool> done(static_cast<size_t>(B), false);
    auto beamScores = torch::zeros({B, nb}, torch::kFloat32);
    beamScores.narrow(1, 1, nb - 1).fill_(-1e9);
    beamScores = beamScores.view({N});
    const int64_t nEos = static_cast<int64_t>(p.eosTokenIds.size());
    torch::Tensor lastTokens;
    bool first = true;

    while (ids.size(1) < maxLen) {
        auto logits = s.step(first ? ids : lastTokens.unsqueeze(1).to(ids.device())).cpu();
        first = false;
        auto idsCpu = ids.cpu();
        auto scores = at::log_softmax(logits, -1);
        processLogits(scores, idsCpu, p);
        const int64_t V = scores.size(1);
        auto next = (scores + beamScores.unsqueeze(1)).view({B, nb * V});
        const int64_t keep = std::max<int64_t>(2, 1 + nEos) * nb;
        auto top = next.topk(keep, 1, true, true);
        auto topScores = std::get<0>(top), topTokens = std::get<1>(top);
        auto nextIndices = topTokens.div(V, "floor");
        auto nextTokens = topTokens.remainder(V);
        const int64_t curLen = idsCpu.size(1) + 1;

        auto newScores = torch::zeros({B, nb}, torch::kFloat32);
        auto newTokens = torch::full({B, nb}, p.padTokenId, torch::kLong);
        auto newIdx = torch::zeros({B, nb}, torch::kLong);
        auto sA = topScores.accessor<float, 2>();
        auto tA = nextTokens.accessor<int64_t, 2>();
        auto iA = nextIndices.accessor<int64_t, 2>();
        auto idsA = idsCpu.accessor<int64_t, 2>();
        for (int64_t b = 0; b < B; ++b) {
            if (done[static_cast<size_t>(b)]) {
                for (int64_t j = 0; j < nb; ++j)
                    newIdx[b][j] = b * nb;
                continue;
            }
            int64_t beamIdx = 0;
            for (int64_t rank = 0; rank < keep; ++rank) {
                const int64_t token = tA[b][rank];
                const int64_t bbi = b * nb + iA[b][rank];
                if (nEos > 0 && isEos(token, p.eosTokenIds)) {
                    if (rank >= nb)
                        continue;
                    std::vector<int64_t> hyp(static_cast<size_t>(idsCpu.size(1)));
                    for (int64_t t = 0; t < idsCpu.size(1); ++t)
                        hyp[static_cast<size_t>(t)] = idsA[bbi][t];
                    hyps[static_cast<size_t>(b)].add(std::move(hyp), sA[b][rank], curLen - promptLen);
                } else {
                    newScores[b][beamIdx] = sA[b][rank];
                    newTokens[b][beamIdx] = token;
                    newIdx[b][beamIdx] = bbi;
                    ++beamIdx;
                }
                if (beamIdx == nb)
                    break;
            }
            done[static_cast<size_t>(b)] = done[static_cast<size_t>(b)]
                || hyps[static_cast<size_t>(b)].isDone(topScores[b].max().item<double>(), curLen, promptLen);
        }
        beamScores = newScores.view({N});
        lastTokens = newTokens.view({N});
        auto beamIdx = newIdx.view({N});
        ids = torch::cat({idsCpu.index_select(0, beamIdx), lastTokens.unsqueeze(1)}, 1).to(ids.device());
        s.cache.reorder(beamIdx.to(ids.device()), true);
        if (s.mask.defined())
            s.mask = s.mask.index_select(0, beamIdx.to(s.mask.device()));
        s.extendMask(1);
        if (cb && !cb({}, ids.size(1) - promptLen - 1)) {
            out.canceled = true;
            break;
        }
        if (std::all_of(done.begin(), done.end(), [](bool d) { return d; }))
            break;
    }

    // Finalise: open beams compete with the finished hypotheses.
    auto idsCpu = ids.cpu();
    auto idsA = idsCpu.accessor<int64_t, 2>();
    for (int64_t b = 0; b < B; ++b) {
        if (done[static_cast<size_t>(b)])
            continue;
        for (int64_t j = 0; j < nb; ++j) {
            const int64_t bbi = b * nb + j;
            std::vector<int64_t> hyp(static_cast<size_t>(idsCpu.size(1)));
            for (int64_t t = 0; t < idsCpu.size(1); ++t)
                hyp[static_cast<size_t>(t)] = idsA[bbi][t];
            hyps[static_cast<size_t>(b)].add(std::move(hyp), beamScores[bbi].item<double>(), idsCpu.size(1) - promptLen);
        }
    }
    std::vector<std::vector<int64_t>> best(static_cast<size_t>(B));
    auto seqScores = torch::zeros({B}, torch::kFloat32);
    size_t maxLenOut = 0;
    for (int64_t b = 0; b < B; ++b) {
        auto &hb = hyps[static_cast<size_t>(b)].beams;
        auto it = std::max_element(hb.begin(), hb.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
        best[static_cast<size_t>(b)] = it->second;
        seqScores[b] = it->first;
        maxLenOut = std::max(maxLenOut, it->second.size());
    }
    const int64_t outLen = std::min<int64_t>(static_cast<int64_t>(maxLenOut) + 1, maxLen);
    auto seqs = torch::full({B, outLen}, p.padTokenId, torch::kLong);
    for (int64_t b = 0; b < B; ++b) {
        const auto &h = best[static_cast<size_t>(b)];
        for (size_t t = 0; t < h.size() && static_cast<int64_t>(t) < outLen; ++t)
            seqs[b][static_cast<int64_t>(t)] = h[t];
        if (static_cast<int64_t>(h.size()) < outLen && nEos > 0)
            seqs[b][static_cast<int64_t>(h.size())] = p.eosTokenIds.front();
    }
    out.sequences = seqs;
    out.sequenceScores = seqScores;
    return out;
}

} // namespace

void applyRepetitionPenalty(torch::Tensor &scores, const torch::Tensor &inputIds, double penalty)
{
    auto ids = inputIds.to(scores.device());
    auto score = scores.gather(1, ids);
    score = torch::where(score < 0, score * penalty, score / penalty);
    scores.scatter_(1, ids, score);
}

void applyNoRepeatNgram(torch::Tensor &scores, const torch::Tensor &inputIds, int64_t n)
{
    const int64_t len = inputIds.size(1);
    if (len + 1 < n)
        return;
    auto ids = inputIds.cpu().contiguous();
    auto a = ids.accessor<int64_t, 2>();
    for (int64_t r = 0; r < ids.size(0); ++r) {
        for (int64_t i = 0; i + n <= len; ++i) {
            bool match = true;
            for (int64_t k = 0; k < n - 1 && match; ++k)
                match = a[r][i + k] == a[r][len - (n - 1) + k];
            if (match)
                scores[r][a[r][i + n - 1]] = kNegInf;
        }
    }
}

void applyTopK(torch::Tensor &scores, int64_t k)
{
    k = std::min<int64_t>(std::max<int64_t>(k, 1), scores.size(-1));
    auto kth = std::get<0>(scores.topk(k, -1)).narrow(-1, k - 1, 1);
    scores.masked_fill_(scores < kth, kNegInf);
}

void applyTopP(torch::Tensor &scores, double p)
{
    auto sorted = scores.sort(-1, false);
    auto sortedLogits = std::get<0>(sorted), sortedIdx = std::get<1>(sorted);
    auto cum = sortedLogits.softmax(-1).cumsum(-1);
    auto remove = cum <= (1.0 - p);
    remove.narrow(-1, remove.size(-1) - 1, 1).fill_(false);
    auto mask = remove.scatter(1, sortedIdx, remove);
    scores.masked_fill_(mask, kNegInf);
}

GenerationOutput generate(const GPT2LMHeadModel &decoder, const torch::Tensor &inputIds,
                          const torch::Tensor &encoderHiddenStates, const torch::Tensor &attentionMask,
                          const GenerationParams &params, const GenerationStepCallback &onStep)
{
    if (inputIds.dim() != 2 || inputIds.size(1) < 1)
        throw std::invalid_argument("generate needs input ids of shape [batch, length >= 1]");
    if (params.numBeams < 1 || params.maxNewTokens < 0)
        throw std::invalid_argument("num_beams must be >= 1 and max_new_tokens >= 0");
    const auto device = decoder.wte().device();
    Stepper s{decoder, encoderHiddenStates, attentionMask.defined() ? attentionMask.to(device) : torch::Tensor(), {}};
    torch::Tensor ids = inputIds.to(device);
    if (params.maxNewTokens == 0) {
        GenerationOutput out;
        out.sequences = ids.cpu();
        return out;
    }
    if (params.numBeams > 1 && !params.doSample) {
        ids = ids.repeat_interleave(params.numBeams, 0);
        if (s.encoder.defined())
            s.encoder = s.encoder.repeat_interleave(params.numBeams, 0);
        if (s.mask.defined())
            s.mask = s.mask.repeat_interleave(params.numBeams, 0);
        return beamSearch(s, ids, params, onStep);
    }
    return greedyOrSample(s, ids, params, onStep);
}

} // namespace satgpt::ml
