// SPDX-License-Identifier: GPL-3.0-or-later
// Parity of the C++ ViT / GPT-2 / VisionEncoderDecoder with HF transformers 4.47.1 (reference
// outputs in ../shared/fixtures/hf-parity), checkpoint load/save, preprocessing and generation.

#include "core/ml/fusedadamw.h"
#include "core/ml/gemm.h"
#include "core/ml/generation.h"
#include "core/ml/hfcheckpoint.h"
#include "core/ml/imageprocessor.h"
#include "core/ml/layers.h"
#include "core/ml/tensorio.h"

#include "tests/common/testsupport.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace satgpt;
using namespace satgpt::ml;

namespace {

std::string fixture(const std::string &rel)
{
    return test::sharedPath(QStringLiteral("fixtures/hf-parity/")).toStdString() + rel;
}

TensorMap data(const std::string &file)
{
    auto r = readSafetensors(fixture("data/" + file));
    if (!r)
        qFatal("cannot read %s: %s", file.c_str(), r.error().toString().c_str());
    return std::move(r).value();
}

/// Empty when |a - e| <= atol + rtol |e| everywhere; otherwise a description of the worst entry.
std::string closeness(const torch::Tensor &actual, const torch::Tensor &expected, double atol, double rtol)
{
    if (actual.sizes() != expected.sizes()) {
        std::ostringstream os;
        os << "shape " << actual.sizes() << " vs expected " << expected.sizes();
        return os.str();
    }
    auto a = actual.to(torch::kFloat64), e = expected.to(torch::kFloat64);
    auto diff = (a - e).abs();
    auto excess = diff - (atol + rtol * e.abs());
    if (excess.max().item<double>() <= 0)
        return {};
    std::ostringstream os;
    os << "max |diff| " << diff.max().item<double>() << " exceeds atol " << atol << " rtol " << rtol;
    return os.str();
}

} // namespace

