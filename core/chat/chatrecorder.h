// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chat/chatentry.h"
#include "core/ml/explain.h"

#include <QImage>

#include <optional>

namespace satgpt {

/// An exchange made outside the workbench (`satgpt ask --project`), to be stored in a project.
struct AskRecord
{
    QString projectPath;  ///< created when it does not exist yet
    QString scenePath;    ///< added to the project when it is not one of its scenes
    QRect window;         ///< scene pixels the question is about
    bool wholeScene = false; ///< no region was given (stored as kind "viewport")
    QString question;
    QString answer;
    QVector<qint64> tokenIds;
    QStringList tokens;
    QString modelPath;
    ml::GenerationSettings generation;
    /// The region as the model saw it, for the evidence map (null: cut again).
    QImage image;
    std::optional<ml::ExplainMethod> evidence;
    int evidenceToken = -1;
};

/// Appends the exchange to the project's chat history (the format of docs/chat.md), computing
/// and storing its evidence map when asked, and saves the project. On the calling thread
/// (a CLI or a worker; it loads the model for the map). Errors name the file and the reason;
/// a failure leaves the project file untouched.
Result<ChatEntry> recordAskInProject(const AskRecord &record);

} // namespace satgpt
