// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/annotations/labelschema.h"

#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace satgpt {

LabelClass &LabelSchema::addClass(const QString &name, const QColor &color, int hotkey)
{
    LabelClass c;
    c.id = nextId();
    c.name = name;
    // 8-bit ARGB, exactly what the project file stores.
    c.color = QColor::fromRgba((color.isValid() ? color : defaultColor(int(m_classes.size()))).rgba());
    if (hotkey == 0) {
        for (int k = 1; k <= 9; ++k) {
            if (!classByHotkey(k)) {
                hotkey = k;
                break;
            }
        }
    }
    c.hotkey = hotkey;
    m_classes.append(c);
    return m_classes.last();
}

bool LabelSchema::removeClass(int id)
{
    for (int i = 0; i < m_classes.size(); ++i) {
        if (m_classes[i].id == id) {
            m_classes.removeAt(i);
            return true;
        }
    }
    return false;
}

bool LabelSchema::updateClass(const LabelClass &cls)
{
    for (LabelClass &c : m_classes) {
        if (c.id == cls.id) {
            c = cls;
            return true;
        }
    }
    return false;
}

const LabelClass *LabelSchema::classById(int id) const
{
    for (const LabelClass &c : m_classes)
        if (c.id == id)
            return &c;
    return nullptr;
}

const LabelClass *LabelSchema::classByName(const QString &name) const
{
    for (const LabelClass &c : m_classes)
        if (c.name.compare(name, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

const LabelClass *LabelSchema::classByHotkey(int hotkey) const
{
    if (hotkey < 1 || hotkey > 9)
        return nullptr;
    for (const LabelClass &c : m_classes)
        if (c.hotkey == hotkey)
            return &c;
    return nullptr;
}

int LabelSchema::indexOf(int id) const
{
    for (int i = 0; i < m_classes.size(); ++i)
        if (m_classes[i].id == id)
            return i;
    return -1;
}

int LabelSchema::nextId() const
{
    int maxId = 0;
    for (const LabelClass &c : m_classes)
        maxId = std::max(maxId, c.id);
    return maxId + 1;
}

QString LabelSchema::nameOf(int id) const
{
    const LabelClass *c = classById(id);
    return c ? c->name : QString();
}

QColor LabelSchema::colorOf(int id) const
{
    const LabelClass *c = classById(id);
    return c ? c->color : QColor(Qt::yellow);
}

QJsonArray LabelSchema::toJson() const
{
    QJsonArray out;
    for (const LabelClass &c : m_classes)
        out.append(QJsonObject{{QStringLiteral("id"), c.id},
                               {QStringLiteral("name"), c.name},
                               {QStringLiteral("color"), c.color.name(QColor::HexArgb)},
                               {QStringLiteral("hotkey"), c.hotkey}});
    return out;
}

bool LabelSchema::fromJson(const QJsonArray &json, LabelSchema *out, QString *error)
{
    LabelSchema s;
    for (const QJsonValue &v : json) {
        const QJsonObject o = v.toObject();
        if (!v.isObject() || !o.value(QLatin1String("id")).isDouble() || !o.value(QLatin1String("name")).isString()) {
            if (error)
                *error = QStringLiteral("each label class needs a numeric 'id' and a string 'name'");
            return false;
        }
        LabelClass c;
        c.id = o.value(QLatin1String("id")).toInt();
        c.name = o.value(QLatin1String("name")).toString();
        c.color = QColor(o.value(QLatin1String("color")).toString());
        if (!c.color.isValid())
            c.color = defaultColor(int(s.m_classes.size()));
        c.hotkey = o.value(QLatin1String("hotkey")).toInt();
        if (c.hotkey < 0 || c.hotkey > 9)
            c.hotkey = 0;
        if (s.classById(c.id)) {
            if (error)
                *error = QStringLiteral("label class id %1 appears twice").arg(c.id);
            return false;
        }
        s.m_classes.append(c);
    }
    *out = std::move(s);
    return true;
}

QColor LabelSchema::defaultColor(int n)
{
    // Golden-angle hue steps keep neighbouring classes far apart on the colour wheel.
    const int hue = int(std::fmod(n * 137.508, 360.0));
    return QColor::fromHsv(hue, 200, 240).toRgb();
}

} // namespace satgpt
