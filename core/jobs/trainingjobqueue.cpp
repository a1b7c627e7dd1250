// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/trainingjobqueue.h"

#include "core/jobs/trainingeventparser.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <mutex>

Q_LOGGING_CATEGORY(lcTrainingQueue, "satgpt.jobs.training")

namespace satgpt {

namespace detail {

struct TrainingWorker
{
    QProcess *process = nullptr;
    QTimer *cancelTimer = nullptr;
    TrainingEventParser parser;
    QByteArray stderrPending;
    QString configPath;
    bool cancelRequested = false;
    bool terminated = false;
    bool killed = false;
};

/// Serialises store writes made on pool threads; a write that a newer one has superseded
/// before it got the lock is skipped, so the file never goes back in time.
struct TrainingStoreWriter
{
    std::mutex mutex;
    std::atomic<quint64> latest{0};
};

} // namespace detail

namespace {

constexpr int kSaveDebounceMs = 1500;
constexpr int kShutdownWaitMs = 3000;
const char kStoreFormat[] = "satgpt-training-jobs";

Status writeJsonAtomically(const QString &path, const QByteArray &bytes)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return makeError("cannot create the folder for the training job store", path.toStdString());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError("cannot write the training job store", path.toStdString(), file.errorString().toStdString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return makeError("cannot write the training job store", path.toStdString(), file.errorString().toStdString());
    return {};
}

QString lastNonEmptyLine(const QString &text)
{
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString t = it->trimmed();
        if (!t.isEmpty() && !t.startsWith(QLatin1String("[workbench]")))
            return t;
    }
    return QString();
}

bool hasCheckpoint(const QString &outputDir)
{
    if (outputDir.isEmpty())
        return false;
    return !QDir(outputDir).entryList({QStringLiteral("checkpoint-*")}, QDir::Dirs | QDir::NoDotAndDotDot).isEmpty();
}

QString safeFileName(const QString &name)
{
    QString s;
    for (const QChar c : name)
        s.append(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ? c : QLatin1Char('_'));
    return s.isEmpty() ? QStringLiteral("job") : s.left(60);
}

} // namespace

TrainingJobQueue::TrainingJobQueue(QObject *parent)
    : QObject(parent), m_program(defaultProgram()), m_writer(std::make_shared<detail::TrainingStoreWriter>())
{
}

TrainingJobQueue::~TrainingJobQueue() { shutdown(kShutdownWaitMs); }

QString TrainingJobQueue::defaultProgram()
{
#ifdef Q_OS_WIN
    const QString exe = QStringLiteral("satgpt.exe");
#else
    const QString exe = QStringLiteral("satgpt");
#endif
    const QString dir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
    return QDir(dir).filePath(exe);
}

void TrainingJobQueue::setMaxConcurrent(int count)
{
    m_maxConcurrent = std::max(1, count);
    scheduleStart();
}

void TrainingJobQueue::setCancelTimeouts(int graceMs, int killMs)
{
    m_cancelGraceMs = std::max(0, graceMs);
    m_cancelKillMs = std::max(0, killMs);
}

QString TrainingJobQueue::workDirectory() const
{
    if (!m_workDir.isEmpty())
        return m_workDir;
    if (!m_storePath.isEmpty())
        return QFileInfo(m_storePath).absoluteDir().filePath(QStringLiteral("training-jobs"));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("training-jobs"));
}

int TrainingJobQueue::indexOf(const QString &id) const
{
    for (int i = 0; i < m_records.size(); ++i) {
        if (m_records.at(i).id == id)
            return i;
    }
    return -1;
}

