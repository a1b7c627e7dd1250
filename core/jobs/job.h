// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QFuture>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>

namespace satgpt {

/// A cooperative cancel flag plus progress sink that slow I/O code receives (QgsFeedback's
/// idea). Thread-safe; shared between a Job and the code it runs, so it outlives either.
class Feedback
{
public:
    void cancel() { m_canceled.store(true); }
    bool isCanceled() const { return m_canceled.load(); }
    /// Fraction in [0,1]; values that would go backwards are ignored.
    void setProgress(double fraction);
    double progress() const { return m_progress.load(); }

private:
    std::atomic<bool> m_canceled{false};
    std::atomic<double> m_progress{0.0};
};

/// Long work that must not run on the GUI thread: subclasses implement run(), which executes
/// on a pool thread and checks isCanceled() between tiles, batches or epochs.
///
/// Created and destroyed on the GUI thread; its signals are delivered there (queued) and report
/// progress throttled to ~20 Hz. Cancellation is idempotent; the destructor cancels and waits, so
/// nothing run() uses can be destroyed under it.
class Job : public QObject
{
    Q_OBJECT
public:
    enum class State { Queued, Running, Succeeded, Failed, Canceled };
    Q_ENUM(State)

    explicit Job(QString title, QObject *parent = nullptr);
    ~Job() override;

    QString title() const { return m_title; }
    State state() const { return m_state; }
    double progress() const { return m_feedback->progress(); }
    QString statusText() const;
    /// The error of a failed job (empty otherwise).
    QString errorText() const { return m_errorText; }
    bool isFinished() const { return m_state == State::Succeeded || m_state == State::Failed || m_state == State::Canceled; }

    /// Starts run() on the global thread pool. Calling it twice does nothing.
    void start();
    /// Asks run() to stop at its next check. Safe from any thread, any number of times.
    void cancel();
    bool isCanceled() const { return m_feedback->isCanceled(); }
    /// Blocks until run() has returned (tests and shutdown only; never on the GUI thread in use).
    void waitForFinished();

    std::shared_ptr<Feedback> feedback() const { return m_feedback; }

Q_SIGNALS:
    void stateChanged(satgpt::Job::State state);
    void progressChanged(double fraction);
    void statusTextChanged(const QString &text);
    void succeeded();
    void failed(const QString &message);
    void canceled();
    /// After succeeded, failed or canceled.
    void finished();

protected:
    /// The work, on a worker thread. Return an Error to fail; return normally after noticing
    /// isCanceled() and the job ends as Canceled. Exceptions are caught and become failures.
    virtual Status run() = 0;

    /// Thread-safe; throttled before it reaches the GUI thread.
    void setProgress(double fraction);
    void setStatusText(const QString &text);

private:
    void finish(Status status);
    void setState(State state);

    QString m_title;
    State m_state = State::Queued;
    QString m_errorText;
    std::shared_ptr<Feedback> m_feedback = std::make_shared<Feedback>();
    QFuture<void> m_future;
    mutable std::mutex m_textMutex;
    QString m_statusText;
    std::atomic<qint64> m_lastProgressEmitMs{0};
};

} // namespace satgpt
