// Sequenced singly linked lists (SLists): the lock-free LIFO under lookaside lists and the
// InterlockedPush/Pop/FlushSList exports. Headers are Windows' (windows-behavior.md 4.2, the
// helpers in nt/layouts.h): i386 {Next, Depth, Sequence} swapped whole with cmpxchg8b; x86_64 the
// Windows 8.1+ HeaderX64 encoding swapped with cmpxchg16b. Drivers run inline header code on the
// same headers (ExQueryDepthSList reads Depth directly on i386), so only this encoding is used.
//
// Sequence rules (windows-behavior.md 3.9, ReactOS kmtest ExSequencedList): push adds 1 to
// Sequence and Depth; pop subtracts 1 from Depth and keeps Sequence; flush zeroes Next and Depth
// and keeps Sequence; pop and flush of an empty list leave the header untouched. ABA safety: an
// entry can only come back to the head by a push, which changes the Sequence, so a pop that read
// a stale {first, first->Next} pair fails its compare-exchange (x64 has 48 Sequence bits).
//
// The classic pop hazard: between reading the head and the compare-exchange, another thread may
// pop the same entry and free it, and the memory may be gone (our pool decommits trimmed pages,
// big blocks are decommitted at free, a driver may release its own memory). Windows resumes a pop
// that faults there from the start. The module does the same: the read of first->Next goes
// through platform::read_pointer_guarded, which reports a fault instead of taking it (a vectored
// handler in the PE module, platform/win32.cpp); the pop then retries, its header snapshot being
// stale since the entry was popped in between. If the header has not changed, the entry is bad
// memory the driver pushed, and the pop takes the fault.
#pragma once

#include <atomic>
#include <cstdint>

#include "nt/layouts.h"
#include "platform/platform.h"

