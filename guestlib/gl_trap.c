/*
 * gl_trap.c - exception tables and handlers of the test guests (see
 * gl_trap.h). The stubs are in gl_trap_stubs.S.
 *
 * Gate formats: APM Vol.2 ch.4, "Gate Descriptors" (32-bit interrupt gate,
 * 8 bytes) and "Long-Mode Gate Descriptors" (16 bytes). Real mode: APM
 * Vol.2 ch.8, "Real-Mode Interrupt Control Transfers" (the IVT: 4-byte
 * offset:segment entries, located by IDTR, normally at physical 0).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"
#include "gl_trap.h"
#include "gl_intr.h"

#define GL_NVEC 256             /* IDT/IVT entries */
#define GL_NEXC 32              /* exception vectors */

#define GL_SEL_CODE32 0x08
#define GL_SEL_CODE64 0x18

/* Gate descriptor fields (low qword). */
#define GL_GATE_OFF_LO   BITS(15, 0)
#define GL_GATE_SEL      BITS(31, 16)
#define GL_GATE_TYPE     BITS(43, 40)
#define GL_GATE_P        BIT(47)
#define GL_GATE_OFF_MID  BITS(63, 48)
#define GL_GATE_TYPE_INT 0xeu         /* 32/64-bit interrupt gate */

extern const uintptr_t gl_trap_stubs[GL_NVEC];
extern uintptr_t gl_try_sp;
extern struct gl_fault *gl_try_fault;
__attribute__((noreturn)) void gl_try_unwind(void);
void gl_trap(struct gl_trapframe *tf);

struct gl_dtr {
	uint16_t limit;
	uintptr_t base;
} __attribute__((packed));

#if defined(GL_MODE_LONG)
static uint64_t gl_idt[GL_NVEC * 2] __attribute__((aligned(16)));
#elif !defined(GL_MODE_REAL)
static uint64_t gl_idt[GL_NVEC] __attribute__((aligned(16)));
#endif

void gl_trap_init(void)
{
	struct gl_dtr dtr;

#if defined(GL_MODE_REAL)
	/* IVT entry v at physical 4*v: offset word, then segment word. */
	for (unsigned v = 0; v < GL_NVEC; v++) {
		gl_phys_write16(4 * v, (uint16_t)gl_trap_stubs[v]);
		gl_phys_write16(4 * v + 2, GUEST_ENTRY_CS);
	}
	dtr.limit = 0x3ff;
	dtr.base = 0;
#else
	for (unsigned v = 0; v < GL_NVEC; v++) {
		uint64_t off = gl_trap_stubs[v];
# if defined(GL_MODE_LONG)
		gl_idt[2 * v] = SHIFTIN(off, GL_GATE_OFF_LO) |
		    SHIFTIN(GL_SEL_CODE64, GL_GATE_SEL) |
		    SHIFTIN(GL_GATE_TYPE_INT, GL_GATE_TYPE) | GL_GATE_P |
		    SHIFTIN(off >> 16, GL_GATE_OFF_MID);
		gl_idt[2 * v + 1] = off >> 32;
# else
		gl_idt[v] = SHIFTIN(off, GL_GATE_OFF_LO) |
		    SHIFTIN(GL_SEL_CODE32, GL_GATE_SEL) |
		    SHIFTIN(GL_GATE_TYPE_INT, GL_GATE_TYPE) | GL_GATE_P |
		    SHIFTIN(off >> 16, GL_GATE_OFF_MID);
# endif
	}
	dtr.limit = sizeof(gl_idt) - 1;
	dtr.base = (uintptr_t)gl_idt;
#endif
	__asm__ volatile("lidt %0" : : "m"(dtr));
}

static const char *const gl_trap_names[GL_NEXC] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "res15",
	"#MF", "#AC", "#MC", "#XF", "res20", "#CP", "res22", "res23",
	"res24", "res25", "res26", "res27", "#HV", "#VC", "#SX", "res31",
};

const char *gl_trap_name(uint32_t vector)
{
	return vector < GL_NEXC ? gl_trap_names[vector] : "interrupt";
}

/*
 * Called by gl_trap_common with the frame. A registered handler runs and
 * gl_trap returns (the stub IRETs). Otherwise, inside gl_try: record the
 * exception (or unexpected interrupt vector) and unwind to gl_try; else
 * report and end the run with status 1.
 */
void gl_trap(struct gl_trapframe *tf)
{
	tf->vector &= 0xff;             /* pushed as a sign-extended imm8 */
	if (gl_intr_dispatch(tf))
		return;
	if (gl_try_sp) {
		gl_try_fault->vector = (uint32_t)tf->vector;
		gl_try_fault->error = (uint32_t)tf->error;
		gl_try_fault->ip = tf->ip;
		gl_try_fault->dr6 = tf->vector == X86_VEC_DB ? gl_read_dr6() : 0;
		gl_try_unwind();
	}
	gl_printf("FATAL: unexpected exception %u %s err=0x%x at %x:%llx "
	    "flags=0x%llx (%s mode guest)\n", (unsigned)tf->vector,
	    gl_trap_name((uint32_t)tf->vector), (unsigned)tf->error,
	    (unsigned)tf->cs, (unsigned long long)tf->ip,
	    (unsigned long long)tf->flags, GL_MODE_NAME);
#if defined(GL_MODE_LONG)
	unsigned long cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	gl_printf("FATAL: rax=%llx rbx=%llx rcx=%llx rdx=%llx rsp=%llx cr2=%lx\n",
	    (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	    (unsigned long long)tf->rcx, (unsigned long long)tf->rdx,
	    (unsigned long long)tf->sp, cr2);
#else
	gl_printf("FATAL: eax=%x ebx=%x ecx=%x edx=%x esi=%x edi=%x\n",
	    tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi);
#endif
	gl_exit(1);
}

/* ------------------------------------------------------------------------ */
/* Wrappers for the faults the guests expect most                           */

struct gl_msr_op {
	uint32_t msr;
	uint64_t val;
};

static void gl_rdmsr_fn(void *arg)
{
	struct gl_msr_op *op = arg;

	op->val = gl_rdmsr(op->msr);
}

static void gl_wrmsr_fn(void *arg)
{
	struct gl_msr_op *op = arg;

	gl_wrmsr(op->msr, op->val);
}

bool gl_rdmsr_try(uint32_t msr, uint64_t *val, struct gl_fault *f)
{
	struct gl_msr_op op = { msr, 0 };
	bool faulted = gl_try(gl_rdmsr_fn, &op, f) != 0;

	*val = faulted ? 0 : op.val;
	return faulted;
}

bool gl_wrmsr_try(uint32_t msr, uint64_t val, struct gl_fault *f)
{
	struct gl_msr_op op = { msr, val };

	return gl_try(gl_wrmsr_fn, &op, f) != 0;
}
