#include "services/alerts/Notifier.h"

#include "services/alerts/NotificationFormatter.h"
#include "services/base/Logging.h"
#include "services/net/BodySnippet.h"
#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QStringList>
#include <QTimer>
#include <QUrlQuery>
#include <algorithm>
#include <deque>
#include <limits>
#include <optional>

namespace cw {

namespace {

/// A group that collects this many transitions is sent at once, whatever its window: a storm
/// must not build one unbounded message.
constexpr qsizetype kMaxPerGroup = 200;
/// Bytes of an answer kept for an error message.
constexpr qsizetype kMaxAnswerBytes = 2048;
/// Path segments and query values at least this long are treated as tokens when an answer is
/// quoted (shorter ones, like "api", would blank out ordinary words).
constexpr qsizetype kMinSecretChars = 6;

/// Everything of @p url that must not be shown, longest first. The host is not among them
/// (hooks.slack.com is no secret), but no text here names it anyway.
QStringList secretsOf(const QUrl &url)
{
    QStringList secrets;
    const auto add = [&secrets](const QString &text) {
        if (!text.isEmpty() && !secrets.contains(text))
            secrets << text;
    };
    add(url.toString(QUrl::FullyEncoded));
    add(url.toString(QUrl::PrettyDecoded));
    if (url.userName().size() >= kMinSecretChars)
        add(url.userName());
    add(url.password());
    for (const QUrl::ComponentFormattingOption format :
        { QUrl::FullyEncoded, QUrl::FullyDecoded }) {
        const QString path = url.path(format);
        if (path.size() > 1) {
            add(path);
            add(path.mid(1));
        }
        for (const QString &segment : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (segment.size() >= kMinSecretChars)
                add(segment);
        }
        add(url.query(format));
        for (const auto &[key, value] : QUrlQuery(url).queryItems(format)) {
            if (value.size() >= kMinSecretChars)
                add(value);
        }
    }
    std::sort(secrets.begin(), secrets.end(),
        [](const QString &a, const QString &b) { return a.size() > b.size(); });
    return secrets;
}

QString attempts(int count)
{
    return count == 1 ? QStringLiteral("1 attempt") : QStringLiteral("%1 attempts").arg(count);
}

} // namespace

struct Notifier::Message {
    quint64 seq = 0;
    QList<qint64> ids;
    QByteArray body;
    int attempts = 0;
};

struct Notifier::Target : CurlEasyHandle {
    WebhookConfig config;
    QByteArray url; ///< encoded, for curl only
    QString invalid; ///< why the URL cannot be used; empty when it can
    QStringList secrets;
    std::deque<Message> queue; ///< the head is the one being attempted
    bool inFlight = false;
    std::unique_ptr<QTimer> retryTimer;
    long status = 0;
    std::optional<qint64> retryAfterMs;
    QByteArray answer;

    QString prefix() const { return QStringLiteral("webhook '%1': ").arg(config.name); }

    static size_t header(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Target *>(userdata);
        const size_t bytes = size * count;
        const QByteArrayView line = QByteArrayView(data, qsizetype(bytes)).trimmed();
        if (line.startsWith("HTTP/")) {
            // A new answer (after a 100 Continue, say): forget the previous one's headers.
            self->retryAfterMs.reset();
        } else if (line.size() > 12 && qstrnicmp(line.data(), "retry-after:", 12) == 0) {
            const QByteArray value = line.sliced(12).trimmed().toByteArray();
            bool isNumber = false;
            const qint64 seconds = value.toLongLong(&isNumber);
            if (isNumber && seconds >= 0) {
                self->retryAfterMs = seconds * 1000;
            } else {
                const QDateTime at
                    = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
                if (at.isValid())
                    self->retryAfterMs
                        = std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at));
            }
        }
        return bytes;
    }

    static size_t write(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Target *>(userdata);
        const size_t bytes = size * count;
        const qsizetype room = kMaxAnswerBytes - self->answer.size();
        if (room > 0)
            self->answer.append(data, std::min(room, qsizetype(bytes)));
        return bytes; // the rest is read and dropped: the connection stays usable
    }
};

Notifier::Notifier(QObject *parent)
    : QObject(parent)
    , m_userAgent(curlUserAgent())
    , m_noProxy(curlNoProxyList())
{
    curlGlobalInit(); // here, on the constructing thread
    qRegisterMetaType<cw::AlertTransition>();
    qRegisterMetaType<cw::DeliveryPolicy>();
    qRegisterMetaType<QList<cw::WebhookConfig>>();
    qRegisterMetaType<QList<qint64>>();
    m_clock.start();
}

