// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Errors as values, shared by the Qt-free ML library and the Qt core. Standard library only,
// so the headless trainer can use it on a machine that has nothing but libtorch.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace satgpt {

/// What went wrong, for the user (message) and for the log (detail). `path` names the file
/// involved when there is one, so every message about a bad file can say which file.
struct Error
{
    std::string message;
    std::string detail;
    std::string path;

    /// "path: message (detail)" with the empty parts left out.
    std::string toString() const
    {
        std::string s;
        if (!path.empty())
            s += path + ": ";
        s += message;
        if (!detail.empty())
            s += " (" + detail + ")";
        return s;
    }
};

inline Error makeError(std::string message, std::string path = {}, std::string detail = {})
{
    return Error{std::move(message), std::move(detail), std::move(path)};
}

/// A value or an Error. Cheap to move; check ok() before value().
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }

    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace satgpt
