#include "ke/cr8_emulation.h"

#include "ke/irql.h"

namespace ke::cr8 {

// Encoding (Intel SDM vol. 2, "MOV—Move to/from Control Registers"; AMD APM vol. 3, "MOV(CRn)"):
//   REX.R + 0F 20 /0   mov r64, cr8        REX.R + 0F 22 /0   mov cr8, r64
// The control register is ModRM.reg extended by REX.R, the general register ModRM.rm extended
// by REX.B. Both manuals say the mod field is ignored (the instruction is always register to
// register), so any mod decodes as the CPU does. REX.W and REX.X change nothing (the operand
// size is fixed at 64 bits). AMD's LOCK-prefixed alias of CR8 (LOCK mov cr0) is defined for
// legacy mode only (APM: "CR8 can be read and written in legacy mode ... using a LOCK prefix
// instead of a REX prefix"), and Intel CPUs refuse it, so 64-bit code never uses it: not decoded.
std::optional<Access> decode(const std::uint8_t* code, std::size_t available) {
    std::size_t at = 0;
    std::uint8_t rex = 0;
    if (available > 0 && (code[0] & 0xF0) == 0x40) rex = code[at++];
    if (available < at + 3 || code[at] != 0x0F) return std::nullopt;
    const std::uint8_t opcode = code[at + 1];
    if (opcode != 0x20 && opcode != 0x22) return std::nullopt;
    const std::uint8_t modrm = code[at + 2];
    const unsigned control = ((modrm >> 3) & 7) | ((rex & 0x4) ? 8 : 0);   // REX.R
    if (control != 8) return std::nullopt;
    const unsigned gpr = (modrm & 7) | ((rex & 0x1) ? 8 : 0);             // REX.B
    return Access{static_cast<std::uint8_t>(at + 3), opcode == 0x22, static_cast<std::uint8_t>(gpr)};
}

std::optional<nt::KIRQL> apply(const Access& access, const RegisterFile& regs, nt::KIRQL current) {
    std::uint64_t& reg = *regs.gpr[access.gpr];
    if (access.write) return static_cast<nt::KIRQL>(reg & 0xF);
    reg = current;
    return std::nullopt;
}

std::size_t emulate_fault(const std::uint8_t* code, std::size_t available, std::uint64_t* const (&registers)[16]) {
    const auto access = decode(code, available);
    if (!access) return 0;
    RegisterFile regs;
    for (int i = 0; i < 16; ++i) regs.gpr[i] = registers[i];
    if (const auto irql = apply(*access, regs, current_irql())) set_irql(*irql);
    return access->length;
}

}  // namespace ke::cr8
