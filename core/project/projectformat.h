// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QJsonObject>
#include <QString>

namespace satgpt {

/// The `.satgpt` file format: parsing, version checks and migrations between schema versions.
///
/// Version history:
/// - 1: one scene (`"scene": {"path"}`), classes by name (`"classes": [{"name","color"}]`),
///   annotations `{"id","type","points","label","caption"}` with the class given by name.
/// - 2: several scenes with ids, georeferencing and canvas settings; a label schema with class
///   ids and hotkeys; annotations with class ids, QA pairs and attributes; chat history and
///   training jobs.
class ProjectFormat final
{
public:
    static constexpr int kCurrentVersion = 2;
    static constexpr const char *kSuffix = "satgpt";

    /// Reads and parses `path`, then migrates it to kCurrentVersion. Errors name the file:
    /// unreadable, malformed JSON (with the offset), no or non-integer "schemaVersion",
    /// a version newer than this build understands.
    static Result<QJsonObject> read(const QString &path);
    /// Same for bytes already in memory (`path` only names them in errors).
    static Result<QJsonObject> parse(const QByteArray &bytes, const QString &path);
    /// Upgrades `json` step by step to kCurrentVersion.
    static Result<QJsonObject> migrate(QJsonObject json, const QString &path);
    static QJsonObject migrateV1ToV2(const QJsonObject &v1);
};

} // namespace satgpt
