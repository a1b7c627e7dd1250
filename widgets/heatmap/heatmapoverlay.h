// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/explain/heatmapexport.h"
#include "core/ml/explain.h"
#include "widgets/mapcanvas/maptool.h"

#include <QImage>
#include <QObject>
#include <QRect>

namespace satgpt {

/// Draws an explanation heatmap over the scene region it was computed for, on a MapCanvas,
/// through the MapTool extension point: install it with MapCanvas::setMapTool(). It never
/// consumes input, so the canvas keeps panning and zooming underneath.
///
/// The map is drawn in scene pixel coordinates (stretched over `region`, smooth), so it stays
/// glued to the scene at every zoom. Values below the threshold are transparent; a legend
/// (colour bar with the value scale) sits in the widget's bottom-right corner.
///
/// Not owned by the canvas; it must outlive its installation. GUI thread only.
class HeatmapOverlay final : public QObject, public MapTool
{
    Q_OBJECT
public:
    explicit HeatmapOverlay(QObject *parent = nullptr);

    /// Shows `map` over `region` (scene pixels of the canvas's reference layer). `title` labels
    /// the legend (e.g. "Grad-CAM: runway").
    void setHeatmap(const ml::HeatMap &map, const QRect &region, const QString &title = {});
    void clear();
    bool hasHeatmap() const { return !m_map.isEmpty(); }
    const ml::HeatMap &heatmap() const { return m_map; }
    QRect region() const { return m_region; }

    void setColorMap(ColorMap map);
    ColorMap colorMap() const { return m_style.colorMap; }
    /// 0 (invisible) .. 1 (opaque).
    void setOpacity(double opacity);
    double opacity() const { return m_style.opacity; }
    /// Values below this (in the map's units, usually 0..1) are not drawn.
    void setThreshold(double threshold);
    double threshold() const { return m_style.threshold; }
    void setLegendVisible(bool visible);
    bool isLegendVisible() const { return m_legendVisible; }
    void setVisible(bool visible);
    bool isVisible() const { return m_visible; }

    /// The region's rectangle in widget coordinates for `view` (what paint() covers).
    QRectF widgetRect(const MapView &view) const;
    /// The colour-mapped image paint() draws (map resolution, ARGB32).
    QImage image() const;

    void paint(QPainter *painter, const MapView &view) override;

Q_SIGNALS:
    void changed();

private:
    void restyle();
    void drawLegend(QPainter *painter, const MapView &view) const;

    ml::HeatMap m_map;
    QRect m_region;
    QString m_title;
    HeatmapStyle m_style;
    bool m_legendVisible = true;
    bool m_visible = true;
    QImage m_image;
};

} // namespace satgpt
