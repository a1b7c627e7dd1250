// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"

#include <QAbstractListModel>

#include <memory>
#include <vector>

namespace satgpt {

/// Owns the application's background jobs and lists them for the Jobs panel (the panel is a view
/// over this model, as QgsTaskManagerWidget is over its task model). One row per job, in the
/// order added; rows update as jobs report progress, status text and state.
///
/// Lives on the GUI thread, like the jobs it owns. Destroying it cancels every job and waits
/// for all of them, so nothing a job uses can vanish under it.
class JobManager final : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        TitleRole = Qt::UserRole + 1, ///< QString (also Qt::DisplayRole)
        StateRole,                    ///< int (Job::State)
        ProgressRole,                 ///< double in [0, 1]
        StatusTextRole,               ///< QString (also Qt::ToolTipRole)
        ErrorTextRole,                ///< QString, empty unless failed
        FinishedRole,                 ///< bool
    };
    Q_ENUM(Role)

    explicit JobManager(QObject *parent = nullptr);
    ~JobManager() override;

    /// Takes ownership of `job` and starts it unless `start` is false. Returns the job.
    Job *addJob(std::unique_ptr<Job> job, bool start = true);
    int count() const { return int(m_jobs.size()); }
    Job *job(int row) const;
    int rowOf(const Job *job) const;
    /// Jobs queued or running.
    int activeCount() const;

    void cancelAll();
    /// Blocks until every started job has returned (shutdown and tests only).
    void waitForAll();
    /// Drops finished jobs from the list (and deletes them).
    void removeFinished();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    /// A job ended (succeeded, failed or canceled); emitted on the GUI thread.
    void jobFinished(satgpt::Job *job);
    void activeCountChanged(int count);

private:
    void jobChanged(Job *job, const QList<int> &roles);

    std::vector<std::unique_ptr<Job>> m_jobs;
};

} // namespace satgpt
