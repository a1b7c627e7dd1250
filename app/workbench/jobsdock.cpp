// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/workbench/jobsdock.h"

#include "core/annotations/annotationdocument.h"
#include "core/annotations/annotationexporter.h"
#include "core/jobs/job.h"
#include "core/jobs/trainingjobqueue.h"
#include "core/project/project.h"
#include "widgets/jobs/finetunedialog.h"
#include "widgets/jobs/jobpanel.h"
#include "widgets/jobs/trainingcurvesview.h"

#include <QDir>
#include <QFileDialog>
#include <QJsonArray>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

namespace satgpt {

namespace {

/// Stands in the dialog's config for the project's chip folder until the job's output folder
/// (where the chips go) is known.
QString projectDataPlaceholder(const QString &runsDir) { return QDir(runsDir).filePath(QStringLiteral(".project-annotations")); }

/// The project's annotations the trainer can learn from: on a scene that is present, with a
/// caption, a class or a question/answer pair. `samples` receives the training samples they give
/// (docs/datasets.md: one caption sample per captioned or classified chip, one per QA pair, one
/// class sample per classified chip).
QVector<Annotation> usableAnnotations(const Project &project, int *samples)
{
    QSet<QString> present;
    for (const ProjectScene &s : project.scenes())
        if (!s.missing && s.width > 0 && s.height > 0)
            present.insert(s.id);
    QVector<Annotation> out;
    int n = 0;
    for (const Annotation &a : project.document()->annotations()) {
        if (!present.contains(a.sceneId))
            continue;
        int k = 0;
        if (!a.caption.trimmed().isEmpty() || a.classId != 0)
            ++k;
        if (a.classId != 0)
            ++k;
        for (const QaPair &qa : a.qa)
            if (!qa.question.trimmed().isEmpty() && !qa.answer.trimmed().isEmpty())
                ++k;
        if (k > 0) {
            out.append(a);
            n += k;
        }
    }
    if (samples)
        *samples = n;
    return out;
}

/// Writes the chips of a snapshot of the project's annotations (AnnotationExporter::exportChips)
/// on a pool thread, before the training job that reads them is queued.
class ChipExportJob final : public Job
{
public:
    ChipExportJob(QVector<Annotation> annotations, LabelSchema schema, QVector<AnnotationExporter::Scene> scenes,
                  QString dir, QObject *parent)
        : Job(JobsDock::tr("Export annotation chips"), parent), m_annotations(std::move(annotations)),
          m_schema(std::move(schema)), m_scenes(std::move(scenes)), m_dir(std::move(dir))
    {
    }

protected:
    Status run() override
    {
        auto n = AnnotationExporter::exportChips(m_annotations, m_schema, m_scenes, m_dir, 224, 0.25,
                                                 AnnotationExporter::ChipFormat::Png, feedback().get());
        if (!n && !isCanceled())
            return n.error();
        return {};
    }

private:
    QVector<Annotation> m_annotations;
    LabelSchema m_schema;
    QVector<AnnotationExporter::Scene> m_scenes;
    QString m_dir;
};

} // namespace

JobsDock::JobsDock(QWidget *parent) : QDockWidget(tr("Jobs"), parent), m_devices{QStringLiteral("cpu")}
{
    setObjectName(QStringLiteral("jobsDock"));
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    m_runsDir = QDir(dataDir).filePath(QStringLiteral("runs"));

    m_queue = new TrainingJobQueue(this);
    m_queue->setStorePath(QDir(dataDir).filePath(QStringLiteral("training-jobs.json")));
    m_panel = new JobPanel(this);
    setWidget(m_panel);

    connect(m_panel, &JobPanel::newJobRequested, this, &JobsDock::showFineTuneDialog);
    connect(m_panel, &JobPanel::exportRequested, this, &JobsDock::exportCurves);
    connect(m_panel, &JobPanel::activeModelRequested, this, &JobsDock::activeModelRequested);
    connect(m_panel, &JobPanel::messageRaised, this, &JobsDock::messageRaised);
    connect(m_queue, &TrainingJobQueue::workerProbed, this, [this](bool trainAvailable, const QStringList &devices) {
        m_devices = devices;
        if (!trainAvailable)
            Q_EMIT messageRaised(tr("Fine-tuning"),
                                 tr("The training worker %1 is missing or has no 'train' command; fine-tuning jobs will fail.")
                                     .arg(m_queue->program()),
                                 QtWarningMsg);
    });

    const Status loaded = m_queue->load();
    if (!loaded.ok()) {
        // Leave the unreadable file for the user to inspect; this session saves beside it.
        m_queue->setStorePath(QDir(dataDir).filePath(QStringLiteral("training-jobs-recovered.json")));
        const QString why = QString::fromStdString(loaded.error().toString());
        // Deferred: whoever creates the dock connects messageRaised after the constructor.
        QTimer::singleShot(0, this, [this, why] {
            Q_EMIT messageRaised(tr("Fine-tuning"), tr("Could not read the list of earlier jobs: %1").arg(why), QtWarningMsg);
        });
    }
    m_panel->setQueue(m_queue);
    m_queue->probeWorker();
}

JobsDock::~JobsDock() = default;

void JobsDock::setProjectAnnotations(int sampleCount, const QString &datasetDir)
{
    m_projectSamples = sampleCount;
    m_projectDatasetDir = datasetDir;
}

void JobsDock::setDefaults(const QString &baseModelDir, const QStringList &datasetFolders)
{
    m_baseModelDir = baseModelDir;
    m_datasetFolders = datasetFolders;
}

void JobsDock::setRunsDirectory(const QString &dir) { m_runsDir = dir; }

void JobsDock::setProjectProvider(std::function<Project *()> provider) { m_projectProvider = std::move(provider); }

void JobsDock::showFineTuneDialog()
{
    auto *dialog = new FineTuneDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDevices(m_devices);
    for (const QString &device : qAsConst(m_devices))
        dialog->setMeasuredSamplesPerSecond(device, m_queue->measuredSamplesPerSecond(device));
    if (m_projectProvider) {
        // Counted now: annotations change between two jobs.
        int samples = 0;
        if (const Project *project = m_projectProvider())
            usableAnnotations(*project, &samples);
        setProjectAnnotations(samples, projectDataPlaceholder(m_runsDir));
    }
    dialog->setProjectAnnotations(m_projectSamples, m_projectDatasetDir);
    dialog->setRunsDirectory(m_runsDir);

    // The last job's choices are the best default for the next one (usually a variation of it).
    QSettings settings;
    settings.beginGroup(QStringLiteral("fineTune"));
    dialog->setBaseModelDir(settings.value(QStringLiteral("baseModel"), m_baseModelDir).toString());
    dialog->setDatasetFolders(settings.value(QStringLiteral("datasetFolders"), m_datasetFolders).toStringList());
    if (settings.contains(QStringLiteral("task"))) {
        const QString task = settings.value(QStringLiteral("task")).toString();
        dialog->setTasks(task == QLatin1String("caption"), task == QLatin1String("vqa"), task == QLatin1String("classify"));
    }
    if (settings.contains(QStringLiteral("epochs")))
        dialog->setEpochs(settings.value(QStringLiteral("epochs")).toInt());
    if (settings.contains(QStringLiteral("batchSize")))
        dialog->setBatchSize(settings.value(QStringLiteral("batchSize")).toInt());
    if (settings.contains(QStringLiteral("learningRate")))
        dialog->setLearningRate(settings.value(QStringLiteral("learningRate")).toDouble());
    if (settings.contains(QStringLiteral("freeze")))
        dialog->setFreeze(FineTuneDialog::Freeze(settings.value(QStringLiteral("freeze")).toInt()),
                          settings.value(QStringLiteral("freezeBlocks")).toInt());
    if (settings.contains(QStringLiteral("device")))
        dialog->setDevice(settings.value(QStringLiteral("device")).toString());
    settings.endGroup();

    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QSettings settings;
        settings.beginGroup(QStringLiteral("fineTune"));
        settings.setValue(QStringLiteral("baseModel"), dialog->baseModelDir());
        settings.setValue(QStringLiteral("datasetFolders"), dialog->datasetFolders());
        settings.setValue(QStringLiteral("task"), dialog->tasks().value(0));
        settings.setValue(QStringLiteral("epochs"), dialog->epochs());
        settings.setValue(QStringLiteral("batchSize"), dialog->batchSize());
        settings.setValue(QStringLiteral("learningRate"), dialog->learningRate());
        settings.setValue(QStringLiteral("freeze"), int(dialog->freeze()));
        settings.setValue(QStringLiteral("freezeBlocks"), dialog->freezeBlocks());
        settings.setValue(QStringLiteral("device"), dialog->device());
        settings.endGroup();
        if (dialog->useProjectAnnotations() && m_projectProvider && m_projectProvider()) {
            enqueueWithProjectData(dialog->outputName(), dialog->config());
            return;
        }
        const QString id = m_queue->enqueue(dialog->outputName(), dialog->config());
        m_panel->selectJob(id);
    });
    dialog->open();
}

