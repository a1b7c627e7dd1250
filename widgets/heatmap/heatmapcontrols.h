// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;

namespace satgpt {

class HeatmapOverlay;

/// A small panel driving a HeatmapOverlay: colour map (viridis, inferno, jet), opacity and
/// threshold sliders, show/hide and legend toggles. Changes apply immediately. Does not own
/// the overlay (it may be destroyed first; the panel then disables itself). GUI thread only.
class HeatmapControls final : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapControls(HeatmapOverlay *overlay, QWidget *parent = nullptr);

    QComboBox *colorMapBox() const { return m_colorMap; }
    QSlider *opacitySlider() const { return m_opacity; }
    QSlider *thresholdSlider() const { return m_threshold; }
    QCheckBox *visibleBox() const { return m_visible; }
    QCheckBox *legendBox() const { return m_legend; }

private:
    void syncFromOverlay();

    QPointer<HeatmapOverlay> m_overlay;
    QComboBox *m_colorMap = nullptr;
    QSlider *m_opacity = nullptr;
    QSlider *m_threshold = nullptr;
    QLabel *m_opacityLabel = nullptr;
    QLabel *m_thresholdLabel = nullptr;
    QCheckBox *m_visible = nullptr;
    QCheckBox *m_legend = nullptr;
};

} // namespace satgpt