namespace ex::slist {

using nt::SLIST_ENTRY;
using nt::SLIST_HEADER;
using nt::USHORT;

// One decoded header value.
struct State {
    std::uintptr_t next;
    USHORT depth;
    std::uint64_t sequence;   // 16 bits used on i386, 48 on x86_64
};

#if NT_LAYOUT_64
using Raw = unsigned __int128;
inline Raw encode(const State& s) {
    return Raw{nt::slist::make_alignment(s.depth, s.sequence)} | (Raw{nt::slist::make_region(s.next)} << 64);
}
inline State decode(Raw r) {
    SLIST_HEADER h{static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(r >> 64)};
    return {nt::slist::next_address(h), nt::slist::depth(h), nt::slist::sequence(h)};
}
// Two acquire loads (the entry's Next is read after them). A torn pair can only make the
// compare-exchange fail: it compares both quadwords against memory.
inline Raw load(const SLIST_HEADER* h) {
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer does not pair the 8-byte acquires of the halves with the 16-byte
    // compare-exchange (it reported a pop's read of Next racing with the block's allocation),
    // so under it the header is loaded whole.
    return __atomic_load_n(reinterpret_cast<const Raw*>(h), __ATOMIC_ACQUIRE);
#else
    auto* words = reinterpret_cast<const std::uint64_t*>(h);
    std::uint64_t lo = __atomic_load_n(&words[0], __ATOMIC_ACQUIRE);
    std::uint64_t hi = __atomic_load_n(&words[1], __ATOMIC_ACQUIRE);
    return Raw{lo} | (Raw{hi} << 64);
#endif
}
#else
using Raw = std::uint64_t;
inline Raw encode(const State& s) {
    return nt::slist::make_alignment(s.next, s.depth, static_cast<USHORT>(s.sequence));
}
inline State decode(Raw r) {
    SLIST_HEADER h;
    h.Alignment = r;
    return {nt::slist::next_address(h), nt::slist::depth(h), nt::slist::sequence(h)};
}
// Two 32-bit loads rather than one 64-bit atomic load (which i386 GCC does through the x87 unit).
inline Raw load(const SLIST_HEADER* h) {
    auto* words = reinterpret_cast<const std::uint32_t*>(h);
    std::uint32_t lo = __atomic_load_n(&words[0], __ATOMIC_ACQUIRE);
    std::uint32_t hi = __atomic_load_n(&words[1], __ATOMIC_ACQUIRE);
    return Raw{lo} | (Raw{hi} << 32);
}
#endif

// cmpxchg16b / cmpxchg8b (GCC inlines the __sync form for both with -mcx16 / i586+).
inline bool compare_exchange(SLIST_HEADER* h, Raw expected, Raw desired) {
    return __sync_bool_compare_and_swap(reinterpret_cast<Raw*>(h), expected, desired);
}

// Entries' Next words are written by the pushing thread and may be read by a popping thread that
// lost a race; the accesses are atomic so that this benign race is defined behaviour.
inline void set_next(SLIST_ENTRY* e, std::uintptr_t next) {
    __atomic_store_n(reinterpret_cast<std::uintptr_t*>(&e->Next), next, __ATOMIC_RELAXED);
}

inline void initialize(SLIST_HEADER* h) {
    auto* words = reinterpret_cast<std::uintptr_t*>(h);
    for (std::size_t i = 0; i < sizeof(SLIST_HEADER) / sizeof(std::uintptr_t); ++i)
        __atomic_store_n(&words[i], 0, __ATOMIC_RELAXED);
}

// Depth alone is one 16-bit word (low word of the first quadword on x64, offset 4 on i386), which
// the lookaside free path reads on every call, as the header inlines do.
inline USHORT depth(const SLIST_HEADER* h) {
    return __atomic_load_n(reinterpret_cast<const USHORT*>(reinterpret_cast<const char*>(h) + (NT_LAYOUT_64 ? 0 : 4)),
                           __ATOMIC_RELAXED);
}
inline SLIST_ENTRY* first(const SLIST_HEADER* h) { return reinterpret_cast<SLIST_ENTRY*>(decode(load(h)).next); }

// Pushes `entry`; returns the previous first entry (nullptr if the list was empty).
#if NT_LAYOUT_64
inline SLIST_ENTRY* push(SLIST_HEADER* h, SLIST_ENTRY* entry) {
    for (;;) {
        Raw old = load(h);
        State s = decode(old);
        set_next(entry, s.next);
        State n{reinterpret_cast<std::uintptr_t>(entry), static_cast<USHORT>(s.depth + 1), s.sequence + 1};
        if (compare_exchange(h, old, encode(n))) return reinterpret_cast<SLIST_ENTRY*>(s.next);
    }
}
#else
// i386: the same on the header's two 32-bit words {Next} and {Depth | Sequence << 16}.
#if defined(_WIN32) && defined(__i386__)
// In the PE module the loop is written out: cmpxchg8b wants EDX:EAX and ECX:EBX, and the
// compiler's version spilled half of them to the stack on every pass, which doubled the cost
// of the lookaside hit path under emulation (bench/README.md). A failed cmpxchg8b leaves the
// current header in EDX:EAX, so a retry starts from there.
inline SLIST_ENTRY* push(SLIST_HEADER* h, SLIST_ENTRY* entry) {
    std::uint32_t first, counts, new_counts, sequence;
    __asm__ volatile(
        "mov (%[h]), %%eax\n\t"
        "mov 4(%[h]), %%edx\n"
        "1:\n\t"
        "mov %%eax, (%%ebx)\n\t"            // entry->Next = first
        "lea 1(%%edx), %%ecx\n\t"           // Depth + 1 (16 bits) ...
        "movzwl %%cx, %%ecx\n\t"
        "lea 0x10000(%%edx), %[seq]\n\t"    // ... and Sequence + 1 (16 bits)
        "and $0xFFFF0000, %[seq]\n\t"
        "or %[seq], %%ecx\n\t"
        "lock cmpxchg8b (%[h])\n\t"
        "jnz 1b"
        : "=&a"(first), "=&d"(counts), "=&c"(new_counts), [seq] "=&r"(sequence)
        : [h] "r"(h), "b"(entry)
        : "memory", "cc");
    return reinterpret_cast<SLIST_ENTRY*>(first);
}
#else
inline SLIST_ENTRY* push(SLIST_HEADER* h, SLIST_ENTRY* entry) {
    auto* words = reinterpret_cast<const std::uint32_t*>(h);
    for (;;) {
        const std::uint32_t first = __atomic_load_n(&words[0], __ATOMIC_ACQUIRE);
        const std::uint32_t counts = __atomic_load_n(&words[1], __ATOMIC_ACQUIRE);
        set_next(entry, first);
        const std::uint32_t new_counts = ((counts + 0x10000u) & 0xFFFF0000u) | ((counts + 1) & 0xFFFFu);
        if (compare_exchange(h, Raw{first} | (Raw{counts} << 32),
                             Raw{static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(entry))} |
                                 (Raw{new_counts} << 32)))
            return reinterpret_cast<SLIST_ENTRY*>(first);
    }
}
#endif
#endif

// Pushes the chain first..last (linked through Next, `count` entries) in one step.
inline SLIST_ENTRY* push_chain(SLIST_HEADER* h, SLIST_ENTRY* first_entry, SLIST_ENTRY* last, USHORT count) {
    for (;;) {
        Raw old = load(h);
        State s = decode(old);
        set_next(last, s.next);
        State n{reinterpret_cast<std::uintptr_t>(first_entry), static_cast<USHORT>(s.depth + count), s.sequence + 1};
        if (compare_exchange(h, old, encode(n))) return reinterpret_cast<SLIST_ENTRY*>(s.next);
    }
}

