/*
 * vm.h - the one guest: its configuration, RAM and nested page tables,
 * the machine the monitor builds around it (vmm/vmm.h), its vCPU, the
 * host side of its console, and the run's outcome.
 *
 * Files: vm.c (start-up order, outcome), vm_config.c (command line),
 * vm_mem.c (RAM, NPT, memory map), vm_host.c (what the monitor asks of
 * the host: time, console, stop), vm_run.c (the vCPU loop, HLT, host
 * events, watchdog).
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "exit.h"
#include "npt.h"
#include "svm.h"
#include "vmm.h"

#define VM_MEM_DEFAULT   (128ULL << 20)   /* mem= when absent */
#define VM_MEM_MIN       (2ULL << 20)     /* room for the low 640 KiB and a little high RAM */
#define VM_MEM_MAX       0xc0000000ULL    /* RAM ends below the 3-4 GiB MMIO hole */
#define VM_CONSOLE_LINE  256              /* guest console line buffer */
#define VM_ROM_BASE      0xc0000ULL       /* option ROM space, then the BIOS area */
#define VM_BIOS_BASE     0xe0000ULL       /* firmware tables (vmm_firmware) */
/* A partial console line is printed after this long without a newline. */
#define VM_CONSOLE_FLUSH_NS  (20ULL * 1000000)
/* The host looks at the vCPU at least this often, even with no deadline. */
#define VM_HOST_SLICE_NS     (100ULL * 1000000)

struct vm {
	/* Configuration (vm_config.c). */
	uint64_t ram_top;               /* end of the RAM that starts at 1 MiB */
	uint64_t watchdog_ns;           /* watchdog=: 0 for none */
	const char *guest_name;

	/* Guest RAM (vm_mem.c): one zeroed, 2 MiB-aligned host block; GPA x is ram[x]. */
	hpa_t ram_hpa;
	uint8_t *ram;
	struct npt npt;
	uint8_t maxphyaddr;             /* the guest's physical-address width */
	gpa_t rsdp;                     /* ACPI RSDP in the BIOS area */

	/* The machine and its vCPU. */
	struct vmm vmm;
	struct svm_vcpu vcpu;
	bool halted;                    /* in HLT, waiting for an interrupt */

	/* Host side (vm_host.c, vm_run.c). */
	uint64_t tsc0;                  /* host TSC at virtual time 0 */
	uint64_t watchdog_at;           /* virtual ns; 0: none */
	uint64_t host_armed;            /* TSC the host timer is armed for */
	uint64_t host_armed_ns;         /* the same in virtual ns: the next look at the vCPU */
	uint64_t host_look_ticks;       /* host_armed_ns in TSC ticks since tsc0, rounded down */
	uint64_t intr_seen;             /* intr_event_count() at the last look */
	bool input_waiting;             /* console input the guest's UART has no room for yet */
	uint64_t nmis;                  /* physical NMIs passed to the guest */
	char con_line[VM_CONSOLE_LINE]; /* guest console: whole lines to the hypervisor's console */
	unsigned con_len;
	uint64_t con_since;             /* virtual ns of the line's first byte */

	/* Outcome: set once by vm_stop(). */
	bool stopped;
	int status;                     /* HV_STATUS_* */

	uint64_t exit_stats[EXIT_STAT_SLOTS];

	/*
	 * exitprof=1 (vm_run.c): host TSC ticks from each #VMEXIT to the next
	 * VMRUN, per exit slot, without the time asleep in HLT (idle_ticks).
	 */
	bool exitprof;
	uint64_t prof_exit;             /* TSC at the last #VMEXIT; 0: none yet */
	uint64_t prof_idle;             /* ticks asleep in HLT since prof_exit */
	uint64_t idle_ticks;
	uint64_t run_ticks;             /* vm_run() from start to end */
	uint64_t exit_ticks[EXIT_STAT_SLOTS];
};

/*
 * Set up SVM and the guest selected on the command line, run it until it
 * stops, and return the HV_STATUS_* for the run (see status.h).
 */
int vm_main(void);

/*
 * Host pointer to guest RAM [gpa, gpa + len), or NULL if any byte of it is
 * not RAM (the VGA/ROM hole, MMIO, beyond ram_top).
 */
void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len);

/* End the run with status (the first call wins). */
void vm_stop(struct vm *vm, int status);

/* The monitor's view of the vCPU (its LAPIC, its memory map). */
static inline struct vmm_vcpu *vm_vv(struct vm *vm, const struct svm_vcpu *vcpu)
{
	return &vm->vmm.vcpu[vcpu->id];
}

/* vm_config.c: mem=, watchdog=, exitprof=. Returns 0, or -1 after printing why. */
int vm_config(struct vm *vm);

/* vm_mem.c: allocate RAM, map it in the NPT and the monitor's map. Returns 0 or -1. */
int vm_mem_init(struct vm *vm);

/* vm_host.c: build the monitor's machine around the guest. Returns 0 or -1. */
int vm_host_init(struct vm *vm);
/* Virtual time now (ns since the machine was built). */
uint64_t vm_now(const struct vm *vm);
/* Print what is left in the guest console line buffer. */
void vm_console_flush(struct vm *vm);

/* vm_run.c: run until the guest stops; returns its HV_STATUS_*. */
int vm_run(struct vm *vm);

#endif /* HV_VM_H */
