// SPDX-License-Identifier: GPL-3.0-or-later
// Counting heads (issue #6): a density head on the ViT patch tokens trained on generated point
// annotations must count generated objects on held-out scenes with MAE < 0.5 and put each
// counted object within a few pixels of a true one; heads are found, loaded, matched to
// questions, cancelled and refused when they do not belong to the model.

#include "core/annotations/annotationdocument.h"
#include "core/ml/countinghead.h"
#include "core/ml/trainingmodel.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <fstream>
#include <random>

using namespace satgpt;
using namespace satgpt::ml;

namespace {

constexpr int kSide = 64; // the tiny model's input size: one training chip is one window

/// A scene of `w` x `h` px: smooth coloured texture plus noise, and `n` bright 3x3 objects at
/// least 7 px apart (centres returned in pixel-corner coordinates).
CountSample makeScene(std::mt19937_64 &rng, int w, int h, int n)
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    CountSample s;
    s.image.width = w;
    s.image.height = h;
    s.image.pixels.resize(size_t(w) * size_t(h) * 3);
    const double fx = 0.05 + 0.15 * u(rng), fy = 0.05 + 0.15 * u(rng), ph = 6.28 * u(rng);
    const double base = 50 + 40 * u(rng);
    std::normal_distribution<double> noise(0.0, 10.0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double t = base + 25 * std::sin(fx * x + ph) * std::cos(fy * y);
            for (int c = 0; c < 3; ++c)
                s.image.pixels[(size_t(y) * w + x) * 3 + c] = uint8_t(std::clamp(t + 8 * c + noise(rng), 0.0, 255.0));
        }
    for (int tries = 0; int(s.points.size()) < n && tries < 2000; ++tries) {
        const int x = 2 + int(u(rng) * (w - 7)), y = 2 + int(u(rng) * (h - 7));
        const double cx = x + 1.5, cy = y + 1.5;
        bool clear = true;
        for (const auto &p : s.points)
            clear = clear && std::hypot(p.first - cx, p.second - cy) >= 7.0;
        if (!clear)
            continue;
        const uint8_t v = uint8_t(220 + int(u(rng) * 35));
        for (int yy = y; yy < y + 3; ++yy)
            for (int xx = x; xx < x + 3; ++xx)
                for (int c = 0; c < 3; ++c)
                    s.image.pixels[(size_t(yy) * w + xx) * 3 + c] = v;
        s.points.emplace_back(cx, cy);
    }
    return s;
}

std::vector<CountSample> makeScenes(uint64_t seed, int count, int w = kSide, int h = kSide, int maxObjects = 9)
{
    std::mt19937_64 rng(seed);
    std::vector<CountSample> out;
    for (int i = 0; i < count; ++i)
        out.push_back(makeScene(rng, w, h, int(rng() % uint64_t(maxObjects + 1))));
    return out;
}

/// A random-init ViT + GPT-2 folder (HF layout) from the small config form.
bool makeTinyModel(const QString &dir, uint64_t seed, QString *why)
{
    const std::string cfg = (dir + QStringLiteral(".json")).toStdString();
    std::ofstream(cfg) << R"({"image_size": 64, "patch_size": 8, "hidden_size": 128, "num_heads": 2,
                             "encoder_layers": 2, "decoder_layers": 1, "max_positions": 32})";
    auto tm = TrainingModel::load(cfg, seed, false);
    if (!tm) {
        *why = QString::fromStdString(tm.error().toString());
        return false;
    }
    if (auto st = tm.value()->save(dir.toStdString()); !st) {
        *why = QString::fromStdString(st.error().toString());
        return false;
    }
    return true;
}

} // namespace

class TestCounting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void countsHeldOutScenes();
    void tilesLargerRegions();
    void findsHeadsForQuestions();
    void refusesForeignAndBrokenHeads();
    void cancelsTraining();
    void cliTrainsFromProjectAndCounts();

private:
    QTemporaryDir m_tmp;
    QString m_model;
    QString m_head;
    CountTrainReport m_report;
};

