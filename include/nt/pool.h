// Pool types, pool flag bits, POOL_FLAGS, EX_POOL_PRIORITY, POOL_EXTENDED_PARAMETER, MM_SYSTEMSIZE
// and the POOL_HEADER that precedes every small pool block, with Windows' names and values.
// Drivers pass these values in and may read the header in front of a block, so every number here
// is part of the binary interface and is pinned by a static_assert.
//
// Windows' names are kept even where the DDK spells them as macros (PROTECTED_POOL, PAGE_SIZE,
// ...): a translation unit that also includes <ddk/ntddk.h> must include this header first.
//
// Include guard rather than #pragma once: the header is also compiled on its own as a check.
#ifndef NT_POOL_H
#define NT_POOL_H

#include <cstdint>

#include "types.h"

namespace nt {

// ---------------------------------------------------------------------------------------------
// POOL_TYPE (windows-behavior.md 3.2). A C enum is int-sized on Windows; the fixed underlying type
// lets the module carry values with OR-ed flag bits (e.g. 0x201) without undefined behaviour.
enum POOL_TYPE : LONG {
  NonPagedPool = 0,
  NonPagedPoolExecute = NonPagedPool,
  PagedPool = 1,
  NonPagedPoolMustSucceed = 2,
  DontUseThisType = 3,
  NonPagedPoolCacheAligned = 4,
  PagedPoolCacheAligned = 5,
  NonPagedPoolCacheAlignedMustS = 6,
  MaxPoolType = 7,

  NonPagedPoolBase = 0,
  NonPagedPoolBaseMustSucceed = 2,
  NonPagedPoolBaseCacheAligned = 4,
  NonPagedPoolBaseCacheAlignedMustS = 6,

  NonPagedPoolSession = 32,
  PagedPoolSession = 33,
  NonPagedPoolMustSucceedSession = 34,
  DontUseThisTypeSession = 35,
  NonPagedPoolCacheAlignedSession = 36,
  PagedPoolCacheAlignedSession = 37,
  NonPagedPoolCacheAlignedMustSSession = 38,

