/*
 * vm.h - the one guest: its RAM, nested page tables, machine description
 * for the assist library, its vCPU, and the run's outcome.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "exit.h"
#include "npt.h"
#include "svm.h"
#include "x86_machine.h"

#define VM_MEM_DEFAULT   (128ULL << 20)   /* mem= when absent */
#define VM_MEM_MIN       (2ULL << 20)     /* room for the low 640 KiB and a little high RAM */
#define VM_MEM_MAX       0xc0000000ULL    /* RAM ends below the 3-4 GiB MMIO hole */
#define VM_CONSOLE_LINE  256              /* guest console line buffer */

struct vm {
	/* Guest RAM: one zeroed, 2 MiB-aligned host block; GPA x is ram[x]. */
	hpa_t ram_hpa;
	uint8_t *ram;
	uint64_t ram_top;               /* end of the RAM that starts at 1 MiB */
	struct npt npt;
	struct x86_machine mach;        /* the same memory map, for the assist library */
	struct svm_vcpu vcpu;
	const char *guest_name;

	/* Guest console (port 0x3f8): whole lines go to the hypervisor console. */
	char con_line[VM_CONSOLE_LINE];
	unsigned con_len;

	/* Outcome: set once by vm_stop(). */
	bool stopped;
	int status;                     /* HV_STATUS_* */

	uint64_t exit_stats[EXIT_STAT_SLOTS];
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

/*
 * Wait for a virtual interrupt the halted guest could take. There is no
 * interrupt source before the devices issue, so this returns false at
 * once: the caller reports the guest as halted and ends the run.
 */
bool vm_wait_interrupt(struct vm *vm);

#endif /* HV_VM_H */
