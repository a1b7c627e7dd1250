// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/mappedfile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace satgpt::ml::detail {

MappedFile::~MappedFile()
{
    if (m_data && m_size)
        ::munmap(const_cast<unsigned char *>(m_data), m_size);
}

Status MappedFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError("Cannot open the file", path, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return makeError("Cannot read the file's size", path, std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError("Not a regular file", path);
    }
    m_size = static_cast<size_t>(st.st_size);
    if (m_size > 0) {
        void *p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            m_size = 0;
            return makeError("Cannot memory-map the file", path, std::strerror(e));
        }
        m_data = static_cast<const unsigned char *>(p);
    }
    ::close(fd);
    return {};
}

} // namespace satgpt::ml::detail
