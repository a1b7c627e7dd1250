// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/jobs/trainingcurvesview.h"

#include <QLabel>
#include <QVBoxLayout>

#include "widgets/jobs/qcustomplotshim.h"

#include <cmath>

namespace satgpt {

#ifdef SATGPT_HAVE_QCUSTOMPLOT
namespace {

const QVector<QColor> &metricColors()
{
    static const QVector<QColor> colors{QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                        QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b),
                                        QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};
    return colors;
}

} // namespace
#endif

TrainingCurvesView::TrainingCurvesView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(240, 200);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);

    QCPAxisRect *lossRect = m_plot->axisRect();
    lossRect->axis(QCPAxis::atRight)->setVisible(true);
    lossRect->axis(QCPAxis::atBottom)->setLabel(tr("Step"));
    lossRect->axis(QCPAxis::atLeft)->setLabel(tr("Loss"));
    lossRect->axis(QCPAxis::atRight)->setLabel(tr("Learning rate"));
    lossRect->setRangeDragAxes({lossRect->axis(QCPAxis::atBottom)},
                               {lossRect->axis(QCPAxis::atLeft), lossRect->axis(QCPAxis::atRight)});
    lossRect->setRangeZoomAxes({lossRect->axis(QCPAxis::atBottom)},
                               {lossRect->axis(QCPAxis::atLeft), lossRect->axis(QCPAxis::atRight)});

    m_lossGraph = m_plot->addGraph(lossRect->axis(QCPAxis::atBottom), lossRect->axis(QCPAxis::atLeft));
    m_lossGraph->setName(tr("Training loss"));
    m_lossGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1.5));
    m_lrGraph = m_plot->addGraph(lossRect->axis(QCPAxis::atBottom), lossRect->axis(QCPAxis::atRight));
    m_lrGraph->setName(tr("Learning rate"));
    m_lrGraph->setPen(QPen(QColor(0x99, 0x99, 0x99), 1.0, Qt::DashLine));

    m_metricRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, m_metricRect);
    m_metricRect->axis(QCPAxis::atBottom)->setLabel(tr("Step"));
    m_metricRect->axis(QCPAxis::atLeft)->setLabel(tr("Evaluation metrics"));
    m_metricRect->setRangeDragAxes(m_metricRect->axis(QCPAxis::atBottom), m_metricRect->axis(QCPAxis::atLeft));
    m_metricRect->setRangeZoomAxes(m_metricRect->axis(QCPAxis::atBottom), m_metricRect->axis(QCPAxis::atLeft));
    // Both panels show the same steps: keep them aligned while one is dragged or zoomed.
    auto *marginGroup = new QCPMarginGroup(m_plot);
    lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, marginGroup);
    m_metricRect->setMarginGroup(QCP::msLeft | QCP::msRight, marginGroup);
    connect(lossRect->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::rangeChanged),
            m_metricRect->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::setRange));

    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    lossRect->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_following = false; });
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_following = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
    layout->addWidget(m_plot);
#else
    m_notice = new QLabel(tr("Training curves need QCustomPlot, which this build lacks."), this);
    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setWordWrap(true);
    layout->addWidget(m_notice);
#endif
}

TrainingCurvesView::~TrainingCurvesView() = default;

void TrainingCurvesView::clear()
{
    m_recordId.clear();
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    m_lossGraph->data()->clear();
    m_lrGraph->data()->clear();
    for (QCPGraph *g : qAsConst(m_metricGraphs))
        m_plot->removeGraph(g);
    m_metricGraphs.clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
#endif
}

void TrainingCurvesView::setRecord(const TrainingJobRecord &record)
{
    clear();
    m_recordId = record.id;
    m_following = true;
    updateRecord(record, TrainingJobRecord::StepsChanged | TrainingJobRecord::EvalsChanged);
}

