// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/jobs/trainingjobrecord.h"

#include <QHash>
#include <QWidget>

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QLabel;

namespace satgpt {

/// Live training curves of one job: loss (left axis) and learning rate (right axis) per step
/// on top, evaluation metrics per step below, sharing the step axis. Drag to pan, wheel to
/// zoom, double-click to fit all data again; while the user has not zoomed, new data keeps the
/// view fitted. Exports what it shows with savePng()/savePdf().
///
/// Built on QCustomPlot when SATGPT_HAVE_QCUSTOMPLOT is defined; otherwise it shows a notice
/// and exports fail. GUI thread only; owned by its parent widget.
class TrainingCurvesView final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingCurvesView(QWidget *parent = nullptr);
    ~TrainingCurvesView() override;

    /// Shows `record`'s series (replacing what was shown).
    void setRecord(const TrainingJobRecord &record);
    /// Refreshes from `record` after TrainingJobRecord::Change flags `changes`; cheap when
    /// nothing plotted changed.
    void updateRecord(const TrainingJobRecord &record, int changes);
    void clear();
    /// Fits every axis to its data again (undoes zoom and drag).
    void resetView();

    /// Renders the plot at `size` (the widget's size when empty). False when it could not be written.
    bool savePng(const QString &path, const QSize &size = QSize());
    bool savePdf(const QString &path, const QSize &size = QSize());

    QString recordId() const { return m_recordId; }
    /// For tests and the app: the plot and its graphs (null without QCustomPlot).
    QCustomPlot *plot() const { return m_plot; }
    QCPGraph *lossGraph() const { return m_lossGraph; }
    QCPGraph *learningRateGraph() const { return m_lrGraph; }
    QCPGraph *metricGraph(const QString &name) const { return m_metricGraphs.value(name); }
    QStringList metricNames() const { return m_metricGraphs.keys(); }

private:
    void rebuildSteps(const TrainingJobRecord &record);
    void rebuildEvals(const TrainingJobRecord &record);
    void fitIfFollowing();

    QString m_recordId;
    QCustomPlot *m_plot = nullptr;
    QCPAxisRect *m_metricRect = nullptr;
    QCPGraph *m_lossGraph = nullptr;
    QCPGraph *m_lrGraph = nullptr;
    QHash<QString, QCPGraph *> m_metricGraphs;
    QLabel *m_notice = nullptr;
    /// False once the user zoomed or dragged: new data then leaves the view alone.
    bool m_following = true;
};

} // namespace satgpt
