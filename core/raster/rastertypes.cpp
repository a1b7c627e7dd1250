// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/raster/rastertypes.h"

#include <cmath>

namespace satgpt {

QString pixelTypeName(PixelType type)
{
    switch (type) {
    case PixelType::Byte: return QStringLiteral("Byte");
    case PixelType::Int8: return QStringLiteral("Int8");
    case PixelType::UInt16: return QStringLiteral("UInt16");
    case PixelType::Int16: return QStringLiteral("Int16");
    case PixelType::UInt32: return QStringLiteral("UInt32");
    case PixelType::Int32: return QStringLiteral("Int32");
    case PixelType::UInt64: return QStringLiteral("UInt64");
    case PixelType::Int64: return QStringLiteral("Int64");
    case PixelType::Float32: return QStringLiteral("Float32");
    case PixelType::Float64: return QStringLiteral("Float64");
    case PixelType::CInt16: return QStringLiteral("CInt16");
    case PixelType::CInt32: return QStringLiteral("CInt32");
    case PixelType::CFloat32: return QStringLiteral("CFloat32");
    case PixelType::CFloat64: return QStringLiteral("CFloat64");
    case PixelType::Unknown: break;
    }
    return QStringLiteral("Unknown");
}

QPointF GeoTransform::pixelToMap(QPointF pixel) const
{
    return {c[0] + pixel.x() * c[1] + pixel.y() * c[2], c[3] + pixel.x() * c[4] + pixel.y() * c[5]};
}

std::optional<QPointF> GeoTransform::mapToPixel(QPointF map) const
{
    const double det = c[1] * c[5] - c[2] * c[4];
    // Relative test: geographic transforms have tiny coefficients (1e-5 degrees) that are still valid.
    const double scale = std::abs(c[1] * c[5]) + std::abs(c[2] * c[4]);
    if (det == 0.0 || !std::isfinite(det) || std::abs(det) <= 1e-15 * scale)
        return std::nullopt;
    const double dx = map.x() - c[0];
    const double dy = map.y() - c[3];
    return QPointF((c[5] * dx - c[2] * dy) / det, (-c[4] * dx + c[1] * dy) / det);
}

bool GeoTransform::isIdentity() const
{
    return c == std::array<double, 6>{0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
}

QSizeF RasterInfo::pixelSize() const
{
    if (!hasGeoTransform)
        return {1.0, 1.0};
    const auto &g = geoTransform.c;
    // Column and row vectors' lengths, so rotated transforms give the true pixel size.
    return {std::hypot(g[1], g[4]), std::hypot(g[2], g[5])};
}

QRectF RasterInfo::mapBounds() const
{
    if (!hasGeoTransform)
        return QRectF(0, 0, width, height);
    const QPointF corners[4] = {geoTransform.pixelToMap({0, 0}), geoTransform.pixelToMap({double(width), 0}),
                                geoTransform.pixelToMap({0, double(height)}),
                                geoTransform.pixelToMap({double(width), double(height)})};
    double minX = corners[0].x(), maxX = minX, minY = corners[0].y(), maxY = minY;
    for (const QPointF &p : corners) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    }
    return QRectF(QPointF(minX, minY), QPointF(maxX, maxY));
}

} // namespace satgpt
