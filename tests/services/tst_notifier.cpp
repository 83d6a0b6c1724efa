// Alert notifications as an operator receives them: one message per root cause, delivered to a
// real HTTP receiver on 127.0.0.1 despite failures, given up on with a reason that names the
// webhook (never its secret URL), and never holding up the caller or the notifier's thread.
#include "TestSupport.h"
#include "WebhookReceiver.h"
#include "services/alerts/NotificationFormatter.h"
#include "services/alerts/Notifier.h"
#include "services/base/WorkerThread.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QMutex>
#include <QSet>
#include <QTest>
#include <algorithm>

using namespace cw;
using namespace std::chrono_literals;
using cwtest::WebhookReceiver;

namespace {

const QString kCluster = QStringLiteral("prod-eu");
/// Parts of the webhook URLs that must never show up in a log line or an error text.
const QString kToken = QStringLiteral("xQ7tokenSECRET42");
const QString kTeam = QStringLiteral("T0SECRETTEAM");
const QString kUser = QStringLiteral("hookuser");
const QString kPassword = QStringLiteral("hookPASSWORD77");
const QString kSecretPath
    = QStringLiteral("/services/") + kTeam + QStringLiteral("/B0CHAN/") + kToken;

const qint64 kT0 = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        const QMutexLocker lock(&g_logMutex);
        g_log << QString::fromLatin1(context.category ? context.category : "default")
                + QStringLiteral(": ") + message;
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QStringList capturedLog()
{
    const QMutexLocker lock(&g_logMutex);
    return g_log;
}

AlertTransition alert(qint64 id, const QString &rule, const QString &subject,
    const QString &causedBy = QString(), Severity severity = Severity::Critical)
{
    AlertTransition t;
    t.id = id;
    t.timeMs = kT0 + id * 1000;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = AlertState::Firing;
    t.summary = rule + QStringLiteral(" on ") + subject;
    t.causedBy = causedBy;
    t.notify = NotifyStatus::Queued;
    return t;
}

/// Redis down, and three workers whose readiness fails because of it.
QList<AlertTransition> redisStorm()
{
    AlertTransition root = alert(1, QStringLiteral("redis_down"), QStringLiteral("redis"));
    root.summary = QStringLiteral("Redis not reachable at 127.0.0.1:6379");
    root.detail = QStringLiteral("connection refused\nsince 12:00:00");
    QList<AlertTransition> group { root };
    for (int i = 1; i <= 3; ++i) {
        AlertTransition child = alert(1 + i, QStringLiteral("worker_not_ready"),
            QStringLiteral("n8n-worker-%1").arg(i), QStringLiteral("redis_down/redis"),
            Severity::Warning);
        child.summary = QStringLiteral("n8n-worker-%1 not ready").arg(i);
        group << child;
    }
    return group;
}

WebhookConfig hook(
    const QString &name, const QUrl &url, WebhookConfig::Kind kind = WebhookConfig::Kind::Json)
{
    WebhookConfig config;
    config.name = name;
    config.kind = kind;
    config.url = url;
    return config;
}

/// Short waits, so that retries finish in well under a second.
DeliveryPolicy fastPolicy()
{
    DeliveryPolicy policy;
    policy.maxAttempts = 4;
    policy.firstRetry = 100ms;
    policy.maxRetry = 2000ms;
    policy.maxRetryAfter = 5000ms;
    policy.connectTimeout = 1000ms;
    policy.requestTimeout = 2000ms;
    policy.maxQueued = 256;
    return policy;
}

QList<qint64> sorted(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<qint64> payloadIds(const QByteArray &body)
{
    QList<qint64> ids;
    const QJsonArray alerts
        = QJsonDocument::fromJson(body).object().value(QStringLiteral("alerts")).toArray();
    for (const QJsonValue &a : alerts)
        ids << a.toObject().value(QStringLiteral("id")).toInteger();
    return ids;
}

} // namespace

class TestNotifier : public QObject {
    Q_OBJECT

    struct Outcome {
        bool ok = false;
        QList<qint64> ids;
        QString target;
        QString error;
        qint64 atMs = 0; ///< on m_clock
    };

Q_SIGNALS:
    // The application's wiring: queued signals into the notifier's slots.
    void configureRequested(const QString &cluster, const QList<cw::WebhookConfig> &webhooks,
        qint64 groupWindowMs, const cw::DeliveryPolicy &policy);
    void notifyRequested(const cw::AlertTransition &transition);
    void flushRequested();

private:
    std::unique_ptr<WorkerThread> m_thread;
    Notifier *m_notifier = nullptr;
    QList<Outcome> m_outcomes;
    QElapsedTimer m_clock;

