/*
 * The kernel-mode test framework (kmode_test.h): checks, contexts, the formatter and the results
 * file.
 *
 * Where the results go: a file, whose NT path the launcher writes to the service's
 * Parameters\ResultsFile (REG_SZ; default \SystemRoot\Temp\ntoskrnl_conformance.txt). Why a file
 * and not a named section (Wine's dlls/ntoskrnl.exe/tests use both over their history): a section
 * needs a launcher process that creates it and keeps it open while the driver runs, i.e. a PE
 * launcher on every place, while a file is read by any launcher (tools/conformance.sh, the Windows
 * PowerShell script) after the service stopped; and every line reaches the file as soon as the
 * IRQL is back at PASSIVE_LEVEL, so what ran before a bug check that ended the process (Wine
 * places, the driver host) is still there to read, with no "conformance: end" line to say it
 * ended early. ZwWriteFile needs PASSIVE_LEVEL: lines written at a raised IRQL wait in a nonpaged
 * buffer of the driver's image (not the pool under test) until the next line at PASSIVE_LEVEL or
 * the end of the group.
 */
#include "kmode_test.h"
#include "kmode_run.h"

int winetest_todo_level;

static const char *location_file = "";
static int location_line;
static char contexts[8][128];
static int context_depth;
static int under_wine = -1;
static int builtin;
static char place[32];

/* One group's counts and the run's. */
static LONG successes, failures, todo_count, skipped;
static LONG all_successes, all_failures, all_todo, all_skipped;

static HANDLE results;
static char pending[64 * 1024];  /* nonpaged: a driver image's .bss */
static ULONG pending_bytes, lost_bytes;

/* ---- the formatter ---- */

struct out
{
    char *buffer;
    unsigned size, length;   /* length counts what would have been written */
};

static void put(struct out *o, char c)
{
    if (o->length + 1 < o->size) o->buffer[o->length] = c;
    o->length++;
}

/* value / base in place, returning the remainder: in 16-bit steps, so that i386 needs no 64-bit
 * division helper from libgcc (drivers link no runtime). */
static unsigned divide(unsigned long long *value, unsigned base)
{
    unsigned long long v = *value, q = 0;
    unsigned rem = 0;
    int shift;
    for (shift = 48; shift >= 0; shift -= 16)
    {
        unsigned cur = (rem << 16) | (unsigned)((v >> shift) & 0xFFFF);
        q |= (unsigned long long)(cur / base) << shift;
        rem = cur % base;
    }
    *value = q;
    return rem;
}

static void put_number(struct out *o, unsigned long long value, unsigned base, int upper, int negative,
                       int width, int precision, int left, char pad, char sign, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    int n = 0, length, i;
    do text[n++] = digits[divide(&value, base)]; while (value);
    while (n < precision) text[n++] = '0';
    length = n + (negative || sign ? 1 : 0);
    for (i = 0; prefix[i]; i++) length++;
    if (!left && pad == ' ') for (; width > length; width--) put(o, ' ');
    if (negative) put(o, '-');
    else if (sign) put(o, sign);
    for (i = 0; prefix[i]; i++) put(o, prefix[i]);
    if (!left && pad == '0') for (; width > length; width--) put(o, '0');
    while (n) put(o, text[--n]);
    if (left) for (; width > length; width--) put(o, ' ');
}

