// SPDX-License-Identifier: GPL-3.0-or-later
// The bundled default model (resources/models/satgpt-small) and the headless end-to-end demo
// (`satgpt demo`) at a reduced size: one region, one question, two fine-tune steps.

#include "core/common/trainingimages.h"
#include "core/ml/datasets.h"
#include "core/ml/trainer.h"
#include "core/ml/visionlanguagemodel.h"
#include "tests/common/testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace satgpt;

namespace {

QString modelDir()
{
    return test::sourceDir() + QStringLiteral("/resources/models/satgpt-small");
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestDefaultModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(modelDir() + "/config.json"))
            QSKIP("the bundled model is not in this checkout (resources/models/satgpt-small): run scripts/train-default-model.sh");
    }

    void hfLayout()
    {
        // Exactly what transformers' VisionEncoderDecoderModel / ViTImageProcessor / GPT2Tokenizer read.
        for (const char *f : {"config.json", "model.safetensors", "generation_config.json", "preprocessor_config.json",
                              "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json",
                              "MODEL_CARD.md"})
            QVERIFY2(QFileInfo::exists(modelDir() + "/" + f), f);
        const QJsonObject config = readJson(modelDir() + "/config.json");
        QCOMPARE(config.value("model_type").toString(), QStringLiteral("vision-encoder-decoder"));
        QCOMPARE(config.value("encoder").toObject().value("model_type").toString(), QStringLiteral("vit"));
        QCOMPARE(config.value("decoder").toObject().value("model_type").toString(), QStringLiteral("gpt2"));
        QVERIFY(config.value("decoder").toObject().value("add_cross_attention").toBool());
        // Small enough to ship: fp16 weights.
        QVERIFY(QFileInfo(modelDir() + "/model.safetensors").size() <= 25 * 1024 * 1024);
    }

    void answersAboutRealImagery()
    {
        auto model = ml::VisionLanguageModel::load(modelDir().toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().toString().c_str());
        QCOMPARE(model.value()->info().vocabSize, int64_t(readJson(modelDir() + "/config.json")
                                                              .value("decoder").toObject().value("vocab_size").toInt()));
        auto image = loadTrainingImage(test::sourceDir() + "/resources/demo/L7_ETMs.tif");
        QVERIFY2(image.ok(), image.ok() ? "" : image.error().toString().c_str());
        ml::GenerationSettings gs = model.value()->defaultSettings();
        gs.maxNewTokens = 24;
        auto caption = model.value()->generate(image.value(), "", gs);
        QVERIFY2(caption.ok(), caption.ok() ? "" : caption.error().toString().c_str());
        qInfo("caption: '%s'", caption->text.c_str());
        QVERIFY(!caption->text.empty());
        auto answer = model.value()->generate(image.value(), "What is the land cover?", gs);
        QVERIFY(answer.ok());
        qInfo("scene: '%s'", answer->text.c_str());
        QVERIFY(!answer->text.empty());
    }

    void heldOutClassesAboveChance()
    {
        // The model card's claim, on a slice of the AID test split: far above 1/30 chance.
        SATGPT_REQUIRE_SHARED("datasets/scene_classification_aid");
        ml::EvalConfig ec;
        ec.model = modelDir().toStdString();
        ec.data = test::sharedPath("datasets/scene_classification_aid").toStdString();
        ec.task = ml::TaskKind::Classify;
        ec.split = "test";
        ec.maxSamples = 60;
        ec.maxNewTokens = 8;
        auto report = ml::evaluateModel(ec, trainingImageLoader());
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
        qInfo("AID test accuracy on 60 images: %.3f", report->metrics.at("accuracy"));
        QVERIFY(report->metrics.at("accuracy") > 3.0 / 30.0);
    }

    void demoEndToEndReduced()
    {
        QTemporaryDir dir;
        QProcess demo;
        demo.setProcessChannelMode(QProcess::MergedChannels);
        demo.start(QStringLiteral(SATGPT_BINARY_DIR) + "/app/satgpt",
                   {"demo", "--out", dir.path() + "/demo", "--regions", "1", "--prompts", "1", "--fine-tune-steps", "2"});
        QVERIFY(demo.waitForFinished(600000));
        const QString log = QString::fromUtf8(demo.readAll());
        qInfo("%s", qPrintable(log));
        QCOMPARE(demo.exitCode(), 0);
        for (int i = 1; i <= 7; ++i)
            QVERIFY2(log.contains(QStringLiteral("[%1/7]").arg(i)), qPrintable(QStringLiteral("step %1").arg(i)));
        QVERIFY(log.contains("Report: " + dir.path() + "/demo/report.pdf"));

        // The project holds the exchanges (default model, then the fine-tuned one), their maps and the job.
        const QJsonObject project = readJson(dir.path() + "/demo/demo.satgpt");
        const QJsonArray chat = project.value("chatHistory").toArray();
        QCOMPARE(chat.size(), 2);
        const QJsonObject first = chat[0].toObject();
        QCOMPARE(first.value("question").toString(), QStringLiteral("Describe this view"));
        const QString heatmap = first.value("heatmap").toObject().value("path").toString();
        QVERIFY(!heatmap.isEmpty());
        QVERIFY(QFileInfo::exists(dir.path() + "/demo/" + heatmap));
        QVERIFY(chat[1].toObject().value("modelPath").toString().contains("fine-tune"));
        QVERIFY(QFileInfo::exists(dir.path() + "/demo/fine-tune/final/model.safetensors"));

        // The report has pages and carries the answers.
        QProcess pdftotext;
        pdftotext.start("pdftotext", {dir.path() + "/demo/report.pdf", "-"});
        QVERIFY(pdftotext.waitForFinished(60000));
        const QString text = QString::fromUtf8(pdftotext.readAllStandardOutput());
        QVERIFY(text.contains("Describe this view"));
        QVERIFY(QFileInfo(dir.path() + "/demo/report.html").size() > 0);
    }
};

QTEST_MAIN(TestDefaultModel)
#include "tst_defaultmodel.moc"
