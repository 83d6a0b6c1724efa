#include "services/collectors/PrometheusParser.h"

#include <QString>
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace cw {

namespace {

// Byte classes, so that the hot loops do one table lookup per byte.
enum : unsigned char {
    kNameStart = 1, // [a-zA-Z_:] first byte of a metric name
    kNameChar = 2, // [a-zA-Z0-9_:]
    kLabelStart = 4, // [a-zA-Z_]
    kLabelChar = 8, // [a-zA-Z0-9_]
    kBlank = 16, // space, tab
};

constexpr std::array<unsigned char, 256> makeClasses()
{
    std::array<unsigned char, 256> t {};
    for (int c = 0; c < 256; ++c) {
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        unsigned char v = 0;
        if (alpha || c == '_' || c == ':')
            v |= kNameStart | kNameChar;
        if (digit)
            v |= kNameChar | kLabelChar;
        if (alpha || c == '_')
            v |= kLabelStart | kLabelChar;
        if (c == ' ' || c == '\t')
            v |= kBlank;
        t[static_cast<std::size_t>(c)] = v;
    }
    return t;
}

constexpr std::array<unsigned char, 256> kClasses = makeClasses();

inline bool is(char c, unsigned char cls)
{
    return (kClasses[static_cast<unsigned char>(c)] & cls) != 0;
}

constexpr qsizetype kSnippetMax = 60;

/// Printable, bounded excerpt of input bytes for an error message (a 4 MiB line or binary
/// junk must not end up verbatim in a log or a tooltip).
QString snippet(const char *b, const char *e)
{
    QString out;
    const qsizetype n = e - b;
    const qsizetype shown = std::min(n, kSnippetMax);
    out.reserve(shown + 4);
    for (qsizetype i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(b[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += QLatin1Char(static_cast<char>(c));
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += QLatin1String("\\x");
            out += QLatin1Char(hex[c >> 4]);
            out += QLatin1Char(hex[c & 0xf]);
        }
    }
    if (n > kSnippetMax)
        out += QChar(0x2026); // ellipsis
    return out;
}

QString quoted(const char *b, const char *e)
{
    return QLatin1Char('\'') + snippet(b, e) + QLatin1Char('\'');
}

bool equalsNoCase(const char *b, const char *e, const char *word)
{
    const auto n = static_cast<std::size_t>(e - b);
    if (std::strlen(word) != n)
        return false;
    for (std::size_t i = 0; i < n; ++i) {
        char c = b[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/// Go's ParseFloat as Prometheus uses it, minus hex and underscores: decimal with optional
/// sign and exponent, NaN, Inf, +Inf, -Inf (case-insensitive). Locale-independent.
bool parseValue(const char *b, const char *e, double &out)
{
    const char *s = b;
    bool negative = false;
    if (s < e && (*s == '+' || *s == '-')) {
        negative = *s == '-';
        ++s;
    }
    if (s == e)
        return false;
    if ((*s >= '0' && *s <= '9') || *s == '.') {
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(s, e, v, std::chars_format::general);
        if (ec != std::errc() || ptr != e)
            return false;
        out = negative ? -v : v;
        return true;
    }
    if (equalsNoCase(s, e, "inf") || equalsNoCase(s, e, "infinity")) {
        out = negative ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
        return true;
    }
    if (equalsNoCase(s, e, "nan")) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    return false;
}

bool parseTimestamp(const char *b, const char *e, qint64 &out)
{
    const char *s = b;
    if (s < e && *s == '+')
        ++s;
    if (s == e)
        return false;
    const auto [ptr, ec] = std::from_chars(s, e, out);
    return ec == std::errc() && ptr == e;
}

const char *skipBlanks(const char *p, const char *e)
{
    while (p < e && is(*p, kBlank))
        ++p;
    return p;
}

const char *skipToken(const char *p, const char *e)
{
    while (p < e && !is(*p, kBlank))
        ++p;
    return p;
}

// Per-byte flags (0x80) of the bytes of @p x that lie strictly between m and n; exact for
// each byte, for m < 128 and n <= 128 (Bit Twiddling Hacks, "hasbetween").
constexpr std::uint64_t kOnes = ~std::uint64_t(0) / 255;
constexpr std::uint64_t bytesBetween(std::uint64_t x, std::uint64_t m, std::uint64_t n)
{
    const std::uint64_t low = x & (kOnes * 127);
    return ((kOnes * (127 + n) - low) & ~x & (low + kOnes * (127 - m))) & (kOnes * 128);
}

/// Metric names are most of the bytes of n8n's text: scan them eight bytes at a time.
const char *skipNameChars(const char *p, const char *e)
{
    if constexpr (std::endian::native == std::endian::little) {
        while (e - p >= 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, sizeof w);
            const std::uint64_t name = bytesBetween(w | (kOnes * 0x20), 'a' - 1, 'z' + 1) // letters
                | bytesBetween(w, '0' - 1, ':' + 1) // 0-9 and ':'
                | bytesBetween(w, '_' - 1, '_' + 1);
            const std::uint64_t other = ~name & (kOnes * 128);
            if (other)
                return p + std::countr_zero(other) / 8;
            p += 8;
        }
    }
    while (p < e && is(*p, kNameChar))
        ++p;
    return p;
}

const char *skipMetricName(const char *p, const char *e)
{
    if (p < e && is(*p, kNameStart))
        p = skipNameChars(p + 1, e);
    return p;
}

class TextParser {
public:
    TextParser(QByteArrayView text, const PrometheusSampleVisitor &visitor)
        : m_begin(text.data())
        , m_end(text.data() + text.size())
        , m_visitor(visitor)
    {
    }

    Result<PrometheusTextStats> run()
    {
        const char *cur = m_begin;
        while (cur < m_end) {
            ++m_stats.lines;
            const auto *nl = static_cast<const char *>(
                std::memchr(cur, '\n', static_cast<std::size_t>(m_end - cur)));
            const char *lineEnd = nl ? nl : m_end;
            const char *contentEnd = lineEnd;
            if (contentEnd > cur && contentEnd[-1] == '\r')
                --contentEnd;
            if (!parseLine(cur, contentEnd))
                return Error { m_error };
            cur = nl ? nl + 1 : m_end;
        }
        return m_stats;
    }

private:
    bool fail(const QString &what)
    {
        m_error = QStringLiteral("line ") + QString::number(m_stats.lines) + QStringLiteral(": ")
            + what;
        return false;
    }

    bool parseLine(const char *p, const char *e)
    {
        p = skipBlanks(p, e);
        if (p == e)
            return true;
        if (*p == '#')
            return parseComment(p + 1, e);
        return parseSample(p, e);
    }

    bool parseComment(const char *p, const char *e)
    {
        p = skipBlanks(p, e);
        const char *keyword = p;
        p = skipToken(p, e);
        const bool help = p - keyword == 4 && std::memcmp(keyword, "HELP", 4) == 0;
        const bool type = p - keyword == 4 && std::memcmp(keyword, "TYPE", 4) == 0;
        if (!help && !type)
            return true; // an ordinary comment
        p = skipBlanks(p, e);
        if (p == e)
            return true; // "# HELP" alone: Prometheus treats it as a comment too
        const char *name = p;
        p = skipMetricName(p, e);
        if (p == name || (p < e && !is(*p, kBlank)))
            return fail(QStringLiteral("invalid metric name after '# %1': %2")
                            .arg(help ? QStringLiteral("HELP") : QStringLiteral("TYPE"),
                                quoted(name, skipToken(name, e))));
        p = skipBlanks(p, e);
        if (help)
            return checkHelpText(p, e, name, skipMetricName(name, e));

        const char *typeBegin = p;
        p = skipToken(p, e);
        if (typeBegin == p)
            return fail(QStringLiteral("expected a metric type after '# TYPE %1'")
                            .arg(snippet(name, skipMetricName(name, e))));
        static constexpr std::array<QByteArrayView, 5> kTypes
            = { "counter", "gauge", "histogram", "summary", "untyped" };
        const QByteArrayView typeName(typeBegin, p - typeBegin);
        const bool known = std::find(kTypes.begin(), kTypes.end(), typeName) != kTypes.end();
        if (!known)
            return fail(QStringLiteral("unknown metric type %1 for '%2' (expected counter, gauge, "
                                       "histogram, summary or untyped)")
                            .arg(quoted(typeBegin, p), snippet(name, skipMetricName(name, e))));
        p = skipBlanks(p, e);
        if (p != e)
            return fail(QStringLiteral("unexpected text after '# TYPE %1 %2': %3")
                            .arg(snippet(name, skipMetricName(name, e)),
                                snippet(typeBegin, skipToken(typeBegin, e)), quoted(p, e)));
        return true;
    }

    bool checkHelpText(const char *p, const char *e, const char *name, const char *nameEnd)
    {
        // HELP text knows two escapes: \\ and \n.
        while (p < e) {
            p = static_cast<const char *>(std::memchr(p, '\\', static_cast<std::size_t>(e - p)));
            if (!p)
                return true;
            if (p + 1 == e || (p[1] != '\\' && p[1] != 'n'))
                return fail(QStringLiteral("bad escape %1 in the help text of '%2' (only \\\\ and "
                                           "\\n are allowed)")
                                .arg(quoted(p, std::min(p + 2, e)), snippet(name, nameEnd)));
            p += 2;
        }
        return true;
    }

    bool parseSample(const char *p, const char *e)
    {
        const char *name = p;
        p = skipMetricName(p, e);
        const char *nameEnd = p;
        if (p == name) {
            if (*p == '<')
                return fail(QStringLiteral("this looks like an HTML page, not Prometheus text: %1")
                                .arg(quoted(name, e)));
            return fail(
                QStringLiteral("expected a metric name or '#', got %1").arg(quoted(name, e)));
        }
        if (p < e && !is(*p, kBlank) && *p != '{')
            return fail(QStringLiteral("unexpected character %1 after metric name '%2'")
                            .arg(quoted(p, p + 1), snippet(name, nameEnd)));
        p = skipBlanks(p, e);

        m_labels.clear();
        if (p < e && *p == '{') {
            p = parseLabels(p + 1, e, name, nameEnd);
            if (!p)
                return false;
            p = skipBlanks(p, e);
        }

        if (p == e)
            return fail(QStringLiteral("expected a sample value after '%1%2'")
                            .arg(snippet(name, nameEnd),
                                m_labels.empty() ? QString() : QStringLiteral("{…}")));
        const char *valueBegin = p;
        p = skipToken(p, e);
        PrometheusSample sample;
        sample.line = m_stats.lines;
        sample.name = QByteArrayView(name, nameEnd - name);
        if (!parseValue(valueBegin, p, sample.value))
            return fail(QStringLiteral("invalid sample value %1 for '%2' (expected a number, NaN, "
                                       "+Inf or -Inf)")
                            .arg(quoted(valueBegin, p), snippet(name, nameEnd)));
        p = skipBlanks(p, e);
        if (p < e) {
            const char *tsBegin = p;
            p = skipToken(p, e);
            qint64 ts = 0;
            if (!parseTimestamp(tsBegin, p, ts))
                return fail(QStringLiteral("invalid timestamp %1 for '%2' (expected integer "
                                           "milliseconds)")
                                .arg(quoted(tsBegin, p), snippet(name, nameEnd)));
            sample.timestampMs = ts;
            p = skipBlanks(p, e);
            if (p < e)
                return fail(QStringLiteral("unexpected text after the timestamp of '%1': %2")
                                .arg(snippet(name, nameEnd), quoted(p, e)));
        }
        sample.labels = std::span<const PrometheusLabel>(m_labels.data(), m_labels.size());
        ++m_stats.samples;
        if (m_visitor)
            m_visitor(sample);
        return true;
    }

    /// Parses from just after '{'; returns the position after '}' or nullptr on error.
    const char *parseLabels(const char *p, const char *e, const char *name, const char *nameEnd)
    {
        const auto metric = [&] { return snippet(name, nameEnd); };
        for (;;) {
            p = skipBlanks(p, e);
            if (p == e) {
                fail(QStringLiteral("unterminated label set of '%1' (missing '}')").arg(metric()));
                return nullptr;
            }
            if (*p == '}')
                return p + 1;
            const char *labelName = p;
            if (!is(*p, kLabelStart)) {
                fail(QStringLiteral("expected a label name or '}' in the labels of '%1', got %2")
                         .arg(metric(), quoted(p, p + 1)));
                return nullptr;
            }
            while (p < e && is(*p, kLabelChar))
                ++p;
            const char *labelEnd = p;
            p = skipBlanks(p, e);
            if (p == e) {
                fail(QStringLiteral("unterminated label set of '%1' (missing '=' after label '%2')")
                         .arg(metric(), snippet(labelName, labelEnd)));
                return nullptr;
            }
            if (*p != '=') {
                fail(QStringLiteral("expected '=' after label '%1' of '%2', got %3")
                         .arg(snippet(labelName, labelEnd), metric(), quoted(p, p + 1)));
                return nullptr;
            }
            p = skipBlanks(p + 1, e);
            if (p == e || *p != '"') {
                fail(QStringLiteral("expected '\"' to open the value of label '%1' of '%2'")
                         .arg(snippet(labelName, labelEnd), metric()));
                return nullptr;
            }
            const char *valueBegin = ++p;
            bool escapes = false;
            for (;;) {
                // memchr-like scan for the two bytes that matter
                while (p < e && *p != '"' && *p != '\\')
                    ++p;
                if (p == e) {
                    fail(QStringLiteral("unterminated label value of label '%1' of '%2' "
                                        "(missing closing '\"')")
                             .arg(snippet(labelName, labelEnd), metric()));
                    return nullptr;
                }
                if (*p == '"')
                    break;
                // backslash
                if (p + 1 == e) {
                    fail(QStringLiteral("unterminated label value of label '%1' of '%2' "
                                        "(line ends after '\\')")
                             .arg(snippet(labelName, labelEnd), metric()));
                    return nullptr;
                }
                if (p[1] != '\\' && p[1] != '"' && p[1] != 'n') {
                    fail(QStringLiteral("bad escape %1 in the value of label '%2' of '%3' (only "
                                        "\\\\, \\\" and \\n are allowed)")
                             .arg(quoted(p, p + 2), snippet(labelName, labelEnd), metric()));
                    return nullptr;
                }
                escapes = true;
                p += 2;
            }
            m_labels.push_back(PrometheusLabel { QByteArrayView(labelName, labelEnd - labelName),
                QByteArrayView(valueBegin, p - valueBegin), escapes });
            p = skipBlanks(p + 1, e);
            if (p == e) {
                fail(QStringLiteral("unterminated label set of '%1' (missing '}')").arg(metric()));
                return nullptr;
            }
            if (*p == ',') {
                ++p;
                continue;
            }
            if (*p != '}') {
                fail(QStringLiteral(
                    "expected ',' or '}' after the value of label '%1' of '%2', got %3")
                         .arg(snippet(labelName, labelEnd), metric(), quoted(p, p + 1)));
                return nullptr;
            }
            return p + 1;
        }
    }

    const char *m_begin;
    const char *m_end;
    const PrometheusSampleVisitor &m_visitor;
    PrometheusTextStats m_stats;
    std::vector<PrometheusLabel> m_labels;
    QString m_error;
};

/// The families NodeMetrics keeps, by exact name.
enum class Kept : std::int8_t { None = -1, Double, Leader, VersionInfo };

struct KeptFamily {
    QByteArrayView name;
    Kept kind;
    std::optional<double> NodeMetrics::*field;
};

constexpr std::array<KeptFamily, 10> kKept = { {
    { "n8n_process_cpu_seconds_total", Kept::Double, &NodeMetrics::cpuSecondsTotal },
    { "n8n_process_resident_memory_bytes", Kept::Double, &NodeMetrics::residentMemoryBytes },
    { "n8n_nodejs_eventloop_lag_seconds", Kept::Double, &NodeMetrics::eventLoopLagSeconds },
    { "n8n_scaling_mode_queue_jobs_waiting", Kept::Double, &NodeMetrics::queueWaiting },
    { "n8n_scaling_mode_queue_jobs_active", Kept::Double, &NodeMetrics::queueActive },
    { "n8n_scaling_mode_queue_jobs_completed", Kept::Double, &NodeMetrics::queueCompleted },
    { "n8n_scaling_mode_queue_jobs_failed", Kept::Double, &NodeMetrics::queueFailed },
    { "n8n_process_start_time_seconds", Kept::Double, &NodeMetrics::processStartTime },
    { "n8n_instance_role_leader", Kept::Leader, nullptr },
    { "n8n_version_info", Kept::VersionInfo, nullptr },
} };

// Most samples are families nobody keeps: index the kept ones by name length, so that a
// sample costs one length lookup and at most two compares.
constexpr std::size_t kMaxKeptLength = 48;
using LengthIndex = std::array<std::array<std::int8_t, 2>, kMaxKeptLength>;

constexpr LengthIndex makeLengthIndex()
{
    LengthIndex index {};
    for (auto &slot : index)
        slot = { -1, -1 };
    for (std::size_t i = 0; i < kKept.size(); ++i) {
        auto &slot = index[static_cast<std::size_t>(kKept[i].name.size())];
        slot[slot[0] < 0 ? 0 : 1] = static_cast<std::int8_t>(i);
    }
    return index;
}

constexpr LengthIndex kKeptByLength = makeLengthIndex();

const KeptFamily *findKept(QByteArrayView name)
{
    const auto length = static_cast<std::size_t>(name.size());
    if (length >= kMaxKeptLength)
        return nullptr;
    for (const std::int8_t i : kKeptByLength[length]) {
        if (i >= 0
            && std::memcmp(kKept[static_cast<std::size_t>(i)].name.data(), name.data(), length)
                == 0)
            return &kKept[static_cast<std::size_t>(i)];
    }
    return nullptr;
}

constexpr QByteArrayView kN8nPrefix = "n8n_";

} // namespace

QByteArray PrometheusLabel::value() const
{
    if (!hasEscapes)
        return rawValue.toByteArray();
    QByteArray out;
    out.reserve(rawValue.size());
    for (qsizetype i = 0; i < rawValue.size(); ++i) {
        const char c = rawValue[i];
        if (c == '\\' && i + 1 < rawValue.size()) {
            const char next = rawValue[++i];
            out += next == 'n' ? '\n' : next;
        } else {
            out += c;
        }
    }
    return out;
}

const PrometheusLabel *PrometheusSample::label(QByteArrayView labelName) const
{
    for (const PrometheusLabel &l : labels) {
        if (l.name == labelName)
            return &l;
    }
    return nullptr;
}

Result<PrometheusTextStats> parsePrometheusText(
    QByteArrayView text, const PrometheusSampleVisitor &visitor)
{
    if (text.isEmpty())
        return PrometheusTextStats {};
    return TextParser(text, visitor).run();
}

Result<NodeMetrics> parseN8nMetrics(QByteArrayView text)
{
    NodeMetrics metrics;
    bool sawN8n = false;
    const auto visit = [&](const PrometheusSample &s) {
        if (!sawN8n)
            sawN8n = s.name.size() >= kN8nPrefix.size()
                && std::memcmp(s.name.data(), kN8nPrefix.data(),
                       static_cast<std::size_t>(kN8nPrefix.size()))
                    == 0;
        const KeptFamily *kept = findKept(s.name);
        if (!kept)
            return;
        // The first sample of a family wins.
        switch (kept->kind) {
        case Kept::Double:
            if (!(metrics.*kept->field))
                metrics.*kept->field = s.value;
            break;
        case Kept::Leader:
            if (!metrics.leader && !std::isnan(s.value))
                metrics.leader = s.value == 1.0;
            break;
        case Kept::VersionInfo:
            if (const PrometheusLabel *version = s.label("version");
                version && metrics.version.isEmpty())
                metrics.version = QString::fromUtf8(version->value());
            break;
        case Kept::None:
            break;
        }
    };
    const Result<PrometheusTextStats> parsed = parsePrometheusText(text, visit);
    if (!parsed)
        return Error { parsed.error() };
    if (!sawN8n) {
        if (text.trimmed().isEmpty())
            return Error { QStringLiteral(
                "no n8n_ metrics found (empty body): is this n8n's /metrics?") };
        const qsizetype lines = parsed.value().lines;
        return Error { QStringLiteral("no n8n_ metrics found in %1 %2: is this n8n's /metrics?")
                           .arg(QString::number(lines),
                               lines == 1 ? QStringLiteral("line") : QStringLiteral("lines")) };
    }
    return metrics;
}

} // namespace cw
