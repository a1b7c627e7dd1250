// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/raster/rastertypes.h"

#include <QJsonObject>
#include <QString>

namespace satgpt {

/// One scene of a project as stored in the project file. Paths are kept both relative to the
/// project file (so a moved project folder still works) and absolute (the fallback). `layer`
/// and `stretch` belong to the map canvas, which fills them; `extra` holds keys this version
/// does not know, written back unchanged.
struct ProjectScene
{
    QString id;
    QString path;          ///< absolute path in use (resolved at load)
    QString storedRelative; ///< relative path as read from the file (informational)
    bool missing = false;  ///< neither the relative nor the absolute path exists
    int width = 0;
    int height = 0;
    bool hasGeoTransform = false;
    GeoTransform geoTransform;
    QString crsWkt;
    QJsonObject layer;
    QJsonObject stretch;
    QJsonObject extra;

    bool operator==(const ProjectScene &o) const
    {
        return id == o.id && path == o.path && missing == o.missing && width == o.width && height == o.height
            && hasGeoTransform == o.hasGeoTransform && geoTransform == o.geoTransform && crsWkt == o.crsWkt
            && layer == o.layer && stretch == o.stretch && extra == o.extra;
    }
};

} // namespace satgpt
