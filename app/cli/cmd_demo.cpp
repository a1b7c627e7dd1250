// SPDX-License-Identifier: GPL-3.0-or-later
// `satgpt demo`: the whole workbench workflow on the bundled demo scene, without a display:
// scene, annotations, questions with the default model, evidence maps, a short fine-tune, the
// same questions with the fine-tuned model, and the PDF report. Each step prints one line.

#include "command.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationexporter.h"
#include "core/chat/chatjob.h"
#include "core/chat/evidencejob.h"
#include "core/chat/regioncut.h"
#include "core/common/modelregistry.h"
#include "core/common/trainingimages.h"
#include "core/jobs/trainingeventparser.h"
#include "core/jobs/trainingjobrecord.h"
#include "core/ml/trainer.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"
#include "core/reports/reportdata.h"
#include "core/reports/reportjob.h"
#include "core/reports/reportoptions.h"
#include "widgets/reports/qcustomplotchartrenderer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace satgpt::cli {

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

/// Where the demo project ships: installed beside the binaries, else the source tree.
QString findDemoProject()
{
    const QStringList candidates{
        QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/satgpt-workbench/demo/demo.satgpt")),
#ifdef SATGPT_SOURCE_TREE
        QDir::cleanPath(QStringLiteral(SATGPT_SOURCE_TREE) + QStringLiteral("/resources/demo/demo.satgpt")),
#endif
    };
    for (const QString &c : candidates)
        if (QFileInfo::exists(c))
            return c;
    return {};
}

/// Runs a job to its end on the pool, delivering its queued signals here.
bool runJob(Job &job, QString *error)
{
    QEventLoop loop;
    QObject::connect(&job, &Job::finished, &loop, &QEventLoop::quit);
    job.start();
    if (!job.isFinished())
        loop.exec();
    if (job.state() != Job::State::Succeeded) {
        *error = job.errorText().isEmpty() ? QStringLiteral("canceled") : job.errorText();
        return false;
    }
    return true;
}

// Questions are asked about the same windows the fine-tune chips are cut from.
constexpr int kChipSize = 128;
constexpr double kChipPadding = 0.25;

struct Step
{
    int index = 0;
    int total = 0;
    QElapsedTimer timer;
    void begin(const QString &what)
    {
        ++index;
        timer.start();
        out() << '[' << index << '/' << total << "] " << what << Qt::endl;
    }
    void done(const QString &result)
    {
        out() << "      " << result << QStringLiteral(" (%1 s)").arg(timer.elapsed() / 1000.0, 0, 'f', 1) << Qt::endl;
    }
};

} // namespace

