// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/trainingeventparser.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace satgpt {

TrainingEvent::Type TrainingEvent::typeFromName(const QString &name)
{
    if (name == QLatin1String("start"))
        return Type::Start;
    if (name == QLatin1String("step"))
        return Type::Step;
    if (name == QLatin1String("eval"))
        return Type::Eval;
    if (name == QLatin1String("checkpoint"))
        return Type::Checkpoint;
    if (name == QLatin1String("log"))
        return Type::Log;
    if (name == QLatin1String("done"))
        return Type::Done;
    return Type::Unknown;
}

TrainingEvent TrainingEventParser::parseLine(const QByteArray &line)
{
    TrainingEvent event;
    event.text = QString::fromUtf8(line);
    const QByteArray trimmed = line.trimmed();
    if (!trimmed.startsWith('{'))
        return event;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return event;
    const QJsonValue name = doc.object().value(QLatin1String("event"));
    if (!name.isString())
        return event;
    event.object = doc.object();
    event.type = TrainingEvent::typeFromName(name.toString());
    return event;
}

QVector<TrainingEvent> TrainingEventParser::feed(const QByteArray &chunk)
{
    QVector<TrainingEvent> events;
    m_buffer.append(chunk);
    qsizetype begin = 0;
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n', begin);
        if (newline < 0)
            break;
        QByteArray line = m_buffer.mid(begin, newline - begin);
        if (line.endsWith('\r'))
            line.chop(1);
        begin = newline + 1;
        if (line.trimmed().isEmpty())
            continue;
        events.append(parseLine(line));
    }
    m_buffer.remove(0, begin);
    if (m_buffer.size() > maxLineLength()) {
        // Not an event stream any more (or a broken worker): keep the text, drop the buffer.
        TrainingEvent event;
        event.text = QString::fromUtf8(m_buffer);
        events.append(event);
        m_buffer.clear();
    }
    return events;
}

QVector<TrainingEvent> TrainingEventParser::finish()
{
    QVector<TrainingEvent> events;
    QByteArray line = m_buffer;
    m_buffer.clear();
    if (line.endsWith('\r'))
        line.chop(1);
    if (!line.trimmed().isEmpty())
        events.append(parseLine(line));
    return events;
}

} // namespace satgpt
