#pragma once

#include "models/ClusterConfig.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace cwtest {

/// The demo cluster of scripts/sandbox.sh (private dockerd with the n8n stand-ins and Redis,
/// PostgreSQL 15, nginx, the load generator) for tests that drive it: brought up by up(), down
/// by down() or the destructor. Its ports and directory (/tmp/cw-sandbox) are fixed, so such
/// tests run alone (RUN_SERIAL). Needs root; a sandbox already up is a failure (never reused:
/// someone else's cluster must not be acted on).
class Sandbox {
public:
    static constexpr const char *kDir = "/tmp/cw-sandbox";

    Sandbox() = default;
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    /// Brings it up (about 10-15 s) and exports its passwords into this process's environment
    /// so resources/examples/sandbox.yaml loads. False with errorString() on failure.
    bool up();
    void down();
    /// resources/examples/sandbox.yaml, loaded (after up()).
    [[nodiscard]] cw::ClusterConfig config() const { return m_config; }
    [[nodiscard]] QString errorString() const { return m_error; }

    /// The docker CLI against the sandbox's engine; stdout, trimmed.
    static QString docker(const QStringList &args, int *exitCode = nullptr);
    /// "running", "exited", "paused", ... of @p container.
    static QString containerState(const QString &container);
    /// A file of the source tree.
    static QString sourcePath(const QString &relative);

private:
    bool script(const QString &command, QByteArray *output);
    cw::ClusterConfig m_config;
    QString m_error;
    bool m_up = false;
};

} // namespace cwtest
