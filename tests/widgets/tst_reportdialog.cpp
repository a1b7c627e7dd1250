// SPDX-License-Identifier: GPL-3.0-or-later
// The report dialog: its preview follows the chosen sections, export runs in the background and
// writes PDF + HTML; training charts drawn by QCustomPlot reach the PDF as vector text.

#include "core/raster/rasterdataset.h"
#include "core/reports/reportfixture.h"
#include "widgets/reports/qcustomplotchartrenderer.h"
#include "widgets/reports/reportdialog.h"

#include "tests/common/testsupport.h"

#include <QCheckBox>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace satgpt;

class TestReportDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings go to a test location
        registerGdalDrivers();
        ReportFixtureSpec spec;
        spec.annotations = 12;
        spec.questions = 3;
        spec.sceneSize = 384;
        auto path = writeReportFixture(m_dir.path(), spec);
        QVERIFY2(path.ok(), path ? "" : path.error().toString().c_str());
        m_project = path.value();
    }

    void qcustomplotChartIsVector()
    {
        ReportChart chart;
        chart.title = QStringLiteral("Loss");
        chart.xLabel = QStringLiteral("Step");
        chart.yLabel = QStringLiteral("Loss");
        chart.series.append({QStringLiteral("training loss"), Qt::blue, {{1, 2.0}, {2, 1.5}, {3, 1.2}}, false});
        const QSizeF size(400, 200);
        const QPicture pic = renderChartWithQCustomPlot(chart, size);
        QVERIFY(pic.size() > 0);
        QCOMPARE(pic.boundingRect().size(), size.toSize());
        // Replayed, it draws something other than white.
        QImage img(size.toSize(), QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        p.drawPicture(0, 0, pic);
        p.end();
        int dark = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                dark += qGray(img.pixel(x, y)) < 128;
        QVERIFY(dark > 100);
    }

    void previewFollowsSectionsAndExportWrites()
    {
        auto data = ReportData::fromFile(m_project);
        QVERIFY(data.ok());
        ReportDialog dialog(data.value());
        QVERIFY(!dialog.findChildren<QCheckBox *>().isEmpty());
        QSignalSpy preview(&dialog, &ReportDialog::previewUpdated);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(preview.count() >= 1, 60000);
        const int allPages = dialog.previewPageCount();
        QVERIFY(allPages >= 4);
        // Every question and every region with Q&A starts checked.
        const ReportOptions o = dialog.options();
        QCOMPARE(o.questionIds.size(), 3);
        QCOMPARE(o.sections, int(ReportOptions::AllSections));

        // Only the title page: the preview shrinks to one page.
        for (QCheckBox *box : dialog.findChildren<QCheckBox *>())
            if (box->text() != QLatin1String("Title page and scene list") && !box->text().contains(QLatin1String("HTML")))
                box->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(preview.count() >= 2 && dialog.previewPageCount() == 1, 60000);
        for (QCheckBox *box : dialog.findChildren<QCheckBox *>())
            box->setChecked(true);

        const QString pdf = m_dir.filePath(QStringLiteral("dialog.pdf"));
        const QString html = m_dir.filePath(QStringLiteral("dialog.html"));
        QSignalSpy done(&dialog, &ReportDialog::exportFinished);
        QSignalSpy messages(&dialog, &ReportDialog::messageRaised);
        dialog.exportTo(pdf, html);
        QVERIFY(dialog.isExporting());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.first().at(0).toBool(), true);
        QVERIFY(QFileInfo(pdf).size() > 1000);
        QVERIFY(QFileInfo(html).size() > 1000);
        QCOMPARE(messages.count(), 1);
        QCOMPARE(messages.first().at(2).value<QtMsgType>(), QtInfoMsg);

        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext is not installed");
        QProcess p;
        p.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
        QVERIFY(p.waitForFinished(60000));
        const QString text = QString::fromUtf8(p.readAllStandardOutput()).normalized(QString::NormalizationForm_KC).simplified();
        // QCustomPlot's legend and axis labels are text in the PDF.
        QVERIFY(text.contains(QStringLiteral("training loss")));
        QVERIFY(text.contains(QStringLiteral("validation loss")));
        QVERIFY(text.contains(QStringLiteral("answer-2: 4 buildings")));

        // A path that cannot be written: failure message names it.
        messages.clear();
        done.clear();
        const QString bad = m_dir.filePath(QStringLiteral("missing/dir/r.pdf"));
        dialog.exportTo(bad, QString());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.first().at(0).toBool(), false);
        QCOMPARE(messages.count(), 1);
        QVERIFY(messages.first().at(1).toString().contains(bad));
    }
};

QTEST_MAIN(TestReportDialog)
#include "tst_reportdialog.moc"
