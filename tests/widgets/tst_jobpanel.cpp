// SPDX-License-Identifier: GPL-3.0-or-later
// The Jobs panel: curves of a stored job, live curves and cancel of a running worker (a
// generated /bin/sh worker double), plot export, and the Fine-tune dialog's configuration.

#include "core/jobs/trainingjobqueue.h"
#include "core/jobs/trainingjobrecord.h"
#include "widgets/jobs/finetunedialog.h"
#include "widgets/jobs/jobpanel.h"
#include "widgets/jobs/trainingcurvesview.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "widgets/jobs/qcustomplotshim.h"

using namespace satgpt;

namespace {

TrainingJobRecord finishedRecord(int steps, int evals)
{
    TrainingJobRecord r;
    r.id = QStringLiteral("done-1");
    r.name = QStringLiteral("Harbour captions");
    r.state = TrainingJobRecord::State::Finished;
    r.progress = 1.0;
    r.outputDir = QStringLiteral("/tmp/runs/harbour");
    r.modelDir = QStringLiteral("/tmp/runs/harbour/final");
    r.device = QStringLiteral("cpu");
    for (int s = 1; s <= steps; ++s)
        r.steps.append(TrainingJobRecord::StepPoint{s, s / double(steps), 3.0 / s, 1e-4 * (1.0 - s / double(steps + 1)), 5.0});
    for (int e = 1; e <= evals; ++e) {
        TrainingJobRecord::EvalPoint p;
        p.step = e * steps / evals;
        p.split = QStringLiteral("validation");
        p.metrics = {{QStringLiteral("loss"), 2.0 / e}, {QStringLiteral("bleu4"), 0.1 * e}};
        r.evals.append(p);
    }
    r.log = QStringLiteral("Started on cpu\nDone: succeeded\n");
    return r;
}

QJsonObject storeWith(const QVector<TrainingJobRecord> &records)
{
    QJsonArray jobs;
    for (const TrainingJobRecord &r : records)
        jobs.append(r.toJson());
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("satgpt-training-jobs")}, {QStringLiteral("version"), 1}, {QStringLiteral("jobs"), jobs}};
}

} // namespace

class TestJobPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void showsStoredCurves()
    {
#ifndef SATGPT_HAVE_QCUSTOMPLOT
        QSKIP("built without QCustomPlot: the panel shows no curves");
#else
        TrainingJobQueue queue;
        QVERIFY(queue.restoreFromJson(storeWith({finishedRecord(7, 2)})).ok());
        JobPanel panel;
        panel.resize(900, 700);
        panel.setQueue(&queue);
        panel.show();
        QVERIFY(panel.selectJob(QStringLiteral("done-1")));
        TrainingCurvesView *curves = panel.curvesView();
        QCOMPARE(curves->lossGraph()->data()->size(), 7);
        QCOMPARE(curves->learningRateGraph()->data()->size(), 7);
        QVERIFY(curves->metricGraph(QStringLiteral("bleu4")));
        QCOMPARE(curves->metricGraph(QStringLiteral("bleu4"))->data()->size(), 2);
        QCOMPARE(curves->metricGraph(QStringLiteral("loss"))->data()->size(), 2);
        QCOMPARE(curves->lossGraph()->data()->at(6)->value, 3.0 / 7);
        QVERIFY(panel.logView()->toPlainText().contains(QStringLiteral("Done: succeeded")));

        QVERIFY(!panel.cancelButton()->isEnabled()); // finished
        QVERIFY(!panel.resumeButton()->isEnabled());
        QVERIFY(panel.removeButton()->isEnabled());
        QVERIFY(panel.useModelButton()->isEnabled());
        QSignalSpy use(&panel, &JobPanel::activeModelRequested);
        panel.useModelButton()->click();
        QCOMPARE(use.count(), 1);
        QCOMPARE(use.first().first().toString(), QStringLiteral("/tmp/runs/harbour/final"));

        // Zoom, then double-click semantics: resetView fits all data again.
        curves->plot()->xAxis->setRange(2, 3);
        curves->resetView();
        QVERIFY(curves->plot()->xAxis->range().lower <= 1.0);
        QVERIFY(curves->plot()->xAxis->range().upper >= 7.0);
#endif
    }

    void exportsPngAndPdf()
    {
#ifndef SATGPT_HAVE_QCUSTOMPLOT
        QSKIP("built without QCustomPlot: nothing to export");
#else
        TrainingJobQueue queue;
        QVERIFY(queue.restoreFromJson(storeWith({finishedRecord(20, 4)})).ok());
        JobPanel panel;
        panel.resize(900, 700);
        panel.setQueue(&queue);
        QVERIFY(panel.selectJob(QStringLiteral("done-1")));
        const QString png = m_dir.filePath(QStringLiteral("curves.png"));
        QVERIFY(panel.curvesView()->savePng(png, QSize(640, 480)));
        QVERIFY(QFileInfo(png).size() > 0);
        const QImage image(png);
        QCOMPARE(image.size(), QSize(640, 480));
        // Not a blank image: the curves and axes put several colours in it.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 3);

        const QString pdf = m_dir.filePath(QStringLiteral("curves.pdf"));
        QVERIFY(panel.curvesView()->savePdf(pdf, QSize(640, 480)));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.size() > 500);
        QVERIFY(f.read(5).startsWith("%PDF"));

        QSignalSpy exportSpy(&panel, &JobPanel::exportRequested);
        const auto buttons = panel.findChildren<QPushButton *>();
        for (QPushButton *b : buttons) {
            if (b->text().contains(QStringLiteral("PNG")))
                b->click();
        }
        QCOMPARE(exportSpy.count(), 1);
        QCOMPARE(exportSpy.first().first().toString(), QStringLiteral("png"));
