// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/chat/chatentry.h"
#include "core/jobs/job.h"
#include "core/ml/explain.h"
#include "core/raster/rendering.h"

#include <QImage>

#include <mutex>

namespace satgpt {

struct EvidenceRequest
{
    ChatEntry entry;
    /// The bands and stretch the region is cut with when `image` is null.
    RenderSettings render;
    /// The region as the answer's model saw it (ChatJob::image()); null: cut it again.
    QImage image;
    ml::ExplainMethod method = ml::ExplainMethod::GradCam;
    /// The answer token to explain (0-based among the generated ones); -1: the whole answer.
    int token = -1;
    /// Float32 GeoTIFF to write over the region; empty: compute only.
    QString outputPath;
    /// Instead of computing: read a heatmap written earlier (outputPath is then ignored).
    QString loadPath;
    int maxReadSide = 512;
};

/// Computes where the model looked for an answer (or one of its tokens), off the GUI thread:
/// Grad-CAM, Grad-CAM++, attention rollout or cross-attention through ml::ExplainSession, over the
/// answer the entry stored (its token ids), and writes the map as a Float32 GeoTIFF lying over
/// the question's region. Or reads such a file back (loadPath).
///
/// Created on the GUI thread; run() on a pool thread; map() is safe from any thread once finished.
class EvidenceJob final : public Job
{
    Q_OBJECT
public:
    explicit EvidenceJob(EvidenceRequest request, QObject *parent = nullptr);
    ~EvidenceJob() override;

    const EvidenceRequest &request() const { return m_request; }
    /// The map over the region (model input resolution or the region's, whichever is smaller),
    /// values in [0, 1].
    ml::HeatMap map() const;

    /// Reads band 1 of a heatmap GeoTIFF.
    static Result<ml::HeatMap> readHeatmap(const QString &path);
    /// What run() does, on the calling thread (never the GUI thread): for the CLI and scripts.
    /// `feedback` (may be null) is polled between the steps.
    static Result<ml::HeatMap> compute(const EvidenceRequest &request, Feedback *feedback = nullptr);

protected:
    Status run() override;

private:
    EvidenceRequest m_request;
    mutable std::mutex m_mutex;
    ml::HeatMap m_map;
};

} // namespace satgpt
