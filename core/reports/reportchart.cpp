// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/reports/reportchart.h"

#include "core/jobs/trainingjobrecord.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <cmath>
#include <limits>

namespace satgpt {

namespace {

QColor seriesColor(int i)
{
    static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                                    QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127)};
    return colors[i % 8];
}

/// 1, 2 or 5 times a power of ten, so tick labels stay short.
double niceStep(double range, int targetTicks)
{
    if (!(range > 0))
        return 1.0;
    const double raw = range / targetTicks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

QString tickLabel(double v, double step)
{
    if (std::abs(v) < step * 1e-6)
        v = 0;
    const int decimals = step >= 1 ? 0 : std::min(6, int(std::ceil(-std::log10(step))));
    if (std::abs(v) >= 1e5 || (v != 0 && std::abs(v) < 1e-4))
        return QString::number(v, 'g', 3);
    return QString::number(v, 'f', decimals);
}

} // namespace

bool ReportChart::isEmpty() const
{
    for (const Series &s : series)
        if (!s.points.isEmpty())
            return false;
    return true;
}

QString ReportChart::key(const QString &jobId, int index)
{
    return jobId + QLatin1Char('#') + QString::number(index);
}

QVector<ReportChart> ReportChart::forJob(const TrainingJobRecord &job)
{
    QVector<ReportChart> charts;
    ReportChart loss;
    loss.title = tr("Loss");
    loss.xLabel = tr("Step");
    loss.yLabel = tr("Loss");
    Series train{tr("training loss"), seriesColor(0), {}, false};
    for (const TrainingJobRecord::StepPoint &p : job.steps)
        if (std::isfinite(p.loss))
            train.points.append(QPointF(double(p.step), p.loss));
    Series val{tr("validation loss"), seriesColor(1), {}, true};
    QStringList others;
    for (const TrainingJobRecord::EvalPoint &e : job.evals) {
        const auto it = e.metrics.constFind(QStringLiteral("loss"));
        if (it != e.metrics.constEnd() && std::isfinite(it.value()))
            val.points.append(QPointF(double(e.step), it.value()));
        for (auto m = e.metrics.cbegin(); m != e.metrics.cend(); ++m)
            if (m.key() != QLatin1String("loss") && !others.contains(m.key()))
                others.append(m.key());
    }
    if (!train.points.isEmpty())
        loss.series.append(train);
    if (!val.points.isEmpty())
        loss.series.append(val);
    if (!loss.isEmpty())
        charts.append(loss);

    if (!others.isEmpty()) {
        others.sort();
        ReportChart metrics;
        metrics.title = tr("Validation metrics");
        metrics.xLabel = tr("Step");
        metrics.yLabel = tr("Value");
        for (int i = 0; i < others.size(); ++i) {
            Series s{others[i], seriesColor(i + 2), {}, false};
            for (const TrainingJobRecord::EvalPoint &e : job.evals) {
                const auto it = e.metrics.constFind(others[i]);
                if (it != e.metrics.constEnd() && std::isfinite(it.value()))
                    s.points.append(QPointF(double(e.step), it.value()));
            }
            if (!s.points.isEmpty())
                metrics.series.append(s);
        }
        if (!metrics.isEmpty())
            charts.append(metrics);
    }
    return charts;
}

