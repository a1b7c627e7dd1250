// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace satgpt {

/// One item of a training worker's `--events` stream (see train-protocol.md). Lines that are
/// not a JSON object with an "event" member become Type::Text so that nothing the worker
/// printed is lost: they belong in the job's log.
struct TrainingEvent
{
    enum class Type { Start, Step, Eval, Checkpoint, Log, Done, Unknown, Text };

    Type type = Type::Text;
    /// The parsed object (empty for Text).
    QJsonObject object;
    /// The raw line, without its line terminator.
    QString text;

    QString name() const { return object.value(QLatin1String("event")).toString(); }
    double number(const char *key, double fallback = 0.0) const
    {
        return object.value(QLatin1String(key)).toDouble(fallback);
    }
    QString string(const char *key) const { return object.value(QLatin1String(key)).toString(); }

    static Type typeFromName(const QString &name);
};

/// Splits a worker's stdout into TrainingEvents as chunks arrive. QProcess hands out whatever
/// the pipe holds, so a chunk may end inside a line or even inside a UTF-8 sequence; the tail
/// is kept until its newline arrives (or until finish()). Tolerant by design: blank lines are
/// skipped, malformed lines become Text events, CRLF is accepted, and a runaway line without a
/// newline is flushed as text once it exceeds maxLineLength() so memory stays bounded.
///
/// A plain value object with no thread affinity; use one parser per stream.
class TrainingEventParser
{
public:
    /// Parses everything complete in `chunk` (plus what was pending).
    QVector<TrainingEvent> feed(const QByteArray &chunk);
    /// Parses what is left without a trailing newline (call when the stream has ended).
    QVector<TrainingEvent> finish();
    /// Bytes received but not yet parsed (an incomplete line).
    qsizetype pendingBytes() const { return m_buffer.size(); }

    static TrainingEvent parseLine(const QByteArray &line);

    static constexpr qsizetype maxLineLength() { return 4 * 1024 * 1024; }

private:
    QByteArray m_buffer;
};

} // namespace satgpt
