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

#endif
