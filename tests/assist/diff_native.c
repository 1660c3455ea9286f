/*
 * diff_native.c - the native side of the CPU differential: a stub built
 * for each instruction that loads a context, runs the instruction in
 * 64-bit mode or in the 32-bit user code segment, and stores the context
 * back (see diff_native.h for the memory layout).
 *
 * Linux x86-64 facts used (arch/x86/include/asm/segment.h): the 32-bit
 * user code segment is selector 0x23, the 64-bit one 0x33, the user data
 * segment 0x2b; a far call from 64-bit code through an m16:32 pointer
 * into 0x23 runs 32-bit code, and a 32-bit far return comes back.
 * Compatibility mode uses legacy segmentation (AMD APM Vol.2 4.12), so DS
 * and ES are loaded with 0x2b first (a 64-bit process has them null), and
 * the stack is moved below 4 GiB. FS/GS with a base in 32-bit code need
 * LDT segments (modify_ldt(2)); loading FS replaces the process's TLS
 * base, so the stub restores it with arch_prctl(ARCH_SET_FS) before
 * returning to C.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diff_native.h"

#define DIFF_MAP_SIZE   0x4000
#define DIFF_CODE32     0x1800  /* the 32-bit part of the stub */
#define DIFF_FARPTR     0x1ff0  /* m16:32 of the 32-bit part */
#define DIFF_STACK      0x3000  /* top of the stack (grows down to 0x2000) */
#define DIFF_DATA       0x3000

#define DIFF_SEL_CODE32 0x23
#define DIFF_SEL_DATA   0x2b
#define DIFF_SEL_FS     0x07    /* LDT entry 0, RPL 3 */
#define DIFF_SEL_GS     0x0f    /* LDT entry 1, RPL 3 */
#define DIFF_SEL_DS     0x17    /* LDT entry 2, RPL 3 */
#define DIFF_SEL_ES     0x1f    /* LDT entry 3, RPL 3 */

_Static_assert(offsetof(struct diff_ctx, rflags) == 0x80, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, xmm) == 0x88, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, host_rsp) == 0x188, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, fs_run) == 0x190, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, fs_host) == 0x198, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, gs_host) == 0x1a0, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, stack) == 0x1a8, "stub offsets");

static uint64_t diff_fs_host, diff_gs_base;
static bool diff_ldt_loaded;

/* ------------------------------------------------------------------------ */
/* Code emission */

struct diff_emit {
	uint8_t *p;
};

static void
de_bytes(struct diff_emit *e, const void *b, size_t n)
{
	memcpy(e->p, b, n);
	e->p += n;
}

static void
de_u32(struct diff_emit *e, uint32_t v)
{
	de_bytes(e, &v, 4);
}

/* mov reg, [rdi + 8*reg] / mov [rdi + 8*reg], reg */
static void
de_gpr(struct diff_emit *e, unsigned reg, bool store)
{
	uint8_t b[4] = {
		(uint8_t)(0x48 | (reg >= 8 ? 4 : 0)), store ? 0x89 : 0x8b,
		(uint8_t)(0x40 | ((reg & 7) << 3) | 7), (uint8_t)(8 * reg),
	};

	de_bytes(e, b, 4);
}

/* movdqu xmm<reg>, [rdi + 0x88 + 16*reg] (load) or the store. */
static void
de_xmm(struct diff_emit *e, unsigned reg, bool store)
{
	uint8_t b[4] = { 0xf3, 0x44, 0x0f, store ? 0x7f : 0x6f };

	de_bytes(e, b, 1);
	if (reg >= 8)
		de_bytes(e, &b[1], 1);
	de_bytes(e, &b[2], 2);
	b[0] = (uint8_t)(0x80 | ((reg & 7) << 3) | 7);
	de_bytes(e, b, 1);
	de_u32(e, 0x88 + 16 * reg);
}

/* arch_prctl(code, [base + off]) by a raw syscall; base register rdi or rbx. */
static void
de_arch_prctl(struct diff_emit *e, unsigned code, bool rbx, uint32_t off)
{
	uint8_t mov[3] = { 0x48, 0x8b, (uint8_t)(rbx ? 0xb3 : 0xb7) };

	de_bytes(e, mov, 3);                    /* mov rsi, [rdi/rbx + off] */
	de_u32(e, off);
	de_bytes(e, "\xbf", 1);                 /* mov edi, code */
	de_u32(e, code);
	de_bytes(e, "\xb8", 1);                 /* mov eax, SYS_arch_prctl */
	de_u32(e, SYS_arch_prctl);
	de_bytes(e, "\x0f\x05", 2);             /* syscall */
}

