// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/project/projectformat.h"

#include "core/annotations/labelschema.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace satgpt {

Result<QJsonObject> ProjectFormat::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("Cannot open the project file", path.toStdString(), file.errorString().toStdString());
    return parse(file.readAll(), path);
}

Result<QJsonObject> ProjectFormat::parse(const QByteArray &bytes, const QString &path)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError("The project file is not valid JSON", path.toStdString(),
                         QStringLiteral("%1 at offset %2").arg(err.errorString()).arg(err.offset).toStdString());
    if (!doc.isObject())
        return makeError("The project file does not contain a JSON object", path.toStdString());
    return migrate(doc.object(), path);
}

Result<QJsonObject> ProjectFormat::migrate(QJsonObject json, const QString &path)
{
    const QJsonValue v = json.value(QLatin1String("schemaVersion"));
    if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()) || v.toDouble() < 1)
        return makeError("The project file has no valid \"schemaVersion\" (a positive integer)", path.toStdString());
    const int version = v.toInt();
    if (version > kCurrentVersion)
        return makeError(QStringLiteral("The project file was written by a newer version of SatGPT Workbench (schema "
                                        "version %1; this version reads up to %2). Update the application to open it.")
                             .arg(version)
                             .arg(kCurrentVersion)
                             .toStdString(),
                         path.toStdString());
    if (version == 1)
        json = migrateV1ToV2(json);
    return json;
}

QJsonObject ProjectFormat::migrateV1ToV2(const QJsonObject &v1)
{
    QJsonObject v2;
    // Keys v1 had that v2 does not interpret are carried over unchanged.
    static const QStringList kConsumed{QStringLiteral("schemaVersion"), QStringLiteral("scene"),
                                       QStringLiteral("classes"), QStringLiteral("annotations")};
    for (auto it = v1.begin(); it != v1.end(); ++it)
        if (!kConsumed.contains(it.key()))
            v2.insert(it.key(), it.value());
    v2.insert(QStringLiteral("schemaVersion"), 2);

    const QString sceneId = QStringLiteral("scene-1");
    QJsonArray scenes;
    const QJsonObject scene = v1.value(QLatin1String("scene")).toObject();
    if (!scene.isEmpty()) {
        QJsonObject s = scene;
        s.insert(QStringLiteral("id"), sceneId);
        scenes.append(s);
    }
    v2.insert(QStringLiteral("scenes"), scenes);

    LabelSchema schema;
    for (const QJsonValue &c : v1.value(QLatin1String("classes")).toArray()) {
        const QJsonObject o = c.toObject();
        schema.addClass(o.value(QLatin1String("name")).toString(), QColor(o.value(QLatin1String("color")).toString()));
    }
    QJsonArray annotations;
    qint64 nextId = 1;
    for (const QJsonValue &a : v1.value(QLatin1String("annotations")).toArray()) {
        const QJsonObject o = a.toObject();
        const QString label = o.value(QLatin1String("label")).toString();
        int classId = 0;
        if (!label.isEmpty()) {
            const LabelClass *c = schema.classByName(label);
            classId = c ? c->id : schema.addClass(label).id;
        }
        QString shape = o.value(QLatin1String("type")).toString(QStringLiteral("polygon"));
        if (shape == QLatin1String("rect") || shape == QLatin1String("box"))
            shape = QStringLiteral("rectangle");
        const qint64 id = o.value(QLatin1String("id")).isDouble() ? qint64(o.value(QLatin1String("id")).toDouble()) : nextId;
        nextId = std::max(nextId, id + 1);
        annotations.append(QJsonObject{{QStringLiteral("id"), id},
                                       {QStringLiteral("scene"), sceneId},
                                       {QStringLiteral("shape"), shape},
                                       {QStringLiteral("pixels"), o.value(QLatin1String("points"))},
                                       {QStringLiteral("class"), classId},
                                       {QStringLiteral("caption"), o.value(QLatin1String("caption")).toString()},
                                       {QStringLiteral("qa"), QJsonArray()},
                                       {QStringLiteral("attributes"), QJsonObject()}});
    }
    v2.insert(QStringLiteral("labelSchema"), schema.toJson());
    v2.insert(QStringLiteral("annotations"), annotations);
    return v2;
}

} // namespace satgpt
