# ntoskrnl_add_driver_half(NAME SOURCES src... [HAL] [DEFINITIONS def...] [OPTIONS opt...])
# The "driver half" of a PE test or benchmark: a static library compiled the way driver code is,
# against the MinGW-w64 DDK headers, so its calls are a driver's imports (decorated as the DDK
# declares them on i386) resolved by the project's libntoskrnl.a. HAL: on i386 the DDK sends
# KeAcquireSpinLock & co. to hal.dll, so MinGW-w64's libhal.a is linked too. The program that
# links the library is ordinary user-mode code (windows.h) that calls into it.
include_guard(GLOBAL)
find_path(NTOSKRNL_DDK_INCLUDE_DIR ntddk.h PATH_SUFFIXES ddk REQUIRED)

function(ntoskrnl_add_driver_half name)
    cmake_parse_arguments(D "HAL" "" "SOURCES;DEFINITIONS;OPTIONS" ${ARGN})
    add_library(${name} STATIC ${D_SOURCES})
    target_include_directories(${name} PRIVATE ${NTOSKRNL_DDK_INCLUDE_DIR})
    target_compile_definitions(${name} PRIVATE ${D_DEFINITIONS})
    target_compile_options(${name} PRIVATE ${D_OPTIONS})
    target_link_libraries(${name} PUBLIC ntoskrnl_import)
    if(D_HAL AND NTOSKRNL_ARCH STREQUAL "i386")
        target_link_libraries(${name} PUBLIC hal)
    endif()
endfunction()