int kmtest_vsnprintf(char *buffer, unsigned size, const char *fmt, va_list args)
{
    struct out o = {buffer, size, 0};
    for (; *fmt; fmt++)
    {
        int left = 0, alternate = 0, width = 0, precision = -1, size_bits = 32;
        char pad = ' ', sign = 0, c;
        if (*fmt != '%') { put(&o, *fmt); continue; }
        for (;; fmt++)
        {
            c = fmt[1];
            if (c == '-') left = 1;
            else if (c == '0') pad = '0';
            else if (c == '+') sign = '+';
            else if (c == ' ') { if (!sign) sign = ' '; }
            else if (c == '#') alternate = 1;
            else break;
        }
        fmt++;
        if (*fmt == '*') { width = va_arg(args, int); fmt++; }
        else while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.')
        {
            fmt++;
            precision = 0;
            if (*fmt == '*') { precision = va_arg(args, int); fmt++; }
            else while (*fmt >= '0' && *fmt <= '9') precision = precision * 10 + (*fmt++ - '0');
        }
        if (fmt[0] == 'I' && fmt[1] == '6' && fmt[2] == '4') { size_bits = 64; fmt += 3; }
        else if (fmt[0] == 'I' && fmt[1] == '3' && fmt[2] == '2') { size_bits = 32; fmt += 3; }
        else if (fmt[0] == 'I' || fmt[0] == 'z') { size_bits = sizeof(void *) * 8; fmt++; }
        else if (fmt[0] == 'l' && fmt[1] == 'l') { size_bits = 64; fmt += 2; }
        else if (fmt[0] == 'l') { size_bits = 32; fmt++; }   /* LLP64: long is 32 bits */
        else if (fmt[0] == 'h' && fmt[1] == 'h') { size_bits = 8; fmt += 2; }
        else if (fmt[0] == 'h') { size_bits = 16; fmt++; }
        if (left) pad = ' ';
        switch (*fmt)
        {
        case 'd': case 'i':
        {
            long long v = size_bits == 64 ? va_arg(args, long long) : (long long)va_arg(args, int);
            if (size_bits == 16) v = (short)v;
            else if (size_bits == 8) v = (signed char)v;
            put_number(&o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, 0, v < 0, width,
                       precision, left, precision >= 0 ? ' ' : pad, sign, "");
            break;
        }
        case 'u': case 'x': case 'X': case 'o':
        {
            unsigned long long v = size_bits == 64 ? va_arg(args, unsigned long long) : va_arg(args, unsigned int);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            if (size_bits == 16) v &= 0xFFFF;
            else if (size_bits == 8) v &= 0xFF;
            put_number(&o, v, base, *fmt == 'X', 0, width, precision, left, precision >= 0 ? ' ' : pad, 0,
                       alternate && v ? (base == 16 ? (*fmt == 'X' ? "0X" : "0x") : base == 8 ? "0" : "") : "");
            break;
        }
        case 'p':   /* as Windows' and Wine's C runtimes print it: all digits, upper case */
            put_number(&o, (ULONG_PTR)va_arg(args, void *), 16, 1, 0, sizeof(void *) * 2, -1, 0, '0', 0, "");
            break;
        case 'c':
            put(&o, (char)va_arg(args, int));
            break;
        case 's': case 'S':
        {
            int wide = *fmt == 'S' || (size_bits == 32 && fmt[-1] == 'l');
            const void *s = va_arg(args, const void *);
            int n = 0, i;
            if (!s) s = wide ? (const void *)L"(null)" : (const void *)"(null)";
            if (wide) while ((precision < 0 || n < precision) && ((const WCHAR *)s)[n]) n++;
            else while ((precision < 0 || n < precision) && ((const char *)s)[n]) n++;
            if (!left) for (i = n; i < width; i++) put(&o, ' ');
            for (i = 0; i < n; i++)
            {
                WCHAR w = wide ? ((const WCHAR *)s)[i] : (UCHAR)((const char *)s)[i];
                put(&o, w < 0x80 ? (char)w : '?');
            }
            if (left) for (i = n; i < width; i++) put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:    /* unknown conversion: shown as written */
            put(&o, '%');
            if (*fmt) put(&o, *fmt);
            else fmt--;
            break;
        }
    }
    if (o.size) o.buffer[o.length < o.size ? o.length : o.size - 1] = 0;
    return (int)o.length;
}

int kmtest_snprintf(char *buffer, unsigned size, const char *fmt, ...)
{
    va_list args;
    int n;
    va_start(args, fmt);
    n = kmtest_vsnprintf(buffer, size, fmt, args);
    va_end(args);
    return n;
}

void kmtest_fill(void *p, SIZE_T n, UCHAR value)
{
    volatile UCHAR *b = p;
    while (n--) *b++ = value;
}

int kmtest_check_fill(const void *p, SIZE_T n, UCHAR value)
{
    const UCHAR *b = p;
    while (n--) if (*b++ != value) return 0;
    return 1;
}

void kmtest_fill_pattern(void *p, SIZE_T n, UCHAR seed)
{
    SIZE_T i;
    for (i = 0; i < n; i++) ((UCHAR *)p)[i] = (UCHAR)(seed + i * 7);
}

int kmtest_check_pattern(const void *p, SIZE_T n, UCHAR seed)
{
    SIZE_T i;
    for (i = 0; i < n; i++) if (((const UCHAR *)p)[i] != (UCHAR)(seed + i * 7)) return 0;
    return 1;
}

/* ---- the results file ---- */

static void flush(void)
{
    IO_STATUS_BLOCK io;
    if (!results || !pending_bytes || KeGetCurrentIrql() != PASSIVE_LEVEL) return;
    ZwWriteFile(results, NULL, NULL, NULL, &io, pending, pending_bytes, NULL, NULL);
    pending_bytes = 0;
}

static void emit(const char *text, unsigned length)
{
    if (length > sizeof(pending) - pending_bytes)
    {
        flush();
        if (length > sizeof(pending) - pending_bytes) { lost_bytes += length; return; }
    }
    RtlCopyMemory(pending + pending_bytes, text, length);
    pending_bytes += length;
    flush();
}

void kmtest_printf(const char *fmt, ...)
{
    char line[640];
    va_list args;
    int n;
    va_start(args, fmt);
    n = kmtest_vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    if (n > (int)sizeof(line) - 1) n = sizeof(line) - 1;
    emit(line, (unsigned)n);
}

static const char *basename(const char *path)
{
    const char *p = path, *s;
    for (s = path; *s; s++) if (*s == '/' || *s == '\\') p = s + 1;
    return p;
}

/* One line: "file:line: contexts: kind message", the message ending in a newline. */
static void vprint(const char *kind, const char *fmt, va_list args)
{
    char line[640];
    unsigned n;
    int i;
    n = (unsigned)kmtest_snprintf(line, sizeof(line), "%s:%d: ", basename(location_file), location_line);
    for (i = 0; i < context_depth && n < sizeof(line); i++)
        n += (unsigned)kmtest_snprintf(line + n, sizeof(line) - n, "%s: ", contexts[i]);
    if (kind && n < sizeof(line)) n += (unsigned)kmtest_snprintf(line + n, sizeof(line) - n, "%s", kind);
    if (n < sizeof(line)) n += (unsigned)kmtest_vsnprintf(line + n, sizeof(line) - n, fmt, args);
    if (n > sizeof(line) - 2) n = sizeof(line) - 2;
    if (!n || line[n - 1] != '\n') line[n++] = '\n';
    emit(line, n);
}

int winetest_set_location(const char *file, int line)
{
    location_file = file;
    location_line = line;
    return 1;
}

static int vok(int condition, const char *fmt, va_list args)
{
    if (winetest_todo_level && winetest_platform_is_wine())
    {
        if (condition)
        {
            vprint("Test succeeded inside todo block: ", fmt, args);
            failures++;
            return 0;
        }
        vprint("Test marked todo: ", fmt, args);
        todo_count++;
        return 1;
    }
    if (!condition)
    {
        vprint("Test failed: ", fmt, args);
        failures++;
        return 0;
    }
    vprint("Test succeeded: ", fmt, args);
    successes++;
    return 1;
}

int winetest_ok(int condition, const char *fmt, ...)
{
    va_list args;
    int ret;
    va_start(args, fmt);
    ret = vok(condition, fmt, args);
    va_end(args);
    return ret;
}

void winetest_skip(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprint("Tests skipped: ", fmt, args);
    va_end(args);
    skipped++;
}

void winetest_win_skip(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (winetest_platform_is_wine())
        vok(0, fmt, args);   /* as Wine's: a failure under Wine, unless inside todo_wine */
    else
    {
        vprint("Tests skipped: ", fmt, args);
        skipped++;
    }
    va_end(args);
}

void winetest_trace(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprint(NULL, fmt, args);
    va_end(args);
}

int winetest_broken(int condition) { return !winetest_platform_is_wine() && condition; }

void winetest_push_context(const char *fmt, ...)
{
    va_list args;
    if (context_depth >= (int)KMTEST_ARRAY_SIZE(contexts)) return;
    va_start(args, fmt);
    kmtest_vsnprintf(contexts[context_depth++], sizeof(contexts[0]), fmt, args);
    va_end(args);
}

void winetest_pop_context(void)
{
    if (context_depth > 0) context_depth--;
}

void *kmtest_routine(const WCHAR *name)
{
    UNICODE_STRING s;
    RtlInitUnicodeString(&s, name);
    return MmGetSystemRoutineAddress(&s);
}

/* Wine exports its own private entry points from ntoskrnl.exe; Windows never has this name. */
int winetest_platform_is_wine(void)
{
    if (under_wine < 0) under_wine = kmtest_routine(L"wine_ntoskrnl_main_loop") != NULL;
    return under_wine;
}

int kmtest_wine_builtin(void) { return builtin; }
const char *kmtest_place(void) { return place; }

/* Under Wine only (the kernel is user memory there): the image holding ExAllocatePoolWithTag,
 * found from that address down in 64 KB steps (image bases are 64 KB aligned and every page
 * between the base and the routine belongs to the image), carries Wine's builtin signature right
 * after its DOS header (tests/pe/pe_imports.h: pe_is_wine_builtin). */
int kmtest_kernel_is_wine_builtin(void)
{
    ULONG_PTR a = (ULONG_PTR)kmtest_routine(L"ExAllocatePoolWithTag") & ~(ULONG_PTR)0xFFFF;
    int i;
    if (!winetest_platform_is_wine() || !a) return 0;
    for (i = 0; i < 512 && a; i++, a -= 0x10000)
    {
        const UCHAR *base = (const UCHAR *)a;
        if (base[0] == 'M' && base[1] == 'Z')
            return RtlCompareMemory(base + 0x40, "Wine builtin DLL", 16) == 16;
    }
    return 0;
}

static int same_name(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

int kmtest_builtin_stub_(const char *name)
{
    static const char *const stubs[] = {
        "ExAllocatePoolWithTagPriority", "ExQueryPoolBlockSize", "ExExtendZone", "ExInterlockedExtendZone",
        "ExInterlockedPushEntryList", "ExInterlockedPopEntryList", "ExInterlockedInsertHeadList",
        "ExInterlockedInsertTailList", "ExInterlockedAddUlong", "ExInterlockedAddLargeInteger",
        "KeRaiseIrqlToDpcLevel",   /* hal.dll's (x86_64: where MmGetSystemRoutineAddress finds it) */
        "ExAllocateFromPagedLookasideList", "ExFreeToPagedLookasideList", "PsChargePoolQuota",
        "PsChargeProcessNonPagedPoolQuota", "PsChargeProcessPagedPoolQuota", "PsChargeProcessPoolQuota",
        "PsReturnPoolQuota", "PsReturnProcessNonPagedPoolQuota", "PsReturnProcessPagedPoolQuota",
#ifdef _X86_
        "ExfInterlockedPushEntryList", "ExfInterlockedPopEntryList", "ExfInterlockedInsertHeadList",
        "ExfInterlockedInsertTailList", "ExfInterlockedAddUlong", "ExInterlockedAddLargeStatistic",
        "ExfInterlockedCompareExchange64", "ExInterlockedCompareExchange64",
        "KefAcquireSpinLockAtDpcLevel", "KefReleaseSpinLockFromDpcLevel",
        /* hal.dll */
        "KeRaiseIrql", "KeRaiseIrqlToSynchLevel", "KeAcquireSpinLockRaiseToSynch",
        "KeAcquireInStackQueuedSpinLockRaiseToSynch", "KeStallExecutionProcessor",
#endif
    };
    unsigned i;
    if (!builtin) return 0;
    for (i = 0; i < KMTEST_ARRAY_SIZE(stubs); i++)
        if (same_name(name, stubs[i]))
        {
            winetest_todo_level++;
            winetest_ok(0, "Wine's builtin only stubs %s: its checks left out\n", name);
            winetest_todo_level--;
            return 1;
        }
    return 0;
}

/* ---- bug-check cases ---- */

static int bugcheck_expected;

void kmtest_expect_bugcheck_(ULONG code, unsigned checked, ULONG64 p1, ULONG64 p2, ULONG64 p3, ULONG64 p4)
{
    const ULONG64 p[4] = {p1, p2, p3, p4};
    char line[256];
    unsigned n, i;
    n = (unsigned)kmtest_snprintf(line, sizeof(line), "%s:%d: expect bug check 0x%08lX (", basename(location_file),
                                  location_line, code);
    for (i = 0; i < 4; i++)
        n += (unsigned)kmtest_snprintf(line + n, sizeof(line) - n, (checked >> i) & 1 ? "%s0x%I64X" : "%s*",
                                       i ? "," : "", p[i]);
    n += (unsigned)kmtest_snprintf(line + n, sizeof(line) - n, ")%s\n",
                                   winetest_todo_level && winetest_platform_is_wine() ? " todo" : "");
    emit(line, n);   /* on disk before the call: the bug check ends the process */
    bugcheck_expected = 1;
}

/* ---- the service's Parameters ---- */

static NTSTATUS query_value(HANDLE key, const WCHAR *name, ULONG want_type, void *data, ULONG size, ULONG *length)
{
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 520];
    KEY_VALUE_PARTIAL_INFORMATION *info = (KEY_VALUE_PARTIAL_INFORMATION *)buffer;
    UNICODE_STRING value;
    ULONG got = 0;
    NTSTATUS status;
    RtlInitUnicodeString(&value, name);
    status = ZwQueryValueKey(key, &value, KeyValuePartialInformation, info, sizeof(buffer), &got);
    if (!NT_SUCCESS(status)) return status;
    if (info->Type != want_type) return STATUS_OBJECT_TYPE_MISMATCH;
    if (info->DataLength > size) return STATUS_BUFFER_OVERFLOW;
    RtlCopyMemory(data, info->Data, info->DataLength);
    *length = info->DataLength;
    return STATUS_SUCCESS;
}

static WCHAR results_path[260] = L"\\SystemRoot\\Temp\\ntoskrnl_conformance.txt";
static WCHAR groups_wanted[260];
static WCHAR case_wanted[64];
static ULONG bugcheck_groups;
static ULONG faults_emulated;

int kmtest_faults_emulated(void) { return faults_emulated != 0; }

static void read_parameters(PUNICODE_STRING registry_path)
{
    WCHAR path[512], text[260];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    ULONG length, i, n = registry_path->Length / sizeof(WCHAR);
    static const WCHAR suffix[] = L"\\Parameters";

    if (n + KMTEST_ARRAY_SIZE(suffix) > KMTEST_ARRAY_SIZE(path)) return;
    RtlCopyMemory(path, registry_path->Buffer, n * sizeof(WCHAR));
    RtlCopyMemory(path + n, suffix, sizeof(suffix));
    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (!NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &attributes))) return;
    RtlZeroMemory(text, sizeof(text));
    if (NT_SUCCESS(query_value(key, L"ResultsFile", REG_SZ, text, sizeof(text) - sizeof(WCHAR), &length)))
        RtlCopyMemory(results_path, text, sizeof(text));
    RtlZeroMemory(text, sizeof(text));
    if (NT_SUCCESS(query_value(key, L"Place", REG_SZ, text, sizeof(text) - sizeof(WCHAR), &length)))
        for (i = 0; i + 1 < sizeof(place) && text[i]; i++) place[i] = text[i] < 0x80 ? (char)text[i] : '?';
    RtlZeroMemory(text, sizeof(text));
    if (NT_SUCCESS(query_value(key, L"Groups", REG_SZ, text, sizeof(text) - sizeof(WCHAR), &length)))
        RtlCopyMemory(groups_wanted, text, sizeof(text));
    RtlZeroMemory(text, sizeof(text));
    if (NT_SUCCESS(query_value(key, L"Case", REG_SZ, text, sizeof(case_wanted) - sizeof(WCHAR), &length)))
        RtlCopyMemory(case_wanted, text, sizeof(case_wanted) - sizeof(WCHAR));
    if (!NT_SUCCESS(query_value(key, L"BugCheckGroups", REG_DWORD, &bugcheck_groups, sizeof(ULONG), &length)))
        bugcheck_groups = 0;
    if (!NT_SUCCESS(query_value(key, L"FaultsEmulated", REG_DWORD, &faults_emulated, sizeof(ULONG), &length)))
        faults_emulated = 0;
    ZwClose(key);
}

