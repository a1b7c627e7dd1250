// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointF>
#include <QRectF>
#include <QTransform>

class QKeyEvent;
class QMouseEvent;
class QPainter;
class QWheelEvent;

namespace satgpt {

/// The view transform a MapCanvas exposes to tools, overlays and tests. Scene pixel coordinates
/// are those of the canvas's reference layer (the first layer added): (0,0) is the top-left
/// corner of its top-left pixel, (0.5,0.5) its centre. Widget coordinates are logical
/// (device-independent) pixels. Implemented by MapCanvas; GUI thread only.
class MapView
{
public:
    virtual ~MapView() = default;

    /// Scene pixel -> widget position.
    virtual QPointF pixelToWidget(QPointF pixel) const = 0;
    /// Widget position -> scene pixel (fractional).
    virtual QPointF widgetToPixel(QPointF widget) const = 0;
    /// Widget pixels per scene pixel (2.0 = each scene pixel covers 2x2 logical pixels).
    virtual double scale() const = 0;
    /// The part of the scene visible in the widget, in scene pixels (not clipped to the scene).
    virtual QRectF visiblePixelRect() const = 0;
    /// The transform scene pixel -> widget that pixelToWidget applies (for QPainter::setTransform).
    virtual QTransform viewTransform() const = 0;
    /// Asks the canvas to repaint (e.g. after a tool changed what it draws).
    virtual void requestRepaint() = 0;
};

/// Extension point for interactive tools (annotation drawing, measuring, selection). The
/// canvas forwards input events to its current tool first, with positions already converted to
/// scene pixels; a handler returning true consumes the event, false lets the canvas pan/zoom as
/// usual. paint() draws on top of the scene with the painter already set to the view transform
/// (scene pixel coordinates); use MapView::scale() to keep pen widths constant on screen
/// (or a cosmetic pen).
///
/// Ownership: the canvas does not own its tool (MapCanvas::setMapTool); the tool must outlive
/// its installation or be removed first. GUI thread only.
class MapTool
{
public:
    virtual ~MapTool() = default;

    /// Called when the tool becomes / stops being the canvas's tool.
    virtual void activate(MapView *view) { m_view = view; }
    virtual void deactivate() { m_view = nullptr; }
    MapView *view() const { return m_view; }

    virtual bool mousePressEvent(QMouseEvent *event, QPointF pixel) { Q_UNUSED(event) Q_UNUSED(pixel) return false; }
    virtual bool mouseMoveEvent(QMouseEvent *event, QPointF pixel) { Q_UNUSED(event) Q_UNUSED(pixel) return false; }
    virtual bool mouseReleaseEvent(QMouseEvent *event, QPointF pixel) { Q_UNUSED(event) Q_UNUSED(pixel) return false; }
    virtual bool mouseDoubleClickEvent(QMouseEvent *event, QPointF pixel) { Q_UNUSED(event) Q_UNUSED(pixel) return false; }
    /// Return true to stop the canvas zooming.
    virtual bool wheelEvent(QWheelEvent *event, QPointF pixel) { Q_UNUSED(event) Q_UNUSED(pixel) return false; }
    virtual bool keyPressEvent(QKeyEvent *event) { Q_UNUSED(event) return false; }
    virtual bool keyReleaseEvent(QKeyEvent *event) { Q_UNUSED(event) return false; }

    /// Draws the tool's overlay; `painter` maps scene pixels to the widget.
    virtual void paint(QPainter *painter, const MapView &view) { Q_UNUSED(painter) Q_UNUSED(view) }

private:
    MapView *m_view = nullptr;
};

} // namespace satgpt
