#include "services/net/BodySnippet.h"

#include <QByteArray>
#include <algorithm>

namespace cw {

namespace {

constexpr QChar kEllipsis(0x2026);
/// Bytes of a body looked at, at least: an HTML page's visible text starts after its head.
constexpr qsizetype kMinScanBytes = 2048;

/// @p bytes without a UTF-8 sequence cut off at its end.
QByteArrayView withoutCutSequence(QByteArrayView bytes)
{
    qsizetype start = bytes.size();
    // At most three continuation bytes follow a lead byte.
    while (start > 0 && bytes.size() - start < 4
        && (static_cast<unsigned char>(bytes[start - 1]) & 0xC0) == 0x80)
        --start;
    if (start == 0)
        return bytes;
    const auto lead = static_cast<unsigned char>(bytes[start - 1]);
    const qsizetype length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    const qsizetype present = bytes.size() - (start - 1);
    return length > 1 && present < length ? bytes.first(start - 1) : bytes;
}

/// The name of the tag whose inside is @p tag ("head lang=en", "/HEAD", "br/"): "head", "/head",
/// "br".
QByteArray tagName(QByteArrayView tag)
{
    qsizetype end = tag.startsWith('/') ? 1 : 0;
    while (end < tag.size() && QByteArrayView(" \t\r\n/").indexOf(tag[end]) < 0)
        ++end;
    return tag.first(end).toByteArray().toLower();
}

/// Text of an HTML document without its markup: tags become spaces (text on both sides of one
/// stays apart) and what is not shown (head, scripts, styles) is left out. Other text as is.
/// Control characters become spaces.
QByteArray printable(QByteArrayView bytes)
{
    const bool html = bytes.trimmed().startsWith('<');
    const QByteArray lower = html ? bytes.toByteArray().toLower() : QByteArray();
    QByteArray text;
    text.reserve(bytes.size());
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (!html || c != '<') {
            const auto u = static_cast<unsigned char>(c);
            text += u < 0x20 || u == 0x7f ? ' ' : c;
            continue;
        }
        const qsizetype close = bytes.indexOf('>', i);
        if (close < 0)
            break; // a tag cut off by the end
        const QByteArray name = tagName(bytes.sliced(i + 1, close - i - 1));
        i = close;
        text += ' ';
        if (name == "head" || name == "script" || name == "style") {
            // Hidden up to its closing tag; a script's '<' is no tag.
            const QByteArray end = "</" + name;
            const qsizetype hiddenEnd = lower.indexOf(end, close);
            const qsizetype endClose = hiddenEnd < 0 ? -1 : bytes.indexOf('>', hiddenEnd);
            if (endClose < 0)
                break;
            i = endClose;
        }
    }
    return text;
}

/// @p text cut to @p maxChars characters, the last one an ellipsis, never inside a surrogate
/// pair.
QString cut(const QString &text, qsizetype maxChars)
{
    qsizetype keep = std::max<qsizetype>(0, maxChars - 1);
    if (keep > 0 && keep < text.size() && text.at(keep).isLowSurrogate())
        --keep;
    return text.left(keep).trimmed() + kEllipsis;
}

} // namespace

QString bodySnippet(QByteArrayView body, qsizetype maxChars, const QStringList &redact)
{
    maxChars = std::max<qsizetype>(1, maxChars);
    const qsizetype scan = std::max(kMinScanBytes, maxChars * 8);
    const bool more = body.size() > scan;
    const QByteArrayView window = more ? withoutCutSequence(body.first(scan)) : body;
    if (window.contains('\0'))
        return QStringLiteral("(%1 bytes of binary data)").arg(body.size());

    QString text = QString::fromUtf8(printable(window));
    const auto invalid = text.count(QChar::ReplacementCharacter);
    if (invalid * 4 > text.size())
        return QStringLiteral("(%1 bytes of binary data)").arg(body.size());
    text.remove(QChar::ReplacementCharacter);
    text = text.simplified();

    QStringList secrets = redact;
    std::sort(secrets.begin(), secrets.end(),
        [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &secret : std::as_const(secrets)) {
        if (!secret.isEmpty())
            text.replace(secret, QString(kEllipsis), Qt::CaseInsensitive);
    }

    if (text.size() > maxChars)
        return cut(text, maxChars);
    if (more && !text.isEmpty() && !text.endsWith(kEllipsis))
        return text.size() < maxChars ? text + kEllipsis : cut(text, maxChars);
    return text;
}

} // namespace cw