/* Parameters\Groups: names separated by commas or spaces; empty = every group. */
static int group_wanted(const char *name)
{
    const WCHAR *w = groups_wanted;
    if (!*w) return 1;
    while (*w)
    {
        const char *n = name;
        while (*w == ',' || *w == ' ') w++;
        while (*n && *w == (WCHAR)*n) n++, w++;
        if (!*n && (!*w || *w == ',' || *w == ' ')) return 1;
        while (*w && *w != ',' && *w != ' ') w++;
    }
    return 0;
}

NTSTATUS kmtest_begin(PUNICODE_STRING registry_path)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK io;
    NTSTATUS status;

    read_parameters(registry_path);
    if (!place[0]) RtlCopyMemory(place, winetest_platform_is_wine() ? "wine" : "windows", 8);
    builtin = winetest_platform_is_wine() && kmtest_kernel_is_wine_builtin();
    RtlInitUnicodeString(&name, results_path);
    InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwCreateFile(&results, GENERIC_WRITE | SYNCHRONIZE, &attributes, &io, NULL, FILE_ATTRIBUTE_NORMAL,
                          FILE_SHARE_READ, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
                          NULL, 0);
    if (!NT_SUCCESS(status)) { results = NULL; return status; }
    kmtest_printf("conformance: place %s, %s, %s ntoskrnl.exe, %s\n", place,
                  winetest_platform_is_wine() ? "Wine" : "Windows",
                  builtin ? "Wine's builtin" : winetest_platform_is_wine() ? "the project's" : "Windows'",
                  sizeof(void *) == 8 ? "x86_64" : "i386");
    return STATUS_SUCCESS;
}

