/* i386 __try/__except frames as MSVC emits them for _except_handler3 (imported from ntoskrnl.exe):
 * the registration record at ebp-0x10 {next, handler, scope table, try level}, the exception
 * pointers at ebp-0x14, the saved esp at ebp-0x18; scope entries {enclosing level, filter,
 * handler}; the filter and the handler run with the frame's ebp.
 *   int __cdecl seh_write(int *p):     stores 1 at p and returns 0, or 0xDEAD if the store faults
 *   int __cdecl seh_raise(NTSTATUS s):  ExRaiseStatus(s) inside the __try; returns the code caught */
    .text
    .globl _seh_write
_seh_write:
    pushl %ebp
    movl %esp, %ebp
    pushl $-1
    pushl $write_scope
    pushl $__except_handler3
    pushl %fs:0
    movl %esp, %fs:0
    subl $8, %esp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, -0x18(%ebp)
    movl $0, -4(%ebp)
    movl 8(%ebp), %eax
    movl $1, (%eax)
    xorl %eax, %eax
    movl $-1, -4(%ebp)
    jmp .Lwrite_out
.Lwrite_filter:
    movl $1, %eax
    ret
.Lwrite_handler:
    movl -0x18(%ebp), %esp
    movl $-1, -4(%ebp)
    movl $0xDEAD, %eax
.Lwrite_out:
    popl %edi
    popl %esi
    popl %ebx
    movl -0x10(%ebp), %ecx
    movl %ecx, %fs:0
    movl %ebp, %esp
    popl %ebp
    ret

    .globl _seh_raise
_seh_raise:
    pushl %ebp
    movl %esp, %ebp
    pushl $-1
    pushl $raise_scope
    pushl $__except_handler3
    pushl %fs:0
    movl %esp, %fs:0
    subl $8, %esp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, -0x18(%ebp)
    movl $0, -4(%ebp)
    pushl 8(%ebp)
    call *__imp__ExRaiseStatus@4
    movl $-1, -4(%ebp)
    xorl %eax, %eax
    jmp .Lraise_out
.Lraise_filter:
    movl $1, %eax
    ret
.Lraise_handler:
    movl -0x18(%ebp), %esp
    movl $-1, -4(%ebp)
    movl -0x14(%ebp), %eax      /* EXCEPTION_POINTERS */
    movl (%eax), %eax           /* ->ExceptionRecord */
    movl (%eax), %eax           /* ->ExceptionCode */
.Lraise_out:
    popl %edi
    popl %esi
    popl %ebx
    movl -0x10(%ebp), %ecx
    movl %ecx, %fs:0
    movl %ebp, %esp
    popl %ebp
    ret

    .section .rdata, "dr"
write_scope:
    .long -1, .Lwrite_filter, .Lwrite_handler
raise_scope:
    .long -1, .Lraise_filter, .Lraise_handler