// Pops the first entry, or returns nullptr (header untouched) if the list is empty.
//
// If the guarded read of first->Next faults, the snapshot is stale: the entry was popped (and
// freed) meanwhile, so start over. If the header still names it, the entry itself is bad memory:
// fault for real, as a driver that pushed freed memory faults on Windows.
#if NT_LAYOUT_64
inline SLIST_ENTRY* pop(SLIST_HEADER* h) {
    for (;;) {
        Raw old = load(h);
        State s = decode(old);
        if (!s.next) return nullptr;
        std::uintptr_t next;
        if (!platform::read_pointer_guarded(reinterpret_cast<const void*>(s.next), &next)) {
            if (load(h) == old) next = *static_cast<volatile const std::uintptr_t*>(reinterpret_cast<void*>(s.next));
            continue;
        }
        State n{next, static_cast<USHORT>(s.depth - 1), s.sequence};
        if (compare_exchange(h, old, encode(n))) return reinterpret_cast<SLIST_ENTRY*>(s.next);
    }
}
#elif defined(_WIN32) && defined(__i386__)
// The loop written out, as push above. The load of first->Next is the guarded one of
// platform::read_pointer_guarded: the "SLGT" NOP before it and the "SLGR" NOP before the resume
// point are what the module's vectored handler looks for. At the resume point the snapshot in
// EDX:EAX is compared with the header again: changed, start over; unchanged, the entry itself is
// bad memory, and the unmarked load faults for real.
inline SLIST_ENTRY* pop(SLIST_HEADER* h) {
    std::uint32_t first, counts, new_counts, next, sequence;
    __asm__ volatile(
        "mov 4(%[h]), %%edx\n\t"
        "mov (%[h]), %%eax\n"
        "1:\n\t"
        "test %%eax, %%eax\n\t"
        "jz 3f\n\t"
        ".byte 0x0f, 0x1f, 0x80, 0x53, 0x4c, 0x47, 0x54\n\t"   // nopl "SLGT"(%%eax): a guarded load follows
        "mov (%%eax), %%ebx\n\t"
        "jmp 2f\n\t"
        ".byte 0x0f, 0x1f, 0x80, 0x53, 0x4c, 0x47, 0x52\n\t"   // nopl "SLGR"(%%eax): the resume point follows
        "cmp (%[h]), %%eax\n\t"
        "jne 4f\n\t"
        "cmp 4(%[h]), %%edx\n\t"
        "jne 4f\n\t"
        "mov (%%eax), %%ebx\n"                                 // unmarked: faults for real
        "4:\n\t"
        "mov 4(%[h]), %%edx\n\t"
        "mov (%[h]), %%eax\n\t"
        "jmp 1b\n"
        "2:\n\t"
        "lea -1(%%edx), %%ecx\n\t"          // Depth - 1 (16 bits), Sequence kept
        "movzwl %%cx, %%ecx\n\t"
        "mov %%edx, %[seq]\n\t"
        "and $0xFFFF0000, %[seq]\n\t"
        "or %[seq], %%ecx\n\t"
        "lock cmpxchg8b (%[h])\n\t"
        "jnz 1b\n"
        "3:"
        : "=&a"(first), "=&d"(counts), "=&c"(new_counts), "=&b"(next), [seq] "=&r"(sequence)
        : [h] "r"(h)
        : "memory", "cc");
    return reinterpret_cast<SLIST_ENTRY*>(first);
}
#else
inline SLIST_ENTRY* pop(SLIST_HEADER* h) {
    auto* words = reinterpret_cast<const std::uint32_t*>(h);
    for (;;) {
        const std::uint32_t first = __atomic_load_n(&words[0], __ATOMIC_ACQUIRE);
        const std::uint32_t counts = __atomic_load_n(&words[1], __ATOMIC_ACQUIRE);
        if (!first) return nullptr;
        const Raw old = Raw{first} | (Raw{counts} << 32);
        std::uintptr_t next;
        if (!platform::read_pointer_guarded(reinterpret_cast<const void*>(first), &next)) {
            if (load(h) == old) next = *static_cast<volatile const std::uintptr_t*>(reinterpret_cast<void*>(first));
            continue;
        }
        const std::uint32_t new_counts = (counts & 0xFFFF0000u) | ((counts - 1) & 0xFFFFu);
        if (compare_exchange(h, old, Raw{static_cast<std::uint32_t>(next)} | (Raw{new_counts} << 32)))
            return reinterpret_cast<SLIST_ENTRY*>(first);
    }
}
#endif

// Takes the whole chain; returns its first entry, or nullptr (header untouched) if empty.
inline SLIST_ENTRY* flush(SLIST_HEADER* h) {
    for (;;) {
        Raw old = load(h);
        State s = decode(old);
        if (!s.next) return nullptr;
        State n{0, 0, s.sequence};
        if (compare_exchange(h, old, encode(n))) return reinterpret_cast<SLIST_ENTRY*>(s.next);
    }
}

// The Next word of an entry the caller owns (after pop or flush).
inline SLIST_ENTRY* next_of(const SLIST_ENTRY* e) {
    return reinterpret_cast<SLIST_ENTRY*>(
        __atomic_load_n(reinterpret_cast<const std::uintptr_t*>(&e->Next), __ATOMIC_RELAXED));
}

}  // namespace ex::slist