void TrainingCurvesView::updateRecord(const TrainingJobRecord &record, int changes)
{
    if (record.id != m_recordId) {
        setRecord(record);
        return;
    }
    if (!(changes & (TrainingJobRecord::StepsChanged | TrainingJobRecord::EvalsChanged)))
        return;
    if (changes & TrainingJobRecord::StepsChanged)
        rebuildSteps(record);
    if (changes & TrainingJobRecord::EvalsChanged)
        rebuildEvals(record);
    fitIfFollowing();
}

void TrainingCurvesView::rebuildSteps(const TrainingJobRecord &record)
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    QVector<double> x, loss, lr;
    x.reserve(record.steps.size());
    loss.reserve(record.steps.size());
    lr.reserve(record.steps.size());
    for (const TrainingJobRecord::StepPoint &p : record.steps) {
        x.append(double(p.step));
        // NaN is QCustomPlot's gap marker, which is also what a missing value should look like.
        loss.append(p.loss);
        lr.append(p.lr);
    }
    m_lossGraph->setData(x, loss, true);
    m_lrGraph->setData(x, lr, true);
#else
    Q_UNUSED(record)
#endif
}

void TrainingCurvesView::rebuildEvals(const TrainingJobRecord &record)
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    const QStringList names = record.metricNames();
    for (auto it = m_metricGraphs.begin(); it != m_metricGraphs.end();) {
        if (!names.contains(it.key())) {
            m_plot->removeGraph(it.value());
            it = m_metricGraphs.erase(it);
        } else {
            ++it;
        }
    }
    for (int i = 0; i < names.size(); ++i) {
        const QString &name = names.at(i);
        QCPGraph *g = m_metricGraphs.value(name);
        if (!g) {
            g = m_plot->addGraph(m_metricRect->axis(QCPAxis::atBottom), m_metricRect->axis(QCPAxis::atLeft));
            g->setName(name == QLatin1String("loss") ? tr("Validation loss") : name);
            g->setPen(QPen(metricColors().at(i % metricColors().size()), 1.5));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
            m_metricGraphs.insert(name, g);
        }
        QVector<double> x, y;
        for (const TrainingJobRecord::EvalPoint &e : record.evals) {
            const auto v = e.metrics.constFind(name);
            if (v == e.metrics.cend())
                continue;
            x.append(double(e.step));
            y.append(v.value());
        }
        g->setData(x, y);
    }
#else
    Q_UNUSED(record)
#endif
}

void TrainingCurvesView::fitIfFollowing()
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    if (m_following) {
        m_plot->rescaleAxes();
        // The metric panel follows the loss panel's step range, which covers every eval step.
        m_metricRect->axis(QCPAxis::atBottom)->setRange(m_plot->axisRect()->axis(QCPAxis::atBottom)->range());
        for (QCPAxis *axis : {m_plot->axisRect()->axis(QCPAxis::atLeft), m_plot->axisRect()->axis(QCPAxis::atRight),
                              m_metricRect->axis(QCPAxis::atLeft)})
            axis->scaleRange(1.08, axis->range().center());
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
#endif
}

void TrainingCurvesView::resetView()
{
    m_following = true;
    fitIfFollowing();
}

bool TrainingCurvesView::savePng(const QString &path, const QSize &size)
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    const QSize s = size.isValid() ? size : (m_plot->size().isEmpty() ? QSize(800, 600) : m_plot->size());
    return m_plot->savePng(path, s.width(), s.height());
#else
    Q_UNUSED(path) Q_UNUSED(size)
    return false;
#endif
}

bool TrainingCurvesView::savePdf(const QString &path, const QSize &size)
{
#ifdef SATGPT_HAVE_QCUSTOMPLOT
    const QSize s = size.isValid() ? size : (m_plot->size().isEmpty() ? QSize(800, 600) : m_plot->size());
    return m_plot->savePdf(path, s.width(), s.height(), QCP::epAllowCosmetic, QStringLiteral("SatGPT Workbench"),
                           tr("Training curves"));
#else
    Q_UNUSED(path) Q_UNUSED(size)
    return false;
#endif
}

} // namespace satgpt
