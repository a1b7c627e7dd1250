// SPDX-License-Identifier: GPL-3.0-or-later
#include "mapcanvas.h"

#include "core/raster/georeference.h"

#include <QGestureEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPinchGesture>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace satgpt {

namespace {

constexpr double kWheelStep = 1.25;  // per notch (120 units of angleDelta)
constexpr double kKeyZoom = 1.5;
constexpr double kSwipeGrab = 6.0;   // logical px either side of the divider

/// Layer pixel -> reference pixel when both scenes are north-up in the same CRS.
QTransform alignTo(const RasterInfo &reference, const RasterInfo &info)
{
    if (!reference.hasGeoTransform || !info.hasGeoTransform || reference.crsWkt.isEmpty()
        || (reference.crsWkt != info.crsWkt && (reference.epsg == 0 || reference.epsg != info.epsg)))
        return {};
    const auto &r = reference.geoTransform.c;
    const auto &l = info.geoTransform.c;
    if (r[2] != 0.0 || r[4] != 0.0 || l[2] != 0.0 || l[4] != 0.0 || r[1] == 0.0 || r[5] == 0.0)
        return {};
    const double sx = l[1] / r[1], sy = l[5] / r[5];
    const double dx = (l[0] - r[0]) / r[1], dy = (l[3] - r[3]) / r[5];
    return QTransform(sx, 0, 0, sy, dx, dy);
}

} // namespace

MapCanvas::MapCanvas(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAttribute(Qt::WA_AcceptTouchEvents);
    grabGesture(Qt::PinchGesture);
    setMinimumSize(64, 64);
}

MapCanvas::~MapCanvas()
{
    if (m_tool)
        m_tool->deactivate();
}

// --- layers ----------------------------------------------------------------------------------

int MapCanvas::addLayer(PreparedLayer prepared, const QString &name)
{
    Layer l;
    l.id = m_nextId++;
    l.name = name.isEmpty() ? prepared.info.path.section(QLatin1Char('/'), -1) : name;
    if (!m_layers.empty())
        l.toReference = alignTo(m_layers.front().renderer->info(), prepared.info);
    l.renderer = std::make_unique<TileRenderer>(std::move(prepared));
    TileRenderer *r = l.renderer.get();
    const int id = l.id;
    connect(r, &TileRenderer::tileReady, this, [this] { update(); });
    connect(r, &TileRenderer::idle, this, [this] { update(); });
    connect(r, &TileRenderer::renderSettingsChanged, this, [this] { refreshTiles(); });
    connect(r, &TileRenderer::tileFailed, this, [this, id](const TileKey &, const QString &message) {
        Q_EMIT messageRaised(tr("Cannot draw %1").arg(layerName(id)), message, QtWarningMsg);
    });
    connect(r, &TileRenderer::statisticsFailed, this, [this, id](const QString &message) {
        Q_EMIT messageRaised(tr("Cannot compute statistics for %1").arg(layerName(id)), message, QtWarningMsg);
    });
    connect(r, &TileRenderer::pixelValuesRead, this, [this, id](QPoint pixel, const QVector<double> &values, bool valid) {
        if (id == currentLayer())
            Q_EMIT pixelValuesChanged(id, pixel, values, valid);
    });
    const bool first = m_layers.empty();
    m_layers.push_back(std::move(l));
    applyCacheShares();
    if (first) {
        m_userMoved = false;
        fitToWindow();
    }
    refreshTiles();
    Q_EMIT layersChanged();
    return id;
}

void MapCanvas::removeLayer(int id)
{
    auto it = std::find_if(m_layers.begin(), m_layers.end(), [id](const Layer &l) { return l.id == id; });
    if (it == m_layers.end())
        return;
    const bool wasReference = it == m_layers.begin();
    m_layers.erase(it);
    if (m_currentLayer == id)
        m_currentLayer = 0;
    if (wasReference && !m_layers.empty()) {
        const RasterInfo &ref = m_layers.front().renderer->info();
        for (Layer &l : m_layers)
            l.toReference = &l == &m_layers.front() ? QTransform() : alignTo(ref, l.renderer->info());
    }
    applyCacheShares();
    refreshTiles();
    Q_EMIT layersChanged();
}

