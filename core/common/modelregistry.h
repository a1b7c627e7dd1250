// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace satgpt {

/// One model the workbench can use: an HF VisionEncoderDecoder folder.
struct ModelEntry
{
    enum class Kind { Bundled, User, FineTuned };
    Kind kind = Kind::User;
    /// The folder name (what a chat entry stores as "modelId").
    QString id;
    /// What the picker shows ("satgpt-small (bundled)", a job name, ...).
    QString displayName;
    /// Absolute folder path.
    QString path;
};

/// The models the model picker offers: the bundled default (`<exe dir>/../share/satgpt-workbench/
/// models/satgpt-small`, else `resources/models/satgpt-small` in the source tree), folders the
/// user added (QSettings key "models/userFolders") and the output folders of the project's
/// finished fine-tuning jobs. Only folders holding a config.json are listed. A missing bundled
/// model is not an error: bundledProblem() says why it is absent so the UI can show it.
///
/// A plain object with no thread affinity; it touches the file system (a few stat calls) in
/// models(), which is cheap enough for the GUI thread.
class ModelRegistry final
{
public:
    ModelRegistry();

    /// Where the bundled model is looked for, first match wins (tests replace them).
    QStringList bundledCandidates() const { return m_bundledCandidates; }
    void setBundledCandidates(const QStringList &folders) { m_bundledCandidates = folders; }
    static QStringList defaultBundledCandidates();
    /// The bundled model's folder, empty when none of the candidates is a model folder.
    QString bundledModelDir() const;
    /// Empty when the bundled model was found, else a sentence for the user naming the places searched.
    QString bundledProblem() const;

    /// Folders the user added, as stored in QSettings.
    QStringList userFolders() const;
    /// Adds a folder (persisted); an error message when it is no model folder, else empty.
    QString addUserFolder(const QString &folder);
    void removeUserFolder(const QString &folder);

    /// The project's training job records (Project::trainingJobs()): their model folders are listed
    /// as fine-tuned models.
    void setTrainingJobs(const QJsonArray &jobs) { m_jobs = jobs; }

    /// Bundled first, then user folders, then fine-tuned models; duplicates (same canonical path) once.
    QVector<ModelEntry> models() const;
    /// The model used when the user chose none: the bundled one, else the first listed.
    std::optional<ModelEntry> defaultModel() const;

    /// True when `folder` holds a config.json.
    static bool isModelFolder(const QString &folder);
    /// The folder name, which chat entries store as the model id.
    static QString modelIdFor(const QString &folder);

private:
    QStringList m_bundledCandidates;
    QJsonArray m_jobs;
};

} // namespace satgpt