  // Windows 8+ no-execute nonpaged pool.
  NonPagedPoolNx = 512,
  NonPagedPoolNxCacheAligned = 516,
  NonPagedPoolSessionNx = 544,
};
static_assert(sizeof(POOL_TYPE) == 4);

// The bits the POOL_TYPE values above are made of (windows-behavior.md 3.2): base 0..7 (paged 1,
// must-succeed 2, cache-aligned 4), session 0x20, no-execute 0x200.
inline constexpr ULONG POOL_TYPE_PAGED_BIT = 0x1;
inline constexpr ULONG POOL_TYPE_MUST_SUCCEED_BIT = 0x2;
inline constexpr ULONG POOL_TYPE_CACHE_ALIGNED_BIT = 0x4;
inline constexpr ULONG POOL_TYPE_BASE_MASK = 0x7;
inline constexpr ULONG POOL_TYPE_SESSION_BIT = 0x20;

// Decoding a POOL_TYPE: the one reading the module, the driver host and poolmon share. The base
// kind is bits 0-2; the other bits (session, NX, and the request modifiers below) never change it.
// Odd kinds are paged, except DontUseThisType (3), which names no paged pool.
constexpr ULONG pool_type_base(ULONG pool_type) { return pool_type & POOL_TYPE_BASE_MASK; }
constexpr bool pool_type_is_paged(ULONG pool_type) {
  return (pool_type_base(pool_type) & POOL_TYPE_PAGED_BIT) != 0 && pool_type_base(pool_type) != DontUseThisType;
}
constexpr bool pool_type_must_succeed(ULONG pool_type) {
  return pool_type_base(pool_type) == NonPagedPoolMustSucceed || pool_type_base(pool_type) == NonPagedPoolCacheAlignedMustS;
}
constexpr bool pool_type_cache_aligned(ULONG pool_type) { return (pool_type & POOL_TYPE_CACHE_ALIGNED_BIT) != 0; }
constexpr bool pool_type_session(ULONG pool_type) { return (pool_type & POOL_TYPE_SESSION_BIT) != 0; }
static_assert(!pool_type_is_paged(DontUseThisType) && pool_type_is_paged(PagedPoolCacheAlignedSession) &&
              !pool_type_is_paged(NonPagedPoolNx) && pool_type_must_succeed(NonPagedPoolMustSucceedSession));

// The highest IRQL a pool block may be allocated or freed at: APC_LEVEL (1) for paged pool,
// DISPATCH_LEVEL (2) for nonpaged (windows-behavior.md 3.1).
constexpr KIRQL pool_max_irql(bool paged) { return paged ? 1 : 2; }

// Bits a caller may OR into a POOL_TYPE argument (windows-behavior.md 3.2, 4.7).
inline constexpr ULONG POOL_QUOTA_FAIL_INSTEAD_OF_RAISE = 0x8;
inline constexpr ULONG POOL_RAISE_IF_ALLOCATION_FAILURE = 0x10;
inline constexpr ULONG POOL_COLD_ALLOCATION = 0x100;  // advisory only
inline constexpr ULONG POOL_NX_ALLOCATION = 0x200;    // Windows 8+; absent from mingw-w64 10

// High tag bit: such a block may only be freed with ExFreePoolWithTag and the same tag
// (windows-behavior.md 3.1, 4.7).
inline constexpr ULONG PROTECTED_POOL = 0x80000000u;

// ---------------------------------------------------------------------------------------------
// POOL_FLAGS for ExAllocatePool2/3 (windows-behavior.md 3.2). The low 32 bits are required flags
// (unknown ones fail the call), the high 32 bits optional ones (unknown ones are ignored).
using POOL_FLAGS = ULONG64;

inline constexpr POOL_FLAGS POOL_FLAG_REQUIRED_START = 0x0000000000000001ull;
inline constexpr POOL_FLAGS POOL_FLAG_USE_QUOTA = 0x0000000000000001ull;
inline constexpr POOL_FLAGS POOL_FLAG_UNINITIALIZED = 0x0000000000000002ull;
inline constexpr POOL_FLAGS POOL_FLAG_SESSION = 0x0000000000000004ull;
inline constexpr POOL_FLAGS POOL_FLAG_CACHE_ALIGNED = 0x0000000000000008ull;
inline constexpr POOL_FLAGS POOL_FLAG_RESERVED1 = 0x0000000000000010ull;
inline constexpr POOL_FLAGS POOL_FLAG_RAISE_ON_FAILURE = 0x0000000000000020ull;
inline constexpr POOL_FLAGS POOL_FLAG_NON_PAGED = 0x0000000000000040ull;  // NX
inline constexpr POOL_FLAGS POOL_FLAG_NON_PAGED_EXECUTE = 0x0000000000000080ull;
inline constexpr POOL_FLAGS POOL_FLAG_PAGED = 0x0000000000000100ull;
inline constexpr POOL_FLAGS POOL_FLAG_RESERVED2 = 0x0000000000000200ull;
inline constexpr POOL_FLAGS POOL_FLAG_RESERVED3 = 0x0000000000000400ull;
inline constexpr POOL_FLAGS POOL_FLAG_LAST_KNOWN_REQUIRED = POOL_FLAG_RESERVED3;
inline constexpr POOL_FLAGS POOL_FLAG_REQUIRED_END = 0x0000000080000000ull;
inline constexpr POOL_FLAGS POOL_FLAG_OPTIONAL_START = 0x0000000100000000ull;
inline constexpr POOL_FLAGS POOL_FLAG_SPECIAL_POOL = 0x0000000100000000ull;
inline constexpr POOL_FLAGS POOL_FLAG_OPTIONAL_END = 0x8000000000000000ull;

static_assert(POOL_FLAG_REQUIRED_START == POOL_FLAG_USE_QUOTA);
static_assert(POOL_FLAG_OPTIONAL_START == POOL_FLAG_SPECIAL_POOL);
static_assert(POOL_FLAG_REQUIRED_END << 1 == POOL_FLAG_OPTIONAL_START);

// ---------------------------------------------------------------------------------------------
// EX_POOL_PRIORITY for ExAllocatePoolWithTagPriority and Pool3's priority parameter
// (windows-behavior.md 3.2).
enum EX_POOL_PRIORITY : LONG {
  LowPoolPriority = 0,
  LowPoolPrioritySpecialPoolOverrun = 8,
  LowPoolPrioritySpecialPoolUnderrun = 9,
  NormalPoolPriority = 16,
  NormalPoolPrioritySpecialPoolOverrun = 24,
  NormalPoolPrioritySpecialPoolUnderrun = 25,
  HighPoolPriority = 32,
  HighPoolPrioritySpecialPoolOverrun = 40,
  HighPoolPrioritySpecialPoolUnderrun = 41,
};
static_assert(sizeof(EX_POOL_PRIORITY) == 4);

// ---------------------------------------------------------------------------------------------
// POOL_EXTENDED_PARAMETER for ExAllocatePool3 (windows-behavior.md 3.2): 16 bytes on both
// architectures. The Type values are not in the reference; they are Microsoft's documented
// POOL_EXTENDED_PARAMETER_TYPE enumeration (learn.microsoft.com, wdm.h, Windows 10 2004+).
enum POOL_EXTENDED_PARAMETER_TYPE : LONG {
  PoolExtendedParameterInvalidType = 0,
  PoolExtendedParameterPriority = 1,
  PoolExtendedParameterSecurePool = 2,
  PoolExtendedParameterNumaNode = 3,
  PoolExtendedParameterMax = 4,
};

inline constexpr unsigned POOL_EXTENDED_PARAMETER_TYPE_BITS = 8;
inline constexpr unsigned POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS = 1;
inline constexpr unsigned POOL_EXTENDED_PARAMETER_RESERVED_BITS = 55;
static_assert(POOL_EXTENDED_PARAMETER_TYPE_BITS + POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS +
                  POOL_EXTENDED_PARAMETER_RESERVED_BITS ==
              64);

// Bit-fields of one 64-bit type fill a single 64-bit unit from bit 0 up under both the GCC and
// the MS (-mms-bitfields) layout rules, so Type is bits 0-7 and Optional bit 8 everywhere; the
// check below proves it for the compiler at hand.
struct POOL_EXTENDED_PARAMETER {
  ULONG64 Type : POOL_EXTENDED_PARAMETER_TYPE_BITS;  // POOL_EXTENDED_PARAMETER_TYPE
  ULONG64 Optional : POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS;  // 1: ignore if unknown
  ULONG64 Reserved : POOL_EXTENDED_PARAMETER_RESERVED_BITS;
  union {
    ULONG64 Reserved2;
    PVOID Reserved3;
    EX_POOL_PRIORITY Priority;
    PVOID SecurePoolParams;  // POOL_EXTENDED_PARAMS_SECURE_POOL*, opaque to us
    ULONG PreferredNode;     // POOL_NODE_REQUIREMENT
  };
};
static_assert(sizeof(POOL_EXTENDED_PARAMETER) == 16);
static_assert(alignof(POOL_EXTENDED_PARAMETER) == 8);
static_assert(offsetof(POOL_EXTENDED_PARAMETER, Reserved2) == 8);
static_assert(offsetof(POOL_EXTENDED_PARAMETER, Priority) == 8);
static_assert(offsetof(POOL_EXTENDED_PARAMETER, PreferredNode) == 8);

namespace detail {
// Same bit-field sequence as the first quadword of POOL_EXTENDED_PARAMETER, without the union, so
// that std::bit_cast can show where the compiler put the bits.
struct pool_extended_parameter_bits {
  ULONG64 Type : POOL_EXTENDED_PARAMETER_TYPE_BITS;
  ULONG64 Optional : POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS;
  ULONG64 Reserved : POOL_EXTENDED_PARAMETER_RESERVED_BITS;
};
#if !defined(__clang__)  // clang cannot yet bit_cast bit-fields in constant expressions
static_assert(__builtin_bit_cast(ULONG64, (pool_extended_parameter_bits{0x5A, 1, 0})) == 0x15Aull);
#endif
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// MM_SYSTEMSIZE returned by MmQuerySystemSize (windows-behavior.md 3.8, 4.7).
enum MM_SYSTEMSIZE : LONG {
  MmSmallSystem = 0,
  MmMediumSystem = 1,
  MmLargeSystem = 2,
};
static_assert(sizeof(MM_SYSTEMSIZE) == 4);

// ---------------------------------------------------------------------------------------------
// Page and pool-block geometry (windows-behavior.md 3.1, 4.6).
inline constexpr ULONG PAGE_SHIFT = 12;
inline constexpr SIZE_T PAGE_SIZE = SIZE_T{1} << PAGE_SHIFT;
static_assert(PAGE_SIZE == 4096);

// POOL_HEADER (windows-behavior.md 4.6): precedes every small (sub-page) block; drivers and tests
// read ((POOL_HEADER*)p - 1)->PoolTag. The packed size/type word is kept as the raw ULONG Ulong1
// (the name of the union member that overlays the bit-fields in Windows' symbols) with explicit
// accessors, because the x86 9/7-bit split must not depend on any compiler's bit-field rules.
//
//   x86 (XP .. 10), 8 bytes:  Ulong1 bits 0-8 PreviousSize, 9-15 PoolIndex,
//                             16-24 BlockSize, 25-31 PoolType;   @4 PoolTag
//   x64 (2003 .. 11), 16 bytes: byte 0 PreviousSize, byte 1 PoolIndex, byte 2 BlockSize,
//                             byte 3 PoolType (= Ulong1 bits 0-7/8-15/16-23/24-31);
//                             @4 PoolTag; @8 ProcessBilled (EPROCESS*; Windows unions it with
//                             USHORT AllocatorBackTraceIndex @8 and PoolTagHash @10)
// PreviousSize and BlockSize count POOL_BLOCK_SIZE units. PoolType holds (internal type + 1) and
// is 0 for a free block (windows-behavior.md 3.2).
struct POOL_HEADER {
  ULONG Ulong1;
  ULONG PoolTag;
#if UINTPTR_MAX > 0xFFFFFFFFu
  PVOID ProcessBilled;
#endif