static int runDemo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the whole workflow on the bundled demo scene without a display: opens the scene and its "
        "annotations, asks the quick-prompt questions about three regions with the default model, computes a "
        "Grad-CAM and a cross-attention map for each answer, fine-tunes the model briefly on the annotations, "
        "asks again with the result and exports the PDF (and HTML) report. Prints one line per step and the "
        "report's path."));
    parser.addHelpOption();
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("Output folder (default: ./satgpt-demo)"),
                                    QStringLiteral("dir"), QStringLiteral("satgpt-demo"));
    const QCommandLineOption modelOpt(QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)"),
                                      QStringLiteral("dir"));
    const QCommandLineOption projectOpt(QStringLiteral("project"),
                                        QStringLiteral("Project to start from (default: the bundled demo project)"),
                                        QStringLiteral("file"));
    const QCommandLineOption regionsOpt(QStringLiteral("regions"), QStringLiteral("Annotated regions to ask about (default 3)"),
                                        QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption promptsOpt(QStringLiteral("prompts"), QStringLiteral("Quick prompts per region (1-3, default 3)"),
                                        QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption stepsOpt(QStringLiteral("fine-tune-steps"),
                                      QStringLiteral("Optimizer steps of the fine-tune job (default 240, about a minute on 2 threads)"),
                                      QStringLiteral("n"), QStringLiteral("240"));
    parser.addOptions({outOpt, modelOpt, projectOpt, regionsOpt, promptsOpt, stepsOpt});
    parser.process(args);

    const int regionCount = std::max(1, parser.value(regionsOpt).toInt());
    const int promptCount = std::clamp(parser.value(promptsOpt).toInt(), 1, 3);
    const int fineTuneSteps = std::max(1, parser.value(stepsOpt).toInt());
    QDir outDir(QDir::current().absoluteFilePath(parser.value(outOpt)));
    if (!outDir.mkpath(QStringLiteral(".")))
        return fail(QStringLiteral("demo: cannot create the output folder %1").arg(outDir.path()));
    QElapsedTimer total;
    total.start();
    Step step;
    step.total = 7;

    // 1. Scene and project.
    const QString sourceProject = parser.isSet(projectOpt) ? parser.value(projectOpt) : findDemoProject();
    if (sourceProject.isEmpty())
        return fail(QStringLiteral("demo: the bundled demo project (resources/demo/demo.satgpt) was not found"));
    step.begin(QStringLiteral("Opening the demo project %1").arg(sourceProject));
    auto loaded = Project::load(sourceProject);
    if (!loaded)
        return fail(QString::fromStdString(loaded.error().toString()));
    std::unique_ptr<Project> project = std::move(loaded).value();
    if (project->scenes().isEmpty())
        return fail(QStringLiteral("demo: %1 has no scene").arg(sourceProject));
    const ProjectScene scene = project->scenes().first();
    auto dataset = RasterDataset::open(scene.path);
    if (!dataset)
        return fail(QString::fromStdString(dataset.error().toString()));
    const RasterInfo &info = dataset.value()->info();
    QVector<Annotation> annotations = project->document()->annotations();
    annotations.erase(std::remove_if(annotations.begin(), annotations.end(),
                                     [&](const Annotation &a) { return a.sceneId != scene.id; }),
                      annotations.end());
    if (annotations.isEmpty())
        return fail(QStringLiteral("demo: %1 has no annotations on its first scene").arg(sourceProject));
    const QString projectPath = outDir.filePath(QStringLiteral("demo.satgpt"));
    if (Status s = project->save(projectPath); !s)
        return fail(QString::fromStdString(s.error().toString()));
    step.done(QStringLiteral("%1: %2 x %3 px, %4 bands, %5; %6 annotations")
                  .arg(QFileInfo(scene.path).fileName())
                  .arg(info.width)
                  .arg(info.height)
                  .arg(info.bandCount())
                  .arg(info.epsg ? QStringLiteral("EPSG:%1").arg(info.epsg) : info.crsName)
                  .arg(annotations.size()));

    // 2. Model.
    step.begin(QStringLiteral("Loading the default model"));
    QString modelDir = parser.value(modelOpt);
    if (modelDir.isEmpty()) {
        ModelRegistry registry;
        modelDir = registry.bundledModelDir();
        if (modelDir.isEmpty())
            return fail(QStringLiteral("demo: %1").arg(registry.bundledProblem()));
    }
    if (!ModelRegistry::isModelFolder(modelDir))
        return fail(QStringLiteral("demo: %1 is not a model folder (no config.json)").arg(modelDir));
    step.done(modelDir);

    RenderSettings render;
    render.composition = BandComposition::defaultFor(info);
    const QStringList prompts =
        QStringList{QStringLiteral("Describe this view"), QStringLiteral("What is the land cover?"),
                    QStringLiteral("How many buildings are there?")}
            .mid(0, promptCount);
    const int regions = std::min(regionCount, int(annotations.size()));
    QDir heatDir(outDir.filePath(QStringLiteral("heatmaps")));
    heatDir.mkpath(QStringLiteral("."));

    struct Asked
    {
        ChatEntry entry;
        QImage image;
    };
    const auto ask = [&](const Annotation &a, const QString &question, const QString &model,
                         QString *error) -> std::optional<Asked> {
        ChatRequest request;
        request.source = ChatSource{scene.id, scene.path, AnnotationExporter::chipWindow(a, info.width, info.height, kChipSize, kChipPadding), render};
        request.regionKind = ChatRegion::Kind::Annotation;
        request.annotationId = QString::number(a.id);
        request.question = question;
        request.modelPath = model;
        request.maxNewTokens = 24;
        ChatJob job(request);
        if (!runJob(job, error))
            return std::nullopt;
        return Asked{job.entry(), job.image()};
    };

    // 3. Questions with the default model.
    step.begin(QStringLiteral("Asking %1 question(s) about %2 region(s)").arg(prompts.size()).arg(regions));
    std::vector<Asked> asked;
    for (int r = 0; r < regions; ++r)
        for (const QString &q : prompts) {
            QString error;
            auto a = ask(annotations[r], q, modelDir, &error);
            if (!a)
                return fail(QStringLiteral("demo: asking '%1' failed: %2").arg(q, error));
            out() << "      region " << annotations[r].id << ": " << q << " -> " << a->entry.answer
                  << (a->entry.isUnverifiedCount() ? QStringLiteral(" (unverified count)") : QString()) << Qt::endl;
            asked.push_back(std::move(*a));
        }
    step.done(QStringLiteral("%1 answers").arg(asked.size()));

    // 4. Evidence: Grad-CAM and cross-attention per answer, as GeoTIFFs over each region.
    step.begin(QStringLiteral("Computing Grad-CAM and cross-attention maps"));
    int maps = 0;
    for (Asked &a : asked) {
        for (const auto &[method, name] : {std::pair{ml::ExplainMethod::CrossAttention, QStringLiteral("cross-attention")},
                                           std::pair{ml::ExplainMethod::GradCam, QStringLiteral("gradcam")}}) {
            EvidenceRequest request;
            request.entry = a.entry;
            request.render = render;
            request.image = a.image;
            request.method = method;
            request.outputPath = heatDir.filePath(QStringLiteral("%1-%2.tif").arg(a.entry.id, name));
            EvidenceJob job(request);
            QString error;
            if (!runJob(job, &error))
                return fail(QStringLiteral("demo: %1 for '%2' failed: %3").arg(name, a.entry.question, error));
            // The entry keeps the Grad-CAM (the report shows it); the cross-attention file stays beside it.
            if (method == ml::ExplainMethod::GradCam) {
                a.entry.heatmap.method = name;
                a.entry.heatmap.path = outDir.relativeFilePath(request.outputPath);
                a.entry.heatmap.colorMap = QStringLiteral("inferno");
            }
            ++maps;
        }
        project->appendChat(a.entry.toJson());
    }
    step.done(QStringLiteral("%1 maps in %2").arg(maps).arg(heatDir.path()));

    // 5. A short fine-tune job on the project's annotations (chips with captions, QA and classes).
    step.begin(QStringLiteral("Fine-tuning on the demo annotations (%1 steps)").arg(fineTuneSteps));
    const QString chipsDir = outDir.filePath(QStringLiteral("fine-tune-data"));
    auto chips = AnnotationExporter::exportChips(project->document()->annotations(), project->document()->schema(),
                                                 project->exportScenes(), chipsDir, kChipSize, kChipPadding);
    if (!chips)
        return fail(QString::fromStdString(chips.error().toString()));
    ml::TrainConfig config;
    config.job = "demo-fine-tune";
    config.model = modelDir.toStdString();
    config.data = chipsDir.toStdString();
    config.task = ml::TaskKind::Mix;
    config.out = outDir.filePath(QStringLiteral("fine-tune")).toStdString();
    config.maxSteps = fineTuneSteps;
    config.batchSize = 8;
    config.learningRate = 1e-4;
    config.warmupSteps = std::max(1, fineTuneSteps / 10);
    config.evalEverySteps = std::max(1, fineTuneSteps / 4);
    config.maxNewTokens = 24;
    QDir(QString::fromStdString(config.out)).removeRecursively(); // a rerun starts over, never resumes by accident
    TrainingJobRecord record;
    record.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    record.name = QStringLiteral("demo-fine-tune");
    record.createdAt = record.startedAt = QDateTime::currentDateTimeUtc();
    record.outputDir = QString::fromStdString(config.out);
    {
        QJsonObject c = QJsonDocument::fromJson(QByteArray::fromStdString(config.toJson())).object();
        record.config = c;
    }
    record.state = TrainingJobRecord::State::Running;
    ml::Trainer trainer(config, trainingImageLoader());
    trainer.setEventSink([&](const ml::TrainEvent &e) {
        record.applyEvent(TrainingEventParser::parseLine(QByteArray::fromStdString(e.json)));
    });
    auto summary = trainer.run();
    record.finishedAt = QDateTime::currentDateTimeUtc();
    if (!summary)
        return fail(QStringLiteral("demo: fine-tuning failed: %1").arg(QString::fromStdString(summary.error().toString())));
    record.state = TrainingJobRecord::State::Finished;
    record.modelDir = QString::fromStdString(summary->modelDir);
    QJsonArray jobs = project->trainingJobs();
    jobs.append(record.toJson());
    project->setTrainingJobs(jobs);
    double firstLoss = record.steps.isEmpty() ? 0 : record.steps.first().loss;
    double lastLoss = record.steps.isEmpty() ? 0 : record.steps.last().loss;
    step.done(QStringLiteral("%1 chips, loss %2 -> %3, model %4")
                  .arg(chips.value())
                  .arg(firstLoss, 0, 'f', 3)
                  .arg(lastLoss, 0, 'f', 3)
                  .arg(record.modelDir));

    // 6. The land-cover question again, with the fine-tuned model.
    step.begin(QStringLiteral("Asking again with the fine-tuned model"));
    for (int r = 0; r < regions; ++r) {
        QString error;
        auto a = ask(annotations[r], QStringLiteral("What is the land cover?"), record.modelDir, &error);
        if (!a)
            return fail(QStringLiteral("demo: asking the fine-tuned model failed: %1").arg(error));
        out() << "      region " << annotations[r].id << ": " << a->entry.question << " -> " << a->entry.answer << Qt::endl;
        project->appendChat(a->entry.toJson());
    }
    if (Status s = project->save(projectPath); !s)
        return fail(QString::fromStdString(s.error().toString()));
    step.done(QStringLiteral("project saved to %1").arg(projectPath));

    // 7. The report.
    step.begin(QStringLiteral("Exporting the report"));
    auto data = ReportData::fromFile(projectPath);
    if (!data)
        return fail(QString::fromStdString(data.error().toString()));
    data->renderCharts(&renderChartWithQCustomPlot);
    ReportOptions options;
    options.regions = ReportOptions::RegionSelection::WithQa;
    ReportJob report(data.value(), options);
    const QString pdf = outDir.filePath(QStringLiteral("report.pdf"));
    const QString html = outDir.filePath(QStringLiteral("report.html"));
    report.setPdfPath(pdf);
    report.setHtmlPath(html);
    QString error;
    if (!runJob(report, &error))
        return fail(QStringLiteral("demo: the report failed: %1").arg(error));
    step.done(QStringLiteral("%1 pages").arg(report.pageCount()));

    out() << "Demo finished in " << QString::number(total.elapsed() / 1000.0, 'f', 1) << " s. Report: " << pdf
          << " (HTML: " << html << ")" << Qt::endl;
    return 0;
}

SATGPT_CLI_COMMAND("demo", "Run the whole workflow on the bundled demo scene, headless, and export the report", runDemo)

} // namespace satgpt::cli
