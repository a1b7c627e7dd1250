// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ml/visionlanguagemodel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>

namespace satgpt {

/// What a question is about: where it was cut from the scene, in scene pixels and map units.
struct ChatRegion
{
    enum class Kind { Viewport, Annotation, Box };
    Kind kind = Kind::Viewport;
    QString annotationId; ///< the selected annotation's id (Kind::Annotation only)
    QRect pixel;          ///< full-resolution scene pixels
    QRectF map;           ///< minX, minY, maxX, maxY in the scene's CRS (pixels without georeferencing)
    QString crs;          ///< "EPSG:nnnn" when known, else the WKT, else empty

    QJsonObject toJson() const;
    static ChatRegion fromJson(const QJsonObject &json);
    static QString kindName(Kind kind);
};

/// The heatmap the user computed for an answer, stored beside the project.
struct ChatHeatmap
{
    QString method;   ///< "gradcam", "gradcam++", "rollout", "cross-attention"
    QString path;     ///< Float32 GeoTIFF, relative to the project folder (absolute when the project is unsaved)
    QString colorMap = QStringLiteral("viridis");
    int token = -1;   ///< the explained answer token, -1 for the whole answer

    bool isEmpty() const { return path.isEmpty(); }
};

/// One question/answer exchange as stored in the project's chat history (the JSON layout is the
/// team contract in docs/chat.md). A plain value type; fromJson() tolerates missing keys.
///
/// `method` says who produced the answer: "decoder" (the language model's free text) or
/// "counting-head" (a dedicated counter, to come). `verified` is true only for answers a
/// counter produced or checked; a decoder's count is shown as unverified.
struct ChatEntry
{
    static constexpr const char *kMethodDecoder = "decoder";
    static constexpr const char *kMethodCountingHead = "counting-head";

    QString id;
    QDateTime time; ///< UTC
    QString sceneId;
    QString scenePath;
    ChatRegion region;
    QString question;
    QString answer;
    QString method = QString::fromLatin1(kMethodDecoder);
    bool verified = false;
    QString modelId;
    QString modelPath;
    ml::GenerationSettings generation;
    ChatHeatmap heatmap;
    /// The answer's tokens (generated ids and their text pieces, eos included when the model
    /// emitted it), so a word can be mapped to its token later.
    QVector<qint64> tokenIds;
    QStringList tokens;
    /// Generation was stopped by the user; `answer` holds what was produced until then.
    bool canceled = false;
    /// "What changed?" asks about a second scene as well: its id, path and answer.
    QString compareSceneId;
    QString compareScenePath;
    QString compareAnswer;
    /// Counting-head answers: the density map's sum and the head's validation MAE (-1: unknown).
    double countEstimate = -1.0;
    double countValidationMae = -1.0;
    /// The objects a counting head counted, in full-resolution scene pixels (drawn on the map).
    QVector<QPointF> countedObjects;

    /// A fresh entry: new uuid, current UTC time.
    static ChatEntry create();
    QJsonObject toJson() const;
    static ChatEntry fromJson(const QJsonObject &json);

    static QJsonObject generationToJson(const ml::GenerationSettings &settings);
    /// Missing keys keep the values of `defaults`.
    static ml::GenerationSettings generationFromJson(const QJsonObject &json, const ml::GenerationSettings &defaults = {});

    /// The object class a counting question asks about ("buildings" in "How many buildings are
    /// there?"), empty for other questions. A counting head plugs in for the classes it knows.
    static QString countedClass(const QString &question);
    /// What the decoder is given for `question`: empty (plain captioning, what the model was
    /// trained to do for descriptions) for "Describe this view"-style requests, else the question
    /// itself (asked as "question: ... answer:"). Answers and their maps must use the same.
    static QString modelPrompt(const QString &question);
    /// True when this answer is a count that no counter produced or checked.
    bool isUnverifiedCount() const { return !verified && !countedClass(question).isEmpty(); }
};

} // namespace satgpt