Notifier::~Notifier()
{
    for (auto &target : m_targets) {
        if (target->inFlight && m_multi)
            m_multi->remove(target->easy);
    }
    m_targets.clear(); // easy handles first: they are no longer in the multi handle
    m_multi.reset();
}

void Notifier::start()
{
    ensureStarted();
}

void Notifier::ensureStarted()
{
    if (m_multi)
        return;
    m_multi = std::make_unique<CurlMulti>([this](CURL *easy, CURLcode result) {
        if (Target *target = curlOwner<Target>(easy))
            attemptDone(*target, result);
    });
    m_groupTimer = new QTimer(this);
    m_groupTimer->setSingleShot(true);
    m_groupTimer->setTimerType(Qt::PreciseTimer);
    connect(m_groupTimer, &QTimer::timeout, this, &Notifier::closeDueGroups);
}

int Notifier::queuedMessages() const
{
    std::size_t count = 0;
    for (const auto &target : m_targets)
        count += target->queue.size();
    return int(count);
}

void Notifier::configure(const QString &cluster, const QList<WebhookConfig> &webhooks,
    qint64 groupWindowMs, const DeliveryPolicy &policy)
{
    ensureStarted();
    m_cluster = cluster;
    m_groupWindowMs = std::max<qint64>(0, groupWindowMs);
    m_policy = policy;
    m_policy.maxAttempts = std::max(1, m_policy.maxAttempts);
    m_policy.maxQueued = std::max(1, m_policy.maxQueued);

    std::vector<std::unique_ptr<Target>> next;
    for (const WebhookConfig &config : webhooks) {
        const auto same = std::find_if(m_targets.begin(), m_targets.end(),
            [&config](const auto &t) { return t && t->config.name == config.name; });
        if (same == m_targets.end()) {
            next.push_back(makeTarget(config));
            continue;
        }
        // Kept: its queue stays; an attempt in flight finishes with the old URL.
        std::unique_ptr<Target> fresh = makeTarget(config);
        Target &kept = **same;
        kept.config = fresh->config;
        kept.url = fresh->url;
        kept.invalid = fresh->invalid;
        kept.secrets = fresh->secrets;
        next.push_back(std::move(*same));
    }
    for (auto &target : m_targets) {
        if (target)
            dropTarget(*target, QStringLiteral("removed from the configuration before delivery"));
    }
    m_targets = std::move(next);
    for (auto &target : m_targets)
        kick(*target);
    armGroupTimer();
}

std::unique_ptr<Notifier::Target> Notifier::makeTarget(const WebhookConfig &config)
{
    auto target = std::make_unique<Target>();
    target->config = config;
    const QUrl &url = config.url;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        target->invalid = QStringLiteral("the URL is not a valid http(s) URL");
    target->url = url.toEncoded();
    target->secrets = secretsOf(url);
    target->headers = curl_slist_append(target->headers, "Content-Type: application/json");
    // No "Expect: 100-continue" round trip for bigger messages.
    target->headers = curl_slist_append(target->headers, "Expect:");
    target->retryTimer = std::make_unique<QTimer>();
    target->retryTimer->setSingleShot(true);
    // A coarse timer may fire 5 % early: a server's Retry-After must not be undercut.
    target->retryTimer->setTimerType(Qt::PreciseTimer);
    Target *raw = target.get();
    connect(target->retryTimer.get(), &QTimer::timeout, this, [this, raw] { kick(*raw); });
    return target;
}

void Notifier::dropTarget(Target &target, const QString &why)
{
    if (target.inFlight) {
        m_multi->remove(target.easy);
        target.inFlight = false;
    }
    target.retryTimer->stop();
    std::deque<Message> lost;
    lost.swap(target.queue);
    const QString name = target.config.name;
    const QString error = target.prefix() + why;
    if (!lost.empty())
        qCWarning(lcNotify).noquote() << error << QStringLiteral("(%1 messages)").arg(lost.size());
    for (const Message &message : lost)
        Q_EMIT deliveryFailed(message.ids, name, error);
}

void Notifier::notify(const AlertTransition &transition)
{
    ensureStarted();
    if (m_targets.empty()) {
        qCDebug(lcNotify) << "no webhook configured; transition" << transition.id << "not sent";
        return;
    }
    const QString key = transition.causedBy.isEmpty() ? transition.key() : transition.causedBy;
    auto it = m_groups.find(key);
    if (it == m_groups.end()) {
        if (m_groups.size() >= m_policy.maxQueued) {
            // Too many distinct groups at once: the oldest goes out early rather than growing.
            const auto oldest = std::min_element(m_groups.cbegin(), m_groups.cend(),
                [](const Group &a, const Group &b) { return a.order < b.order; });
            closeGroup(oldest.key());
        }
        Group group;
        group.key = key;
        group.closesAtMs = nowMs() + m_groupWindowMs;
        group.order = ++m_nextOrder;
        it = m_groups.insert(key, group);
    }
    it->transitions.append(transition);
    if (m_groupWindowMs == 0 || it->transitions.size() >= kMaxPerGroup)
        closeGroup(key);
    else
        armGroupTimer();
}

