// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/countingrender.h"

namespace satgpt {

RenderSettings countingRenderSettings(const RasterInfo &info)
{
    RenderSettings s;
    s.composition = BandComposition::defaultFor(info);
    bool allByte = !s.composition.bands.isEmpty();
    for (int b : s.composition.bands)
        allByte = allByte && b >= 1 && b <= info.bands.size() && info.bands[b - 1].type == PixelType::Byte;
    if (allByte)
        s.stretch.kind = StretchKind::None;
    return s;
}

} // namespace satgpt