static ULONG process_id(void) { return (ULONG)(ULONG_PTR)PsGetCurrentProcessId(); }

static int is_case(const char *name)
{
    const WCHAR *w = case_wanted;
    while (*name && *w == (WCHAR)*name) name++, w++;
    return !*name && !*w;
}

void kmtest_run_group(const struct kmtest_group *g)
{
    KIRQL old = PASSIVE_LEVEL;
    /* Parameters\Case: that bug-check case alone; otherwise the wanted groups, cases listed. */
    if (case_wanted[0])
    {
        if (!(g->flags & KMTEST_BUGCHECK_CASE) || !is_case(g->name)) return;
    }
    else if (!group_wanted(g->name))
        return;
    else if (g->flags & KMTEST_BUGCHECK_CASE)
    {
        kmtest_printf("conformance: bug check case %s tests/kmode/%s%s\n", g->name, g->file,
                      g->flags & KMTEST_VERIFIER_CASE ? " verifier" : "");
        return;
    }
    bugcheck_expected = 0;
    successes = failures = todo_count = skipped = 0;
    context_depth = 0;
    winetest_todo_level = 0;
    kmtest_printf("ntoskrnl:%s start tests/kmode/%s\n", g->name, g->file);
    if ((g->flags & (KMTEST_BUGCHECK_ON_FAILURE | KMTEST_BUGCHECK_CASE)) && !winetest_platform_is_wine() && !bugcheck_groups)
    {
        winetest_set_location(__FILE__, __LINE__);
        winetest_skip("group %s: a failure here is a bug check; on Windows it runs only with Parameters\\BugCheckGroups = 1\n",
                      g->name);
    }
    else
    {
        if (g->irql > PASSIVE_LEVEL) KeRaiseIrql(g->irql, &old);
        g->run();
        if (g->irql > PASSIVE_LEVEL) KeLowerIrql(old);
        if (bugcheck_expected) kmtest_printf("conformance: case %s returned (no bug check)\n", g->name);
    }
    flush();
    kmtest_printf("%04x:%s: %d tests executed (%d marked as todo, %d %s), %d skipped.\n", process_id(), g->name,
                  (int)(successes + failures + todo_count), (int)todo_count, (int)failures,
                  failures == 1 ? "failure" : "failures", (int)skipped);
    kmtest_printf("ntoskrnl:%s:%04x done (%d)\n", g->name, process_id(), (int)failures);
    all_successes += successes, all_failures += failures, all_todo += todo_count, all_skipped += skipped;
}

void kmtest_end(void)
{
    kmtest_printf("%04x:conformance: %d tests executed (%d marked as todo, %d %s), %d skipped.\n", process_id(),
                  (int)(all_successes + all_failures + all_todo), (int)all_todo, (int)all_failures,
                  all_failures == 1 ? "failure" : "failures", (int)all_skipped);
    if (lost_bytes) kmtest_printf("conformance: %u bytes of results lost (buffer full above PASSIVE_LEVEL)\n", lost_bytes);
    kmtest_printf("conformance: end\n");
    flush();
    if (results) ZwClose(results);
    results = NULL;
}