    void startNotifier(const QList<WebhookConfig> &webhooks, qint64 windowMs,
        const DeliveryPolicy &policy = fastPolicy())
    {
        m_thread = std::make_unique<WorkerThread>(QStringLiteral("cw-notify"));
        m_notifier = m_thread->adopt(new Notifier);
        connect(this, &TestNotifier::configureRequested, m_notifier, &Notifier::configure);
        connect(this, &TestNotifier::notifyRequested, m_notifier, &Notifier::notify);
        connect(this, &TestNotifier::flushRequested, m_notifier, &Notifier::flush);
        connect(m_notifier, &Notifier::delivered, this,
            [this](const QList<qint64> &ids, const QString &target) {
                m_outcomes.append({ true, ids, target, QString(), m_clock.elapsed() });
            });
        connect(m_notifier, &Notifier::deliveryFailed, this,
            [this](const QList<qint64> &ids, const QString &target, const QString &error) {
                m_outcomes.append({ false, ids, target, error, m_clock.elapsed() });
            });
        m_thread->start(m_notifier, &Notifier::start);
        Q_EMIT configureRequested(kCluster, webhooks, windowMs, policy);
    }

    /// Runs @p probe on the notifier's thread and returns how long the caller waited.
    qint64 probeMs(int *queued = nullptr)
    {
        QElapsedTimer timer;
        timer.start();
        int count = -1;
        Notifier *notifier = m_notifier;
        QMetaObject::invokeMethod(
            m_notifier, [notifier, &count] { count = notifier->queuedMessages(); },
            Qt::BlockingQueuedConnection);
        if (queued)
            *queued = count;
        return timer.elapsed();
    }

    QList<Outcome> outcomesFor(const QString &target) const
    {
        QList<Outcome> out;
        for (const Outcome &o : m_outcomes) {
            if (o.target == target)
                out << o;
        }
        return out;
    }

    /// Nothing secret in @p text; empty when so, else what leaked.
    static QString leak(const QString &text, const QList<QUrl> &urls)
    {
        QStringList secrets { kToken, kTeam, kPassword, kSecretPath };
        for (const QUrl &url : urls) {
            secrets << url.toString(QUrl::FullyEncoded) << url.toString(QUrl::PrettyDecoded)
                    << url.toString(QUrl::RemoveUserInfo);
        }
        for (const QString &secret : std::as_const(secrets)) {
            if (text.contains(secret, Qt::CaseInsensitive))
                return secret;
        }
        return QString();
    }

    QList<QUrl> m_urls; ///< every webhook URL a test used, for the secrecy check

