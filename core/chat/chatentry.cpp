// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/chatentry.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace satgpt {

namespace {

QJsonArray rectToArray(const QRect &r) { return QJsonArray{r.x(), r.y(), r.width(), r.height()}; }

QJsonArray mapToArray(const QRectF &r) { return QJsonArray{r.left(), r.top(), r.right(), r.bottom()}; }

} // namespace

QString ChatRegion::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Annotation:
        return QStringLiteral("annotation");
    case Kind::Box:
        return QStringLiteral("box");
    case Kind::Viewport:
        break;
    }
    return QStringLiteral("viewport");
}

QJsonObject ChatRegion::toJson() const
{
    return QJsonObject{{QStringLiteral("kind"), kindName(kind)},
                       {QStringLiteral("annotationId"), annotationId},
                       {QStringLiteral("pixel"), rectToArray(pixel)},
                       {QStringLiteral("map"), mapToArray(map)},
                       {QStringLiteral("crs"), crs}};
}

ChatRegion ChatRegion::fromJson(const QJsonObject &json)
{
    ChatRegion r;
    const QString kind = json.value(QStringLiteral("kind")).toString();
    r.kind = kind == QLatin1String("annotation") ? Kind::Annotation
           : kind == QLatin1String("box")        ? Kind::Box
                                                 : Kind::Viewport;
    r.annotationId = json.value(QStringLiteral("annotationId")).toString();
    const QJsonArray p = json.value(QStringLiteral("pixel")).toArray();
    if (p.size() == 4)
        r.pixel = QRect(p[0].toInt(), p[1].toInt(), p[2].toInt(), p[3].toInt());
    const QJsonArray m = json.value(QStringLiteral("map")).toArray();
    if (m.size() == 4)
        r.map = QRectF(QPointF(m[0].toDouble(), m[1].toDouble()), QPointF(m[2].toDouble(), m[3].toDouble()));
    r.crs = json.value(QStringLiteral("crs")).toString();
    return r;
}

ChatEntry ChatEntry::create()
{
    ChatEntry e;
    e.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    e.time = QDateTime::currentDateTimeUtc();
    return e;
}

QJsonObject ChatEntry::generationToJson(const ml::GenerationSettings &s)
{
    QJsonObject o{{QStringLiteral("maxNewTokens"), s.maxNewTokens},
                  {QStringLiteral("numBeams"), s.numBeams},
                  {QStringLiteral("doSample"), s.doSample},
                  {QStringLiteral("temperature"), s.temperature},
                  {QStringLiteral("topK"), s.topK},
                  {QStringLiteral("topP"), s.topP},
                  {QStringLiteral("repetitionPenalty"), s.repetitionPenalty}};
    if (s.seed)
        o.insert(QStringLiteral("seed"), qint64(*s.seed));
    return o;
}

ml::GenerationSettings ChatEntry::generationFromJson(const QJsonObject &json, const ml::GenerationSettings &defaults)
{
    ml::GenerationSettings s = defaults;
    auto intKey = [&](const char *key, int &out) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isDouble() && v.toInt() > 0)
            out = v.toInt();
    };
    auto doubleKey = [&](const char *key, double &out) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isDouble())
            out = v.toDouble();
    };
    intKey("maxNewTokens", s.maxNewTokens);
    intKey("numBeams", s.numBeams);
    intKey("topK", s.topK);
    doubleKey("temperature", s.temperature);
    doubleKey("topP", s.topP);
    doubleKey("repetitionPenalty", s.repetitionPenalty);
    if (json.value(QStringLiteral("doSample")).isBool())
        s.doSample = json.value(QStringLiteral("doSample")).toBool();
    if (json.value(QStringLiteral("seed")).isDouble())
        s.seed = uint64_t(json.value(QStringLiteral("seed")).toInteger());
    return s;
}

