// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cliargs.h"

#include <QStringList>

namespace satgpt::cli {

Result<QRect> parseRegion(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() != 4)
        return makeError("--region must be x,y,w,h", {}, text.toStdString());
    int v[4];
    for (int i = 0; i < 4; ++i) {
        bool ok = false;
        v[i] = parts[i].trimmed().toInt(&ok);
        if (!ok || (i >= 2 && v[i] <= 0) || v[i] < 0)
            return makeError("--region must be four non-negative integers x,y,w,h with w,h > 0", {}, text.toStdString());
    }
    return QRect(v[0], v[1], v[2], v[3]);
}

Result<QRect> sceneRegion(const QString &text, const QString &scenePath, const QSize &sceneSize)
{
    const QRect scene(QPoint(0, 0), sceneSize);
    if (text.isEmpty())
        return scene;
    auto region = parseRegion(text);
    if (!region)
        return region;
    if (!scene.contains(*region))
        return makeError(QStringLiteral("region %1,%2,%3,%4 is outside the %5x%6 scene")
                             .arg(region->x()).arg(region->y()).arg(region->width()).arg(region->height())
                             .arg(sceneSize.width()).arg(sceneSize.height())
                             .toStdString(),
                         scenePath.toStdString());
    return region;
}

Result<SceneWindow> openSceneWindow(const QString &scenePath, const QString &regionText)
{
    auto ds = RasterDataset::open(scenePath);
    if (!ds)
        return ds.error();
    const RasterInfo &info = ds.value()->info();
    auto region = sceneRegion(regionText, scenePath, QSize(info.width, info.height));
    if (!region)
        return region.error();
    return SceneWindow{std::move(ds.value()), region.value()};
}

} // namespace satgpt::cli
