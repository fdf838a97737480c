/*
 * Part of the free_build group (free_build.c; converted from tests/pe/free_build.c), i386 only:
 * 4. the NT 3.x interlocked routines return INTERLOCKED_RESULT (x86 wdm.h: 0x8000 negative,
 *    0x4000 zero, 0 positive) or the old value, with the lock argument NULL, pop exactly their
 *    stdcall arguments and keep EBX, ESI, EDI and EBP (ReactOS's kmtest ExInterlocked.c, run on
 *    Windows too), at PASSIVE and HIGH_LEVEL.
 */
#include "kmode_test.h"
#include "free_build.h"

#ifdef _X86_
/* Calls fn with ECX, EDX and `nargs` stack arguments (pushed right to left), with known values in
 * EBX, ESI and EDI; out[0] = EAX, out[1] = 1 if ESP afterwards is what it was before the pushes
 * (the callee popped exactly its stdcall arguments), out[2] = 1 if EBX, ESI, EDI kept their
 * values (EBP is the frame: a routine that lost it would not return here). */
void nt3_probe(void *fn, ULONG ecx, ULONG edx, const ULONG *args, ULONG nargs, ULONG *out);
ULONG nt3_expected_esp __attribute__((used));   /* the asm below stores and compares it */
__asm__(
    ".text\n"
    ".globl _nt3_probe\n"
    "_nt3_probe:\n"
    "  pushl %ebp\n"
    "  movl %esp, %ebp\n"
    "  pushl %ebx\n"
    "  pushl %esi\n"
    "  pushl %edi\n"
    "  movl %esp, _nt3_expected_esp\n"
    "  movl 24(%ebp), %ecx\n"
    "  movl 20(%ebp), %edx\n"
    "1:\n"
    "  testl %ecx, %ecx\n"
    "  jz 2f\n"
    "  decl %ecx\n"
    "  pushl (%edx,%ecx,4)\n"
    "  jmp 1b\n"
    "2:\n"
    "  movl $0x1B2B3B4B, %ebx\n"
    "  movl $0x51525354, %esi\n"
    "  movl $0xD1D2D3D4, %edi\n"
    "  movl 8(%ebp), %eax\n"
    "  movl 12(%ebp), %ecx\n"
    "  movl 16(%ebp), %edx\n"
    "  call *%eax\n"
    "  movl 28(%ebp), %ecx\n"
    "  movl %eax, (%ecx)\n"
    "  xorl %eax, %eax\n"
    "  cmpl _nt3_expected_esp, %esp\n"
    "  sete %al\n"
    "  movl %eax, 4(%ecx)\n"
    "  xorl %eax, %eax\n"
    "  cmpl $0x1B2B3B4B, %ebx\n"
    "  jne 3f\n"
    "  cmpl $0x51525354, %esi\n"
    "  jne 3f\n"
    "  cmpl $0xD1D2D3D4, %edi\n"
    "  jne 3f\n"
    "  movl $1, %eax\n"
    "3:\n"
    "  movl %eax, 8(%ecx)\n"
    "  movl _nt3_expected_esp, %esp\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  popl %ebp\n"
    "  ret\n");

enum form { form_ex, form_ex_locked, form_i386, form_fi386 };
static const char *const form_names[] = {"Ex (NULL lock)", "Ex (a lock)", "Exi386", "Exfi386"};

