// MmQuerySystemSize / MmIsThisAnNtAsSystem: the size class and product type the memory manager
// decides once at initialisation. Reference: windows-behavior.md 3.8.
#pragma once

#include <cstdint>
#include <string_view>

#include "nt/pool.h"

namespace mm {

// NT_PRODUCT_TYPE as RtlGetNtProductType reports it: WinNt 1, LanManNt 2, Server 3.
enum class ProductType : nt::ULONG { win_nt = 1, lanman_nt = 2, server = 3 };

// Maps the registry's ProductType string ("WinNt", "LanmanNt", "ServerNt"; compared without
// regard to case, Wine writes "WinNT") to the product type. Anything else, or no value at all,
// counts as a workstation, which is what Windows assumes when the value is missing.
ProductType product_type_from_registry(std::u16string_view value);

// The size class for a machine with this many 4 KiB physical pages.
// Thresholds (ReactOS mminit.c, the only published ones; Microsoft documents none):
//   <= 19 MB -> small (ReactOS splits <= 13 MB and <= 19 MB only to size caches), else medium;
//   then >= 32 MB -> large for a workstation, >= 64 MB for a server.
nt::MM_SYSTEMSIZE system_size_for(std::uint64_t physical_pages, ProductType product);

// TRUE for the two server product types (MSDN: "TRUE if the system is a server").
bool is_server(ProductType product);

struct SystemSizeInfo {
    nt::MM_SYSTEMSIZE size;
    ProductType product;
    std::uint64_t physical_pages;
};

// Computes the answer from the platform (physical memory, registry) on first use and returns the
// same answer ever after, from any thread. The module also calls it at load time.
const SystemSizeInfo& system_size_info();

}  // namespace mm
