/*
 * Reads a loaded image's import table at run time, so a test can see where the loader bound an
 * import and which module that address belongs to: the proof that a driver-style import of
 * ntoskrnl.exe reached the project's module and not Wine's builtin one.
 */
#ifndef NTOSKRNL_TESTS_PE_IMPORTS_H
#define NTOSKRNL_TESTS_PE_IMPORTS_H

#include <windows.h>

/* Address bound to `dll`!`name` in the import address table of `image`, or NULL. */
static void *pe_bound_import(HMODULE image, const char *dll, const char *name)
{
    BYTE *base = (BYTE *)image;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *imp;

    if (!dir.VirtualAddress) return NULL;
    for (imp = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); imp->Name; imp++)
    {
        IMAGE_THUNK_DATA *names, *bound;
        if (lstrcmpiA((const char *)(base + imp->Name), dll)) continue;
        names = (IMAGE_THUNK_DATA *)(base + (imp->OriginalFirstThunk ? imp->OriginalFirstThunk : imp->FirstThunk));
        bound = (IMAGE_THUNK_DATA *)(base + imp->FirstThunk);
        for (; names->u1.AddressOfData; names++, bound++)
        {
            IMAGE_IMPORT_BY_NAME *by_name;
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            by_name = (IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData);
            if (!strcmp((const char *)by_name->Name, name)) return (void *)bound->u1.Function;
        }
    }
    return NULL;
}

/* Whether `addr` lies inside the image mapped at `module`. */
static BOOL pe_contains(HMODULE module, const void *addr)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    return (const BYTE *)addr >= base && (const BYTE *)addr < base + nt->OptionalHeader.SizeOfImage;
}

/* Wine marks its own PE modules with this string right after the DOS header. */
static BOOL pe_is_wine_builtin(HMODULE module)
{
    return !memcmp((const BYTE *)module + sizeof(IMAGE_DOS_HEADER), "Wine builtin DLL", 16);
}

#endif
