// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/trainingjobrecord.h"

#include "core/jobs/trainingeventparser.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {

double numberOr(const QJsonObject &o, const char *key, double fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble() : fallback;
}

QJsonValue finiteOrNull(double v)
{
    // JSON has no NaN/Inf; null reads back as NaN.
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

double numberOrNan(const QJsonValue &v) { return v.isDouble() ? v.toDouble() : std::nan(""); }

QString dateKey(const QDateTime &t) { return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString(); }

} // namespace

double TrainingJobRecord::lastSamplesPerSecond() const
{
    for (auto it = steps.crbegin(); it != steps.crend(); ++it) {
        if (std::isfinite(it->samplesPerSecond) && it->samplesPerSecond > 0)
            return it->samplesPerSecond;
    }
    return 0.0;
}

QStringList TrainingJobRecord::metricNames() const
{
    QStringList names;
    for (const EvalPoint &e : evals) {
        for (auto it = e.metrics.cbegin(); it != e.metrics.cend(); ++it) {
            if (!names.contains(it.key()))
                names.append(it.key());
        }
    }
    std::sort(names.begin(), names.end(), [](const QString &a, const QString &b) {
        const bool al = a == QLatin1String("loss"), bl = b == QLatin1String("loss");
        if (al != bl)
            return al;
        return a < b;
    });
    return names;
}

void TrainingJobRecord::appendLog(const QString &text)
{
    if (text.isEmpty())
        return;
    log.append(text);
    logCharsAppended += text.size();
    if (!log.endsWith(QLatin1Char('\n'))) {
        log.append(QLatin1Char('\n'));
        ++logCharsAppended;
    }
    if (log.size() > maxLogChars()) {
        qsizetype cut = log.size() - maxLogChars() * 3 / 4;
        const qsizetype newline = log.indexOf(QLatin1Char('\n'), cut);
        if (newline >= 0)
            cut = newline + 1;
        log.remove(0, cut);
        log.prepend(QStringLiteral("[... earlier output trimmed ...]\n"));
    }
}

