#include "mm/system_size.h"

#include <atomic>

#include "platform/platform.h"

namespace mm {
namespace {

constexpr std::uint64_t page_size = 4096;
constexpr std::uint64_t mb_pages(std::uint64_t mb) { return mb * 1024 * 1024 / page_size; }

bool equals_ignoring_case(std::u16string_view a, std::u16string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char16_t c) { return c >= u'A' && c <= u'Z' ? static_cast<char16_t>(c - u'A' + u'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

ProductType product_type_from_registry(std::u16string_view value) {
    if (equals_ignoring_case(value, u"LanmanNt")) return ProductType::lanman_nt;
    if (equals_ignoring_case(value, u"ServerNt")) return ProductType::server;
    return ProductType::win_nt;
}

bool is_server(ProductType product) { return product != ProductType::win_nt; }

nt::MM_SYSTEMSIZE system_size_for(std::uint64_t physical_pages, ProductType product) {
    nt::MM_SYSTEMSIZE size = physical_pages <= mb_pages(19) ? nt::MmSmallSystem : nt::MmMediumSystem;
    std::uint64_t large_from = is_server(product) ? mb_pages(64) : mb_pages(32);
    if (physical_pages >= large_from) size = nt::MmLargeSystem;
    return size;
}

const SystemSizeInfo& system_size_info() {
    // Benign race on first use: every thread computes the same answer from the same inputs, and
    // the first to publish wins. No lock, so this is callable at any emulated IRQL.
    static SystemSizeInfo computed;
    static std::atomic<int> state{0};   // 0 = not computed, 1 = being written, 2 = ready
    if (state.load(std::memory_order_acquire) == 2) return computed;

    char16_t buf[32];
    int n = platform::read_product_type(buf, sizeof(buf) / sizeof(buf[0]));
    ProductType product = n >= 0 ? product_type_from_registry(std::u16string_view(buf, static_cast<std::size_t>(n)))
                                 : ProductType::win_nt;
    std::uint64_t pages = platform::physical_memory_bytes() / page_size;
    SystemSizeInfo info{system_size_for(pages, product), product, pages};

    int expected = 0;
    if (state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
        computed = info;
        state.store(2, std::memory_order_release);
        return computed;
    }
    while (state.load(std::memory_order_acquire) != 2) {
        // Another thread is publishing the same value; it is a handful of stores away.
    }
    return computed;
}

}  // namespace mm
