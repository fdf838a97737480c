# Cross-compiling the PE module and its tests for x86_64 Windows with MinGW-w64.
set(NTOSKRNL_MINGW_CPU x86_64)
set(NTOSKRNL_ARCH x86_64)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-toolchain.cmake)
