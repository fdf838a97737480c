// The classic Windows event log file (.evt: Windows NT 3.1 to Server 2003; the System log is
// %SystemRoot%\system32\config\SysEvent.Evt), as Microsoft documents it ("Event Log File Format":
// ELF_LOGFILE_HEADER, EVENTLOGRECORD, ELF_EOF_RECORD). All fields are little-endian and the same
// on every architecture. The drop-in records each bug check there (exports/crash_record.cpp).
#ifndef NT_EVENTLOG_H
#define NT_EVENTLOG_H

#include <cstddef>
#include <cstdint>

namespace nt::evt {

inline constexpr std::uint32_t signature = 0x654c664c;   // "LfLe"

struct LogHeader {
    std::uint32_t HeaderSize;          // 0x30
    std::uint32_t Signature;
    std::uint32_t MajorVersion;        // 1
    std::uint32_t MinorVersion;        // 1
    std::uint32_t StartOffset;         // the oldest record
    std::uint32_t EndOffset;           // the EOF record
    std::uint32_t CurrentRecordNumber; // the number the next record gets
    std::uint32_t OldestRecordNumber;
    std::uint32_t MaxSize;
    std::uint32_t Flags;               // ELF_LOGFILE_HEADER_DIRTY 1, _WRAP 2, ...
    std::uint32_t Retention;
    std::uint32_t EndHeaderSize;       // 0x30
};
static_assert(sizeof(LogHeader) == 0x30);

// EVENTLOGRECORD (winnt.h): then SourceName and Computername (NUL-terminated UTF-16), the user
// SID, the strings (NUL-terminated UTF-16, one after another), the data, padding to a DWORD
// boundary, and Length again.
struct Record {
    std::uint32_t Length;
    std::uint32_t Reserved;            // the signature
    std::uint32_t RecordNumber;
    std::uint32_t TimeGenerated;       // seconds since 1970-01-01 UTC
    std::uint32_t TimeWritten;
    std::uint32_t EventID;
    std::uint16_t EventType;           // EVENTLOG_ERROR_TYPE 1, WARNING 2, INFORMATION 4
    std::uint16_t NumStrings;
    std::uint16_t EventCategory;
    std::uint16_t ReservedFlags;
    std::uint32_t ClosingRecordNumber;
    std::uint32_t StringOffset;
    std::uint32_t UserSidLength;
    std::uint32_t UserSidOffset;
    std::uint32_t DataLength;
    std::uint32_t DataOffset;
};
static_assert(sizeof(Record) == 0x38);

struct EofRecord {
    std::uint32_t RecordSizeBeginning; // 0x28
    std::uint32_t One, Two, Three, Four; // 0x11111111 .. 0x44444444
    std::uint32_t BeginRecord;
    std::uint32_t EndRecord;
    std::uint32_t CurrentRecordNumber;
    std::uint32_t OldestRecordNumber;
    std::uint32_t RecordSizeEnd;       // 0x28
};
static_assert(sizeof(EofRecord) == 0x28);

inline constexpr std::uint16_t error_type = 1;

}  // namespace nt::evt

#endif
