/*
 * mmio_diff.c - guests mmio_real, mmio_pm32, mmio_pae, mmio_long: the
 * MMIO differential test of the Mem Assist (and of the I/O Assist's
 * memory side), one guest per CPU mode.
 *
 * Every instruction form of mmio_forms.h runs as a snippet (mmio_snip.S)
 * several times with the same registers and the same memory contents,
 * once with its operand in RAM and once in the 64 KiB buffer of QEMU's
 * pc-testdev at 0xff000000, which is MMIO: under svmhv every access there
 * is an NPF exit emulated by the assist library, while the RAM run is
 * executed by the CPU. The registers afterwards (pointer registers
 * relative to the buffer they point into), the arithmetic flags the
 * instruction defines, DF, and the bytes around the operand in both the
 * test buffer and a RAM buffer must be identical. Runs per form:
 *
 *   mid       operand at buffer offset 0x7f0: RAM vs MMIO
 *   crossing  operand at offset 0xffd, so that wider accesses cross a
 *             page boundary: RAM vs MMIO (inside the MMIO buffer)
 *   RAM->MMIO pae/long only: the same, with the buffer mapped so that
 *             its first page is RAM and its second one MMIO (gl_pgmap.h),
 *             compared with the RAM run of "crossing"
 *
 * One TAP line per form (all its runs); the differences are printed as
 * diagnostics. Forms marked EQ_AC (port I/O, which the hypervisor also
 * emulates in the RAM runs) check what they observed against the truth
 * in every run as well. Real mode uses 16-bit addressing with DS, ES and
 * GS bases set to the buffer in a short protected-mode window (so the
 * MMIO buffer at 0xff000000 is reachable from real mode), and reaches
 * memory outside its segment through GS = flat 4 GiB ("unreal" GS).
 */
#include <stdarg.h>
#include "gl.h"
#include "gl_cpu.h"
#include "gl_hv.h"
#include "gl_printf.h"
#include "gl_trap.h"
#include "tap.h"
#include "mmio_diff.h"
#if !defined(GL_MODE_REAL)
#include "gl_pgmap.h"
#endif

#define MD_F_LOGIC    BIT(0)
#define MD_F_BTF      BIT(1)
#define MD_F_ALIGNED  BIT(2)
#define MD_F_EQ_AC    BIT(3)
#define MD_F_PATCH    BIT(4)
#define MD_F_P32      BIT(5)

#define MD_MMIO       0xff000000u     /* pc-testdev MMIO buffer */
#define MD_WIN_MMIO   0xff002000u     /* its page behind the RAM page */
#define MD_WIN_LO     0x80u           /* compared: PB - 0x80 .. */
#define MD_WIN_LEN    0x200u          /* .. PB + 0x180 */
#define MD_R_LEN      0x400u          /* the R buffer, compared whole */
#define MD_R_PTR      0x100u          /* PR = R + 0x100 */
#define MD_DI_OFF     0x41u           /* PDI = PB + 0x41 */
#define MD_OFF_MID    0x7f0u
#define MD_OFF_CROSS  0xffdu
#define MD_NORM_SPAN  0x4000u         /* pointer registers: base .. +16 KiB */
#define MD_NORM_TAG   0xb000000000000000ull
#define MD_MAX_DIAG   6

/* RFLAGS (APM Vol.2 3.1.6). */
#define MD_FL_CF      BIT(0)
#define MD_FL_AF      BIT(4)
#define MD_FL_DF      BIT(10)
#define MD_FL_ARITH   0x8d5u          /* CF PF AF ZF SF OF */
#define MD_FL_IN      0x47u           /* reserved bit 1, CF, PF, ZF */

#define MD_MSR_FS_BASE 0xc0000100u

typedef unsigned long md_ureg;

#if defined(GL_MODE_LONG)
# define MD_NREG 15
#else
# define MD_NREG 7
#endif

