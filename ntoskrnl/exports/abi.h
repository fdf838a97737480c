// The export layer's one addition to nt/types.h: every export is C-linkage, listed in
// spec/ntoskrnl.exe.spec, and declared NT_API (stdcall on i386) or NT_FASTCALL as the spec says.
#pragma once

#include "nt/types.h"

#define NT_EXPORT extern "C"