double TrainingJobQueue::measuredSamplesPerSecond(const QString &device) const
{
    QVector<double> values;
    for (const TrainingJobRecord &r : m_records) {
        if (!device.isEmpty() && r.device != device)
            continue;
        const double sps = r.lastSamplesPerSecond();
        if (sps > 0)
            values.append(sps);
    }
    if (values.isEmpty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const int n = values.size();
    return n % 2 ? values.at(n / 2) : 0.5 * (values.at(n / 2 - 1) + values.at(n / 2));
}

// ---- queueing --------------------------------------------------------------------------------

QString TrainingJobQueue::enqueue(const QString &name, const QJsonObject &config)
{
    TrainingJobRecord r;
    r.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.name = name.isEmpty() ? config.value(QLatin1String("job")).toString() : name;
    if (r.name.isEmpty())
        r.name = tr("Fine-tuning job");
    r.config = config;
    r.config.insert(QStringLiteral("job"), r.name);
    QString out = config.value(QLatin1String("out")).toString();
    if (out.isEmpty()) {
        out = QDir(workDirectory()).filePath(QStringLiteral("runs/%1-%2").arg(safeFileName(r.name), r.id.left(8)));
        r.config.insert(QStringLiteral("out"), out);
    }
    r.outputDir = out;
    r.epochs = config.value(QLatin1String("epochs")).toInt();
    r.device = config.value(QLatin1String("device")).toString();
    r.createdAt = QDateTime::currentDateTimeUtc();
    r.message = tr("Waiting for a free slot");
    const int row = m_records.size();
    Q_EMIT recordAboutToBeInserted(row);
    m_records.append(r);
    Q_EMIT recordInserted(row);
    scheduleSave();
    scheduleStart();
    return r.id;
}

Status TrainingJobQueue::cancel(const QString &id)
{
    const int row = indexOf(id);
    if (row < 0)
        return makeError("no such training job", {}, id.toStdString());
    TrainingJobRecord &r = m_records[row];
    if (r.state == TrainingJobRecord::State::Queued) {
        r.message = tr("Canceled before it started");
        finalize(id, TrainingJobRecord::State::Canceled, r.message);
        return {};
    }
    detail::TrainingWorker *w = m_workers.value(id);
    if (r.state != TrainingJobRecord::State::Running || !w)
        return makeError("the training job is not running", {}, r.name.toStdString());
    if (w->cancelRequested)
        return {};
    w->cancelRequested = true;
    appendLog(row, QStringLiteral("[workbench] Cancel requested; waiting for the worker to save a checkpoint"));
    r.message = tr("Canceling...");
    notify(row, TrainingJobRecord::InfoChanged);
    // The line protocol is the portable way; signals follow only if the worker does not react.
    w->process->write("cancel\n");
    w->cancelTimer->start(m_cancelGraceMs);
    return {};
}

void TrainingJobQueue::escalateCancel(const QString &id)
{
    detail::TrainingWorker *w = m_workers.value(id);
    if (!w)
        return;
    const int row = indexOf(id);
    if (!w->terminated) {
        w->terminated = true;
        if (row >= 0)
            appendLog(row, QStringLiteral("[workbench] The worker did not stop in time; terminating it"));
        w->process->terminate();
        w->cancelTimer->start(m_cancelKillMs);
    } else if (!w->killed) {
        w->killed = true;
        if (row >= 0)
            appendLog(row, QStringLiteral("[workbench] The worker ignored termination; killing it"));
        w->process->kill();
    }
}

Status TrainingJobQueue::resume(const QString &id)
{
    const int row = indexOf(id);
    if (row < 0)
        return makeError("no such training job", {}, id.toStdString());
    TrainingJobRecord &r = m_records[row];
    if (!r.canResume())
        return makeError("only failed or canceled jobs can be resumed", {}, r.name.toStdString());
    r.state = TrainingJobRecord::State::Queued;
    r.message = tr("Waiting for a free slot");
    r.doneStatus.clear();
    r.modelDir.clear();
    r.etaSeconds = -1;
    r.finishedAt = QDateTime();
    notify(row, TrainingJobRecord::InfoChanged | TrainingJobRecord::ProgressChanged);
    scheduleSave();
    scheduleStart();
    return {};
}

Status TrainingJobQueue::remove(const QString &id)
{
    const int row = indexOf(id);
    if (row < 0)
        return makeError("no such training job", {}, id.toStdString());
    if (m_workers.contains(id))
        return makeError("cancel the training job before removing it", {}, m_records.at(row).name.toStdString());
    const QString configPath = QDir(workDirectory()).filePath(id + QStringLiteral(".json"));
    Q_EMIT recordAboutToBeRemoved(row);
    m_records.removeAt(row);
    Q_EMIT recordRemoved(row);
    QFile::remove(configPath);
    scheduleSave();
    return {};
}

void TrainingJobQueue::scheduleStart()
{
    if (m_startScheduled || m_shuttingDown)
        return;
    m_startScheduled = true;
    // Deferred so that enqueue()/finish handlers never re-enter a worker start.
    QTimer::singleShot(0, this, [this] {
        m_startScheduled = false;
        startQueued();
    });
}

void TrainingJobQueue::startQueued()
{
    for (int row = 0; row < m_records.size() && m_workers.size() < m_maxConcurrent; ++row) {
        if (m_records.at(row).state == TrainingJobRecord::State::Queued)
            startWorker(row);
    }
}

void TrainingJobQueue::startWorker(int row)
{
    TrainingJobRecord &r = m_records[row];
    const QString id = r.id;
    const bool resuming = hasCheckpoint(r.outputDir);
    const QString configPath = QDir(workDirectory()).filePath(id + QStringLiteral(".json"));
    const Status written = writeJsonAtomically(configPath, QJsonDocument(r.config).toJson(QJsonDocument::Indented));
    if (!written.ok()) {
        const QString why = QString::fromStdString(written.error().toString());
        appendLog(row, QStringLiteral("[workbench] ") + why);
        finalize(id, TrainingJobRecord::State::Failed, tr("Could not write the job configuration: %1").arg(why));
        return;
    }

    auto *w = new detail::TrainingWorker;
    w->configPath = configPath;
    w->process = new QProcess(this);
    w->cancelTimer = new QTimer(this);
    w->cancelTimer->setSingleShot(true);
    m_workers.insert(id, w);

    QStringList args = m_prefixArgs;
    // The worker needs the job file even to resume (model, data and options come from it).
    args << QStringLiteral("train") << QStringLiteral("--config") << configPath;
    if (resuming)
        args << QStringLiteral("--resume") << r.outputDir;
    args << QStringLiteral("--events");

    connect(w->process, &QProcess::readyReadStandardOutput, this, [this, id] { readStdout(id); });
    connect(w->process, &QProcess::readyReadStandardError, this, [this, id] { readStderr(id); });
    connect(w->process, &QProcess::finished, this, [this, id](int exitCode, QProcess::ExitStatus status) {
        onWorkerFinished(id, exitCode, status == QProcess::CrashExit);
    });
    connect(w->process, &QProcess::errorOccurred, this, [this, id](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onWorkerError(id);
    });
    connect(w->cancelTimer, &QTimer::timeout, this, [this, id] { escalateCancel(id); });

    r.state = TrainingJobRecord::State::Running;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.finishedAt = QDateTime();
    r.doneStatus.clear();
    r.exitCode = 0;
    ++r.runCount;
    r.message = resuming ? tr("Resuming from the last checkpoint") : tr("Starting");
    QString commandLine = m_program;
    for (const QString &a : args)
        commandLine += QLatin1Char(' ') + a;
    appendLog(row, QStringLiteral("[workbench] Run %1: %2").arg(r.runCount).arg(commandLine));
    notify(row, TrainingJobRecord::InfoChanged | TrainingJobRecord::ProgressChanged);
    qCDebug(lcTrainingQueue) << "starting" << commandLine;

    Q_EMIT jobStarted(id);
    scheduleSave();
    w->process->setWorkingDirectory(workDirectory());
    // May report FailedToStart at once, which finalizes the job (and deletes w).
    w->process->start(m_program, args);
}

// ---- worker output ---------------------------------------------------------------------------

void TrainingJobQueue::readStdout(const QString &id)
{
    detail::TrainingWorker *w = m_workers.value(id);
    const int row = indexOf(id);
    if (!w || row < 0)
        return;
    applyEvents(row, w->parser.feed(w->process->readAllStandardOutput()));
}

void TrainingJobQueue::readStderr(const QString &id)
{
    detail::TrainingWorker *w = m_workers.value(id);
    const int row = indexOf(id);
    if (!w || row < 0)
        return;
    w->stderrPending.append(w->process->readAllStandardError());
    // Whole lines only, so a line split across two reads stays one log line.
    const qsizetype end = w->stderrPending.lastIndexOf('\n');
    if (end < 0)
        return;
    QByteArray complete = w->stderrPending.left(end);
    w->stderrPending.remove(0, end + 1);
    complete.replace("\r\n", "\n");
    appendLog(row, QString::fromUtf8(complete));
}

void TrainingJobQueue::applyEvents(int row, const QVector<TrainingEvent> &events)
{
    if (events.isEmpty())
        return;
    TrainingJobRecord &r = m_records[row];
    const qint64 before = r.logCharsAppended;
    int changes = 0;
    for (const TrainingEvent &e : events)
        changes |= r.applyEvent(e);
    if (r.state == TrainingJobRecord::State::Running && (changes & TrainingJobRecord::ProgressChanged)
        && r.doneStatus.isEmpty())
        r.message = tr("Training");
    const qint64 added = r.logCharsAppended - before;
    if (added > 0)
        Q_EMIT logAppended(r.id, r.log.right(int(std::min<qint64>(added, r.log.size()))));
    notify(row, changes);
    scheduleSave();
}

void TrainingJobQueue::appendLog(int row, const QString &text)
{
    TrainingJobRecord &r = m_records[row];
    const qint64 before = r.logCharsAppended;
    r.appendLog(text);
    const qint64 added = r.logCharsAppended - before;
    if (added > 0) {
        Q_EMIT logAppended(r.id, r.log.right(int(std::min<qint64>(added, r.log.size()))));
        notify(row, TrainingJobRecord::LogChanged);
    }
}

void TrainingJobQueue::notify(int row, int changes)
{
    if (changes != TrainingJobRecord::NoChange)
        Q_EMIT recordChanged(row, changes);
}

void TrainingJobQueue::onWorkerError(const QString &id)
{
    detail::TrainingWorker *w = m_workers.value(id);
    const int row = indexOf(id);
    if (!w || row < 0)
        return;
    const QString why = tr("Could not start the training worker %1: %2").arg(m_program, w->process->errorString());
    appendLog(row, QStringLiteral("[workbench] ") + why);
    finalize(id, TrainingJobRecord::State::Failed, why);
}

void TrainingJobQueue::onWorkerFinished(const QString &id, int exitCode, bool crashed)
{
    detail::TrainingWorker *w = m_workers.value(id);
    const int row = indexOf(id);
    if (!w || row < 0)
        return;
    // Drain what the pipes still hold, then the unterminated tails.
    readStdout(id);
    applyEvents(row, w->parser.finish());
    w->stderrPending.append(w->process->readAllStandardError());
    if (!w->stderrPending.isEmpty()) {
        appendLog(row, QString::fromUtf8(w->stderrPending));
        w->stderrPending.clear();
    }

    TrainingJobRecord &r = m_records[row];
    r.exitCode = crashed ? -1 : exitCode;
    const QString done = r.doneStatus;
    const QString detailLine = lastNonEmptyLine(r.log);
    using S = TrainingJobRecord::State;
    S state = S::Failed;
    QString message;
    if (w->cancelRequested && done != QLatin1String("succeeded") && done != QLatin1String("failed")) {
        state = S::Canceled;
        if (w->terminated || crashed || done.isEmpty())
            message = tr("Canceled; the worker had to be stopped, so the last checkpoint may be older");
        else
            message = tr("Canceled at step %1; resume continues from its checkpoint").arg(r.steps.isEmpty() ? 0 : r.steps.last().step);
    } else if (crashed) {
        message = tr("The training worker crashed or was killed (%1)").arg(w->process->errorString());
    } else if (exitCode != 0) {
        message = tr("The training worker exited with code %1").arg(exitCode);
        if (!detailLine.isEmpty())
            message += QStringLiteral(": ") + detailLine;
    } else if (done.isEmpty()) {
        message = tr("The training worker exited without reporting a result");
    } else if (done == QLatin1String("succeeded")) {
        state = S::Finished;
        message = r.modelDir.isEmpty() ? tr("Finished") : tr("Finished; model in %1").arg(r.modelDir);
    } else if (done == QLatin1String("canceled")) {
        state = S::Canceled;
        message = r.message.isEmpty() ? tr("Canceled by the worker") : r.message;
    } else {
        message = r.message.isEmpty() ? tr("Training failed (status \"%1\")").arg(done) : r.message;
    }
    appendLog(row, QStringLiteral("[workbench] Worker exited (%1); job %2")
                       .arg(crashed ? QStringLiteral("crashed") : QStringLiteral("code %1").arg(exitCode),
                            TrainingJobRecord::stateKey(state)));
    finalize(id, state, message);
}

void TrainingJobQueue::finalize(const QString &id, TrainingJobRecord::State state, const QString &message)
{
    const int row = indexOf(id);
    if (row < 0)
        return;
    if (detail::TrainingWorker *w = m_workers.take(id)) {
        w->cancelTimer->stop();
        w->cancelTimer->deleteLater();
        w->process->disconnect(this);
        // deleteLater: we may be inside one of the process's own signals.
        w->process->deleteLater();
        delete w;
    }
    TrainingJobRecord &r = m_records[row];
    r.state = state;
    r.message = message;
    r.etaSeconds = -1;
    r.finishedAt = QDateTime::currentDateTimeUtc();
    if (state != TrainingJobRecord::State::Finished)
        r.modelDir.clear();
    notify(row, TrainingJobRecord::InfoChanged | TrainingJobRecord::ProgressChanged);
    Q_EMIT jobFinished(id);
    scheduleSave();
    scheduleStart();
}

// ---- probing ---------------------------------------------------------------------------------

void TrainingJobQueue::probeWorker()
{
    auto *help = new QProcess(this);
    help->setProcessChannelMode(QProcess::MergedChannels);
    connect(help, &QProcess::errorOccurred, this, [this, help](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            help->deleteLater();
            Q_EMIT workerProbed(false, {QStringLiteral("cpu")});
        }
    });
    connect(help, &QProcess::finished, this, [this, help](int, QProcess::ExitStatus) {
        const QString verbs = QString::fromUtf8(help->readAll());
        help->deleteLater();
        const bool hasTrain = verbs.contains(QRegularExpression(QStringLiteral("^\\s+train\\s"), QRegularExpression::MultilineOption));
        if (!hasTrain) {
            Q_EMIT workerProbed(false, {QStringLiteral("cpu")});
            return;
        }
        auto *trainHelp = new QProcess(this);
        trainHelp->setProcessChannelMode(QProcess::MergedChannels);
        connect(trainHelp, &QProcess::errorOccurred, this, [this, trainHelp](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) {
                trainHelp->deleteLater();
                Q_EMIT workerProbed(true, {QStringLiteral("cpu")});
            }
        });
        connect(trainHelp, &QProcess::finished, this, [this, trainHelp](int exitCode, QProcess::ExitStatus) {
            trainHelp->deleteLater();
            // `train --help` names the devices it accepts, not the ones this machine has; "auto"
            // lets the worker pick CUDA when libtorch sees a GPU, and a job that reported "cuda"
            // in its start event proves one is there.
            QStringList devices{QStringLiteral("auto"), QStringLiteral("cpu")};
            bool cudaSeen = false;
            for (const TrainingJobRecord &r : qAsConst(m_records))
                cudaSeen = cudaSeen || r.device == QLatin1String("cuda");
            if (cudaSeen)
                devices << QStringLiteral("cuda");
            Q_EMIT workerProbed(exitCode == 0, devices);
        });
        trainHelp->start(m_program, m_prefixArgs + QStringList{QStringLiteral("train"), QStringLiteral("--help")});
    });
    help->start(m_program, m_prefixArgs + QStringList{QStringLiteral("--help")});
}