/* Layout shared with mmio_snip.S (R_* offsets there). */
struct md_regs {
	md_ureg gpr[7];                 /* ax bx cx dx si di bp */
	md_ureg flags;
#if defined(GL_MODE_LONG)
	md_ureg r8[8];
#elif defined(GL_MODE_REAL)
	uint16_t sel[4];                /* ds es fs gs */
#endif
};
_Static_assert(offsetof(struct md_regs, flags) == 7 * sizeof(md_ureg), "R_FL");
#if defined(GL_MODE_LONG)
_Static_assert(offsetof(struct md_regs, r8) == 64, "R_R8");
#elif defined(GL_MODE_REAL)
_Static_assert(offsetof(struct md_regs, sel) == 32, "R_SEL");
#endif

enum { MD_AX, MD_BX, MD_CX, MD_DX, MD_SI, MD_DI, MD_BP };

void md_call(struct md_regs *r, const void *snippet);
#if defined(GL_MODE_REAL)
void md_real_reset(void);
#endif

/* ---- the form table (mmio_forms.h) ---------------------------------- */

#define FORM(id, name, fl, ...) extern const char md_snip_##id[];
#define FORMP(id, name, fl, b, a) extern const char md_snip_##id[]; extern char md_patch_##id[];
#define FORMP32 FORMP
#include "mmio_forms.h"
#undef FORM
#undef FORMP
#undef FORMP32

struct md_form {
	const char *name;
	const char *snip;
	char *patch;                    /* the moffs field, or NULL */
	unsigned flags;
};

#define FORM(id, name, fl, ...) { name, md_snip_##id, NULL, fl },
#define FORMP(id, name, fl, b, a) { name, md_snip_##id, md_patch_##id, (fl) | MD_F_PATCH },
#define FORMP32(id, name, fl, b, a) \
	{ name, md_snip_##id, md_patch_##id, (fl) | MD_F_PATCH | MD_F_P32 },
static const struct md_form md_forms[] = {
#include "mmio_forms.h"
};
#undef FORM
#undef FORMP
#undef FORMP32

/* ---- buffers and linear memory access ------------------------------- */

#if defined(GL_MODE_REAL)
/* Outside the 64 KiB segment; reached through GS (flat) or segment bases. */
# define MD_RAM_LIN 0x30000u
# define MD_R_LIN   0x34000u

static uint8_t md_lin_read8(uint32_t a)
{
	uint8_t v;

	__asm__ volatile("movb %%gs:(%1), %0" : "=q"(v) : "r"(a) : "memory");
	return v;
}

static uint32_t md_lin_read32(uint32_t a)
{
	uint32_t v;

	__asm__ volatile("movl %%gs:(%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void md_lin_write32(uint32_t a, uint32_t v)
{
	__asm__ volatile("movl %0, %%gs:(%1)" : : "r"(v), "r"(a) : "memory");
}
#else
static uint8_t md_ram_buf[0x2000] __attribute__((aligned(4096)));
static uint8_t md_r_buf[MD_R_LEN] __attribute__((aligned(4096)));
# define MD_RAM_LIN ((uint32_t)(uintptr_t)md_ram_buf)
# define MD_R_LIN   ((uint32_t)(uintptr_t)md_r_buf)
# if defined(GL_MODE_PAE) || defined(GL_MODE_LONG)
#  define MD_HAS_WIN 1
static uint8_t md_win_ram[4096] __attribute__((aligned(4096)));
# endif

static uint8_t md_lin_read8(uint32_t a)
{
	return *(volatile uint8_t *)(uintptr_t)a;
}

static uint32_t md_lin_read32(uint32_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static void md_lin_write32(uint32_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}
#endif

static void md_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Contents of the test buffer and of R at byte i (not periodic in 256). */
static uint8_t md_pat(uint32_t i)
{
	return (uint8_t)((i * 0x9du) ^ ((i >> 8) * 0x47u) ^ 0x35u);
}

static uint8_t md_rpat(uint32_t i)
{
	return (uint8_t)((i * 0x3bu) ^ ((i >> 8) * 0x13u) ^ 0x71u);
}

static uint32_t md_pat32(uint8_t (*pat)(uint32_t), uint32_t i)
{
	return pat(i) | (uint32_t)pat(i + 1) << 8 | (uint32_t)pat(i + 2) << 16 |
	    (uint32_t)pat(i + 3) << 24;
}

/* ---- mode set-up: segments ----------------------------------------- */

#if !defined(GL_MODE_LONG)
/* A data segment descriptor (APM Vol.2 4.7.1): base, 20-bit limit, G/DB. */
static uint64_t md_desc(uint32_t base, uint32_t limit, bool big)
{
	return (limit & 0xffffull) | ((uint64_t)(base & 0xffffff) << 16) |
	    (0x93ull << 40) |               /* P, S, data read/write accessed */
	    ((uint64_t)((limit >> 16) & 0xf) << 48) |
	    (big ? (0xcull << 52) : 0) |    /* G, D/B */
	    ((uint64_t)(base >> 24) << 56);
}

struct md_dtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));
#endif

#if defined(GL_MODE_REAL)
/* null, MD_SEL_BUF (base per run, 64 KiB), MD_SEL_FLAT (4 GiB). */
static uint64_t md_gdt[3];

static void md_mode_init(void)
{
	struct md_dtr d = { sizeof(md_gdt) - 1,
	    GUEST_LOAD_GPA + (uint32_t)(uintptr_t)md_gdt };

	md_gdt[2] = md_desc(0, 0xfffff, true);
	__asm__ volatile("lgdtl %0" : : "m"(d));
	md_real_reset();
}
#elif defined(GL_MODE_LONG)
static void md_mode_init(void)
{
	/* CR0.MP set, EM clear; CR4.OSFXSR and OSXMMEXCPT: SSE usable. */
	unsigned long cr0 = gl_read_cr0(), cr4 = gl_read_cr4();

	cr0 = (cr0 & ~BIT(2)) | BIT(1);
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | BIT(9) | BIT(10)));
	gl_wrmsr(MD_MSR_FS_BASE, MD_FS_BASE);
	gl_pgmap_mmio();
}
#else
/* The entry stub's GDT plus 0x20: data with base MD_FS_BASE, for FS. */
static uint64_t md_gdt[5];

