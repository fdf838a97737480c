// Formatting helpers the text report and the JSON report share (report_text.cpp, report_json.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ntoshost {

std::string hex(std::uint64_t v, int digits = 0);
std::string status_text(std::int32_t status);
std::string json_string(std::string_view s);
inline const char* pool_text(bool paged) { return paged ? "Paged" : "Nonp"; }
inline const char* pool_json(bool paged) { return paged ? "Paged" : "NonPaged"; }
// POOL_TYPE's base kind (bits 0-2): odd ones other than NonPagedPoolMustSucceed+1 are paged.
inline bool pool_type_is_paged(std::uint32_t pool_type) {
    const std::uint32_t base = pool_type & 0x7;
    return (base & 1) != 0 && base != 3;
}

}  // namespace ntoshost
