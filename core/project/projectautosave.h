// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace satgpt {

class Project;

/// Periodically writes a modified project to a sidecar `P.satgpt.autosave` so a crash loses at
/// most one interval of work; the project file itself is only written by an explicit save.
/// On the next open, hasRecovery() tells whether the sidecar is newer than the project and
/// recover() loads it (into a fresh Project, as load() does).
///
/// Lives on the GUI thread: the project is serialised there (a consistent snapshot) and the
/// bytes are written on a pool thread. Does not own the project; stops when it is destroyed.
class ProjectAutosave final : public QObject
{
    Q_OBJECT
public:
    explicit ProjectAutosave(Project *project, QObject *parent = nullptr);
    ~ProjectAutosave() override;

    static QString sidecarPath(const QString &projectPath);
    /// True when a sidecar exists and is newer than the project file (or the file is gone).
    static bool hasRecovery(const QString &projectPath);
    /// Loads the sidecar as the project at `projectPath` (it stays modified until saved).
    static Result<std::unique_ptr<Project>> recover(const QString &projectPath);
    static void discardRecovery(const QString &projectPath);

    void setIntervalSeconds(int seconds);
    int intervalSeconds() const { return m_timer.interval() / 1000; }
    void start();
    void stop();
    /// Writes the sidecar now if the project changed since the last write; waits for it.
    Status autosaveNow();

Q_SIGNALS:
    void autosaved(const QString &sidecarPath);
    void autosaveFailed(const QString &message);

private:
    void onTimer();

    QPointer<Project> m_project;
    QTimer m_timer;
    quint64 m_lastWritten = 0;
    QFutureWatcher<Status> m_watcher;
};

} // namespace satgpt
