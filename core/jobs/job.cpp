// SPDX-License-Identifier: GPL-3.0-or-later
#include "job.h"

#include <QDateTime>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace satgpt {

void Feedback::setProgress(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    double current = m_progress.load();
    while (fraction > current && !m_progress.compare_exchange_weak(current, fraction)) {
    }
}

Job::Job(QString title, QObject *parent)
    : QObject(parent)
    , m_title(std::move(title))
{
}

Job::~Job()
{
    cancel();
    waitForFinished();
}

QString Job::statusText() const
{
    std::lock_guard lock(m_textMutex);
    return m_statusText;
}

void Job::start()
{
    if (m_state != State::Queued)
        return;
    setState(State::Running);
    m_future = QtConcurrent::run([this] {
        Status status;
        try {
            status = run();
        } catch (const std::exception &e) {
            status = makeError("Unexpected error in background job", {}, e.what());
        } catch (...) {
            status = makeError("Unexpected error in background job");
        }
        QMetaObject::invokeMethod(this, [this, status] { finish(status); }, Qt::QueuedConnection);
    });
}

void Job::cancel() { m_feedback->cancel(); }

void Job::waitForFinished()
{
    if (m_future.isValid())
        m_future.waitForFinished();
}

void Job::setProgress(double fraction)
{
    m_feedback->setProgress(fraction);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = m_lastProgressEmitMs.load();
    if (fraction < 1.0 && now - last < 50)
        return;
    if (!m_lastProgressEmitMs.compare_exchange_strong(last, now))
        return;
    const double value = m_feedback->progress();
    QMetaObject::invokeMethod(this, [this, value] { Q_EMIT progressChanged(value); }, Qt::QueuedConnection);
}

void Job::setStatusText(const QString &text)
{
    {
        std::lock_guard lock(m_textMutex);
        m_statusText = text;
    }
    QMetaObject::invokeMethod(this, [this, text] { Q_EMIT statusTextChanged(text); }, Qt::QueuedConnection);
}

void Job::finish(Status status)
{
    if (!status.ok()) {
        m_errorText = QString::fromStdString(status.error().toString());
        setState(State::Failed);
        Q_EMIT failed(m_errorText);
    } else if (isCanceled()) {
        setState(State::Canceled);
        Q_EMIT canceled();
    } else {
        m_feedback->setProgress(1.0);
        Q_EMIT progressChanged(1.0);
        setState(State::Succeeded);
        Q_EMIT succeeded();
    }
    Q_EMIT finished();
}

void Job::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace satgpt
