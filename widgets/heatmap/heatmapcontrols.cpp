// SPDX-License-Identifier: GPL-3.0-or-later
#include "heatmapcontrols.h"

#include "heatmapoverlay.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>

namespace satgpt {

HeatmapControls::HeatmapControls(HeatmapOverlay *overlay, QWidget *parent)
    : QWidget(parent)
    , m_overlay(overlay)
{
    m_colorMap = new QComboBox(this);
    m_colorMap->addItem(tr("Viridis"), int(ColorMap::Viridis));
    m_colorMap->addItem(tr("Inferno"), int(ColorMap::Inferno));
    m_colorMap->addItem(tr("Jet"), int(ColorMap::Jet));

    // Sliders in percent: the maps are scaled to 0..1.
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacityLabel = new QLabel(this);
    m_threshold = new QSlider(Qt::Horizontal, this);
    m_threshold->setRange(0, 100);
    m_thresholdLabel = new QLabel(this);
    m_visible = new QCheckBox(tr("Show heatmap"), this);
    m_legend = new QCheckBox(tr("Legend"), this);

    auto row = [this](QSlider *s, QLabel *l) {
        auto *w = new QWidget(this);
        auto *h = new QHBoxLayout(w);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(s, 1);
        l->setMinimumWidth(l->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
        h->addWidget(l);
        return w;
    };
    auto *form = new QFormLayout(this);
    form->addRow(m_visible);
    form->addRow(tr("Colours"), m_colorMap);
    form->addRow(tr("Opacity"), row(m_opacity, m_opacityLabel));
    form->addRow(tr("Threshold"), row(m_threshold, m_thresholdLabel));
    form->addRow(m_legend);

    syncFromOverlay();

    connect(m_colorMap, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int) {
        if (m_overlay)
            m_overlay->setColorMap(ColorMap(m_colorMap->currentData().toInt()));
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) {
        m_opacityLabel->setText(QStringLiteral("%1 %").arg(v));
        if (m_overlay)
            m_overlay->setOpacity(v / 100.0);
    });
    connect(m_threshold, &QSlider::valueChanged, this, [this](int v) {
        m_thresholdLabel->setText(QString::number(v / 100.0, 'f', 2));
        if (m_overlay)
            m_overlay->setThreshold(v / 100.0);
    });
    connect(m_visible, &QCheckBox::toggled, this, [this](bool on) {
        if (m_overlay)
            m_overlay->setVisible(on);
    });
    connect(m_legend, &QCheckBox::toggled, this, [this](bool on) {
        if (m_overlay)
            m_overlay->setLegendVisible(on);
    });
    if (m_overlay)
        connect(m_overlay, &QObject::destroyed, this, [this] { setEnabled(false); });
}

void HeatmapControls::syncFromOverlay()
{
    setEnabled(m_overlay != nullptr);
    if (!m_overlay)
        return;
    const int idx = m_colorMap->findData(int(m_overlay->colorMap()));
    m_colorMap->setCurrentIndex(idx >= 0 ? idx : 0);
    m_opacity->setValue(qRound(m_overlay->opacity() * 100));
    m_opacityLabel->setText(QStringLiteral("%1 %").arg(m_opacity->value()));
    m_threshold->setValue(qRound(m_overlay->threshold() * 100));
    m_thresholdLabel->setText(QString::number(m_threshold->value() / 100.0, 'f', 2));
    m_visible->setChecked(m_overlay->isVisible());
    m_legend->setChecked(m_overlay->isLegendVisible());
}

} // namespace satgpt
