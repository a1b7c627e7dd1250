// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How regions are rendered for counting heads, in training (`satgpt count train`) and counting
// (`satgpt count`, the chat): one rule for both, so a head sees objects as it learnt them.

#include "core/raster/rastertypes.h"
#include "core/raster/rendering.h"

namespace satgpt {

/// The default band composition; 8-bit scenes keep their values (no stretch), because the
/// default percentile stretch is computed per scene and would make the same objects look
/// different from one scene to the next (and saturates small bright objects together with the
/// brightest 2 % of the background). Wider data uses the default percentile stretch.
RenderSettings countingRenderSettings(const RasterInfo &info);

} // namespace satgpt
