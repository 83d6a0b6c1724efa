// libFuzzer harness for the drill journal reader (clang only; see CMakeLists.txt).
// Traps when an error does not name the source, or when an accepted journal does not survive
// drillRecordToJson -> drillRecordFromJson unchanged.

#include "services/drills/DrillJournal.h"

#include <QJsonDocument>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString source = QStringLiteral("journal.json");
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const cw::Result<cw::DrillRecord> record = cw::drillRecordFromJson(json, source);
    if (record.ok()) {
        const QByteArray written
            = QJsonDocument(cw::drillRecordToJson(record.value())).toJson(QJsonDocument::Compact);
        const cw::Result<cw::DrillRecord> again = cw::drillRecordFromJson(written, source);
        if (!again.ok() || !(again.value() == record.value()))
            __builtin_trap();
        return 0;
    }
    if (!record.error().startsWith(source + QStringLiteral(": ")))
        __builtin_trap();
    return 0;
}
