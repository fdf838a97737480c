# Shared by toolchain-i686-w64-mingw32.cmake and toolchain-x86_64-w64-mingw32.cmake, which set
# NTOSKRNL_MINGW_CPU (i686 / x86_64) and NTOSKRNL_ARCH (Wine's name: i386 / x86_64) first.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ${NTOSKRNL_MINGW_CPU})
set(NTOSKRNL_ARCH ${NTOSKRNL_ARCH} CACHE STRING "Architecture of this PE build (Wine's name)")
set(triplet ${NTOSKRNL_MINGW_CPU}-w64-mingw32)

# The -win32 thread model links no winpthread DLL; the module must load on a bare prefix.
find_program(CMAKE_C_COMPILER NAMES ${triplet}-gcc-win32 ${triplet}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${triplet}-g++-win32 ${triplet}-g++ REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${triplet}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Test programs run under Wine: CTest prefixes every PE test command with this.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh;${NTOSKRNL_ARCH}")
