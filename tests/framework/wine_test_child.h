/*
 * Child processes for PE tests: runs this same test program with other arguments (for cases
 * that end the process, such as bug checks, or that check the framework's own output) and
 * collects what the child wrote to stdout and stderr. Include after wine_test.h.
 */
#ifndef NTOSKRNL_WINE_TEST_CHILD_H
#define NTOSKRNL_WINE_TEST_CHILD_H

/* Runs "<this program> <args>", stores its stdout+stderr (CRLF turned into LF, NUL-terminated)
 * in out, and returns its exit code (0xFFFFFFFF if it could not be started). */
static inline DWORD winetest_run_self(const char *args, char *out, DWORD size)
{
    char exe[MAX_PATH], cmd[MAX_PATH + 256];
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    DWORD got = 0, n, kept = 0, code = 0xFFFFFFFF;

    out[0] = 0;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" %s", exe, args);
    if (!CreatePipe(&rd, &wr, &sa, 0))
    {
        ok(0, "CreatePipe failed: %lu\n", GetLastError());
        return code;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = wr;
    if (!CreateProcessA(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        ok(0, "CreateProcess(%s) failed: %lu\n", cmd, GetLastError());
        CloseHandle(rd);
        CloseHandle(wr);
        return code;
    }
    CloseHandle(wr);
    while (got + 1 < size && ReadFile(rd, out + got, size - 1 - got, &n, NULL) && n) got += n;
    /* A child's stdout is in text mode (CRLF); stderr written with WriteFile is not. */
    for (n = 0; n < got; n++)
        if (out[n] != '\r') out[kept++] = out[n];
    out[kept] = 0;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    return code;
}

/* An unhandled-exception filter for children whose exit status must be the exception code (a
 * structured exception the module raised, such as STATUS_INSUFFICIENT_RESOURCES). */
static inline LONG WINAPI winetest_exit_with_exception_code(EXCEPTION_POINTERS *ep)
{
    TerminateProcess(GetCurrentProcess(), ep->ExceptionRecord->ExceptionCode);
    return EXCEPTION_CONTINUE_SEARCH;
}

/* A bug check as a child reported it: an optional first line "ADDR <hex>" (the address the child
 * misused), then the module's STOP line "*** STOP: 0x%08X (P1,P2,P3,P4) NAME" with the four
 * parameters as "0x" and pointer-width upper-case hex (the format tests/pe/bugcheck.c checks). */
struct winetest_stop
{
    ULONG64 addr;    /* from the ADDR line; 0 if there was none */
    BOOL found;      /* a STOP line in exactly that format was printed */
    BOOL alone;      /* ... and it was the only other line */
    ULONG code;
    ULONG64 p[4];
    char name[64];
};

/* Reads "0x" and upper-case hex digits at *s; returns how many digits (0: not there). */
static inline int winetest_read_hex(const char **s, ULONG64 *value)
{
    int digits = 0;
    *value = 0;
    if (strncmp(*s, "0x", 2)) return 0;
    for (*s += 2; (**s >= '0' && **s <= '9') || (**s >= 'A' && **s <= 'F'); (*s)++, digits++)
        *value = *value * 16 + (**s <= '9' ? **s - '0' : **s - 'A' + 10);
    return digits;
}

static inline void winetest_parse_stop(const char *out, struct winetest_stop *st)
{
    const int width = 2 * sizeof(void *);
    const char *s = out, *first, *stop;
    ULONG64 code;
    unsigned i, n;

    memset(st, 0, sizeof(*st));
    if (!strncmp(s, "ADDR ", 5))
    {
        st->addr = strtoull(s + 5, NULL, 16);
        s = strchr(s, '\n');
        s = s ? s + 1 : out + strlen(out);
    }
    first = s;
    if (!(stop = strstr(s, "*** STOP: "))) return;
    s = stop + 10;
    if (winetest_read_hex(&s, &code) != 8) return;
    for (i = 0; i < 4; i++)
    {
        if (strncmp(s, i ? "," : " (", i ? 1 : 2)) return;
        s += i ? 1 : 2;
        if (winetest_read_hex(&s, &st->p[i]) != width) return;
    }
    if (strncmp(s, ") ", 2)) return;
    for (s += 2, n = 0; *s && *s != '\n' && n + 1 < sizeof(st->name); s++) st->name[n++] = *s;
    st->name[n] = 0;
    if (*s != '\n') return;
    st->code = (ULONG)code;
    st->found = TRUE;
    st->alone = stop == first && !s[1];
}

#endif
