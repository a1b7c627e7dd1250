// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/project/projectautosave.h"

#include "core/project/atomicfile.h"
#include "core/project/project.h"
#include "core/project/projectformat.h"
#include "core/annotations/annotationdocument.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QtConcurrent>

namespace satgpt {

ProjectAutosave::ProjectAutosave(Project *project, QObject *parent) : QObject(parent), m_project(project)
{
    m_timer.setInterval(60 * 1000);
    connect(&m_timer, &QTimer::timeout, this, &ProjectAutosave::onTimer);
    m_lastWritten = project ? project->changeCounter() : 0;
    connect(&m_watcher, &QFutureWatcher<Status>::finished, this, [this] {
        const Status s = m_watcher.result();
        if (s)
            Q_EMIT autosaved(m_project ? sidecarPath(m_project->path()) : QString());
        else
            Q_EMIT autosaveFailed(QString::fromStdString(s.error().toString()));
    });
}

ProjectAutosave::~ProjectAutosave()
{
    // The write owns copies of its data, but let it finish so the sidecar is never torn.
    m_watcher.waitForFinished();
}

QString ProjectAutosave::sidecarPath(const QString &projectPath) { return projectPath + QStringLiteral(".autosave"); }

bool ProjectAutosave::hasRecovery(const QString &projectPath)
{
    const QFileInfo sidecar(sidecarPath(projectPath));
    if (!sidecar.exists())
        return false;
    const QFileInfo project(projectPath);
    return !project.exists() || sidecar.lastModified() > project.lastModified();
}

Result<std::unique_ptr<Project>> ProjectAutosave::recover(const QString &projectPath)
{
    const QString sidecar = sidecarPath(projectPath);
    QFile file(sidecar);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("Cannot open the autosaved project", sidecar.toStdString(), file.errorString().toStdString());
    Result<QJsonObject> json = ProjectFormat::parse(file.readAll(), sidecar);
    if (!json)
        return json.error();
    Result<std::unique_ptr<Project>> project = Project::fromJson(json.value(), projectPath);
    if (!project)
        return project.error();
    // Recovered work is not in the project file yet: keep it flagged until saved.
    project.value()->markModified();
    return project;
}

void ProjectAutosave::discardRecovery(const QString &projectPath) { QFile::remove(sidecarPath(projectPath)); }

void ProjectAutosave::setIntervalSeconds(int seconds) { m_timer.setInterval(std::max(1, seconds) * 1000); }

void ProjectAutosave::start() { m_timer.start(); }
void ProjectAutosave::stop() { m_timer.stop(); }

void ProjectAutosave::onTimer()
{
    if (!m_project || m_project->path().isEmpty() || m_watcher.isRunning())
        return;
    if (m_project->changeCounter() == m_lastWritten || !m_project->isModified())
        return;
    m_lastWritten = m_project->changeCounter();
    const QString sidecar = sidecarPath(m_project->path());
    // Relative scene paths are computed against the project's folder, which the sidecar shares.
    const QByteArray bytes = m_project->serialize(m_project->path());
    m_watcher.setFuture(QtConcurrent::run([sidecar, bytes] { return AtomicFile::write(sidecar, bytes); }));
}

Status ProjectAutosave::autosaveNow()
{
    m_watcher.waitForFinished();
    if (!m_project || m_project->path().isEmpty())
        return makeError("The project has no file name yet, so there is nowhere to autosave");
    if (m_project->changeCounter() == m_lastWritten || !m_project->isModified())
        return {};
    m_lastWritten = m_project->changeCounter();
    const QString sidecar = sidecarPath(m_project->path());
    Status s = AtomicFile::write(sidecar, m_project->serialize(m_project->path()));
    if (s)
        Q_EMIT autosaved(sidecar);
    else
        Q_EMIT autosaveFailed(QString::fromStdString(s.error().toString()));
    return s;
}

} // namespace satgpt
