/*
 * guest_abi.h - the contract between the hypervisor and the built-in test
 * guests of guestlib/ (and any raw flat binary given as a module).
 *
 * Loading: the flat binary is copied to GPA GUEST_LOAD_GPA (at most
 * GUEST_LOAD_MAX bytes) and the vCPU starts in 16-bit real mode at
 * CS:IP = GUEST_ENTRY_CS:0000 (linear GUEST_LOAD_GPA), with RFLAGS = 0x2,
 * CR0 = ET only, EFER = 0 as the guest sees it, DS = ES = SS = 0, SP =
 * GUEST_ENTRY_SP. Each guest's entry stub switches to the mode it needs.
 * All of guest RAM is zero except the image and the boot-info page.
 *
 * Guest-physical layout (like a PC): RAM 0..640 KiB, hole 640 KiB..1 MiB
 * (VGA/ROM, unbacked), RAM 1 MiB..ram_top, MMIO hole below 4 GiB.
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#include <stdint.h>

#define GUEST_LOAD_GPA   0x10000u
#define GUEST_LOAD_MAX   0x80000u          /* image must end below 0x90000 */
#define GUEST_ENTRY_CS   0x1000u
#define GUEST_ENTRY_SP   0xfff0u

#define GUEST_LOWMEM_TOP 0xa0000u          /* end of RAM below 1 MiB */
#define GUEST_HIMEM_BASE 0x100000u

/* Boot information page, written by the hypervisor before the first VMRUN. */
#define GUEST_BOOTINFO_GPA   0x7000u
#define GUEST_BOOTINFO_MAGIC 0x46495447u   /* "GTIF" */
struct guest_bootinfo {
	uint32_t magic;
	uint32_t version;                  /* 1 */
	uint64_t ram_top;                  /* first GPA above RAM that starts at 1 MiB */
	uint64_t host_ram;                 /* bytes of RAM the host has (for probing tests) */
	char args[240];                    /* guest_args= from the hypervisor command line, NUL-terminated */
};
_Static_assert(sizeof(struct guest_bootinfo) == 264, "guest_bootinfo layout");

/* Ports the test guests use. */
#define GUEST_PORT_COM1      0x3f8u        /* write: byte to the console */
#define GUEST_PORT_EXIT      0xf4u         /* write: end the run with this status */

/* CPUID leaf 0x40000000: EBX, ECX, EDX spell the signature. */
#define GUEST_CPUID_HV_LEAF  0x40000000u
#define GUEST_CPUID_HV_SIG   "BareMetalSVM"

/*
 * CPUID leaf 0x40000010 (the timing leaf VMware and others use): EAX =
 * the guest's TSC frequency in kHz, EBX = the LAPIC timer's input clock
 * in kHz (1 GHz).
 */
#define GUEST_CPUID_HV_TIMING 0x40000010u

/*
 * VMMCALL: function number in EAX, at CPL 0 only. Unknown numbers, and
 * any VMMCALL at CPL > 0 (user mode, virtual-8086 mode), raise #UD.
 */
#define GUEST_VMMCALL_PING   0x0u          /* returns GUEST_VMMCALL_PONG in EAX */
#define GUEST_VMMCALL_PONG   0x504f4e47u   /* "PONG" */
/*
 * EBX = an SVM exit code (APM Vol.2 Appendix C, e.g. 0x7b IOIO, 0x400
 * NPF, 0x72 CPUID): returns in RAX how many exits of that code the vCPU
 * has had so far (the VMMCALL itself is counted before it runs).
 */
#define GUEST_VMMCALL_EXIT_COUNT 0x1u

#endif /* GUEST_ABI_H */