#define CHECK_CLOSE(actual, expected, atol, rtol)                                                         \
    do {                                                                                                  \
        const std::string why_ = closeness((actual), (expected), (atol), (rtol));                        \
        QVERIFY2(why_.empty(), (std::string(#actual) + ": " + why_).c_str());                            \
    } while (0)

class TestModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void vitParity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("vit_tiny.safetensors");
        auto model = loadViT(fixture("models/vit_tiny"));
        QVERIFY2(model.ok(), model ? "" : model.error().toString().c_str());
        torch::InferenceMode guard;
        ViTForwardOptions o;
        o.outputAttentions = o.outputHiddenStates = true;
        auto out = (*model)->forward(ref.at("pixel_values"), o);
        CHECK_CLOSE(out.lastHiddenState, ref.at("last_hidden_state"), 1e-4, 1e-4);
        CHECK_CLOSE(out.poolerOutput, ref.at("pooler_output"), 1e-4, 1e-4);
        QCOMPARE(out.hiddenStates.size(), size_t(3));
        QCOMPARE(out.attentions.size(), size_t(2));
        for (int i = 0; i < 3; ++i)
            CHECK_CLOSE(out.hiddenStates[i], ref.at("hidden_states." + std::to_string(i)), 1e-4, 1e-4);
        for (int i = 0; i < 2; ++i)
            CHECK_CLOSE(out.attentions[i], ref.at("attentions." + std::to_string(i)), 1e-5, 0);
    }

    void vitInterpolatesPositions()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto model = loadViT(fixture("models/vit_tiny"));
        QVERIFY(model.ok());
        torch::InferenceMode guard;
        auto px = torch::randn({1, 3, 48, 48});
        ViTForwardOptions o;
        QVERIFY_EXCEPTION_THROWN((*model)->forward(px, o), std::invalid_argument);
        o.interpolatePosEncoding = true;
        auto out = (*model)->forward(px, o);
        QCOMPARE(out.lastHiddenState.size(1), int64_t(1 + 6 * 6));
        // At the native size interpolation is the identity.
        auto ref = data("vit_tiny.safetensors");
        auto same = (*model)->forward(ref.at("pixel_values"), o);
        CHECK_CLOSE(same.lastHiddenState, ref.at("last_hidden_state"), 1e-4, 1e-4);
    }

    void gpt2Parity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("gpt2_tiny.safetensors");
        auto model = loadGPT2(fixture("models/gpt2_tiny"));
        QVERIFY2(model.ok(), model ? "" : model.error().toString().c_str());
        torch::InferenceMode guard;
        GPT2Input in;
        in.inputIds = ref.at("input_ids");
        in.attentionMask = ref.at("attention_mask");
        in.outputAttentions = in.outputHiddenStates = in.outputPresents = true;
        auto out = (*model)->forward(in);
        CHECK_CLOSE(out.logits, ref.at("logits"), 1e-4, 1e-4);
        QCOMPARE(out.hiddenStates.size(), size_t(3));
        for (int i = 0; i < 3; ++i)
            CHECK_CLOSE(out.hiddenStates[i], ref.at("hidden_states." + std::to_string(i)), 1e-4, 1e-4);
        for (int i = 0; i < 2; ++i) {
            const std::string n = std::to_string(i);
            CHECK_CLOSE(out.attentions[i], ref.at("attentions." + n), 1e-5, 0);
            CHECK_CLOSE(out.presentKey[i], ref.at("present." + n + ".key"), 1e-4, 1e-4);
            CHECK_CLOSE(out.presentValue[i], ref.at("present." + n + ".value"), 1e-4, 1e-4);
        }

        GPT2Input padded;
        padded.inputIds = ref.at("padded.input_ids");
        padded.attentionMask = ref.at("padded.attention_mask");
        padded.outputAttentions = true;
        auto pout = (*model)->forward(padded);
        CHECK_CLOSE(pout.logits, ref.at("padded.logits"), 1e-4, 1e-4);
        for (int i = 0; i < 2; ++i)
            CHECK_CLOSE(pout.attentions[i], ref.at("padded.attentions." + std::to_string(i)), 1e-5, 0);

        GPT2Cache cache;
        GPT2Input prefix;
        prefix.inputIds = ref.at("kvstep.prefix_ids");
        prefix.cache = &cache;
        CHECK_CLOSE((*model)->forward(prefix).logits, ref.at("kvstep.prefix_logits"), 1e-4, 1e-4);
        QCOMPARE(cache.length(), int64_t(7));
        GPT2Input step;
        step.inputIds = ref.at("kvstep.step_ids");
        step.cache = &cache;
        CHECK_CLOSE((*model)->forward(step).logits, ref.at("kvstep.step_logits"), 1e-4, 1e-4);
        QCOMPARE(cache.length(), int64_t(10));
    }

    void gpt2CrossAttentionParity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("gpt2_tiny_xattn.safetensors");
        auto model = loadGPT2(fixture("models/gpt2_tiny_xattn"));
        QVERIFY2(model.ok(), model ? "" : model.error().toString().c_str());
        torch::InferenceMode guard;
        GPT2Input in;
        in.inputIds = ref.at("input_ids");
        in.encoderHiddenStates = ref.at("encoder_hidden_states");
        in.outputAttentions = in.outputHiddenStates = true;
        auto out = (*model)->forward(in);
        CHECK_CLOSE(out.logits, ref.at("logits"), 1e-4, 1e-4);
        for (int i = 0; i < 3; ++i)
            CHECK_CLOSE(out.hiddenStates[i], ref.at("hidden_states." + std::to_string(i)), 1e-4, 1e-4);
        for (int i = 0; i < 2; ++i) {
            CHECK_CLOSE(out.attentions[i], ref.at("attentions." + std::to_string(i)), 1e-5, 0);
            CHECK_CLOSE(out.crossAttentions[i], ref.at("cross_attentions." + std::to_string(i)), 1e-5, 0);
        }
    }

    void visionEncoderDecoderParity_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::newRow("safetensors") << "models/vit_gpt2_tiny";
        QTest::newRow("pytorch_model.bin") << "models/vit_gpt2_tiny_bin";
    }
    void visionEncoderDecoderParity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QFETCH(QString, dir);
        auto ref = data("vit_gpt2_tiny.safetensors");
        HfFolderInfo info;
        auto model = loadVisionEncoderDecoder(fixture(dir.toStdString()), {}, &info);
        QVERIFY2(model.ok(), model ? "" : model.error().toString().c_str());
        QVERIFY(!(*model)->hasEncToDecProj());
        torch::InferenceMode guard;
        VisionEncoderDecoderForward in;
        in.pixelValues = ref.at("pixel_values");
        in.decoderInputIds = ref.at("decoder_input_ids");
        in.outputAttentions = in.outputHiddenStates = true;
        auto out = (*model)->forward(in);
        CHECK_CLOSE(out.logits, ref.at("logits"), 1e-4, 1e-4);
        CHECK_CLOSE(out.encoder.lastHiddenState, ref.at("encoder_last_hidden_state"), 1e-4, 1e-4);
        for (int i = 0; i < 2; ++i) {
            const std::string n = std::to_string(i);
            CHECK_CLOSE(out.encoder.attentions[i], ref.at("encoder_attentions." + n), 1e-5, 0);
            CHECK_CLOSE(out.decoder.attentions[i], ref.at("decoder_attentions." + n), 1e-5, 0);
            CHECK_CLOSE(out.decoder.crossAttentions[i], ref.at("cross_attentions." + n), 1e-5, 0);
        }
        for (int i = 0; i < 3; ++i)
            CHECK_CLOSE(out.decoder.hiddenStates[i], ref.at("decoder_hidden_states." + std::to_string(i)), 1e-4, 1e-4);

        VisionEncoderDecoderForward train;
        train.pixelValues = ref.at("pixel_values");
        train.labels = ref.at("train.labels");
        auto tout = (*model)->forward(train);
        CHECK_CLOSE(tout.logits, ref.at("train.logits"), 1e-4, 1e-4);
        CHECK_CLOSE(tout.loss, ref.at("train.loss"), 1e-5, 1e-5);
    }

    void shiftTokensRight()
    {
        auto labels = torch::tensor({5, 6, -100, 7}, torch::kLong).view({1, 4});
        auto shifted = VisionEncoderDecoder::shiftTokensRight(labels, 99, 42);
        QCOMPARE(shifted.view({-1})[0].item<int64_t>(), int64_t(42));
        QCOMPARE(shifted.view({-1})[1].item<int64_t>(), int64_t(5));
        QCOMPARE(shifted.view({-1})[3].item<int64_t>(), int64_t(99)); // -100 became pad
    }

    void greedyGenerationParity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("generate.safetensors");
        torch::InferenceMode guard;

        auto gpt2 = loadGPT2(fixture("models/gpt2_tiny"));
        QVERIFY(gpt2.ok());
        GenerationParams p;
        p.maxNewTokens = 12;
        p.eosTokenIds = {999};
        p.padTokenId = 999;
        p.outputScores = true;
        auto g = generate(**gpt2, ref.at("gpt2.prompt_ids"), {}, {}, p);
        QVERIFY(torch::equal(g.sequences, ref.at("gpt2.sequences")));
        QCOMPARE(int64_t(g.scores.size()), ref.at("gpt2.scores").size(0));
        CHECK_CLOSE(torch::stack(g.scores), ref.at("gpt2.scores"), 1e-4, 1e-4);

        for (const std::string &prefix : {std::string("ved"), std::string("ved_eos_variant")}) {
            for (const char *dir : {"models/vit_gpt2_tiny", "models/vit_gpt2_tiny_bin"}) {
                auto ved = loadVisionEncoderDecoder(fixture(dir));
                QVERIFY(ved.ok());
                GenerationParams vp = p;
                if (prefix == "ved_eos_variant")
                    vp.eosTokenIds = {ref.at("ved_eos_variant.eos_token_id").item<int64_t>()};
                auto enc = (*ved)->encode(ref.at("ved.pixel_values"));
                auto start = torch::full({2, 1}, (*ved)->decoderStartTokenId(), torch::kLong);
                auto out = generate((*ved)->decoder(), start, enc, {}, vp);
                QVERIFY2(torch::equal(out.sequences, ref.at(prefix + ".sequences")), (prefix + " " + dir).c_str());
                const auto refScores = ref.at(prefix + ".scores");
                // HF keeps stepping (and scoring) until every row is done.
                QCOMPARE(int64_t(out.scores.size()), refScores.size(0));
                CHECK_CLOSE(torch::stack(out.scores), refScores, 1e-4, 1e-4);
            }
        }
    }

    void streamingCancelStopsWithinOneToken()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("generate.safetensors");
        auto ved = loadVisionEncoderDecoder(fixture("models/vit_gpt2_tiny"));
        QVERIFY(ved.ok());
        torch::InferenceMode guard;
        GenerationParams p;
        p.maxNewTokens = 12;
        p.eosTokenIds = {999};
        p.padTokenId = 999;
        auto enc = (*ved)->encode(ref.at("ved.pixel_values").narrow(0, 0, 1));
        auto start = torch::full({1, 1}, (*ved)->decoderStartTokenId(), torch::kLong);
        std::vector<int64_t> streamed;
        auto out = generate((*ved)->decoder(), start, enc, {}, p, [&](const std::vector<int64_t> &t, int64_t) {
            streamed.push_back(t.at(0));
            return streamed.size() < 3;
        });
        QVERIFY(out.canceled);
        QCOMPARE(streamed.size(), size_t(3));
        QCOMPARE(out.sequences.size(1), int64_t(1 + 3));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(streamed[size_t(i)], ref.at("ved.sequences")[0][i + 1].item<int64_t>());
    }

    void beamSearchAndProcessors()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("generate.safetensors");
        auto ved = loadVisionEncoderDecoder(fixture("models/vit_gpt2_tiny"));
        QVERIFY(ved.ok());
        torch::InferenceMode guard;
        auto enc = (*ved)->encode(ref.at("ved.pixel_values"));
        auto start = torch::full({2, 1}, (*ved)->decoderStartTokenId(), torch::kLong);
        GenerationParams p;
        p.maxNewTokens = 12;
        p.eosTokenIds = {999};
        p.padTokenId = 999;
        // One beam is greedy.
        p.numBeams = 1;
        auto greedy = generate((*ved)->decoder(), start, enc, {}, p);
        QVERIFY(torch::equal(greedy.sequences, ref.at("ved.sequences")));
        // Beam search: each returned score is the sum of its tokens' log-probabilities (length
        // penalty 0), up to and including the eos that ended it.
        p.numBeams = 4;
        p.lengthPenalty = 0.0;
        auto beams = generate((*ved)->decoder(), start, enc, {}, p);
        QCOMPARE(beams.sequences.size(0), int64_t(2));
        QVERIFY(beams.sequences.size(1) <= 13);
        for (int64_t r = 0; r < 2; ++r) {
            auto ids = beams.sequences.narrow(0, r, 1);
            int64_t len = ids.size(1);
            for (int64_t t = 1; t < ids.size(1); ++t)
                if (ids[0][t].item<int64_t>() == 999) {
                    len = t + 1;
                    break;
                }
            ids = ids.narrow(1, 0, len);
            VisionEncoderDecoderForward in;
            in.pixelValues = ref.at("ved.pixel_values").narrow(0, r, 1);
            in.decoderInputIds = ids.narrow(1, 0, len - 1);
            auto lp = at::log_softmax((*ved)->forward(in).logits, -1);
            const double sum = lp.gather(2, ids.narrow(1, 1, len - 1).unsqueeze(2)).sum().item<double>();
            QVERIFY2(std::abs(sum - beams.sequenceScores[r].item<double>()) < 1e-3,
                     (std::to_string(sum) + " vs " + std::to_string(beams.sequenceScores[r].item<double>())).c_str());
            // and it is at least as likely as the greedy continuation of the same length
        }
        // no_repeat_ngram_size 1: no token repeats among the generated ones.
        p.numBeams = 1;
        p.noRepeatNgramSize = 1;
        auto norep = generate((*ved)->decoder(), start, enc, {}, p);
        for (int64_t r = 0; r < 2; ++r) {
            std::set<int64_t> seen;
            for (int64_t t = 0; t < norep.sequences.size(1); ++t) {
                const auto tok = norep.sequences[r][t].item<int64_t>();
                if (tok == 999)
                    continue;
                QVERIFY2(seen.insert(tok).second, "token repeated despite no_repeat_ngram_size=1");
            }
        }
        // Sampling: same seed, same ids; top_k = 1 equals greedy.
        p.noRepeatNgramSize = 0;
        p.doSample = true;
        p.seed = 1234;
        p.topK = 20;
        p.topP = 0.9;
        auto s1 = generate((*ved)->decoder(), start, enc, {}, p);
        auto s2 = generate((*ved)->decoder(), start, enc, {}, p);
        QVERIFY(torch::equal(s1.sequences, s2.sequences));
        p.topK = 1;
        p.topP = 1.0;
        auto s3 = generate((*ved)->decoder(), start, enc, {}, p);
        QVERIFY(torch::equal(s3.sequences, ref.at("ved.sequences")));
    }

    void logitsProcessors()
    {
        auto scores = torch::tensor({2.0f, -2.0f, 1.0f, 0.5f}).view({1, 4});
        auto ids = torch::tensor({0, 1}, torch::kLong).view({1, 2});
        applyRepetitionPenalty(scores, ids, 2.0);
        QCOMPARE(scores[0][0].item<float>(), 1.0f);
        QCOMPARE(scores[0][1].item<float>(), -4.0f);
        QCOMPARE(scores[0][2].item<float>(), 1.0f);
        auto s2 = torch::zeros({1, 5});
        auto seq = torch::tensor({1, 2, 3, 1}, torch::kLong).view({1, 4});
        applyNoRepeatNgram(s2, seq, 2); // "1 2" seen: after 1, 2 is banned
        QVERIFY(std::isinf(s2[0][2].item<float>()));
        QCOMPARE(s2[0][3].item<float>(), 0.0f);
        auto s3 = torch::tensor({1.0f, 3.0f, 2.0f, 0.0f}).view({1, 4});
        applyTopK(s3, 2);
        QVERIFY(std::isinf(s3[0][0].item<float>()) && std::isinf(s3[0][3].item<float>()));
        QCOMPARE(s3[0][1].item<float>(), 3.0f);
        auto s4 = torch::tensor({0.0f, 10.0f, 0.0f}).view({1, 3});
        applyTopP(s4, 0.5);
        QVERIFY(std::isinf(s4[0][0].item<float>()) && !std::isinf(s4[0][1].item<float>()));
    }

    void preprocessParity()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        auto ref = data("preprocess.safetensors");
        auto cfgJson = readJsonFile(fixture("models/vit_tiny/preprocessor_config.json"));
        QVERIFY(cfgJson.ok());
        auto cfg = ImageProcessorConfig::fromJson(cfgJson.value());
        QVERIFY(cfg.ok());
        auto images = ref.at("image_u8").contiguous();
        for (int64_t b = 0; b < 2; ++b) {
            auto img = images[b].contiguous();
            auto px = ImageProcessor::preprocess(img.data_ptr<uint8_t>(), 32, 32, 32 * 3, cfg.value());
            CHECK_CLOSE(px, ref.at("pixel_values")[b], 1e-6, 0);
        }
        auto big = ref.at("big_image_u8").contiguous();
        auto px = ImageProcessor::preprocess(big.data_ptr<uint8_t>(), 60, 45, 60 * 3, cfg.value());
        CHECK_CLOSE(px, ref.at("big_pixel_values")[0], 1.0 / 127.5 + 1e-6, 0);
        // Pillow's integer arithmetic is reproduced exactly, not only within one step.
        CHECK_CLOSE(px, ref.at("big_pixel_values")[0], 1e-6, 0);
    }

    void saveLoadRoundTrip()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::string dir = tmp.filePath(QStringLiteral("saved")).toStdString();
        HfFolderInfo info;
        auto model = loadVisionEncoderDecoder(fixture("models/vit_gpt2_tiny_bin"), {}, &info);
        QVERIFY(model.ok());
        // The .bin holds the tied lm_head; it is ignored, not an error.
        QVERIFY(std::find(info.ignoredTensors.begin(), info.ignoredTensors.end(), "decoder.lm_head.weight")
                != info.ignoredTensors.end());
        HfSaveExtras extras;
        extras.generationConfig = info.generationConfig;
        extras.preprocessorConfig = info.preprocessorConfig;
        QVERIFY(saveVisionEncoderDecoder(**model, dir, extras).ok());
        for (const char *f : {"config.json", "model.safetensors", "generation_config.json", "preprocessor_config.json"})
            QVERIFY2(std::filesystem::exists(std::filesystem::path(dir) / f), f);

        // Same tensor names as HF's own safetensors save (no tied duplicate), bit-identical values.
        auto saved = readSafetensors(dir + "/model.safetensors");
        auto hf = readSafetensors(fixture("models/vit_gpt2_tiny/model.safetensors"));
        QVERIFY(saved.ok() && hf.ok());
        QCOMPARE(saved->size(), hf->size());
        for (const auto &name : hf->names) {
            QVERIFY2(saved->contains(name), name.c_str());
            QVERIFY2(torch::equal(saved->at(name), hf->at(name)), name.c_str());
        }
        // Unknown config keys survive.
        auto cfg = readJsonFile(dir + "/config.json");
        QVERIFY(cfg.ok());
        QCOMPARE(cfg.value()["decoder"]["summary_type"].get<std::string>(), std::string("cls_index"));
        QCOMPARE(cfg.value()["encoder"]["encoder_stride"].get<int>(), 16);

        auto again = loadVisionEncoderDecoder(dir);
        QVERIFY(again.ok());
        const std::string dir2 = tmp.filePath(QStringLiteral("saved2")).toStdString();
        QVERIFY(saveVisionEncoderDecoder(**again, dir2, extras).ok());
        auto bytes = [](const std::string &p) {
            std::ifstream in(p, std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        QVERIFY(bytes(dir + "/model.safetensors") == bytes(dir2 + "/model.safetensors"));
        QVERIFY(bytes(dir + "/config.json") == bytes(dir2 + "/config.json"));

        torch::InferenceMode guard;
        auto ref = data("vit_gpt2_tiny.safetensors");
        VisionEncoderDecoderForward in;
        in.pixelValues = ref.at("pixel_values");
        in.decoderInputIds = ref.at("decoder_input_ids");
        QVERIFY(torch::equal((*model)->forward(in).logits, (*again)->forward(in).logits));
    }

    void halfPrecisionWeightsAreConverted()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        namespace fs = std::filesystem;
        fs::copy_file(fixture("models/gpt2_tiny/config.json"), dir + "/config.json");
        auto w = readSafetensors(fixture("models/gpt2_tiny/model.safetensors"));
        QVERIFY(w.ok());
        TensorMap half;
        for (const auto &n : w->names)
            half.insert(n, w->at(n).to(torch::kBFloat16));
        QVERIFY(writeSafetensors(dir + "/model.safetensors", half).ok());
        auto model = loadGPT2(dir);
        QVERIFY2(model.ok(), model ? "" : model.error().toString().c_str());
        QCOMPARE((*model)->wte().scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal((*model)->wte(), half.at("transformer.wte.weight").to(torch::kFloat32)));
    }

    void shardedCheckpoint()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        std::filesystem::copy_file(fixture("models/gpt2_tiny/config.json"), dir + "/config.json");
        auto w = readSafetensors(fixture("models/gpt2_tiny/model.safetensors"));
        QVERIFY(w.ok());
        TensorMap a, b;
        nlohmann::json index;
        for (size_t i = 0; i < w->names.size(); ++i) {
            const auto &n = w->names[i];
            const bool first = i % 2 == 0;
            (first ? a : b).insert(n, w->at(n));
            index["weight_map"][n] = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
        }
        QVERIFY(writeSafetensors(dir + "/model-00001-of-00002.safetensors", a).ok());
        QVERIFY(writeSafetensors(dir + "/model-00002-of-00002.safetensors", b).ok());
        QVERIFY(writeJsonFile(dir + "/model.safetensors.index.json", index).ok());
        auto sharded = loadGPT2(dir);
        QVERIFY2(sharded.ok(), sharded ? "" : sharded.error().toString().c_str());
        auto whole = loadGPT2(fixture("models/gpt2_tiny"));
        QVERIFY(whole.ok());
        torch::InferenceMode guard;
        GPT2Input in;
        in.inputIds = torch::arange(5, torch::kLong).view({1, 5});
        QVERIFY(torch::equal((*sharded)->forward(in).logits, (*whole)->forward(in).logits));
    }

    void checkpointErrorsNameFileAndTensor()
    {
        SATGPT_REQUIRE_SHARED("fixtures/hf-parity");
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        std::filesystem::copy_file(fixture("models/gpt2_tiny/config.json"), dir + "/config.json");
        auto w = readSafetensors(fixture("models/gpt2_tiny/model.safetensors"));
        QVERIFY(w.ok());

        TensorMap missing;
        for (const auto &n : w->names)
            if (n != "transformer.h.1.mlp.c_fc.weight")
                missing.insert(n, w->at(n));
        QVERIFY(writeSafetensors(dir + "/model.safetensors", missing).ok());
        auto r1 = loadGPT2(dir);
        QVERIFY(!r1.ok());
        QVERIFY2(r1.error().toString().find("transformer.h.1.mlp.c_fc.weight") != std::string::npos, r1.error().toString().c_str());
        QVERIFY(r1.error().toString().find("model.safetensors") != std::string::npos);

        TensorMap wrong = missing;
        wrong.insert("transformer.h.1.mlp.c_fc.weight", torch::zeros({32, 17}));
        QVERIFY(writeSafetensors(dir + "/model.safetensors", wrong).ok());
        auto r2 = loadGPT2(dir);
        QVERIFY(!r2.ok());
        QVERIFY2(r2.error().toString().find("[32,17]") != std::string::npos, r2.error().toString().c_str());

        TensorMap ints = missing;
        ints.insert("transformer.h.1.mlp.c_fc.weight", torch::zeros({32, 128}, torch::kInt32));
        QVERIFY(writeSafetensors(dir + "/model.safetensors", ints).ok());
        auto r3 = loadGPT2(dir);
        QVERIFY(!r3.ok());
        QVERIFY2(r3.error().toString().find("dtype") != std::string::npos, r3.error().toString().c_str());

        auto r4 = loadVisionEncoderDecoder(dir); // a gpt2 folder is not a VED
        QVERIFY(!r4.ok());
        QVERIFY(r4.error().toString().find("config.json") != std::string::npos);
        auto r5 = loadGPT2(dir + "/nope");
        QVERIFY(!r5.ok());
    }

    void encToDecProjectionWhenSizesDiffer()
    {
        VisionEncoderDecoderConfig cfg;
        cfg.encoder.hiddenSize = 16;
        cfg.encoder.numAttentionHeads = 2;
        cfg.encoder.intermediateSize = 20;
        cfg.encoder.numHiddenLayers = 1;
        cfg.encoder.imageSize = 16;
        cfg.encoder.patchSize = 8;
        cfg.decoder.nEmbd = 24;
        cfg.decoder.nHead = 3;
        cfg.decoder.nLayer = 1;
        cfg.decoder.vocabSize = 50;
        cfg.decoder.nPositions = 16;
        cfg.decoder.addCrossAttention = true;
        cfg.decoderStartTokenId = 1;
        cfg.padTokenId = 0;
        torch::manual_seed(3);
        VisionEncoderDecoder model(cfg);
        model.initRandom();
        QVERIFY(model.hasEncToDecProj());
        torch::InferenceMode guard;
        VisionEncoderDecoderForward in;
        in.pixelValues = torch::randn({2, 3, 16, 16});
        in.labels = torch::tensor({3, 4, -100, 5, 6, 7}, torch::kLong).view({2, 3});
        auto out = model.forward(in);
        QCOMPARE(out.encoderHiddenStates.size(2), int64_t(24));
        QCOMPARE(out.logits.size(2), int64_t(50));
        QVERIFY(std::isfinite(out.loss.item<double>()));
        QTemporaryDir tmp;
        QVERIFY(saveVisionEncoderDecoder(model, tmp.path().toStdString()).ok());
        auto back = loadVisionEncoderDecoder(tmp.path().toStdString());
        QVERIFY2(back.ok(), back ? "" : back.error().toString().c_str());
        QVERIFY(torch::equal((*back)->forward(in).logits, out.logits));
    }

    // Inference takes shortcuts the parity fixtures are too small to reach: gemv for a single
    // row (a batch-1 decode step) and oneDNN for a few hundred rows (a ViT-B image). Both must
    // give what the plain gemm gives, up to fp32 summation order.
    void inferenceShortcutsMatchPlainProducts()
    {
        torch::manual_seed(11);
        const auto w = torch::randn({384, 256}) * 0.05; // nn.Linear [out, in]
        const auto b = torch::randn({384});
        const auto wConv = w.t().contiguous();          // GPT-2 Conv1D [in, out]
        for (int64_t rows : {1, 7, 197}) {
            const auto x = torch::randn({1, rows, 256});
            const auto reference = at::linear(x, w, b);
            torch::Tensor viaLinear, viaConv1d, noBias;
            {
                torch::InferenceMode guard;
                viaLinear = satgpt::ml::detail::linear(x, w, b);
                viaConv1d = satgpt::ml::detail::conv1d(x, wConv, b);
                noBias = satgpt::ml::detail::linear(x, w);
            }
            QCOMPARE(viaLinear.sizes().vec(), reference.sizes().vec());
            QVERIFY2(torch::allclose(viaLinear, reference, 1e-4, 1e-5), qPrintable(QStringLiteral("linear, %1 rows").arg(rows)));
            QVERIFY2(torch::allclose(viaConv1d, reference, 1e-4, 1e-5), qPrintable(QStringLiteral("conv1d, %1 rows").arg(rows)));
            QVERIFY(torch::allclose(noBias, at::linear(x, w), 1e-4, 1e-5));
        }

        // And through a whole encoder: a 64 px image in 4 px patches is 257 tokens.
        ViTConfig cfg;
        cfg.hiddenSize = 64;
        cfg.numAttentionHeads = 4;
        cfg.intermediateSize = 128;
        cfg.numHiddenLayers = 2;
        cfg.imageSize = 64;
        cfg.patchSize = 4;
        ViTModel vit(cfg);
        vit.initRandom(0.05);
        const auto pixels = torch::randn({1, 3, 64, 64});
        torch::Tensor plain;
        {
            torch::NoGradGuard noGrad; // grad mode off too: also the shortcut path
            plain = vit.forward(pixels).lastHiddenState;
        }
        ViTOutput withGrad;
        {
            torch::AutoGradMode enable(true);
            withGrad = vit.forward(pixels);
        }
        QVERIFY(torch::allclose(plain, withGrad.lastHiddenState.detach(), 1e-4, 1e-4));
    }

    // The trainer's fused AdamW against libtorch's own, step for step: two groups (with and
    // without weight decay), sizes not a multiple of any vector width, several steps so the bias
    // corrections move, and a parameter without a gradient in one step.
    void fusedAdamWMatchesLibtorch()
    {
        torch::manual_seed(13);
        // The last one column-major, as the ViT's weights (its gradients share its strides).
        const auto makeParams = [] {
            return std::vector<torch::Tensor>{torch::randn({37, 53}), torch::randn({53}), torch::randn({70001}),
                                              torch::empty_strided({29, 41}, {1, 29}).normal_()};
        };
        auto ours = makeParams(), theirs = makeParams();
        for (size_t i = 0; i < ours.size(); ++i) {
            theirs[i].copy_(ours[i].detach());
            ours[i].set_requires_grad(true);
            theirs[i].set_requires_grad(true);
        }
        const auto groups = [](std::vector<torch::Tensor> &p) {
            std::vector<torch::optim::OptimizerParamGroup> g;
            g.emplace_back(std::vector<torch::Tensor>{p[0], p[2], p[3]},
                           std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(3e-3).weight_decay(0.05)));
            g.emplace_back(std::vector<torch::Tensor>{p[1]},
                           std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(3e-3).weight_decay(0.0)));
            return g;
        };
        satgpt::ml::FusedAdamW fused(groups(ours), torch::optim::AdamWOptions(3e-3));
        torch::optim::AdamW reference(groups(theirs), torch::optim::AdamWOptions(3e-3));
        for (int step = 0; step < 6; ++step) {
            for (size_t i = 0; i < ours.size(); ++i) {
                const bool skip = step == 2 && i == 1;
                const auto g = torch::empty_like(ours[i]).copy_(torch::randn(ours[i].sizes()));
                ours[i].mutable_grad() = skip ? torch::Tensor() : g.clone();
                theirs[i].mutable_grad() = skip ? torch::Tensor() : g.clone();
            }
            if (step == 3) { // as loadOptimizerState leaves it: contiguous moments for a column-major weight
                auto &s = static_cast<torch::optim::AdamWParamState &>(
                    *fused.state().at(satgpt::ml::optimizerStateKey(fused.state(), ours[3])));
                s.exp_avg(s.exp_avg().contiguous());
                s.exp_avg_sq(s.exp_avg_sq().contiguous());
            }
            fused.step();
            reference.step();
            for (size_t i = 0; i < ours.size(); ++i)
                QVERIFY2(torch::allclose(ours[i], theirs[i], 1e-5, 1e-6),
                         qPrintable(QStringLiteral("parameter %1 after step %2").arg(i).arg(step + 1)));
        }
        // The same state, under the same keys: what saveOptimizerState writes for --resume.
        for (size_t i = 0; i < ours.size(); ++i) {
            const auto &a = static_cast<torch::optim::AdamWParamState &>(
                *fused.state().at(satgpt::ml::optimizerStateKey(fused.state(), ours[i])));
            const auto &b = static_cast<torch::optim::AdamWParamState &>(
                *reference.state().at(satgpt::ml::optimizerStateKey(reference.state(), theirs[i])));
            QCOMPARE(a.step(), b.step());
            QVERIFY(torch::allclose(a.exp_avg(), b.exp_avg(), 1e-5, 1e-7));
            QVERIFY(torch::allclose(a.exp_avg_sq(), b.exp_avg_sq(), 1e-5, 1e-9));
        }
    }

    // The decode step's own kernels (decodekernels.h) against the general tensor path, on sizes
    // that leave remainders for every unrolled loop, on one and two threads.
    // Inference encodes run the blocks on encoderkernels.h (feature-major, fused); the parity
    // tests above ask for hidden states and attentions and so check ATen's path. This one checks
    // the kernels: against transformers' own output, and against ATen's path on random models
    // with each activation, no q/k/v bias, a batch, interpolated positions and 1 or 2 threads.
    void vitInferenceKernelsMatchAtenPath()
    {
        if (!satgpt::ml::detail::fastGemmAvailable())
            QSKIP("oneDNN's sgemm is not in this process (a libtorch that keeps oneDNN private): ATen's path runs");
        const int previousThreads = torch::get_num_threads();
        const QString parity = test::sharedPath(QStringLiteral("fixtures/hf-parity"));
        if (parity.isEmpty() || !QFileInfo::exists(parity)) {
            qInfo("../shared/fixtures/hf-parity is not present: the comparison with transformers is skipped");
        } else {
            auto ref = data("vit_tiny.safetensors");
            auto model = loadViT(fixture("models/vit_tiny"));
            QVERIFY(model.ok());
            torch::InferenceMode guard;
            QVERIFY((*model)->usesInferenceKernels(ref.at("pixel_values")));
            auto out = (*model)->forward(ref.at("pixel_values"));
            CHECK_CLOSE(out.lastHiddenState, ref.at("last_hidden_state"), 1e-4, 1e-4);
            CHECK_CLOSE(out.poolerOutput, ref.at("pooler_output"), 1e-4, 1e-4);
        }
        torch::manual_seed(31);
        for (const std::string activation : {"gelu", "gelu_new", "relu"}) {
            ViTConfig c;
            c.hiddenSize = 48;
            c.numHiddenLayers = 2;
            c.numAttentionHeads = 3; // heads of 16
            c.intermediateSize = 80;
            c.imageSize = 32;
            c.patchSize = 8;
            c.layerNormEps = 1e-6;
            c.hiddenAct = activation;
            c.qkvBias = activation != "relu";
            ViTModel model(c);
            model.initRandom(0.2);
            for (auto &t : model.parameters()) // biases and norms away from 0 and 1
                if (t.dim() == 1 && (c.qkvBias || t.size(0) != 3 * c.hiddenSize))
                    t.normal_(0.0, 0.3);
            for (int threads : {1, 2}) {
                torch::set_num_threads(threads);
                for (auto [height, width] : {std::pair<int64_t, int64_t>{32, 32}, {40, 24}}) {
                    const auto pixels = torch::randn({3, 3, height, width});
                    ViTForwardOptions fast;
                    fast.interpolatePosEncoding = true;
                    ViTForwardOptions aten = fast;
                    aten.outputHiddenStates = true;
                    torch::InferenceMode guard;
                    QVERIFY(model.usesInferenceKernels(pixels, fast));
                    QVERIFY(!model.usesInferenceKernels(pixels, aten));
                    const auto a = model.forward(pixels, fast), b = model.forward(pixels, aten);
                    const auto what = QStringLiteral("%1, %2x%3, %4 threads")
                                          .arg(QString::fromStdString(activation))
                                          .arg(height)
                                          .arg(width)
                                          .arg(threads);
                    QVERIFY2(torch::allclose(a.lastHiddenState, b.lastHiddenState, 1e-5, 1e-4), qPrintable(what));
                    QVERIFY2(torch::allclose(a.poolerOutput, b.poolerOutput, 1e-5, 1e-4), qPrintable(what));
                }
            }
            // Gradients, training and asked-for attentions keep ATen's path.
            const auto pixels = torch::randn({1, 3, 32, 32});
            QVERIFY(!model.usesInferenceKernels(pixels)); // grad mode is on out here
            torch::NoGradGuard noGrad;
            QVERIFY(model.usesInferenceKernels(pixels));
            ViTForwardOptions attentions;
            attentions.outputAttentions = true;
            QVERIFY(!model.usesInferenceKernels(pixels, attentions));
            model.setTraining(true);
            QVERIFY(!model.usesInferenceKernels(pixels));
        }
        torch::set_num_threads(previousThreads);
    }

    // A decode step of one sequence runs whole on decodeStep (decodekernels.h); asking for the
    // presents keeps ATen's path. Both must give the same logits and the same grown cache, with
    // and without cross-attention, for each activation, with per-layer attention scaling, and
    // over several steps (the cache the fused step wrote feeds the next one).
    void fusedDecodeStepMatchesGeneralPath()
    {
        torch::manual_seed(41);
        const int previousThreads = torch::get_num_threads();
        for (const std::string activation : {"gelu_new", "gelu", "relu"}) {
            for (const bool cross : {true, false}) {
                GPT2Config c;
                c.vocabSize = 97;
                c.nPositions = 32;
                c.nEmbd = 48;
                c.nLayer = 3;
                c.nHead = 4; // heads of 12: not a multiple of the 16-float lanes
                c.activationFunction = activation;
                c.addCrossAttention = cross;
                c.scaleAttnByInverseLayerIdx = activation == "gelu";
                GPT2LMHeadModel model(c);
                model.initRandom(0.2);
                for (auto &t : model.parameters()) // biases and norms away from 0 and 1
                    if (t.dim() == 1)
                        t.normal_(0.0, 0.3);
                const auto encoder = torch::randn({1, 13, c.nEmbd});
                for (int threads : {1, 2, 3}) { // 3: uneven head split, and more threads than this CI machine has cores
                    torch::set_num_threads(threads);
                    torch::InferenceMode guard;
                    GPT2Cache fusedCache, atenCache;
                    GPT2Input prompt;
                    prompt.inputIds = torch::randint(0, c.vocabSize, {1, 5}, torch::kLong);
                    if (cross)
                        prompt.encoderHiddenStates = encoder;
                    prompt.cache = &fusedCache;
                    model.forward(prompt);
                    prompt.cache = &atenCache;
                    model.forward(prompt);
                    // The prompt's cache is stored whole (not as views of its projections), so
                    // the fused step reads it in place; each step after it keeps it so.
                    for (size_t l = 0; l < fusedCache.key.size(); ++l) {
                        QVERIFY(fusedCache.key[l].is_contiguous() && fusedCache.value[l].is_contiguous());
                        if (cross)
                            QVERIFY(fusedCache.crossKey[l].is_contiguous() && fusedCache.crossValue[l].is_contiguous());
                    }
                    for (int step = 0; step < 3; ++step) {
                        GPT2Input in;
                        in.inputIds = torch::randint(0, c.vocabSize, {1, 1}, torch::kLong);
                        in.cache = &fusedCache;
                        const auto fused = model.forward(in);
                        in.cache = &atenCache;
                        in.outputPresents = true;
                        const auto aten = model.forward(in);
                        const auto what = QStringLiteral("%1, cross %2, %3 threads, step %4")
                                              .arg(QString::fromStdString(activation))
                                              .arg(cross)
                                              .arg(threads)
                                              .arg(step);
                        QVERIFY2(fused.presentKey.empty(), qPrintable(what)); // it did take the fused path
                        QVERIFY2(torch::allclose(fused.logits, aten.logits, 1e-5, 1e-4), qPrintable(what));
                        for (size_t l = 0; l < fusedCache.key.size(); ++l) {
                            QVERIFY2(torch::allclose(fusedCache.key[l], atenCache.key[l], 1e-5, 1e-5), qPrintable(what));
                            QVERIFY2(torch::allclose(fusedCache.value[l], atenCache.value[l], 1e-5, 1e-5), qPrintable(what));
                        }
                    }
                }
            }
        }
        torch::set_num_threads(previousThreads);
    }

    void decodeKernelsMatchGeneralPath()
    {
        torch::manual_seed(12);
        const int previousThreads = torch::get_num_threads();
        for (int threads : {1, 2}) {
            torch::set_num_threads(threads);
            for (auto [in, out] : {std::pair<int64_t, int64_t>{37, 53}, {300, 700}, {768, 2304}}) {
                const auto wConv = torch::randn({in, out}) * 0.05; // Conv1D [in, out]
                const auto wLinear = wConv.t().contiguous();        // nn.Linear [out, in]
                const auto b = torch::randn({out});
                const auto x = torch::randn({1, 1, in});
                const auto reference = at::addmm(b, x.view({1, in}), wConv).view({1, 1, out});
                torch::Tensor conv, lin, linNoBias;
                {
                    torch::InferenceMode guard;
                    conv = satgpt::ml::detail::conv1d(x, wConv, b);
                    lin = satgpt::ml::detail::linear(x, wLinear, b);
                    linNoBias = satgpt::ml::detail::linear(x, wLinear);
                }
                const auto what = QStringLiteral("%1x%2 on %3 threads").arg(in).arg(out).arg(threads);
                QVERIFY2(torch::allclose(conv, reference, 1e-4, 1e-4), qPrintable(QStringLiteral("conv1d ") + what));
                QVERIFY2(torch::allclose(lin, reference, 1e-4, 1e-4), qPrintable(QStringLiteral("linear ") + what));
                QVERIFY2(torch::allclose(linNoBias, reference - b, 1e-4, 1e-4), qPrintable(QStringLiteral("mv ") + what));
            }

            // Two batch rows, 5 heads of 24 (not a multiple of the 16-float lanes), 37 keys;
            // keys and values as strided views of one [B, S, 2*H*d] projection, like the cross K/V.
            const int64_t B = 2, H = 5, D = 24, S = 37;
            const auto q = torch::randn({B, H, 1, D});
            const auto kv = torch::randn({B, S, 2 * H * D});
            const auto parts = kv.split(H * D, 2);
            const auto k = satgpt::ml::detail::splitHeads(parts[0], H), v = satgpt::ml::detail::splitHeads(parts[1], H);
            auto keep = torch::ones({B, S});
            keep.index_put_({1, torch::indexing::Slice(30, S)}, 0.0); // row 1 padded at the end
            const auto mask = ((1.0 - keep) * std::numeric_limits<float>::lowest()).view({B, 1, 1, S});
            const double scale = 1.0 / std::sqrt(double(D));
            for (const auto &m : {torch::Tensor(), mask}) {
                auto scores = at::matmul(q, k.transpose(-1, -2)) * scale;
                if (m.defined())
                    scores = scores + m;
                const auto reference = satgpt::ml::detail::mergeHeads(at::matmul(at::softmax(scores, -1), v));
                torch::Tensor fused;
                {
                    torch::InferenceMode guard;
                    fused = satgpt::ml::detail::fusedSingleQueryAttention(q, k, v, m, scale);
                }
                QVERIFY(fused.defined());
                QCOMPARE(fused.sizes().vec(), reference.sizes().vec());
                QVERIFY2(torch::allclose(fused, reference, 1e-5, 1e-5),
                         qPrintable(QStringLiteral("attention, mask %1, %2 threads").arg(m.defined()).arg(threads)));
            }
            // Where the kernel does not apply it says so, and the caller keeps the general path.
            QVERIFY(!satgpt::ml::detail::fusedSingleQueryAttention(torch::randn({B, H, 2, D}), k, v, {}, scale).defined());
            QVERIFY(!satgpt::ml::detail::fusedSingleQueryAttention(q.to(torch::kDouble), k, v, {}, scale).defined());
            QVERIFY(!satgpt::ml::detail::fusedSingleQueryAttention(q.clone().requires_grad_(), k, v, {}, scale).defined());
        }
        torch::set_num_threads(previousThreads);
    }

    // The oneDNN products (gemmops.h) replace ATen's for every projection and attention product
    // of training, Grad-CAM and prompts: values and every gradient must match ATen's.
    void oneDnnProductsMatchAtenWithGradients()
    {
        using namespace satgpt::ml::detail;
        if (!satgpt::ml::detail::fastGemmAvailable())
            QSKIP("oneDNN's sgemm is not in this process (a libtorch that keeps oneDNN private): ATen's products run");
        torch::manual_seed(21);
        const int previousThreads = torch::get_num_threads();
        const auto close = [](const torch::Tensor &a, const torch::Tensor &b) {
            return a.defined() && b.defined() && a.sizes() == b.sizes() && torch::allclose(a, b, 1e-4, 1e-4);
        };
        for (int threads : {1, 2}) {
            torch::set_num_threads(threads);
            const auto what = [&](const char *name) { return qPrintable(QStringLiteral("%1, %2 threads").arg(name).arg(threads)); };
            const int64_t in = 45, out = 29;
            // The third case: nn.Linear's shape with column-major strides, as the ViT keeps its weights.
            for (const auto &[layout, columnMajor] : {std::pair{WeightLayout::OutIn, false}, {WeightLayout::InOut, false},
                                                     {WeightLayout::OutIn, true}}) {
                for (const bool withBias : {true, false}) {
                    for (const bool frozen : {false, true}) {
                        const auto w0 = columnMajor ? torch::empty_strided({out, in}, {1, out}).copy_(torch::randn({out, in}))
                                                   : torch::randn(layout == WeightLayout::OutIn ? std::vector<int64_t>{out, in}
                                                                                                : std::vector<int64_t>{in, out});
                        const auto b0 = torch::randn({out});
                        const auto x0 = torch::randn({3, 7, in});
                        const auto g = torch::randn({3, 7, out});
                        auto run = [&](bool fast) {
                            auto x = x0.clone().requires_grad_(true), w = w0.clone().requires_grad_(!frozen);
                            auto b = withBias ? b0.clone().requires_grad_(true) : torch::Tensor();
                            torch::Tensor y;
                            if (fast)
                                y = gemmLinear(x, w, b, layout);
                            else
                                y = layout == WeightLayout::OutIn ? at::linear(x, w, b) : at::matmul(x, w) + (withBias ? b : torch::zeros({out}));
                            if (!y.defined())
                                return std::vector<torch::Tensor>{};
                            (y * g).sum().backward();
                            // The fused AdamW walks raw memory: a gradient must share its weight's strides.
                            if (w.grad().defined() && w.grad().strides() != w.strides())
                                return std::vector<torch::Tensor>{};
                            return std::vector<torch::Tensor>{y.detach(), x.grad(), w.grad(), withBias ? b.grad() : torch::Tensor()};
                        };
                        const auto fast = run(true), reference = run(false);
                        QVERIFY2(fast.size() == 4, what("gemmLinear declined a float32 CPU product, or a gradient's strides differ"));
                        QVERIFY2(close(fast[0], reference[0]), what("linear value"));
                        QVERIFY2(close(fast[1], reference[1]), what("linear input gradient"));
                        if (frozen)
                            QVERIFY2(!fast[2].defined(), what("frozen weight got a gradient"));
                        else
                            QVERIFY2(close(fast[2], reference[2]), what("linear weight gradient"));
                        if (withBias)
                            QVERIFY2(close(fast[3], reference[3]), what("linear bias gradient"));
                        torch::InferenceMode guard;
                        QVERIFY2(close(gemmLinear(x0, w0, withBias ? b0 : torch::Tensor(), layout), reference[0]),
                                 what("linear without a graph"));
                    }
                }
            }
            // Attention's operands are head views of one projection ([B, T, H, d] permuted), keys
            // transposed on top: strided in both the batch and the matrix dimensions.
            const int64_t B = 2, T = 11, H = 3, D = 8, S = 13;
            const auto q0 = torch::randn({B, T, H, D}), k0 = torch::randn({B, S, H, D});
            const auto g = torch::randn({B, H, T, S});
            for (const double alpha : {1.0, 0.125, 0.3}) {
                auto run = [&](bool fast) {
                    auto qs = q0.clone().requires_grad_(true), ks = k0.clone().requires_grad_(true);
                    const auto q = qs.permute({0, 2, 1, 3}), kT = ks.permute({0, 2, 3, 1});
                    auto y = fast ? gemmMatmul(q, kT, alpha) : at::matmul(q, kT) * alpha;
                    (y * g).sum().backward();
                    return std::vector<torch::Tensor>{y.detach(), qs.grad(), ks.grad()};
                };
                const auto fast = run(true), reference = run(false);
                QVERIFY2(close(fast[0], reference[0]), what("batched product value"));
                QVERIFY2(close(fast[1], reference[1]), what("batched product left gradient"));
                QVERIFY2(close(fast[2], reference[2]), what("batched product right gradient"));
            }
            // Where they do not apply they say so, and the caller keeps ATen's path.
            QVERIFY(!gemmLinear(torch::randn({4, in}, torch::kDouble), torch::randn({out, in}, torch::kDouble), {}, WeightLayout::OutIn).defined());
            QVERIFY(!gemmMatmul(torch::randn({2, 3, 4}), torch::randn({1, 4, 5})).defined()); // broadcasting
        }
        torch::set_num_threads(previousThreads);
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
