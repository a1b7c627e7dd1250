// SPDX-License-Identifier: GPL-3.0-or-later
// Chat core: the region cut against GDAL windowed reads, the exchange <-> JSON, the model
// registry, the chat job (streaming, cancel within one token) and the evidence job, end to end
// with a tiny random model.

#include "core/chat/chatentry.h"
#include "core/chat/chathistory.h"
#include "core/chat/chatjob.h"
#include "core/chat/chatrecorder.h"
#include "core/chat/evidencejob.h"
#include "core/chat/modelcache.h"
#include "core/chat/regioncut.h"
#include "core/common/modelregistry.h"
#include "core/jobs/trainingjobrecord.h"
#include "core/ml/countinghead.h"
#include "core/ml/explainsession.h"
#include "core/ml/visionlanguagemodel.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"

#include "tests/common/chatfixtures.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>

using namespace satgpt;

class TestChat : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_scene;
    QString m_model;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    void requireModel()
    {
        if (m_model.isEmpty())
            QSKIP("no tiny model: ../shared/fixtures is not present");
    }

    ChatRequest request(const QString &question, const QRect &window) const
    {
        ChatRequest r;
        r.source.sceneId = QStringLiteral("s1");
        r.source.scenePath = m_scene;
        r.source.window = window;
        r.source.render.composition.bands = {1, 2, 3};
        r.source.render.stretch.kind = StretchKind::None;
        r.question = question;
        r.modelPath = m_model;
        ml::GenerationSettings g;
        g.maxNewTokens = 8;
        r.generation = g;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("satgpt-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_chat"));
        registerGdalDrivers();
        m_scene = test::writeChatScene(path(QStringLiteral("scene.tif")));
        QVERIFY(!m_scene.isEmpty());
        QString why;
        m_model = test::writeTinyChatModel(path(QStringLiteral("models/tiny-chat")), &why);
        if (m_model.isEmpty())
            qWarning("%s", qPrintable(why));
    }

    void regionCutMatchesGdalWindowedRead_data()
    {
        QTest::addColumn<QRect>("window");
        QTest::addColumn<QSize>("outSize");
        QTest::addColumn<QVector<int>>("bands");
        QTest::addColumn<int>("resampleAlg");
        QTest::newRow("1:1 rgb") << QRect(13, 7, 50, 40) << QSize(50, 40) << QVector<int>{1, 2, 3} << int(GRIORA_NearestNeighbour);
        QTest::newRow("1:1 false colour") << QRect(100, 60, 60, 60) << QSize(60, 60) << QVector<int>{3, 1, 2}
                                          << int(GRIORA_NearestNeighbour);
        QTest::newRow("reduced 1:2") << QRect(20, 10, 100, 80) << QSize(50, 40) << QVector<int>{1, 2, 3} << int(GRIORA_Average);
    }

    void regionCutMatchesGdalWindowedRead()
    {
        QFETCH(QRect, window);
        QFETCH(QSize, outSize);
        QFETCH(QVector<int>, bands);
        QFETCH(int, resampleAlg);
        auto ds = RasterDataset::open(m_scene);
        QVERIFY(ds.ok());
        RenderSettings settings;
        settings.composition.bands = bands;
        settings.stretch.kind = StretchKind::None; // values as they are: the 8-bit scene's own bytes
        auto cut = renderRegion(*ds.value(), window, settings, outSize);
        QVERIFY2(cut.ok(), cut.ok() ? "" : cut.error().toString().c_str());
        QCOMPARE(cut->size(), outSize);
        QCOMPARE(cut->format(), QImage::Format_RGB888);

        GDALDatasetH h = GDALOpen(m_scene.toUtf8().constData(), GA_ReadOnly);
        QVERIFY(h);
        GDALRasterIOExtraArg extra;
        INIT_RASTERIO_EXTRA_ARG(extra);
        extra.eResampleAlg = GDALRIOResampleAlg(resampleAlg);
        int maxDiff = 0;
        for (int c = 0; c < 3; ++c) {
            std::vector<uint8_t> ref(size_t(outSize.width()) * size_t(outSize.height()));
            QCOMPARE(GDALRasterIOEx(GDALGetRasterBand(h, bands[c]), GF_Read, window.x(), window.y(), window.width(),
                                    window.height(), ref.data(), outSize.width(), outSize.height(), GDT_Byte, 0, 0, &extra),
                     CE_None);
            for (int y = 0; y < outSize.height(); ++y)
                for (int x = 0; x < outSize.width(); ++x)
                    maxDiff = std::max(maxDiff, std::abs(int(cut->constScanLine(y)[3 * x + c]) - int(ref[size_t(y) * size_t(outSize.width()) + size_t(x)])));
        }
        GDALClose(h);
        // 1:1 the bytes are identical; averaged reads differ at most by GDAL's byte rounding.
        QVERIFY2(maxDiff <= (resampleAlg == GRIORA_NearestNeighbour ? 0 : 1), qPrintable(QString::number(maxDiff)));
        // and the image the model gets holds the same bytes
        const ml::ImageRGB8 rgb = toImageRGB8(cut.value());
        QVERIFY(rgb.isValid());
        QCOMPARE(int(rgb.pixels[3 * (rgb.width + 1)]), int(cut->constScanLine(1)[3]));
    }

    void regionCutErrors()
    {
        auto ds = RasterDataset::open(m_scene);
        QVERIFY(ds.ok());
        RenderSettings s;
        s.composition.bands = {1, 2, 3};
        auto outside = renderRegion(*ds.value(), QRect(500, 500, 10, 10), s, QSize(10, 10));
        QVERIFY(!outside.ok());
        QVERIFY(outside.error().toString().find("scene.tif") != std::string::npos);
        s.composition.bands = {1, 2, 7};
        auto badBand = renderRegion(*ds.value(), QRect(0, 0, 10, 10), s, QSize(10, 10));
        QVERIFY(!badBand.ok());
        QCOMPARE(regionReadSize(QSize(1000, 500), 512), QSize(512, 256));
        QCOMPARE(regionReadSize(QSize(100, 50), 512), QSize(100, 50));
    }

    void regionDescription()
    {
        auto info = inspectRaster(m_scene);
        QVERIFY(info.ok());
        const ChatRegion r = describeRegion(info.value(), QRect(13, 7, 50, 40), ChatRegion::Kind::Box);
        QCOMPARE(r.crs, QStringLiteral("EPSG:32632"));
        QCOMPARE(r.map.left(), 500130.0);
        QCOMPARE(r.map.right(), 500630.0);
        QCOMPARE(r.map.top(), 5000000.0 - 470.0);
        QCOMPARE(r.map.bottom(), 5000000.0 - 70.0);

        // The same ground in a scene that starts 100 m (10 px) further east.
        const QString other = test::writeChatScene(path(QStringLiteral("other.tif")), 160, 120, 500100.0);
        auto otherInfo = inspectRaster(other);
        QVERIFY(otherInfo.ok());
        QCOMPARE(regionInScene(info.value(), QRect(30, 7, 50, 40), otherInfo.value()), QRect(20, 7, 50, 40));
    }

    void entryJson()
    {
        ChatEntry e = ChatEntry::create();
        QVERIFY(!e.id.isEmpty());
        e.sceneId = QStringLiteral("s1");
        e.scenePath = m_scene;
        e.region.kind = ChatRegion::Kind::Annotation;
        e.region.annotationId = QStringLiteral("7");
        e.region.pixel = QRect(1, 2, 30, 40);
        e.region.map = QRectF(QPointF(10, 20), QPointF(40, 60));
        e.region.crs = QStringLiteral("EPSG:32632");
        e.question = QStringLiteral("How many buildings are there?");
        e.answer = QStringLiteral("12");
        e.modelId = QStringLiteral("tiny-chat");
        e.modelPath = m_model;
        e.generation.maxNewTokens = 17;
        e.generation.numBeams = 3;
        e.generation.temperature = 0.7;
        e.generation.seed = 42;
        e.heatmap.method = QStringLiteral("gradcam");
        e.heatmap.path = QStringLiteral("p_chat/x.tif");
        e.heatmap.token = 2;
        e.tokenIds = {16, 17, 999};
        e.tokens = {QStringLiteral("1"), QStringLiteral("2"), QString()};
        const QJsonObject o = e.toJson();
        for (const char *key : {"id", "time", "sceneId", "scenePath", "region", "question", "answer", "method", "verified",
                                "modelId", "modelPath", "generation", "heatmap"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QCOMPARE(o.value("method").toString(), QStringLiteral("decoder"));
        QCOMPARE(o.value("verified").toBool(), false);
        QCOMPARE(o.value("region").toObject().value("kind").toString(), QStringLiteral("annotation"));
        QCOMPARE(o.value("region").toObject().value("pixel").toArray(), (QJsonArray{1, 2, 30, 40}));
        QCOMPARE(o.value("region").toObject().value("map").toArray(), (QJsonArray{10.0, 20.0, 40.0, 60.0}));
        QCOMPARE(o.value("generation").toObject().value("maxNewTokens").toInt(), 17);
        QVERIFY(o.value("time").toString().endsWith(QLatin1Char('Z')));

        const ChatEntry back = ChatEntry::fromJson(o);
        QCOMPARE(back.toJson(), o);
        QCOMPARE(back.generation.seed.value_or(0), uint64_t(42));
        QVERIFY(back.isUnverifiedCount());

        // Readers tolerate missing keys (entries written by other versions or tools).
        const ChatEntry sparse = ChatEntry::fromJson(QJsonObject{{"question", "What is this?"}});
        QCOMPARE(sparse.question, QStringLiteral("What is this?"));
        QCOMPARE(sparse.method, QStringLiteral("decoder"));
        QVERIFY(!sparse.verified);
        QVERIFY(sparse.heatmap.isEmpty());
        QVERIFY(sparse.tokenIds.isEmpty());
        QCOMPARE(sparse.generation.maxNewTokens, ml::GenerationSettings{}.maxNewTokens);
        QVERIFY(!sparse.toJson().contains("heatmap"));
    }

    void countedClass_data()
    {
        QTest::addColumn<QString>("question");
        QTest::addColumn<QString>("cls");
        QTest::newRow("buildings") << "How many buildings are there?" << "buildings";
        QTest::newRow("cars in") << "how many cars in the parking lot" << "cars";
        QTest::newRow("two words") << "How many storage tanks can you see?" << "storage tanks";
        QTest::newRow("no count") << "What is the land cover?" << "";
    }

    void promptsAndModelIds()
    {
        // Descriptions are captioning (no question prompt), as the model was trained.
        QCOMPARE(ChatEntry::modelPrompt(QStringLiteral("Describe this view")), QString());
        QCOMPARE(ChatEntry::modelPrompt(QStringLiteral("please caption the region")), QString());
        QCOMPARE(ChatEntry::modelPrompt(QStringLiteral("What is the land cover?")), QStringLiteral("What is the land cover?"));
        QCOMPARE(ModelRegistry::modelIdFor(QStringLiteral("/runs/demo-fine-tune/best")), QStringLiteral("demo-fine-tune/best"));
        QCOMPARE(ModelRegistry::modelIdFor(QStringLiteral("/models/satgpt-small/")), QStringLiteral("satgpt-small"));
    }

    void countedClass()
    {
        QFETCH(QString, question);
        QFETCH(QString, cls);
        QCOMPARE(ChatEntry::countedClass(question), cls);
    }

    void modelRegistry()
    {
        requireModel();
        QSettings().remove(QStringLiteral("models"));
        ModelRegistry reg;
        // No bundled model: a clear message naming where it was looked for, nothing listed.
        reg.setBundledCandidates({path(QStringLiteral("nowhere/satgpt-small"))});
        QVERIFY(reg.bundledModelDir().isEmpty());
        QVERIFY(reg.bundledProblem().contains(QStringLiteral("nowhere")));
        QVERIFY(reg.models().isEmpty());
        QVERIFY(!reg.defaultModel());

        // A folder without config.json is refused; a model folder is listed and persisted.
        QDir().mkpath(path(QStringLiteral("notamodel")));
        QVERIFY(!reg.addUserFolder(path(QStringLiteral("notamodel"))).isEmpty());
        QVERIFY(reg.addUserFolder(m_model).isEmpty());
        QVERIFY(reg.addUserFolder(m_model).isEmpty()); // once only
        QCOMPARE(ModelRegistry().userFolders().size(), 1);
        QCOMPARE(reg.models().size(), 1);
        QCOMPARE(reg.models().first().kind, ModelEntry::Kind::User);
        QCOMPARE(reg.models().first().id, QStringLiteral("tiny-chat"));

        // The bundled model comes first and is the default.
        const QString bundled = path(QStringLiteral("share/models/satgpt-small"));
        QDir().mkpath(bundled);
        QFile::copy(m_model + "/config.json", bundled + "/config.json");
        reg.setBundledCandidates({path(QStringLiteral("nowhere/satgpt-small")), bundled});
        QVERIFY(reg.bundledProblem().isEmpty());
        QCOMPARE(reg.defaultModel()->kind, ModelEntry::Kind::Bundled);
        QCOMPARE(reg.defaultModel()->id, QStringLiteral("satgpt-small"));

        // Fine-tuned models come from the project's training jobs.
        const QString run = path(QStringLiteral("runs/job1"));
        QDir().mkpath(run + "/best");
        QFile::copy(m_model + "/config.json", run + "/best/config.json");
        TrainingJobRecord job;
        job.id = QStringLiteral("job1");
        job.name = QStringLiteral("Harbour fine-tune");
        job.state = TrainingJobRecord::State::Finished;
        job.outputDir = run;
        job.modelDir = run + "/best";
        TrainingJobRecord unfinished;
        unfinished.id = QStringLiteral("job2");
        unfinished.outputDir = path(QStringLiteral("runs/job2"));
        reg.setTrainingJobs(QJsonArray{job.toJson(), unfinished.toJson()});
        const auto all = reg.models();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[2].kind, ModelEntry::Kind::FineTuned);
        QVERIFY(all[2].displayName.contains(QStringLiteral("Harbour")));
        reg.removeUserFolder(m_model);
        QCOMPARE(reg.models().size(), 2);
        QSettings().remove(QStringLiteral("models"));
    }

    void chatJobStreamsTheAnswer()
    {
        requireModel();
        auto job = std::make_unique<ChatJob>(request(QStringLiteral("What is the land cover?"), QRect(10, 20, 64, 48)));
        QStringList pieces;
        QVector<qint64> ids;
        QSignalSpy regionSpy(job.get(), &ChatJob::regionReady);
        connect(job.get(), &ChatJob::tokenGenerated, this, [&](int index, qint64 id, const QString &piece) {
            QCOMPARE(index, pieces.size());
            QVERIFY(QThread::currentThread() == thread()); // delivered on the GUI thread
            pieces << piece;
            ids << id;
        });
        QSignalSpy done(job.get(), &Job::finished);
        job->start();
        QVERIFY(done.wait(60000));
        QVERIFY2(job->state() == Job::State::Succeeded, qPrintable(job->errorText()));
        QCOMPARE(regionSpy.size(), 1);
        const ChatEntry e = job->entry();
        QVERIFY(!pieces.isEmpty());
        QCOMPARE(e.tokens, pieces);
        QCOMPARE(e.tokenIds, ids);
        QCOMPARE(e.region.pixel, QRect(10, 20, 64, 48));
        QCOMPARE(e.region.crs, QStringLiteral("EPSG:32632"));
        QCOMPARE(e.modelId, QStringLiteral("tiny-chat"));
        QCOMPARE(e.method, QStringLiteral("decoder"));
        QVERIFY(!e.verified);
        QVERIFY(!e.canceled);
        QCOMPARE(job->image().size(), QSize(64, 48));

        // The same answer as the model gives directly for the same pixels.
        auto model = ml::VisionLanguageModel::load(m_model.toStdString());
        QVERIFY(model.ok());
        auto direct = model.value()->generate(toImageRGB8(job->image()), "What is the land cover?", *request({}, {}).generation);
        QVERIFY(direct.ok());
        QCOMPARE(e.answer, QString::fromStdString(direct->text));
        QCOMPARE(e.tokenIds.size(), int(direct->tokenIds.size()));
        qInfo("answer: '%s' (%d tokens)", qPrintable(e.answer), int(e.tokenIds.size()));
    }

    void cancelStopsWithinOneToken()
    {
        requireModel();
        // Canceled from the worker itself while token 1 is being delivered: the model must not
        // compute token 2.
        {
            ChatRequest r = request(QStringLiteral("Describe this view"), QRect(0, 0, 96, 96));
            r.generation->maxNewTokens = 16;
            ChatJob job(r);
            connect(&job, &ChatJob::tokenGenerated, &job, [&job](int index) { if (index == 1) job.cancel(); },
                    Qt::DirectConnection);
            QSignalSpy done(&job, &Job::finished);
            job.start();
            QVERIFY(done.wait(60000));
            QCOMPARE(job.state(), Job::State::Canceled);
            const ChatEntry e = job.entry();
            QVERIFY(e.canceled);
            QCOMPARE(e.tokenIds.size(), 2);
        }
        // Canceled from the GUI thread (the stop button): at most one more token after cancel().
        {
            ChatRequest r = request(QStringLiteral("Describe this view"), QRect(0, 0, 96, 96));
            r.generation->maxNewTokens = 40;
            ChatJob job(r);
            std::atomic<int> produced{0};
            std::atomic<bool> cancelSent{false};
            connect(&job, &ChatJob::tokenGenerated, &job, [&produced] { ++produced; }, Qt::DirectConnection);
            int atCancel = -1;
            connect(&job, &ChatJob::tokenGenerated, this, [&] {
                if (atCancel < 0) {
                    job.cancel();
                    atCancel = produced.load();
                    cancelSent = true;
                }
            });
            // The tiny model writes 40 tokens in a few milliseconds, faster than a loaded GUI
            // thread may get to its queued slot; the worker waits (up to 10 s) after its first
            // token until the GUI thread has pressed stop, as a person's model is slow enough
            // to. Connected last, so the count and the queued call are done before it waits.
            connect(&job, &ChatJob::tokenGenerated, &job, [&] {
                if (produced.load() == 1)
                    for (int i = 0; i < 1000 && !cancelSent.load(); ++i)
                        QThread::msleep(10);
            }, Qt::DirectConnection);
            QSignalSpy done(&job, &Job::finished);
            job.start();
            QVERIFY(done.wait(60000));
            QCOMPARE(job.state(), Job::State::Canceled);
            QVERIFY(atCancel >= 1);
            QVERIFY2(produced.load() <= atCancel + 1, qPrintable(QStringLiteral("%1 after %2").arg(produced.load()).arg(atCancel)));
            QVERIFY(job.entry().tokenIds.size() < 40);
        }
    }

    void chatJobErrors()
    {
        requireModel();
        ChatRequest r = request(QStringLiteral("What is this?"), QRect(0, 0, 32, 32));
        r.modelPath = path(QStringLiteral("no-such-model"));
        ChatJob job(r);
        QSignalSpy failed(&job, &Job::failed);
        job.start();
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("no-such-model")));

        ChatRequest r2 = request(QStringLiteral("What is this?"), QRect(0, 0, 32, 32));
        r2.source.scenePath = path(QStringLiteral("missing.tif"));
        ChatJob job2(r2);
        QSignalSpy failed2(&job2, &Job::failed);
        job2.start();
        QVERIFY(failed2.wait(30000));
        QVERIFY(failed2.first().first().toString().contains(QStringLiteral("missing.tif")));
    }

    void countingHeadAnswersItsClass()
    {
        requireModel();
        // A model copy with a counting head for "building" (trained here on generated chips).
        QString why;
        const QString model = test::writeTinyChatModel(path(QStringLiteral("models/tiny-count")), &why);
        QVERIFY2(!model.isEmpty(), qPrintable(why));
        std::vector<ml::CountSample> samples;
        for (int i = 0; i < 8; ++i) {
            ml::CountSample sample;
            sample.image.width = sample.image.height = 32;
            sample.image.pixels.assign(32 * 32 * 3, 20);
            for (int k = 0; k < i % 4; ++k) {
                const int cx = 6 + 8 * k, cy = 8 + 4 * (i % 3);
                for (int y = cy - 2; y < cy + 2; ++y)
                    for (int x = cx - 2; x < cx + 2; ++x)
                        for (int c = 0; c < 3; ++c)
                            sample.image.pixels[size_t(3 * (y * 32 + x) + c)] = 240;
                sample.points.push_back({double(cx), double(cy)});
            }
            samples.push_back(std::move(sample));
        }
        ml::CountTrainOptions options;
        options.className = "building";
        options.epochs = 2;
        options.batchSize = 4;
        auto trained = ml::trainCountingHead(model.toStdString(), samples, options,
                                             ml::counterDir(model.toStdString(), "building"));
        QVERIFY2(trained.ok(), trained.ok() ? "" : trained.error().toString().c_str());

        ChatRequest r = request(QStringLiteral("How many buildings are there?"), QRect(0, 0, 64, 64));
        r.modelPath = model;
        ChatJob job(r);
        QSignalSpy done(&job, &Job::finished);
        job.start();
        QVERIFY(done.wait(60000));
        QVERIFY2(job.state() == Job::State::Succeeded, qPrintable(job.errorText()));
        const ChatEntry e = job.entry();
        QCOMPARE(e.method, QStringLiteral("counting-head"));
        QVERIFY(e.verified);
        QVERIFY(!e.isUnverifiedCount());
        QVERIFY2(e.answer.endsWith(QStringLiteral(" building")), qPrintable(e.answer));
        QVERIFY(e.countEstimate >= 0.0);
        QCOMPARE(e.toJson().value("method").toString(), QStringLiteral("counting-head"));
        QVERIFY(e.toJson().value("count").toObject().contains("estimate"));
        // The counted objects are kept in scene pixels inside the question's region, for the map.
        QCOMPARE(e.countedObjects.size(), e.answer.section(QLatin1Char(' '), 0, 0).toInt());
        for (const QPointF &p : e.countedObjects)
            QVERIFY(QRectF(0, 0, 64, 64).contains(p));
        QCOMPARE(ChatEntry::fromJson(e.toJson()).countedObjects, e.countedObjects);

        // No head for the class: the decoder answers, unverified.
        ChatRequest r2 = request(QStringLiteral("How many trees are there?"), QRect(0, 0, 64, 64));
        r2.modelPath = model;
        ChatJob job2(r2);
        QSignalSpy done2(&job2, &Job::finished);
        job2.start();
        QVERIFY(done2.wait(60000));
        const ChatEntry e2 = job2.entry();
        QCOMPARE(e2.method, QStringLiteral("decoder"));
        QVERIFY(!e2.verified);
        QVERIFY(e2.isUnverifiedCount());
    }

    void evidenceForAToken()
    {
        requireModel();
        ChatJob job(request(QStringLiteral("How many buildings are there?"), QRect(40, 30, 64, 64)));
        QSignalSpy done(&job, &Job::finished);
        job.start();
        QVERIFY(done.wait(60000));
        QCOMPARE(job.state(), Job::State::Succeeded);
        const ChatEntry entry = job.entry();
        QVERIFY(entry.tokenIds.size() >= 2);

        EvidenceRequest er;
        er.entry = entry;
        er.render = request({}, {}).source.render;
        er.method = ml::ExplainMethod::GradCam;
        er.token = 1;
        er.outputPath = path(QStringLiteral("p_chat/") + ChatHistory::heatmapFileName(entry, QStringLiteral("gradcam"), 1));
        EvidenceJob ev(er); // no image: cut again from the scene
        QSignalSpy evDone(&ev, &Job::finished);
        ev.start();
        QVERIFY(evDone.wait(60000));
        QVERIFY2(ev.state() == Job::State::Succeeded, qPrintable(ev.errorText()));
        const ml::HeatMap map = ev.map();
        QVERIFY(!map.isEmpty());
        QCOMPARE(map.width, 32); // min(region, model input 32)

        // The map is that token's: the same as explaining token 1 directly ...
        auto session = ml::ExplainSession::load(m_model.toStdString());
        QVERIFY(session.ok());
        const ml::ImageRGB8 rgb = toImageRGB8(job.image());
        auto answer = session.value()->answer(rgb, entry.question.toStdString(), 8);
        QVERIFY(answer.ok());
        const std::vector<int64_t> answerIds = answer->answerIds();
        QCOMPARE(QVector<qint64>(answerIds.begin(), answerIds.end()), entry.tokenIds);
        ml::ExplainOptions o;
        o.method = ml::ExplainMethod::GradCam;
        o.tokenIndex = 1;
        o.outputWidth = 32;
        o.outputHeight = 32;
        auto direct = session.value()->explain(rgb, answer.value(), o);
        QVERIFY(direct.ok());
        QCOMPARE(map.values.size(), direct->map.values.size());
        double maxDiff = 0;
        for (size_t i = 0; i < map.values.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(map.values[i] - direct->map.values[i])));
        QVERIFY2(maxDiff < 1e-5, qPrintable(QString::number(maxDiff)));
        // ... and not the whole answer's.
        o.tokenIndex.reset();
        auto whole = session.value()->explain(rgb, answer.value(), o);
        QVERIFY(whole.ok());
        double wholeDiff = 0;
        for (size_t i = 0; i < map.values.size(); ++i)
            wholeDiff = std::max(wholeDiff, double(std::abs(map.values[i] - whole->map.values[i])));
        QVERIFY(wholeDiff > 1e-4);

        // The GeoTIFF lies over the region and holds the map.
        auto info = inspectRaster(er.outputPath);
        QVERIFY(info.ok());
        QCOMPARE(info->bands.first().type, PixelType::Float32);
        QCOMPARE(info->epsg, 32632);
        QCOMPARE(info->mapBounds().left(), 500400.0);
        QCOMPARE(info->mapBounds().right(), 501040.0);
        auto back = EvidenceJob::readHeatmap(er.outputPath);
        QVERIFY(back.ok());
        QCOMPARE(back->values, map.values);

        // Loading a stored map goes through the same job.
        EvidenceRequest load;
        load.loadPath = er.outputPath;
        EvidenceJob loader(load);
        QSignalSpy loaded(&loader, &Job::finished);
        loader.start();
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loader.map().values, map.values);

        // A token past the answer is an error, not a crash.
        er.token = 500;
        er.outputPath.clear();
        EvidenceJob bad(er);
        QSignalSpy badDone(&bad, &Job::failed);
        bad.start();
        QVERIFY(badDone.wait(30000));
    }

    void recordFromOutside()
    {
        requireModel();
        // What `satgpt ask --project` does: a new project, the scene added, the map stored.
        AskRecord r;
        r.projectPath = path(QStringLiteral("cli/cli.satgpt"));
        QDir().mkpath(path(QStringLiteral("cli")));
        r.scenePath = m_scene;
        r.window = QRect(8, 8, 48, 40);
        r.question = QStringLiteral("What is the land cover?");
        r.answer = QStringLiteral("fields");
        r.tokenIds = {10, 11, 12};
        r.tokens = {QStringLiteral("f"), QStringLiteral("iel"), QStringLiteral("ds")};
        r.modelPath = m_model;
        r.generation.maxNewTokens = 3;
        r.evidence = ml::ExplainMethod::CrossAttention;
        r.evidenceToken = 1;
        auto entry = recordAskInProject(r);
        QVERIFY2(entry.ok(), entry.ok() ? "" : entry.error().toString().c_str());
        auto project = Project::load(r.projectPath);
        QVERIFY(project.ok());
        QCOMPARE(project.value()->scenes().size(), 1);
        const auto entries = ChatHistory::entries(*project.value());
        QCOMPARE(entries.size(), 1);
        const ChatEntry &e = entries.first();
        QCOMPARE(e.sceneId, project.value()->scenes().first().id);
        QCOMPARE(e.region.kind, ChatRegion::Kind::Box);
        QCOMPARE(e.region.pixel, r.window);
        QCOMPARE(e.heatmap.method, QStringLiteral("cross-attention"));
        QCOMPARE(e.heatmap.token, 1);
        QVERIFY(e.heatmap.path.startsWith(QStringLiteral("cli_chat/")));
        QVERIFY(QFileInfo::exists(ChatHistory::resolvePath(*project.value(), e.heatmap.path)));
        // A second exchange goes into the same project and reuses the scene.
        r.evidence.reset();
        QVERIFY(recordAskInProject(r).ok());
        auto again = Project::load(r.projectPath);
        QCOMPARE(again.value()->scenes().size(), 1);
        QCOMPARE(again.value()->chatHistory().size(), 2);
        // A scene that cannot be read is refused and names the file.
        r.scenePath = path(QStringLiteral("nope.tif"));
        auto bad = recordAskInProject(r);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().toString().find("nope.tif") != std::string::npos);
    }

    void historyInProject()
    {
        Project project;
        const QString file = path(QStringLiteral("proj/p.satgpt"));
        QDir().mkpath(path(QStringLiteral("proj")));
        ChatEntry e = ChatEntry::create();
        e.question = QStringLiteral("Describe this view");
        e.answer = QStringLiteral("fields");
        ChatHistory::append(project, e);
        QCOMPARE(ChatHistory::entries(project).size(), 1);
        QVERIFY(project.save(file).ok());
        const QString abs = ChatHistory::heatmapFolder(project) + QLatin1Char('/') +
                            ChatHistory::heatmapFileName(e, QStringLiteral("gradcam++"), 3);
        QVERIFY(abs.contains(QStringLiteral("p_chat")));
        QVERIFY(abs.endsWith(QStringLiteral("-gradcampp-t3.tif")));
        e.heatmap.method = QStringLiteral("gradcam++");
        e.heatmap.path = ChatHistory::storedPath(project, abs);
        e.heatmap.token = 3;
        QCOMPARE(e.heatmap.path, QStringLiteral("p_chat/") + ChatHistory::heatmapFileName(e, QStringLiteral("gradcam++"), 3));
        QVERIFY(ChatHistory::update(project, e));
        QCOMPARE(ChatHistory::resolvePath(project, e.heatmap.path), abs);
        QVERIFY(project.save().ok());
        auto loaded = Project::load(file);
        QVERIFY(loaded.ok());
        const auto entries = ChatHistory::entries(*loaded.value());
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().heatmap.token, 3);
        QCOMPARE(entries.first().answer, QStringLiteral("fields"));
        ChatEntry unknown = ChatEntry::create();
        QVERIFY(!ChatHistory::update(project, unknown));
    }
};

QTEST_MAIN(TestChat)
#include "tst_chat.moc"
