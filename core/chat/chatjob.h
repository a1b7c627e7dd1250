// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chat/chatentry.h"
#include "core/jobs/job.h"
#include "core/raster/rendering.h"

#include <QImage>

#include <mutex>
#include <optional>

namespace satgpt {

/// One scene region a question is asked about, with the bands and stretch on screen.
struct ChatSource
{
    QString sceneId;
    QString scenePath;
    QRect window; ///< full-resolution scene pixels
    RenderSettings render;
};

struct ChatRequest
{
    ChatSource source;
    /// "What changed?": the other scene, asked the same question over the same ground.
    std::optional<ChatSource> compare;
    ChatRegion::Kind regionKind = ChatRegion::Kind::Viewport;
    QString annotationId;
    QString question;
    QString modelPath;
    /// Unset: the model folder's generation_config.json.
    std::optional<ml::GenerationSettings> generation;
    /// > 0: overrides maxNewTokens of whichever settings apply (the panel's length limit).
    int maxNewTokens = 0;
    /// The region is read from the scene at most this large (long side); the model then
    /// resizes it to its input size.
    int maxReadSide = 512;
};

/// Answers a question about a scene region: cuts the region with the bands and stretch on
/// screen, loads the model (through ModelCache), generates with streaming and builds the
/// ChatEntry the project stores. Canceling stops the generation before the next token; the job
/// then ends as Canceled and entry() holds the partial answer (marked `canceled`).
///
/// Created on the GUI thread; run() on a pool thread. tokenGenerated() is emitted on the worker
/// thread for every token (connect queued, which Qt does by default for receivers on the GUI
/// thread). entry() and image() are safe from any thread.
class ChatJob final : public Job
{
    Q_OBJECT
public:
    explicit ChatJob(ChatRequest request, QObject *parent = nullptr);
    ~ChatJob() override;

    const ChatRequest &request() const { return m_request; }
    /// The exchange so far (complete once the job has finished).
    ChatEntry entry() const;
    /// The region as it was read for the model (before the model's own resize).
    QImage image() const;

Q_SIGNALS:
    /// The region was cut (worker thread).
    void regionReady(const QImage &image);
    /// A token of the main answer: its 0-based index, id and text (worker thread).
    void tokenGenerated(int index, qint64 id, const QString &piece);

protected:
    Status run() override;

private:
    Result<QImage> cut(const ChatSource &source, ChatRegion *region) const;

    ChatRequest m_request;
    mutable std::mutex m_mutex;
    ChatEntry m_entry;
    QImage m_image;
};

} // namespace satgpt
