// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt report`: a project as a PDF (and HTML) report; `satgpt bench report`: how long a
// large generated project takes.

#include "command.h"

#include "core/reports/reportbuilder.h"
#include "core/reports/reportdata.h"
#include "core/reports/reportfixture.h"
#include "core/reports/reportlayout.h"
#include "widgets/reports/qcustomplotchartrenderer.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>

namespace {

using satgpt::ReportOptions;

bool parseSections(const QString &text, int *sections)
{
    static const QMap<QString, int> names{{QStringLiteral("title"), ReportOptions::TitlePage},
                                          {QStringLiteral("maps"), ReportOptions::OverviewMaps},
                                          {QStringLiteral("questions"), ReportOptions::Questions},
                                          {QStringLiteral("regions"), ReportOptions::Regions},
                                          {QStringLiteral("annotations"), ReportOptions::AnnotationTable},
                                          {QStringLiteral("models"), ReportOptions::Models},
                                          {QStringLiteral("appendix"), ReportOptions::Appendix}};
    int s = 0;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("all")) {
            s |= ReportOptions::AllSections;
            continue;
        }
        if (!names.contains(part.trimmed()))
            return false;
        s |= names.value(part.trimmed());
    }
    *sections = s;
    return s != 0;
}

/// Builds, lays out and writes; prints what it did. Returns the exit code.
int produce(const satgpt::ReportData &data, const ReportOptions &options, const QString &pdf, const QString &html,
            bool quiet, double *seconds = nullptr)
{
    QElapsedTimer timer;
    timer.start();
    satgpt::ReportBuilder builder(data, options);
    auto doc = builder.build();
    if (!doc)
        return satgpt::cli::fail(QString::fromStdString(doc.error().toString()));
    const double built = timer.elapsed() / 1000.0;
    satgpt::ReportLayout layout(doc.value(), options.paper);
    const int pages = layout.pageCount();
    const double laidOut = timer.elapsed() / 1000.0;
    if (!html.isEmpty()) {
        auto st = doc->writeHtml(html);
        if (!st)
            return satgpt::cli::fail(QString::fromStdString(st.error().toString()));
    }
    const double htmlDone = timer.elapsed() / 1000.0;
    if (!pdf.isEmpty()) {
        auto st = layout.writePdf(pdf);
        if (!st)
            return satgpt::cli::fail(QString::fromStdString(st.error().toString()));
    }
    const double total = timer.elapsed() / 1000.0;
    if (seconds)
        *seconds = total;
    if (!quiet) {
        QTextStream out(stdout);
        if (!pdf.isEmpty())
            out << "wrote " << pdf << " (" << pages << " pages, " << ReportOptions::paperName(options.paper) << ")\n";
        if (!html.isEmpty())
            out << "wrote " << html << '\n';
        out << QStringLiteral("assemble %1 s, layout %2 s, html %3 s, pdf %4 s, total %5 s\n")
                   .arg(built, 0, 'f', 2)
                   .arg(laidOut - built, 0, 'f', 2)
                   .arg(htmlDone - laidOut, 0, 'f', 2)
                   .arg(total - htmlDone, 0, 'f', 2)
                   .arg(total, 0, 'f', 2);
    }
    return 0;
}

int runReport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Writes a report of a .satgpt project: title page, overview maps, "
                                                    "questions with heatmaps, regions, annotation table, models, appendix."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The .satgpt project file."));
    QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("PDF file to write."), QStringLiteral("file"));
    QCommandLineOption htmlOpt(QStringLiteral("html"), QStringLiteral("Self-contained HTML file to write."), QStringLiteral("file"));
    QCommandLineOption paperOpt(QStringLiteral("paper"), QStringLiteral("a4 (default) or letter."), QStringLiteral("size"),
                                QStringLiteral("a4"));
    QCommandLineOption authorOpt(QStringLiteral("author"),
                                 QStringLiteral("Author on the title page (default: the workbench's report/author setting)."),
                                 QStringLiteral("name"));
    QCommandLineOption titleOpt(QStringLiteral("title"), QStringLiteral("Report title (default: the project name)."), QStringLiteral("text"));
    QCommandLineOption sectionsOpt(QStringLiteral("sections"),
                                   QStringLiteral("Comma-separated: title,maps,questions,regions,annotations,models,appendix "
                                                  "or all (default)."),
                                   QStringLiteral("list"), QStringLiteral("all"));
    QCommandLineOption regionsOpt(QStringLiteral("regions"),
                                  QStringLiteral("Region pages: qa (annotations with Q&A, default), all, none, or ids 1,5,9."),
                                  QStringLiteral("which"), QStringLiteral("qa"));
    parser.addOptions({outOpt, htmlOpt, paperOpt, authorOpt, titleOpt, sectionsOpt, regionsOpt});
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return satgpt::cli::fail(QStringLiteral("report needs one project file (see --help)"));
    if (!parser.isSet(outOpt) && !parser.isSet(htmlOpt))
        return satgpt::cli::fail(QStringLiteral("report needs --out FILE.pdf and/or --html FILE.html"));

    ReportOptions options;
    bool ok = false;
    options.paper = ReportOptions::paperFromName(parser.value(paperOpt), &ok);
    if (!ok)
        return satgpt::cli::fail(QStringLiteral("--paper must be a4 or letter, not '%1'").arg(parser.value(paperOpt)));
    if (!parseSections(parser.value(sectionsOpt), &options.sections))
        return satgpt::cli::fail(QStringLiteral("--sections: unknown section in '%1'").arg(parser.value(sectionsOpt)));
    const QString regions = parser.value(regionsOpt);
    if (regions == QLatin1String("qa")) {
        options.regions = ReportOptions::RegionSelection::WithQa;
    } else if (regions == QLatin1String("all")) {
        options.regions = ReportOptions::RegionSelection::All;
    } else if (regions == QLatin1String("none")) {
        options.regions = ReportOptions::RegionSelection::None;
    } else {
        options.regions = ReportOptions::RegionSelection::Listed;
        for (const QString &id : regions.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool isNumber = false;
            options.regionIds.append(id.toLongLong(&isNumber));
            if (!isNumber)
                return satgpt::cli::fail(QStringLiteral("--regions: '%1' is not qa, all, none or a list of ids").arg(regions));
        }
    }
    // The workbench keeps the author under its own application name.
    options.author = parser.isSet(authorOpt)
                         ? parser.value(authorOpt)
                         : QSettings(QStringLiteral("SatGPT"), QStringLiteral("satgpt-workbench")).value(QStringLiteral("report/author")).toString();
    options.title = parser.value(titleOpt);

    const QString projectPath = parser.positionalArguments().first();
    auto data = satgpt::ReportData::fromFile(projectPath);
    if (!data)
        return satgpt::cli::fail(QString::fromStdString(data.error().toString()));
    data->renderCharts(&satgpt::renderChartWithQCustomPlot); // the workbench's curves, as vector graphics
    return produce(data.value(), options, parser.value(outOpt), parser.value(htmlOpt), false);
}