void Notifier::flush()
{
    QList<Group> groups = m_groups.values();
    std::sort(groups.begin(), groups.end(),
        [](const Group &a, const Group &b) { return a.order < b.order; });
    for (const Group &group : std::as_const(groups))
        closeGroup(group.key);
    armGroupTimer();
}

void Notifier::armGroupTimer()
{
    if (!m_groupTimer)
        return;
    if (m_groups.isEmpty()) {
        m_groupTimer->stop();
        return;
    }
    qint64 due = std::numeric_limits<qint64>::max();
    for (const Group &group : std::as_const(m_groups))
        due = std::min(due, group.closesAtMs);
    m_groupTimer->start(int(std::clamp<qint64>(due - nowMs(), 0, 24LL * 3600 * 1000)));
}

void Notifier::closeDueGroups()
{
    const qint64 now = nowMs();
    QList<Group> due;
    for (const Group &group : std::as_const(m_groups)) {
        if (group.closesAtMs <= now)
            due.append(group);
    }
    std::sort(
        due.begin(), due.end(), [](const Group &a, const Group &b) { return a.order < b.order; });
    for (const Group &group : std::as_const(due))
        closeGroup(group.key);
    armGroupTimer();
}

void Notifier::closeGroup(const QString &key)
{
    const auto it = m_groups.find(key);
    if (it == m_groups.end())
        return;
    const QList<AlertTransition> transitions = std::move(it->transitions);
    m_groups.erase(it);
    qCDebug(lcNotify).noquote() << QStringLiteral("group %1: %2 transitions for %3 webhooks")
                                       .arg(key)
                                       .arg(transitions.size())
                                       .arg(m_targets.size());
    for (auto &target : m_targets)
        enqueue(*target, transitions);
}

void Notifier::enqueue(Target &target, const QList<AlertTransition> &transitions)
{
    Message message;
    for (const AlertTransition &t : transitions)
        message.ids.append(t.id);
    if (!target.invalid.isEmpty()) {
        const QString error = target.prefix() + target.invalid;
        qCWarning(lcNotify).noquote() << error;
        Q_EMIT deliveryFailed(message.ids, target.config.name, error);
        return;
    }
    makeRoom();
    message.seq = ++m_nextOrder;
    message.body = notification::payload(target.config.kind, m_cluster, transitions);
    target.queue.push_back(std::move(message));
    kick(target);
}

void Notifier::makeRoom()
{
    struct Dropped {
        QList<qint64> ids;
        QString target;
        QString error;
    };
    QList<Dropped> dropped;
    while (queuedMessages() >= m_policy.maxQueued) {
        Target *from = nullptr;
        std::size_t index = 0;
        quint64 oldest = std::numeric_limits<quint64>::max();
        for (auto &target : m_targets) {
            // The head in flight stays: curl has it, and the server may already have it.
            for (std::size_t i = target->inFlight ? 1 : 0; i < target->queue.size(); ++i) {
                if (target->queue[i].seq < oldest) {
                    oldest = target->queue[i].seq;
                    from = target.get();
                    index = i;
                }
            }
        }
        if (!from)
            break;
        const Message &message = from->queue[index];
        dropped.append({ message.ids, from->config.name,
            from->prefix()
                + QStringLiteral("dropped unsent: %1 messages were waiting")
                      .arg(m_policy.maxQueued) });
        from->queue.erase(from->queue.begin() + std::ptrdiff_t(index));
    }
    for (const Dropped &d : std::as_const(dropped)) {
        qCWarning(lcNotify).noquote() << d.error;
        Q_EMIT deliveryFailed(d.ids, d.target, d.error);
    }
}

void Notifier::kick(Target &target)
{
    if (target.inFlight || !m_multi)
        return;
    if (!target.invalid.isEmpty()) {
        // Its URL became unusable by a reconfiguration: nothing queued for it can go out.
        std::deque<Message> lost;
        lost.swap(target.queue);
        const QString name = target.config.name;
        const QString error = target.prefix() + target.invalid;
        for (const Message &message : lost)
            Q_EMIT deliveryFailed(message.ids, name, error);
        return;
    }
    if (target.retryTimer->isActive() || target.queue.empty())
        return;
    startAttempt(target);
}

