// Mm exports: system size queries. MmQuerySystemSize is callable at any IRQL (wdm.h);
// MmIsThisAnNtAsSystem is obsolete but still exported (ntddk.h).
#include "exports/abi.h"
#include "mm/system_size.h"

NT_EXPORT nt::MM_SYSTEMSIZE NT_API MmQuerySystemSize() { return mm::system_size_info().size; }

NT_EXPORT nt::BOOLEAN NT_API MmIsThisAnNtAsSystem() {
    return mm::is_server(mm::system_size_info().product) ? 1 : 0;   // TRUE / FALSE
}
