// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/annotations/annotation.h"
#include "core/annotations/labelschema.h"
#include "core/base/result.h"
#include "core/jobs/trainingjobrecord.h"
#include "core/project/projectscene.h"
#include "core/reports/reportchart.h"

#include <QHash>
#include <QJsonArray>
#include <QPicture>
#include <QString>
#include <QVector>

namespace satgpt {

class Project;

/// Everything a report needs from a project, copied out of it so the report can be built on a
/// worker thread while the user goes on editing. Taking the snapshot touches no file (GUI thread
/// safe); reading rasters, heatmaps and model folders happens later in ReportBuilder.
/// `chartPictures` may carry training-curve charts already drawn by the GUI (QCustomPlot must be
/// drawn on the GUI thread); the builder draws the missing ones itself. Plain value type.
struct ReportData
{
    QString projectPath;
    QString projectName;
    QVector<ProjectScene> scenes;
    LabelSchema schema;
    QVector<Annotation> annotations;
    QJsonArray chat;
    QVector<TrainingJobRecord> jobs;
    /// Job id -> training-curve chart drawn for the report by the GUI (see ReportChartRenderer).
    QHash<QString, QPicture> chartPictures;

    static ReportData fromProject(const Project &project);
    /// Loads `path` (on the calling thread) and takes the snapshot; for the CLI and tests.
    static Result<ReportData> fromFile(const QString &path);
    /// Jobs that can be shown in the model section (finished, or with curves to show).
    QVector<TrainingJobRecord> reportableJobs() const;
    /// Folder that relative paths in chat entries are resolved against.
    QString projectFolder() const;
    /// Draws every training chart with `renderer` on the calling thread into chartPictures.
    void renderCharts(const ReportChartRenderer &renderer);
};

} // namespace satgpt