static void md_mode_init(void)
{
	struct md_dtr d = { sizeof(md_gdt) - 1, (uint32_t)(uintptr_t)md_gdt };

	md_gdt[1] = 0x00cf9a000000ffffull;     /* 0x08: code32, as gl_entry.S */
	md_gdt[2] = 0x00cf92000000ffffull;     /* 0x10: data */
	md_gdt[3] = 0x00af9a000000ffffull;     /* 0x18: code64 (unused) */
	md_gdt[4] = md_desc(MD_FS_BASE, 0xfffff, true);
	__asm__ volatile("lgdtl %0\n\tmovw %1, %%fs" : : "m"(d), "r"((uint16_t)0x20));
	gl_pgmap_mmio();
}
#endif

/* ---- one run -------------------------------------------------------- */

enum md_target { MD_T_RAM, MD_T_MMIO, MD_T_WIN };

struct md_result {
	bool faulted;
	struct gl_fault fault;
	uint64_t reg[MD_NREG];          /* pointer registers normalized */
	uint64_t flags;
	unsigned pb;                    /* index of PB in mem[] */
	uint8_t mem[MD_WIN_LEN];
	uint8_t rmem[MD_R_LEN];
};

static struct md_result md_ref, md_cur;

struct md_call_arg {
	struct md_regs *r;
	const char *snip;
};

static void md_call_fn(void *arg)
{
	struct md_call_arg *a = arg;

	md_call(a->r, a->snip);
}

static uint32_t md_base(enum md_target t)
{
#if defined(MD_HAS_WIN)
	if (t == MD_T_WIN)
		return GL_PGMAP_WIN;
#endif
	return t == MD_T_MMIO ? MD_MMIO : MD_RAM_LIN;
}

static void md_setup_regs(struct md_regs *r, uint32_t base, uint32_t off)
{
	/* Flat modes: linear pointers; real mode: offsets in DS/ES/GS = base. */
#if defined(GL_MODE_REAL)
	md_ureg ptr = off, rptr = MD_R_PTR;

	(void)base;
	r->sel[0] = r->sel[1] = r->sel[3] = MD_SEL_BUF;
	r->sel[2] = (uint16_t)(MD_R_LIN >> 4);
#else
	md_ureg ptr = base + off, rptr = MD_R_LIN + MD_R_PTR;
#endif
	r->gpr[MD_AX] = (md_ureg)0x8877665544332211ull;
	r->gpr[MD_BX] = ptr;
	r->gpr[MD_CX] = (md_ureg)0xf0e1d2c3b4a59687ull;
	r->gpr[MD_DX] = (md_ureg)0x0123456789abcdefull;
	r->gpr[MD_SI] = ptr;
	r->gpr[MD_DI] = ptr + MD_DI_OFF;
	r->gpr[MD_BP] = rptr;
	r->flags = MD_FL_IN;
#if defined(GL_MODE_LONG)
	r->r8[0] = ptr;
	for (unsigned i = 1; i < 8; i++)
		r->r8[i] = 0x0102030405060708ull * i + 0x1010101010101010ull;
#endif
}