void MapCanvas::clearLayers()
{
    m_layers.clear();
    m_currentLayer = 0;
    update();
    Q_EMIT layersChanged();
}

QVector<int> MapCanvas::layerIds() const
{
    QVector<int> ids;
    for (const Layer &l : m_layers)
        ids.push_back(l.id);
    return ids;
}

MapCanvas::Layer *MapCanvas::layer(int id)
{
    for (Layer &l : m_layers)
        if (l.id == id)
            return &l;
    return nullptr;
}

const MapCanvas::Layer *MapCanvas::layer(int id) const
{
    for (const Layer &l : m_layers)
        if (l.id == id)
            return &l;
    return nullptr;
}

QString MapCanvas::layerName(int id) const
{
    const Layer *l = layer(id);
    return l ? l->name : QString();
}

TileRenderer *MapCanvas::layerRenderer(int id) const
{
    const Layer *l = layer(id);
    return l ? l->renderer.get() : nullptr;
}

void MapCanvas::setLayerVisible(int id, bool visible)
{
    if (Layer *l = layer(id); l && l->visible != visible) {
        l->visible = visible;
        refreshTiles();
        Q_EMIT layersChanged();
    }
}

bool MapCanvas::isLayerVisible(int id) const
{
    const Layer *l = layer(id);
    return l && l->visible;
}

void MapCanvas::setLayerOpacity(int id, double opacity)
{
    if (Layer *l = layer(id)) {
        l->opacity = std::clamp(opacity, 0.0, 1.0);
        update();
        Q_EMIT layersChanged();
    }
}

double MapCanvas::layerOpacity(int id) const
{
    const Layer *l = layer(id);
    return l ? l->opacity : 0.0;
}

void MapCanvas::setLayerRenderSettings(int id, const RenderSettings &settings)
{
    if (Layer *l = layer(id))
        l->renderer->setRenderSettings(settings); // renderSettingsChanged -> refreshTiles
}

void MapCanvas::moveLayer(int id, int index)
{
    auto it = std::find_if(m_layers.begin(), m_layers.end(), [id](const Layer &l) { return l.id == id; });
    if (it == m_layers.end())
        return;
    index = std::clamp(index, 0, int(m_layers.size()) - 1);
    Layer moved = std::move(*it);
    m_layers.erase(it);
    m_layers.insert(m_layers.begin() + index, std::move(moved));
    // The reference grid stays that of the first layer, whichever it now is.
    const RasterInfo &ref = m_layers.front().renderer->info();
    for (Layer &l : m_layers)
        l.toReference = &l == &m_layers.front() ? QTransform() : alignTo(ref, l.renderer->info());
    refreshTiles();
    Q_EMIT layersChanged();
}

void MapCanvas::setCurrentLayer(int id) { m_currentLayer = layer(id) ? id : 0; }

int MapCanvas::currentLayer() const
{
    if (m_currentLayer && layer(m_currentLayer))
        return m_currentLayer;
    return m_layers.empty() ? 0 : m_layers.back().id;
}

QSize MapCanvas::sceneSize() const
{
    if (m_layers.empty())
        return {};
    const RasterInfo &info = m_layers.front().renderer->info();
    return QSize(info.width, info.height);
}

int MapCanvas::topVisibleLayer() const
{
    for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it)
        if (it->visible)
            return it->id;
    return 0;
}

void MapCanvas::setTileCacheCapacity(qint64 bytes)
{
    m_cacheCapacity = std::max<qint64>(bytes, qint64(4) << 20);
    applyCacheShares();
}

