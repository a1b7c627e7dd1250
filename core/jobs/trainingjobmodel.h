// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/trainingjobqueue.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace satgpt {

/// A table over a TrainingJobQueue for the Jobs panel (as QgsTaskManagerModel is for
/// QgsTaskManager): one row per job in queue order. The Progress column's DisplayRole is a
/// percentage; delegates use ProgressRole and EtaRole to draw a bar. Tested under
/// QAbstractItemModelTester.
///
/// Does not own the queue; GUI thread only.
class TrainingJobModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, StateColumn, ProgressColumn, LossColumn, DeviceColumn, StartedColumn, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,      ///< int(TrainingJobRecord::State)
        ProgressRole,   ///< double in [0,1]
        EtaRole,        ///< double seconds, negative when unknown
        MessageRole,    ///< QString
        ModelDirRole,   ///< QString, empty unless finished
        OutputDirRole,  ///< QString
    };

    explicit TrainingJobModel(TrainingJobQueue *queue, QObject *parent = nullptr);

    TrainingJobQueue *queue() const { return m_queue; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Translated state name for display ("Running", ...).
    static QString stateText(int state);
    /// "1 h 05 min", "3 min 20 s", "45 s"; empty when unknown.
    static QString formatDuration(double seconds);

private:
    QPointer<TrainingJobQueue> m_queue;
};

} // namespace satgpt
