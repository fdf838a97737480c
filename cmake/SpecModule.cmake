# The two files a spec gives a PE module (spec/*.spec, Wine's syntax), for ntoskrnl.exe and hal.dll:
#
# spec_export_def(DEF SPEC MODULE): DEF, the module's export table for this architecture (the
#   project's specgen: undecorated names, i386 stdcall/fastcall symbols), to add to its sources.
# spec_import_library(LIB SPEC MODULE TARGET): LIB, the import library drivers link against
#   (winebuild --implib, the field's reference tool), built by the custom target TARGET.
# spec_module_link_options(TARGET): how such a module links: no C++ runtime DLLs, no undefined
#   symbols, exact decorations (no stdcall fix-ups), NX and relocatable.
include_guard(GLOBAL)

function(spec_export_def def spec module)
    get_filename_component(spec_name ${spec} NAME)
    add_custom_command(OUTPUT ${def}
        COMMAND ${NTOSKRNL_SPECGEN} def --arch ${NTOSKRNL_ARCH} --module ${module} ${spec} ${def}
        DEPENDS ${spec} ${NTOSKRNL_SPECGEN}
        COMMENT "specgen: ${NTOSKRNL_ARCH} export table from ${spec_name}")
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
