// What a bug check leaves in a Wine prefix, where the "system" that stops is one winedevice.exe:
// Windows writes a dump to %SystemRoot%\Minidump and, at the next boot, the System event log
// entry "The computer has rebooted from a bugcheck. The bugcheck was: 0x... (...). A dump was
// saved in: ..." (source BugCheck, event 1001). In the drop-in the module writes both before the
// process ends (ke::set_bug_check_recorder):
//  - %SystemRoot%\Minidump\MMDDYY-PID-NN.txt, a text report in place of a dump: the STOP line, the
//    code's name, the parameters, the driver at fault (module and offset of the first driver
//    frame on the stack; for 0xC4 / 0x62 the driver parameter 2 names), the verified drivers'
//    outstanding pool and the process's pool use by tag;
//  - a record in %SystemRoot%\system32\config\SysEvent.Evt, the System log in Windows' classic
//    format (rtl/event_log.h; tools/eventlog reads it).
// Module only; active in winedevice.exe processes.
#pragma once

namespace exports {

void install_crash_record();

}  // namespace exports
