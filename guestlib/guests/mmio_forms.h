/*
 * mmio_forms.h - the instruction forms of the MMIO differential guests
 * (mmio_diff.c), one FORM() or FORMP() line each. Included twice: by
 * mmio_snip.S, where each line becomes a snippet "md_snip_ID: insns; ret",
 * and by mmio_diff.c, where it becomes a row of the form table (the insns
 * are dropped there, so they must only be valid C tokens: no quotes, no #).
 *
 *   FORM(id, "name", flags, insns...)
 *   FORMP(id, "name", flags, before, after): a form with an absolute
 *       address (moffs) in it: the snippet is "before MOFFS after", and
 *       the runner writes the operand's address into MOFFS (label
 *       md_patch_ID; the mode's address size) before each run.
 *   FORMP32(...): the same with a 4-byte MOFFS (long mode with 67).
 *
 * Registers when a snippet starts (mmio_diff.c fills them per run):
 *   PB        the operand address in the test buffer (RAM or MMIO)
 *   PSI       the same; PDI = PB + 0x41 (string destination)
 *   PR        a RAM buffer that is the same in every run (R side)
 *   rAX, rCX, rDX, r8-r15   fixed patterns; RFLAGS = CF|PF|ZF
 * Snippets set rCX for REP counts and rDX for ports themselves, must
 * leave the stack alone and end with DF clear. They may touch PB-0x40 ..
 * PB+0x140 and PR-0x80 .. PR+0x200 (what the runner compares).
 *
 * The sources of the form list: the assist library's opcode tables
 * (vmm/assist/x86_decode_tables.c) and x86_emul.c: every operation and
 * encoding it accepts, in every operand size the mode has.
 *
 * Flags (MD_F_*, mmio_diff.c): LOGIC = AF undefined (SDM Vol.2: AND, OR,
 * XOR, TEST), BTF = only CF defined (BT*), ALIGNED = 16-byte alignment
 * required (no page-crossing runs), EQ_AC = the snippet leaves the value
 * it observed in rAX and the truth in rCX (port I/O forms, which the
 * hypervisor emulates in the RAM runs as well).
 */

/* ---- per-mode register and segment spellings ----------------------- */
#if defined(GL_MODE_LONG)
# define PB  %rbx
# define PSI %rsi
# define PDI %rdi
# define PR  %rbp
# define PIX %rdx                       /* index register for SIB forms */
# define MOFFS .quad 0
#elif defined(GL_MODE_REAL)
# define PB  %bx
# define PSI %si
# define PDI %di
# define PR  %bp
# define MOFFS .word 0
#else
# define PB  %ebx
# define PSI %esi
# define PDI %edi
# define PR  %ebp
# define PIX %edx
# define MOFFS .long 0
#endif

#if defined(GL_MODE_REAL)
/*
 * Real mode: DS, ES and GS have the test buffer as base (loaded in a
 * short protected-mode window, so the base can be 0xff000000), FS has
 * the R buffer (a real-mode segment). R accesses go through FS.
 */
# define SEG_R   %fs:
# define ES_R    pushl %fs ; popl %es
# define OVR_B   %gs:
# define OVR_PRE pushl %cs ; popl %ds
# define OVR_POST
# define OVR_R   %fs:
# define OVRR_PRE pushl %cs ; popl %ds
# define OVRR_POST
# define O16
# define O32     .byte 0x66 ;
#else
/*
 * Flat modes: FS has base MD_FS_BASE (a GDT entry, or the FS_BASE MSR in
 * long mode), so an FS override reaches the buffer only if it is honoured.
 */
# define SEG_R
# define ES_R
# define OVR_B   %fs:
# define OVR_PRE lea -MD_FS_BASE(PSI), PSI
# define OVR_POST lea MD_FS_BASE(PSI), PSI
# define OVR_R   %fs:
# define OVRR_PRE lea -MD_FS_BASE(PSI), PSI
# define OVRR_POST lea MD_FS_BASE(PSI), PSI
# define O16     .byte 0x66 ;
# define O32
#endif

