// Module initialisation. The module is a Windows-subsystem DLL importing only system DLLs, so
// Wine runs its DllMain like any DLL's (a native-subsystem image importing no system DLL would be
// treated as a driver and get no DllMain).
#include <windows.h>

#include "ex/pool.h"
#include "exports/crash_record.h"
#include "ke/cr8_emulation.h"
#include "ke/irql.h"
#include "exports/data_exports.h"
#include "vf/verifier.h"
#include "mm/system_size.h"
#include "ps/quota.h"
#include "platform/image_notify.h"
#include "platform/platform.h"
#include "platform/poolmon_server.h"
#include "platform/wine_builtin.h"

extern "C" BOOL WINAPI DllMain(HINSTANCE, DWORD reason, LPVOID) {
    switch (reason) {
    case DLL_PROCESS_ATTACH:
#if defined(__i386__)
        // First: everything after may check the IRQL. hal.dll (imported) is initialised already.
        ke::bind_hal_irql();
#endif
        // The data exports that describe the machine (KeNumberProcessors, the Mm address limits,
        // the Nls code pages), before any driver can read them.
        exports::initialize_data_exports();
        // Phase-1 style initialisation: Mm decides its size class once, at boot.
        mm::system_size_info();
        // Pool quota limits, read from the registry at boot as Windows reads them.
        ps::initialize_limits();
        // Wine's builtin as the other half of the kernel (platform/wine_builtin.h): before the
        // fault handlers, so that the module's own handlers are called before Wine's.
        if (!platform::join_wine_builtin())
            platform::write_stderr(
                "ntoskrnl.exe: warning: wine_ntoskrnl.dll (Wine's builtin ntoskrnl.exe, which serves the routines "
                "the project does not implement) is not next to the module; those routines cannot be bound.\n");
        // Before any driver can pop an SList: the pop hazard's fault handler (ex/slist.h); and
        // before any driver touches CR8 (x86_64): ke's emulation of it.
        platform::install_instruction_fault_handler(&ke::cr8::emulate_fault);
        platform::install_fault_handlers();
        // Wine's builtin's DllMain may run after this one and put its handler first; before each
        // driver image runs, the module's takes first place again (its CR8 emulation is the IRQL).
        platform::add_image_observer([](const platform::ImageEvent& e) {
            if (e.loaded && platform::is_driver_image(e.base_name)) platform::keep_fault_handlers_first();
        });
        // The verifier switch (NTOSKRNL_VERIFIER) is read once, now; the per-driver settings
        // (VerifyDrivers) at each driver load.
        vf::enabled();
        vf::install_driver_verifier();
        // In winedevice.exe a bug check leaves a Minidump report and an event log record.
        exports::install_crash_record();
        // In winedevice.exe only: the pipe poolmon.exe reads this process's pool through.
        platform::start_poolmon_server();
        break;
    case DLL_THREAD_DETACH:
        // A thread that used the pool leaves its heap to the next thread that needs one.
        ex::pool::thread_exit();
        break;
    }
    return TRUE;
}
