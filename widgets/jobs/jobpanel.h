// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/trainingjobqueue.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace satgpt {

class TrainingCurvesView;
class TrainingJobModel;

/// The Jobs panel: the fine-tuning jobs of a TrainingJobQueue (state, progress bar with ETA),
/// buttons to cancel, resume, remove a job or use its model, and for the selected job its live
/// loss/metric curves and log.
///
/// Never opens dialogs: outcomes and errors go out as messageRaised(), and the app answers
/// newJobRequested() (show FineTuneDialog) and exportRequested() (ask for a file name, then
/// call curvesView()->savePng()/savePdf()). Does not own the queue; GUI thread only.
class JobPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit JobPanel(QWidget *parent = nullptr);
    ~JobPanel() override;

    void setQueue(TrainingJobQueue *queue);
    TrainingJobQueue *queue() const { return m_queue; }

    /// Selects a job by id (shows its curves and log); false when unknown.
    bool selectJob(const QString &id);
    QString selectedJobId() const;

    TrainingCurvesView *curvesView() const { return m_curves; }
    QTableView *jobView() const { return m_view; }
    QPlainTextEdit *logView() const { return m_log; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *resumeButton() const { return m_resume; }
    QPushButton *useModelButton() const { return m_useModel; }
    QPushButton *removeButton() const { return m_remove; }

Q_SIGNALS:
    /// The user wants the selected job's model folder to become the active model.
    void activeModelRequested(const QString &modelDir);
    /// The user asked for a new fine-tuning job (app shows FineTuneDialog).
    void newJobRequested();
    /// The user asked to export the shown curves; `format` is "png" or "pdf".
    void exportRequested(const QString &format);
    /// Something to tell the user (QtInfoMsg, QtWarningMsg or QtCriticalMsg).
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);

private:
    void onCurrentChanged();
    void onRecordChanged(int row, int changes);
    void onLogAppended(const QString &id, const QString &text);
    void onJobFinished(const QString &id);
    void updateButtons();
    void showRecord(int row);
    int selectedRow() const;

    QPointer<TrainingJobQueue> m_queue;
    TrainingJobModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    TrainingCurvesView *m_curves = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_newJob = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_useModel = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_exportPng = nullptr;
    QPushButton *m_exportPdf = nullptr;
    QString m_shownId;
    QList<QMetaObject::Connection> m_queueConnections;
};

} // namespace satgpt
