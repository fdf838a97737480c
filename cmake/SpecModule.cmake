# The two files a spec gives a PE module (spec/*.spec, Wine's syntax), for ntoskrnl.exe and hal.dll:
#
# spec_export_def(DEF SPEC MODULE [DELEGATE WINE_BUILTIN PRIVATE_DLL]): DEF, the module's export
#   table for this architecture (the project's specgen: undecorated names, i386 stdcall/fastcall
#   symbols), to add to its sources. With DELEGATE, every other export of Wine's builtin module is
#   forwarded to PRIVATE_DLL, the copy of that builtin the module loads (tools/specgen/delegation.h).
# spec_import_library(LIB SPEC MODULE TARGET): LIB, the import library drivers link against
#   (winebuild --implib, the field's reference tool), built by the custom target TARGET.
# spec_module_link_options(TARGET): how such a module links: no C++ runtime DLLs, no undefined
#   symbols, exact decorations (no stdcall fix-ups), NX and relocatable.
include_guard(GLOBAL)

function(spec_export_def def spec module)
    cmake_parse_arguments(S "" "" "DELEGATE" ${ARGN})
    get_filename_component(spec_name ${spec} NAME)
    set(delegate "")
    if(S_DELEGATE)
        list(GET S_DELEGATE 0 builtin)
        list(GET S_DELEGATE 1 private_dll)
        set(delegate --delegate ${builtin} --delegate-dll ${private_dll})
    endif()
    add_custom_command(OUTPUT ${def}
        COMMAND ${NTOSKRNL_SPECGEN} def --arch ${NTOSKRNL_ARCH} --module ${module} ${delegate} ${spec} ${def}
        DEPENDS ${spec} ${NTOSKRNL_SPECGEN} ${builtin}
        COMMENT "specgen: ${NTOSKRNL_ARCH} export table from ${spec_name}")
endfunction()

# wine_builtin_copy(VAR BUILTIN_NAME PRIVATE_NAME): the installed Wine's builtin PE module
#   BUILTIN_NAME (ntoskrnl.exe, hal.dll) of this architecture in VAR, and a build step that copies
#   it next to the module as PRIVATE_NAME (the module's forwarders name it), with a stamp of the
#   Wine it came from (bin/PRIVATE_NAME.wine: version and SHA-256) that tools/dropin.sh checks.
function(wine_builtin_copy var builtin_name private_name)
    set(dir_i386 /usr/lib/i386-linux-gnu/wine/i386-windows /usr/lib/wine/i386-windows /usr/local/lib/wine/i386-windows)
    set(dir_x86_64 /usr/lib/x86_64-linux-gnu/wine/x86_64-windows /usr/lib/wine/x86_64-windows /usr/local/lib/wine/x86_64-windows)
    find_file(builtin_${builtin_name} ${builtin_name} PATHS ${dir_${NTOSKRNL_ARCH}} NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH NO_CACHE)
    if(NOT builtin_${builtin_name})
        message(FATAL_ERROR "Wine's ${NTOSKRNL_ARCH} builtin ${builtin_name} was not found in ${dir_${NTOSKRNL_ARCH}}: "
                            "the module forwards what it does not implement to it (install wine64 / wine32:i386)")
    endif()
    set(${var} ${builtin_${builtin_name}} PARENT_SCOPE)
    set(copy ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/${private_name})
    add_custom_command(OUTPUT ${copy} ${copy}.wine
        COMMAND ${CMAKE_COMMAND} -E copy ${builtin_${builtin_name}} ${copy}
        COMMAND ${CMAKE_COMMAND} -DBUILTIN=${builtin_${builtin_name}} -DOUT=${copy}.wine
                -P ${PROJECT_SOURCE_DIR}/cmake/wine-builtin-stamp.cmake
        DEPENDS ${builtin_${builtin_name}} ${PROJECT_SOURCE_DIR}/cmake/wine-builtin-stamp.cmake
        COMMENT "Wine's ${NTOSKRNL_ARCH} ${builtin_name} as ${private_name}")
    add_custom_target(${private_name}_copy ALL DEPENDS ${copy} ${copy}.wine)
endfunction()

function(spec_import_library lib spec module target)
    get_filename_component(spec_name ${spec} NAME)
    get_filename_component(lib_name ${lib} NAME)
    add_custom_command(OUTPUT ${lib}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_ARCHIVE_OUTPUT_DIRECTORY}
        COMMAND ${NTOSKRNL_WINEBUILD} --implib -b ${NTOSKRNL_MINGW_CPU}-w64-mingw32 -F ${module} -E ${spec} -o ${lib}
        DEPENDS ${spec}
        COMMENT "winebuild: ${NTOSKRNL_ARCH} ${lib_name} from ${spec_name}")
    add_custom_target(${target} ALL DEPENDS ${lib})
endfunction()

function(spec_module_link_options target)
    target_link_options(${target} PRIVATE
        -static -static-libgcc -static-libstdc++   # no libstdc++/libgcc/winpthread DLLs
        -Wl,--no-undefined
        -Wl,--disable-stdcall-fixup                 # exports must match the spec's decoration exactly
        -Wl,--nxcompat -Wl,--dynamicbase)
endfunction()
