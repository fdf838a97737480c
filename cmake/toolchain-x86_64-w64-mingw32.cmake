# Cross-compiling the PE module and its tests for x86_64 Windows with MinGW-w64.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NTOSKRNL_ARCH x86_64 CACHE STRING "Architecture of this PE build (Wine's name)")

# The -win32 thread model links no winpthread DLL; the module must load on a bare prefix.
foreach(lang_tool C:gcc CXX:g++)
    string(REPLACE ":" ";" pair "${lang_tool}")
    list(GET pair 0 lang)
    list(GET pair 1 tool)
    find_program(NTOSKRNL_${lang}_COMPILER NAMES x86_64-w64-mingw32-${tool}-win32 x86_64-w64-mingw32-${tool} REQUIRED)
    set(CMAKE_${lang}_COMPILER "${NTOSKRNL_${lang}_COMPILER}")
endforeach()
find_program(CMAKE_RC_COMPILER NAMES x86_64-w64-mingw32-windres)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Test programs run under Wine: CTest prefixes every PE test command with this.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh;x86_64")