int TrainingJobRecord::applyEvent(const TrainingEvent &event)
{
    const QJsonObject &o = event.object;
    switch (event.type) {
    case TrainingEvent::Type::Text:
        appendLog(event.text);
        return LogChanged;
    case TrainingEvent::Type::Unknown:
        appendLog(event.text);
        return LogChanged;
    case TrainingEvent::Type::Start: {
        int changes = InfoChanged | ProgressChanged | LogChanged;
        const QString out = o.value(QLatin1String("out")).toString();
        if (!out.isEmpty())
            outputDir = out;
        totalSteps = qint64(numberOr(o, "total_steps", double(totalSteps)));
        epochs = int(numberOr(o, "epochs", epochs));
        samples = qint64(numberOr(o, "samples", double(samples)));
        const QString dev = o.value(QLatin1String("device")).toString();
        if (!dev.isEmpty())
            device = dev;
        const qint64 resumedFrom = qint64(numberOr(o, "resumed_from_step", 0));
        // A resumed run replays nothing before its checkpoint; what the old run logged after
        // that checkpoint is about to be redone, so drop it to keep the curves single-valued.
        const auto stepsBefore = steps.size();
        while (!steps.isEmpty() && steps.last().step > resumedFrom)
            steps.removeLast();
        const auto evalsBefore = evals.size();
        while (!evals.isEmpty() && evals.last().step > resumedFrom)
            evals.removeLast();
        if (steps.size() != stepsBefore)
            changes |= StepsChanged;
        if (evals.size() != evalsBefore)
            changes |= EvalsChanged;
        progress = totalSteps > 0 ? qBound(0.0, double(resumedFrom) / double(totalSteps), 1.0) : 0.0;
        etaSeconds = -1.0;
        doneStatus.clear();
        appendLog(resumedFrom > 0
                      ? QStringLiteral("Started on %1: %2 steps, resuming from step %3").arg(device).arg(totalSteps).arg(resumedFrom)
                      : QStringLiteral("Started on %1: %2 steps, %3 epochs, %4 samples").arg(device).arg(totalSteps).arg(epochs).arg(samples));
        return changes;
    }
    case TrainingEvent::Type::Step: {
        StepPoint p;
        p.step = qint64(numberOr(o, "step", steps.isEmpty() ? 1 : double(steps.last().step + 1)));
        p.epoch = numberOrNan(o.value(QLatin1String("epoch")));
        p.loss = numberOrNan(o.value(QLatin1String("loss")));
        p.lr = numberOrNan(o.value(QLatin1String("lr")));
        p.samplesPerSecond = numberOrNan(o.value(QLatin1String("samples_per_s")));
        while (!steps.isEmpty() && steps.last().step >= p.step)
            steps.removeLast();
        steps.append(p);
        const QJsonValue pv = o.value(QLatin1String("progress"));
        if (pv.isDouble())
            progress = qBound(0.0, pv.toDouble(), 1.0);
        else if (totalSteps > 0)
            progress = qBound(0.0, double(p.step) / double(totalSteps), 1.0);
        etaSeconds = numberOr(o, "eta_s", -1.0);
        return StepsChanged | ProgressChanged;
    }
    case TrainingEvent::Type::Eval: {
        EvalPoint e;
        e.step = qint64(numberOr(o, "step", steps.isEmpty() ? 0 : double(steps.last().step)));
        e.epoch = numberOrNan(o.value(QLatin1String("epoch")));
        e.split = o.value(QLatin1String("split")).toString();
        const QJsonObject metrics = o.value(QLatin1String("metrics")).toObject();
        for (auto it = metrics.begin(); it != metrics.end(); ++it) {
            if (it.value().isDouble())
                e.metrics.insert(it.key(), it.value().toDouble());
        }
        evals.append(e);
        QStringList parts;
        for (auto it = e.metrics.cbegin(); it != e.metrics.cend(); ++it)
            parts << QStringLiteral("%1=%2").arg(it.key()).arg(it.value(), 0, 'g', 4);
        appendLog(QStringLiteral("Evaluation at step %1 (%2): %3").arg(e.step).arg(e.split, parts.join(QLatin1String(", "))));
        return EvalsChanged | LogChanged;
    }
    case TrainingEvent::Type::Checkpoint: {
        lastCheckpoint = o.value(QLatin1String("path")).toString();
        const bool best = o.value(QLatin1String("best")).toBool();
        appendLog(QStringLiteral("Checkpoint at step %1: %2%3")
                      .arg(qint64(numberOr(o, "step", 0)))
                      .arg(lastCheckpoint, best ? QStringLiteral(" (best so far)") : QString()));
        return InfoChanged | LogChanged;
    }
    case TrainingEvent::Type::Log: {
        const QString level = o.value(QLatin1String("level")).toString(QStringLiteral("info"));
        appendLog(QStringLiteral("[%1] %2").arg(level, o.value(QLatin1String("message")).toString()));
        return LogChanged;
    }
    case TrainingEvent::Type::Done: {
        doneStatus = o.value(QLatin1String("status")).toString();
        const QString dir = o.value(QLatin1String("model_dir")).toString();
        if (!dir.isEmpty())
            modelDir = dir;
        const QString msg = o.value(QLatin1String("message")).toString();
        if (!msg.isEmpty())
            message = msg;
        if (doneStatus == QLatin1String("succeeded"))
            progress = 1.0;
        etaSeconds = -1.0;
        appendLog(QStringLiteral("Done: %1%2").arg(doneStatus, msg.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(msg)));
        return InfoChanged | ProgressChanged | LogChanged;
    }
    }
    return NoChange;
}

QString TrainingJobRecord::stateKey(State state)
{
    switch (state) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Running:
        return QStringLiteral("running");
    case State::Finished:
        return QStringLiteral("finished");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Canceled:
        return QStringLiteral("canceled");
    }
    return QString();
}

std::optional<TrainingJobRecord::State> TrainingJobRecord::stateFromKey(const QString &key)
{
    for (State s : {State::Queued, State::Running, State::Finished, State::Failed, State::Canceled}) {
        if (stateKey(s) == key)
            return s;
    }
    return std::nullopt;
}

