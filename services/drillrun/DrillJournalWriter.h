#pragma once

#include "models/DrillRecord.h"

#include <QObject>
#include <QString>

namespace cw {

/// Writes a drill's journal on its own thread (WorkerThread), so a slow disk never stalls the
/// window; every write answers written() with the same sequence number.
class DrillJournalWriter final : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    void write(quint64 sequence, const cw::DrillRecord &record, const QString &dir);

Q_SIGNALS:
    /// @p path on success; @p error names the file and the reason otherwise.
    void written(quint64 sequence, const QString &path, const QString &error);
};

} // namespace cw