void Notifier::startAttempt(Target &target)
{
    Message &message = target.queue.front();
    ++message.attempts;
    target.status = 0;
    target.retryAfterMs.reset();
    target.answer.clear();

    CURL *easy = curl_easy_init();
    if (!easy) {
        // Reported from the event loop: a failure here must not recurse through the queue.
        target.inFlight = true;
        QMetaObject::invokeMethod(
            this, [this, raw = &target] { attemptDone(*raw, CURLE_FAILED_INIT); },
            Qt::QueuedConnection);
        return;
    }
    target.easy = easy;
    // No error buffer: curl's detailed texts may quote the URL, which is a secret.
    EasyOptions options;
    options.connectTimeoutMs = m_policy.connectTimeout.count();
    options.timeoutMs = m_policy.requestTimeout.count();
    options.userAgent = m_userAgent.constData();
    options.noProxy = m_noProxy.constData();
    options.owner = &target;
    setCommonOptions(easy, options);
    curl_easy_setopt(easy, CURLOPT_URL, target.url.constData());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, long(message.body.size()));
    curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, message.body.constData());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, target.headers);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Target::header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &target);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Target::write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &target);
    target.inFlight = true;
    if (!m_multi->add(easy)) {
        QMetaObject::invokeMethod(
            this, [this, raw = &target] { attemptDone(*raw, CURLE_FAILED_INIT); },
            Qt::QueuedConnection);
    }
}

void Notifier::attemptDone(Target &target, int curlCode)
{
    // A queued report for a target that has since been dropped or replaced.
    const bool known = std::any_of(m_targets.begin(), m_targets.end(),
        [&target](const auto &t) { return t.get() == &target; });
    if (!known || !target.inFlight || target.queue.empty())
        return;
    target.inFlight = false;

    const auto code = CURLcode(curlCode);
    // Neither the peer nor the path is named: both are part of the secret URL.
    TransferInfo info;
    info.connectTimeoutMs = m_policy.connectTimeout.count();
    info.timeoutMs = m_policy.requestTimeout.count();
    if (target.easy) {
        info.readFrom(target.easy);
        curl_easy_cleanup(target.easy);
        target.easy = nullptr;
    }
    const long status = info.httpStatus;

    const Message &message = target.queue.front();
    if (code == CURLE_OK && status >= 200 && status <= 299) {
        qCDebug(lcNotify).noquote() << target.prefix()
                + QStringLiteral("delivered %1 transitions (%2)")
                      .arg(message.ids.size())
                      .arg(attempts(message.attempts));
        finishHead(target, true, QString());
        return;
    }
    // What a failing answer said helps only where trying again will not: servers like to echo
    // the path they could not find ("Cannot POST /..."), so anything of the URL is blanked out.
    if (code == CURLE_OK && !isRetryableStatus(status))
        info.answerText = bodySnippet(target.answer, kSnippetChars, target.secrets);
    const CurlFailure failure = describeCurlFailure(code, info);
    const bool retry = failure.retryable;
    const QString &why = failure.text; // without the target's name and the attempt count

    if (retry && message.attempts < m_policy.maxAttempts) {
        const int shift = std::min(message.attempts - 1, 20);
        qint64 delay = std::min<qint64>(
            qint64(m_policy.firstRetry.count()) << shift, qint64(m_policy.maxRetry.count()));
        if (status == 429 && target.retryAfterMs)
            delay = std::min<qint64>(*target.retryAfterMs, m_policy.maxRetryAfter.count());
        qCInfo(lcNotify).noquote() << target.prefix() + why
                + QStringLiteral("; attempt %1 of %2, next in %3 ms")
                      .arg(message.attempts)
                      .arg(m_policy.maxAttempts)
                      .arg(delay);
        target.retryTimer->start(int(std::max<qint64>(0, delay)));
        return;
    }
    const QString error = target.prefix() + why
        + (retry ? QStringLiteral(" after ") + attempts(message.attempts)
                 : QStringLiteral(" (not retried)"));
    qCWarning(lcNotify).noquote() << error;
    finishHead(target, false, error);
}

void Notifier::finishHead(Target &target, bool ok, const QString &error)
{
    const QList<qint64> ids = target.queue.front().ids;
    target.queue.pop_front();
    const QString name = target.config.name;
    kick(target);
    // Last: a slot connected directly may reconfigure, and so delete the target.
    if (ok)
        Q_EMIT delivered(ids, name);
    else
        Q_EMIT deliveryFailed(ids, name, error);
}

} // namespace cw