    QUrl secretUrl(const WebhookReceiver &receiver)
    {
        QUrl url = receiver.url(kSecretPath);
        m_urls << url;
        return url;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        // Debug lines too: every line the notifier can write is checked for secrets.
        QLoggingCategory::setFilterRules(QStringLiteral("clusterwatch.notify.debug=true"));
        g_previousHandler = qInstallMessageHandler(captureLog);
        m_clock.start();
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void init()
    {
        m_outcomes.clear();
        m_urls.clear();
        const QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }

    void cleanup()
    {
        m_thread.reset(); // quits, waits; the notifier is deleted on its thread
        m_notifier = nullptr;
        QCoreApplication::processEvents(); // reports queued before the thread stopped
        // No test may show a webhook URL: not in an error, not in any log line.
        for (const Outcome &o : std::as_const(m_outcomes)) {
            const QString leaked = leak(o.error, m_urls);
            QVERIFY2(leaked.isEmpty(),
                qPrintable(QStringLiteral("error text shows '%1': %2").arg(leaked, o.error)));
        }
        for (const QString &line : capturedLog()) {
            const QString leaked = leak(line, m_urls);
            QVERIFY2(leaked.isEmpty(),
                qPrintable(QStringLiteral("log shows '%1': %2").arg(leaked, line)));
        }
    }

    // --- payloads ---------------------------------------------------------------------------

    void jsonPayloadListsTheGroupLeadFirst()
    {
        QList<AlertTransition> group = redisStorm();
        group.move(0, 2); // the root arrives after two of its symptoms
        const QJsonObject root
            = QJsonDocument::fromJson(notification::json(kCluster, group)).object();
        QCOMPARE(root.value(QStringLiteral("source")).toString(), QStringLiteral("clusterwatch"));
        QCOMPARE(root.value(QStringLiteral("cluster")).toString(), kCluster);
        const QJsonArray alerts = root.value(QStringLiteral("alerts")).toArray();
        QCOMPARE(alerts.size(), 4);
        const QJsonObject lead = alerts.at(0).toObject();
        QCOMPARE(lead.value(QStringLiteral("id")).toInteger(), 1);
        QCOMPARE(lead.value(QStringLiteral("rule")).toString(), QStringLiteral("redis_down"));
        QCOMPARE(lead.value(QStringLiteral("subject")).toString(), QStringLiteral("redis"));
        QCOMPARE(lead.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QCOMPARE(lead.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
        QCOMPARE(lead.value(QStringLiteral("summary")).toString(),
            QStringLiteral("Redis not reachable at 127.0.0.1:6379"));
        QCOMPARE(lead.value(QStringLiteral("detail")).toString(),
            QStringLiteral("connection refused\nsince 12:00:00"));
        QCOMPARE(lead.value(QStringLiteral("causedBy")).toString(), QString());
        QCOMPARE(lead.value(QStringLiteral("time")).toString(),
            QStringLiteral("2026-03-01T12:00:01.000Z"));
        const QJsonObject child = alerts.at(1).toObject();
        QCOMPARE(child.value(QStringLiteral("id")).toInteger(), 2);
        QCOMPARE(child.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(
            child.value(QStringLiteral("causedBy")).toString(), QStringLiteral("redis_down/redis"));
        QCOMPARE(child.value(QStringLiteral("time")).toString(),
            QStringLiteral("2026-03-01T12:00:02.000Z"));
        QCOMPARE(payloadIds(notification::json(kCluster, group)), (QList<qint64> { 1, 2, 3, 4 }));
        QCOMPARE(notification::payload(WebhookConfig::Kind::Json, kCluster, group),
            notification::json(kCluster, group));
    }

    void slackPayloadNamesTheAlertAndItsSymptoms()
    {
        const QList<AlertTransition> group = redisStorm();
        const QJsonObject root
            = QJsonDocument::fromJson(notification::slack(kCluster, group)).object();
        const QString text = root.value(QStringLiteral("text")).toString();
        const QStringList lines = text.split(QLatin1Char('\n'));
        QVERIFY2(lines.first().contains(QStringLiteral("CRITICAL firing")), qPrintable(text));
        QVERIFY(lines.first().contains(QStringLiteral("Redis not reachable at 127.0.0.1:6379")));
        QVERIFY(lines.first().contains(QStringLiteral("*redis*")));
        QVERIFY(lines.first().contains(kCluster));
        QVERIFY(text.contains(QStringLiteral("> connection refused")));
        QVERIFY(text.contains(QStringLiteral("Related (3):")));
        for (int i = 1; i <= 3; ++i)
            QVERIFY(
                text.contains(QStringLiteral("WARNING firing*: n8n-worker-%1 not ready").arg(i)));
        const QJsonArray blocks = root.value(QStringLiteral("blocks")).toArray();
        QCOMPARE(blocks.size(), 2);
        QCOMPARE(blocks.at(0)
                     .toObject()
                     .value(QStringLiteral("text"))
                     .toObject()
                     .value(QStringLiteral("text"))
                     .toString(),
            text);
        QCOMPARE(notification::headline(kCluster, group),
            QStringLiteral("[prod-eu] CRITICAL firing: Redis not reachable at 127.0.0.1:6379 "
                           "(redis_down on redis) +3 related"));
    }

    void slackPayloadEscapesAndStaysShort()
    {
        AlertTransition t = alert(9, QStringLiteral("queue_backlog"), QStringLiteral("queue"));
        t.summary = QStringLiteral("waiting jobs > 1000 & rising <fast>");
        QList<AlertTransition> group { t };
        for (int i = 0; i < 25; ++i)
            group << alert(100 + i, QStringLiteral("worker_stalled"), QStringLiteral("w%1").arg(i),
                QStringLiteral("queue_backlog/queue"));
        const QString text = QJsonDocument::fromJson(notification::slack(kCluster, group))
                                 .object()
                                 .value(QStringLiteral("text"))
                                 .toString();
        QVERIFY2(text.contains(QStringLiteral("waiting jobs &gt; 1000 &amp; rising &lt;fast&gt;")),
            qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("<fast>")));
        QVERIFY(text.contains(QStringLiteral("Related (25):")));
        QVERIFY(text.contains(QStringLiteral("w19")));
        QVERIFY(!text.contains(QStringLiteral("w20 ")));
        QVERIFY(text.contains(QStringLiteral("and 5 more")));
    }

    // --- delivery ---------------------------------------------------------------------------

    void oneAlertIsOnePost()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 150);
        AlertTransition t = alert(41, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
            QString(), Severity::Warning);
        t.summary = QStringLiteral("CPU 93 % on n8n-main (> 80 % for 30 s)");
        const qint64 sentAt = receiver.elapsedMs();
        Q_EMIT notifyRequested(t);

        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(m_outcomes.at(0).ok);
        QCOMPARE(m_outcomes.at(0).ids, QList<qint64> { 41 });
        QCOMPARE(m_outcomes.at(0).target, QStringLiteral("ops-json"));
        QTest::qWait(300);
        QCOMPARE(receiver.requestCount(), 1);
        const WebhookReceiver::Request request = receiver.requests().at(0);
        // The group window is waited out before sending.
        QVERIFY2(request.atMs - sentAt >= 140, qPrintable(QString::number(request.atMs - sentAt)));
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(QString::fromUtf8(request.path), kSecretPath);
        QCOMPARE(request.header("Content-Type"), QByteArray("application/json"));
        QVERIFY(request.header("User-Agent").startsWith("Clusterwatch/"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value(QStringLiteral("source")).toString(), QStringLiteral("clusterwatch"));
        QCOMPARE(body.value(QStringLiteral("cluster")).toString(), kCluster);
        const QJsonArray alerts = body.value(QStringLiteral("alerts")).toArray();
        QCOMPARE(alerts.size(), 1);
        const QJsonObject a = alerts.at(0).toObject();
        QCOMPARE(a.value(QStringLiteral("id")).toInteger(), 41);
        QCOMPARE(a.value(QStringLiteral("rule")).toString(), QStringLiteral("cpu_high"));
        QCOMPARE(a.value(QStringLiteral("subject")).toString(), QStringLiteral("n8n-main"));
        QCOMPARE(a.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(a.value(QStringLiteral("state")).toString(), QStringLiteral("firing"));
        QCOMPARE(a.value(QStringLiteral("summary")).toString(), t.summary);
        QCOMPARE(
            a.value(QStringLiteral("time")).toString(), QStringLiteral("2026-03-01T12:00:41.000Z"));
    }

    void slackTargetGetsSlackText()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        startNotifier(
            { hook(QStringLiteral("ops-slack"), secretUrl(receiver), WebhookConfig::Kind::Slack) },
            0);
        AlertTransition t
            = alert(7, QStringLiteral("worker_stalled"), QStringLiteral("n8n-worker-2"));
        t.summary = QStringLiteral("n8n-worker-2 took no job for 5 min while 40 wait");
        Q_EMIT notifyRequested(t);
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(m_outcomes.at(0).ok);
        QCOMPARE(receiver.requestCount(), 1);
        const WebhookReceiver::Request request = receiver.requests().at(0);
        QCOMPARE(request.header("content-type"), QByteArray("application/json"));
        const QString text = QJsonDocument::fromJson(request.body)
                                 .object()
                                 .value(QStringLiteral("text"))
                                 .toString();
        QVERIFY2(text.contains(t.summary), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("CRITICAL firing")));
        QVERIFY(text.contains(QStringLiteral("n8n-worker-2")));
    }

    void causedAlertsWithinTheWindowAreOneMessage()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 400);
        const qint64 sentAt = receiver.elapsedMs();
        QList<AlertTransition> storm = redisStorm();
        // A symptom may be seen before its cause: it still joins the cause's group.
        Q_EMIT notifyRequested(storm.at(1));
        Q_EMIT notifyRequested(storm.at(0));
        Q_EMIT notifyRequested(alert(5, QStringLiteral("cpu_high"), QStringLiteral("n8n-main")));
        QTest::qWait(100);
        Q_EMIT notifyRequested(storm.at(2));
        Q_EMIT notifyRequested(storm.at(3));

        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 2, 5000);
        QTest::qWait(200);
        QCOMPARE(receiver.requestCount(), 2);
        const QList<WebhookReceiver::Request> requests = receiver.requests();
        QList<QList<qint64>> bodies;
        for (const auto &r : requests) {
            QVERIFY2(r.atMs - sentAt >= 380, qPrintable(QString::number(r.atMs - sentAt)));
            bodies << payloadIds(r.body);
        }
        // Lead (the root cause) first, then its symptoms in arrival order.
        QVERIFY2(bodies.contains(QList<qint64>({ 1, 2, 3, 4 })),
            qPrintable(QString::fromUtf8(requests.at(0).body)));
        QVERIFY(bodies.contains(QList<qint64>({ 5 })));
        for (const Outcome &o : std::as_const(m_outcomes)) {
            QVERIFY(o.ok);
            QVERIFY(
                sorted(o.ids) == QList<qint64>({ 1, 2, 3, 4 }) || o.ids == QList<qint64>({ 5 }));
        }

