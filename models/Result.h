#pragma once

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace cw {

/// An expected failure: a message that names its subject (file and line, host:port, ...).
struct Error {
    QString message;
};

/// A value or an Error. Expected failures are return values; no exception crosses a
/// thread or signal boundary.
template <typename T> class Result {
public:
    Result(T value)
        : m_data(std::move(value))
    {
    } // NOLINT(google-explicit-constructor)
    Result(Error error)
        : m_data(std::move(error))
    {
    } // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const QString &error() const { return std::get<Error>(m_data).message; }

private:
    std::variant<T, Error> m_data;
};

} // namespace cw