/* FS base in the flat modes: an override must be honoured to hit PB. */
#define MD_FS_BASE 0x10000

/* The scratch register of pc-testdev (ports 0xe0-0xe3). */
#define SCRATCH_SET(v) mov $0xe0, %dx ; movl $v, %eax ; outl %eax, (%dx)

/* ---- MOV ------------------------------------------------------------- */
FORM(mov_st_b,   "mov r/m8, r8 (88)", 0, movb %cl, (PB))
FORM(mov_st_ch,  "mov r/m8, ch (88, high byte register)", 0, movb %ch, 3(PB))
FORM(mov_st_w,   "mov r/m16, r16 (66 89)", 0, movw %cx, (PB))
FORM(mov_st_l,   "mov r/m32, r32 (89)", 0, movl %ecx, (PB))
FORM(mov_ld_b,   "mov r8, r/m8 (8a)", 0, movb (PB), %al)
FORM(mov_ld_ah,  "mov ah, r/m8 (8a, high byte register)", 0, movb 1(PB), %ah)
FORM(mov_ld_w,   "mov r16, r/m16 (8b, opsize 2: upper bits kept)", 0, movw (PB), %ax)
FORM(mov_ld_l,   "mov r32, r/m32 (8b)", 0, movl (PB), %eax)
FORM(mov_ld_d8,  "mov r32, [base-disp8] (8b)", 0, movl -0x21(PB), %ecx)
FORM(mov_ld_d16, "mov r32, [base+disp] (8b, long displacement)", 0, movl 0x103(PB), %edx)
FORM(mov_imm_b,  "mov r/m8, imm8 (c6 /0)", 0, movb $0x5a, 2(PB))
FORM(mov_imm_w,  "mov r/m16, imm16 (66 c7 /0)", 0, movw $0x1234, (PB))
FORM(mov_imm_l,  "mov r/m32, imm32 (c7 /0)", 0, movl $0x89abcdef, (PB))
FORMP(mov_moffs_ld_b, "mov al, moffs8 (a0)", 0, .byte 0xa0 ;, )
FORMP(mov_moffs_ld_w, "mov ax, moffs16 (a1, opsize 2)", 0, O16 .byte 0xa1 ;, )
FORMP(mov_moffs_ld_l, "mov eax, moffs32 (a1)", 0, O32 .byte 0xa1 ;, )
FORMP(mov_moffs_st_b, "mov moffs8, al (a2)", 0, .byte 0xa2 ;, )
FORMP(mov_moffs_st_l, "mov moffs32, eax (a3)", 0, O32 .byte 0xa3 ;, )
#if defined(GL_MODE_REAL)
FORM(mov_ld_bxsi, "mov r16, [bx+si] (8b, 16-bit base+index)", 0, mov $6, %si ; movw (%bx,%si), %ax)
FORM(mov_st_di,  "mov [di+disp8], r32 (89, 16-bit DI base)", 0, movl %ecx, -7(%di))
FORM(mov_ld_a32, "mov r32, [ebx] (67 8b, 32-bit addressing in real mode)", 0, movl (%ebx), %eax)
#else
FORM(mov_ld_sib, "mov r32, [base+index*4+disp8] (8b, SIB)", 0, mov $3, PIX ; movl 8(PB,PIX,4), %eax)
FORM(mov_st_sib, "mov [base+index*2], r16 (66 89, SIB)", 0, mov $-5, PIX ; movw %cx, (PB,PIX,2))
#endif
#if defined(GL_MODE_LONG)
FORM(mov_st_q,   "mov r/m64, r64 (REX.W 89)", 0, movq %rcx, (PB))
FORM(mov_ld_q,   "mov r64, r/m64 (REX.W 8b)", 0, movq (PB), %rax)
FORM(mov_ld_sil, "mov sil, r/m8 (REX 8a: SIL, not DH)", 0, movb 5(PB), %sil)
FORM(mov_ld_r8,  "mov r9, [r8] (REX.WRB 8b)", 0, movq (%r8), %r9)
FORM(mov_st_r10d, "mov [r8+4], r10d (REX.RB 89)", 0, movl %r10d, 4(%r8))
FORM(mov_ld_r8r8, "mov r8, [r8+8] (REX.WRB 8b: the base register is the destination)", 0, movq 8(%r8), %r8)
FORM(mov_imm_q,  "mov r/m64, imm32 (REX.W c7: sign-extended)", 0, movq $-0x12345678, (PB))
FORMP(mov_moffs_ld_q, "mov rax, moffs64 (REX.W a1)", 0, .byte 0x48 ; .byte 0xa1 ;, )
FORMP(mov_moffs_st_q, "mov moffs64, rax (REX.W a3)", 0, .byte 0x48 ; .byte 0xa3 ;, )
FORMP32(mov_moffs32_ld_l, "mov eax, moffs32 (67 a1: 4-byte address)", 0, .byte 0x67 ; .byte 0xa1 ;, )
#endif