        // After the window, the same cause opens a new message.
        AlertTransition late = alert(6, QStringLiteral("worker_not_ready"),
            QStringLiteral("n8n-worker-4"), QStringLiteral("redis_down/redis"));
        Q_EMIT notifyRequested(late);
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 3, 5000);
        QCOMPARE(m_outcomes.at(2).ids, QList<qint64> { 6 });
        QCOMPARE(receiver.requestCount(), 3);
    }

    void serverErrorsAreRetriedWithBackoff()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.failThenOk(2, 500);
        DeliveryPolicy policy = fastPolicy();
        policy.firstRetry = 200ms;
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 0, policy);
        Q_EMIT notifyRequested(
            alert(11, QStringLiteral("postgres_down"), QStringLiteral("postgres")));

        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(m_outcomes.at(0).ok);
        QCOMPARE(m_outcomes.at(0).ids, QList<qint64> { 11 });
        const QList<WebhookReceiver::Request> requests = receiver.requests();
        QCOMPARE(requests.size(), 3);
        QCOMPARE(requests.at(1).body, requests.at(0).body);
        QCOMPARE(requests.at(2).body, requests.at(0).body);
        const qint64 firstGap = requests.at(1).atMs - requests.at(0).atMs;
        const qint64 secondGap = requests.at(2).atMs - requests.at(1).atMs;
        // 200 ms, then 400 ms (exponential), with slack for a loaded machine.
        QVERIFY2(firstGap >= 190 && firstGap < 600, qPrintable(QString::number(firstGap)));
        QVERIFY2(secondGap >= 390 && secondGap < 900, qPrintable(QString::number(secondGap)));
        QVERIFY(secondGap > firstGap + 100);
    }

    void retryAfterIsHonoured()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.tooManyRequestsThenOk(1, 1);
        startNotifier(
            { hook(QStringLiteral("ops-slack"), secretUrl(receiver), WebhookConfig::Kind::Slack) },
            0);
        Q_EMIT notifyRequested(
            alert(12, QStringLiteral("cpu_high"), QStringLiteral("n8n-worker-1")));
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(m_outcomes.at(0).ok);
        const QList<WebhookReceiver::Request> requests = receiver.requests();
        QCOMPARE(requests.size(), 2);
        // Retry-After: 1 wins over the 100 ms backoff.
        const qint64 gap = requests.at(1).atMs - requests.at(0).atMs;
        QVERIFY2(gap >= 980 && gap < 1800, qPrintable(QString::number(gap)));
    }

    void receiverDownFailsAfterAllAttempts()
    {
        const quint16 port = cwtest::freeLoopbackPort();
        QVERIFY(port != 0);
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(port);
        url.setUserName(kUser);
        url.setPassword(kPassword);
        url.setPath(kSecretPath);
        m_urls << url;
        DeliveryPolicy policy = fastPolicy();
        policy.maxAttempts = 3;
        const qint64 start = m_clock.elapsed();
        startNotifier(
            { hook(QStringLiteral("ops-slack"), url, WebhookConfig::Kind::Slack) }, 0, policy);
        Q_EMIT notifyRequested(alert(21, QStringLiteral("redis_down"), QStringLiteral("redis")));

        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        const Outcome &o = m_outcomes.at(0);
        QVERIFY(!o.ok);
        QCOMPARE(o.ids, QList<qint64> { 21 });
        QCOMPARE(o.target, QStringLiteral("ops-slack"));
        QCOMPARE(
            o.error, QStringLiteral("webhook 'ops-slack': connection refused after 3 attempts"));
        // Two waits: 100 ms and 200 ms.
        QVERIFY2(o.atMs - start >= 290, qPrintable(QString::number(o.atMs - start)));
        QVERIFY(!o.error.contains(QString::number(port)));
    }

    void closedWithoutAnswerIsRetried()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.closeWithoutAnswer();
        DeliveryPolicy policy = fastPolicy();
        policy.maxAttempts = 2;
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 0, policy);
        Q_EMIT notifyRequested(alert(22, QStringLiteral("redis_down"), QStringLiteral("redis")));
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(!m_outcomes.at(0).ok);
        QCOMPARE(m_outcomes.at(0).error,
            QStringLiteral(
                "webhook 'ops-json': connection closed without an answer after 2 attempts"));
        QCOMPARE(receiver.requestCount(), 2);
    }

    void clientErrorsAreNotRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("404") << 404;
        QTest::newRow("400") << 400;
        QTest::newRow("403") << 403;
    }

    void clientErrorsAreNotRetried()
    {
        QFETCH(int, status);
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        const QUrl url = secretUrl(receiver);
        // Servers echo what they could not find: the token must not reach the error text.
        WebhookReceiver::Answer answer;
        answer.status = status;
        answer.body = "Cannot POST " + kSecretPath.toUtf8() + " (" + url.toEncoded() + ") token "
            + kToken.toUtf8();
        receiver.setDefaultAnswer(answer);
        startNotifier({ hook(QStringLiteral("ops-json"), url) }, 0);
        Q_EMIT notifyRequested(alert(31, QStringLiteral("cpu_high"), QStringLiteral("n8n-main")));
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        const Outcome &o = m_outcomes.at(0);
        QVERIFY(!o.ok);
        QVERIFY2(o.error.startsWith(
                     QStringLiteral("webhook 'ops-json': HTTP %1: Cannot POST").arg(status)),
            qPrintable(o.error));
        QVERIFY2(o.error.endsWith(QStringLiteral("(not retried)")), qPrintable(o.error));
        QTest::qWait(400); // a retry would have come after 100 ms
        QCOMPARE(receiver.requestCount(), 1);
    }

    void slowTargetTimesOutWhileOthersAreServed()
    {
        WebhookReceiver slow;
        WebhookReceiver fast;
        QVERIFY(slow.listening() && fast.listening());
        slow.answerSlowly(5000ms);
        DeliveryPolicy policy = fastPolicy();
        policy.requestTimeout = 600ms;
        policy.maxAttempts = 2;
        startNotifier(
            { hook(QStringLiteral("slow-hook"), secretUrl(slow)),
                hook(QStringLiteral("fast-hook"), secretUrl(fast), WebhookConfig::Kind::Slack) },
            0, policy);
        const qint64 start = m_clock.elapsed();
        Q_EMIT notifyRequested(alert(51, QStringLiteral("redis_down"), QStringLiteral("redis")));
        QTRY_COMPARE_WITH_TIMEOUT(slow.requestCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(outcomesFor(QStringLiteral("fast-hook")).size(), 1, 5000);
        QVERIFY(outcomesFor(QStringLiteral("fast-hook")).at(0).ok);

        // While the slow target hangs, the notifier's thread answers at once and keeps sending
        // to the other target.
        QVERIFY(outcomesFor(QStringLiteral("slow-hook")).isEmpty());
        int queued = -1;
        const qint64 waited = probeMs(&queued);
        QVERIFY2(waited < 100, qPrintable(QString::number(waited)));
        QCOMPARE(queued, 1);
        Q_EMIT notifyRequested(alert(52, QStringLiteral("cpu_high"), QStringLiteral("n8n-main")));
        QTRY_COMPARE_WITH_TIMEOUT(outcomesFor(QStringLiteral("fast-hook")).size(), 2, 5000);
        QCOMPARE(outcomesFor(QStringLiteral("fast-hook")).at(1).ids, QList<qint64> { 52 });
        QVERIFY(outcomesFor(QStringLiteral("slow-hook")).isEmpty());

        // 2 attempts of 600 ms and a 100 ms wait; then 52, queued behind 51 on the slow target.
        QTRY_COMPARE_WITH_TIMEOUT(outcomesFor(QStringLiteral("slow-hook")).size(), 1, 5000);
        const Outcome failed = outcomesFor(QStringLiteral("slow-hook")).at(0);
        QVERIFY(!failed.ok);
        QCOMPARE(failed.ids, QList<qint64> { 51 });
        QCOMPARE(failed.error,
            QStringLiteral("webhook 'slow-hook': no answer within 600 ms after 2 attempts"));
        QVERIFY2(failed.atMs - start >= 1250, qPrintable(QString::number(failed.atMs - start)));
        QTRY_COMPARE_WITH_TIMEOUT(slow.requestCount(), 3, 2000); // 51 twice, then 52
    }

    void fullQueueDropsTheOldestWaiting()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.answerSlowly(1500ms);
        DeliveryPolicy policy = fastPolicy();
        policy.maxQueued = 3;
        policy.maxAttempts = 1;
        policy.requestTimeout = 700ms;
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 0, policy);
        Q_EMIT notifyRequested(alert(1, QStringLiteral("r1"), QStringLiteral("s")));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 1, 5000); // 1 is in flight
        receiver.answerOk();
        for (qint64 id = 2; id <= 6; ++id)
            Q_EMIT notifyRequested(alert(id, QStringLiteral("r%1").arg(id), QStringLiteral("s")));
        int queued = -1;
        probeMs(&queued);
        QCOMPARE(queued, 3);
        // 2, 3 and 4 made room for 4, 5 and 6 in turn: reported at once, never sent.
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 3, 1000);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!m_outcomes.at(i).ok);
            QCOMPARE(m_outcomes.at(i).ids, QList<qint64> { i + 2 });
            QCOMPARE(m_outcomes.at(i).error,
                QStringLiteral("webhook 'ops-json': dropped unsent: 3 messages were waiting"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 6, 5000);
        QVERIFY(!m_outcomes.at(3).ok);
        QCOMPARE(m_outcomes.at(3).ids, QList<qint64> { 1 });
        QVERIFY(m_outcomes.at(4).ok);
        QCOMPARE(m_outcomes.at(4).ids, QList<qint64> { 5 });
        QVERIFY(m_outcomes.at(5).ok);
        QCOMPARE(m_outcomes.at(5).ids, QList<qint64> { 6 });
        QList<qint64> sent;
        for (const auto &r : receiver.requests())
            sent << payloadIds(r.body);
        QCOMPARE(sent, (QList<qint64> { 1, 5, 6 }));
    }

    void notifyNeverWaitsForTheNetwork()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.answerSlowly(4000ms);
        DeliveryPolicy policy = fastPolicy();
        policy.requestTimeout = 3000ms;
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 0, policy);
        Q_EMIT notifyRequested(alert(1, QStringLiteral("redis_down"), QStringLiteral("redis")));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 1, 5000); // hanging from now on

        QList<qint64> callNs;
        QElapsedTimer timer;
        for (qint64 id = 2; id <= 101; ++id) {
            const AlertTransition t
                = alert(id, QStringLiteral("cpu_high"), QStringLiteral("node-%1").arg(id));
            timer.start();
            Q_EMIT notifyRequested(t);
            callNs << timer.nsecsElapsed();
        }
        std::sort(callNs.begin(), callNs.end());
        const qint64 medianNs = callNs.at(callNs.size() / 2);
        const qint64 maxNs = callNs.last();
        QVERIFY2(medianNs < 1'000'000, qPrintable(QStringLiteral("median %1 ns").arg(medianNs)));
        // A single call may be preempted on a busy machine, but never waits for the network.
        QVERIFY2(maxNs < 20'000'000, qPrintable(QStringLiteral("max %1 ns").arg(maxNs)));
        int queued = -1;
        const qint64 waited = probeMs(&queued);
        QVERIFY2(waited < 100, qPrintable(QString::number(waited)));
        QCOMPARE(queued, 101);
        QVERIFY(m_outcomes.isEmpty());
        QCOMPARE(receiver.requestCount(), 1);
    }

    void flushSendsOpenGroupsNow()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 60'000);
        for (const AlertTransition &t : redisStorm())
            Q_EMIT notifyRequested(t);
        QTest::qWait(200);
        QCOMPARE(receiver.requestCount(), 0);
        Q_EMIT flushRequested();
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 1, 5000);
        QVERIFY(m_outcomes.at(0).ok);
        QCOMPARE(m_outcomes.at(0).ids, (QList<qint64> { 1, 2, 3, 4 }));
        QCOMPARE(receiver.requestCount(), 1);
    }

    void removedTargetReportsItsQueue()
    {
        WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        receiver.answerSlowly(5000ms);
        startNotifier({ hook(QStringLiteral("ops-json"), secretUrl(receiver)) }, 0);
        Q_EMIT notifyRequested(alert(1, QStringLiteral("r1"), QStringLiteral("s")));
        Q_EMIT notifyRequested(alert(2, QStringLiteral("r2"), QStringLiteral("s")));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 1, 5000);
        Q_EMIT configureRequested(kCluster, {}, 0, fastPolicy());
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 2, 2000);
        for (int i = 0; i < 2; ++i) {
            QVERIFY(!m_outcomes.at(i).ok);
            QCOMPARE(m_outcomes.at(i).ids, QList<qint64> { i + 1 });
            QCOMPARE(m_outcomes.at(i).error,
                QStringLiteral(
                    "webhook 'ops-json': removed from the configuration before delivery"));
        }
        // With no webhook left, transitions are not sent anywhere.
        Q_EMIT notifyRequested(alert(3, QStringLiteral("r3"), QStringLiteral("s")));
        int queued = -1;
        probeMs(&queued);
        QCOMPARE(queued, 0);
    }

    void urlNeverAppearsInTextsOrLogs()
    {
        // Every kind of failure against URLs with a token path and user info; cleanup() checks
        // every log line (debug included) and every error text. Here: that there was plenty
        // to check, and the texts name the targets.
        WebhookReceiver echoing;
        WebhookReceiver flaky;
        QVERIFY(echoing.listening() && flaky.listening());
        QUrl echoUrl = echoing.url(kSecretPath);
        echoUrl.setQuery(QStringLiteral("token=") + kToken);
        echoUrl.setUserName(kUser);
        echoUrl.setPassword(kPassword);
        m_urls << echoUrl;
        WebhookReceiver::Answer answer;
        answer.status = 410;
        answer.body
            = "gone: " + echoUrl.toEncoded() + " " + kPassword.toUtf8() + " " + kToken.toUtf8();
        echoing.setDefaultAnswer(answer);
        flaky.failThenOk(1, 503);
        QUrl downUrl = flaky.url(kSecretPath);
        downUrl.setPort(cwtest::freeLoopbackPort());
        m_urls << downUrl << secretUrl(flaky);
        DeliveryPolicy policy = fastPolicy();
        policy.maxAttempts = 2;
        startNotifier(
            { hook(QStringLiteral("echo"), echoUrl), hook(QStringLiteral("down"), downUrl),
                hook(QStringLiteral("flaky"), secretUrl(flaky)) },
            0, policy);
        Q_EMIT notifyRequested(alert(61, QStringLiteral("redis_down"), QStringLiteral("redis")));
        QTRY_COMPARE_WITH_TIMEOUT(m_outcomes.size(), 3, 5000);
        QCOMPARE(outcomesFor(QStringLiteral("echo")).at(0).error.left(26),
            QStringLiteral("webhook 'echo': HTTP 410: "));
        QCOMPARE(outcomesFor(QStringLiteral("down")).at(0).error,
            QStringLiteral("webhook 'down': connection refused after 2 attempts"));
        QVERIFY(outcomesFor(QStringLiteral("flaky")).at(0).ok);
        const QStringList log = capturedLog();
        const auto notifyLines = std::count_if(log.begin(), log.end(), [](const QString &line) {
            return line.startsWith(QStringLiteral("clusterwatch.notify: "));
        });
        QVERIFY2(notifyLines >= 5, qPrintable(log.join(QLatin1Char('\n'))));
        QVERIFY(log.join(QLatin1Char('\n')).contains(QStringLiteral("webhook 'flaky': HTTP 503")));
    }
};

QTEST_GUILESS_MAIN(TestNotifier)
#include "tst_notifier.moc"
