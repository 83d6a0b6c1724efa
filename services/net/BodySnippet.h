#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace cw {

/// Characters of a body quoted in one line of an error message, by default.
inline constexpr qsizetype kSnippetChars = 80;

/// The start of a response body, fit for one line of an error message: HTML tags, control
/// characters and invalid UTF-8 removed, whitespace collapsed, at most @p maxChars characters,
/// an ellipsis where it was cut. A body that is not text (a NUL byte, or mostly invalid UTF-8)
/// gives "(N bytes of binary data)"; an empty or blank one an empty string.
///
/// Every occurrence of a string in @p redact (case-insensitive) is replaced by an ellipsis
/// before the text is cut, so a secret the server echoes back shows in no part.
QString bodySnippet(
    QByteArrayView body, qsizetype maxChars = kSnippetChars, const QStringList &redact = {});

} // namespace cw
