/*
 * vmm.h - the monitor: one small PC (the devices of vmm/dev/ on a bus,
 * a virtual clock, interrupt routing, guest memory map) and its vCPUs,
 * behind the one narrow interface that hv/ calls.
 *
 * hv/ knows no device. On an exit it hands the monitor what the exit
 * says (an IOIO exit's decoded EXITINFO1, an MMIO GPA, an MSR number)
 * together with the vCPU's architectural state, and acts on the answer:
 * retire the instruction, inject the exception, stop the run. Before
 * each VMRUN it asks which interrupt or NMI is waiting. Everything the
 * monitor needs from the host (time, the console, ending the run, the
 * guest's XMM registers) comes through struct vmm_host_ops.
 *
 * The machine (QEMU's "pc" as guests see it):
 *   ports  0x20-0x21 0xa0-0xa1 0x4d0-0x4d1  8259 pair + ELCR   (dev/i8259.c)
 *          0x40-0x43 0x61                  8254 PIT, NMI/speaker port (dev/i8254.c)
 *          0x60 0x64                       8042 keyboard controller (dev/i8042.c)
 *          0x70-0x71                       RTC/CMOS, NMI mask    (dev/mc146818.c)
 *          0x92 0xcf9                      reset, A20            (dev/pc_sysctl.c)
 *          0x3f8-0x3ff                     COM1 16550A, IRQ 4    (dev/ns16550.c)
 *          0xe0-0xeb 0x2000-0x2017         pc-testdev            (dev/pc_testdev.c)
 *          0xf4                            isa-debug-exit        (dev/debug_exit.c)
 *          0x510-0x511                     fw_cfg                (dev/fw_cfg.c)
 *          0x600-0x60b                     ACPI PM1a, PM timer, SCI = IRQ 9 (dev/acpi_pm.c)
 *   MMIO   0xfec00000                      IOAPIC, 24 pins       (dev/ioapic.c)
 *          0xfee00000                      LAPIC of each vCPU    (dev/lapic.c)
 *          0xff000000-0xff00ffff           pc-testdev buffer
 *   IRQs   ISA line n -> 8259 pin n and IOAPIC pin n, except line 0
 *          (PIT) -> IOAPIC pin 2; the 8259's INT -> LINT0 of vCPU 0.
 *          Back: the 8259's INTA and the LAPIC's EOI of an IOAPIC pin's
 *          vector reach the line's device as an acknowledge (irq.h);
 *          the PIT reinjects late ticks with it.
 * Unclaimed ports read all-ones and ignore writes (logged once per
 * port at debug level); so does unclaimed MMIO (once per page).
 *
 * Locks: one per device (vmm/bus.h has the order). The monitor's own
 * fields are per vCPU or set once at start.
 */
#ifndef VMM_H
#define VMM_H

#include "acpi_pm.h"
#include "bus.h"
#include "debug_exit.h"
#include "fw_cfg.h"
#include "i8042.h"
#include "i8254.h"
#include "i8259.h"
#include "ioapic.h"
#include "lapic.h"
#include "mc146818.h"
#include "ns16550.h"
#include "pc_sysctl.h"
#include "pc_testdev.h"
#include "vclock.h"
#include "x86_assist.h"
#include "x86_machine.h"

#define VMM_MAX_VCPUS        1
#define VMM_COM1_BASE        0x3f8
#define VMM_COM1_IRQ         4
#define VMM_SCI_IRQ          9          /* the ACPI SCI (MADT override: level) */
#define VMM_FW_MP_OFFSET     0x10000    /* MP table: 64 KiB into the BIOS area */
#define VMM_UNCLAIMED_LOGGED 32        /* MMIO pages whose first access is logged */

/* Why a device asks to end the run. */
enum vmm_stop {
	VMM_STOP_DEBUG_EXIT,    /* isa-debug-exit: value is what the guest wrote */
	VMM_STOP_RESET,         /* 0xcf9, 0x92, 8042: the guest reset the machine */
	VMM_STOP_POWEROFF,      /* ACPI S5 (PM1a control) */
};

