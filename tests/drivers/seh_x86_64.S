/* x64 __try/__except frames as MSVC emits them: unwind data with __C_specific_handler (imported
 * from ntoskrnl.exe) as the language handler and a scope table {begin, end, filter, target}; a
 * filter of 1 is EXCEPTION_EXECUTE_HANDLER. The handler's target gets the exception code in eax.
 *   int seh_write(int *p):     stores 1 at p and returns 0, or 0xDEAD if the store faults
 *   int seh_raise(NTSTATUS s): ExRaiseStatus(s) inside the __try; returns the code its filter
 *                              (seh_raise_filter, seh_crt.c) saw */
    .text
    .globl seh_write
    .def seh_write; .scl 2; .type 32; .endef
    .seh_proc seh_write
seh_write:
    subq $40, %rsp
    .seh_stackalloc 40
    .seh_endprologue
.Lwrite_begin:
    movl $1, (%rcx)
    xorl %eax, %eax
.Lwrite_end:
    addq $40, %rsp
    ret
.Lwrite_target:
    movl $0xDEAD, %eax
    addq $40, %rsp
    ret
    .seh_handler __C_specific_handler, @except
    .seh_handlerdata
    .long 1
    .rva .Lwrite_begin, .Lwrite_end
    .long 1
    .rva .Lwrite_target
    .text
    .seh_endproc

    .globl seh_raise
    .def seh_raise; .scl 2; .type 32; .endef
    .seh_proc seh_raise
seh_raise:
    subq $40, %rsp
    .seh_stackalloc 40
    .seh_endprologue
.Lraise_begin:
    call *__imp_ExRaiseStatus(%rip)
    nop
.Lraise_end:
    xorl %eax, %eax
    addq $40, %rsp
    ret
.Lraise_target:
    movl seh_last_code(%rip), %eax
    addq $40, %rsp
    ret
    .seh_handler __C_specific_handler, @except
    .seh_handlerdata
    .long 1
    .rva .Lraise_begin, .Lraise_end
    .rva seh_raise_filter
    .rva .Lraise_target
    .text
    .seh_endproc