// ---- persistence -----------------------------------------------------------------------------

QJsonObject TrainingJobQueue::toJson() const
{
    QJsonArray jobs;
    for (const TrainingJobRecord &r : m_records)
        jobs.append(r.toJson());
    return QJsonObject{{QStringLiteral("format"), QLatin1String(kStoreFormat)},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("jobs"), jobs}};
}

Status TrainingJobQueue::replaceRecords(const QJsonObject &json, const QString &origin)
{
    if (!m_workers.isEmpty())
        return makeError("cannot replace training jobs while a worker runs", origin.toStdString());
    if (json.value(QLatin1String("format")).toString() != QLatin1String(kStoreFormat))
        return makeError("not a training job store", origin.toStdString());
    if (json.value(QLatin1String("version")).toInt() > 1)
        return makeError("the training job store was written by a newer version", origin.toStdString());
    QVector<TrainingJobRecord> records;
    for (const QJsonValue &v : json.value(QLatin1String("jobs")).toArray()) {
        auto r = TrainingJobRecord::fromJson(v.toObject());
        if (!r.ok())
            return makeError(r.error().message, origin.toStdString(), r.error().detail);
        TrainingJobRecord record = std::move(r).value();
        // Their workers belonged to an earlier session and are gone.
        if (record.state == TrainingJobRecord::State::Running) {
            record.state = TrainingJobRecord::State::Failed;
            record.message = tr("Interrupted: the workbench closed while this job ran; resume continues from its last checkpoint");
            record.etaSeconds = -1;
        } else if (record.state == TrainingJobRecord::State::Queued) {
            record.state = TrainingJobRecord::State::Canceled;
            record.message = tr("Not started before the workbench closed; resume starts it");
        }
        records.append(std::move(record));
    }
    Q_EMIT aboutToReset();
    m_records = std::move(records);
    Q_EMIT resetDone();
    return {};
}