void TestCounting::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_model = m_tmp.filePath(QStringLiteral("tiny-model"));
    QString why;
    QVERIFY2(makeTinyModel(m_model, 7, &why), qPrintable(why));

    CountTrainOptions o;
    o.className = QStringLiteral("Car").toStdString();
    // A frozen random encoder: what the head learns it learns on its own. Its tokens are cached
    // once, so a few hundred chips train in seconds on one thread (libtorch's OpenMP threads
    // spin badly on a loaded machine).
    o.trainBlocks = 0;
    o.epochs = 60;
    o.batchSize = 16;
    o.learningRate = 2e-3;
    o.headChannels = 64;
    o.threads = 1;
    double last = -1.0;
    bool monotone = true;
    m_head = QString::fromStdString(counterDir(m_model.toStdString(), o.className));
    auto r = trainCountingHead(m_model.toStdString(), makeScenes(1, 800), o, m_head.toStdString(),
                               [&](const CountTrainProgress &p) {
                                   monotone = monotone && p.fraction >= last;
                                   last = p.fraction;
                                   return true;
                               });
    QVERIFY2(r, r ? "" : qPrintable(QString::fromStdString(r.error().toString())));
    m_report = r.value();
    QVERIFY(monotone);
    QCOMPARE(last, 1.0);
    qInfo("trained on %d chips in %.1f s, final loss %.4f, validation MAE %.3f (raw %.3f) on %d chips",
          m_report.trainingChips, m_report.seconds, m_report.finalLoss, m_report.validationMae,
          m_report.validationMaeRaw, m_report.validationChips);
    QVERIFY(QFile::exists(m_head + QStringLiteral("/head.json")));
    QVERIFY(QFile::exists(m_head + QStringLiteral("/head.safetensors")));
}

void TestCounting::countsHeldOutScenes()
{
    auto head = CountingHead::load(m_head.toStdString());
    QVERIFY2(head, head ? "" : qPrintable(QString::fromStdString(head.error().toString())));
    QCOMPARE(QString::fromStdString(head.value()->info().className), QStringLiteral("Car"));

    const auto scenes = makeScenes(99, 200); // another seed: scenes the head never saw
    double absErr = 0.0, distSum = 0.0;
    int matched = 0, far = 0;
    for (const auto &s : scenes) {
        auto r = head.value()->count(s.image);
        QVERIFY2(r, r ? "" : qPrintable(QString::fromStdString(r.error().toString())));
        QCOMPARE(QString::fromStdString(r->method), QStringLiteral("counting-head"));
        QCOMPARE(r->windows, 1);
        absErr += std::abs(r->count - int(s.points.size()));
        // Each counted object should sit on a distinct true object.
        std::vector<bool> used(s.points.size(), false);
        for (const auto &o : r->objects) {
            double best = 1e9;
            size_t bi = 0;
            for (size_t i = 0; i < s.points.size(); ++i) {
                const double dd = std::hypot(o.x - s.points[i].first, o.y - s.points[i].second);
                if (!used[i] && dd < best) {
                    best = dd;
                    bi = i;
                }
            }
            if (best > 4.0) {
                ++far;
                continue;
            }
            used[bi] = true;
            distSum += best;
            ++matched;
        }
    }
    const double mae = absErr / double(scenes.size());
    const double meanDist = matched ? distSum / matched : 1e9;
    qInfo("held-out MAE %.3f over %d scenes; %d objects located, mean distance %.2f px, %d further than 4 px", mae,
          int(scenes.size()), matched, meanDist, far);
    QVERIFY2(mae < 0.5, qPrintable(QStringLiteral("MAE %1").arg(mae)));
    QVERIFY2(meanDist < 2.0, qPrintable(QStringLiteral("mean distance %1 px").arg(meanDist)));
    QVERIFY2(far <= matched / 20, qPrintable(QStringLiteral("%1 of %2 objects far off").arg(far).arg(matched)));
}

void TestCounting::tilesLargerRegions()
{
    auto head = CountingHead::load(m_head.toStdString());
    QVERIFY(head);
    // 150 x 100 px: windows overlapping by half at x 0, 32, 64, 86 and y 0, 32, 36.
    const auto scenes = makeScenes(5, 8, 150, 100, 30);
    double absErr = 0.0;
    int truthTotal = 0;
    for (const auto &s : scenes) {
        std::vector<double> fractions;
        auto r = head.value()->count(s.image, {}, [&](double f) {
            fractions.push_back(f);
            return true;
        });
        QVERIFY(r);
        QCOMPARE(r->windows, 12);
        QVERIFY(!fractions.empty());
        QCOMPARE(fractions.back(), 1.0);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
        for (const auto &o : r->objects) {
            QVERIFY(o.x >= 0 && o.x <= s.image.width);
            QVERIFY(o.y >= 0 && o.y <= s.image.height);
        }
        absErr += std::abs(r->count - int(s.points.size()));
        truthTotal += int(s.points.size());
    }
    const double mae = absErr / double(scenes.size());
    qInfo("tiled 150x100 scenes: MAE %.3f for %.1f objects per scene on average", mae, double(truthTotal) / scenes.size());
    QVERIFY2(mae < 1.5, qPrintable(QStringLiteral("MAE %1").arg(mae)));

    // Cancel from the progress callback: an error, not a partial count.
    auto canceled = head.value()->count(scenes.front().image, {}, [](double) { return false; });
    QVERIFY(!canceled);

    // Half resolution: the image is resampled to the trained scale; positions come back in its pixels.
    // (A 2x2 block average of a 3x3 object still reads as one object.)
    CountOptions half;
    half.scenePixelsPerImagePixel = 2.0;
    const auto &s = scenes.front();
    ImageRGB8 small;
    small.width = s.image.width / 2;
    small.height = s.image.height / 2;
    small.pixels.resize(size_t(small.width) * small.height * 3);
    for (int y = 0; y < small.height; ++y)
        for (int x = 0; x < small.width; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int k = 0; k < 4; ++k)
                    sum += s.image.pixels[(size_t(2 * y + k / 2) * s.image.width + size_t(2 * x + k % 2)) * 3 + c];
                small.pixels[(size_t(y) * small.width + x) * 3 + c] = uint8_t(sum / 4);
            }
    auto r = head.value()->count(small, half);
    QVERIFY(r);
    QCOMPARE(r->windows, 12); // 32-px windows over 75 x 50: x 0, 16, 32, 43 and y 0, 16, 18
}

