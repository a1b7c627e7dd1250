// SPDX-License-Identifier: GPL-3.0-or-later
// Reports: a generated project (scene, 200-style annotations with hostile labels, chat entries
// with heatmaps, a finished training job in the trainer's on-disk format) becomes a PDF that
// poppler reads, renders and extracts text from, and a well-formed HTML file in which user text
// stays text. Sections without data say so; bad heatmaps and paths are named.

#include "core/raster/rasterdataset.h"
#include "core/raster/syntheticscene.h"
#include "core/reports/reportbuilder.h"
#include "core/reports/reportchart.h"
#include "core/reports/reportdata.h"
#include "core/reports/reportfixture.h"
#include "core/reports/reportjob.h"
#include "core/reports/reportlayout.h"
#include "core/project/project.h"

#include "tests/common/testsupport.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace satgpt;

namespace {

struct ToolOutput
{
    bool ran = false;
    int exitCode = -1;
    QString out;
};

ToolOutput runTool(const QString &tool, const QStringList &args)
{
    ToolOutput r;
    if (QStandardPaths::findExecutable(tool).isEmpty())
        return r;
    QProcess p;
    p.start(tool, args);
    if (!p.waitForFinished(120000))
        return r;
    r.ran = true;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    return r;
}

/// Text of a PDF with layout whitespace collapsed, so table cells read as one line.
QString pdfText(const QString &pdf)
{
    const ToolOutput t = runTool(QStringLiteral("pdftotext"), {QStringLiteral("-enc"), QStringLiteral("UTF-8"), pdf, QStringLiteral("-")});
    // NFKC folds the "fi"/"fl" ligatures the PDF text layer uses back into letters.
    return t.ran && t.exitCode == 0 ? t.out.normalized(QString::NormalizationForm_KC).simplified() : QString();
}

Status writeReport(const ReportData &data, const ReportOptions &options, const QString &pdf, const QString &html, int *pages = nullptr)
{
    ReportBuilder builder(data, options);
    auto doc = builder.build();
    if (!doc)
        return doc.error();
    ReportLayout layout(doc.value(), options.paper);
    if (pages)
        *pages = layout.pageCount();
    if (!html.isEmpty())
        if (auto st = doc->writeHtml(html); !st)
            return st;
    return pdf.isEmpty() ? Status() : layout.writePdf(pdf);
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        registerGdalDrivers();
        QVERIFY(m_dir.isValid());
        ReportFixtureSpec spec;
        spec.annotations = 30;
        spec.questions = 4;
        spec.sceneSize = 512;
        spec.hostileText = true;
        spec.jobCurvesOnlyInLog = true; // the model section must read metrics.jsonl
        auto path = writeReportFixture(m_dir.path(), spec);
        QVERIFY2(path.ok(), path ? "" : path.error().toString().c_str());
        m_project = path.value();
    }

