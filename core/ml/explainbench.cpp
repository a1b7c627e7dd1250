// SPDX-License-Identifier: GPL-3.0-or-later
#include "explainbench.h"

#include "explainer.h"
#include "generation.h"
#include "runtime.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <vector>

namespace satgpt::ml {

namespace {

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

ExplainBenchFigure measure(int repeats, const std::function<void()> &fn)
{
    fn(); // warm-up: allocator, OpenMP pool, first-touch of the weights
    std::vector<double> wall, cpu;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const double c0 = processCpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        fn();
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(processCpuSeconds() - c0);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

} // namespace

Result<ExplainBenchResult> runExplainBench(const ExplainBenchOptions &options)
{
    try {
        torch::manual_seed(options.seed);
        ViTConfig vc;
        GPT2Config gc;
        gc.addCrossAttention = true;
        if (!options.fullSize) {
            vc.hiddenSize = 32;
            vc.numHiddenLayers = 2;
            vc.numAttentionHeads = 4;
            vc.intermediateSize = 37;
            vc.imageSize = 32;
            vc.patchSize = 8;
            gc.vocabSize = 1000;
            gc.nPositions = 64;
            gc.nEmbd = 32;
            gc.nLayer = 2;
            gc.nHead = 4;
        }
        ViTModel encoder(vc, true);
        encoder.initRandom();
        GPT2LMHeadModel decoder(gc);
        decoder.initRandom();
        Explainer explainer(encoder, decoder);

        const auto pixels = torch::randn({1, 3, vc.imageSize, vc.imageSize});
        // Start token + answer; ids below the vocabulary's last (eos) so the whole answer counts.
        auto seqT = torch::randint(0, gc.vocabSize - 1, {1, options.answerTokens + 1}, torch::kLong);
        seqT[0][0] = gc.vocabSize - 1;
        const std::vector<int64_t> seq(seqT.data_ptr<int64_t>(), seqT.data_ptr<int64_t>() + seqT.numel());
        ExplainOptions eo;
        eo.eosTokenId = gc.vocabSize - 1;

        ExplainBenchResult r;
        r.device = "cpu";
        r.threads = runtimeThreads();
        auto timeMethod = [&](ExplainMethod m) {
            eo.method = m;
            return measure(options.repeats, [&] {
                auto e = explainer.explain(pixels, seq, eo);
                if (!e)
                    throw std::runtime_error(e.error().toString());
            });
        };
        r.gradCam = timeMethod(ExplainMethod::GradCam);
        r.gradCamPlusPlus = timeMethod(ExplainMethod::GradCamPlusPlus);
        r.rollout = timeMethod(ExplainMethod::Rollout);
        r.crossAttention = timeMethod(ExplainMethod::CrossAttention);

        const auto T = seqT.size(1) - 1;
        const auto inputIds = seqT.narrow(1, 0, T);
        const auto targets = seqT.narrow(1, 1, T);
        auto decoderScore = [&](const torch::Tensor &states) {
            GPT2Input in;
            in.inputIds = inputIds;
            in.encoderHiddenStates = states;
            const auto logits = decoder.forward(in).logits;
            return logits.gather(2, targets.unsqueeze(-1)).sum();
        };
        r.plainForwardBackward = measure(options.repeats, [&] {
            torch::Tensor states;
            {
                torch::NoGradGuard noGrad;
                states = encoder.forward(pixels).lastHiddenState;
            }
            states.requires_grad_(true);
            const auto score = decoderScore(states);
            auto g = torch::autograd::grad({score}, {states});
            (void)g;
        });
        r.naiveForwardBackward = measure(options.repeats, [&] {
            const auto px = pixels.clone().requires_grad_(true);
            ViTForwardOptions vo;
            vo.outputHiddenStates = true;
            const auto enc = encoder.forward(px, vo);
            const auto score = decoderScore(enc.lastHiddenState);
            auto g = torch::autograd::grad({score}, {enc.hiddenStates.back(), px});
            (void)g;
        });

        const auto question = torch::randint(0, gc.vocabSize - 1, {1, options.questionTokens + 1}, torch::kLong);
        r.firstTokenLatency = measure(options.repeats, [&] {
            torch::InferenceMode inference;
            const auto states = encoder.forward(pixels).lastHiddenState;
            GPT2Cache cache;
            GPT2Input in;
            in.inputIds = question;
            in.encoderHiddenStates = states;
            in.cache = &cache;
            in.lastTokenLogitsOnly = true;
            const auto next = decoder.forward(in).logits.argmax(-1);
            (void)next.item<int64_t>();
        });
        // The whole answer as the chat panel produces it: encode, then greedy tokens with the KV
        // cache (no stop token here, so always `answerTokens` of them).
        GenerationParams answer;
        answer.maxNewTokens = options.answerTokens;
        r.fullAnswerLatency = measure(options.repeats, [&] {
            torch::InferenceMode inference;
            const auto states = encoder.forward(pixels).lastHiddenState;
            (void)generate(decoder, question, states, {}, answer);
        });
        return r;
    } catch (const c10::Error &e) {
        return makeError("The explainability benchmark failed", {}, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("The explainability benchmark failed", {}, e.what());
    }
}

} // namespace satgpt::ml