/* Write the operand's address into a moffs form. */
static void md_patch(const struct md_form *f, uint32_t base, uint32_t off)
{
#if defined(GL_MODE_REAL)
	(void)base;
	*(volatile uint16_t *)f->patch = (uint16_t)off;
#elif defined(GL_MODE_LONG)
	if (f->flags & MD_F_P32)
		*(volatile uint32_t *)f->patch = base + off;
	else
		*(volatile uint64_t *)f->patch = (uint64_t)base + off;
#else
	*(volatile uint32_t *)f->patch = base + off;
#endif
}

/*
 * Fill the compared memory, set the registers, patch a moffs form: the
 * state every run of a form starts from.
 */
static void md_prepare(const struct md_form *f, enum md_target t, uint32_t off,
    struct md_regs *r)
{
	uint32_t base = md_base(t), w0 = (off - MD_WIN_LO) & ~3u;

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0; i < MD_WIN_LEN; i += 4)
		md_lin_write32(base + w0 + i, md_pat32(md_pat, w0 + i));
	for (uint32_t i = 0; i < MD_R_LEN; i += 4)
		md_lin_write32(MD_R_LIN + i, md_pat32(md_rpat, i));
	md_setup_regs(r, base, off);
	if (f->patch)
		md_patch(f, base, off);
#if defined(GL_MODE_REAL)
	md_gdt[1] = md_desc(base, 0xffff, false);
#endif
}

/* Run the snippet; a fault is recorded, not fatal. */
static void md_exec(const struct md_form *f, struct md_regs *r, struct md_result *res)
{
	struct md_call_arg a = { r, f->snip };

	res->faulted = gl_try(md_call_fn, &a, &res->fault) != 0;
#if defined(GL_MODE_REAL)
	if (res->faulted)
		md_real_reset();
#endif
}

static void md_run(const struct md_form *f, enum md_target t, uint32_t off,
    struct md_result *res)
{
	uint32_t base = md_base(t), w0 = (off - MD_WIN_LO) & ~3u;
	struct md_regs r;

	md_prepare(f, t, off, &r);
	md_exec(f, &r, res);
	for (unsigned i = 0; i < MD_NREG; i++) {
		uint64_t v = i < 7 ? r.gpr[i] : 0;

#if defined(GL_MODE_LONG)
		if (i >= 7)
			v = r.r8[i - 7];
#endif
#if !defined(GL_MODE_REAL)
		if (v - base < MD_NORM_SPAN)
			v = MD_NORM_TAG | (v - base);
#endif
		res->reg[i] = v;
	}
	res->flags = r.flags;
	res->pb = off - w0;
	/* Dwords: on MMIO every read is an exit. */
	for (uint32_t i = 0; i < MD_WIN_LEN; i += 4)
		md_put32(res->mem + i, md_lin_read32(base + w0 + i));
	for (uint32_t i = 0; i < MD_R_LEN; i += 4)
		md_put32(res->rmem + i, md_lin_read32(MD_R_LIN + i));
}

/* ---- comparison ----------------------------------------------------- */

#if defined(GL_MODE_LONG)
static const char *const md_reg_names[MD_NREG] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
#else
static const char *const md_reg_names[MD_NREG] = {
	"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp",
};
#endif

static bool md_quiet;                  /* md_check_harness: no diagnostics */

static void md_diag(const char *fmt, ...)
{
	va_list ap;

	if (md_quiet)
		return;
	gl_puts("# ");
	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
	gl_putc('\n');
}

static unsigned md_flag_mask(const struct md_form *f)
{
	if (f->flags & MD_F_BTF)
		return MD_FL_CF | MD_FL_DF;
	if (f->flags & MD_F_LOGIC)
		return (MD_FL_ARITH & ~MD_FL_AF) | MD_FL_DF;
	return MD_FL_ARITH | MD_FL_DF;
}

