#include "services/config/SettingsStore.h"

namespace cw {

namespace key {
constexpr auto lastClusterFile = "cluster/lastFile";
constexpr auto windowGeometry = "window/geometry";
constexpr auto windowState = "window/state";
constexpr auto windowVersion = "window/version";
constexpr auto theme = "view/theme";
constexpr auto chartSpan = "view/chartSpanMs";
} // namespace key

SettingsStore::SettingsStore(QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(
          QStringLiteral("Clusterwatch"), QStringLiteral("clusterwatch")))
{
}

SettingsStore::SettingsStore(const QString &path, QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(path, QSettings::IniFormat))
{
}

SettingsStore::~SettingsStore() = default;

QString SettingsStore::lastClusterFile() const
{
    return m_settings->value(QLatin1String(key::lastClusterFile)).toString();
}

void SettingsStore::setLastClusterFile(const QString &path)
{
    if (path == lastClusterFile())
        return;
    m_settings->setValue(QLatin1String(key::lastClusterFile), path);
    m_settings->sync();
    Q_EMIT lastClusterFileChanged(path);
}

QByteArray SettingsStore::windowGeometry() const
{
    if (m_settings->value(QLatin1String(key::windowVersion)).toInt() != kWindowStateVersion)
        return {};
    return m_settings->value(QLatin1String(key::windowGeometry)).toByteArray();
}

QByteArray SettingsStore::windowState() const
{
    if (m_settings->value(QLatin1String(key::windowVersion)).toInt() != kWindowStateVersion)
        return {};
    return m_settings->value(QLatin1String(key::windowState)).toByteArray();
}

void SettingsStore::setWindowGeometry(const QByteArray &geometry, const QByteArray &state)
{
    m_settings->setValue(QLatin1String(key::windowVersion), kWindowStateVersion);
    m_settings->setValue(QLatin1String(key::windowGeometry), geometry);
    m_settings->setValue(QLatin1String(key::windowState), state);
    m_settings->sync();
}

QString SettingsStore::theme() const
{
    return m_settings->value(QLatin1String(key::theme), QStringLiteral("system")).toString();
}

void SettingsStore::setTheme(const QString &name)
{
    m_settings->setValue(QLatin1String(key::theme), name);
    m_settings->sync();
}

qint64 SettingsStore::chartSpanMs() const
{
    const qint64 span = m_settings->value(QLatin1String(key::chartSpan), 5 * 60'000).toLongLong();
    return span > 0 ? span : 5 * 60'000;
}

void SettingsStore::setChartSpanMs(qint64 spanMs)
{
    m_settings->setValue(QLatin1String(key::chartSpan), spanMs);
    m_settings->sync();
}

} // namespace cw