/* One call: the value before, the argument (Exchange only), what must be stored and returned. */
static void nt3_case(void *fn, enum form f, int exchange, LONG before, LONG value, LONG after, LONG result)
{
    static ULONG_PTR spin_lock;
    LONG target = before;
    ULONG args[3], out[3], ecx = 0xEC, edx = 0xED, n = 0;

    args[n++] = (ULONG)(ULONG_PTR)&target;
    if (exchange) args[n++] = (ULONG)value;
    if (f == form_ex || f == form_ex_locked) args[n++] = f == form_ex ? 0 : (ULONG)(ULONG_PTR)&spin_lock;
    if (f == form_fi386)
    {
        ecx = args[0];
        edx = exchange ? args[1] : 0xED;
        n = 0;
    }
    nt3_probe(fn, ecx, edx, args, n, out);
    ok(target == after, "%s: %ld became %ld, expected %ld\n", form_names[f], before, target, after);
    ok((LONG)out[0] == result, "%s(%ld): returned %#lx, expected %#lx\n", form_names[f], before, (LONG)out[0], result);
    ok(out[1], "%s: ESP after the call is not what it was before the arguments\n", form_names[f]);
    ok(out[2], "%s: EBX, ESI or EDI changed\n", form_names[f]);
    ok(spin_lock == 0, "%s: the lock argument was left at %#Ix\n", form_names[f], spin_lock);
}

void kmtest_free_build_nt3(int builtin)
{
    /* x86 wdm.h: RESULT_NEGATIVE 0x8000, RESULT_ZERO 0x4000, RESULT_POSITIVE 0. */
    enum { negative = 0x8000, zero = 0x4000, positive = 0 };
    static const LONG inc[][3] = {{-2, -1, negative}, {-1, 0, zero}, {0, 1, positive}, {MAXLONG, MINLONG, negative}};
    static const LONG dec[][3] = {{MINLONG, MAXLONG, positive}, {0, -1, negative}, {1, 0, zero}, {2, 1, positive}};
    static const char *const names[3][3] = {
        {"ExInterlockedIncrementLong", "Exi386InterlockedIncrementLong", "Exfi386InterlockedIncrementLong"},
        {"ExInterlockedDecrementLong", "Exi386InterlockedDecrementLong", "Exfi386InterlockedDecrementLong"},
        {"ExInterlockedExchangeUlong", "Exi386InterlockedExchangeUlong", "Exfi386InterlockedExchangeUlong"},
    };
    static const WCHAR *const wide_names[3][3] = {
        {L"ExInterlockedIncrementLong", L"Exi386InterlockedIncrementLong", L"Exfi386InterlockedIncrementLong"},
        {L"ExInterlockedDecrementLong", L"Exi386InterlockedDecrementLong", L"Exfi386InterlockedDecrementLong"},
        {L"ExInterlockedExchangeUlong", L"Exi386InterlockedExchangeUlong", L"Exfi386InterlockedExchangeUlong"},
    };
    unsigned op, form, k, pass;

    /* Wine 8.0's builtin exports all nine as stubs (___wine_stub_*), which raise when called. */
    todo_wine_if(builtin) ok(!builtin, "Wine's builtin only stubs the NT 3.x interlocked routines\n");
    if (builtin) return;
    for (pass = 0; pass < 2; pass++)
    {
        KIRQL old = KfRaiseIrql(pass ? HIGH_LEVEL : PASSIVE_LEVEL);   /* ExInterlocked.c runs at both */
        winetest_push_context("IRQL %u", pass ? HIGH_LEVEL : PASSIVE_LEVEL);
        for (op = 0; op < 3; op++)
            for (form = 0; form < 3; form++)
            {
                void *fn = kmtest_routine(wide_names[op][form]);
                ok(fn != NULL, "%s is not exported\n", names[op][form]);
                if (!fn) continue;
                winetest_push_context("%s", names[op][form]);
                for (k = 0; k < 4; k++)
                {
                    enum form f = form == 0 ? (k & 1 ? form_ex_locked : form_ex) : form == 1 ? form_i386 : form_fi386;
                    if (op == 0) nt3_case(fn, f, 0, inc[k][0], 0, inc[k][1], inc[k][2]);
                    else if (op == 1) nt3_case(fn, f, 0, dec[k][0], 0, dec[k][1], dec[k][2]);
                    else nt3_case(fn, f, 1, 212 + k, 121 * (LONG)k, 121 * (LONG)k, 212 + k);
                }
                winetest_pop_context();
            }
        winetest_pop_context();
        KeLowerIrql(old);
    }
}
#endif
