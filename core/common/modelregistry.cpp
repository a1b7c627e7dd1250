// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/modelregistry.h"

#include "core/jobs/trainingjobrecord.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QFileInfo>
#include <QJsonObject>
#include <QSet>
#include <QSettings>

namespace satgpt {

namespace {

const QString kUserFoldersKey = QStringLiteral("models/userFolders");

QString canonical(const QString &folder)
{
    const QString c = QFileInfo(folder).canonicalFilePath();
    return c.isEmpty() ? QDir::cleanPath(QFileInfo(folder).absoluteFilePath()) : c;
}

} // namespace

ModelRegistry::ModelRegistry()
    : m_bundledCandidates(defaultBundledCandidates())
{
}

QStringList ModelRegistry::defaultBundledCandidates()
{
    QStringList out;
    // Without an application object there is no executable directory to start from (tests, tools).
    if (QCoreApplication::instance())
        out << QDir::cleanPath(QCoreApplication::applicationDirPath()
                               + QStringLiteral("/../share/satgpt-workbench/models/satgpt-small"));
#ifdef SATGPT_SOURCE_TREE
    // Running from the build tree: the model as committed in the source tree.
    out << QDir::cleanPath(QStringLiteral(SATGPT_SOURCE_TREE) + QStringLiteral("/resources/models/satgpt-small"));
#endif
    return out;
}

QString ModelRegistry::bundledModelDir() const
{
    for (const QString &c : m_bundledCandidates)
        if (isModelFolder(c))
            return canonical(c);
    return {};
}

QString ModelRegistry::bundledProblem() const
{
    if (!bundledModelDir().isEmpty())
        return {};
    QStringList places;
    for (const QString &c : m_bundledCandidates)
        places << QDir::toNativeSeparators(c);
    return QCoreApplication::translate("satgpt::ModelRegistry",
                                       "The bundled model satgpt-small was not found (no config.json in %1). "
                                       "Add a model folder to ask questions.")
        .arg(places.isEmpty() ? QStringLiteral("-") : places.join(QStringLiteral(", ")));
}

QStringList ModelRegistry::userFolders() const
{
    return QSettings().value(kUserFoldersKey).toStringList();
}

QString ModelRegistry::addUserFolder(const QString &folder)
{
    if (!isModelFolder(folder))
        return QCoreApplication::translate("satgpt::ModelRegistry", "%1 is no model folder: it has no config.json.")
            .arg(QDir::toNativeSeparators(folder));
    QStringList folders = userFolders();
    const QString c = canonical(folder);
    for (const QString &f : folders)
        if (canonical(f) == c)
            return {};
    folders << c;
    QSettings().setValue(kUserFoldersKey, folders);
    return {};
}

void ModelRegistry::removeUserFolder(const QString &folder)
{
    QStringList folders = userFolders();
    const QString c = canonical(folder);
    folders.erase(std::remove_if(folders.begin(), folders.end(), [&](const QString &f) { return canonical(f) == c; }),
                  folders.end());
    QSettings().setValue(kUserFoldersKey, folders);
}

QVector<ModelEntry> ModelRegistry::models() const
{
    QVector<ModelEntry> out;
    QSet<QString> seen;
    auto add = [&](ModelEntry::Kind kind, const QString &folder, const QString &name) {
        if (!isModelFolder(folder))
            return;
        const QString c = canonical(folder);
        if (seen.contains(c))
            return;
        seen.insert(c);
        out.push_back({kind, modelIdFor(c), name, c});
    };
    if (const QString bundled = bundledModelDir(); !bundled.isEmpty())
        add(ModelEntry::Kind::Bundled, bundled,
            QCoreApplication::translate("satgpt::ModelRegistry", "%1 (bundled)").arg(modelIdFor(bundled)));
    for (const QString &f : userFolders())
        add(ModelEntry::Kind::User, f, modelIdFor(f));
    for (const auto &v : m_jobs) {
        auto record = TrainingJobRecord::fromJson(v.toObject());
        if (!record)
            continue;
        const QString name = record->name.isEmpty() ? record->id : record->name;
        // A finished job names its best model; a canceled one may still have a usable final folder.
        QStringList candidates{record->modelDir};
        if (!record->outputDir.isEmpty())
            candidates << record->outputDir + QStringLiteral("/best") << record->outputDir + QStringLiteral("/final");
        for (const QString &c : candidates) {
            if (!c.isEmpty() && isModelFolder(c)) {
                add(ModelEntry::Kind::FineTuned, c,
                    QCoreApplication::translate("satgpt::ModelRegistry", "%1 (fine-tuned)").arg(name));
                break;
            }
        }
    }
    return out;
}

std::optional<ModelEntry> ModelRegistry::defaultModel() const
{
    const auto all = models();
    if (all.isEmpty())
        return std::nullopt;
    return all.first(); // the bundled model comes first when it exists
}

bool ModelRegistry::isModelFolder(const QString &folder)
{
    return !folder.isEmpty() && QFileInfo(QDir(folder).filePath(QStringLiteral("config.json"))).isFile();
}

QString ModelRegistry::modelIdFor(const QString &folder)
{
    // A training run's "best", "final" and "checkpoint-N" say nothing alone: prefix the run's name.
    const QFileInfo info(QDir::cleanPath(folder));
    const QString name = info.fileName();
    static const QRegularExpression runFolder(QStringLiteral("^(best|final|checkpoint-\\d+)$"));
    if (runFolder.match(name).hasMatch() && !info.dir().dirName().isEmpty())
        return info.dir().dirName() + QLatin1Char('/') + name;
    return name;
}

} // namespace satgpt
