#include "services/drillrun/DrillJournalWriter.h"

#include "services/drills/DrillJournal.h"

namespace cw {

void DrillJournalWriter::write(quint64 sequence, const DrillRecord &record, const QString &dir)
{
    const Result<QString> path = writeDrillJournal(record, dir);
    if (path)
        Q_EMIT written(sequence, path.value(), QString());
    else
        Q_EMIT written(sequence, QString(), path.error());
}

} // namespace cw
