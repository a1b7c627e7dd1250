// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDockWidget>
#include <QJsonObject>

#include <functional>

namespace satgpt {

class JobPanel;
class Project;
class TrainingJobQueue;

/// The app's wiring of fine-tuning jobs: a dock holding the Jobs panel over a
/// TrainingJobQueue that persists to the user's data folder, and the app-side answers to the
/// panel's requests (the Fine-tune dialog, file names for plot export). Messages and the
/// "use as active model" request are passed on as signals for the main window to route.
///
/// Owns the queue (its child), so closing the window cancels running workers, waits briefly for
/// their checkpoints and saves the job list. GUI thread only.
class JobsDock final : public QDockWidget
{
    Q_OBJECT
public:
    explicit JobsDock(QWidget *parent = nullptr);
    ~JobsDock() override;

    TrainingJobQueue *queue() const { return m_queue; }
    JobPanel *panel() const { return m_panel; }

    /// Offered in the Fine-tune dialog as "this project's annotations" (app exports them to
    /// `datasetDir` before the job starts).
    void setProjectAnnotations(int sampleCount, const QString &datasetDir);
    /// The open project (or null), asked each time the Fine-tune dialog opens: its usable
    /// annotations are offered as training data, and a job that uses them first exports them as
    /// chips (chips.json, docs/datasets.md) into `<job output>/project-data` on a pool thread.
    void setProjectProvider(std::function<Project *()> provider);
    /// Preselected base model folder and default dataset folders for new jobs.
    void setDefaults(const QString &baseModelDir, const QStringList &datasetFolders);
    /// Where new jobs write their output folders (default: the user's data folder /runs).
    void setRunsDirectory(const QString &dir);

    /// Opens the Fine-tune dialog (window-modal, not blocking), preset with the choices of the
    /// last accepted one (QSettings group "fineTune"); accepting enqueues the job.
    void showFineTuneDialog();

Q_SIGNALS:
    void activeModelRequested(const QString &modelDir);
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);

private:
    void exportCurves(const QString &format);
    void enqueueWithProjectData(const QString &name, QJsonObject config);

    TrainingJobQueue *m_queue = nullptr;
    JobPanel *m_panel = nullptr;
    QStringList m_devices;
    int m_projectSamples = 0;
    QString m_projectDatasetDir;
    QString m_baseModelDir;
    QStringList m_datasetFolders;
    QString m_runsDir;
    std::function<Project *()> m_projectProvider;
};

} // namespace satgpt
