// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace satgpt {

/// Draws a TrainingJobModel progress cell as a progress bar with the percentage and, for
/// running jobs, the remaining time (TrainingJobModel::ProgressRole / EtaRole / StateRole).
/// GUI thread only.
class JobProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace satgpt
