/*
 * The place itself: the launcher ran the driver where it says (Parameters\Place), with the
 * ntoskrnl.exe that place means: under Wine, Wine's builtin for "builtin" and the project's module
 * for "dropin" and "host" (a builtin image carries "Wine builtin DLL" after its DOS header).
 */
#include "kmode_run.h"

static int same(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

void kmtest_group_place(void)
{
    const char *place = kmtest_place();
    trace("place %s\n", place);
    if (!winetest_platform_is_wine())
    {
        ok(same(place, "windows") || !same(place, "builtin"), "place %s on Windows\n", place);
        return;
    }
    ok(!same(place, "windows"), "place \"windows\" under Wine\n");
    ok(kmtest_kernel_is_wine_builtin() == same(place, "builtin"), "place %s, ntoskrnl.exe is %s\n", place,
       kmtest_kernel_is_wine_builtin() ? "Wine's builtin" : "not Wine's builtin");
}
