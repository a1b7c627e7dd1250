// SPDX-License-Identifier: GPL-3.0-or-later
// The trainer end to end on a generated data set (coloured shapes with templated captions) with
// a tiny ViT + GPT-2 and the byte vocabulary: learning, exact resume, checkpoints, the event
// stream, the `satgpt train` worker process, and the data set readers on the team's real data.

#include "core/common/trainingimages.h"
#include "core/ml/bpetrainer.h"
#include "core/ml/datasets.h"
#include "core/ml/trainer.h"
#include "core/ml/visionlanguagemodel.h"
#include "tests/common/testsupport.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <random>

using namespace satgpt;
using namespace satgpt::ml;

namespace {

struct Shape
{
    const char *name;
};
const char *kColours[] = {"red", "green", "blue", "yellow"};
const QColor kColourValues[] = {QColor(220, 30, 30), QColor(30, 200, 40), QColor(30, 60, 230), QColor(240, 230, 40)};
const char *kBackgrounds[] = {"black", "white"};
const QColor kBackgroundValues[] = {QColor(10, 10, 10), QColor(245, 245, 245)};
const char *kShapes[] = {"square", "circle"};

/// Writes `perCombo` images per (colour, shape, background) with captions.json + images.csv;
/// every fourth image of a combination is validation.
void writeShapesDataset(const QString &dir, int perCombo, int size = 32)
{
    QDir().mkpath(dir + "/images");
    std::mt19937 rng(7);
    QJsonObject captions;
    QString csv = QStringLiteral("image,split\n");
    int index = 0;
    for (int c = 0; c < 4; ++c)
        for (int s = 0; s < 2; ++s)
            for (int b = 0; b < 2; ++b)
                for (int k = 0; k < perCombo; ++k) {
                    QImage img(size, size, QImage::Format_RGB888);
                    img.fill(kBackgroundValues[b]);
                    QPainter painter(&img);
                    painter.setPen(Qt::NoPen);
                    painter.setBrush(kColourValues[c]);
                    const int extent = size / 3 + int(rng() % unsigned(size / 4));
                    const int x = int(rng() % unsigned(size - extent)), y = int(rng() % unsigned(size - extent));
                    if (s == 0)
                        painter.drawRect(x, y, extent, extent);
                    else
                        painter.drawEllipse(x, y, extent, extent);
                    painter.end();
                    const QString name = QStringLiteral("shape_%1.png").arg(index++);
                    QVERIFY(img.save(dir + "/images/" + name));
                    const QString caption = QStringLiteral("a %1 %2 on a %3 background")
                                                .arg(kColours[c], kShapes[s], kBackgrounds[b]);
                    captions.insert(name, QJsonArray{caption, QStringLiteral("there is a %1 %2 on %3").arg(kColours[c], kShapes[s], kBackgrounds[b])});
                    csv += name + (k % 4 == 3 ? ",val\n" : ",train\n");
                }
    QFile f(dir + "/captions.json");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(captions).toJson());
    QFile g(dir + "/images.csv");
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(csv.toUtf8());
}

QString writeSmallConfig(const QString &dir, double dropout = 0.0)
{
    const QString path = dir + "/small.json";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral(R"({"image_size": 32, "patch_size": 8, "hidden_size": 64, "num_heads": 2,
        "encoder_layers": 2, "decoder_layers": 2, "max_positions": 64, "dropout": %1})")
                .arg(dropout)
                .toUtf8());
    return path;
}

QJsonObject parseLine(const std::string &line)
{
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    return doc.object();
}

struct Run
{
    std::vector<QJsonObject> events;
    std::map<int, double> losses;
    std::vector<QJsonObject> evals;
    QString doneStatus;
};

