// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: whole-file reads and atomic writes (standard library + POSIX only).

#include "core/base/result.h"

#include <cstddef>
#include <string>

namespace satgpt::ml::detail {

/// The whole file; refuses files larger than `maxBytes`. Errors name the file.
Result<std::string> readFileBytes(const std::string &path, size_t maxBytes = size_t(1) << 30);

/// Writes to a temporary file beside `path`, fsyncs it and renames it over `path`, so readers
/// see the old or the new file, never half of one. Errors name `path`.
Status writeFileAtomically(const std::string &path, const void *data, size_t size);
inline Status writeFileAtomically(const std::string &path, const std::string &bytes)
{
    return writeFileAtomically(path, bytes.data(), bytes.size());
}

} // namespace satgpt::ml::detail