void MapCanvas::applyCacheShares()
{
    if (m_layers.empty())
        return;
    const qint64 share = m_cacheCapacity / qint64(m_layers.size());
    for (Layer &l : m_layers)
        l.renderer->cache().setCapacity(share);
}

// --- view transform ---------------------------------------------------------------------------

QPointF MapCanvas::pixelToWidget(QPointF pixel) const
{
    return (pixel - m_center) * m_scale + QPointF(width() / 2.0, height() / 2.0);
}

QPointF MapCanvas::widgetToPixel(QPointF widget) const
{
    return (widget - QPointF(width() / 2.0, height() / 2.0)) / m_scale + m_center;
}

QRectF MapCanvas::visiblePixelRect() const
{
    return QRectF(widgetToPixel(QPointF(0, 0)), widgetToPixel(QPointF(width(), height())));
}

QTransform MapCanvas::viewTransform() const
{
    const QPointF origin = pixelToWidget(QPointF(0, 0));
    return QTransform(m_scale, 0, 0, m_scale, origin.x(), origin.y());
}

QTransform MapCanvas::layerToDevice(const Layer &l) const
{
    const qreal dpr = devicePixelRatioF();
    return l.toReference * viewTransform() * QTransform::fromScale(dpr, dpr);
}

QSizeF MapCanvas::deviceSize() const { return QSizeF(size()) * devicePixelRatioF(); }

double MapCanvas::clampScale(double s) const { return std::clamp(s, kMinScale, kMaxScale); }

void MapCanvas::setViewInternal(double scale, QPointF center)
{
    scale = clampScale(scale);
    if (scale == m_scale && center == m_center)
        return;
    m_scale = scale;
    m_center = center;
    viewUpdated();
}

void MapCanvas::setCenter(QPointF pixel)
{
    m_userMoved = true;
    setViewInternal(m_scale, pixel);
}

void MapCanvas::setScale(double scale, QPointF anchor)
{
    m_userMoved = true;
    scale = clampScale(scale);
    const QPointF fixed = widgetToPixel(anchor);
    // Keep `fixed` under `anchor`: anchor = (fixed - c) * s + half  =>  c = fixed - (anchor - half) / s
    const QPointF centre = fixed - (anchor - QPointF(width() / 2.0, height() / 2.0)) / scale;
    setViewInternal(scale, centre);
}

void MapCanvas::zoomBy(double factor, QPointF anchor) { setScale(m_scale * factor, anchor); }

void MapCanvas::panBy(QPointF widgetDelta)
{
    m_userMoved = true;
    setViewInternal(m_scale, m_center - widgetDelta / m_scale);
}

void MapCanvas::zoomIn() { zoomBy(kKeyZoom, QPointF(width() / 2.0, height() / 2.0)); }
void MapCanvas::zoomOut() { zoomBy(1.0 / kKeyZoom, QPointF(width() / 2.0, height() / 2.0)); }

void MapCanvas::fitToWindow()
{
    const QSize scene = sceneSize();
    if (scene.isEmpty())
        return;
    if (!isVisible() && !testAttribute(Qt::WA_Resized))
        m_fitPending = true; // the size is not known yet; fit once shown
    const double s = std::min(double(width()) / scene.width(), double(height()) / scene.height());
    setViewInternal(s, QPointF(scene.width() / 2.0, scene.height() / 2.0));
}

void MapCanvas::zoomToNativeResolution()
{
    m_userMoved = true;
    setViewInternal(1.0 / devicePixelRatioF(), m_center);
}

void MapCanvas::zoomToPixelRect(const QRectF &pixelRect)
{
    const QRectF r = pixelRect.normalized();
    if (r.width() <= 0 || r.height() <= 0)
        return;
    m_userMoved = true;
    setViewInternal(std::min(width() / r.width(), height() / r.height()), r.center());
}

void MapCanvas::viewUpdated()
{
    refreshTiles();
    Q_EMIT viewChanged();
    if (m_cursorInside)
        updateCursor(m_lastCursorWidget);
}

