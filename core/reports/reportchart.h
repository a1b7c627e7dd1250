// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QPicture>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QVector>

#include <functional>

namespace satgpt {

struct TrainingJobRecord;

/// A line chart as data (training curves), independent of how it is drawn. paint() draws it
/// with plain QPainter calls into a QPicture, so it stays vector graphics in the PDF; the GUI
/// draws the same data with QCustomPlot (widgets/reports/qcustomplotchartrenderer.h). Plain
/// value type, any thread.
struct ReportChart
{
    Q_DECLARE_TR_FUNCTIONS(ReportChart)
public:
    struct Series
    {
        QString name;
        QColor color;
        QVector<QPointF> points;
        bool dashed = false;
    };
    QString title;
    QString xLabel;
    QString yLabel;
    QVector<Series> series;

    bool isEmpty() const;
    /// Loss (training and validation) and, when the evaluations have any, the other validation
    /// metrics against the step. Empty when the job has neither steps nor evaluations.
    static QVector<ReportChart> forJob(const TrainingJobRecord &job);
    /// Key of the i-th chart of a job in ReportData::chartPictures.
    static QString key(const QString &jobId, int index);
    /// Size a chart takes in the report (CSS pixels, 96 per inch).
    static QSizeF defaultSize() { return QSizeF(640, 270); }
    /// Axes with rounded ticks, grid, one polyline per series, legend. Vector output.
    QPicture paint(const QSizeF &size) const;
};

/// Draws a chart into a picture of the given size (CSS pixels). See ReportData::renderCharts.
using ReportChartRenderer = std::function<QPicture(const ReportChart &, const QSizeF &)>;

} // namespace satgpt
