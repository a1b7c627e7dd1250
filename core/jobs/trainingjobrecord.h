// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace satgpt {

struct TrainingEvent;

/// Everything the workbench knows about one fine-tuning job: what was asked (config), where it
/// stands (state, progress, ETA), what it produced (loss/lr per step, metrics per evaluation,
/// log, output and model folders). A plain value type: copy it freely, persist it with
/// toJson()/fromJson() (the job store and the project file use the same form). No thread
/// affinity; TrainingJobQueue owns the live copies on the GUI thread.
struct TrainingJobRecord
{
    enum class State { Queued, Running, Finished, Failed, Canceled };

    struct StepPoint
    {
        qint64 step = 0;
        double epoch = 0.0;
        double loss = 0.0;
        double lr = 0.0;
        double samplesPerSecond = 0.0;
    };

    struct EvalPoint
    {
        qint64 step = 0;
        double epoch = 0.0;
        QString split;
        QMap<QString, double> metrics;
    };

    /// What applyEvent() changed, so views repaint only what they must.
    enum Change {
        NoChange = 0,
        ProgressChanged = 1,
        StepsChanged = 2,
        EvalsChanged = 4,
        LogChanged = 8,
        InfoChanged = 16,
    };

    QString id;
    QString name;
    /// The job configuration written to the worker's --config file (train-protocol.md).
    QJsonObject config;
    State state = State::Queued;
    /// In [0,1].
    double progress = 0.0;
    /// Seconds left as the worker last estimated them; negative when unknown.
    double etaSeconds = -1.0;
    QVector<StepPoint> steps;
    QVector<EvalPoint> evals;
    /// Worker stderr, non-event stdout and a readable line per notable event; the head is
    /// trimmed beyond maxLogChars() so that a chatty worker cannot exhaust memory.
    QString log;
    /// How many characters appendLog() has added in this session (not persisted); lets a
    /// listener find the new tail even after the head was trimmed.
    qint64 logCharsAppended = 0;
    QString outputDir;
    /// The usable model folder (`done.model_dir`), empty until the job succeeded.
    QString modelDir;
    /// A one-line summary of the outcome ("Finished", the failure reason, ...).
    QString message;
    QString device;
    qint64 totalSteps = 0;
    qint64 samples = 0;
    int epochs = 0;
    QString lastCheckpoint;
    /// The status of the worker's `done` event ("succeeded", "canceled", "failed"); empty
    /// until it arrives. The queue combines it with the exit code to settle the state.
    QString doneStatus;
    int exitCode = 0;
    int runCount = 0;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;

    bool isActive() const { return state == State::Queued || state == State::Running; }
    bool isFinal() const { return !isActive(); }
    /// Failed or canceled jobs can continue from their newest checkpoint (or start again).
    bool canResume() const { return (state == State::Failed || state == State::Canceled) && !outputDir.isEmpty(); }
    /// Throughput of the latest step (0 when none).
    double lastSamplesPerSecond() const;
    /// Metric names over all evaluations, "loss" first, then alphabetical.
    QStringList metricNames() const;

    /// Folds one worker event into the record; returns a set of Change flags.
    int applyEvent(const TrainingEvent &event);
    /// Appends text to the log (a newline is added when missing); trims the head past the cap.
    void appendLog(const QString &text);

    QJsonObject toJson() const;
    /// Reads what toJson() wrote; unknown members are ignored, a missing id or bad state is an error.
    static Result<TrainingJobRecord> fromJson(const QJsonObject &json);

    /// Stable, untranslated names used in JSON ("queued", "running", "finished", "failed", "canceled").
    static QString stateKey(State state);
    static std::optional<State> stateFromKey(const QString &key);

    static constexpr qsizetype maxLogChars() { return 2 * 1024 * 1024; }
};

} // namespace satgpt
