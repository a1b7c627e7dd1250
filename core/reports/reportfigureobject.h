// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/reports/reportdocument.h"

#include <QObject>
#include <QPainter>
#include <QTextFormat>
#include <QTextObjectInterface>

namespace satgpt {

/// Draws a figure's QPicture where the text layout placed its object character, so maps and
/// charts reach the PDF as painter commands rather than as a screenshot.
/// Used by ReportLayout only; lives on the thread of its QTextDocument.
class ReportFigureObject final : public QObject, public QTextObjectInterface
{
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)
public:
    static constexpr int kObjectType = QTextFormat::UserObject + 17;
    static constexpr int kIndexProperty = QTextFormat::UserProperty + 17;
    static constexpr int kSizeProperty = QTextFormat::UserProperty + 18;

    explicit ReportFigureObject(const QVector<ReportFigure> *figures) : m_figures(figures) {}
    QSizeF intrinsicSize(QTextDocument *, int, const QTextFormat &format) override
    {
        return format.property(kSizeProperty).toSizeF();
    }
    void drawObject(QPainter *painter, const QRectF &rect, QTextDocument *, int, const QTextFormat &format) override
    {
        const int index = format.property(kIndexProperty).toInt();
        if (index < 0 || index >= m_figures->size())
            return;
        const ReportFigure &f = (*m_figures)[index];
        if (f.size.isEmpty())
            return;
        // The layout paints every page with a clip to that page; QCustomPlot's recorded pictures
        // replace the clip with their own, so a figure of another page would leak into this one.
        if (painter->hasClipping() && !painter->clipBoundingRect().intersects(rect))
            return;
        painter->save();
        painter->translate(rect.topLeft());
        painter->scale(rect.width() / f.size.width(), rect.height() / f.size.height());
        painter->drawPicture(0, 0, f.picture);
        painter->restore();
    }

private:
    const QVector<ReportFigure> *m_figures;
};

} // namespace satgpt
