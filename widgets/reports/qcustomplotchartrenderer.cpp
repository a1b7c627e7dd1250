// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/reports/qcustomplotchartrenderer.h"

#include "widgets/jobs/qcustomplotshim.h"

#include <QPainter>

namespace satgpt {

QPicture renderChartWithQCustomPlot(const ReportChart &chart, const QSizeF &size)
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    QCustomPlot plot;
    plot.resize(size.toSize());
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(7.5);
    QFont titleFont = font;
    titleFont.setBold(true);
    titleFont.setPointSizeF(9);
    plot.plotLayout()->insertRow(0);
    plot.plotLayout()->addElement(0, 0, new QCPTextElement(&plot, chart.title, titleFont));
    for (const ReportChart::Series &s : chart.series) {
        QCPGraph *g = plot.addGraph();
        g->setName(s.name);
        g->setPen(QPen(s.color, 1.4, s.dashed ? Qt::DashLine : Qt::SolidLine));
        QVector<double> xs, ys;
        for (const QPointF &p : s.points) {
            xs << p.x();
            ys << p.y();
        }
        g->setData(xs, ys, true);
        if (s.points.size() <= 60)
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3.5));
    }
    for (QCPAxis *axis : {plot.xAxis, plot.yAxis}) {
        axis->setTickLabelFont(font);
        axis->setLabelFont(font);
    }
    plot.xAxis->setLabel(chart.xLabel);
    plot.yAxis->setLabel(chart.yLabel);
    plot.legend->setVisible(!chart.series.isEmpty());
    plot.legend->setFont(font);
    if (chart.series.size() > 6) {
        // Many metrics (a mix trains several sets): the legend goes under the plot in columns
        // instead of covering the curves.
        plot.axisRect()->insetLayout()->take(plot.legend);
        plot.plotLayout()->addElement(plot.plotLayout()->rowCount(), 0, plot.legend);
        plot.legend->setWrap(3);
        plot.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
        plot.plotLayout()->setRowStretchFactor(plot.plotLayout()->rowCount() - 2, 1.6);
        plot.plotLayout()->setRowStretchFactor(plot.plotLayout()->rowCount() - 1, 1.0);
    } else {
        plot.axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    }
    plot.rescaleAxes();
    plot.yAxis->scaleRange(1.1, plot.yAxis->range().center());
    plot.xAxis->scaleRange(1.04, plot.xAxis->range().center());

    QPicture picture;
    QCPPainter painter(&picture);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot.toPainter(&painter, int(size.width()), int(size.height()));
    painter.end();
    picture.setBoundingRect(QRect(QPoint(0, 0), size.toSize()));
    return picture;
#else
    return chart.paint(size);
#endif
}

} // namespace satgpt
