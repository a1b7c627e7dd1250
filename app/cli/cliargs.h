// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Argument forms several CLI verbs share.

#include "core/base/result.h"

#include <QRect>
#include <QSize>
#include <QString>

namespace satgpt::cli {

/// "x,y,w,h": four non-negative integers with w, h > 0, a pixel window.
Result<QRect> parseRegion(const QString &text);

/// The pixel window `text` names in a scene of `sceneSize` (the whole scene when `text` is
/// empty); a window reaching outside the scene is an error naming `scenePath`.
Result<QRect> sceneRegion(const QString &text, const QString &scenePath, const QSize &sceneSize);

} // namespace satgpt::cli
