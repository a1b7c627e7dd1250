// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/workbench/jobsdock.h"

#include "core/jobs/trainingjobqueue.h"
#include "widgets/jobs/finetunedialog.h"
#include "widgets/jobs/jobpanel.h"
#include "widgets/jobs/trainingcurvesview.h"

#include <QDir>
#include <QFileDialog>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

namespace satgpt {

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

void JobsDock::showFineTuneDialog()
{
    auto *dialog = new FineTuneDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDevices(m_devices);
    for (const QString &device : qAsConst(m_devices))
        dialog->setMeasuredSamplesPerSecond(device, m_queue->measuredSamplesPerSecond(device));
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
        const QString id = m_queue->enqueue(dialog->outputName(), dialog->config());
        m_panel->selectJob(id);
    });
    dialog->open();
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
