// SPDX-License-Identifier: GPL-3.0-or-later
// Data-parallel training through c10d/Gloo: two `satgpt train` processes on loopback with batch
// B each must take the same optimizer steps as one process with batch 2B (docs/distributed.md).
// A tiny ViT + GPT-2 on a generated data set; the two runs are compared step loss by step loss
// and tensor by tensor of the final weights.

#include "core/ml/distributed.h"
#include "tests/common/testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace satgpt;

namespace {

/// Coloured squares and circles with templated captions; every fourth image is validation.
void writeShapes(const QString &dir, int perCombo)
{
    QDir().mkpath(dir + "/images");
    const char *colours[] = {"red", "green", "blue", "yellow"};
    const QColor colourValues[] = {QColor(220, 30, 30), QColor(30, 200, 40), QColor(30, 60, 230), QColor(240, 230, 40)};
    std::mt19937 rng(11);
    QJsonObject captions;
    QString csv = QStringLiteral("image,split\n");
    int index = 0;
    for (int c = 0; c < 4; ++c)
        for (int s = 0; s < 2; ++s)
            for (int k = 0; k < perCombo; ++k) {
                QImage img(32, 32, QImage::Format_RGB888);
                img.fill(QColor(10, 10, 10));
                QPainter painter(&img);
                painter.setPen(Qt::NoPen);
                painter.setBrush(colourValues[c]);
                const int extent = 10 + int(rng() % 8u);
                const int x = int(rng() % unsigned(32 - extent)), y = int(rng() % unsigned(32 - extent));
                if (s == 0)
                    painter.drawRect(x, y, extent, extent);
                else
                    painter.drawEllipse(x, y, extent, extent);
                painter.end();
                const QString name = QStringLiteral("shape_%1.png").arg(index++);
                QVERIFY(img.save(dir + "/images/" + name));
                // Captions of different lengths, so the ranks hold different token counts.
                captions.insert(name, QJsonArray{QStringLiteral("a %1 %2").arg(colours[c], s ? "circle" : "square"),
                                                 QStringLiteral("there is one %1 %2 on a dark ground")
                                                     .arg(colours[c], s ? "circle" : "square")});
                csv += name + (k % 4 == 3 ? ",val\n" : ",train\n");
            }
    QFile f(dir + "/captions.json");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(captions).toJson());
    QFile g(dir + "/images.csv");
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(csv.toUtf8());
}

/// A port nobody listens on right now (the kernel's pick for port 0).
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

/// Step -> loss from DIR/metrics.jsonl.
std::map<int, double> stepLosses(const QString &dir)
{
    std::map<int, double> out;
    QFile f(dir + "/metrics.jsonl");
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const auto &line : f.readAll().split('\n')) {
        const auto o = QJsonDocument::fromJson(line).object();
        if (o.value("event").toString() == "step")
            out[o.value("step").toInt()] = o.value("loss").toDouble();
    }
    return out;
}

/// Every F32 tensor of a safetensors file, by name.
std::map<QString, std::vector<float>> readTensors(const QString &path)
{
    std::map<QString, std::vector<float>> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QByteArray bytes = f.readAll();
    if (bytes.size() < 8)
        return out;
    quint64 headerLen = 0;
    std::memcpy(&headerLen, bytes.constData(), 8);
    const auto header = QJsonDocument::fromJson(bytes.mid(8, int(headerLen))).object();
    for (auto it = header.begin(); it != header.end(); ++it) {
        const auto entry = it.value().toObject();
        if (entry.value("dtype").toString() != "F32")
            continue;
        const auto offs = entry.value("data_offsets").toArray();
        const qint64 begin = qint64(8 + headerLen) + offs[0].toInteger();
        const qint64 size = offs[1].toInteger() - offs[0].toInteger();
        std::vector<float> values(size_t(size) / sizeof(float));
        std::memcpy(values.data(), bytes.constData() + begin, size_t(size));
        out[it.key()] = std::move(values);
    }
    return out;
}

} // namespace

