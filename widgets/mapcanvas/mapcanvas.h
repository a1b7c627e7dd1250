// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/tilerenderer.h"
#include "widgets/mapcanvas/maptool.h"

#include <QPointer>
#include <QWidget>

#include <memory>
#include <vector>

class QGestureEvent;
class QNativeGestureEvent;

namespace satgpt {

class Georeference;

/// Where the cursor is, in every coordinate system the status bar shows.
struct CursorPosition
{
    QPointF pixel;        ///< reference-layer scene pixel (fractional)
    bool insideScene = false;
    bool hasMap = false;  ///< the reference layer is georeferenced
    QPointF map;          ///< map coordinates in the layer's CRS
    bool hasLonLat = false;
    QPointF lonLat;       ///< WGS 84 longitude (x), latitude (y) in degrees
};

/// The scene canvas: paints cached 256-px tiles of one or more scenes (layers), zooms and pans
/// without ever waiting for pixels, and lets a MapTool take over input.
///
/// Tiles are rendered by one TileRenderer per layer on worker threads; paintEvent only draws
/// what is cached, standing in coarser tiles for missing ones, so input never stalls. Layers are
/// stacked bottom (index 0) to top; the first layer added is the reference: its pixel grid is
/// the canvas's scene pixel coordinate system, and other layers are placed on it through their
/// geotransforms when both are north-up in the same CRS (pixel-aligned otherwise). The swipe
/// compare shows the top visible layer only left of a draggable vertical divider.
///
/// GUI thread only. Owns its renderers; does not own the MapTool. Never opens dialogs: problems
/// are reported with messageRaised().
class MapCanvas : public QWidget, public MapView
{
    Q_OBJECT
public:
    explicit MapCanvas(QWidget *parent = nullptr);
    ~MapCanvas() override;

    // --- layers -----------------------------------------------------------------------------
    /// Adds a layer on top and returns its id (stable while it exists). The first layer also
    /// fits the view to it.
    int addLayer(PreparedLayer layer, const QString &name = {});
    void removeLayer(int id);
    void clearLayers();
    /// Ids bottom to top.
    QVector<int> layerIds() const;
    int layerCount() const { return int(m_layers.size()); }
    QString layerName(int id) const;
    /// The layer's renderer (its info, statistics, settings, cache); null for an unknown id.
    TileRenderer *layerRenderer(int id) const;
    void setLayerVisible(int id, bool visible);
    bool isLayerVisible(int id) const;
    void setLayerOpacity(int id, double opacity);
    double layerOpacity(int id) const;
    void setLayerRenderSettings(int id, const RenderSettings &settings);
    /// Moves a layer to `index` in the bottom-to-top order.
    void moveLayer(int id, int index);
    /// The layer whose band values cursor reports carry (the top one unless set).
    void setCurrentLayer(int id);
    int currentLayer() const;
    /// Scene size of the reference layer (empty without layers).
    QSize sceneSize() const;

    // --- view -------------------------------------------------------------------------------
    QPointF pixelToWidget(QPointF pixel) const override;
    QPointF widgetToPixel(QPointF widget) const override;
    double scale() const override { return m_scale; }
    QRectF visiblePixelRect() const override;
    QTransform viewTransform() const override;
    void requestRepaint() override { update(); }

    /// Scene pixel at the widget's centre.
    QPointF center() const { return m_center; }
    void setCenter(QPointF pixel);
    /// Sets the scale keeping the scene pixel under `anchor` (widget position) where it is.
    void setScale(double scale, QPointF anchor);
    void zoomBy(double factor, QPointF anchor);
    void panBy(QPointF widgetDelta);
    static constexpr double kMinScale = 1.0 / 4096.0;
    static constexpr double kMaxScale = 64.0;

    void setSwipeEnabled(bool enabled);
    bool isSwipeEnabled() const { return m_swipe; }
    /// Divider position as a fraction of the width (0..1).
    void setSwipePosition(double fraction);
    double swipePosition() const { return m_swipePos; }

    void setScaleBarVisible(bool visible);
    bool isScaleBarVisible() const { return m_scaleBarVisible; }

    /// Installs `tool` (not owned; may be null). The previous tool is deactivated.
    void setMapTool(MapTool *tool);
    MapTool *mapTool() const { return m_tool; }

    /// Memory for rendered tiles, shared out between the layers.
    void setTileCacheCapacity(qint64 bytes);
    qint64 tileCacheCapacity() const { return m_cacheCapacity; }

    /// True when every visible layer has every tile of the current view at its own level.
    bool isRenderComplete() const;

    QSize sizeHint() const override { return QSize(800, 600); }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    /// One scene pixel per device pixel, around the view's centre.
    void zoomToNativeResolution();
    void zoomToPixelRect(const QRectF &pixelRect);
    void toggleSwipe() { setSwipeEnabled(!m_swipe); }

Q_SIGNALS:
    void viewChanged();
    void layersChanged();
    /// Emitted on every cursor move over the canvas (and with insideScene = false on leave).
    void cursorPositionChanged(const satgpt::CursorPosition &position);
    /// Values of every band of the current layer under the cursor, read off the GUI thread.
    void pixelValuesChanged(int layerId, QPoint pixel, const QVector<double> &values, bool valid);
    /// All visible tiles of the current view are drawn at full detail.
    void renderComplete();
    void swipeChanged(bool enabled, double position);
    /// A problem for the user (e.g. a tile that cannot be read); the app shows it non-modally.
    void messageRaised(const QString &title, const QString &text, QtMsgType severity);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Layer
    {
        int id = 0;
        QString name;
        std::unique_ptr<TileRenderer> renderer;
        bool visible = true;
        double opacity = 1.0;
        QTransform toReference; ///< layer pixel -> reference pixel
    };

    Layer *layer(int id);
    const Layer *layer(int id) const;
    QTransform layerToDevice(const Layer &l) const;
    QSizeF deviceSize() const;
    void viewUpdated();
    void refreshTiles();
    void applyCacheShares();
    void updateCursor(QPointF widgetPos);
    double clampScale(double s) const;
    void drawScaleBar(QPainter &p) const;
    void drawSwipeDivider(QPainter &p) const;
    bool nearSwipeDivider(QPointF pos) const;
    int topVisibleLayer() const;
    void setViewInternal(double scale, QPointF center);
    /// Georeference of the reference layer (null when it cannot be built), rebuilt when the
    /// reference layer changes.
    const Georeference *georeference() const;

    std::vector<Layer> m_layers;
    int m_nextId = 1;
    int m_currentLayer = 0;
    double m_scale = 1.0;
    QPointF m_center;
    bool m_fitPending = false;
    bool m_userMoved = false;
    bool m_swipe = false;
    double m_swipePos = 0.5;
    bool m_draggingSwipe = false;
    bool m_panning = false;
    QPointF m_lastMouse;
    bool m_scaleBarVisible = true;
    MapTool *m_tool = nullptr;
    qint64 m_cacheCapacity = qint64(256) << 20;
    bool m_wasComplete = false;
    qreal m_requestedDpr = 0.0; ///< device pixel ratio the tiles were last requested for
    QPointF m_lastCursorWidget;
    bool m_cursorInside = false;
    mutable std::unique_ptr<Georeference> m_georef;
    mutable int m_georefLayer = -1;
};

} // namespace satgpt
