// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/fileutil.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace satgpt::ml::detail {

Result<std::string> readFileBytes(const std::string &path, size_t maxBytes)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError("Cannot open the file", path, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError("Not a regular file", path);
    }
    if (static_cast<unsigned long long>(st.st_size) > maxBytes) {
        ::close(fd);
        return makeError("The file is too large (" + std::to_string(st.st_size) + " bytes)", path);
    }
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(fd, &out[got], out.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int e = errno;
            ::close(fd);
            return makeError("Cannot read the file", path, n == 0 ? "unexpected end of file" : std::strerror(e));
        }
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    return out;
}

Status writeFileAtomically(const std::string &path, const void *data, size_t size)
{
    std::string tmpl = path + ".tmp-XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        return makeError("Cannot create a temporary file next to the destination", path, std::strerror(errno));
    const std::string tmp(name.data());
    auto failWith = [&](const char *what) {
        const int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return makeError(what, path, std::strerror(e));
    };
    const auto *bytes = static_cast<const unsigned char *>(data);
    size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd, bytes + written, size - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return failWith("Cannot write the file");
        }
        written += static_cast<size_t>(n);
    }
    // mkstemp creates 0600; these are ordinary shareable files. (Querying the umask would
    // change it process-wide for a moment, racing with other threads.)
    if (::fchmod(fd, 0644) != 0)
        return failWith("Cannot set the file's permissions");
    if (::fsync(fd) != 0)
        return failWith("Cannot flush the file to disk");
    if (::close(fd) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return makeError("Cannot close the file", path, std::strerror(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return makeError("Cannot replace the file", path, std::strerror(e));
    }
    return {};
}

} // namespace satgpt::ml::detail