/* mov eax, sel; mov sreg, eax (sreg: 3 DS, 0 ES, 4 FS, 5 GS) */
static void
de_sreg(struct diff_emit *e, unsigned sreg, uint16_t sel)
{
	uint8_t b[2] = { 0x8e, (uint8_t)(0xc0 | (sreg << 3)) };

	de_bytes(e, "\xb8", 1);
	de_u32(e, sel);
	de_bytes(e, b, 2);
}

uint64_t
diff_native_emit(struct diff_native *nat, enum diff_mode mode,
    const uint8_t *insn, size_t len, bool fs)
{
	static const uint8_t pro[] = {
		0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, /* push rbx..r15 */
		0x48, 0x89, 0xa7, 0x88, 0x01, 0x00, 0x00,       /* mov [rdi+0x188], rsp */
		0x48, 0x8b, 0xa7, 0xa8, 0x01, 0x00, 0x00,       /* mov rsp, [rdi+0x1a8] */
		0x57,                                           /* push rdi (ctx) */
	};
	static const uint8_t epi[] = {
		0x48, 0x87, 0x3c, 0x24,                         /* xchg [rsp], rdi */
	};
	struct diff_emit e = { .p = nat->code };
	bool m32 = mode == DIFF_M32;
	uint64_t at;

	de_bytes(&e, pro, sizeof(pro));
	if (fs && !m32) {
		de_arch_prctl(&e, ARCH_SET_FS, false, 0x190);
		de_bytes(&e, "\x48\x8b\x3c\x24", 4);    /* mov rdi, [rsp] */
	}
	if (m32) {
		de_sreg(&e, 3, nat->ldt ? DIFF_SEL_DS : DIFF_SEL_DATA);
		de_sreg(&e, 0, nat->ldt ? DIFF_SEL_ES : DIFF_SEL_DATA);
		if (nat->ldt) {
			de_sreg(&e, 4, DIFF_SEL_FS);
			de_sreg(&e, 5, DIFF_SEL_GS);
		}
	}
	de_bytes(&e, "\xff\xb7\x80\x00\x00\x00\x9d", 7); /* push [rdi+0x80]; popfq */
	for (unsigned r = 0; r < 16; r++)
		de_xmm(&e, r, false);
	for (unsigned r = 0; r < 16; r++)
		if (r != 4 && r != 7)
			de_gpr(&e, r, false);
	de_gpr(&e, 7, false);
	if (m32) {
		uint8_t *c32 = nat->code + DIFF_CODE32;
		uint32_t fp = (uint32_t)(uintptr_t)(nat->code + DIFF_FARPTR);
		uint16_t sel = DIFF_SEL_CODE32;

		de_bytes(&e, "\xff\x1c\x25", 3);        /* call far [fp] */
		de_u32(&e, fp);
		memcpy(c32, insn, len);
		c32[len] = 0xcb;                        /* retf */
		fp = (uint32_t)(uintptr_t)c32;
		memcpy(nat->code + DIFF_FARPTR, &fp, 4);
		memcpy(nat->code + DIFF_FARPTR + 4, &sel, 2);
		nat->insn_at = DIFF_CODE32;
	} else {
		nat->insn_at = (size_t)(e.p - nat->code);
		de_bytes(&e, insn, len);
	}
	at = (uint64_t)(uintptr_t)(nat->code + nat->insn_at);
	de_bytes(&e, epi, sizeof(epi));
	for (unsigned r = 0; r < 16; r++)
		if (r != 4 && r != 7)
			de_gpr(&e, r, true);
	for (unsigned r = 0; r < 16; r++)
		de_xmm(&e, r, true);
	de_bytes(&e, "\x9c\x8f\x87\x80\x00\x00\x00", 7); /* pushfq; pop [rdi+0x80] */
	de_bytes(&e, "\xfc", 1);                        /* cld: the ABI wants DF = 0 */
	de_bytes(&e, "\x58\x48\x89\x47\x38", 5);        /* pop rax; mov [rdi+0x38], rax */
	de_bytes(&e, "\x48\x89\xfb", 3);                /* mov rbx, rdi */
	if (m32) {
		de_sreg(&e, 3, 0);
		de_sreg(&e, 0, 0);
		if (nat->ldt) {
			de_sreg(&e, 4, 0);
			de_sreg(&e, 5, 0);
			de_arch_prctl(&e, ARCH_SET_GS, true, 0x1a0);
		}
	}
	if ((fs && !m32) || (m32 && nat->ldt))
		de_arch_prctl(&e, ARCH_SET_FS, true, 0x198);
	de_bytes(&e, "\x48\x8b\xa3\x88\x01\x00\x00", 7); /* mov rsp, [rbx+0x188] */
	de_bytes(&e, "\x41\x5f\x41\x5e\x41\x5d\x41\x5c\x5d\x5b\xc3", 11); /* pops, ret */
	return at;
}

