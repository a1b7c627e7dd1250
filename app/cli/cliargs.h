// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Argument forms several CLI verbs share.

#include "core/base/result.h"
#include "core/raster/rasterdataset.h"

#include <QRect>
#include <QSize>
#include <QString>

#include <memory>

namespace satgpt::cli {

/// "x,y,w,h": four non-negative integers with w, h > 0, a pixel window.
Result<QRect> parseRegion(const QString &text);

/// The pixel window `text` names in a scene of `sceneSize` (the whole scene when `text` is
/// empty); a window reaching outside the scene is an error naming `scenePath`.
Result<QRect> sceneRegion(const QString &text, const QString &scenePath, const QSize &sceneSize);

/// A scene opened for a verb that works on one pixel window of it.
struct SceneWindow
{
    std::unique_ptr<RasterDataset> dataset;
    QRect region;
};

/// Opens `scenePath` and resolves `regionText` against it (see sceneRegion); errors name the file.
Result<SceneWindow> openSceneWindow(const QString &scenePath, const QString &regionText);

} // namespace satgpt::cli