/* ---- MOVZX, MOVSX, MOVSXD, MOVNTI ------------------------------------ */
FORM(movzx_bw,   "movzx r16, r/m8 (66 0f b6)", 0, movzbw (PB), %ax)
FORM(movzx_bl,   "movzx r32, r/m8 (0f b6, opsize 4: upper half cleared)", 0, movzbl 1(PB), %eax)
FORM(movzx_wl,   "movzx r32, r/m16 (0f b7, opsize 4)", 0, movzwl (PB), %ecx)
FORM(movsx_bw,   "movsx r16, r/m8 (66 0f be)", 0, movsbw 2(PB), %ax)
FORM(movsx_bl,   "movsx r32, r/m8 (0f be)", 0, movsbl 3(PB), %eax)
FORM(movsx_wl,   "movsx r32, r/m16 (0f bf)", 0, movswl 1(PB), %edx)
FORM(movnti_l,   "movnti m32, r32 (0f c3)", 0, movnti %ecx, (PB))
#if defined(GL_MODE_LONG)
FORM(movzx_bq,   "movzx r64, r/m8 (REX.W 0f b6)", 0, movzbq (PB), %rax)
FORM(movzx_wq,   "movzx r64, r/m16 (REX.W 0f b7)", 0, movzwq 2(PB), %rcx)
FORM(movsx_bq,   "movsx r64, r/m8 (REX.W 0f be)", 0, movsbq 4(PB), %rax)
FORM(movsx_wq,   "movsx r64, r/m16 (REX.W 0f bf)", 0, movswq (PB), %rdx)
FORM(movsxd_q,   "movsxd r64, r/m32 (REX.W 63)", 0, movslq 1(PB), %rax)
FORM(movsxd_l,   "movsxd r32, r/m32 (63 without REX.W)", 0, .byte 0x63, 0x03)
FORM(movnti_q,   "movnti m64, r64 (REX.W 0f c3)", 0, movnti %rcx, (PB))
#endif