Status TrainingJobQueue::restoreFromJson(const QJsonObject &json)
{
    const Status s = replaceRecords(json, tr("project"));
    if (s.ok())
        scheduleSave();
    return s;
}

Status TrainingJobQueue::load()
{
    if (m_storePath.isEmpty())
        return makeError("no training job store is set");
    QFile file(m_storePath);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        return makeError("cannot read the training job store", m_storePath.toStdString(), file.errorString().toStdString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError("the training job store is not valid JSON", m_storePath.toStdString(), error.errorString().toStdString());
    return replaceRecords(doc.object(), m_storePath);
}

Status TrainingJobQueue::save()
{
    if (m_storePath.isEmpty())
        return {};
    for (QFuture<void> &f : m_pendingWrites)
        f.waitForFinished();
    m_pendingWrites.clear();
    const quint64 generation = ++m_writer->latest;
    std::lock_guard<std::mutex> lock(m_writer->mutex);
    Q_UNUSED(generation)
    return writeJsonAtomically(m_storePath, QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

void TrainingJobQueue::scheduleSave()
{
    if (m_storePath.isEmpty() || m_saveScheduled || m_shuttingDown)
        return;
    m_saveScheduled = true;
    QTimer::singleShot(kSaveDebounceMs, this, [this] {
        m_saveScheduled = false;
        writeStoreAsync();
    });
}

void TrainingJobQueue::writeStoreAsync()
{
    // Serialising is quick; the disk write (and its fsync) is what must stay off the GUI thread.
    QByteArray bytes = QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
    const quint64 generation = ++m_writer->latest;
    QPointer<TrainingJobQueue> self(this);
    m_pendingWrites.erase(std::remove_if(m_pendingWrites.begin(), m_pendingWrites.end(),
                                         [](const QFuture<void> &f) { return f.isFinished(); }),
                          m_pendingWrites.end());
    m_pendingWrites.append(QtConcurrent::run([writer = m_writer, path = m_storePath, bytes = std::move(bytes), generation, self] {
        std::lock_guard<std::mutex> lock(writer->mutex);
        if (writer->latest.load() != generation)
            return;
        const Status s = writeJsonAtomically(path, bytes);
        if (!s.ok()) {
            const QString message = QString::fromStdString(s.error().toString());
            qCWarning(lcTrainingQueue) << message;
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, message] {
                    if (self)
                        Q_EMIT self->saveFailed(message);
                },
                Qt::QueuedConnection);
        }
    }));
}

void TrainingJobQueue::shutdown(int waitMs)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    // Cancel queued jobs so that nothing starts while we wait.
    for (const TrainingJobRecord &r : m_records) {
        if (r.state == TrainingJobRecord::State::Queued) {
            const QString id = r.id;
            finalize(id, TrainingJobRecord::State::Canceled, tr("Not started before the workbench closed; resume starts it"));
        }
    }
    const QStringList ids = m_workers.keys();
    for (const QString &id : ids)
        static_cast<void>(cancel(id));
    QElapsedTimer clock;
    clock.start();
    for (const QString &id : ids) {
        detail::TrainingWorker *w = m_workers.value(id);
        if (!w)
            continue;
        QProcess *p = w->process;
        if (!p->waitForFinished(std::max<qint64>(1, waitMs - clock.elapsed()))) {
            if ((w = m_workers.value(id))) {
                w->terminated = true;
                w->killed = true;
                p->kill();
                p->waitForFinished(2000);
            }
        }
        // A worker that would not even die cannot be awaited; record it as lost.
        if (m_workers.contains(id))
            finalize(id, TrainingJobRecord::State::Failed, tr("The training worker did not exit when the workbench closed"));
    }
    const Status s = save();
    if (!s.ok())
        qCWarning(lcTrainingQueue) << QString::fromStdString(s.error().toString());
}

} // namespace satgpt
