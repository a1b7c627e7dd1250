// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/chathistory.h"

#include "core/project/project.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace satgpt {

QVector<ChatEntry> ChatHistory::entries(const Project &project)
{
    QVector<ChatEntry> out;
    for (const QJsonValue &v : project.chatHistory())
        if (v.isObject())
            out.push_back(ChatEntry::fromJson(v.toObject()));
    return out;
}

void ChatHistory::append(Project &project, const ChatEntry &entry)
{
    project.appendChat(entry.toJson());
}

bool ChatHistory::update(Project &project, const ChatEntry &entry)
{
    QJsonArray chat = project.chatHistory();
    for (int i = 0; i < chat.size(); ++i) {
        QJsonObject o = chat[i].toObject();
        if (o.value(QStringLiteral("id")).toString() == entry.id) {
            // Keys other code added to the entry survive the update.
            const QJsonObject fresh = entry.toJson();
            for (auto it = fresh.begin(); it != fresh.end(); ++it)
                o.insert(it.key(), it.value());
            if (entry.heatmap.isEmpty())
                o.remove(QStringLiteral("heatmap"));
            chat[i] = o;
            project.setChatHistory(chat);
            return true;
        }
    }
    return false;
}

QString ChatHistory::heatmapFolder(const Project &project)
{
    if (project.path().isEmpty())
        return QDir::temp().filePath(QStringLiteral("satgpt-chat"));
    const QFileInfo fi(project.path());
    return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral("_chat"));
}

QString ChatHistory::storedPath(const Project &project, const QString &absolutePath)
{
    if (project.path().isEmpty())
        return absolutePath;
    return QFileInfo(project.path()).absoluteDir().relativeFilePath(absolutePath);
}

QString ChatHistory::resolvePath(const Project &project, const QString &storedPath)
{
    if (storedPath.isEmpty() || QFileInfo(storedPath).isAbsolute() || project.path().isEmpty())
        return storedPath;
    return QDir::cleanPath(QFileInfo(project.path()).absoluteDir().filePath(storedPath));
}

QString ChatHistory::heatmapFileName(const ChatEntry &entry, const QString &method, int token)
{
    QString safeMethod = method;
    safeMethod.replace(QLatin1Char('+'), QLatin1Char('p'));
    return QStringLiteral("%1-%2%3.tif")
        .arg(entry.id, safeMethod, token >= 0 ? QStringLiteral("-t%1").arg(token) : QString());
}

} // namespace satgpt