QJsonObject TrainingJobRecord::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("id"), id);
    o.insert(QLatin1String("name"), name);
    o.insert(QLatin1String("config"), config);
    o.insert(QLatin1String("state"), stateKey(state));
    o.insert(QLatin1String("progress"), progress);
    o.insert(QLatin1String("eta_s"), etaSeconds);
    o.insert(QLatin1String("output_dir"), outputDir);
    o.insert(QLatin1String("model_dir"), modelDir);
    o.insert(QLatin1String("message"), message);
    o.insert(QLatin1String("device"), device);
    o.insert(QLatin1String("total_steps"), double(totalSteps));
    o.insert(QLatin1String("samples"), double(samples));
    o.insert(QLatin1String("epochs"), epochs);
    o.insert(QLatin1String("last_checkpoint"), lastCheckpoint);
    o.insert(QLatin1String("done_status"), doneStatus);
    o.insert(QLatin1String("exit_code"), exitCode);
    o.insert(QLatin1String("run_count"), runCount);
    o.insert(QLatin1String("created"), dateKey(createdAt));
    o.insert(QLatin1String("started"), dateKey(startedAt));
    o.insert(QLatin1String("finished"), dateKey(finishedAt));
    // Rows rather than objects: a long run has many thousand steps and the store stays small.
    QJsonArray stepRows;
    for (const StepPoint &p : steps)
        stepRows.append(QJsonArray{double(p.step), finiteOrNull(p.epoch), finiteOrNull(p.loss), finiteOrNull(p.lr),
                                   finiteOrNull(p.samplesPerSecond)});
    o.insert(QLatin1String("step_columns"), QJsonArray{QStringLiteral("step"), QStringLiteral("epoch"), QStringLiteral("loss"),
                                                      QStringLiteral("lr"), QStringLiteral("samples_per_s")});
    o.insert(QLatin1String("steps"), stepRows);
    QJsonArray evalRows;
    for (const EvalPoint &e : evals) {
        QJsonObject metrics;
        for (auto it = e.metrics.cbegin(); it != e.metrics.cend(); ++it)
            metrics.insert(it.key(), finiteOrNull(it.value()));
        evalRows.append(QJsonObject{{QStringLiteral("step"), double(e.step)},
                                    {QStringLiteral("epoch"), finiteOrNull(e.epoch)},
                                    {QStringLiteral("split"), e.split},
                                    {QStringLiteral("metrics"), metrics}});
    }
    o.insert(QLatin1String("evals"), evalRows);
    o.insert(QLatin1String("log"), log);
    return o;
}

Result<TrainingJobRecord> TrainingJobRecord::fromJson(const QJsonObject &o)
{
    TrainingJobRecord r;
    r.id = o.value(QLatin1String("id")).toString();
    if (r.id.isEmpty())
        return makeError("training job entry has no id");
    const auto state = stateFromKey(o.value(QLatin1String("state")).toString());
    if (!state)
        return makeError("training job entry has an unknown state", {},
                         o.value(QLatin1String("state")).toString().toStdString());
    r.state = *state;
    r.name = o.value(QLatin1String("name")).toString();
    r.config = o.value(QLatin1String("config")).toObject();
    r.progress = qBound(0.0, o.value(QLatin1String("progress")).toDouble(), 1.0);
    r.etaSeconds = o.value(QLatin1String("eta_s")).toDouble(-1.0);
    r.outputDir = o.value(QLatin1String("output_dir")).toString();
    r.modelDir = o.value(QLatin1String("model_dir")).toString();
    r.message = o.value(QLatin1String("message")).toString();
    r.device = o.value(QLatin1String("device")).toString();
    r.totalSteps = qint64(o.value(QLatin1String("total_steps")).toDouble());
    r.samples = qint64(o.value(QLatin1String("samples")).toDouble());
    r.epochs = o.value(QLatin1String("epochs")).toInt();
    r.lastCheckpoint = o.value(QLatin1String("last_checkpoint")).toString();
    r.doneStatus = o.value(QLatin1String("done_status")).toString();
    r.exitCode = o.value(QLatin1String("exit_code")).toInt();
    r.runCount = o.value(QLatin1String("run_count")).toInt();
    r.createdAt = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    r.startedAt = QDateTime::fromString(o.value(QLatin1String("started")).toString(), Qt::ISODateWithMs);
    r.finishedAt = QDateTime::fromString(o.value(QLatin1String("finished")).toString(), Qt::ISODateWithMs);
    const QJsonArray stepRows = o.value(QLatin1String("steps")).toArray();
    r.steps.reserve(stepRows.size());
    for (const QJsonValue &row : stepRows) {
        const QJsonArray a = row.toArray();
        if (a.size() < 5)
            return makeError("training job entry has a malformed step row", {}, r.id.toStdString());
        r.steps.append(StepPoint{qint64(a.at(0).toDouble()), numberOrNan(a.at(1)), numberOrNan(a.at(2)), numberOrNan(a.at(3)),
                                 numberOrNan(a.at(4))});
    }
    for (const QJsonValue &row : o.value(QLatin1String("evals")).toArray()) {
        const QJsonObject e = row.toObject();
        EvalPoint p;
        p.step = qint64(e.value(QLatin1String("step")).toDouble());
        p.epoch = numberOrNan(e.value(QLatin1String("epoch")));
        p.split = e.value(QLatin1String("split")).toString();
        const QJsonObject metrics = e.value(QLatin1String("metrics")).toObject();
        for (auto it = metrics.begin(); it != metrics.end(); ++it)
            p.metrics.insert(it.key(), numberOrNan(it.value()));
        r.evals.append(p);
    }
    r.log = o.value(QLatin1String("log")).toString();
    return r;
}

} // namespace satgpt