class TestDistributed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_binary = QStringLiteral(SATGPT_BINARY_DIR) + "/app/satgpt";
        writeShapes(m_dir.path() + "/shapes", 8); // 48 training, 16 validation images
        m_config = m_dir.path() + "/small.json";
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"image_size": 32, "patch_size": 8, "hidden_size": 64, "num_heads": 2,
                    "encoder_layers": 2, "decoder_layers": 2, "max_positions": 64, "dropout": 0.0})");
    }

    void conventionFromEnvironment()
    {
        qputenv("RANK", "3");
        qputenv("WORLD_SIZE", "4");
        qputenv("LOCAL_RANK", "1");
        qputenv("MASTER_ADDR", "node0.example");
        qputenv("MASTER_PORT", "29612");
        auto c = ml::DistributedConfig::fromEnvironment();
        QVERIFY(bool(c));
        QCOMPARE(c->rank, 3);
        QCOMPARE(c->worldSize, 4);
        QCOMPARE(c->localRank, 1);
        QCOMPARE(QString::fromStdString(c->masterAddr), QStringLiteral("node0.example"));
        QCOMPARE(c->masterPort, 29612);
        QVERIFY(bool(c->validate()));
        c->rank = 4;
        QVERIFY(!c->validate());
        qputenv("WORLD_SIZE", "four");
        QVERIFY(!ml::DistributedConfig::fromEnvironment());
        for (const char *name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
            qunsetenv(name);
        const auto defaults = ml::DistributedConfig::fromEnvironment();
        QVERIFY(bool(defaults));
        QCOMPARE(defaults->worldSize, 1);
        QVERIFY(!defaults->isDistributed());
    }

    void badRankIsRejected()
    {
        if (!QFileInfo::exists(m_binary))
            QSKIP("the satgpt CLI is not built");
        QProcess proc;
        proc.start(m_binary, {"train", "--model", m_config, "--data", m_dir.path() + "/shapes", "--out",
                              m_dir.path() + "/bad", "--world-size", "2", "--rank", "2"});
        QVERIFY(proc.waitForFinished(60000));
        QCOMPARE(proc.exitCode(), 1);
        QVERIFY2(proc.readAllStandardError().contains("rank"), "the error names the rank");
    }

    void twoProcessesEqualOneWithDoubledBatch()
    {
        if (!ml::distributedBackends().empty() && ml::distributedBackends().front() != "gloo")
            QSKIP("this build has no Gloo process group");
        if (ml::distributedBackends().empty())
            QSKIP("this build has no c10d (the libtorch it was built against lacks the c10d/Gloo headers; "
                  "on Debian install libgloo-dev and reconfigure)");
        if (!QFileInfo::exists(m_binary))
            QSKIP("the satgpt CLI is not built");

        // 48 training samples in global batches of 10: the fifth batch of each epoch holds 8, so
        // rank 0 gets 5 samples and rank 1 only 3 (unequal token counts). 7 steps cross into the
        // second epoch (a new shuffled order); augmentation stays on (it is per sample).
        const QStringList common = commonArgs();
        const QString single = m_dir.path() + "/single";
        const QString dist = m_dir.path() + "/dist";

        QProcess one;
        one.start(m_binary, common + QStringList{"--batch-size", "10", "--out", single});
        QVERIFY(one.waitForStarted(20000));

        const int port = freePort();
        QVERIFY(port > 0);
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {
            QStringList args = common + QStringList{"--batch-size", "5", "--out", dist};
            if (r == 0) {
                args << "--events" << "--world-size" << "2" << "--rank" << "0" << "--master-addr" << "127.0.0.1"
                     << "--master-port" << QString::number(port);
            } else {
                // Rank 1 takes its place from torchrun's environment instead of flags.
                QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
                env.insert("RANK", "1");
                env.insert("WORLD_SIZE", "2");
                env.insert("LOCAL_RANK", "1");
                env.insert("MASTER_ADDR", "127.0.0.1");
                env.insert("MASTER_PORT", QString::number(port));
                ranks[r].setProcessEnvironment(env);
            }
            ranks[r].start(m_binary, args);
            QVERIFY(ranks[r].waitForStarted(20000));
        }
        for (auto *p : {&one, &ranks[0], &ranks[1]}) {
            QVERIFY2(p->waitForFinished(300000), "a training process did not finish in 5 minutes");
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }

        // Rank 0 speaks the worker protocol; rank 1 stays off stdout.
        QVERIFY(ranks[1].readAllStandardOutput().trimmed().isEmpty());
        const auto lines = ranks[0].readAllStandardOutput().trimmed().split('\n');
        const auto start = QJsonDocument::fromJson(lines.first()).object();
        QCOMPARE(start.value("event").toString(), QStringLiteral("start"));
        QCOMPARE(start.value("world_size").toInt(), 2);
        QCOMPARE(start.value("global_batch_size").toInt(), 10);
        QCOMPARE(start.value("total_steps").toInt(), 7);
        QCOMPARE(QJsonDocument::fromJson(lines.last()).object().value("status").toString(), QStringLiteral("succeeded"));

        const auto a = stepLosses(single);
        const auto b = stepLosses(dist);
        QCOMPARE(int(a.size()), 7);
        QCOMPARE(int(b.size()), 7);
        for (const auto &kv : a) {
            const double other = b.at(kv.first);
            QVERIFY2(std::fabs(kv.second - other) <= 1e-4 * std::max(1.0, std::fabs(kv.second)),
                     qPrintable(QStringLiteral("step %1: %2 (1 process) vs %3 (2 processes)").arg(kv.first).arg(kv.second).arg(other)));
        }
        // The run learned something, so equal weights are not just equal initial weights.
        QVERIFY(a.at(7) < a.at(1));

        const auto wa = readTensors(single + "/final/model.safetensors");
        const auto wb = readTensors(dist + "/final/model.safetensors");
        QVERIFY(wa.size() > 10);
        QCOMPARE(wa.size(), wb.size());
        // Element-wise |a - b| <= 1e-4 * max|a| + 1e-5. The absolute term is for tensors with no
        // scale of their own: attention key biases get a zero gradient in theory (softmax ignores
        // a shift shared by all keys), so they stay near 1e-7 and hold only rounding noise. 1e-5 is
        // under 0.1 % of the run's update size (lr 2e-3 x 7 steps).
        double worst = 0;
        QString worstName;
        for (const auto &kv : wa) {
            const auto &x = kv.second;
            const auto &y = wb.at(kv.first);
            QCOMPARE(x.size(), y.size());
            double diff = 0, norm = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                diff = std::max(diff, double(std::fabs(x[i] - y[i])));
                norm = std::max(norm, double(std::fabs(x[i])));
            }
            const double ratio = diff / (1e-4 * norm + 1e-5);
            if (ratio > worst) {
                worst = ratio;
                worstName = QStringLiteral("%1 (max |a - b| %2, max |a| %3)").arg(kv.first).arg(diff).arg(norm);
            }
        }
        QVERIFY2(worst <= 1.0, qPrintable(QStringLiteral("weights differ beyond float noise: %1").arg(worstName)));
        qInfo("closest to the tolerance: %s, %.2f of it", qPrintable(worstName), worst);
        // Only rank 0 wrote: one final model, one metrics log, the checkpoints.
        QVERIFY(QFileInfo::exists(dist + "/checkpoint-7/trainer_state.json"));
        const auto state = QJsonDocument::fromJson([&] {
                               QFile f(dist + "/checkpoint-7/trainer_state.json");
                               f.open(QIODevice::ReadOnly);
                               return f.readAll();
                           }())
                               .object();
        QCOMPARE(state.value("data_order").toObject().value("world_size").toInt(), 2);
    }

    void cancelOnOneRankThenResume()
    {
        if (ml::distributedBackends().empty() || !QFileInfo::exists(m_binary))
            QSKIP("this build has no c10d or no satgpt CLI");
        // 40 steps (the later --max-steps wins), so the cancel lands well before the end.
        const QStringList longer{"--max-steps", "40"};
        const QString single = m_dir.path() + "/single-40";
        QProcess one;
        one.start(m_binary, commonArgs() + longer + QStringList{"--batch-size", "10", "--out", single});
        QVERIFY(one.waitForFinished(300000));
        QCOMPARE(one.exitCode(), 0);
        const QString dir = m_dir.path() + "/dist-cut";
        const auto launch = [&](QProcess *ranks, const QStringList &extra) {
            const int port = freePort();
            for (int r = 0; r < 2; ++r) {
                ranks[r].start(m_binary, commonArgs() + extra +
                                             QStringList{"--batch-size", "5", "--out", dir, "--world-size", "2", "--rank",
                                                         QString::number(r), "--master-port", QString::number(port),
                                                         "--events"});
                QVERIFY(ranks[r].waitForStarted(20000));
            }
        };
        // A cancel on rank 1 (its stdin) stops both ranks after the same optimizer step.
        QProcess cut[2];
        launch(cut, longer);
        QByteArray out0;
        QElapsedTimer timer;
        timer.start();
        while (!out0.contains("\"event\":\"step\"") && timer.elapsed() < 120000) {
            cut[0].waitForReadyRead(200);
            out0 += cut[0].readAllStandardOutput();
        }
        cut[1].write("cancel\n");
        QVERIFY(cut[1].waitForBytesWritten(10000)); // QProcess flushes only from an event loop or a wait
        for (auto &p : cut) {
            QVERIFY(p.waitForFinished(120000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        }
        out0 += cut[0].readAllStandardOutput();
        const auto done0 = QJsonDocument::fromJson(out0.trimmed().split('\n').last()).object();
        QVERIFY2(done0.value("status").toString() == QStringLiteral("canceled"), out0.right(600).constData());
        const int stoppedAt = done0.value("step").toInt();
        QVERIFY(stoppedAt >= 1 && stoppedAt < 40);
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/checkpoint-%1/trainer_state.json").arg(stoppedAt)));
        // Rank 1 (also --events) reports nothing but its done event, at the same step.
        const auto lines1 = cut[1].readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines1.size(), 1);
        const auto done1 = QJsonDocument::fromJson(lines1.first()).object();
        QCOMPARE(done1.value("event").toString(), QStringLiteral("done"));
        QCOMPARE(done1.value("status").toString(), QStringLiteral("canceled"));
        QCOMPARE(done1.value("rank").toInt(), 1);
        QCOMPARE(done1.value("step").toInt(), stoppedAt);

        // Both ranks resume from rank 0's checkpoint; the losses continue as the uninterrupted
        // single process with the doubled batch.
        QProcess resumed[2];
        launch(resumed, longer + QStringList{"--resume", dir});
        for (auto &p : resumed) {
            QVERIFY(p.waitForFinished(300000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        }
        const auto a = stepLosses(single);
        const auto b = stepLosses(dir);
        QCOMPARE(int(a.size()), 40);
        QCOMPARE(int(b.size()), 40);
        for (const auto &kv : a)
            QVERIFY2(std::fabs(kv.second - b.at(kv.first)) <= 1e-4 * std::max(1.0, std::fabs(kv.second)),
                     qPrintable(QStringLiteral("step %1: %2 vs %3").arg(kv.first).arg(kv.second).arg(b.at(kv.first))));
    }

private:
    QStringList commonArgs() const
    {
        return {"train", "--model", m_config, "--data", m_dir.path() + "/shapes", "--task", "caption",
                "--max-steps", "7", "--lr", "2e-3", "--warmup-steps", "2", "--seed", "5",
                "--eval-steps", "100", "--max-eval-samples", "4", "--workers", "1"};
    }

    QTemporaryDir m_dir;
    QString m_binary;
    QString m_config;
};

QTEST_MAIN(TestDistributed)
#include "tst_distributed.moc"
