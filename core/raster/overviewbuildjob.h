// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/job.h"

#include <QString>
#include <QVector>

namespace satgpt {

/// Builds an external pyramid (`<scene>.ovr`, DEFLATE, AVERAGE; nearest for palette bands) with
/// factors 2, 4, 8, ... until the coarsest level is under 256 px, so the canvas can roam a large
/// scene. Replaces an existing external .ovr; never writes into the scene itself.
///
/// Created on the GUI thread like every Job; run() works on a pool thread with its own GDAL
/// handle. Progress comes from GDAL's callback; cancel() makes that callback return FALSE, and a
/// canceled or failed build removes its partial .ovr.
class OverviewBuildJob final : public Job
{
    Q_OBJECT
public:
    explicit OverviewBuildJob(QString scenePath, QObject *parent = nullptr);
    ~OverviewBuildJob() override;

    QString scenePath() const { return m_scenePath; }
    QString overviewPath() const { return m_scenePath + QStringLiteral(".ovr"); }
    /// The decimation factors for a scene of this size (empty when it is already small).
    static QVector<int> factorsFor(int width, int height);

protected:
    Status run() override;

private:
    static int progressCallback(double complete, const char *message, void *self);
    QString m_scenePath;
};

} // namespace satgpt