void TestCounting::findsHeadsForQuestions()
{
    const std::string model = m_model.toStdString();
    const auto names = availableCounters(model);
    QCOMPARE(names.size(), size_t(1));
    QCOMPARE(QString::fromStdString(names.front()), QStringLiteral("Car"));
    const auto infos = availableCounterInfos(model);
    QCOMPARE(infos.front().windowPixels, kSide);
    QVERIFY(infos.front().validationMae >= 0.0);
    QCOMPARE(infos.front().validationMae, m_report.validationMae);

    for (const char *q : {"How many cars are there?", "count the car", "What is the number of CARS in this area"}) {
        const auto hit = counterForQuestion(model, q);
        QVERIFY2(hit.has_value(), q);
        QCOMPARE(QString::fromStdString(hit->className), QStringLiteral("Car"));
    }
    for (const char *q : {"Is there a car?", "How many ships are there?", "describe the scene"})
        QVERIFY2(!counterForQuestion(model, q).has_value(), q);
    QVERIFY(availableCounters(m_tmp.filePath(QStringLiteral("nowhere")).toStdString()).empty());

    auto one = countObjects(m_head.toStdString(), makeScenes(3, 1).front().image);
    QVERIFY(one);
    QCOMPARE(QString::fromStdString(one->className), QStringLiteral("Car"));
}

void TestCounting::refusesForeignAndBrokenHeads()
{
    // Another random model: the head's features would be meaningless there.
    const QString other = m_tmp.filePath(QStringLiteral("other-model"));
    QString why;
    QVERIFY2(makeTinyModel(other, 8, &why), qPrintable(why));
    auto foreign = CountingHead::load(m_head.toStdString(), other.toStdString());
    QVERIFY(!foreign);
    QVERIFY2(foreign.error().message.find("another model") != std::string::npos, foreign.error().message.c_str());

    auto notHead = CountingHead::load(m_model.toStdString());
    QVERIFY(!notHead);
    QVERIFY(notHead.error().message.find("head.json") != std::string::npos);

    // A head whose weights file is truncated names the file.
    const QString broken = m_tmp.filePath(QStringLiteral("broken-head"));
    QVERIFY(QDir().mkpath(broken));
    QVERIFY(QFile::copy(m_head + QStringLiteral("/head.json"), broken + QStringLiteral("/head.json")));
    QFile w(broken + QStringLiteral("/head.safetensors"));
    QVERIFY(w.open(QIODevice::WriteOnly));
    w.write("\x10\x00\x00\x00\x00\x00\x00\x00{", 9);
    w.close();
    auto bad = CountingHead::load(broken.toStdString(), m_model.toStdString());
    QVERIFY(!bad);
    QVERIFY2(bad.error().path.find("head.safetensors") != std::string::npos, bad.error().toString().c_str());

    // Chips of different sizes cannot share one window.
    auto mixed = makeScenes(4, 3);
    mixed.push_back(makeScenes(4, 1, 32, 32).front());
    CountTrainOptions o;
    o.className = "car";
    auto r = trainCountingHead(m_model.toStdString(), mixed, o, m_tmp.filePath(QStringLiteral("mixed")).toStdString());
    QVERIFY(!r);
}

void TestCounting::cancelsTraining()
{
    CountTrainOptions o;
    o.className = "car";
    o.epochs = 50;
    const QString out = m_tmp.filePath(QStringLiteral("canceled-head"));
    int calls = 0;
    auto r = trainCountingHead(m_model.toStdString(), makeScenes(2, 40), o, out.toStdString(),
                               [&](const CountTrainProgress &) { return ++calls < 3; });
    QVERIFY(!r);
    QCOMPARE(QString::fromStdString(r.error().message), QStringLiteral("canceled"));
    QCOMPARE(calls, 3);
    QVERIFY(!QFileInfo::exists(out));
    // The trained head is untouched by a canceled run elsewhere.
    QVERIFY(CountingHead::load(m_head.toStdString()));
}

