// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/trainingdatasummary.h"

#include <QDialog>
#include <QHash>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace satgpt {

/// "Fine-tune..." dialog: collects what a training job needs (data source, base model, task,
/// epochs, batch size, learning rate, freezing, device, output name) with defaults suited
/// to a small annotated set on a CPU, estimates the time per epoch, and produces the job
/// configuration of train-protocol.md (config()), ready for TrainingJobQueue::enqueue().
///
/// Dataset folders are scanned for their sample counts on a pool thread. The estimate uses the
/// throughput measured in earlier jobs (setMeasuredSamplesPerSecond, e.g. from
/// TrainingJobQueue::measuredSamplesPerSecond) and otherwise a rough constant, labelled as such.
/// It never shows message boxes: problems are listed in the dialog and block the Start button.
/// `satgpt train` takes one data folder and one task per job, so more than one of either is
/// reported as a problem (config() still lists them all in "data_dirs" and "tasks").
/// GUI thread only.
class FineTuneDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Freeze { None, Encoder, FirstBlocks };

    explicit FineTuneDialog(QWidget *parent = nullptr);
    ~FineTuneDialog() override;

    /// Offers "this project's annotations" as a source: `sampleCount` annotated samples that
    /// app exports to `datasetDir` before the job starts. A count of 0 disables the option.
    void setProjectAnnotations(int sampleCount, const QString &datasetDir);
    void setDatasetFolders(const QStringList &folders);
    QStringList datasetFolders() const;
    void setBaseModelDir(const QString &dir);
    QString baseModelDir() const;
    /// Devices the worker offers ("cpu", "cuda"); see TrainingJobQueue::workerProbed.
    void setDevices(const QStringList &devices);
    void setDevice(const QString &device);
    QString device() const;
    void setMeasuredSamplesPerSecond(const QString &device, double samplesPerSecond);
    /// Where output folders are created: RUNS/<output name>.
    void setRunsDirectory(const QString &dir);

    void setTasks(bool caption, bool vqa, bool classify);
    QStringList tasks() const;
    void setEpochs(int epochs);
    int epochs() const;
    void setBatchSize(int batchSize);
    int batchSize() const;
    void setLearningRate(double lr);
    double learningRate() const;
    void setFreeze(Freeze mode, int blocks = 0);
    Freeze freeze() const;
    int freezeBlocks() const;
    void setOutputName(const QString &name);
    QString outputName() const;
    void setUseProjectAnnotations(bool use);
    bool useProjectAnnotations() const;

    /// Samples per epoch over the chosen sources and tasks (0 while folders are being scanned).
    int sampleCount() const;
    /// Seconds per epoch; negative when there are no samples. isEstimateMeasured() says whether
    /// it rests on a measured throughput or on the rough constant.
    double estimatedSecondsPerEpoch() const;
    bool isEstimateMeasured() const;
    /// Why the job cannot start yet (empty when it can).
    QString problem() const;
    /// The job configuration (train-protocol.md) for the current choices.
    QJsonObject config() const;

Q_SIGNALS:
    /// A dataset folder finished scanning (for tests and busy indicators).
    void datasetScanned(const QString &folder);

private:
    void addFolder(const QString &folder);
    void scanFolder(const QString &folder);
    void refresh();

    QCheckBox *m_useProject = nullptr;
    QListWidget *m_folders = nullptr;
    QLineEdit *m_model = nullptr;
    QCheckBox *m_caption = nullptr;
    QCheckBox *m_vqa = nullptr;
    QCheckBox *m_classify = nullptr;
    QSpinBox *m_epochs = nullptr;
    QSpinBox *m_batch = nullptr;
    QLineEdit *m_lr = nullptr;
    QComboBox *m_freeze = nullptr;
    QSpinBox *m_freezeBlocks = nullptr;
    QComboBox *m_device = nullptr;
    QLineEdit *m_name = nullptr;
    QLabel *m_estimate = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    int m_projectSamples = 0;
    QString m_projectDatasetDir;
    QString m_runsDir;
    QHash<QString, double> m_measured;
    QHash<QString, TrainingDataSummary> m_summaries;
    QHash<QString, QString> m_scanErrors;
};

} // namespace satgpt
