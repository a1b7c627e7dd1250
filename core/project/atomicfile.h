// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/base/result.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace satgpt {

/// Writes whole files so a crash or kill mid-write never leaves a truncated file: data goes to
/// a temporary file beside the target (QSaveFile) which replaces it only once complete.
class AtomicFile final
{
public:
    /// Called after each chunk with the bytes written so far; used for progress (and by the
    /// interrupted-save test, which writes slowly through the very same code path).
    using ChunkCallback = std::function<void(qint64 written, qint64 total)>;

    static Status write(const QString &path, const QByteArray &data, const ChunkCallback &onChunk = {},
                        qint64 chunkSize = 64 * 1024);
};

} // namespace satgpt
