// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotationexporter.h"
#include "core/base/result.h"
#include "core/project/projectscene.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QVector>

#include <memory>

namespace satgpt {

class AnnotationDocument;

/// A `.satgpt` project: scenes, canvas settings, the view, the label schema and annotations
/// (an AnnotationDocument it owns), chat history and training jobs. What it does not interpret
/// (unknown keys, chat entries, job records, layer settings) is kept and written back as is.
///
/// load() builds a fresh Project and returns it only when everything parsed, so a bad file
/// never half-replaces an open project: the caller swaps its pointer on success. GUI thread;
/// save() serialises and writes synchronously (a few MB at most); ProjectAutosave writes off
/// the GUI thread.
class Project final : public QObject
{
    Q_OBJECT
public:
    explicit Project(QObject *parent = nullptr);
    ~Project() override;

    static Result<std::unique_ptr<Project>> load(const QString &path);
    /// Builds a project from (already migrated) JSON as if it had been read from `path`.
    static Result<std::unique_ptr<Project>> fromJson(const QJsonObject &json, const QString &path);

    /// Writes atomically to `path` (the current path when empty) and makes it the current path.
    /// Marks the annotation undo stack clean and removes a stale autosave sidecar.
    Status save(const QString &path = QString());
    /// The file contents for `path` (relative scene paths are computed against its folder).
    QJsonObject toJson(const QString &path) const;
    QByteArray serialize(const QString &path) const;

    QString path() const { return m_path; }
    AnnotationDocument *document() const { return m_document; }

    // Scenes
    const QVector<ProjectScene> &scenes() const { return m_scenes; }
    const ProjectScene *scene(const QString &id) const;
    /// Opens `path` with GDAL to read size and georeferencing, adds it, returns its id.
    Result<QString> addScene(const QString &path);
    /// Points a (missing) scene at a new file; refused when its pixel size differs, because
    /// annotations are stored in pixels.
    Status relocateScene(const QString &id, const QString &newPath);
    /// Layer/stretch settings, for the canvas to store its state.
    void setSceneLayer(const QString &id, const QJsonObject &layer);
    void setSceneStretch(const QString &id, const QJsonObject &stretch);
    static Result<ProjectScene> describeScene(const QString &path);
    /// The scenes as the annotation exports (COCO, YOLO, chips) address them.
    QVector<AnnotationExporter::Scene> exportScenes() const;

    QJsonObject view() const { return m_view; }
    void setView(const QJsonObject &view);
    QJsonArray chatHistory() const { return m_chat; }
    void appendChat(const QJsonObject &entry);
    void setChatHistory(const QJsonArray &chat);
    QJsonArray trainingJobs() const { return m_jobs; }
    void setTrainingJobs(const QJsonArray &jobs);
    QJsonObject extra() const { return m_extra; }

    /// True when anything changed since the last save or load.
    bool isModified() const;
    /// Flags unsaved changes that are not on the undo stack (e.g. recovered autosave data).
    void markModified();
    /// Increases with every change; autosave compares it to what it last wrote.
    quint64 changeCounter() const { return m_changeCounter; }

Q_SIGNALS:
    void changed();
    void scenesChanged();
    void saved(const QString &path);

private:
    void touch();
    void applyMeasures();

    QString m_path;
    AnnotationDocument *m_document = nullptr;
    QVector<ProjectScene> m_scenes;
    QJsonObject m_view;
    QJsonArray m_chat;
    QJsonArray m_jobs;
    QJsonObject m_extra;
    bool m_metaModified = false;
    quint64 m_changeCounter = 0;
};

} // namespace satgpt
