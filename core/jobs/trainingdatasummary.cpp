// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/trainingdatasummary.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace satgpt {

namespace {

Result<QJsonDocument> readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("cannot read the dataset file", path.toStdString(), file.errorString().toStdString());
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        return makeError("the dataset file is not valid JSON", path.toStdString(), error.errorString().toStdString());
    return doc;
}

} // namespace

Result<TrainingDataSummary> TrainingDataSummary::scan(const QString &folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        return makeError("the dataset folder does not exist", folder.toStdString());
    TrainingDataSummary summary;
    summary.folder = folder;
    bool known = false;

    const QString captions = dir.filePath(QStringLiteral("captions.json"));
    if (QFile::exists(captions)) {
        auto doc = readJson(captions);
        if (!doc.ok())
            return doc.error();
        known = true;
        summary.captionImages = doc->isObject() ? int(doc->object().size()) : int(doc->array().size());
    }
    const QString vqa = dir.filePath(QStringLiteral("vqa.json"));
    if (QFile::exists(vqa)) {
        auto doc = readJson(vqa);
        if (!doc.ok())
            return doc.error();
        known = true;
        summary.vqaPairs = doc->isArray() ? int(doc->array().size()) : int(doc->object().size());
    }
    const QString labels = dir.filePath(QStringLiteral("labels.csv"));
    if (QFile::exists(labels)) {
        QFile file(labels);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            return makeError("cannot read the dataset file", labels.toStdString(), file.errorString().toStdString());
        known = true;
        const QList<QByteArray> header = file.readLine().trimmed().split(',');
        const int splitColumn = int(header.indexOf("split"));
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            if (line.isEmpty())
                continue;
            if (splitColumn >= 0) {
                const QList<QByteArray> fields = line.split(',');
                if (splitColumn < fields.size() && fields.at(splitColumn).trimmed() != "train")
                    continue;
            }
            ++summary.classifiedImages;
        }
    }
    // The workbench's annotation export: a chip per annotation with its caption, QA and class.
    const QString chips = dir.filePath(QStringLiteral("chips.json"));
    if (QFile::exists(chips)) {
        auto doc = readJson(chips);
        if (!doc.ok())
            return doc.error();
        known = true;
        for (const QJsonValue &v : doc->array()) {
            const QJsonObject chip = v.toObject();
            if (!chip.value(QStringLiteral("caption")).toString().isEmpty())
                ++summary.captionImages;
            summary.vqaPairs += int(chip.value(QStringLiteral("qa")).toArray().size());
            const QString cls = chip.value(QStringLiteral("class")).toString();
            if (!cls.isEmpty() && cls != QLatin1String("unclassified"))
                ++summary.classifiedImages;
        }
    }
    if (!known)
        return makeError("the folder holds no captions.json, vqa.json, labels.csv or chips.json", folder.toStdString());
    return summary;
}

} // namespace satgpt