QJsonObject ChatEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("time"), time.toUTC().toString(Qt::ISODate)},
                  {QStringLiteral("sceneId"), sceneId},
                  {QStringLiteral("scenePath"), scenePath},
                  {QStringLiteral("region"), region.toJson()},
                  {QStringLiteral("question"), question},
                  {QStringLiteral("answer"), answer},
                  {QStringLiteral("method"), method},
                  {QStringLiteral("verified"), verified},
                  {QStringLiteral("modelId"), modelId},
                  {QStringLiteral("modelPath"), modelPath},
                  {QStringLiteral("generation"), generationToJson(generation)}};
    if (!heatmap.isEmpty())
        o.insert(QStringLiteral("heatmap"), QJsonObject{{QStringLiteral("method"), heatmap.method},
                                                        {QStringLiteral("path"), heatmap.path},
                                                        {QStringLiteral("colorMap"), heatmap.colorMap},
                                                        {QStringLiteral("token"), heatmap.token}});
    if (!tokenIds.isEmpty()) {
        QJsonArray ids;
        for (qint64 t : tokenIds)
            ids.append(t);
        o.insert(QStringLiteral("tokenIds"), ids);
        o.insert(QStringLiteral("tokens"), QJsonArray::fromStringList(tokens));
    }
    if (canceled)
        o.insert(QStringLiteral("canceled"), true);
    if (countEstimate >= 0.0) {
        QJsonArray objects;
        for (const QPointF &p : countedObjects)
            objects.append(QJsonArray{p.x(), p.y()});
        o.insert(QStringLiteral("count"), QJsonObject{{QStringLiteral("estimate"), countEstimate},
                                                      {QStringLiteral("validationMae"), countValidationMae},
                                                      {QStringLiteral("objects"), objects}});
    }
    if (!compareSceneId.isEmpty() || !compareScenePath.isEmpty())
        o.insert(QStringLiteral("compare"), QJsonObject{{QStringLiteral("sceneId"), compareSceneId},
                                                        {QStringLiteral("scenePath"), compareScenePath},
                                                        {QStringLiteral("answer"), compareAnswer}});
    return o;
}

ChatEntry ChatEntry::fromJson(const QJsonObject &json)
{
    ChatEntry e;
    e.id = json.value(QStringLiteral("id")).toString();
    e.time = QDateTime::fromString(json.value(QStringLiteral("time")).toString(), Qt::ISODate).toUTC();
    e.sceneId = json.value(QStringLiteral("sceneId")).toString();
    e.scenePath = json.value(QStringLiteral("scenePath")).toString();
    e.region = ChatRegion::fromJson(json.value(QStringLiteral("region")).toObject());
    e.question = json.value(QStringLiteral("question")).toString();
    e.answer = json.value(QStringLiteral("answer")).toString();
    e.method = json.value(QStringLiteral("method")).toString(QString::fromLatin1(kMethodDecoder));
    e.verified = json.value(QStringLiteral("verified")).toBool(false);
    e.modelId = json.value(QStringLiteral("modelId")).toString();
    e.modelPath = json.value(QStringLiteral("modelPath")).toString();
    e.generation = generationFromJson(json.value(QStringLiteral("generation")).toObject());
    const QJsonObject h = json.value(QStringLiteral("heatmap")).toObject();
    e.heatmap.method = h.value(QStringLiteral("method")).toString();
    e.heatmap.path = h.value(QStringLiteral("path")).toString();
    e.heatmap.colorMap = h.value(QStringLiteral("colorMap")).toString(QStringLiteral("viridis"));
    e.heatmap.token = h.value(QStringLiteral("token")).toInt(-1);
    const QJsonArray ids = json.value(QStringLiteral("tokenIds")).toArray();
    const QJsonArray pieces = json.value(QStringLiteral("tokens")).toArray();
    // Ids and pieces belong together; a file where they disagree keeps neither.
    if (ids.size() == pieces.size()) {
        for (int i = 0; i < ids.size(); ++i) {
            e.tokenIds.push_back(ids[i].toInteger());
            e.tokens.push_back(pieces[i].toString());
        }
    }
    e.canceled = json.value(QStringLiteral("canceled")).toBool(false);
    const QJsonObject count = json.value(QStringLiteral("count")).toObject();
    e.countEstimate = count.value(QStringLiteral("estimate")).toDouble(-1.0);
    e.countValidationMae = count.value(QStringLiteral("validationMae")).toDouble(-1.0);
    for (const QJsonValue &v : count.value(QStringLiteral("objects")).toArray()) {
        const QJsonArray xy = v.toArray();
        if (xy.size() == 2)
            e.countedObjects.append(QPointF(xy[0].toDouble(), xy[1].toDouble()));
    }
    const QJsonObject c = json.value(QStringLiteral("compare")).toObject();
    e.compareSceneId = c.value(QStringLiteral("sceneId")).toString();
    e.compareScenePath = c.value(QStringLiteral("scenePath")).toString();
    e.compareAnswer = c.value(QStringLiteral("answer")).toString();
    return e;
}

QString ChatEntry::modelPrompt(const QString &question)
{
    static const QRegularExpression describe(
        QStringLiteral("^\\s*(please\\s+)?(describe|caption|summari[sz]e)\\b"), QRegularExpression::CaseInsensitiveOption);
    return describe.match(question).hasMatch() ? QString() : question;
}

QString ChatEntry::countedClass(const QString &question)
{
    static const QRegularExpression re(QStringLiteral("\\bhow\\s+many\\s+([\\p{L}\\- ]+?)(?:\\s+(?:are|is|can|do|does|in|on|there|visible)\\b|[?.!]|$)"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(question.trimmed());
    return m.hasMatch() ? m.captured(1).trimmed().toLower() : QString();
}

} // namespace satgpt