int runBenchReport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generates a project (synthetic 2048 px scene, N annotations, M questions with heatmaps, a finished training "
        "job) and times the full report: assembly, layout, HTML and PDF."));
    parser.addHelpOption();
    QCommandLineOption annOpt(QStringLiteral("annotations"), QStringLiteral("Annotations (default 200)."), QStringLiteral("n"),
                              QStringLiteral("200"));
    QCommandLineOption qOpt(QStringLiteral("questions"), QStringLiteral("Questions (default 20)."), QStringLiteral("n"),
                            QStringLiteral("20"));
    QCommandLineOption sizeOpt(QStringLiteral("scene-size"), QStringLiteral("Scene side in pixels (default 2048)."),
                               QStringLiteral("px"), QStringLiteral("2048"));
    QCommandLineOption repeatsOpt(QStringLiteral("repeats"), QStringLiteral("Timed runs (default 3)."), QStringLiteral("n"),
                                  QStringLiteral("3"));
    QCommandLineOption keepOpt(QStringLiteral("keep"), QStringLiteral("Write the project and reports into this folder."),
                               QStringLiteral("dir"));
    parser.addOptions({annOpt, qOpt, sizeOpt, repeatsOpt, keepOpt});
    parser.process(args);

    QTemporaryDir temp;
    const QString folder = parser.isSet(keepOpt) ? parser.value(keepOpt) : temp.path();
    if (!QFileInfo(folder).isDir())
        return satgpt::cli::fail(QStringLiteral("%1: not a folder").arg(folder));
    satgpt::ReportFixtureSpec spec;
    spec.annotations = parser.value(annOpt).toInt();
    spec.questions = parser.value(qOpt).toInt();
    spec.sceneSize = parser.value(sizeOpt).toInt();
    const int repeats = std::max(1, parser.value(repeatsOpt).toInt());
    if (spec.annotations < 1 || spec.questions < 0 || spec.sceneSize < 256)
        return satgpt::cli::fail(QStringLiteral("--annotations >= 1, --questions >= 0, --scene-size >= 256"));
    auto project = satgpt::writeReportFixture(folder, spec);
    if (!project)
        return satgpt::cli::fail(QString::fromStdString(project.error().toString()));

    QTextStream out(stdout);
    out << "project: " << spec.annotations << " annotations, " << spec.questions << " questions, " << spec.sceneSize
        << " px scene, 1 training job\n";
    ReportOptions options;
    options.regions = ReportOptions::RegionSelection::WithQa;
    QVector<double> times;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        // Loading the project is part of what the user waits for.
        auto data = satgpt::ReportData::fromFile(project.value());
        if (!data)
            return satgpt::cli::fail(QString::fromStdString(data.error().toString()));
        data->renderCharts(&satgpt::renderChartWithQCustomPlot);
        const QString pdf = QStringLiteral("%1/bench-%2.pdf").arg(folder).arg(i);
        const QString html = QStringLiteral("%1/bench-%2.html").arg(folder).arg(i);
        out << "run " << i + 1 << ": ";
        out.flush();
        const int rc = produce(data.value(), options, pdf, html, false);
        if (rc != 0)
            return rc;
        times << t.elapsed() / 1000.0;
        out << QStringLiteral("  (with project load: %1 s)\n").arg(times.last(), 0, 'f', 2);
        out.flush();
    }
    std::sort(times.begin(), times.end());
    out << QStringLiteral("median %1 s, best %2 s over %3 runs (PDF + HTML, %4 questions, %5 annotations)\n")
               .arg(times[times.size() / 2], 0, 'f', 2)
               .arg(times.first(), 0, 'f', 2)
               .arg(repeats)
               .arg(spec.questions)
               .arg(spec.annotations);
    return 0;
}

} // namespace

SATGPT_CLI_COMMAND("report", "Write a PDF/HTML report of a project", runReport)
SATGPT_CLI_COMMAND("bench report", "Time a report of a generated 200-annotation, 20-question project", runBenchReport)