Run train(const TrainConfig &config, std::atomic<bool> *cancel = nullptr, int cancelAtStep = -1)
{
    Run run;
    Trainer trainer(config, trainingImageLoader());
    trainer.setEventSink([&](const TrainEvent &e) {
        const QJsonObject o = parseLine(e.json);
        run.events.push_back(o);
        if (e.type == "step") {
            run.losses[o.value("step").toInt()] = o.value("loss").toDouble();
            if (cancel && o.value("step").toInt() == cancelAtStep)
                cancel->store(true);
        } else if (e.type == "eval") {
            run.evals.push_back(o);
        } else if (e.type == "done") {
            run.doneStatus = o.value("status").toString();
        }
    });
    auto r = trainer.run(cancel);
    if (!r)
        qWarning("training failed: %s", r.error().toString().c_str());
    return run;
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT
public:
    TestTrainer()
    {
        // trainingLearns runs 240 optimizer steps: about a minute on two idle cores, more on a
        // loaded CI machine than Qt Test's 5-minute default per function allows.
        if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
            qputenv("QTEST_FUNCTION_TIMEOUT", "900000");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        writeShapesDataset(m_dir.path() + "/shapes", 8);
        m_config = writeSmallConfig(m_dir.path());
        m_dropoutConfig = writeSmallConfig(m_dir.path() + "/shapes", 0.1);
        QVERIFY(!m_config.isEmpty());
    }

    void datasetSplitsAndSeededValidation()
    {
        auto d = loadDataset((m_dir.path() + "/shapes").toStdString(), TaskKind::Caption);
        QVERIFY2(d.ok(), d.ok() ? "" : d.error().toString().c_str());
        QCOMPARE(d->format, std::string("captions-map"));
        QCOMPARE(d->samples.size(), size_t(128));
        QCOMPARE(selectSplit(d.value(), "train").size(), size_t(96));
        QCOMPARE(selectSplit(d.value(), "val").size(), size_t(32));
        QVERIFY(selectSplit(d.value(), "test").empty());
        // A set without validation gets a seeded one carved out of train (same seed, same split;
        // another seed, another split), disjoint by image.
        Dataset noVal = d.value();
        for (auto &s : noVal.samples)
            s.split = "train";
        const auto v1 = selectSplit(noVal, "validation"), v2 = selectSplit(noVal, "validation");
        const auto t1 = selectSplit(noVal, "train");
        QCOMPARE(v1.size(), size_t(13)); // ceil(0.1 * 128)
        QCOMPARE(t1.size(), size_t(115));
        QCOMPARE(v1.front().imagePath, v2.front().imagePath);
        SplitOptions other;
        other.seed = 7;
        const auto v3 = selectSplit(noVal, "validation", other);
        bool differs = false;
        for (size_t i = 0; i < v1.size(); ++i)
            differs = differs || v1[i].imagePath != v3[i].imagePath;
        QVERIFY(differs);
        for (const auto &v : v1)
            for (const auto &t : t1)
                QVERIFY(v.imagePath != t.imagePath);
    }

    void realDatasets()
    {
        SATGPT_REQUIRE_SHARED("datasets");
        const std::string root = satgpt::test::sharedPath("datasets").toStdString();
        auto caps = loadDataset(root + "/captions", TaskKind::Caption);
        QVERIFY2(caps.ok(), caps.ok() ? "" : caps.error().toString().c_str());
        QCOMPARE(caps->samples.size(), size_t(14));
        QCOMPARE(caps->samples.front().targets.size(), size_t(5));
        // All 14 are "train" in the source: validation is carved out (ceil(0.1 * 14) = 2 images).
        QCOMPARE(selectSplit(caps.value(), "validation").size(), size_t(2));
        QCOMPARE(selectSplit(caps.value(), "train").size(), size_t(12));
        auto img = loadTrainingImage(QString::fromStdString(caps->samples.front().imagePath));
        QVERIFY2(img.ok(), img.ok() ? "" : img.error().toString().c_str());
        QVERIFY(img->width == 256 || img->width == 500);
        QCOMPARE(img->pixels.size(), size_t(img->width * img->height * 3));

        auto vqa = loadDataset(root + "/vqa", TaskKind::Vqa);
        QVERIFY(vqa.ok());
        QCOMPARE(vqa->samples.size(), size_t(30));
        QVERIFY(!vqa->samples.front().question.empty());

        auto aid = loadDataset(root + "/scene_classification_aid", TaskKind::Classify);
        QVERIFY(aid.ok());
        QCOMPARE(aid->classNames.size(), size_t(30));
        QCOMPARE(selectSplit(aid.value(), "train").size(), size_t(2400));
        QCOMPARE(selectSplit(aid.value(), "validation").size(), size_t(300));
        QCOMPARE(selectSplit(aid.value(), "test").size(), size_t(300));
        for (const auto &s : selectSplit(aid.value(), "train"))
            QVERIFY(s.split == "train"); // never a test image in training

        auto rsscn7 = loadDataset(root + "/scene_classification_rsscn7", TaskKind::Classify);
        QVERIFY(rsscn7.ok());
        QCOMPARE(rsscn7->classNames.size(), size_t(7));
        QCOMPARE(selectSplit(rsscn7.value(), "test").size(), size_t(28));

        auto dota = loadDataset(root + "/detection_dota/annotations_coco.json", TaskKind::Vqa);
        QVERIFY(dota.ok());
        QCOMPARE(dota->format, std::string("coco-count"));
        bool ships = false;
        for (const auto &s : dota->samples)
            if (s.question == "how many ship are there?") {
                ships = true;
                QCOMPARE(s.targets.front(), std::string("531"));
            }
        QVERIFY(ships);

        auto missing = loadDataset(root + "/no_such_set", TaskKind::Caption);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().toString().find("no_such_set") != std::string::npos);
    }

    void classNamesReadAsWords()
    {
        QCOMPARE(humanizeClassName("DenseResidential"), std::string("dense residential"));
        QCOMPARE(humanizeClassName("dRiverLake"), std::string("river lake")); // RSSCN7's sort prefix
        QCOMPARE(humanizeClassName("storage_tanks"), std::string("storage tanks"));
        QCOMPARE(humanizeClassName("Airport"), std::string("airport"));
        const auto captions = classCaptions("airport");
        QVERIFY(captions.size() >= 6);
        QCOMPARE(captions[0], std::string("a satellite image of an airport area."));
        QCOMPARE(classCaptions("forest")[1], std::string("an aerial view of a forest scene."));
        QCOMPARE(sceneQuestions().front(), sceneQuestion());
    }

    void mixAndTextOnRealData()
    {
        SATGPT_REQUIRE_SHARED("datasets");
        const std::string root = satgpt::test::sharedPath("datasets").toStdString();
        auto mix = loadDataMix(root);
        QVERIFY2(mix.ok(), mix.ok() ? "" : mix.error().toString().c_str());
        std::map<std::string, const Dataset *> byName;
        for (const auto &d : mix.value())
            byName[d.name] = &d;
        for (const char *name : {"captions", "vqa", "detection_dota", "scene_classification_aid",
                                 "scene_classification_aid-captions", "scene_classification_rsscn7"})
            QVERIFY2(byName.count(name), name);
        const Dataset &aid = *byName["scene_classification_aid"];
        QCOMPARE(aid.task, TaskKind::Classify);
        QVERIFY(std::find(aid.classNames.begin(), aid.classNames.end(), "dense residential") != aid.classNames.end());
        for (const auto &s : selectSplit(aid, "test")) {
            QCOMPARE(s.question, sceneQuestion()); // held-out splits keep the canonical question
            QCOMPARE(s.kind, TaskKind::Classify);
        }
        const Dataset &aidCaptions = *byName["scene_classification_aid-captions"];
        QCOMPARE(aidCaptions.samples.size(), aid.samples.size());
        QVERIFY(aidCaptions.samples.front().question.empty());
        QCOMPARE(aidCaptions.samples.front().targets.front(), std::string("a satellite image of an airport area."));
        QCOMPARE(selectSplit(aidCaptions, "train").size(), size_t(2400)); // the class set's own split

        // Decoder pretraining text: every caption file, images or not, with the source's splits.
        auto text = loadDataset(root, TaskKind::Text);
        QVERIFY2(text.ok(), text.ok() ? "" : text.error().toString().c_str());
        const auto train = selectSplit(text.value(), "train");
        const auto test = selectSplit(text.value(), "test");
        QVERIFY(train.size() > 2000);
        QVERIFY(test.size() > 200); // 268 text-only records are test: never trained on
        for (const auto &s : train) {
            QVERIFY(s.imagePath.empty());
            QCOMPARE(s.kind, TaskKind::Text);
        }
    }

    void annotationChipsAsData()
    {
        // The workbench's annotation export (chips.json) feeds training: caption + class
        // captions, the question/answer pairs, and the class question.
        const QString dir = m_dir.path() + "/chips";
        QDir().mkpath(dir);
        QJsonArray manifest;
        for (int i = 0; i < 4; ++i) {
            QImage img(16, 16, QImage::Format_RGB888);
            img.fill(Qt::darkGreen);
            const QString file = QStringLiteral("scene_%1.png").arg(i);
            QVERIFY(img.save(dir + "/" + file));
            QJsonArray qa;
            if (i == 0)
                qa.append(QJsonObject{{"question", "is there water?"}, {"answer", "no"}, {"type", "presence"}});
            manifest.append(QJsonObject{{"file", file}, {"annotation", i}, {"scene", "scene"},
                                        {"class", i == 3 ? "unclassified" : "ConiferForest"},
                                        {"caption", i == 1 ? "dense trees on a slope" : ""}, {"qa", qa},
                                        {"window", QJsonArray{0, 0, 16, 16}}});
        }
        QFile f(dir + "/chips.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(manifest).toJson());
        f.close();

        auto mix = loadDataMix(dir.toStdString());
        QVERIFY2(mix.ok(), mix.ok() ? "" : mix.error().toString().c_str());
        QCOMPARE(mix->size(), size_t(3));
        const Dataset &captions = mix->at(0), &qa = mix->at(1), &classes = mix->at(2);
        QCOMPARE(captions.name, std::string("chips-captions"));
        QCOMPARE(captions.samples.size(), size_t(3)); // unclassified and uncaptioned: nothing to learn
        QCOMPARE(captions.samples[1].targets.front(), std::string("dense trees on a slope"));
        QCOMPARE(captions.samples[1].targets.size(), classCaptions("conifer forest").size() + 1);
        QCOMPARE(qa.name, std::string("chips-qa"));
        QCOMPARE(qa.samples.size(), size_t(1));
        QCOMPARE(qa.samples[0].question, std::string("is there water?"));
        QCOMPARE(classes.classNames, std::vector<std::string>{"conifer forest"});
        QCOMPARE(classes.samples.size(), size_t(3)); // the unclassified chip has no class sample
        QCOMPARE(classes.samples[0].targets.front(), std::string("conifer forest"));
    }

    void textPretrainingThenMix()
    {
        // A BPE vocabulary learned from the captions, a decoder pretrained on their text alone,
        // then one run over a folder holding a caption set, a class set and a VQA set.
        const QString root = m_dir.path() + "/mixroot";
        writeShapesDataset(root + "/shapes", 4);
        QDir().mkpath(root + "/classes/images");
        QDir().mkpath(root + "/qa/images");
        QString labels = QStringLiteral("file,label,split\n");
        QJsonArray questions;
        for (int i = 0; i < 24; ++i) {
            const bool red = i % 2 == 0;
            QImage img(32, 32, QImage::Format_RGB888);
            img.fill(red ? QColor(220, 30, 30) : QColor(30, 60, 230));
            const QString name = QStringLiteral("c%1.png").arg(i);
            QVERIFY(img.save(root + "/classes/images/" + name));
            QVERIFY(img.save(root + "/qa/images/" + name));
            labels += QStringLiteral("images/%1,%2,%3\n").arg(name, red ? "RedField" : "BlueWater", i < 16 ? "train" : (i < 20 ? "val" : "test"));
            questions.append(QJsonObject{{"image", name}, {"question", "is it red?"}, {"answer", red ? "yes" : "no"}, {"type", "presence"}});
        }
        QFile l(root + "/classes/labels.csv");
        QVERIFY(l.open(QIODevice::WriteOnly));
        l.write(labels.toUtf8());
        l.close();
        QFile q(root + "/qa/vqa.json");
        QVERIFY(q.open(QIODevice::WriteOnly));
        q.write(QJsonDocument(questions).toJson());
        q.close();

        BpeTrainer bpe;
        QVERIFY(bpe.addPath((root + "/shapes/captions.json").toStdString()).ok());
        BpeTrainerOptions bo;
        bo.vocabSize = 320;
        auto tok = bpe.train(bo);
        QVERIFY(tok.ok());
        QVERIFY(tok->save((root + "/tok").toStdString()).ok());
        const QString config = root + "/small-bpe.json";
        QFile cf(config);
        QVERIFY(cf.open(QIODevice::WriteOnly));
        cf.write(R"({"image_size": 32, "patch_size": 8, "hidden_size": 64, "num_heads": 2, "encoder_layers": 2,
                     "decoder_layers": 2, "max_positions": 64, "tokenizer": "tok"})");
        cf.close();

        TrainConfig t;
        t.model = config.toStdString();
        t.data = (root + "/shapes").toStdString();
        t.task = TaskKind::Text;
        t.out = (m_dir.path() + "/run-text").toStdString();
        t.maxSteps = 40;
        t.batchSize = 16;
        t.learningRate = 3e-3;
        t.warmupSteps = 4;
        const Run text = train(t);
        QCOMPARE(text.doneStatus, QStringLiteral("succeeded"));
        double first = 0, last = 0;
        for (int s = 1; s <= 5; ++s) {
            first += text.losses.at(s) / 5;
            last += text.losses.at(36 + s - 1) / 5;
        }
        QVERIFY2(last < first * 0.6, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
        QVERIFY(!text.evals.empty());
        QVERIFY(text.evals.back().value("metrics").toObject().value("perplexity").toDouble() > 1.0);

        TrainConfig m;
        m.model = t.out + "/final";
        m.data = root.toStdString();
        m.task = TaskKind::Mix;
        m.out = (m_dir.path() + "/run-mix").toStdString();
        m.maxSteps = 12;
        m.batchSize = 8;
        m.learningRate = 1e-3;
        m.maxNewTokens = 8;
        const Run mixRun = train(m);
        QCOMPARE(mixRun.doneStatus, QStringLiteral("succeeded"));
        QVERIFY(!mixRun.evals.empty());
        const auto metrics = mixRun.evals.back().value("metrics").toObject();
        for (const char *key : {"loss", "shapes/bleu4", "classes/accuracy", "classes/macroF1", "classes-captions/ciderD",
                                "qa/accuracy"})
            QVERIFY2(metrics.contains(key), key);

        auto vlm = VisionLanguageModel::load(m.out + "/final");
        QVERIFY2(vlm.ok(), vlm.ok() ? "" : vlm.error().toString().c_str());
        QCOMPARE(vlm.value()->info().vocabSize, tok->vocabSize());

        // `satgpt eval`-style evaluation of one held-out class split through the same path.
        EvalConfig ec;
        ec.model = m.out + "/final";
        ec.data = (root + "/classes").toStdString();
        ec.task = TaskKind::Classify;
        ec.split = "test";
        auto report = evaluateModel(ec, trainingImageLoader());
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        QCOMPARE(report->samples, int64_t(4));
        QCOMPARE(report->classNames, (std::vector<std::string>{"blue water", "red field"}));
        QCOMPARE(report->predictions.front().prompt, sceneQuestion());
    }

    void trainingLearns()
    {
        TrainConfig c;
        c.model = m_config.toStdString();
        c.data = (m_dir.path() + "/shapes").toStdString();
        c.out = (m_dir.path() + "/run-learn").toStdString();
        c.maxSteps = 240;
        c.batchSize = 16;
        c.learningRate = 2e-3;
        c.warmupSteps = 10;
        c.evalEverySteps = 40;
        c.earlyStoppingMetric = "bleu4";
        c.maxNewTokens = 48;
        c.maxTargetTokens = 48;
        c.workers = 2;
        const Run run = train(c);
        QCOMPARE(run.doneStatus, QStringLiteral("succeeded"));
        QCOMPARE(int(run.losses.size()), 240);
        double first = 0, last = 0;
        for (int s = 1; s <= 10; ++s)
            first += run.losses.at(s) / 10;
        for (int s = 231; s <= 240; ++s)
            last += run.losses.at(s) / 10;
        qInfo("mean loss first 10 steps %.4f, last 10 steps %.4f", first, last);
        QVERIFY2(last < first * 0.5, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
        QVERIFY(run.evals.size() >= 2);
        const auto m0 = run.evals.front().value("metrics").toObject();
        const auto m1 = run.evals.back().value("metrics").toObject();
        qInfo("validation BLEU-4 %.3f -> %.3f, BLEU-1 %.3f -> %.3f, CIDEr-D %.3f -> %.3f", m0.value("bleu4").toDouble(),
              m1.value("bleu4").toDouble(), m0.value("bleu1").toDouble(), m1.value("bleu1").toDouble(),
              m0.value("ciderD").toDouble(), m1.value("ciderD").toDouble());
        QVERIFY(m1.value("bleu4").toDouble() > m0.value("bleu4").toDouble() + 0.05);
        QVERIFY(m1.value("bleu1").toDouble() > 0.5);
        QVERIFY(m1.value("loss").toDouble() < m0.value("loss").toDouble());
        for (const char *f : {"config.json", "model.safetensors", "vocab.json", "merges.txt", "generation_config.json"})
            QVERIFY2(QFileInfo::exists(m_dir.path() + "/run-learn/best/" + f), f);
        QVERIFY(QFileInfo::exists(m_dir.path() + "/run-learn/final/model.safetensors"));
        QVERIFY(QFileInfo::exists(m_dir.path() + "/run-learn/metrics.jsonl"));
        QVERIFY(QFileInfo::exists(m_dir.path() + "/run-learn/job.json"));

        // The saved best model evaluates to the metrics logged for it.
        EvalConfig ec;
        ec.model = (m_dir.path() + "/run-learn/best").toStdString();
        ec.data = c.data;
        ec.split = "validation";
        ec.batchSize = c.batchSize;
        ec.maxNewTokens = c.maxNewTokens;
        auto report = evaluateModel(ec, trainingImageLoader());
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        double bestBleu = 0;
        for (const auto &e : run.evals)
            bestBleu = std::max(bestBleu, e.value("metrics").toObject().value("bleu4").toDouble());
        QVERIFY(std::fabs(report->metrics.at("bleu4") - bestBleu) < 1e-6);
        QCOMPARE(report->samples, int64_t(32));

        // The best folder loads through the inference API (VisionLanguageModel) and captions the
        // validation images as the trainer's greedy decoding did.
        auto vlm = VisionLanguageModel::load(ec.model);
        QVERIFY2(vlm.ok(), vlm.ok() ? "" : vlm.error().toString().c_str());
        QCOMPARE(vlm.value()->info().vocabSize, int64_t(257));
        QCOMPARE(vlm.value()->info().encoderLayers, 2);
        auto dataset = loadDataset(c.data, TaskKind::Caption);
        QVERIFY(dataset.ok());
        const auto validation = selectSplit(dataset.value(), "validation");
        GenerationSettings gs = vlm.value()->defaultSettings();
        gs.maxNewTokens = 48;
        gs.numBeams = 1;
        gs.doSample = false;
        gs.repetitionPenalty = 1.0;
        gs.noRepeatNgramSize = 0;
        int same = 0;
        for (int i = 0; i < 4; ++i) {
            auto image = loadTrainingImage(QString::fromStdString(validation[size_t(i)].imagePath));
            QVERIFY(image.ok());
            auto g = vlm.value()->generate(image.value(), "", gs);
            QVERIFY2(g.ok(), g.ok() ? "" : g.error().toString().c_str());
            const QString expected = QString::fromStdString(report->predictions[size_t(i)].prediction).trimmed();
            qInfo("inference: '%s', trainer: '%s'", g->text.c_str(), qPrintable(expected));
            same += QString::fromStdString(g->text).trimmed() == expected;
        }
        QVERIFY(same >= 3); // argmax ties may differ between batch sizes, nothing else
    }

    void eventStream()
    {
        TrainConfig c;
        c.model = m_config.toStdString();
        c.data = (m_dir.path() + "/shapes").toStdString();
        c.out = (m_dir.path() + "/run-events").toStdString();
        c.maxSteps = 8;
        c.batchSize = 16;
        c.evalEverySteps = 4;
        c.maxEvalSamples = 8;
        c.maxNewTokens = 4;
        const Run run = train(c);
        QVERIFY(!run.events.empty());
        QCOMPARE(run.events.front().value("event").toString(), QStringLiteral("start"));
        QCOMPARE(run.events.back().value("event").toString(), QStringLiteral("done"));
        const QRegularExpression iso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$)"));
        double lastProgress = -1;
        int checkpoints = 0;
        for (const auto &e : run.events) {
            QVERIFY(!e.isEmpty());
            QVERIFY(iso.match(e.value("time").toString()).hasMatch());
            const QString type = e.value("event").toString();
            if (type == "start") {
                for (const char *k : {"job", "out", "total_steps", "epochs", "samples", "device", "resumed_from_step"})
                    QVERIFY2(e.contains(k), k);
                QCOMPARE(e.value("total_steps").toInt(), 8);
            } else if (type == "step") {
                for (const char *k : {"step", "epoch", "loss", "lr", "samples_per_s", "eta_s", "progress"})
                    QVERIFY2(e.contains(k), k);
                const double p = e.value("progress").toDouble();
                QVERIFY(p >= 0 && p <= 1 && p > lastProgress);
                lastProgress = p;
            } else if (type == "eval") {
                QCOMPARE(e.value("split").toString(), QStringLiteral("validation"));
                const auto m = e.value("metrics").toObject();
                for (const char *k : {"loss", "bleu1", "bleu4", "rougeL", "ciderD"})
                    QVERIFY2(m.contains(k), k);
            } else if (type == "checkpoint") {
                ++checkpoints;
                QVERIFY(QFileInfo(e.value("path").toString()).isDir());
                QVERIFY(e.value("best").isBool());
            } else if (type == "done") {
                QCOMPARE(e.value("status").toString(), QStringLiteral("succeeded"));
                QVERIFY(e.contains("model_dir") && e.contains("message") && e.contains("step"));
            } else {
                QCOMPARE(type, QStringLiteral("log"));
                QVERIFY(e.contains("level") && e.contains("message"));
            }
        }
        QVERIFY(checkpoints >= 2);
        QCOMPARE(lastProgress, 1.0);
        // metrics.jsonl holds the step and eval events, one JSON object per line.
        QFile f(m_dir.path() + "/run-events/metrics.jsonl");
        QVERIFY(f.open(QIODevice::ReadOnly));
        int lines = 0;
        while (!f.atEnd()) {
            const auto o = parseLine(f.readLine().trimmed().toStdString());
            QVERIFY(o.value("event").toString() == "step" || o.value("event").toString() == "eval");
            ++lines;
        }
        QCOMPARE(lines, 8 + 2);
    }

    void resumeReproducesLosses()
    {
        // Dropout and augmentation on, so the RNG and data-order state both matter.
        TrainConfig c;
        c.model = m_dropoutConfig.toStdString();
        c.data = (m_dir.path() + "/shapes").toStdString();
        c.maxSteps = 16;
        c.batchSize = 8;
        c.gradAccumulation = 2;
        c.learningRate = 1e-3;
        c.warmupSteps = 3;
        c.saveEverySteps = 100;
        c.evalEverySteps = 100;
        c.maxEvalSamples = 4;
        c.maxNewTokens = 2;
        c.out = (m_dir.path() + "/run-full").toStdString();
        const Run full = train(c);
        QCOMPARE(full.doneStatus, QStringLiteral("succeeded"));

        std::atomic<bool> cancel{false};
        c.out = (m_dir.path() + "/run-cut").toStdString();
        const Run cut = train(c, &cancel, 7); // 6 optimizer steps = 12 batches: inside epoch 2
        QCOMPARE(cut.doneStatus, QStringLiteral("canceled"));
        QCOMPARE(int(cut.losses.size()), 7);
        QVERIFY(QFileInfo::exists(m_dir.path() + "/run-cut/checkpoint-7/trainer_state.json"));
        QVERIFY(QFileInfo::exists(m_dir.path() + "/run-cut/checkpoint-7/optimizer.safetensors"));
        bool sawCheckpoint = false;
        for (const auto &e : cut.events)
            sawCheckpoint = sawCheckpoint || (e.value("event").toString() == "checkpoint" && e.value("step").toInt() == 7);
        QVERIFY(sawCheckpoint);

        c.resume = c.out;
        const Run resumed = train(c);
        QCOMPARE(resumed.doneStatus, QStringLiteral("succeeded"));
        QCOMPARE(resumed.events.front().value("resumed_from_step").toInt(), 7);
        QCOMPARE(int(resumed.losses.size()), 9);
        for (int s = 1; s <= 7; ++s)
            QVERIFY(std::fabs(cut.losses.at(s) - full.losses.at(s)) < 1e-5);
        for (int s = 8; s <= 16; ++s)
            QVERIFY2(std::fabs(resumed.losses.at(s) - full.losses.at(s)) < 1e-4 * std::max(1.0, full.losses.at(s)),
                     qPrintable(QStringLiteral("step %1: %2 vs %3").arg(s).arg(resumed.losses.at(s)).arg(full.losses.at(s))));
    }

    void freezingKeepsEncoderWeights()
    {
        TrainConfig c;
        c.model = m_config.toStdString();
        c.data = (m_dir.path() + "/shapes").toStdString();
        c.out = (m_dir.path() + "/run-frozen").toStdString();
        c.maxSteps = 3;
        c.batchSize = 8;
        c.freezeEncoder = true;
        c.maxEvalSamples = 2;
        c.maxNewTokens = 2;
        QCOMPARE(train(c).doneStatus, QStringLiteral("succeeded"));
        c.out = (m_dir.path() + "/run-unfrozen").toStdString();
        c.freezeEncoder = false;
        c.freezeEncoderBlocks = 1;
        QCOMPARE(train(c).doneStatus, QStringLiteral("succeeded"));
        // Both start from the same seeded init: the frozen run's encoder equals a fresh init, the
        // partially frozen run changed block 1 but not block 0.
        TrainConfig init = c;
        init.out = (m_dir.path() + "/run-init").toStdString();
        init.maxSteps = 1;
        init.learningRate = 0.0;
        QCOMPARE(train(init).doneStatus, QStringLiteral("succeeded"));
        auto read = [&](const QString &run, const std::string &name) {
            QFile f(m_dir.path() + "/" + run + "/final/model.safetensors");
            f.open(QIODevice::ReadOnly);
            const QByteArray bytes = f.readAll();
            const quint64 headerLen = *reinterpret_cast<const quint64 *>(bytes.constData());
            const auto header = QJsonDocument::fromJson(bytes.mid(8, int(headerLen))).object();
            const auto entry = header.value(QString::fromStdString(name)).toObject();
            const auto offs = entry.value("data_offsets").toArray();
            return bytes.mid(int(8 + headerLen + quint64(offs[0].toInteger())), int(offs[1].toInteger() - offs[0].toInteger()));
        };
        const std::string block0 = "encoder.encoder.layer.0.output.dense.weight";
        const std::string block1 = "encoder.encoder.layer.1.output.dense.weight";
        QVERIFY(!read("run-init", block0).isEmpty());
        QCOMPARE(read("run-frozen", block0), read("run-init", block0));
        QCOMPARE(read("run-frozen", block1), read("run-init", block1));
        QCOMPARE(read("run-unfrozen", block0), read("run-init", block0));
        QVERIFY(read("run-unfrozen", block1) != read("run-init", block1));
    }

    void cliWorker()
    {
        const QString binary = QStringLiteral(SATGPT_BINARY_DIR) + "/app/satgpt";
        if (!QFileInfo::exists(binary))
            QSKIP("the satgpt CLI is not built");
        QProcess proc;
        proc.start(binary, {"train", "--model", m_config, "--data", m_dir.path() + "/shapes", "--task", "caption",
                            "--max-steps", "400", "--batch-size", "8", "--out", m_dir.path() + "/cli-run", "--events",
                            "--max-eval-samples", "4"});
        QVERIFY(proc.waitForStarted(20000));
        // Cancel through stdin once training runs; the worker checkpoints, reports and exits 0.
        QByteArray out;
        bool sentCancel = false;
        QElapsedTimer timer;
        timer.start();
        while (proc.state() != QProcess::NotRunning && timer.elapsed() < 120000) {
            proc.waitForReadyRead(200);
            out += proc.readAllStandardOutput();
            if (!sentCancel && out.contains("\"event\":\"step\"")) {
                proc.write("cancel\n");
                sentCancel = true;
            }
        }
        if (proc.state() != QProcess::NotRunning)
            QVERIFY(proc.waitForFinished(60000));
        out += proc.readAllStandardOutput();
        QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
        QCOMPARE(proc.exitCode(), 0);
        const auto lines = out.trimmed().split('\n');
        QVERIFY(lines.size() >= 3);
        QStringList types;
        for (const auto &l : lines) {
            const auto o = parseLine(l.toStdString());
            QVERIFY2(!o.isEmpty(), l.constData()); // nothing but JSON objects on stdout
            types << o.value("event").toString();
        }
        QCOMPARE(types.first(), QStringLiteral("start"));
        QCOMPARE(types.last(), QStringLiteral("done"));
        QVERIFY(types.contains("checkpoint"));
        const auto done = parseLine(lines.last().toStdString());
        QCOMPARE(done.value("status").toString(), QStringLiteral("canceled"));
        QVERIFY(done.value("step").toInt() < 400);
        QVERIFY(QFileInfo::exists(done.value("model_dir").toString() + "/config.json"));

        // `satgpt eval --json` on the checkpoint.
        QProcess eval;
        eval.start(binary, {"eval", "--model", done.value("model_dir").toString(), "--data", m_dir.path() + "/shapes",
                            "--split", "validation", "--max-samples", "4", "--max-new-tokens", "4", "--json", "--out-md",
                            m_dir.path() + "/eval.md"});
        QVERIFY(eval.waitForFinished(120000));
        QCOMPARE(eval.exitCode(), 0);
        const auto report = QJsonDocument::fromJson(eval.readAllStandardOutput()).object();
        QCOMPARE(report.value("samples").toInt(), 4);
        QVERIFY(report.value("metrics").toObject().contains("bleu4"));
        QVERIFY(QFileInfo(m_dir.path() + "/eval.md").size() > 0);
    }

private:
    QTemporaryDir m_dir;
    QString m_config;
    QString m_dropoutConfig;
};

QTEST_MAIN(TestTrainer)
#include "tst_trainer.moc"
