// The pool server poolmon.exe (tools/poolmon/) asks in a drop-in prefix: inside a winedevice.exe
// process (the process Wine runs kernel services in), one thread answers snapshot requests for
// this process's pool tag table (ex::pool::tag_usage) and lookaside lists (the lookaside
// registry's snapshot) on \\.\pipe\ntoskrnl-poolmon-<pid>, in the format of poolmon_protocol.h.
// Module only (Win32).
#pragma once

namespace platform {

// Called from DllMain (process attach). Starts the server thread if this process's image is
// winedevice.exe; anywhere else (the driver host, the PE tests) it does nothing. Never waits.
void start_poolmon_server();

}  // namespace platform
