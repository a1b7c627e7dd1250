// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/trainingjobmodel.h"

#include "core/jobs/trainingjobqueue.h"

#include <QLocale>

#include <cmath>

namespace satgpt {

TrainingJobModel::TrainingJobModel(TrainingJobQueue *queue, QObject *parent) : QAbstractTableModel(parent), m_queue(queue)
{
    Q_ASSERT(queue);
    connect(queue, &TrainingJobQueue::recordAboutToBeInserted, this, [this](int row) { beginInsertRows({}, row, row); });
    connect(queue, &TrainingJobQueue::recordInserted, this, [this](int) { endInsertRows(); });
    connect(queue, &TrainingJobQueue::recordAboutToBeRemoved, this, [this](int row) { beginRemoveRows({}, row, row); });
    connect(queue, &TrainingJobQueue::recordRemoved, this, [this](int) { endRemoveRows(); });
    connect(queue, &TrainingJobQueue::aboutToReset, this, [this] { beginResetModel(); });
    connect(queue, &TrainingJobQueue::resetDone, this, [this] { endResetModel(); });
    connect(queue, &TrainingJobQueue::recordChanged, this, [this](int row, int) {
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    });
    // The queue may die first (it is the main window's child too); a model over nothing is empty.
    connect(queue, &QObject::destroyed, this, [this] {
        beginResetModel();
        endResetModel();
    });
}

int TrainingJobModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_queue ? 0 : m_queue->count();
}

int TrainingJobModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString TrainingJobModel::stateText(int state)
{
    switch (TrainingJobRecord::State(state)) {
    case TrainingJobRecord::State::Queued:
        return tr("Queued");
    case TrainingJobRecord::State::Running:
        return tr("Running");
    case TrainingJobRecord::State::Finished:
        return tr("Finished");
    case TrainingJobRecord::State::Failed:
        return tr("Failed");
    case TrainingJobRecord::State::Canceled:
        return tr("Canceled");
    }
    return QString();
}

QString TrainingJobModel::formatDuration(double seconds)
{
    if (!(seconds >= 0) || !std::isfinite(seconds))
        return QString();
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 s").arg(s);
}

QVariant TrainingJobModel::data(const QModelIndex &index, int role) const
{
    if (!m_queue || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrainingJobRecord &r = m_queue->at(index.row());
    switch (role) {
    case IdRole:
        return r.id;
    case StateRole:
        return int(r.state);
    case ProgressRole:
        return r.progress;
    case EtaRole:
        return r.etaSeconds;
    case MessageRole:
        return r.message;
    case ModelDirRole:
        return r.modelDir;
    case OutputDirRole:
        return r.outputDir;
    case Qt::ToolTipRole:
        return r.message.isEmpty() ? r.name : QStringLiteral("%1\n%2").arg(r.name, r.message);
    case Qt::TextAlignmentRole:
        if (index.column() == LossColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case NameColumn:
        return r.name;
    case StateColumn:
        return stateText(int(r.state));
    case ProgressColumn: {
        QString text = QStringLiteral("%1 %").arg(qRound(r.progress * 100));
        const QString eta = formatDuration(r.etaSeconds);
        if (r.state == TrainingJobRecord::State::Running && !eta.isEmpty())
            text += QStringLiteral(" · ") + tr("%1 left").arg(eta);
        return text;
    }
    case LossColumn:
        if (r.steps.isEmpty() || !std::isfinite(r.steps.last().loss))
            return QString();
        return QLocale().toString(r.steps.last().loss, 'f', 4);
    case DeviceColumn:
        return r.device;
    case StartedColumn:
        return r.startedAt.isValid() ? QLocale().toString(r.startedAt.toLocalTime(), QLocale::ShortFormat) : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TrainingJobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case NameColumn:
        return tr("Job");
    case StateColumn:
        return tr("State");
    case ProgressColumn:
        return tr("Progress");
    case LossColumn:
        return tr("Loss");
    case DeviceColumn:
        return tr("Device");
    case StartedColumn:
        return tr("Started");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace satgpt
