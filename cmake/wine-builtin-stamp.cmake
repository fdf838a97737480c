# cmake -DBUILTIN=FILE -DOUT=STAMP -P wine-builtin-stamp.cmake
# Writes what the module's forwarders were generated from: the Wine builtin's path, SHA-256 and
# the Wine version. tools/dropin.sh refuses a prefix whose Wine builtin differs from it.
file(SHA256 ${BUILTIN} sha)
find_program(wine_loader NAMES wine64 wine PATHS /usr/lib/wine NO_DEFAULT_PATH)
if(NOT wine_loader)
    find_program(wine_loader NAMES wine64 wine)
endif()
set(version unknown)
if(wine_loader)
    execute_process(COMMAND ${wine_loader} --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        set(version unknown)
    endif()
endif()
file(WRITE ${OUT} "builtin=${BUILTIN}\nsha256=${sha}\nwine=${version}\n")
