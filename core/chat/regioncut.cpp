// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/chat/regioncut.h"

#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace satgpt {

Result<QImage> renderRegion(const RasterDataset &dataset, const QRect &window, const RenderSettings &settings,
                            const QSize &outSize)
{
    const RasterInfo &info = dataset.info();
    const QRect clipped = window.intersected(QRect(0, 0, info.width, info.height));
    if (clipped.isEmpty())
        return makeError("the question's region lies outside the scene", info.path.toStdString(),
                         QStringLiteral("%1,%2 %3x%4").arg(window.x()).arg(window.y()).arg(window.width()).arg(window.height())
                             .toStdString());
    if (outSize.isEmpty())
        return makeError("empty output size for the region", info.path.toStdString());
    RenderSettings s = settings;
    if (s.composition.bands.isEmpty())
        s.composition = BandComposition::defaultFor(info);
    for (int b : s.composition.bands)
        if (b < 1 || b > info.bandCount())
            return makeError("the band shown on screen does not exist in the scene", info.path.toStdString(),
                             "band " + std::to_string(b));
    auto channels = channelStretches(dataset, s);
    if (!channels)
        return channels.error();
    auto block = dataset.read(clipped, outSize, s.composition.bands);
    if (!block)
        return block.error();
    const QImage argb = renderBlock(block.value(), channels.value(), s.composition.colorMap);
    if (argb.isNull())
        return makeError("could not render the region", info.path.toStdString());
    QImage rgb(argb.size(), QImage::Format_RGB888);
    const QImage src = argb.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < src.height(); ++y) {
        const QRgb *in = reinterpret_cast<const QRgb *>(src.constScanLine(y));
        uchar *out = rgb.scanLine(y);
        for (int x = 0; x < src.width(); ++x) {
            // Transparent means nodata: black, not whatever colour the stretch gave it.
            const bool valid = qAlpha(in[x]) != 0;
            out[3 * x + 0] = valid ? uchar(qRed(in[x])) : 0;
            out[3 * x + 1] = valid ? uchar(qGreen(in[x])) : 0;
            out[3 * x + 2] = valid ? uchar(qBlue(in[x])) : 0;
        }
    }
    return rgb;
}

QSize regionReadSize(const QSize &window, int maxSide)
{
    QSize out = window;
    if (maxSide > 0 && (out.width() > maxSide || out.height() > maxSide))
        out.scale(maxSide, maxSide, Qt::KeepAspectRatio);
    return out.expandedTo(QSize(1, 1));
}

ml::ImageRGB8 toImageRGB8(const QImage &image)
{
    const QImage rgb = image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    ml::ImageRGB8 out;
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(size_t(out.width) * size_t(out.height) * 3);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * size_t(out.width) * 3, rgb.constScanLine(y), size_t(out.width) * 3);
    return out;
}

ChatRegion describeRegion(const RasterInfo &scene, const QRect &pixel, ChatRegion::Kind kind, const QString &annotationId)
{
    ChatRegion r;
    r.kind = kind;
    r.annotationId = annotationId;
    r.pixel = pixel;
    const QRectF px(pixel);
    if (scene.hasGeoTransform) {
        const QPolygonF corners{scene.geoTransform.pixelToMap(px.topLeft()), scene.geoTransform.pixelToMap(px.topRight()),
                                scene.geoTransform.pixelToMap(px.bottomLeft()),
                                scene.geoTransform.pixelToMap(px.bottomRight())};
        r.map = corners.boundingRect();
    } else {
        r.map = px;
    }
    if (scene.epsg > 0)
        r.crs = QStringLiteral("EPSG:%1").arg(scene.epsg);
    else
        r.crs = scene.crsWkt;
    return r;
}

QRect regionInScene(const RasterInfo &from, const QRect &pixel, const RasterInfo &to)
{
    const QRect bounds(0, 0, to.width, to.height);
    const bool sameCrs = from.epsg == to.epsg && (from.epsg != 0 || from.crsWkt == to.crsWkt);
    if (!from.hasGeoTransform || !to.hasGeoTransform || !sameCrs)
        return pixel.intersected(bounds);
    const QRectF px(pixel);
    QPolygonF corners;
    for (QPointF c : {px.topLeft(), px.topRight(), px.bottomLeft(), px.bottomRight()}) {
        const auto p = to.geoTransform.mapToPixel(from.geoTransform.pixelToMap(c));
        if (!p)
            return pixel.intersected(bounds);
        corners << *p;
    }
    const QRectF r = corners.boundingRect();
    const QRect out(QPoint(int(std::floor(r.left() + 1e-6)), int(std::floor(r.top() + 1e-6))),
                    QPoint(int(std::ceil(r.right() - 1e-6)) - 1, int(std::ceil(r.bottom() - 1e-6)) - 1));
    return out.intersected(bounds);
}

} // namespace satgpt
