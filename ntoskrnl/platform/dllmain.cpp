// Module initialisation. The module is a Windows-subsystem DLL importing only system DLLs, so
// Wine runs its DllMain like any DLL's (a native-subsystem image importing no system DLL would be
// treated as a driver and get no DllMain).
#include <windows.h>

#include "mm/system_size.h"

extern "C" BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(instance);
        // Phase-1 style initialisation: Mm decides its size class once, at boot.
        mm::system_size_info();
    }
    return TRUE;
}
