// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/project/atomicfile.h"

#include <QSaveFile>

namespace satgpt {

Status AtomicFile::write(const QString &path, const QByteArray &data, const ChunkCallback &onChunk, qint64 chunkSize)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError("Cannot open the file for writing", path.toStdString(), file.errorString().toStdString());
    qint64 written = 0;
    const qint64 total = data.size();
    chunkSize = std::max<qint64>(1, chunkSize);
    while (written < total) {
        const qint64 n = file.write(data.constData() + written, std::min(chunkSize, total - written));
        if (n <= 0) {
            file.cancelWriting();
            return makeError("Cannot write the file", path.toStdString(), file.errorString().toStdString());
        }
        written += n;
        if (onChunk)
            onChunk(written, total);
    }
    if (!file.commit())
        return makeError("Cannot save the file", path.toStdString(), file.errorString().toStdString());
    return {};
}

} // namespace satgpt
