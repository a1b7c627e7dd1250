// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/jobmanager.h"

namespace satgpt {

JobManager::JobManager(QObject *parent) : QAbstractListModel(parent) {}

JobManager::~JobManager()
{
    cancelAll();
    waitForAll();
    // Each Job's destructor would also wait; by now they have all returned.
    for (auto &job : m_jobs)
        job->disconnect(this);
    m_jobs.clear();
}

Job *JobManager::addJob(std::unique_ptr<Job> job, bool start)
{
    if (!job)
        return nullptr;
    Job *raw = job.get();
    const int row = count();
    beginInsertRows({}, row, row);
    m_jobs.push_back(std::move(job));
    endInsertRows();

    connect(raw, &Job::stateChanged, this, [this, raw] {
        jobChanged(raw, {StateRole, FinishedRole, ErrorTextRole});
        Q_EMIT activeCountChanged(activeCount());
    });
    connect(raw, &Job::progressChanged, this, [this, raw] { jobChanged(raw, {ProgressRole}); });
    connect(raw, &Job::statusTextChanged, this, [this, raw] { jobChanged(raw, {StatusTextRole, Qt::ToolTipRole}); });
    connect(raw, &Job::finished, this, [this, raw] { Q_EMIT jobFinished(raw); });
    if (start)
        raw->start();
    Q_EMIT activeCountChanged(activeCount());
    return raw;
}

Job *JobManager::job(int row) const
{
    return row >= 0 && row < count() ? m_jobs[size_t(row)].get() : nullptr;
}

int JobManager::rowOf(const Job *job) const
{
    for (size_t i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].get() == job)
            return int(i);
    return -1;
}

int JobManager::activeCount() const
{
    return int(std::count_if(m_jobs.begin(), m_jobs.end(), [](const auto &j) { return !j->isFinished(); }));
}

void JobManager::cancelAll()
{
    for (auto &job : m_jobs)
        job->cancel();
}

void JobManager::waitForAll()
{
    for (auto &job : m_jobs)
        job->waitForFinished();
}

void JobManager::removeFinished()
{
    for (int row = count() - 1; row >= 0; --row) {
        if (!m_jobs[size_t(row)]->isFinished())
            continue;
        beginRemoveRows({}, row, row);
        std::unique_ptr<Job> gone = std::move(m_jobs[size_t(row)]);
        m_jobs.erase(m_jobs.begin() + row);
        endRemoveRows();
        gone->disconnect(this);
        // A finished job may still have queued signals in flight; deleteLater lets them drain.
        gone.release()->deleteLater();
    }
}

int JobManager::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : count(); }

QVariant JobManager::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Job *j = job(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return j->title();
    case StateRole: return int(j->state());
    case ProgressRole: return j->progress();
    case Qt::ToolTipRole:
    case StatusTextRole: return j->statusText();
    case ErrorTextRole: return j->errorText();
    case FinishedRole: return j->isFinished();
    default: return {};
    }
}

QHash<int, QByteArray> JobManager::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(TitleRole, "title");
    names.insert(StateRole, "state");
    names.insert(ProgressRole, "progress");
    names.insert(StatusTextRole, "statusText");
    names.insert(ErrorTextRole, "errorText");
    names.insert(FinishedRole, "finished");
    return names;
}

void JobManager::jobChanged(Job *job, const QList<int> &roles)
{
    const int row = rowOf(job);
    if (row < 0)
        return;
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx, roles);
}

} // namespace satgpt
