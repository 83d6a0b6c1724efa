#pragma once

#include "models/DrillRecord.h"
#include "models/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace cw {

/// A drill's JSON journal: everything in DrillRecord, with the drill's inputs spelled out
/// (schema "clusterwatch-drill/1"). Written after every step while the drill runs, so a journal
/// whose verdict is still "running" is a drill the app did not finish.

/// The whole record as JSON (the spec with the drill file's words: "stop", "until_detected").
QJsonObject drillRecordToJson(const DrillRecord &record);
/// Reads a journal back. Errors name the source and the field: "FILE: steps[3].phase: expected
/// one of preflight, inject, ..., got 'x'". Unknown fields are ignored (newer writers).
Result<DrillRecord> drillRecordFromJson(const QByteArray &json, const QString &sourceName);

/// $XDG_DATA_HOME/Clusterwatch/drills (created on first write).
QString defaultDrillDirectory();
/// The journal's file name for @p record: "20261203-162512-worker-1-stop-3f2a9c1d.json"
/// (start time UTC, the drill's name made file-safe, the id's first 8 characters).
QString drillJournalFileName(const DrillRecord &record);

/// Writes @p record to @p dir / drillJournalFileName() atomically (QSaveFile). Returns the path.
Result<QString> writeDrillJournal(const DrillRecord &record, const QString &dir);
Result<DrillRecord> readDrillJournal(const QString &path);

struct DrillJournalEntry {
    QString path;
    DrillRecord record;
};
/// Every journal in @p dir, newest first. Files that do not read are skipped and named in
/// @p errors (never silently).
QList<DrillJournalEntry> listDrillJournals(const QString &dir, QStringList *errors = nullptr);

} // namespace cw
