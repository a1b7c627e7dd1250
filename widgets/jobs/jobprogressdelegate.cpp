// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/jobs/jobprogressdelegate.h"

#include "core/jobs/trainingjobmodel.h"
#include "core/jobs/trainingjobrecord.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace satgpt {

void JobProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant progress = index.data(TrainingJobModel::ProgressRole);
    if (!progress.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The selection background first, so a selected row still reads as selected.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = qBound(0, int(progress.toDouble() * 1000.0 + 0.5), 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = option.state | QStyle::State_Horizontal;
    const auto state = TrainingJobRecord::State(index.data(TrainingJobModel::StateRole).toInt());
    if (state != TrainingJobRecord::State::Running && state != TrainingJobRecord::State::Queued)
        bar.state &= ~QStyle::State_Enabled;
    bar.palette = option.palette;
    if (state == TrainingJobRecord::State::Failed)
        bar.palette.setColor(QPalette::Highlight, QColor(0xc0, 0x39, 0x2b));
    else if (state == TrainingJobRecord::State::Finished)
        bar.palette.setColor(QPalette::Highlight, QColor(0x2e, 0x8b, 0x57));
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

QSize JobProgressDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), option.fontMetrics.horizontalAdvance(QStringLiteral("100 % · 00 min 00 s left")) + 16));
    s.setHeight(std::max(s.height(), option.fontMetrics.height() + 8));
    return s;
}

} // namespace satgpt
