// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chat/chatentry.h"

#include <QVector>

namespace satgpt {

class Project;

/// Reads and writes chat entries in a Project's chat history (Project::chatHistory(), a JSON
/// array kept in the .satgpt file) and places the files that belong to them (heatmap GeoTIFFs)
/// beside the project. Stateless helpers; GUI thread (they touch the Project).
class ChatHistory final
{
public:
    ChatHistory() = delete;
    /// Every entry, oldest first; entries that are no JSON objects are skipped.
    static QVector<ChatEntry> entries(const Project &project);
    static void append(Project &project, const ChatEntry &entry);
    /// Replaces the entry with the same id; false when there is none.
    static bool update(Project &project, const ChatEntry &entry);
    /// Where heatmaps of this project go: `<project folder>/<project name>_chat`, or a folder in
    /// the temporary directory while the project has never been saved.
    static QString heatmapFolder(const Project &project);
    /// A heatmap path as the entry stores it: relative to the project folder when possible.
    static QString storedPath(const Project &project, const QString &absolutePath);
    /// The absolute file of a stored (possibly relative) path.
    static QString resolvePath(const Project &project, const QString &storedPath);
    /// "<entry id>-<method>[-t<token>].tif"
    static QString heatmapFileName(const ChatEntry &entry, const QString &method, int token);
};

} // namespace satgpt
