# Cross-compiling the PE module and its tests for i386 Windows with MinGW-w64.
set(NTOSKRNL_MINGW_CPU i686)
set(NTOSKRNL_ARCH i386)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-toolchain.cmake)