  // Width of the PreviousSize and BlockSize fields; PoolIndex and PoolType get the rest of
  // their 16-bit half.
  static constexpr unsigned size_bits = is_64bit ? 8 : 9;
  static constexpr unsigned index_bits = 16 - size_bits;
  static constexpr ULONG size_mask = (1u << size_bits) - 1;
  static constexpr ULONG index_mask = (1u << index_bits) - 1;
  static constexpr unsigned previous_size_shift = 0;
  static constexpr unsigned pool_index_shift = size_bits;
  static constexpr unsigned block_size_shift = 16;
  static constexpr unsigned pool_type_shift = 16 + size_bits;

  static constexpr ULONG make_ulong1(ULONG previous_size, ULONG pool_index, ULONG block_size,
                                     ULONG pool_type) {
    return ((previous_size & size_mask) << previous_size_shift) |
           ((pool_index & index_mask) << pool_index_shift) |
           ((block_size & size_mask) << block_size_shift) |
           ((pool_type & index_mask) << pool_type_shift);
  }

  constexpr ULONG previous_size() const { return (Ulong1 >> previous_size_shift) & size_mask; }
  constexpr ULONG pool_index() const { return (Ulong1 >> pool_index_shift) & index_mask; }
  constexpr ULONG block_size() const { return (Ulong1 >> block_size_shift) & size_mask; }
  constexpr ULONG pool_type() const { return (Ulong1 >> pool_type_shift) & index_mask; }