struct vmm_host_ops {
	uint64_t (*now_ns)(void *ctx);          /* virtual time, monotonic */
	uint64_t (*guest_tsc)(void *ctx);       /* the guest's TSC now */
	void (*console_out)(void *ctx, uint8_t byte);   /* COM1 transmit */
	/* A device asks to end the run; text says why (for the log). */
	void (*stop)(void *ctx, enum vmm_stop why, uint32_t value, const char *text);
	/* Read or write the guest's XMM<reg> (16 bytes); NULL: SSE on MMIO unsupported. */
	void (*xmm)(void *ctx, unsigned reg, bool write, uint8_t data[16]);
};

struct vmm_config {
	uint64_t ram_size;              /* bytes of guest RAM (fw_cfg) */
	uint64_t tsc_hz;                /* guest TSC frequency */
	uint64_t unix_time;             /* wall-clock seconds at virtual time 0 */
	uint8_t maxphyaddr;             /* guest physical-address width */
};

struct vmm;

struct vmm_vcpu {
	struct vmm *vmm;
	unsigned id;
	/*
	 * The guest memory map as the assist library sees it, with this
	 * vCPU as the callbacks' context (its LAPIC page is per vCPU). The
	 * map is set up once, before the vCPU first runs; each vCPU has its
	 * copy so that assists on several vCPUs need no shared state.
	 */
	struct x86_machine mach;
	struct lapic lapic;
	uint32_t pic_changes;           /* the 8259's INT output changed (vCPU 0's LINT0) */
};

struct vmm {
	struct x86_machine mem;         /* the master memory map */
	struct bus bus;
	struct vclock clock;
	struct i8259 pic;
	struct i8254 pit;
	struct mc146818 rtc;
	struct ns16550 com1;
	struct ioapic ioapic;
	struct pc_testdev testdev;
	struct fw_cfg fwcfg;
	struct i8042 kbc;
	struct pc_sysctl sysctl;
	struct debug_exit dbgexit;
	struct acpi_pm pm;
	struct vmm_vcpu vcpu[VMM_MAX_VCPUS];
	unsigned nvcpus;
	struct irq_ack line_ack[IOAPIC_PINS];   /* per ISA / IOAPIC line: acknowledges back (irq.h) */
	const struct vmm_host_ops *host;
	void *host_ctx;
	gpa_t unclaimed_page[VMM_UNCLAIMED_LOGGED];
	unsigned nunclaimed;
	uint64_t unclaimed_pio, unclaimed_mmio;  /* statistics */
	uint64_t unclaimed_port_logged[0x10000 / 64];   /* one bit per port: logged once */
};

/*
 * Build the machine: every device, its ports and MMIO, the interrupt
 * wiring, one vCPU. Guest RAM is added afterwards (vmm_add_ram). Returns
 * 0, or -1 after logging why (a monitor bug: a table too small).
 */
int vmm_init(struct vmm *vmm, const struct vmm_config *cfg, const struct vmm_host_ops *host,
	     void *host_ctx);

/*
 * Add guest RAM [gpa, gpa + size) seen at hva (x86_memmap_add's prot).
 * Only before the first exit is handled. Returns 0 or -1.
 */
int vmm_add_ram(struct vmm *vmm, gpa_t gpa, uint64_t size, uint8_t *hva, unsigned prot);

/*
 * The firmware tables of this machine (vmm/fw/: ACPI at the start of
 * bios, the MP table 64 KiB in) into the BIOS area the guest sees at
 * gpa (0xe0000, size 128 KiB). Sets *rsdp. Returns 0, or -1 after
 * logging why (a monitor bug).
 */
int vmm_firmware(struct vmm *vmm, uint8_t *bios, gpa_t gpa, size_t size, gpa_t *rsdp);

/* ---------------------------------------------------------------------- */
/* Exits: each returns the assist status (x86_assist.h) in res->status. */

/*
 * One port access of size bytes (1, 2 or 4) to the device bus: a write
 * of *val (its low size bytes), or a read into *val (the low size bytes;
 * all-ones from a port nobody claims, bus.h). An unclaimed port is
 * counted and logged at debug level. For IN and OUT, whose IOIO exit
 * gives port, size and direction (APM Vol.2 15.10.2), without the I/O
 * Assist; the assist's string I/O comes here too.
 */
void vmm_port_io(struct vmm_vcpu *vv, uint16_t port, bool in, unsigned size, uint32_t *val);

/* An IOIO exit: IN/OUT/INS/OUTS, REP included, through the I/O Assist. */
int vmm_exit_io(struct vmm_vcpu *vv, struct x86_state *st, const struct x86_io_exit *io,
		struct x86_assist_result *res);