    void pdfPagesSizesAndText_data()
    {
        QTest::addColumn<QString>("paper");
        QTest::addColumn<QString>("pdfinfoSize");
        QTest::newRow("a4") << QStringLiteral("a4") << QStringLiteral("595 x 842 pts (A4)");
        QTest::newRow("letter") << QStringLiteral("letter") << QStringLiteral("612 x 792 pts (letter)");
    }
    void pdfPagesSizesAndText()
    {
        QFETCH(QString, paper);
        QFETCH(QString, pdfinfoSize);
        if (QStandardPaths::findExecutable(QStringLiteral("pdfinfo")).isEmpty())
            QSKIP("poppler-utils (pdfinfo, pdftotext, pdftoppm) are not installed");
        auto data = ReportData::fromFile(m_project);
        QVERIFY(data.ok());
        ReportOptions options;
        options.paper = ReportOptions::paperFromName(paper);
        options.author = QStringLiteral("Ada </td> Analyst");
        const QString pdf = m_dir.filePath(paper + QStringLiteral(".pdf"));
        int pages = 0;
        const Status st = writeReport(data.value(), options, pdf, QString(), &pages);
        QVERIFY2(st.ok(), st ? "" : st.error().toString().c_str());
        QVERIFY(pages >= 5);

        // pdfinfo: page count and the size of every page.
        const ToolOutput info = runTool(QStringLiteral("pdfinfo"), {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                                                                    QString::number(pages), pdf});
        QVERIFY(info.ran);
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(info.out.contains(QRegularExpression(QStringLiteral("Pages:\\s+%1\\n").arg(pages))), qPrintable(info.out));
        for (int i = 1; i <= pages; ++i)
            QVERIFY2(info.out.contains(QRegularExpression(QStringLiteral("Page\\s+%1 size:\\s+%2").arg(i).arg(QRegularExpression::escape(pdfinfoSize)))),
                     qPrintable(QStringLiteral("page %1").arg(i)));

        // pdftotext: answers, questions, class names (the hostile ones as literal text), metrics.
        const QString text = pdfText(pdf);
        QVERIFY(!text.isEmpty());
        QVERIFY(text.contains(QStringLiteral("answer-2: 4 buildings")));
        QVERIFY(text.contains(QStringLiteral("answer-4: 6 buildings")));
        QVERIFY(text.contains(QStringLiteral("<img src=x onerror=alert(3)> maybe")));
        QVERIFY(text.contains(QStringLiteral("How many buildings are in region 3?")));
        QVERIFY(text.contains(QStringLiteral("Water")));
        QVERIFY(text.contains(QStringLiteral("<script>alert(1)</script>")));
        QVERIFY(text.contains(QStringLiteral("Fields & \"meadows\"")));
        QVERIFY(text.contains(QStringLiteral("Ada </td> Analyst")));
        // Final validation metrics at step 40, as the fixture's metrics.jsonl has them.
        QVERIFY(text.contains(QStringLiteral("accuracy 0.9000")));
        QVERIFY(text.contains(QStringLiteral("countMAE 1.0000")));
        const double loss = 3.0 * std::exp(-40 / 15.0) + 0.4 + 0.15;
        QVERIFY2(text.contains(QStringLiteral("loss ") + QString::number(loss, 'f', 4)), qPrintable(QString::number(loss, 'f', 4)));
        QVERIFY(text.contains(QStringLiteral("sha256:")));
        QVERIFY(text.contains(QStringLiteral("harbour-vqa")));
        // Map labels are text, not pixels: graticule degrees, scale bar, north arrow.
        QVERIFY(text.contains(QStringLiteral("°N")));
        QVERIFY(text.contains(QStringLiteral("°E")));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("\\d+ k?m"))));
        QVERIFY(text.contains(QStringLiteral("Page 1 of %1").arg(pages)));
        QVERIFY(text.contains(QStringLiteral("Page %1 of %1").arg(pages)));
        // Chart labels (the core painter draws them as text too).
        QVERIFY(text.contains(QStringLiteral("validation loss")));

        // pdftoppm renders every page.
        const QString prefix = m_dir.filePath(paper + QStringLiteral("-page"));
        const ToolOutput ppm = runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("30"), QStringLiteral("-png"), pdf, prefix});
        QVERIFY(ppm.ran);
        QCOMPARE(ppm.exitCode, 0);
        const QStringList rendered = QDir(m_dir.path()).entryList({paper + QStringLiteral("-page*.png")}, QDir::Files);
        QCOMPARE(rendered.size(), pages);
        for (const QString &f : rendered) {
            const QImage img(m_dir.filePath(f));
            QVERIFY(!img.isNull());
        }
    }

    void htmlWellFormedAndEscaped()
    {
        auto data = ReportData::fromFile(m_project);
        QVERIFY(data.ok());
        ReportOptions options;
        options.regions = ReportOptions::RegionSelection::All;
        const QString html = m_dir.filePath(QStringLiteral("report.html"));
        const Status st = writeReport(data.value(), options, QString(), html);
        QVERIFY2(st.ok(), st ? "" : st.error().toString().c_str());
        QFile f(html);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();

        // Well-formed (it is XHTML) and no element or attribute came from user text.
        QXmlStreamReader xml(bytes);
        QString text;
        int images = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement()) {
                QVERIFY2(xml.name() != QLatin1String("script"), "a <script> element leaked from user text");
                if (xml.name() == QLatin1String("img")) {
                    ++images;
                    QVERIFY(xml.attributes().value(QLatin1String("src")).startsWith(QLatin1String("data:image/png;base64,")));
                    QVERIFY(!xml.attributes().hasAttribute(QLatin1String("onerror")));
                }
            } else if (xml.isCharacters()) {
                text += xml.text();
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString() + QStringLiteral(" at line %1").arg(xml.lineNumber())));
        QVERIFY(images >= 5); // map, question chips, region chips, charts: all embedded
        QVERIFY(text.contains(QStringLiteral("<script>alert(1)</script>")));
        QVERIFY(text.contains(QStringLiteral("Is </td><script>alert(2)</script> here?")));
        QVERIFY(text.contains(QStringLiteral("<img src=x onerror=alert(3)> maybe")));
        QVERIFY(text.contains(QStringLiteral("caption <b>bold?</b> & </td></tr> <script>x()</script>")));
        QVERIFY(!bytes.contains("<script>"));
        QVERIFY(!bytes.contains("</td></tr> <script"));
        // Self-contained: nothing refers to a file beside it.
        QVERIFY(!bytes.contains("src=\"fig:"));
        QVERIFY(!bytes.contains("heatmaps/q"));
    }

    void emptySectionsSaySo()
    {
        QTemporaryDir dir;
        const QString scene = dir.filePath(QStringLiteral("s.tif"));
        SyntheticSceneSpec spec;
        spec.size = QSize(256, 256);
        QVERIFY(writeSyntheticScene(scene, spec).ok());
        Project project;
        QVERIFY(project.addScene(scene).ok());
        QVERIFY(project.save(dir.filePath(QStringLiteral("empty.satgpt"))).ok());
        ReportData data = ReportData::fromProject(project);
        ReportOptions options;
        const QString pdf = dir.filePath(QStringLiteral("empty.pdf"));
        QVERIFY(writeReport(data, options, pdf, QString()).ok());
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext is not installed");
        const QString text = pdfText(pdf);
        QVERIFY(text.contains(QStringLiteral("No questions have been asked about this project yet.")));
        QVERIFY(text.contains(QStringLiteral("The project has no annotations.")));
        QVERIFY(text.contains(QStringLiteral("No fine-tuning job of this project has finished.")));
        QVERIFY(text.contains(QStringLiteral("No annotated region has questions and answers.")));
        QVERIFY(text.contains(QStringLiteral("Overview maps")));
    }

    void missingHeatmapAndSceneAreNamed()
    {
        QTemporaryDir dir;
        ReportFixtureSpec spec;
        spec.annotations = 4;
        spec.questions = 2;
        spec.sceneSize = 256;
        spec.trainingJob = false;
        auto path = writeReportFixture(dir.path(), spec);
        QVERIFY(path.ok());
        // Truncate the first question's heatmap: its place must name the file.
        QFile heat(dir.filePath(QStringLiteral("heatmaps/q1.tif")));
        QVERIFY(heat.open(QIODevice::WriteOnly | QIODevice::Truncate));
        heat.write("II*\0garbage", 11);
        heat.close();
        auto data = ReportData::fromFile(path.value());
        QVERIFY(data.ok());
        ReportOptions options;
        options.sections = ReportOptions::Questions;
        ReportBuilder builder(data.value(), options);
        auto doc = builder.build();
        QVERIFY(doc.ok());
        QVERIFY(doc->body.contains(QStringLiteral("The heatmap could not be read")));
        QVERIFY(doc->body.contains(QStringLiteral("q1.tif")));

        // A scene that vanished: the title page says which file and why, the report still builds.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("scene.tif"))));
        ReportData gone = data.value();
        options.sections = ReportOptions::AllSections;
        ReportBuilder again(gone, options);
        auto doc2 = again.build();
        QVERIFY(doc2.ok());
        QVERIFY(doc2->body.contains(QStringLiteral("not readable")));
        QVERIFY(doc2->body.contains(QStringLiteral("scene.tif")));
    }

    void writeErrorsNameTheFile()
    {
        ReportDocument doc;
        doc.title = QStringLiteral("t");
        doc.body = QStringLiteral("<p>x</p>");
        ReportLayout layout(doc, QPageSize::A4);
        const QString bad = m_dir.filePath(QStringLiteral("no/such/dir/r.pdf"));
        const Status st = layout.writePdf(bad);
        QVERIFY(!st.ok());
        QCOMPARE(QString::fromStdString(st.error().path), bad);
        const Status hs = doc.writeHtml(m_dir.filePath(QStringLiteral("no/such/dir/r.html")));
        QVERIFY(!hs.ok());
        QVERIFY(QString::fromStdString(hs.error().toString()).contains(QStringLiteral("no/such/dir/r.html")));
        auto missing = ReportData::fromFile(m_dir.filePath(QStringLiteral("absent.satgpt")));
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().toString()).contains(QStringLiteral("absent.satgpt")));
    }

    void chartsFromJobRecord()
    {
        TrainingJobRecord job;
        job.id = QStringLiteral("j");
        for (int s = 1; s <= 5; ++s)
            job.steps.append({s, 0.0, 2.0 / s, 1e-4, 1.0});
        job.evals.append({5, 1.0, QStringLiteral("validation"), {{QStringLiteral("loss"), 0.5}, {QStringLiteral("bleu4"), 0.2}}});
        const QVector<ReportChart> charts = ReportChart::forJob(job);
        QCOMPARE(charts.size(), 2);
        QCOMPARE(charts[0].series.size(), 2); // training and validation loss
        QCOMPARE(charts[0].series[0].points.size(), 5);
        QCOMPARE(charts[1].series.size(), 1);
        QCOMPARE(charts[1].series[0].name, QStringLiteral("bleu4"));
        const QPicture pic = charts[0].paint(ReportChart::defaultSize());
        QVERIFY(pic.size() > 0);
        QCOMPARE(pic.boundingRect().size(), ReportChart::defaultSize().toSize());
        QVERIFY(ReportChart::forJob(TrainingJobRecord{}).isEmpty());

        // Pictures drawn by another renderer (the GUI's QCustomPlot) replace the core drawing.
        ReportData data;
        data.jobs.append(job);
        data.jobs.last().state = TrainingJobRecord::State::Finished;
        int calls = 0;
        data.renderCharts([&](const ReportChart &c, const QSizeF &size) {
            ++calls;
            return c.paint(size);
        });
        QCOMPARE(calls, 2);
        QVERIFY(data.chartPictures.contains(ReportChart::key(QStringLiteral("j"), 1)));
    }

    void jobRunsInBackgroundWithProgressAndCancel()
    {
        auto data = ReportData::fromFile(m_project);
        QVERIFY(data.ok());
        ReportOptions options;
        const QString pdf = m_dir.filePath(QStringLiteral("job.pdf"));
        const QString html = m_dir.filePath(QStringLiteral("job.html"));
        ReportJob job(data.value(), options);
        job.setPdfPath(pdf);
        job.setHtmlPath(html);
        job.setPreview(2, 30);
        QVector<double> progress;
        bool onGuiThread = true;
        connect(&job, &Job::progressChanged, this, [&](double f) {
            progress << f;
            onGuiThread = onGuiThread && QThread::currentThread() == qApp->thread();
        });
        QSignalSpy ok(&job, &Job::succeeded);
        job.start();
        QTRY_COMPARE_WITH_TIMEOUT(ok.count(), 1, 60000);
        QVERIFY(onGuiThread);
        QVERIFY(!progress.isEmpty());
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.last(), 1.0);
        QVERIFY(job.pageCount() >= 5);
        QCOMPARE(job.previewImages().size(), 2);
        QVERIFY(!job.previewImages().first().isNull());
        QVERIFY(QFileInfo(pdf).size() > 1000);
        QVERIFY(QFileInfo(html).size() > 1000);

        // Canceled before it runs: no output file appears.
        const QString never = m_dir.filePath(QStringLiteral("never.pdf"));
        ReportJob canceled(data.value(), options);
        canceled.setPdfPath(never);
        QSignalSpy c(&canceled, &Job::canceled);
        canceled.cancel();
        canceled.start();
        QTRY_COMPARE_WITH_TIMEOUT(c.count(), 1, 60000);
        QVERIFY(!QFileInfo::exists(never));
    }

    // The dialog's preview and an export run as two jobs over copies of one ReportData. QPicture
    // copies share a read buffer, so jobs playing the same chart at once corrupted each other's
    // reads (a CI run hung allocating gigabytes); every job must own its pictures.
    void concurrentJobsPlayTheSameChartsSafely()
    {
        ReportData data;
        TrainingJobRecord record;
        record.id = QStringLiteral("j");
        record.state = TrainingJobRecord::State::Finished;
        for (int s = 1; s <= 400; ++s)
            record.steps.append({s, 0.0, 2.0 / s, 1e-4, 1.0});
        data.jobs.append(record);
        data.renderCharts([](const ReportChart &c, const QSizeF &size) { return c.paint(size); });
        QVERIFY(!data.chartPictures.isEmpty());
        ReportOptions options;
        options.sections = ReportOptions::Models;
        for (int round = 0; round < 3; ++round) {
            std::vector<std::unique_ptr<ReportJob>> jobs;
            std::vector<std::unique_ptr<QSignalSpy>> done;
            for (int i = 0; i < 6; ++i) {
                jobs.push_back(std::make_unique<ReportJob>(data, options));
                jobs.back()->setHtmlPath(m_dir.filePath(QStringLiteral("concurrent-%1.html").arg(i)));
                jobs.back()->setPreview(1, 30);
                done.push_back(std::make_unique<QSignalSpy>(jobs.back().get(), &Job::finished));
            }
            for (auto &job : jobs)
                job->start();
            for (size_t i = 0; i < jobs.size(); ++i) {
                QTRY_COMPARE_WITH_TIMEOUT(done[i]->count(), 1, 60000);
                QCOMPARE(jobs[i]->state(), Job::State::Succeeded);
            }
            const qint64 size = QFileInfo(m_dir.filePath(QStringLiteral("concurrent-0.html"))).size();
            QVERIFY(size > 1000);
            for (int i = 1; i < 6; ++i)
                QCOMPARE(QFileInfo(m_dir.filePath(QStringLiteral("concurrent-%1.html").arg(i))).size(), size);
        }
    }
};

QTEST_MAIN(TestReport)
#include "tst_report.moc"