void JobsDock::enqueueWithProjectData(const QString &name, QJsonObject config)
{
    const Project *project = m_projectProvider ? m_projectProvider() : nullptr;
    if (!project)
        return;
    QString out = config.value(QLatin1String("out")).toString();
    if (out.isEmpty())
        out = QDir(m_runsDir).filePath(name);
    const QString dataDir = QDir(out).filePath(QStringLiteral("project-data"));
    const QString placeholder = projectDataPlaceholder(m_runsDir);
    if (config.value(QLatin1String("data")).toString() == placeholder)
        config.insert(QStringLiteral("data"), dataDir);
    QJsonArray dirs = config.value(QLatin1String("data_dirs")).toArray();
    for (int i = 0; i < dirs.size(); ++i)
        if (dirs[i].toString() == placeholder)
            dirs[i] = dataDir;
    config.insert(QStringLiteral("data_dirs"), dirs);

    // A snapshot: the user may go on editing while the chips are cut.
    int samples = 0;
    QVector<Annotation> annotations = usableAnnotations(*project, &samples);
    auto *job = new ChipExportJob(std::move(annotations), project->document()->schema(), project->exportScenes(), dataDir, this);
    connect(job, &Job::succeeded, this, [this, name, config] {
        const QString id = m_queue->enqueue(name, config);
        m_panel->selectJob(id);
    });
    connect(job, &Job::failed, this, [this](const QString &message) {
        Q_EMIT messageRaised(tr("Fine-tuning"), tr("Could not export the project's annotations for training: %1").arg(message),
                             QtWarningMsg);
    });
    connect(job, &Job::finished, job, &QObject::deleteLater);
    Q_EMIT messageRaised(tr("Fine-tuning"),
                         tr("Exporting the project's annotations (%n training sample(s)) to %1; the job starts after that.", nullptr,
                            samples)
                             .arg(dataDir),
                         QtInfoMsg);
    job->start();
}

void JobsDock::exportCurves(const QString &format)
{
    const bool pdf = format == QLatin1String("pdf");
    const QString path = QFileDialog::getSaveFileName(this, pdf ? tr("Export curves as PDF") : tr("Export curves as PNG"),
                                                      QDir::home().filePath(pdf ? QStringLiteral("training-curves.pdf")
                                                                                : QStringLiteral("training-curves.png")),
                                                      pdf ? tr("PDF documents (*.pdf)") : tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    const bool ok = pdf ? m_panel->curvesView()->savePdf(path) : m_panel->curvesView()->savePng(path);
    if (!ok)
        Q_EMIT messageRaised(tr("Export curves"), tr("Could not write %1").arg(path), QtWarningMsg);
}

} // namespace satgpt
