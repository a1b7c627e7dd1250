// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportdata.h"

#include "core/annotations/annotationdocument.h"
#include "core/project/project.h"

#include <QFileInfo>

namespace satgpt {

ReportData ReportData::fromProject(const Project &project)
{
    ReportData d;
    d.projectPath = project.path();
    d.projectName = QFileInfo(project.path()).completeBaseName();
    d.scenes = project.scenes();
    if (const AnnotationDocument *doc = project.document()) {
        d.schema = doc->schema();
        d.annotations = doc->annotations();
    }
    d.chat = project.chatHistory();
    for (const QJsonValue &v : project.trainingJobs()) {
        // Records that do not parse are left out here and reported by the model section's
        // "no training jobs" line rather than failing the whole report.
        auto r = TrainingJobRecord::fromJson(v.toObject());
        if (r)
            d.jobs.append(r.value());
    }
    return d;
}

Result<ReportData> ReportData::fromFile(const QString &path)
{
    auto project = Project::load(path);
    if (!project)
        return project.error();
    return fromProject(*project.value());
}

QVector<TrainingJobRecord> ReportData::reportableJobs() const
{
    QVector<TrainingJobRecord> out;
    for (const TrainingJobRecord &r : jobs)
        if (r.state == TrainingJobRecord::State::Finished || !r.steps.isEmpty() || !r.evals.isEmpty())
            out.append(r);
    return out;
}

QString ReportData::projectFolder() const
{
    return projectPath.isEmpty() ? QString() : QFileInfo(projectPath).absolutePath();
}

void ReportData::renderCharts(const ReportChartRenderer &renderer)
{
    for (const TrainingJobRecord &r : reportableJobs()) {
        const QVector<ReportChart> charts = ReportChart::forJob(r);
        for (int i = 0; i < charts.size(); ++i)
            chartPictures.insert(ReportChart::key(r.id, i), renderer(charts[i], ReportChart::defaultSize()));
    }
}

} // namespace satgpt
