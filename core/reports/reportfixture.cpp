// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportfixture.h"

#include "core/annotations/annotationdocument.h"
#include "core/explain/heatmapexport.h"
#include "core/jobs/trainingjobrecord.h"
#include "core/project/project.h"
#include "core/raster/rasterdataset.h"
#include "core/raster/syntheticscene.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QUuid>

#include <cmath>

namespace satgpt {

namespace {

Status writeText(const QString &path, const QByteArray &data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        return makeError("cannot write fixture file", path.toStdString(), f.errorString().toStdString());
    return {};
}

} // namespace

Result<QString> writeReportFixture(const QString &folder, const ReportFixtureSpec &spec)
{
    const QDir dir(folder);
    const QString scenePath = dir.filePath(QStringLiteral("scene.tif"));
    SyntheticSceneSpec sceneSpec;
    sceneSpec.size = QSize(spec.sceneSize, spec.sceneSize);
    sceneSpec.bands = 3;
    auto st = writeSyntheticScene(scenePath, sceneSpec);
    if (!st)
        return st.error();
    auto info = inspectRaster(scenePath);
    if (!info)
        return info.error();

    Project project;
    auto sceneId = project.addScene(scenePath);
    if (!sceneId)
        return sceneId.error();
    AnnotationDocument *doc = project.document();
    const QStringList names = spec.hostileText
                                  ? QStringList{QStringLiteral("Water"), QStringLiteral("<script>alert(1)</script>"),
                                                QStringLiteral("</td>"), QStringLiteral("Fields & \"meadows\"")}
                                  : QStringList{QStringLiteral("Water"), QStringLiteral("Forest"), QStringLiteral("Urban"),
                                                QStringLiteral("Cropland")};
    QVector<int> classIds;
    for (const QString &n : names)
        classIds << doc->addClass(n);

    QVector<Annotation> anns;
    const int perRow = std::max(1, int(std::ceil(std::sqrt(double(spec.annotations)))));
    const double cell = double(spec.sceneSize) / perRow;
    for (int i = 0; i < spec.annotations; ++i) {
        Annotation a;
        a.sceneId = sceneId.value();
        const double x = (i % perRow) * cell + cell * 0.15, y = (i / perRow) * cell + cell * 0.15;
        const double w = cell * 0.7;
        if (i % 3 == 0) {
            a.shape = AnnotationShape::Rectangle;
            a.geometry << QPointF(x, y) << QPointF(x + w, y) << QPointF(x + w, y + w) << QPointF(x, y + w);
        } else {
            a.shape = AnnotationShape::Polygon;
            a.geometry << QPointF(x + w / 2, y) << QPointF(x + w, y + w * 0.4) << QPointF(x + w * 0.8, y + w)
                       << QPointF(x + w * 0.2, y + w) << QPointF(x, y + w * 0.4);
        }
        a.classId = classIds[i % classIds.size()];
        a.caption = spec.hostileText && i == 0 ? QStringLiteral("caption <b>bold?</b> & </td></tr> <script>x()</script>")
                                               : QStringLiteral("Region %1 of the generated scene").arg(i + 1);
        if (i % 25 == 0)
            a.qa.append(QaPair{QStringLiteral("What covers region %1?").arg(i + 1), names[i % names.size()], QStringLiteral("land-cover")});
        anns.append(a);
    }
    const QVector<qint64> ids = doc->addAnnotations(anns);

    // Chat entries with heatmaps over their regions.
    QDir().mkpath(dir.filePath(QStringLiteral("heatmaps")));
    const QString modelDir = dir.filePath(QStringLiteral("job/best"));
    for (int q = 0; q < spec.questions; ++q) {
        const Annotation *a = doc->annotation(ids[(q * 7) % ids.size()]);
        const QRect region = a->boundingRect().toAlignedRect();
        ml::HeatMap map;
        map.width = 14;
        map.height = 14;
        for (int yy = 0; yy < 14; ++yy)
            for (int xx = 0; xx < 14; ++xx)
                map.values.push_back(float(std::exp(-((xx - 4 - q % 6) * (xx - 4 - q % 6) + (yy - 7) * (yy - 7)) / 12.0)));
        const QString rel = QStringLiteral("heatmaps/q%1.tif").arg(q + 1);
        st = writeHeatmapGeoTiff(dir.filePath(rel), map, info.value(), region);
        if (!st)
            return st.error();
        QJsonObject e;
        e.insert(QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        e.insert(QStringLiteral("time"), QStringLiteral("2026-11-27T10:%1:00Z").arg(q % 60, 2, 10, QLatin1Char('0')));
        e.insert(QStringLiteral("sceneId"), sceneId.value());
        e.insert(QStringLiteral("scenePath"), scenePath);
        e.insert(QStringLiteral("region"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("annotation")},
                                                       {QStringLiteral("annotationId"), QString::number(a->id)},
                                                       {QStringLiteral("pixel"), QJsonArray{region.x(), region.y(), region.width(), region.height()}},
                                                       {QStringLiteral("crs"), QStringLiteral("EPSG:32632")}});
        e.insert(QStringLiteral("question"), spec.hostileText && q == 0 ? QStringLiteral("Is </td><script>alert(2)</script> here?")
                                                                        : QStringLiteral("How many buildings are in region %1?").arg(q + 1));
        e.insert(QStringLiteral("answer"), spec.hostileText && q == 0 ? QStringLiteral("<img src=x onerror=alert(3)> maybe")
                                                                      : QStringLiteral("answer-%1: %2 buildings").arg(q + 1).arg(3 + q));
        e.insert(QStringLiteral("method"), q % 2 ? QStringLiteral("counting-head") : QStringLiteral("decoder"));
        e.insert(QStringLiteral("verified"), q % 3 == 0);
        e.insert(QStringLiteral("modelId"), QStringLiteral("best"));
        e.insert(QStringLiteral("modelPath"), modelDir);
        e.insert(QStringLiteral("generation"), QJsonObject{{QStringLiteral("maxNewTokens"), 32}, {QStringLiteral("numBeams"), 1},
                                                           {QStringLiteral("temperature"), 0.7}, {QStringLiteral("topK"), 50},
                                                           {QStringLiteral("topP"), 0.9}, {QStringLiteral("repetitionPenalty"), 1.1},
                                                           {QStringLiteral("seed"), 1234 + q}});
        if (q % 4 != 3) // some answers have no map: the report must say so
            e.insert(QStringLiteral("heatmap"), QJsonObject{{QStringLiteral("method"), QStringLiteral("gradcam")},
                                                            {QStringLiteral("path"), rel},
                                                            {QStringLiteral("colorMap"), q % 2 ? QStringLiteral("inferno") : QStringLiteral("viridis")},
                                                            {QStringLiteral("token"), -1}});
        project.appendChat(e);
    }

    if (spec.trainingJob) {
        // The trainer's output layout (docs/training.md): metrics.jsonl with step and eval
        // events, checkpoint-N/trainer_state.json, best/ model folder.
        const QString out = dir.filePath(QStringLiteral("job"));
        QDir().mkpath(out + QStringLiteral("/checkpoint-40"));
        QDir().mkpath(modelDir);
        TrainingJobRecord r;
        r.id = QStringLiteral("job-1");
        r.name = QStringLiteral("harbour-vqa");
        r.config = QJsonObject{{QStringLiteral("job"), r.name}, {QStringLiteral("model"), QStringLiteral("resources/models/satgpt-small")},
                               {QStringLiteral("data"), dir.filePath(QStringLiteral("dataset"))}, {QStringLiteral("task"), QStringLiteral("vqa")},
                               {QStringLiteral("out"), out}, {QStringLiteral("epochs"), 4}, {QStringLiteral("batch_size"), 8},
                               {QStringLiteral("learning_rate"), 5e-5}, {QStringLiteral("seed"), 42}};
        QByteArray log;
        for (int s = 1; s <= 40; ++s) {
            const double loss = 3.0 * std::exp(-s / 15.0) + 0.4;
            log += QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("step")}, {QStringLiteral("time"), QStringLiteral("2026-11-27T09:00:00.000Z")},
                                             {QStringLiteral("step"), s}, {QStringLiteral("epoch"), (s - 1) / 10}, {QStringLiteral("loss"), loss},
                                             {QStringLiteral("lr"), 5e-5}, {QStringLiteral("samples_per_s"), 3.5},
                                             {QStringLiteral("eta_s"), 40 - s}, {QStringLiteral("progress"), s / 40.0}})
                       .toJson(QJsonDocument::Compact)
                   + '\n';
            TrainingJobRecord::StepPoint p{s, double((s - 1) / 10), loss, 5e-5, 3.5};
            r.steps.append(p);
            if (s % 10 == 0) {
                QMap<QString, double> m{{QStringLiteral("loss"), loss + 0.15}, {QStringLiteral("accuracy"), 0.5 + s / 100.0},
                                        {QStringLiteral("countMAE"), 2.0 - s / 40.0}};
                QJsonObject jm;
                for (auto it = m.cbegin(); it != m.cend(); ++it)
                    jm.insert(it.key(), it.value());
                log += QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("eval")}, {QStringLiteral("time"), QStringLiteral("2026-11-27T09:00:00.000Z")},
                                                 {QStringLiteral("step"), s}, {QStringLiteral("epoch"), s / 10},
                                                 {QStringLiteral("split"), QStringLiteral("validation")}, {QStringLiteral("metrics"), jm}})
                           .toJson(QJsonDocument::Compact)
                       + '\n';
                r.evals.append(TrainingJobRecord::EvalPoint{s, double(s / 10), QStringLiteral("validation"), m});
            }
        }
        if (!(st = writeText(out + QStringLiteral("/metrics.jsonl"), log)))
            return st.error();
        const QJsonObject state{{QStringLiteral("global_step"), 40}, {QStringLiteral("epoch"), 4}, {QStringLiteral("batch_in_epoch"), 0},
                                {QStringLiteral("total_steps"), 40}, {QStringLiteral("warmup_steps"), 4},
                                {QStringLiteral("learning_rate"), 0.0}, {QStringLiteral("best_metric"), 0.5197},
                                {QStringLiteral("best_step"), 40}, {QStringLiteral("early_stopping_metric"), QStringLiteral("loss")},
                                {QStringLiteral("evals_without_improvement"), 0}, {QStringLiteral("seed"), 42}};
        if (!(st = writeText(out + QStringLiteral("/checkpoint-40/trainer_state.json"), QJsonDocument(state).toJson())))
            return st.error();
        // Weights stand-in: the report hashes the file, it never loads it.
        if (!(st = writeText(modelDir + QStringLiteral("/model.safetensors"), QByteArray(4096, '\x2a'))))
            return st.error();
        if (spec.jobCurvesOnlyInLog) {
            r.steps.clear();
            r.evals.clear();
        }
        r.state = TrainingJobRecord::State::Finished;
        r.outputDir = out;
        r.modelDir = modelDir;
        r.totalSteps = 40;
        r.samples = 320;
        r.epochs = 4;
        r.message = QStringLiteral("Finished");
        r.doneStatus = QStringLiteral("succeeded");
        r.finishedAt = QDateTime(QDate(2026, 11, 27), QTime(9, 30), Qt::UTC);
        project.setTrainingJobs(QJsonArray{r.toJson()});
    }

    const QString path = dir.filePath(QStringLiteral("fixture.satgpt"));
    st = project.save(path);
    if (!st)
        return st.error();
    return path;
}

} // namespace satgpt
