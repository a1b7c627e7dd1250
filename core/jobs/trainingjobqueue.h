// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"
#include "core/jobs/trainingjobrecord.h"

#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QVector>

#include <memory>

class QProcess;

namespace satgpt {

namespace detail {
struct TrainingWorker;
struct TrainingStoreWriter;
} // namespace detail

/// Runs fine-tuning jobs as separate `satgpt train` worker processes (train-protocol.md), so
/// that a crash in training cannot take the workbench down, and keeps a TrainingJobRecord per
/// job: the live state while a worker runs, and the history (curves, logs, model folders)
/// after it ends.
///
/// Jobs run one at a time by default (setMaxConcurrent()). Everything is asynchronous: the
/// worker's stdout/stderr are read as they arrive, cancellation writes `cancel` to the worker's
/// stdin and escalates to terminate() and kill() on timers, and persistence to storePath() is
/// debounced and written on a pool thread with QSaveFile. The only blocking call is
/// shutdown(), meant for application exit (the destructor calls it).
///
/// Lives on and must be used from the GUI thread (it owns QProcess objects). Owned by its
/// QObject parent (app: the main window).
class TrainingJobQueue final : public QObject
{
    Q_OBJECT
public:
    explicit TrainingJobQueue(QObject *parent = nullptr);
    ~TrainingJobQueue() override;
    TrainingJobQueue(const TrainingJobQueue &) = delete;
    TrainingJobQueue &operator=(const TrainingJobQueue &) = delete;

    /// The `satgpt` executable next to the running binary (the CLI ships beside the workbench).
    static QString defaultProgram();
    /// The worker executable; tests point it at a script.
    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }
    /// Arguments placed before the verb (e.g. a script interpreter's options); usually empty.
    void setProgramPrefixArguments(const QStringList &args) { m_prefixArgs = args; }

    /// How many workers may run at once (at least 1; default 1: training saturates the machine).
    void setMaxConcurrent(int count);
    int maxConcurrent() const { return m_maxConcurrent; }

    /// After `cancel` is written, how long the worker may take to checkpoint and exit before it
    /// is terminated (SIGTERM), and how long after that before it is killed.
    void setCancelTimeouts(int graceMs, int killMs);

    /// Where the per-job config files (`<id>.json`) and default output folders go.
    void setWorkDirectory(const QString &dir) { m_workDir = dir; }
    QString workDirectory() const;

    /// The JSON file the records persist to (empty: no persistence). Changes are saved
    /// automatically (debounced); call load() once after setting it.
    void setStorePath(const QString &path) { m_storePath = path; }
    QString storePath() const { return m_storePath; }
    /// Replaces the records with those in storePath(). A missing file is not an error (no jobs
    /// yet); a corrupt one is, and leaves the current records untouched. Refused while a worker
    /// runs. Jobs that were running or queued when the store was written are marked failed /
    /// canceled, because their worker is gone; both can be resumed.
    Status load();
    /// Writes storePath() now, synchronously (tests, shutdown).
    Status save();

    /// All records as JSON (for embedding in a project file) and back. fromJson follows the
    /// same rules as load().
    QJsonObject toJson() const;
    Status restoreFromJson(const QJsonObject &json);

    int count() const { return m_records.size(); }
    const TrainingJobRecord &at(int row) const { return m_records.at(row); }
    const QVector<TrainingJobRecord> &records() const { return m_records; }
    int indexOf(const QString &id) const;
    int runningCount() const { return m_workers.size(); }

    /// The median throughput (samples/s) of past jobs on `device` (any device when empty), from
    /// their last reported step; 0 when nothing was measured yet. Feeds time estimates.
    double measuredSamplesPerSecond(const QString &device = QString()) const;

    /// Asynchronously asks the worker executable whether it has the `train` verb (`satgpt
    /// --help`, then `satgpt train --help`); answers with workerProbed(). Devices offered:
    /// "auto" and "cpu", plus "cuda" once a job reported running on it.
    void probeWorker();

    /// Adds a job (config per train-protocol.md; "out" is filled in when missing) and starts it
    /// when a slot is free. Returns the new job's id.
    QString enqueue(const QString &name, const QJsonObject &config);
    /// Cancels a queued job at once, or asks a running worker to stop (see setCancelTimeouts).
    /// Idempotent; an error for unknown or already finished jobs.
    Status cancel(const QString &id);
    /// Queues a failed or canceled job again: it continues from the newest checkpoint in its
    /// output folder (`satgpt train --config JOB --resume OUT`), or starts over when there is none.
    Status resume(const QString &id);
    /// Forgets a job that is not running (its output folder stays on disk).
    Status remove(const QString &id);

    /// Cancels every worker, waits up to `waitMs` for them to checkpoint and exit, kills the
    /// rest and saves. Blocks: for application exit only.
    void shutdown(int waitMs);

Q_SIGNALS:
    void recordAboutToBeInserted(int row);
    void recordInserted(int row);
    void recordAboutToBeRemoved(int row);
    void recordRemoved(int row);
    void aboutToReset();
    void resetDone();
    /// `changes` is a set of TrainingJobRecord::Change flags.
    void recordChanged(int row, int changes);
    /// Text appended to a job's log (already line-terminated).
    void logAppended(const QString &id, const QString &text);
    void jobStarted(const QString &id);
    /// The job reached Finished, Failed or Canceled.
    void jobFinished(const QString &id);
    void saveFailed(const QString &message);
    void workerProbed(bool trainAvailable, const QStringList &devices);

private:
    void scheduleStart();
    void startQueued();
    void startWorker(int row);
    void readStdout(const QString &id);
    void readStderr(const QString &id);
    void onWorkerFinished(const QString &id, int exitCode, bool crashed);
    void onWorkerError(const QString &id);
    void finalize(const QString &id, TrainingJobRecord::State state, const QString &message);
    void escalateCancel(const QString &id);
    void applyEvents(int row, const QVector<TrainingEvent> &events);
    void appendLog(int row, const QString &text);
    void notify(int row, int changes);
    void scheduleSave();
    void writeStoreAsync();
    Status replaceRecords(const QJsonObject &json, const QString &origin);

    QString m_program;
    QStringList m_prefixArgs;
    QString m_workDir;
    QString m_storePath;
    int m_maxConcurrent = 1;
    int m_cancelGraceMs = 60000;
    int m_cancelKillMs = 5000;
    bool m_startScheduled = false;
    bool m_saveScheduled = false;
    bool m_shuttingDown = false;
    QVector<TrainingJobRecord> m_records;
    QHash<QString, detail::TrainingWorker *> m_workers;
    std::shared_ptr<detail::TrainingStoreWriter> m_writer;
    QVector<QFuture<void>> m_pendingWrites;
};

} // namespace satgpt