void MapCanvas::refreshTiles()
{
    m_requestedDpr = devicePixelRatioF();
    const QSizeF size = deviceSize();
    for (Layer &l : m_layers) {
        if (l.visible)
            l.renderer->prepareView(layerToDevice(l), size);
        else
            l.renderer->cancel();
    }
    m_wasComplete = false;
    update();
}

bool MapCanvas::isRenderComplete() const
{
    const QSizeF size = deviceSize();
    for (const Layer &l : m_layers) {
        if (!l.visible)
            continue;
        const QVector<TileKey> tiles = l.renderer->tilesForView(layerToDevice(l), size);
        for (const TileKey &k : tiles)
            if (!l.renderer->cache().contains(k))
                return false;
    }
    return true;
}

// --- swipe, scale bar -------------------------------------------------------------------------

void MapCanvas::setSwipeEnabled(bool enabled)
{
    if (m_swipe == enabled)
        return;
    m_swipe = enabled;
    update();
    Q_EMIT swipeChanged(m_swipe, m_swipePos);
}

void MapCanvas::setSwipePosition(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    if (fraction == m_swipePos)
        return;
    m_swipePos = fraction;
    update();
    Q_EMIT swipeChanged(m_swipe, m_swipePos);
}

bool MapCanvas::nearSwipeDivider(QPointF pos) const
{
    return m_swipe && std::abs(pos.x() - m_swipePos * width()) <= kSwipeGrab;
}

void MapCanvas::setScaleBarVisible(bool visible)
{
    m_scaleBarVisible = visible;
    update();
}

void MapCanvas::setMapTool(MapTool *tool)
{
    if (m_tool == tool)
        return;
    if (m_tool)
        m_tool->deactivate();
    m_tool = tool;
    if (m_tool)
        m_tool->activate(this);
    update();
}

// --- painting ---------------------------------------------------------------------------------

void MapCanvas::paintEvent(QPaintEvent *)
{
    if (devicePixelRatioF() != m_requestedDpr)
        refreshTiles(); // moved to a screen with another scale: tiles of another level are needed
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Dark));
    const QSizeF size = deviceSize();
    const int top = topVisibleLayer();
    const double divider = m_swipePos * width();
    bool complete = true;
    for (const Layer &l : m_layers) {
        if (!l.visible || l.opacity <= 0.0)
            continue;
        p.save();
        p.setOpacity(l.opacity);
        if (m_swipe && l.id == top && m_layers.size() > 1)
            p.setClipRect(QRectF(0, 0, divider, height()));
        complete = l.renderer->paint(&p, layerToDevice(l), size) && complete;
        p.restore();
    }
    if (m_tool) {
        p.save();
        p.setTransform(viewTransform(), false);
        m_tool->paint(&p, *this);
        p.restore();
    }
    if (m_swipe)
        drawSwipeDivider(p);
    if (m_scaleBarVisible)
        drawScaleBar(p);
    if (complete && !m_wasComplete && !m_layers.empty()) {
        m_wasComplete = true;
        QMetaObject::invokeMethod(this, &MapCanvas::renderComplete, Qt::QueuedConnection);
    }
}

void MapCanvas::drawSwipeDivider(QPainter &p) const
{
    const double x = m_swipePos * width();
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(0, 0, 0, 140), 3));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
    p.setPen(QPen(Qt::white, 1.5));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
    const QPointF c(x, height() / 2.0);
    p.setBrush(Qt::white);
    p.setPen(QPen(QColor(0, 0, 0, 160), 1));
    p.drawEllipse(c, 11, 11);
    p.setBrush(QColor(40, 40, 40));
    p.setPen(Qt::NoPen);
    QPainterPath arrows;
    arrows.addPolygon(QPolygonF({c + QPointF(-8, 0), c + QPointF(-2, -5), c + QPointF(-2, 5)}));
    arrows.addPolygon(QPolygonF({c + QPointF(8, 0), c + QPointF(2, -5), c + QPointF(2, 5)}));
    p.drawPath(arrows);
    p.restore();
}

