// SPDX-License-Identifier: GPL-3.0-or-later
#include "heatmapoverlay.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>

#include <algorithm>

namespace satgpt {

HeatmapOverlay::HeatmapOverlay(QObject *parent)
    : QObject(parent)
{
    m_style.opacity = 0.6;
}

void HeatmapOverlay::setHeatmap(const ml::HeatMap &map, const QRect &region, const QString &title)
{
    m_map = map;
    m_region = region;
    m_title = title;
    // The legend and the colour scale span the map's own range (maps are usually 0..1, raw
    // cross-attention masses are not).
    m_style.low = std::min(0.0, double(map.minimum()));
    m_style.high = std::max(double(map.maximum()), m_style.low + 1e-12);
    restyle();
}

void HeatmapOverlay::clear()
{
    m_map = {};
    m_region = {};
    m_title.clear();
    restyle();
}

void HeatmapOverlay::setColorMap(ColorMap map)
{
    if (m_style.colorMap == map)
        return;
    m_style.colorMap = map;
    restyle();
}

void HeatmapOverlay::setOpacity(double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (m_style.opacity == opacity)
        return;
    m_style.opacity = opacity;
    restyle();
}

void HeatmapOverlay::setThreshold(double threshold)
{
    if (m_style.threshold == threshold)
        return;
    m_style.threshold = threshold;
    restyle();
}

void HeatmapOverlay::setLegendVisible(bool visible)
{
    if (m_legendVisible == visible)
        return;
    m_legendVisible = visible;
    restyle();
}

void HeatmapOverlay::setVisible(bool visible)
{
    if (m_visible == visible)
        return;
    m_visible = visible;
    restyle();
}

void HeatmapOverlay::restyle()
{
    // Colouring happens once per style change, not per frame.
    m_image = m_map.isEmpty() ? QImage() : renderHeatmap(m_map, m_style);
    if (view())
        view()->requestRepaint();
    Q_EMIT changed();
}

QImage HeatmapOverlay::image() const
{
    return m_image;
}

QRectF HeatmapOverlay::widgetRect(const MapView &view) const
{
    return view.viewTransform().mapRect(QRectF(m_region));
}

void HeatmapOverlay::paint(QPainter *painter, const MapView &view)
{
    if (!m_visible || m_image.isNull() || m_region.isEmpty())
        return;
    painter->save();
    // Smooth: a 14x14 grid stretched over a few hundred pixels reads as a field, not as tiles
    // (the pixel boundaries of the map carry no meaning).
    painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter->drawImage(QRectF(m_region), m_image);
    painter->restore();
    if (m_legendVisible)
        drawLegend(painter, view);
}

void HeatmapOverlay::drawLegend(QPainter *painter, const MapView &view) const
{
    painter->save();
    painter->resetTransform();
    // The widget rectangle from the view itself: painter->viewport() is the paint device's
    // (device pixels, or the whole window's backing store), which put the legend off-screen.
    const QRectF visible = view.visiblePixelRect();
    const QRect viewport = QRectF(view.pixelToWidget(visible.topLeft()), view.pixelToWidget(visible.bottomRight()))
                               .normalized()
                               .toAlignedRect();
    const QFontMetrics fm(painter->font());
    const int barW = 120, barH = 10, pad = 6;
    const int boxW = barW + 2 * pad;
    const int boxH = pad + (m_title.isEmpty() ? 0 : fm.height()) + barH + fm.height() + pad;
    const QRect box(viewport.right() - boxW - 8, viewport.bottom() - boxH - 8, boxW, boxH);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(255, 255, 255, 210));
    painter->drawRoundedRect(box, 4, 4);
    int y = box.top() + pad;
    painter->setPen(Qt::black);
    if (!m_title.isEmpty()) {
        painter->drawText(QRect(box.left() + pad, y, barW, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                          fm.elidedText(m_title, Qt::ElideRight, barW));
        y += fm.height();
    }
    // The bar shows what is drawn: transparent (checked background) below the threshold.
    const QRect bar(box.left() + pad, y, barW, barH);
    const double span = m_style.high - m_style.low;
    for (int x = 0; x < barW; ++x) {
        const double v = m_style.low + span * (x + 0.5) / barW;
        const QRgb c = colorMapValue(m_style.colorMap, span > 0 ? (v - m_style.low) / span : 1.0);
        const bool hidden = v < m_style.threshold;
        painter->fillRect(QRect(bar.left() + x, bar.top(), 1, barH), hidden ? QColor(200, 200, 200) : QColor(c));
    }
    painter->setPen(QColor(60, 60, 60));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(bar.adjusted(0, 0, -1, -1));
    y += barH;
    const auto label = [](double v) { return QString::number(v, 'g', 3); };
    painter->setPen(Qt::black);
    const QRect labels(bar.left(), y, barW, fm.height());
    painter->drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, label(m_style.low));
    painter->drawText(labels, Qt::AlignHCenter | Qt::AlignVCenter, label((m_style.low + m_style.high) / 2));
    painter->drawText(labels, Qt::AlignRight | Qt::AlignVCenter, label(m_style.high));
    painter->restore();
}

} // namespace satgpt
