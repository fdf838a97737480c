/* Driver half of pool_tags: ZwQuerySystemInformation as a driver imports it. The MinGW-w64 DDK
 * does not declare it, so it is declared here as the WDK's ntifs.h/ntddk.h prototype reads. */
#include <ddk/ntddk.h>

#include "pool_tags_driver.h"

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);

long ptd_query_system_information(unsigned long info_class, void *buffer, unsigned long length,
                                  unsigned long *return_length)
{
    ULONG got = 0xdeadbeef;
    NTSTATUS status = ZwQuerySystemInformation(info_class, buffer, length, &got);
    *return_length = got;
    return status;
}
