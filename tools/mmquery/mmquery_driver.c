/* The driver half of mmquery: compiled against <ddk/ntddk.h>, as a legacy driver is. */
#include <ntddk.h>

int mmquery_system_size(void) { return (int)MmQuerySystemSize(); }

int mmquery_is_nt_as_system(void) { return MmIsThisAnNtAsSystem() ? 1 : 0; }