static void md_print_fault(const char *what, const char *which,
    const struct md_result *r)
{
	md_diag("%s: %s run raised %s (vector %u, error 0x%x) at 0x%llx", what,
	    which, gl_trap_name(r->fault.vector), r->fault.vector, r->fault.error,
	    (unsigned long long)r->fault.ip);
}

/* The checks one result must pass on its own (no fault, EQ_AC, DF clear). */
static bool md_check_one(const struct md_form *f, const char *what,
    const char *which, const struct md_result *r)
{
	if (r->faulted) {
		md_print_fault(what, which, r);
		return false;
	}
	if ((f->flags & MD_F_EQ_AC) && r->reg[MD_AX] != r->reg[MD_CX]) {
		md_diag("%s: %s run observed 0x%llx, expected 0x%llx", what, which,
		    (unsigned long long)r->reg[MD_AX], (unsigned long long)r->reg[MD_CX]);
		return false;
	}
	return true;
}

static bool md_compare(const struct md_form *f, const char *what,
    const char *other, const struct md_result *ref, const struct md_result *cur)
{
	unsigned mask = md_flag_mask(f), ndiag = 0;
	bool ok = md_check_one(f, what, "RAM", ref) &
	    md_check_one(f, what, other, cur);

	if (ref->faulted || cur->faulted)
		return false;
	for (unsigned i = 0; i < MD_NREG; i++) {
		if (ref->reg[i] == cur->reg[i])
			continue;
		ok = false;
		if (ndiag++ < MD_MAX_DIAG)
			md_diag("%s: %s RAM 0x%llx %s 0x%llx", what, md_reg_names[i],
			    (unsigned long long)ref->reg[i], other,
			    (unsigned long long)cur->reg[i]);
	}
	if ((ref->flags ^ cur->flags) & mask) {
		ok = false;
		md_diag("%s: rflags RAM 0x%llx %s 0x%llx (compared 0x%x)", what,
		    (unsigned long long)ref->flags, other,
		    (unsigned long long)cur->flags, mask);
	}
	for (unsigned i = 0; i < MD_WIN_LEN; i++) {
		if (ref->mem[i] == cur->mem[i])
			continue;
		ok = false;
		if (ndiag++ < MD_MAX_DIAG)
			md_diag("%s: test buffer byte PB%+d RAM 0x%02x %s 0x%02x", what,
			    (int)i - (int)ref->pb,
			    ref->mem[i], other, cur->mem[i]);
	}
	for (unsigned i = 0; i < MD_R_LEN; i++) {
		if (ref->rmem[i] == cur->rmem[i])
			continue;
		ok = false;
		if (ndiag++ < MD_MAX_DIAG)
			md_diag("%s: R buffer byte PR%+d RAM 0x%02x %s 0x%02x", what,
			    (int)i - (int)MD_R_PTR, ref->rmem[i], other, cur->rmem[i]);
	}
	return ok;
}

static bool md_form_check(const struct md_form *f)
{
	bool ok;

	md_run(f, MD_T_RAM, MD_OFF_MID, &md_ref);
	md_run(f, MD_T_MMIO, MD_OFF_MID, &md_cur);
	ok = md_compare(f, "mid", "MMIO", &md_ref, &md_cur);
	if (f->flags & MD_F_ALIGNED)
		return ok;
	md_run(f, MD_T_RAM, MD_OFF_CROSS, &md_ref);
	md_run(f, MD_T_MMIO, MD_OFF_CROSS, &md_cur);
	ok &= md_compare(f, "page-crossing", "MMIO", &md_ref, &md_cur);
#if defined(MD_HAS_WIN)
	md_run(f, MD_T_WIN, MD_OFF_CROSS, &md_cur);
	ok &= md_compare(f, "RAM->MMIO crossing", "RAM->MMIO", &md_ref, &md_cur);
#endif
	return ok;
}

/* ---- sanity checks of the set-up ----------------------------------- */