/*
 * A nested page fault on a GPA that is not RAM: the Mem Assist emulates
 * the instruction at CS:RIP, whose every memory operand is translated
 * again (bytes/nbytes from decode assists, or 0 to fetch them).
 */
int vmm_exit_mmio(struct vmm_vcpu *vv, struct x86_state *st, const uint8_t *bytes,
		  size_t nbytes, struct x86_assist_result *res);

/* The MSRs the monitor owns (IA32_APIC_BASE, x2APIC, IA32_TSC_DEADLINE). */
enum vmm_msr_result {
	VMM_MSR_UNHANDLED,      /* not the monitor's: the hypervisor's MSR policy decides */
	VMM_MSR_OK,
	VMM_MSR_GP,             /* inject #GP(0) */
};
enum vmm_msr_result vmm_msr(struct vmm_vcpu *vv, uint32_t msr, bool write, uint64_t *val);

/*
 * The MSRs vmm_msr() may handle (IA32_APIC_BASE, IA32_TSC_DEADLINE, the
 * x2APIC range); for any other it returns VMM_MSR_UNHANDLED. Inline: the
 * exit path asks this first and calls the monitor only for these.
 */
static inline bool vmm_msr_claims(uint32_t msr)
{
	return msr == LAPIC_MSR_APICBASE || msr == LAPIC_MSR_TSC_DEADLINE ||
	       msr - LAPIC_MSR_X2APIC_FIRST <= LAPIC_MSR_X2APIC_LAST - LAPIC_MSR_X2APIC_FIRST;
}

/* ---------------------------------------------------------------------- */
/* Interrupts, as the vCPU's interrupt logic asks before each entry. */

/* A maskable interrupt waits for the CPU (LAPIC IRR above PPR, or the 8259 through LINT0). */
bool vmm_intr_pending(struct vmm_vcpu *vv);

/* The CPU takes it: its vector, now in service; -1 if it went away. */
int vmm_intr_ack(struct vmm_vcpu *vv);

/* An NMI for the CPU (ICR, LVT with NMI delivery); cleared by the call. */
bool vmm_nmi_take(struct vmm_vcpu *vv);

/*
 * The three questions above in one call, as the vCPU asks them before
 * every entry (cheaper than three: one LAPIC lock round trip, and the
 * 8259 only if it reaches the CPU): CR8 as vmm_get_cr8(), an NMI taken as
 * vmm_nmi_take() if take_nmi (else left pending and nmi false), and
 * vmm_intr_pending().
 */
struct vmm_intr_poll {
	uint8_t cr8;
	bool nmi;
	bool pending;
	uint32_t changes;       /* vmm_intr_changes() after the poll */
};
void vmm_intr_poll(struct vmm_vcpu *vv, bool take_nmi, struct vmm_intr_poll *p);

/*
 * A count that moves whenever the answer of vmm_intr_poll() may have
 * changed: the LAPIC's state (lapic_changes()) or the 8259's output
 * towards this vCPU. While it stays the same, a poll gives the same
 * answer, so the vCPU need not ask again after an exit that raised no
 * interrupt (a port, an MMIO register, an MSR of a device that did not
 * touch its line). Time alone does not move it: every device timer, the
 * LAPIC's included, fires from the virtual clock (vmm_run_timers()),
 * which moves it if the timer raises a line.
 */
uint32_t vmm_intr_changes(struct vmm_vcpu *vv);

/* The host's NMI input for this vCPU (the physical NMI, forwarded): LINT1. */
void vmm_nmi_input(struct vmm_vcpu *vv);

/* TPR as CR8 sees it (bits 3:0 = TPR[7:4]); the VMCB's V_TPR mirrors it. */
uint8_t vmm_get_cr8(struct vmm_vcpu *vv);
void vmm_set_cr8(struct vmm_vcpu *vv, uint8_t cr8);

/* ---------------------------------------------------------------------- */
/* Time and input */

/* Run the device timers that are due. Cheap when none is. */
void vmm_run_timers(struct vmm *vmm);

/* The earliest device deadline (virtual ns), VCLOCK_NEVER if none. */
uint64_t vmm_next_deadline(struct vmm *vmm);

/* Console input for COM1; returns how many bytes the UART took. */
size_t vmm_console_input(struct vmm *vmm, const uint8_t *buf, size_t n);

#endif /* VMM_H */