void
diff_native_patch(struct diff_native *nat, const uint8_t *insn, size_t len)
{
	memcpy(nat->code + nat->insn_at, insn, len);
}

void
diff_native_run(struct diff_native *nat, struct diff_ctx *ctx)
{
	ctx->fs_host = diff_fs_host;
	ctx->gs_host = diff_gs_base;
	ctx->stack = (uint64_t)(uintptr_t)(nat->code + DIFF_STACK);
	((void (*)(struct diff_ctx *))(uintptr_t)nat->code)(ctx);
}

/* ------------------------------------------------------------------------ */
/* Set-up */

static sigjmp_buf diff_probe_jmp;

static void
diff_probe_fault(int sig)
{
	siglongjmp(diff_probe_jmp, sig);
}

/* Run a NOP in the 32-bit code segment; false if that faults. */
static bool
diff_probe_compat(struct diff_native *nat)
{
	struct sigaction sa, old_segv, old_bus;
	struct diff_ctx ctx;
	volatile bool ok = false;
	bool ldt = nat->ldt;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = diff_probe_fault;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	memset(&ctx, 0, sizeof(ctx));
	ctx.rflags = 0x202;
	nat->ldt = false;               /* leave FS alone while probing */
	diff_native_emit(nat, DIFF_M32, (const uint8_t *)"\x90", 1, false);
	if (sigsetjmp(diff_probe_jmp, 1) == 0) {
		diff_native_run(nat, &ctx);
		ok = true;
	}
	nat->ldt = ldt;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return ok;
}

/* LDT data segments for FS, GS, DS and ES of 32-bit runs. */
static bool
diff_setup_ldt(const struct diff_native *nat)
{
	static const int off[4] = {
		DIFF_FS_OFF, DIFF_GS_OFF, DIFF_DS_OFF, DIFF_ES_OFF,
	};

	for (unsigned i = 0; i < 4; i++) {
		struct user_desc d;

		memset(&d, 0, sizeof(d));
		d.entry_number = i;
		d.base_addr = (uint32_t)(uintptr_t)(nat->buf + off[i]);
		d.limit = 0xfffff;
		d.seg_32bit = 1;
		d.limit_in_pages = 1;
		d.useable = 1;
		if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)) != 0)
			return false;
	}
	return true;
}

int
diff_native_init(struct diff_native *nat)
{
	void *p;

	memset(nat, 0, sizeof(*nat));
	/* Below 64 KiB if vm.mmap_min_addr allows, else below 2 GiB. */
	p = mmap((void *)0x1000, DIFF_MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED && (uintptr_t)p + DIFF_MAP_SIZE <= 0x10000) {
		nat->low16 = true;
	} else {
		if (p != MAP_FAILED)
			munmap(p, DIFF_MAP_SIZE);
		p = mmap(NULL, DIFF_MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (p == MAP_FAILED)
			return -1;
	}
	nat->code = p;
	nat->buf = nat->code + DIFF_DATA;
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &diff_fs_host) != 0)
		return -1;
	diff_gs_base = (uint64_t)(uintptr_t)(nat->buf + DIFF_GS_OFF);
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, diff_gs_base) != 0)
		return -1;
	diff_ldt_loaded = diff_setup_ldt(nat);
	nat->ldt = diff_ldt_loaded;
	nat->compat = diff_probe_compat(nat);
	if (!nat->compat)
		nat->ldt = false;
	return 0;
}