/* The MMIO buffer keeps what is written at any width and offset. */
static void md_check_buffer(void)
{
	md_lin_write32(MD_MMIO + 0x104, 0x11223344);
	md_lin_write32(MD_MMIO + 0xffe, 0xa1b2c3d4);        /* crosses a page */
	tap_ok(md_lin_read32(MD_MMIO + 0x104) == 0x11223344 &&
	    md_lin_read8(MD_MMIO + 0x105) == 0x33 &&
	    md_lin_read32(MD_MMIO + 0xffe) == 0xa1b2c3d4 &&
	    md_lin_read8(MD_MMIO + 0x1001) == 0xa1,
	    GL_MODE_NAME ": pc-testdev MMIO buffer reads back what was written");
}

/* Under svmhv: one access to the buffer is exactly one NPF exit. */
static void md_check_npf(void)
{
	uint64_t n0, n1;
	volatile uint32_t v;

	if (!gl_hv_is_svmhv()) {
		tap_skip("not under svmhv", GL_MODE_NAME ": an MMIO access is one NPF exit");
		return;
	}
	if (gl_hv_exit_count(GL_EXIT_NPF, &n0) != 0) {
		tap_ok(false, GL_MODE_NAME ": VMMCALL exit count works");
		return;
	}
	v = md_lin_read32(MD_MMIO + 0x200);
	(void)v;
	gl_hv_exit_count(GL_EXIT_NPF, &n1);
	tap_eq(n1 - n0, 1, GL_MODE_NAME ": an MMIO access is one NPF exit");
}

/*
 * An instruction form the Mem Assist does not emulate (an x87 store:
 * FNSTSW m16, dd /7) on MMIO: under svmhv #UD at the instruction, and the
 * hypervisor goes on (guest_test.py also looks for its log line). On
 * plain QEMU the store just happens.
 */
#if defined(GL_MODE_REAL)
# define MD_X87_SEG "%%gs:"
#else
# define MD_X87_SEG ""
#endif
extern const char md_x87_at[];

static void md_x87_store(void *arg)
{
	__asm__ volatile(".globl md_x87_at\n"
	    "md_x87_at:\n\t"
	    "fnstsw " MD_X87_SEG "(%0)"
	    : : "r"(arg) : "memory");
}

static void md_check_unemulated(void)
{
	struct gl_fault f = { 0, 0, 0, 0 };
	bool faulted;

	if (!gl_hv_is_svmhv()) {
		tap_skip("not under svmhv", GL_MODE_NAME ": an x87 store to MMIO (dd /7) is #UD");
		return;
	}
	faulted = gl_try(md_x87_store, (void *)(uintptr_t)(MD_MMIO + 0x300), &f) != 0;
	tap_ok(faulted && f.vector == X86_VEC_UD && f.ip == (uintptr_t)md_x87_at,
	    GL_MODE_NAME ": an x87 store to MMIO (dd /7) is #UD at it (got %s at 0x%llx)",
	    faulted ? gl_trap_name(f.vector) : "nothing", (unsigned long long)f.ip);
}

/*
 * The snippets really reach each target: a value planted at the operand
 * address of each run (and nowhere else) is what "mov r32, r/m32" loads.
 * Without this, runs that all missed their target the same way (say, a
 * real-mode segment base that did not load) would compare equal.
 */
static void md_check_reach(void)
{
	static const struct md_form ld = { "mov", md_snip_mov_ld_l, NULL, 0 };
	static const char *const names[] = { "RAM", "MMIO", "RAM->MMIO window" };
#if defined(MD_HAS_WIN)
	unsigned nt = 3;
#else
	unsigned nt = 2;
#endif
	bool ok = true;

	for (unsigned t = 0; t < nt; t++) {
		uint32_t want = 0x5eed0000u | (t << 8) | MD_OFF_CROSS, got;
		struct md_regs r;
		struct md_result res;

		md_prepare(&ld, (enum md_target)t, MD_OFF_CROSS, &r);
		md_lin_write32(md_base((enum md_target)t) + MD_OFF_CROSS, want);
		md_exec(&ld, &r, &res);
		got = (uint32_t)r.gpr[MD_AX];
		if (res.faulted || got != want) {
			tap_diag("%s run loaded 0x%x, planted 0x%x%s", names[t], got, want,
			    res.faulted ? " (faulted)" : "");
			ok = false;
		}
	}
	tap_ok(ok, GL_MODE_NAME ": the runs reach their targets (planted values loaded)");
}