namespace {

QImage toQImage(const ImageRGB8 &rgb)
{
    QImage img(rgb.width, rgb.height, QImage::Format_RGB888);
    for (int y = 0; y < rgb.height; ++y)
        std::memcpy(img.scanLine(y), rgb.pixels.data() + size_t(y) * rgb.width * 3, size_t(rgb.width) * 3);
    return img;
}

QString runCli(const QStringList &args, int *exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(QStringLiteral(SATGPT_BINARY_DIR "/app/satgpt"), args);
    p.waitForFinished(240000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    if (*exitCode != 0)
        qWarning("%s", p.readAllStandardError().constData());
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

void TestCounting::cliTrainsFromProjectAndCounts()
{
    // Scene A: every object annotated as a point of class "car"; scene B: counted, never seen.
    std::mt19937_64 rng(21);
    const CountSample a = makeScene(rng, 256, 256, 64), b = makeScene(rng, 160, 128, 22);
    const QString pathA = m_tmp.filePath(QStringLiteral("a.png")), pathB = m_tmp.filePath(QStringLiteral("b.png"));
    QVERIFY(toQImage(a.image).save(pathA));
    QVERIFY(toQImage(b.image).save(pathB));
    registerGdalDrivers();
    Project project;
    auto sceneA = project.addScene(pathA);
    QVERIFY2(sceneA, sceneA ? "" : sceneA.error().toString().c_str());
    QVERIFY(project.addScene(pathB));
    const int car = project.document()->addClass(QStringLiteral("car"));
    QVector<Annotation> points;
    for (const auto &p : a.points) {
        Annotation ann;
        ann.sceneId = sceneA.value();
        ann.shape = AnnotationShape::Point;
        ann.geometry = QPolygonF({QPointF(p.first, p.second)});
        ann.classId = car;
        points.push_back(ann);
    }
    project.document()->addAnnotations(points);
    const QString projectPath = m_tmp.filePath(QStringLiteral("cars.satgpt"));
    QVERIFY(project.save(projectPath));

    const QString head = m_tmp.filePath(QStringLiteral("cli-head"));
    int rc = 0;
    const QString trained = runCli({QStringLiteral("count"), QStringLiteral("train"), QStringLiteral("--model"), m_model,
                                    QStringLiteral("--project"), projectPath, QStringLiteral("--class"), QStringLiteral("CAR"),
                                    QStringLiteral("--out"), head, QStringLiteral("--epochs"), QStringLiteral("40"),
                                    QStringLiteral("--json")},
                                   &rc);
    QCOMPARE(rc, 0);
    const QJsonObject report = QJsonDocument::fromJson(trained.toUtf8()).object();
    QCOMPARE(report.value(QStringLiteral("class")).toString(), QStringLiteral("car"));
    QVERIFY(report.value(QStringLiteral("trainingChips")).toInt() > 100);
    qInfo("satgpt count train: %d chips, validation MAE %.3f", report.value(QStringLiteral("trainingChips")).toInt(),
          report.value(QStringLiteral("validationMae")).toDouble());

    const QString counted = runCli({QStringLiteral("count"), pathB, QStringLiteral("--region"), QStringLiteral("0,0,160,128"),
                                    QStringLiteral("--head"), head, QStringLiteral("--json")},
                                   &rc);
    QCOMPARE(rc, 0);
    const QJsonObject r = QJsonDocument::fromJson(counted.toUtf8()).object();
    QCOMPARE(r.value(QStringLiteral("method")).toString(), QStringLiteral("counting-head"));
    QVERIFY(r.value(QStringLiteral("verified")).toBool());
    const int n = r.value(QStringLiteral("count")).toInt();
    qInfo("satgpt count on an unseen scene: %d (truth %d)", n, int(b.points.size()));
    QVERIFY2(std::abs(n - int(b.points.size())) <= 2, qPrintable(counted));
    QCOMPARE(r.value(QStringLiteral("objects")).toArray().size(), n);

    // A class without annotations is refused with its name.
    runCli({QStringLiteral("count"), QStringLiteral("train"), QStringLiteral("--model"), m_model, QStringLiteral("--project"),
            projectPath, QStringLiteral("--class"), QStringLiteral("ship")},
           &rc);
    QVERIFY(rc != 0);
}

QTEST_MAIN(TestCounting)
#include "tst_counting.moc"
