// Formatting helpers the text report and the JSON report share (report_text.cpp, report_json.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nt/pool.h"

namespace ntoshost {

std::string hex(std::uint64_t v, int digits = 0);
std::string status_text(std::int32_t status);
std::string json_string(std::string_view s);
inline const char* pool_text(bool paged) { return paged ? "Paged" : "Nonp"; }
inline const char* pool_json(bool paged) { return paged ? "Paged" : "NonPaged"; }
using nt::pool_type_is_paged;

}  // namespace ntoshost