QPicture ReportChart::paint(const QSizeF &size) const
{
    QPicture picture;
    QPainter p(&picture);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPointSizeF(8);
    p.setFont(font);
    const QFontMetricsF fm(font);

    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const Series &s : series)
        for (const QPointF &pt : s.points) {
            x0 = std::min(x0, pt.x());
            x1 = std::max(x1, pt.x());
            y0 = std::min(y0, pt.y());
            y1 = std::max(y1, pt.y());
        }
    if (x0 > x1) {
        x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    }
    if (x1 - x0 <= 0)
        x1 = x0 + 1;
    if (y1 - y0 <= 0) {
        y0 -= 0.5;
        y1 += 0.5;
    }
    const double xStep = niceStep(x1 - x0, 6);
    const double yStep = niceStep(y1 - y0, 5);
    y0 = std::floor(y0 / yStep) * yStep;
    y1 = std::ceil(y1 / yStep) * yStep;

    const double titleH = fm.height() * 1.6;
    const double legendH = fm.height() * 1.5;
    double labelW = 0;
    for (double v = y0; v <= y1 + yStep * 0.5; v += yStep)
        labelW = std::max(labelW, fm.horizontalAdvance(tickLabel(v, yStep)));
    const QRectF plot(labelW + fm.height() * 1.8, titleH, size.width() - labelW - fm.height() * 2.4,
                      size.height() - titleH - legendH - fm.height() * 2.6);
    const auto mapX = [&](double x) { return plot.left() + (x - x0) / (x1 - x0) * plot.width(); };
    const auto mapY = [&](double y) { return plot.bottom() - (y - y0) / (y1 - y0) * plot.height(); };

    QFont titleFont = font;
    titleFont.setBold(true);
    titleFont.setPointSizeF(9);
    p.setFont(titleFont);
    p.setPen(Qt::black);
    p.drawText(QRectF(0, 0, size.width(), titleH), Qt::AlignCenter, title);
    p.setFont(font);

    // Grid and ticks.
    p.setPen(QPen(QColor(220, 220, 220), 0.6));
    for (double v = y0; v <= y1 + yStep * 0.5; v += yStep)
        p.drawLine(QPointF(plot.left(), mapY(v)), QPointF(plot.right(), mapY(v)));
    const double xFirst = std::ceil(x0 / xStep) * xStep;
    for (double v = xFirst; v <= x1 + xStep * 1e-6; v += xStep)
        p.drawLine(QPointF(mapX(v), plot.top()), QPointF(mapX(v), plot.bottom()));
    p.setPen(QPen(Qt::black, 0.8));
    p.drawRect(plot);
    for (double v = y0; v <= y1 + yStep * 0.5; v += yStep) {
        const QString t = tickLabel(v, yStep);
        p.drawText(QRectF(plot.left() - labelW - 6, mapY(v) - fm.height() / 2, labelW + 2, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, t);
    }
    for (double v = xFirst; v <= x1 + xStep * 1e-6; v += xStep)
        p.drawText(QRectF(mapX(v) - 40, plot.bottom() + 2, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   tickLabel(v, xStep));
    p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 2, plot.width(), fm.height()), Qt::AlignCenter, xLabel);
    p.save();
    p.translate(fm.height() * 0.2, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), fm.height()), Qt::AlignCenter, yLabel);
    p.restore();

    // Series, clipped to the plot so an outlier cannot scribble over the labels.
    p.save();
    p.setClipRect(plot);
    for (const Series &s : series) {
        QPen pen(s.color, 1.4);
        if (s.dashed)
            pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        QPainterPath path;
        for (int i = 0; i < s.points.size(); ++i) {
            const QPointF q(mapX(s.points[i].x()), mapY(s.points[i].y()));
            if (i == 0)
                path.moveTo(q);
            else
                path.lineTo(q);
        }
        p.drawPath(path);
        if (s.points.size() <= 60) {
            p.setBrush(s.color);
            for (const QPointF &pt : s.points)
                p.drawEllipse(QPointF(mapX(pt.x()), mapY(pt.y())), 1.8, 1.8);
            p.setBrush(Qt::NoBrush);
        }
    }
    p.restore();

    // Legend under the plot.
    double lx = plot.left();
    const double ly = size.height() - legendH * 0.6;
    for (const Series &s : series) {
        QPen pen(s.color, 1.6);
        if (s.dashed)
            pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(lx, ly), QPointF(lx + 18, ly));
        p.setPen(Qt::black);
        const double w = fm.horizontalAdvance(s.name);
        p.drawText(QRectF(lx + 22, ly - fm.height() / 2, w + 4, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, s.name);
        lx += 22 + w + 16;
    }
    p.end();
    picture.setBoundingRect(QRect(QPoint(0, 0), size.toSize()));
    return picture;
}

} // namespace satgpt