void MapCanvas::drawScaleBar(QPainter &p) const
{
    if (m_layers.empty())
        return;
    const RasterInfo &info = m_layers.front().renderer->info();
    // Ground length of one logical widget pixel.
    double perPixel = 1.0 / m_scale;
    QString unit = tr("px");
    if (info.hasGeoTransform) {
        // Ground size at the view centre: right for geographic and Web Mercator scenes too.
        const Georeference *geo = georeference();
        auto ground = geo ? geo->groundPixelSize(m_center) : Result<QSizeF>(makeError("no georeference"));
        if (!ground && geo)
            ground = geo->groundPixelSize();
        if (ground && ground->width() > 0) {
            perPixel = ground->width() / m_scale;
            unit = QStringLiteral("m");
        }
    }
    const double target = 120.0 * perPixel; // aim for a bar of about 120 px
    const double magnitude = std::pow(10.0, std::floor(std::log10(target)));
    double length = magnitude;
    for (double m : {5.0, 2.0, 1.0})
        if (m * magnitude <= target) {
            length = m * magnitude;
            break;
        }
    const double barPx = length / perPixel;
    QString label;
    if (unit == QLatin1String("m") && length >= 1000.0)
        label = tr("%1 km").arg(length / 1000.0);
    else if (unit == QLatin1String("m"))
        label = tr("%1 m").arg(length);
    else
        label = tr("%1 px").arg(length);

    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetricsF fm(font());
    const QRectF box(10, height() - 36, barPx + 20 + fm.horizontalAdvance(label) + 8, 26);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 200));
    p.drawRoundedRect(box, 4, 4);
    const double y = box.center().y() + 4;
    p.setPen(QPen(Qt::black, 2));
    p.drawLine(QPointF(18, y), QPointF(18 + barPx, y));
    p.drawLine(QPointF(18, y - 6), QPointF(18, y));
    p.drawLine(QPointF(18 + barPx, y - 6), QPointF(18 + barPx, y));
    p.drawText(QPointF(18 + barPx + 8, y), label);
    p.restore();
}

const Georeference *MapCanvas::georeference() const
{
    const int ref = m_layers.empty() ? 0 : m_layers.front().id;
    if (ref != m_georefLayer) {
        m_georefLayer = ref;
        m_georef.reset();
        if (ref) {
            auto g = Georeference::fromInfo(m_layers.front().renderer->info());
            if (g)
                m_georef = std::make_unique<Georeference>(std::move(g.value()));
        }
    }
    return m_georef.get();
}

// --- events -----------------------------------------------------------------------------------

void MapCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (!m_userMoved || m_fitPending) {
        m_fitPending = false;
        const bool moved = m_userMoved;
        fitToWindow();
        m_userMoved = moved;
    } else {
        viewUpdated();
    }
}

void MapCanvas::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshTiles();
}

void MapCanvas::mousePressEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_tool && event->button() != Qt::MiddleButton && m_tool->mousePressEvent(event, widgetToPixel(pos)))
        return;
    if (event->button() == Qt::LeftButton && nearSwipeDivider(pos)) {
        m_draggingSwipe = true;
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_lastMouse = pos;
        setCursor(Qt::ClosedHandCursor);
    }
}

void MapCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    updateCursor(pos);
    if (m_draggingSwipe) {
        setSwipePosition(width() > 0 ? pos.x() / width() : 0.5);
        return;
    }
    if (m_panning) {
        panBy(pos - m_lastMouse);
        m_lastMouse = pos;
        return;
    }
    if (m_tool && m_tool->mouseMoveEvent(event, widgetToPixel(pos)))
        return;
    setCursor(nearSwipeDivider(pos) ? Qt::SplitHCursor : Qt::ArrowCursor);
}

void MapCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_draggingSwipe || m_panning) {
        m_draggingSwipe = false;
        m_panning = false;
        setCursor(Qt::ArrowCursor);
        return;
    }
    if (m_tool)
        m_tool->mouseReleaseEvent(event, widgetToPixel(event->position()));
}

void MapCanvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (m_tool && m_tool->mouseDoubleClickEvent(event, widgetToPixel(event->position())))
        return;
    if (event->button() == Qt::LeftButton)
        zoomBy(2.0, event->position());
}

void MapCanvas::wheelEvent(QWheelEvent *event)
{
    const QPointF pos = event->position();
    if (m_tool && m_tool->wheelEvent(event, widgetToPixel(pos)))
        return;
    const double notches = event->angleDelta().y() / 120.0;
    if (notches != 0.0)
        zoomBy(std::pow(kWheelStep, notches), pos);
    event->accept();
}

void MapCanvas::keyPressEvent(QKeyEvent *event)
{
    if (m_tool && m_tool->keyPressEvent(event))
        return;
    const double step = std::max(width(), height()) / 8.0;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_Left:
        panBy(QPointF(step, 0));
        break;
    case Qt::Key_Right:
        panBy(QPointF(-step, 0));
        break;
    case Qt::Key_Up:
        panBy(QPointF(0, step));
        break;
    case Qt::Key_Down:
        panBy(QPointF(0, -step));
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void MapCanvas::keyReleaseEvent(QKeyEvent *event)
{
    if (m_tool && m_tool->keyReleaseEvent(event))
        return;
    QWidget::keyReleaseEvent(event);
}

void MapCanvas::leaveEvent(QEvent *event)
{
    m_cursorInside = false;
    CursorPosition pos;
    Q_EMIT cursorPositionChanged(pos);
    QWidget::leaveEvent(event);
}

bool MapCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::NativeGesture) {
        auto *g = static_cast<QNativeGestureEvent *>(event);
        if (g->gestureType() == Qt::ZoomNativeGesture) {
            zoomBy(1.0 + g->value(), g->position());
            return true;
        }
    } else if (event->type() == QEvent::Gesture) {
        auto *g = static_cast<QGestureEvent *>(event);
        if (auto *pinch = static_cast<QPinchGesture *>(g->gesture(Qt::PinchGesture))) {
            if (pinch->changeFlags() & QPinchGesture::ScaleFactorChanged)
                zoomBy(pinch->scaleFactor(), mapFromGlobal(pinch->centerPoint().toPoint()));
            g->accept(pinch);
            return true;
        }
    }
    return QWidget::event(event);
}

void MapCanvas::updateCursor(QPointF widgetPos)
{
    m_cursorInside = true;
    m_lastCursorWidget = widgetPos;
    CursorPosition pos;
    pos.pixel = widgetToPixel(widgetPos);
    const QSize scene = sceneSize();
    pos.insideScene = !scene.isEmpty() && pos.pixel.x() >= 0 && pos.pixel.y() >= 0 && pos.pixel.x() < scene.width()
        && pos.pixel.y() < scene.height();
    if (!m_layers.empty()) {
        const RasterInfo &info = m_layers.front().renderer->info();
        if (info.hasGeoTransform) {
            pos.hasMap = true;
            pos.map = info.geoTransform.pixelToMap(pos.pixel);
            const Georeference *geo = georeference();
            if (geo && geo->hasLonLat()) {
                if (auto ll = geo->mapToLonLat(pos.map)) {
                    pos.hasLonLat = true;
                    pos.lonLat = *ll;
                }
            }
        }
    }
    Q_EMIT cursorPositionChanged(pos);
    if (const Layer *l = layer(currentLayer())) {
        bool invertible = false;
        const QPointF layerPixel = l->toReference.inverted(&invertible).map(pos.pixel);
        l->renderer->requestPixelValues(QPoint(int(std::floor(layerPixel.x())), int(std::floor(layerPixel.y()))));
    }
}

} // namespace satgpt
