// CR8 (the task-priority register, which x64 Windows uses as the IRQL) accessed by driver code.
// The x64 DDK headers' KeGetCurrentIrql / KeLowerIrql / KfRaiseIrql / KeRaiseIrqlToDpcLevel /
// KeRaiseIrqlToSynchLevel are inlines of `mov %cr8, reg` / `mov reg, %cr8` (MinGW-w64 wdm.h over
// __readcr8/__writecr8; MSVC's intrinsics are the same instructions). In user mode the CPU refuses
// them, so the module decodes the refused instruction and carries it out on the emulated IRQL
// (ke/irql.h). This file is the decoding, pure and portable: the Win32 exception glue
// (platform/win32.cpp) reads the bytes and applies the result to the thread's CONTEXT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "nt/types.h"

namespace ke::cr8 {

// One decoded `mov` between CR8 and a general register.
struct Access {
    std::uint8_t length;     // bytes of the instruction, prefixes included
    bool write;              // true: mov reg -> CR8 (0F 22); false: mov CR8 -> reg (0F 20)
    std::uint8_t gpr;        // register number as encoded: 0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp,
                             // 5 rbp, 6 rsi, 7 rdi, 8..15 r8..r15 (CONTEXT's Rax..R15 order)
};

// The longest instruction decode() accepts: REX, 0F, 20/22, ModRM.
inline constexpr std::size_t max_length = 4;

// Decodes the x86-64 instruction at code[0..available) if it is a move to or from CR8, else
// returns nullopt (other control registers, other privileged instructions, truncated bytes).
std::optional<Access> decode(const std::uint8_t* code, std::size_t available);

// The general registers of a thread, by encoded register number (see Access::gpr).
struct RegisterFile {
    std::uint64_t* gpr[16];
};

// Carries out a decoded access on `regs` given the thread's current IRQL. A read stores the
// IRQL (zero-extended, as the CPU does) in the register and returns nullopt; a write returns the
// new IRQL: the register's low four bits, the bits CR8 holds (no check: a raw CR8 write is not a
// KeLowerIrql/KfRaiseIrql call and cannot bug check).
std::optional<nt::KIRQL> apply(const Access& access, const RegisterFile& regs, nt::KIRQL current);

// The fault handler the module installs with platform (platform::install_instruction_fault_handler):
// decodes the faulting instruction and carries a CR8 access out on the thread's emulated IRQL
// (ke/irql.h), which the module's exports read and write, so the inlines and the exports agree.
// Returns the instruction's length, or 0 if it is no CR8 access.
std::size_t emulate_fault(const std::uint8_t* code, std::size_t available, std::uint64_t* const (&registers)[16]);

}  // namespace ke::cr8
