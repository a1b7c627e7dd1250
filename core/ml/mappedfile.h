// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/ml: a read-only memory mapping of a whole file (POSIX mmap).

#include "core/base/result.h"

#include <cstddef>
#include <string>

namespace satgpt::ml::detail {

/// Maps a regular file read-only for the lifetime of the object; unmapped on destruction.
/// Readers copy what they need out of the mapping, so nothing refers to it afterwards.
/// Not copyable; use from one thread at a time.
class MappedFile final
{
public:
    MappedFile() = default;
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;
    ~MappedFile();

    /// Errors name `path` and the system's reason. An empty file maps to size() == 0.
    Status open(const std::string &path);

    const unsigned char *data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    const unsigned char *m_data = nullptr;
    size_t m_size = 0;
};

} // namespace satgpt::ml::detail
