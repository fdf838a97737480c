/* A driver built with /GS as MSVC builds one: its load configuration names the stack cookie
 * (IMAGE_LOAD_CONFIG_DIRECTORY.SecurityCookie), which the image carries with the linker's default
 * value, and its entry (GsDriverEntry) refuses to run unless the loader replaced it: a fast fail
 * (int 0x29), which Windows turns into KERNEL_SECURITY_CHECK_FAILURE (0x139). The cookie must not
 * be the default and, on x64, must have its top 16 bits clear. With GS_OVERRUN the driver then
 * detects a "corrupted" cookie on its stack, as a /GS epilogue would, and fast-fails with
 * FAST_FAIL_STACK_COOKIE_CHECK_FAILURE (2). */
#include <stddef.h>

#include "sample_driver.h"

#ifdef _WIN64
#define DEFAULT_SECURITY_COOKIE 0x00002B992DDFA232ULL
#define COOKIE_OFFSET 0x58
#else
#define DEFAULT_SECURITY_COOKIE 0xBB40E64EUL
#define COOKIE_OFFSET 0x3C
#endif
#define FAST_FAIL_STACK_COOKIE_CHECK_FAILURE 2
#define FAST_FAIL_INVALID_ARG 5

ULONG_PTR __security_cookie = (ULONG_PTR)DEFAULT_SECURITY_COOKIE;

/* IMAGE_LOAD_CONFIG_DIRECTORY32/64 (winnt.h) up to SEHandlerCount; only Size and SecurityCookie
 * are set. GNU ld points the load config directory at the symbol _load_config_used. */
struct load_config {
    ULONG Size;
    UCHAR fields_before_cookie[COOKIE_OFFSET - sizeof(ULONG)];
    ULONG_PTR *SecurityCookie;
    ULONG_PTR SEHandlerTable;
    ULONG_PTR SEHandlerCount;
};
_Static_assert(offsetof(struct load_config, SecurityCookie) == COOKIE_OFFSET, "SecurityCookie offset (winnt.h)");
const struct load_config _load_config_used = {sizeof(struct load_config), {0}, &__security_cookie, 0, 0};

static void __attribute__((noreturn)) fast_fail(ULONG code)
{
    __asm__ __volatile__("int $0x29" : : "c"(code) : "memory");
    __builtin_unreachable();
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry_path)
{
    volatile ULONG_PTR frame_cookie;
    UNREFERENCED_PARAMETER(driver);
    UNREFERENCED_PARAMETER(registry_path);
    /* GsDriverEntry's check (the WDK's gs_support): the loader must have set the cookie. */
    if (__security_cookie == (ULONG_PTR)DEFAULT_SECURITY_COOKIE || __security_cookie == 0) fast_fail(FAST_FAIL_INVALID_ARG);
#ifdef _WIN64
    if (__security_cookie >> 48) fast_fail(FAST_FAIL_INVALID_ARG);
#endif
    frame_cookie = __security_cookie ^ (ULONG_PTR)&frame_cookie;
#ifdef GS_OVERRUN
    frame_cookie ^= 0x41414141; /* what an overrun of a local buffer does to the saved cookie */
#endif
    if ((frame_cookie ^ (ULONG_PTR)&frame_cookie) != __security_cookie) fast_fail(FAST_FAIL_STACK_COOKIE_CHECK_FAILURE);
    return STATUS_SUCCESS;
}