/* ---- ALU 00-3B and Group 1 (80, 81, 83) ----------------------------- */
#if defined(GL_MODE_LONG)
# define ALU_Q(op, fl) \
FORM(op##_mr_q, #op " r/m64, r64 (REX.W)", fl, op##q %rcx, (PB)) \
FORM(op##_rm_q, #op " r64, r/m64 (REX.W)", fl, op##q (PB), %rax) \
FORM(op##_i81_q, #op " r/m64, imm32 (REX.W 81)", fl, op##q $-0x789abcde, (PB)) \
FORM(op##_i83_q, #op " r/m64, imm8 (REX.W 83)", fl, op##q $0x7f, (PB))
#else
# define ALU_Q(op, fl)
#endif
#define ALU(op, fl) \
FORM(op##_mr_b, #op " r/m8, r8", fl, op##b %cl, (PB)) \
FORM(op##_mr_w, #op " r/m16, r16 (66)", fl, op##w %cx, 1(PB)) \
FORM(op##_mr_l, #op " r/m32, r32", fl, op##l %ecx, (PB)) \
FORM(op##_rm_b, #op " r8, r/m8", fl, op##b 3(PB), %al) \
FORM(op##_rm_l, #op " r32, r/m32", fl, op##l (PB), %eax) \
FORM(op##_i80_b, #op " r/m8, imm8 (80)", fl, op##b $0xa5, (PB)) \
FORM(op##_i81_w, #op " r/m16, imm16 (66 81)", fl, op##w $0x8001, 2(PB)) \
FORM(op##_i81_l, #op " r/m32, imm32 (81)", fl, op##l $0x7ffffff1, (PB)) \
FORM(op##_i83_l, #op " r/m32, imm8 (83: sign-extended)", fl, op##l $-3, (PB)) \
ALU_Q(op, fl)

ALU(add, 0)
ALU(or, MD_F_LOGIC)
ALU(adc, 0)
ALU(sbb, 0)
ALU(and, MD_F_LOGIC)
ALU(sub, 0)
ALU(xor, MD_F_LOGIC)
ALU(cmp, 0)
FORM(lock_add_l, "lock add r/m32, r32 (f0 01)", 0, lock addl %ecx, (PB))
FORM(lock_or_b,  "lock or r/m8, imm8 (f0 80 /1)", MD_F_LOGIC, lock orb $0x81, (PB))
#if defined(GL_MODE_LONG)
FORM(or_rm_q_old, "orq (%rbx), %rax: the old register value is used", MD_F_LOGIC, movq $0x8000000000000001, %rax ; orq (PB), %rax)
FORM(add_sib_r11, "add [r8+rdx*8], r11 (REX.WRXB 01, SIB)", 0, mov $-2, %rdx ; addq %r11, (%r8,%rdx,8))
#endif

/* ---- TEST, NOT, NEG, INC, DEC --------------------------------------- */
FORM(test_mr_b,  "test r/m8, r8 (84)", MD_F_LOGIC, testb %cl, (PB))
FORM(test_mr_w,  "test r/m16, r16 (66 85)", MD_F_LOGIC, testw %cx, (PB))
FORM(test_mr_l,  "test r/m32, r32 (85)", MD_F_LOGIC, testl %ecx, (PB))
FORM(test_i_b,   "test r/m8, imm8 (f6 /0)", MD_F_LOGIC, testb $0x81, 1(PB))
FORM(test_i_w,   "test r/m16, imm16 (66 f7 /0)", MD_F_LOGIC, testw $0x8001, (PB))
FORM(test_i_l,   "test r/m32, imm32 (f7 /0)", MD_F_LOGIC, testl $0x80000001, (PB))
#define UNARY(op) \
FORM(op##_b, #op " r/m8", 0, op##b (PB)) \
FORM(op##_w, #op " r/m16 (66)", 0, op##w 1(PB)) \
FORM(op##_l, #op " r/m32", 0, op##l (PB))
UNARY(not)
UNARY(neg)
UNARY(inc)
UNARY(dec)
FORM(lock_inc_l, "lock inc r/m32 (f0 ff /0)", 0, lock incl (PB))
#if defined(GL_MODE_LONG)
FORM(test_mr_q,  "test r/m64, r64 (REX.W 85)", MD_F_LOGIC, testq %rcx, (PB))
FORM(test_i_q,   "test r/m64, imm32 (REX.W f7 /0)", MD_F_LOGIC, testq $-2, (PB))
FORM(not_q,      "not r/m64 (REX.W f7 /2)", 0, notq (PB))
FORM(neg_q,      "neg r/m64 (REX.W f7 /3)", 0, negq (PB))
FORM(inc_q,      "inc r/m64 (REX.W ff /0)", 0, incq (PB))
FORM(dec_q,      "dec r/m64 (REX.W ff /1)", 0, decq (PB))
#endif

/* ---- XCHG ------------------------------------------------------------ */
FORM(xchg_b,     "xchg r/m8, r8 (86)", 0, xchgb %cl, (PB))
FORM(xchg_w,     "xchg r/m16, r16 (66 87)", 0, xchgw %cx, 1(PB))
FORM(xchg_l,     "xchg r/m32, r32 (87)", 0, xchgl %ecx, (PB))
FORM(lock_xchg_l, "lock xchg r/m32, r32 (f0 87)", 0, lock xchgl %eax, 4(PB))
#if defined(GL_MODE_LONG)
FORM(xchg_q,     "xchg r/m64, r64 (REX.W 87)", 0, xchgq %rcx, (PB))
#endif

/* ---- BT, BTS, BTR, BTC ---------------------------------------------- */
FORM(bt_i_l,     "bt r/m32, imm8 (0f ba /4)", MD_F_BTF, btl $5, (PB))
FORM(bts_i_l,    "bts r/m32, imm8 (0f ba /5: offset taken mod 32)", MD_F_BTF, btsl $37, (PB))
FORM(btr_i_w,    "btr r/m16, imm8 (66 0f ba /6: offset mod 16)", MD_F_BTF, btrw $17, 1(PB))
FORM(btc_i_l,    "btc r/m32, imm8 (0f ba /7)", MD_F_BTF, btcl $31, (PB))
FORM(bt_r_l,     "bt r/m32, r32 (0f a3)", MD_F_BTF, mov $37, %edx ; btl %edx, (PB))
FORM(bts_r_l,    "bts r/m32, r32 (0f ab: negative bit offset)", MD_F_BTF, mov $-9, %edx ; btsl %edx, (PB))
FORM(btr_r_l,    "btr r/m32, r32 (0f b3: offset beyond the dword)", MD_F_BTF, mov $100, %edx ; btrl %edx, (PB))
FORM(btc_r_w,    "btc r/m16, r16 (66 0f bb)", MD_F_BTF, mov $-1, %edx ; btcw %dx, (PB))
FORM(lock_bts_r, "lock bts r/m32, r32 (f0 0f ab)", MD_F_BTF, mov $70, %edx ; lock btsl %edx, (PB))
#if defined(GL_MODE_LONG)
FORM(bt_i_q,     "bt r/m64, imm8 (REX.W 0f ba /4)", MD_F_BTF, btq $63, (PB))
FORM(btc_r_q,    "btc r/m64, r64 (REX.W 0f bb: offset -65)", MD_F_BTF, mov $-65, %rdx ; btcq %rdx, (PB))
FORM(bts_r_q,    "bts r/m64, r64 (REX.W 0f ab: offset 130)", MD_F_BTF, mov $130, %rdx ; btsq %rdx, (PB))
#endif

/* ---- string instructions -------------------------------------------- */
FORM(movsb,      "movsb (a4): MMIO -> MMIO", 0, movsb)
FORM(movsw,      "movsw (66 a5)", 0, movsw)
FORM(movsl,      "movsd (a5)", 0, movsl)
FORM(rep_movsb,  "rep movsb (f3 a4, 7 bytes): MMIO -> MMIO", 0, mov $7, %ecx ; rep movsb)
FORM(rep_movsl_df, "rep movsd, DF=1 (f3 a5, 5 dwords)", 0, mov $5, %ecx ; std ; rep movsl ; cld)
FORM(rep_movsb_r2b, "rep movsb: RAM -> MMIO (9 bytes)", 0, mov PR, PSI ; mov $9, %ecx ; rep movsb SEG_R(PSI), %es:(PDI))
FORM(rep_movsw_b2r, "rep movsw: MMIO -> RAM (6 words)", 0, ES_R ; mov PR, PDI ; mov $6, %ecx ; rep movsw)
FORM(movsb_ovr,  "movsb with a segment override on the source", 0, OVR_PRE ; movsb OVR_B(PSI), %es:(PDI) ; OVR_POST)
FORM(stosb,      "stosb (aa)", 0, stosb)
FORM(rep_stosb,  "rep stosb (f3 aa, 9 bytes)", 0, mov $9, %ecx ; rep stosb)
FORM(rep_stosw,  "rep stosw (f3 66 ab, 5 words)", 0, mov $5, %ecx ; rep stosw)
FORM(rep_stosl_df, "rep stosd, DF=1 (f3 ab, 4 dwords)", 0, mov $4, %ecx ; std ; rep stosl ; cld)
FORM(lodsb,      "lodsb (ac)", 0, lodsb)
FORM(lodsl,      "lodsd (ad)", 0, lodsl)
FORM(rep_lodsw,  "rep lodsw (f3 66 ad, 3 words)", 0, mov $3, %ecx ; rep lodsw)
FORM(lodsw_df,   "lodsw, DF=1 (66 ad)", 0, std ; lodsw ; cld)
FORM(cmpsb,      "cmpsb (a6) on MMIO", 0, cmpsb)
FORM(cmpsl,      "cmpsd (a7) on MMIO", 0, cmpsl)
FORM(repe_cmpsb, "repe cmpsb (f3 a6): stops at the first difference", 0, movl $0x11223344, (PB) ; movl $0x11ff3344, 4(PB) ; movl $0x11223344, 0x41(PB) ; movl $0x11223344, 0x45(PB) ; mov $8, %ecx ; repe cmpsb)
FORM(repne_cmpsw, "repne cmpsw (f2 66 a7): stops at the first match", 0, movw $0x4242, 6(PB) ; movw $0x4242, 0x47(PB) ; mov $9, %ecx ; repne cmpsw)
FORM(repe_cmpsb_r, "repe cmpsb: RAM (DS:rSI) against MMIO (ES:rDI)", 0, mov PR, PSI ; movl SEG_R(PSI), %eax ; movl %eax, (PDI) ; mov $6, %ecx ; repe cmpsb %es:(PDI), SEG_R(PSI))
FORM(scasb,      "scasb (ae) on MMIO", 0, scasb)
FORM(repne_scasb, "repne scasb (f2 ae): finds a byte", 0, movb 5(PDI), %al ; mov $16, %ecx ; repne scasb)
FORM(repe_scasl_df, "repe scasd, DF=1 (f3 af)", 0, movl (PDI), %eax ; movl %eax, -4(PDI) ; mov $4, %ecx ; std ; repe scasl ; cld)
#if defined(GL_MODE_LONG)
FORM(rep_movsq,  "rep movsq (f3 REX.W a5, 3 qwords)", 0, mov $3, %ecx ; rep movsq)
FORM(stosq,      "stosq (REX.W ab)", 0, stosq)
FORM(lodsq,      "lodsq (REX.W ad)", 0, lodsq)
FORM(scasq,      "scasq (REX.W af)", 0, scasq)
FORM(cmpsq_df,   "cmpsq, DF=1 (REX.W a7)", 0, std ; cmpsq ; cld)
#endif
#if defined(GL_MODE_LONG) || defined(GL_MODE_REAL)
FORM(a32_rep_movsb, "rep movsb with address size 32 (67 f3 a4)", 0, mov $5, %ecx ; addr32 rep movsb)
#endif

/* ---- INS and OUTS (scratch register of pc-testdev) ------------------ */
FORM(outsb_ovr_b, "outsb with a segment override, from the test buffer", MD_F_EQ_AC, SCRATCH_SET(0xaabbccdd) ; OVR_PRE ; outsb OVR_B(PSI), (%dx) ; movl $0xaabbcc00, %ecx ; movb OVR_B-1(PSI), %cl ; OVR_POST ; inl (%dx), %eax)
FORM(outsl_ovr_r, "outsd with a segment override, from RAM", MD_F_EQ_AC, SCRATCH_SET(0) ; mov PR, PSI ; OVRR_PRE ; outsl OVR_R(PSI), (%dx) ; movl OVR_R-4(PSI), %ecx ; OVRR_POST ; inl (%dx), %eax)
FORM(rep_outsw,  "rep outsw from the test buffer (5 words)", MD_F_EQ_AC, SCRATCH_SET(0x12345678) ; mov $5, %ecx ; rep outsw ; movl $0x12340000, %ecx ; movw -2(PSI), %cx ; inl (%dx), %eax)
FORM(insl,       "insd into the test buffer (ES:rDI)", MD_F_EQ_AC, SCRATCH_SET(0x5a6b7c8d) ; insl (%dx), %es:(PDI) ; movl %es:-4(PDI), %ecx)
FORM(insw_df,    "insw, DF=1, into the test buffer", MD_F_EQ_AC, SCRATCH_SET(0x1f2e3d4c) ; std ; insw (%dx), %es:(PDI) ; cld ; movzwl %es:2(PDI), %ecx ; movzwl %ax, %eax)
FORM(rep_insb,   "rep insb into the test buffer (6 bytes)", MD_F_EQ_AC, SCRATCH_SET(0x0403029c) ; mov $6, %ecx ; rep insb (%dx), %es:(PDI) ; movzbl %es:-6(PDI), %ecx ; movzbl %al, %eax)

/* ---- CLFLUSH, SSE moves ---------------------------------------------- */
FORM(clflush,    "clflush m8 (0f ae /7)", 0, clflush (PB))
#if defined(GL_MODE_LONG)
FORM(movdqu_ld,  "movdqu xmm, m128 (f3 0f 6f)", 0, movdqu (PB), %xmm0 ; movdqu %xmm0, 0x40(PR))
FORM(movdqu_st,  "movdqu m128, xmm (f3 0f 7f)", 0, movdqu 0x80(PR), %xmm1 ; movdqu %xmm1, (PB))
FORM(movdqa_ld,  "movdqa xmm, m128 (66 0f 6f)", MD_F_ALIGNED, movdqa (PB), %xmm2 ; movdqu %xmm2, 0x40(PR))
FORM(movdqa_st,  "movdqa m128, xmm (66 0f 7f)", MD_F_ALIGNED, movdqu 0x80(PR), %xmm3 ; movdqa %xmm3, (PB))
FORM(movups_ld,  "movups xmm, m128 (0f 10)", 0, movups 1(PB), %xmm4 ; movdqu %xmm4, 0x40(PR))
FORM(movups_st,  "movups m128, xmm (0f 11)", 0, movdqu 0x80(PR), %xmm5 ; movups %xmm5, 3(PB))
FORM(movupd_st,  "movupd m128, xmm (66 0f 11)", 0, movdqu 0x80(PR), %xmm5 ; movupd %xmm5, (PB))
FORM(movaps_ld,  "movaps xmm, m128 (0f 28)", MD_F_ALIGNED, movaps (PB), %xmm6 ; movdqu %xmm6, 0x40(PR))
FORM(movapd_st,  "movapd m128, xmm (66 0f 29)", MD_F_ALIGNED, movdqu 0x80(PR), %xmm7 ; movapd %xmm7, (PB))
FORM(movntdq_st, "movntdq m128, xmm (66 0f e7)", MD_F_ALIGNED, movdqu 0x80(PR), %xmm0 ; movntdq %xmm0, (PB))
FORM(movntps_st, "movntps m128, xmm (0f 2b)", MD_F_ALIGNED, movdqu 0x80(PR), %xmm1 ; movntps %xmm1, (PB))
FORM(movd_ld,    "movd xmm, m32 (66 0f 6e: upper bits cleared)", 0, movdqu 0x80(PR), %xmm2 ; movd 1(PB), %xmm2 ; movdqu %xmm2, 0x40(PR))
FORM(movd_st,    "movd m32, xmm (66 0f 7e)", 0, movdqu 0x80(PR), %xmm3 ; movd %xmm3, (PB))
FORM(movq_ld,    "movq xmm, m64 (f3 0f 7e)", 0, movdqu 0x80(PR), %xmm4 ; movq (PB), %xmm4 ; movdqu %xmm4, 0x40(PR))
FORM(movq_st,    "movq m64, xmm (66 0f d6)", 0, movdqu 0x80(PR), %xmm5 ; movq %xmm5, 2(PB))
FORM(movq_w_ld,  "movq xmm, m64 (66 REX.W 0f 6e)", 0, movdqu 0x80(PR), %xmm6 ; .byte 0x66, 0x48, 0x0f, 0x6e, 0x33 ; movdqu %xmm6, 0x40(PR))
FORM(movq_w_st,  "movq m64, xmm (66 REX.W 0f 7e)", 0, movdqu 0x90(PR), %xmm7 ; .byte 0x66, 0x48, 0x0f, 0x7e, 0x3b)
#endif
