// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QJsonArray>
#include <QString>
#include <QVector>

namespace satgpt {

/// One label class. `id` is stable (annotations refer to it); `hotkey` is 1-9 or 0 for none.
struct LabelClass
{
    int id = 0;
    QString name;
    QColor color;
    int hotkey = 0;

    /// Colours compare by ARGB value: an HSV and an RGB colour that look the same are equal.
    bool operator==(const LabelClass &o) const
    {
        return id == o.id && name == o.name && color.rgba() == o.color.rgba() && hotkey == o.hotkey;
    }
    bool operator!=(const LabelClass &o) const { return !(*this == o); }
};

/// The classes an annotator can assign, in display order. Plain value type; edits that should
/// be undoable go through AnnotationDocument::setSchema.
class LabelSchema
{
public:
    const QVector<LabelClass> &classes() const { return m_classes; }
    int size() const { return int(m_classes.size()); }
    bool isEmpty() const { return m_classes.isEmpty(); }

    /// Adds a class with a fresh id (and the first free hotkey when `hotkey` is 0); returns it.
    LabelClass &addClass(const QString &name, const QColor &color = QColor(), int hotkey = 0);
    void setClasses(const QVector<LabelClass> &classes) { m_classes = classes; }
    bool removeClass(int id);
    bool updateClass(const LabelClass &cls);

    const LabelClass *classById(int id) const;
    const LabelClass *classByName(const QString &name) const; ///< case-insensitive
    const LabelClass *classByHotkey(int hotkey) const;
    /// 0-based position in display order, -1 when absent (YOLO class indices use it).
    int indexOf(int id) const;
    int nextId() const;
    QString nameOf(int id) const;
    QColor colorOf(int id) const;

    QJsonArray toJson() const;
    static bool fromJson(const QJsonArray &json, LabelSchema *out, QString *error);

    /// A distinct colour for the n-th class, so new classes are told apart without a choice.
    static QColor defaultColor(int n);

    bool operator==(const LabelSchema &o) const { return m_classes == o.m_classes; }
    bool operator!=(const LabelSchema &o) const { return !(*this == o); }

private:
    QVector<LabelClass> m_classes;
};

} // namespace satgpt
