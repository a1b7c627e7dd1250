// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/rendering.h"
#include "widgets/mapcanvas/mapcanvas.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QSlider;
class QStackedWidget;

namespace satgpt {

/// The layers of a MapCanvas, top first: visibility (check box), opacity, band composition
/// (three bands as RGB, or one band with a colour map) and stretch (kind, percentiles, standard
/// deviations, gamma) of the selected layer. Every edit is applied to the canvas at once, which
/// re-renders the layer's tiles in the background.
///
/// GUI thread only; does not own the canvas (tracked with a QPointer).
class LayerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LayerPanel(QWidget *parent = nullptr);

    void setCanvas(MapCanvas *canvas);
    MapCanvas *canvas() const { return m_canvas; }
    /// Id of the selected layer (0 when none).
    int selectedLayer() const;
    void selectLayer(int id);

    static QString stretchKindName(StretchKind kind);
    static QString colorMapName(ColorMap map);

Q_SIGNALS:
    /// The user changed a layer's settings (already applied to the canvas).
    void renderSettingsEdited(int layerId, const satgpt::RenderSettings &settings);
    void removeRequested(int layerId);

private:
    void rebuildList();
    void loadControls();
    void applyControls();
    void updateEnabledState();
    RenderSettings settingsFromControls(const RasterInfo &info) const;

    QPointer<MapCanvas> m_canvas;
    QListWidget *m_list = nullptr;
    QLabel *m_infoLabel = nullptr;
    QSlider *m_opacity = nullptr;
    QComboBox *m_mode = nullptr;
    QStackedWidget *m_bandStack = nullptr;
    QComboBox *m_red = nullptr;
    QComboBox *m_green = nullptr;
    QComboBox *m_blue = nullptr;
    QComboBox *m_single = nullptr;
    QComboBox *m_colorMap = nullptr;
    QComboBox *m_stretchKind = nullptr;
    QDoubleSpinBox *m_low = nullptr;
    QDoubleSpinBox *m_high = nullptr;
    QDoubleSpinBox *m_stdDevs = nullptr;
    QDoubleSpinBox *m_gamma = nullptr;
    bool m_loading = false;
};

} // namespace satgpt