/*
 * The comparison itself notices each kind of difference: a run compared
 * with a copy of itself passes, and fails once a register, a compared
 * flag, a byte of either buffer, the fault flag or an EQ_AC value is
 * changed in the copy; flags a form leaves undefined do not count (AF for
 * LOGIC, all but CF for BTF).
 */
static void md_check_harness(void)
{
	static const struct md_form ld = { "mov", md_snip_mov_ld_l, NULL, 0 };
	static const struct md_form logic = { "and", md_snip_mov_ld_l, NULL, MD_F_LOGIC };
	static const struct md_form eq = { "eq", md_snip_mov_ld_l, NULL, MD_F_EQ_AC };
	static const struct md_form btf = { "bt", md_snip_mov_ld_l, NULL, MD_F_BTF };
	struct md_result *a = &md_ref, *b = &md_cur;
	bool ok;

	md_run(&ld, MD_T_RAM, MD_OFF_MID, a);
	md_quiet = true;
	ok = md_compare(&ld, "", "", a, a);
	*b = *a;
	b->flags ^= BIT(6);                     /* ZF */
	ok = ok && !md_compare(&ld, "", "", a, b);
	ok = ok && md_compare(&logic, "", "", a, a);
	ok = ok && !md_compare(&logic, "", "", a, b) && md_compare(&btf, "", "", a, b);
	*b = *a;
	b->flags ^= MD_FL_AF;
	ok = ok && md_compare(&logic, "", "", a, b) && !md_compare(&ld, "", "", a, b);
	*b = *a;
	b->flags ^= MD_FL_CF;
	ok = ok && !md_compare(&btf, "", "", a, b);
	*b = *a;
	b->reg[MD_NREG - 1] ^= 1;
	ok = ok && !md_compare(&ld, "", "", a, b);
	*b = *a;
	b->mem[b->pb + 1] ^= 1;
	ok = ok && !md_compare(&ld, "", "", a, b);
	*b = *a;
	b->rmem[MD_R_LEN - 1] ^= 1;
	ok = ok && !md_compare(&ld, "", "", a, b);
	*b = *a;
	b->faulted = true;
	ok = ok && !md_compare(&ld, "", "", a, b);
	*b = *a;
	b->reg[MD_CX] = b->reg[MD_AX] + 1;
	ok = ok && md_compare(&ld, "", "", b, b) && !md_compare(&eq, "", "", b, b);
	md_quiet = false;
	tap_ok(ok, GL_MODE_NAME ": the comparison notices a changed register, flag, "
	    "byte, fault or EQ_AC value");
}

#if defined(MD_HAS_WIN)
/* The window: a RAM page, then the MMIO page right after it. */
static void md_map_window(void)
{
	bool ok = gl_pgmap_4k(GL_PGMAP_WIN, (uintptr_t)md_win_ram, false) == 0 &&
	    gl_pgmap_4k(GL_PGMAP_WIN + 0x1000, MD_WIN_MMIO, true) == 0;

	if (ok) {
		md_lin_write32(GL_PGMAP_WIN + 0x10, 0x5566aabb);
		md_lin_write32(GL_PGMAP_WIN + 0x1010, 0x778899cc);
		ok = *(volatile uint32_t *)(md_win_ram + 0x10) == 0x5566aabb &&
		    md_lin_read32(MD_WIN_MMIO + 0x10) == 0x778899cc;
	}
	tap_ok(ok, GL_MODE_NAME ": window at 0x%x maps RAM, then the MMIO page 0x%x",
	    GL_PGMAP_WIN, MD_WIN_MMIO);
}
#endif

void guest_main(void)
{
	unsigned n = ARRAY_SIZE(md_forms);

	md_mode_init();
#if defined(MD_HAS_WIN)
	tap_plan(n + 6);
	md_map_window();
#else
	tap_plan(n + 5);
#endif
	md_check_buffer();
	md_check_npf();
	md_check_unemulated();
	md_check_reach();
	md_check_harness();
	for (unsigned i = 0; i < n; i++)
		tap_ok(md_form_check(&md_forms[i]), GL_MODE_NAME ": %s", md_forms[i].name);
	tap_done();
}
