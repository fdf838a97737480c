# Drives one PE sub-build per architecture (this source tree again, with a MinGW-w64 toolchain)
# and folds their tests into this build's CTest run.
include(ExternalProject)

set(NTOSKRNL_PE_ARCHS i386 x86_64)
set(NTOSKRNL_PE_TRIPLET_i386 i686-w64-mingw32)
set(NTOSKRNL_PE_TRIPLET_x86_64 x86_64-w64-mingw32)

find_program(NTOSKRNL_WINEBUILD winebuild REQUIRED)

set(pe_test_dirs "")
foreach(arch IN LISTS NTOSKRNL_PE_ARCHS)
    set(triplet ${NTOSKRNL_PE_TRIPLET_${arch}})
    set(bin ${CMAKE_BINARY_DIR}/pe-${arch})
    set(NTOSKRNL_PE_BINARY_DIR_${arch} ${bin})
    ExternalProject_Add(pe-${arch}
        SOURCE_DIR ${PROJECT_SOURCE_DIR}
        BINARY_DIR ${bin}
        CMAKE_ARGS
            -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-${triplet}.cmake
            -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
            -DNTOSKRNL_SPECGEN=$<TARGET_FILE:specgen>
            -DNTOSKRNL_PE_CRAFT=$<TARGET_FILE:pe-craft>
            -DNTOSKRNL_HOST_EVENTLOG=$<TARGET_FILE:eventlog>
            -DNTOSKRNL_WINEBUILD=${NTOSKRNL_WINEBUILD}
        BUILD_ALWAYS ON
        INSTALL_COMMAND ""
        DEPENDS specgen pe-craft eventlog
        USES_TERMINAL_CONFIGURE ON
        USES_TERMINAL_BUILD ON)
    list(APPEND pe_test_dirs "\"${bin}\"")
    # `cmake --install` of the host build lays out <prefix>/<arch>-windows/ like Wine does.
    install(CODE "execute_process(COMMAND \"${CMAKE_COMMAND}\" --install \"${bin}\" --prefix \"\${CMAKE_INSTALL_PREFIX}\" COMMAND_ERROR_IS_FATAL ANY)")
endforeach()

# CTest reads this file when it runs here and descends into the sub-builds' test lists.
list(JOIN pe_test_dirs " " pe_test_dirs)
file(WRITE ${CMAKE_BINARY_DIR}/pe-tests.cmake "subdirs(${pe_test_dirs})\n")
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${CMAKE_BINARY_DIR}/pe-tests.cmake)