#endif
    }

    /// A running worker (a /bin/sh double that prints steps and then waits for `cancel` on
    /// stdin): the curves grow live, Cancel is enabled only while it runs.
    void liveJobAndCancel()
    {
        const QString out = m_dir.filePath(QStringLiteral("runs/live"));
        const QString script = m_dir.filePath(QStringLiteral("live.sh"));
        {
            QFile f(script);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray body = "#!/bin/sh\n";
            body += "printf '%s\\n' '{\"event\":\"start\",\"out\":\"" + out.toUtf8()
                    + "\",\"total_steps\":10,\"epochs\":1,\"samples\":20,\"device\":\"cpu\",\"resumed_from_step\":0}'\n";
            for (int s = 1; s <= 3; ++s)
                body += QStringLiteral("printf '%s\\n' '{\"event\":\"step\",\"step\":%1,\"loss\":%2,\"lr\":0.0001,\"samples_per_s\":3,"
                                       "\"eta_s\":%3,\"progress\":%4}'\n")
                            .arg(s)
                            .arg(2.0 / s)
                            .arg(10 - s)
                            .arg(s / 10.0)
                            .toUtf8();
            body += "echo 'waiting for cancel' >&2\n"
                    "while read line; do if [ \"$line\" = cancel ]; then\n"
                    "printf '%s\\n' '{\"event\":\"done\",\"status\":\"canceled\",\"step\":3}'; exit 0; fi; done\nexit 7\n";
            f.write(body);
            f.close();
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
        }
        TrainingJobQueue queue;
        queue.setProgram(script);
        queue.setWorkDirectory(m_dir.filePath(QStringLiteral("work")));
        QVERIFY(queue.restoreFromJson(storeWith({finishedRecord(5, 1)})).ok());
        JobPanel panel;
        panel.setQueue(&queue);
        QSignalSpy messages(&panel, &JobPanel::messageRaised);
        const QString id = queue.enqueue(QStringLiteral("live"), QJsonObject{{QStringLiteral("out"), out}});
        QCOMPARE(panel.selectedJobId(), id); // a new job is selected for watching
        QTRY_COMPARE_WITH_TIMEOUT(queue.at(queue.indexOf(id)).steps.size(), 3, 20000);
        QVERIFY(panel.cancelButton()->isEnabled());
        QVERIFY(!panel.removeButton()->isEnabled());
        QVERIFY(!panel.useModelButton()->isEnabled());
#ifdef SATGPT_HAVE_QCUSTOMPLOT
        QCOMPARE(panel.curvesView()->lossGraph()->data()->size(), 3);
#endif
        QTRY_VERIFY_WITH_TIMEOUT(panel.logView()->toPlainText().contains(QStringLiteral("waiting for cancel")), 20000);

        // The stored job is finished: no cancel there.
        QVERIFY(panel.selectJob(QStringLiteral("done-1")));
        QVERIFY(!panel.cancelButton()->isEnabled());
#ifdef SATGPT_HAVE_QCUSTOMPLOT
        QCOMPARE(panel.curvesView()->lossGraph()->data()->size(), 5);
#endif
        QVERIFY(panel.selectJob(id));
        panel.cancelButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(queue.at(queue.indexOf(id)).state, TrainingJobRecord::State::Canceled, 20000);
        QVERIFY(!panel.cancelButton()->isEnabled());
        QVERIFY(panel.resumeButton()->isEnabled());
        QVERIFY(panel.removeButton()->isEnabled());
        QCOMPARE(messages.count(), 1);
        QCOMPARE(messages.first().at(2).value<QtMsgType>(), QtInfoMsg);
    }

    void fineTuneDialogConfig()
    {
        const QString data = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(data));
        {
            QFile f(data + QStringLiteral("/captions.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"a.tif":["a field"],"b.tif":["a road"],"c.tif":["a harbour"]})");
        }
        const QString model = m_dir.filePath(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(model));

        FineTuneDialog dialog;
        QVERIFY(!dialog.problem().isEmpty()); // no data, no model yet
        QSignalSpy scanned(&dialog, &FineTuneDialog::datasetScanned);
        dialog.setProjectAnnotations(5, m_dir.filePath(QStringLiteral("project-export")));
        dialog.setDatasetFolders({data});
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 1, 10000);
        QCOMPARE(dialog.sampleCount(), 5 + 3);
        QVERIFY(dialog.problem().contains(QStringLiteral("base model")));
        dialog.setBaseModelDir(model);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem())); // several sources train as a mix
        QCOMPARE(dialog.config().value(QStringLiteral("task")).toString(), QStringLiteral("mix"));
        dialog.setUseProjectAnnotations(false);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.sampleCount(), 3);
        dialog.setUseProjectAnnotations(true);
        dialog.setDatasetFolders({});
        QCOMPARE(dialog.sampleCount(), 5);
        dialog.setDatasetFolders({data});
        QCOMPARE(dialog.sampleCount(), 8); // already scanned: counted at once

        // Rough estimate until a job measured this device, then the measured throughput.
        QVERIFY(!dialog.isEstimateMeasured());
        QCOMPARE(dialog.estimatedSecondsPerEpoch(), 8 / 2.0);
        dialog.setMeasuredSamplesPerSecond(QStringLiteral("cpu"), 4.0);
        QVERIFY(dialog.isEstimateMeasured());
        QCOMPARE(dialog.estimatedSecondsPerEpoch(), 2.0);

        dialog.setDevices({QStringLiteral("cpu"), QStringLiteral("cuda")});
        QCOMPARE(dialog.device(), QStringLiteral("cpu")); // the current choice survives a refreshed list
        dialog.setDevice(QStringLiteral("cuda"));
        QCOMPARE(dialog.device(), QStringLiteral("cuda"));
        dialog.setDevice(QStringLiteral("cpu"));
        dialog.setTasks(true, true, false);
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem())); // a task mix is one job
        dialog.setTasks(false, true, false);
        dialog.setEpochs(4);
        dialog.setBatchSize(16);
        dialog.setLearningRate(2e-5);
        dialog.setFreeze(FineTuneDialog::Freeze::FirstBlocks, 3);
        dialog.setOutputName(QStringLiteral("harbour-v2"));
        dialog.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        const QJsonObject c = dialog.config();
        QCOMPARE(c.value(QStringLiteral("job")).toString(), QStringLiteral("harbour-v2"));
        QCOMPARE(c.value(QStringLiteral("model")).toString(), model);
        QCOMPARE(c.value(QStringLiteral("data")).toString(), m_dir.filePath(QStringLiteral("project-export")));
        QCOMPARE(c.value(QStringLiteral("data_dirs")).toArray().size(), 2);
        QCOMPARE(c.value(QStringLiteral("task")).toString(), QStringLiteral("mix")); // project + folder
        QCOMPARE(c.value(QStringLiteral("tasks")).toArray(), (QJsonArray{QStringLiteral("vqa")}));
        QCOMPARE(c.value(QStringLiteral("epochs")).toInt(), 4);
        QCOMPARE(c.value(QStringLiteral("batch_size")).toInt(), 16);
        QCOMPARE(c.value(QStringLiteral("lr")).toDouble(), 2e-5);
        QCOMPARE(c.value(QStringLiteral("freeze_encoder")).toBool(), false);
        QCOMPARE(c.value(QStringLiteral("freeze_encoder_blocks")).toInt(), 3);
        QCOMPARE(c.value(QStringLiteral("device")).toString(), QStringLiteral("cpu"));
        QCOMPARE(c.value(QStringLiteral("out")).toString(), m_dir.filePath(QStringLiteral("runs/harbour-v2")));

        dialog.setTasks(false, false, false);
        QVERIFY(dialog.problem().contains(QStringLiteral("task")));
        dialog.setTasks(true, false, false);
        dialog.setUseProjectAnnotations(false);
        dialog.setDatasetFolders({m_dir.filePath(QStringLiteral("model"))}); // holds no dataset files
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 2, 10000);
        QVERIFY(dialog.problem().contains(QStringLiteral("Cannot use")));
    }
};

QTEST_MAIN(TestJobPanel)
#include "tst_jobpanel.moc"
