// DRIVER_OBJECT, DRIVER_EXTENSION, UNICODE_STRING and the loader entry a driver finds in
// DriverSection, with Windows' layouts for i386 and x86_64: the driver host builds these and
// passes them to an unmodified driver, which reads its fields at fixed offsets.
//
// Offsets: the public WDK's wdm.h (_DRIVER_OBJECT, _DRIVER_EXTENSION; the MinGW-w64 DDK copy is
// cross-checked in tests/layout/ddk_crosscheck.cpp) and, for KLDR_DATA_TABLE_ENTRY (not in the
// WDK), the layout in Windows' public symbols as listed by the Vergilius Project
// (vergiliusproject.com, _KLDR_DATA_TABLE_ENTRY, Windows XP..10, x86 and x64).
#ifndef NT_DRIVER_H
#define NT_DRIVER_H

#include <cstddef>

#include "layouts.h"
#include "types.h"

namespace nt {

using CSHORT = std::int16_t;

struct UNICODE_STRING {
  USHORT Length;          // bytes, without a terminator
  USHORT MaximumLength;
  WCHAR* Buffer;
};
static_assert(sizeof(UNICODE_STRING) == (is_64bit ? 16 : 8));
static_assert(offsetof(UNICODE_STRING, Buffer) == (is_64bit ? 8 : 4));

struct DRIVER_OBJECT;
// Driver callbacks are NTAPI (stdcall on i386).
using DRIVER_INITIALIZE = NTSTATUS NT_API(DRIVER_OBJECT*, UNICODE_STRING*);
using DRIVER_UNLOAD = void NT_API(DRIVER_OBJECT*);
using DRIVER_ADD_DEVICE = NTSTATUS NT_API(DRIVER_OBJECT*, void*);
using DRIVER_DISPATCH = NTSTATUS NT_API(void* device, void* irp);

inline constexpr CSHORT IO_TYPE_DRIVER = 4;
inline constexpr int IRP_MJ_MAXIMUM_FUNCTION = 0x1b;

struct DRIVER_EXTENSION {
  DRIVER_OBJECT* DriverObject;
  DRIVER_ADD_DEVICE* AddDevice;
  ULONG Count;
  UNICODE_STRING ServiceKeyName;
};
static_assert(offsetof(DRIVER_EXTENSION, AddDevice) == (is_64bit ? 0x08 : 0x04));
static_assert(offsetof(DRIVER_EXTENSION, Count) == (is_64bit ? 0x10 : 0x08));
static_assert(offsetof(DRIVER_EXTENSION, ServiceKeyName) == (is_64bit ? 0x18 : 0x0C));

struct DRIVER_OBJECT {
  CSHORT Type;
  CSHORT Size;
  void* DeviceObject;
  ULONG Flags;
  void* DriverStart;
  ULONG DriverSize;
  void* DriverSection;
  DRIVER_EXTENSION* DriverExtension;
  UNICODE_STRING DriverName;
  UNICODE_STRING* HardwareDatabase;
  void* FastIoDispatch;
  DRIVER_INITIALIZE* DriverInit;
  void* DriverStartIo;
  DRIVER_UNLOAD* DriverUnload;
  DRIVER_DISPATCH* MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
};
static_assert(offsetof(DRIVER_OBJECT, DeviceObject) == (is_64bit ? 0x08 : 0x04));
static_assert(offsetof(DRIVER_OBJECT, Flags) == (is_64bit ? 0x10 : 0x08));
static_assert(offsetof(DRIVER_OBJECT, DriverStart) == (is_64bit ? 0x18 : 0x0C));
static_assert(offsetof(DRIVER_OBJECT, DriverSize) == (is_64bit ? 0x20 : 0x10));
static_assert(offsetof(DRIVER_OBJECT, DriverSection) == (is_64bit ? 0x28 : 0x14));
static_assert(offsetof(DRIVER_OBJECT, DriverExtension) == (is_64bit ? 0x30 : 0x18));
static_assert(offsetof(DRIVER_OBJECT, DriverName) == (is_64bit ? 0x38 : 0x1C));
static_assert(offsetof(DRIVER_OBJECT, HardwareDatabase) == (is_64bit ? 0x48 : 0x24));
static_assert(offsetof(DRIVER_OBJECT, FastIoDispatch) == (is_64bit ? 0x50 : 0x28));
static_assert(offsetof(DRIVER_OBJECT, DriverInit) == (is_64bit ? 0x58 : 0x2C));
static_assert(offsetof(DRIVER_OBJECT, DriverStartIo) == (is_64bit ? 0x60 : 0x30));
static_assert(offsetof(DRIVER_OBJECT, DriverUnload) == (is_64bit ? 0x68 : 0x34));
static_assert(offsetof(DRIVER_OBJECT, MajorFunction) == (is_64bit ? 0x70 : 0x38));
static_assert(sizeof(DRIVER_OBJECT) == (is_64bit ? 0x150 : 0xA8));

// The loader's record of a driver image (what DriverSection points to; PsLoadedModuleList links
// these). Only the public prefix that drivers are known to read is modelled.
struct KLDR_DATA_TABLE_ENTRY {
  LIST_ENTRY InLoadOrderLinks;
  void* ExceptionTable;
  ULONG ExceptionTableSize;
  void* GpValue;
  void* NonPagedDebugInfo;
  void* DllBase;
  void* EntryPoint;
  ULONG SizeOfImage;
  UNICODE_STRING FullDllName;
  UNICODE_STRING BaseDllName;
  ULONG Flags;
  USHORT LoadCount;
};
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, ExceptionTable) == (is_64bit ? 0x10 : 0x08));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, DllBase) == (is_64bit ? 0x30 : 0x18));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, EntryPoint) == (is_64bit ? 0x38 : 0x1C));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, SizeOfImage) == (is_64bit ? 0x40 : 0x20));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, FullDllName) == (is_64bit ? 0x48 : 0x24));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, BaseDllName) == (is_64bit ? 0x58 : 0x2C));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, Flags) == (is_64bit ? 0x68 : 0x34));
static_assert(offsetof(KLDR_DATA_TABLE_ENTRY, LoadCount) == (is_64bit ? 0x6C : 0x38));

}  // namespace nt

#endif