  constexpr void set_previous_size(ULONG v) { set(previous_size_shift, size_mask, v); }
  constexpr void set_pool_index(ULONG v) { set(pool_index_shift, index_mask, v); }
  constexpr void set_block_size(ULONG v) { set(block_size_shift, size_mask, v); }
  constexpr void set_pool_type(ULONG v) { set(pool_type_shift, index_mask, v); }

 private:
  constexpr void set(unsigned shift, ULONG mask, ULONG v) {
    Ulong1 = (Ulong1 & ~(mask << shift)) | ((v & mask) << shift);
  }
};
using PPOOL_HEADER = POOL_HEADER*;

static_assert(sizeof(POOL_HEADER) == (is_64bit ? 16 : 8));
static_assert(alignof(POOL_HEADER) == (is_64bit ? 8 : 4));
static_assert(offsetof(POOL_HEADER, Ulong1) == 0);
static_assert(offsetof(POOL_HEADER, PoolTag) == 4);
#if UINTPTR_MAX > 0xFFFFFFFFu
static_assert(offsetof(POOL_HEADER, ProcessBilled) == 8);
#endif

// Bit positions of the packed word, per architecture (4.6).
static_assert(is_64bit ? POOL_HEADER::make_ulong1(0x11, 0x22, 0x33, 0x44) == 0x44332211u
                       : POOL_HEADER::make_ulong1(0x1FF, 0, 0, 0) == 0x000001FFu &&
                             POOL_HEADER::make_ulong1(0, 0x7F, 0, 0) == 0x0000FE00u &&
                             POOL_HEADER::make_ulong1(0, 0, 0x1FF, 0) == 0x01FF0000u &&
                             POOL_HEADER::make_ulong1(0, 0, 0, 0x7F) == 0xFE000000u);
static_assert([] {
  POOL_HEADER h{};
  h.set_previous_size(3);
  h.set_pool_index(5);
  h.set_block_size(0xFF);
  h.set_pool_type(0x7F);
  h.set_pool_index(1);
  return h.previous_size() == 3 && h.pool_index() == 1 && h.block_size() == 0xFF &&
         h.pool_type() == 0x7F;
}());

// Allocation granularity and header size (8 on x86, 16 on x64; 3.1).
inline constexpr SIZE_T POOL_BLOCK_SIZE = sizeof(POOL_HEADER);
static_assert(POOL_BLOCK_SIZE == (is_64bit ? 16 : 8));

// Largest request still served as a small block with a POOL_HEADER in front; one byte more gives
// a page-aligned block without header (3.1: PAGE_SIZE - 4*sizeof(PVOID), which equals
// PAGE_SIZE - (sizeof(POOL_HEADER) + POOL_BLOCK_SIZE)).
inline constexpr SIZE_T POOL_SMALL_ALLOCATION_MAX = PAGE_SIZE - 4 * sizeof(void*);
static_assert(POOL_SMALL_ALLOCATION_MAX == (is_64bit ? 4064 : 4080));
static_assert(POOL_SMALL_ALLOCATION_MAX == PAGE_SIZE - (sizeof(POOL_HEADER) + POOL_BLOCK_SIZE));
// The largest small block (header included) must fit the BlockSize field.
static_assert((POOL_SMALL_ALLOCATION_MAX + sizeof(POOL_HEADER)) / POOL_BLOCK_SIZE <=
              POOL_HEADER::size_mask);

}  // namespace nt

#endif  // NT_POOL_H
