/*
 * x86_machine.h - the guest machine as the assist library sees it: a
 * guest-physical memory map and the device callbacks, registered once,
 * beforehand (the libnvmm Assist model: register callbacks, then one
 * assist call per exit).
 *
 * Memory is owned by the monitor. A RAM range is a view from guest
 * physical addresses onto monitor memory (hva); two ranges may view the
 * same host memory. A guest-physical address that no range covers is MMIO
 * and every access to it goes to the Mem callback.
 */
#ifndef X86_MACHINE_H
#define X86_MACHINE_H

#include "vmm_env.h"
#include "x86_walk_memo.h"

/* One port access. data holds size bytes, little-endian. */
struct x86_io {
	uint16_t port;
	bool in;                /* true: IN (device fills data) */
	uint8_t size;           /* 1, 2 or 4 */
	uint8_t *data;
};

/*
 * One MMIO access: 1, 2, 4 or 8 bytes, naturally aligned (x86_gpa_read
 * and x86_gpa_write cut longer accesses, a 16-byte SSE move included,
 * into such pieces).
 */
struct x86_mem {
	gpa_t gpa;
	bool write;             /* true: guest stores data to the device */
	uint8_t size;
	uint8_t *data;
};

typedef void (*x86_io_cb_t)(void *ctx, struct x86_io *io);
typedef void (*x86_mem_cb_t)(void *ctx, struct x86_mem *mem);
/*
 * Optional: access guest register XMM<reg> (0-15), all 16 bytes,
 * little-endian. A hypervisor that keeps guest XMM state live in
 * hardware implements it by reading/writing the physical register (hv/
 * registers none yet). NULL: SSE moves on MMIO are reported unsupported.
 */
typedef void (*x86_xmm_cb_t)(void *ctx, unsigned reg, bool write,
			     uint8_t data[16]);

#define X86_MEMMAP_MAX 16

struct x86_memrange {
	gpa_t gpa;
	uint64_t size;
	uint8_t *hva;           /* monitor's view of the first byte */
	unsigned prot;
#define X86_PROT_READ  BIT(0)
#define X86_PROT_WRITE BIT(1)   /* clear for ROM: writes are dropped */
};

/*
 * One remembered data translation of the guest MMU: the walk of one
 * linear 4 KiB page for one access kind, kept and checked by
 * x86_mmu_gva_to_gpa (x86_walk.c, where the rules are) so that the next
 * access to the page re-reads the entries of the walk instead of walking.
 * Not a TLB: it is used only while every entry still holds its value.
 */
struct x86_xlat {
	bool valid;
	/* the key: what the walk and its checks read besides the entries */
	uint8_t cpl;
	uint8_t maxphyaddr;             /* x86_machine.maxphyaddr */
	bool ac;                        /* RFLAGS.AC (SMAP) */
	uint64_t cr0, cr3, cr4, efer;
	gva_t page;                     /* the linear page */
	/* the result */
	gpa_t gpa;                      /* its guest-physical page */
	struct x86_walk_memo walk;      /* its entries, re-read on each hit */
};

struct x86_machine {
	struct x86_memrange ranges[X86_MEMMAP_MAX];
	unsigned nranges;
	x86_io_cb_t io_cb;
	x86_mem_cb_t mem_cb;
	void *cb_ctx;
	/*
	 * Guest MAXPHYADDR (CPUID Fn8000_0008 EAX[7:0]) for the reserved-bit
	 * checks of the guest page walk; 0 means 52, the architectural
	 * maximum (x86_walk.c).
	 */
	uint8_t maxphyaddr;
	x86_xmm_cb_t xmm_cb;    /* optional, see x86_xmm_cb_t */
	/*
	 * Data translations of x86_mmu_gva_to_gpa, [0] for reads, [1] for
	 * writes; zero-filled they are empty. x86_memmap_add empties them;
	 * an owner that changes ranges[] or nranges itself calls
	 * x86_xlat_flush (x86_walk.h).
	 */
	struct x86_xlat xlat[2];
	uint64_t xlat_hits, xlat_misses;        /* for statistics and tests */
	uint64_t mem_fast;      /* Mem Assist calls done by its fast path (ditto) */
};

/*
 * An exception for the guest, produced by the MMU, segmentation checks or
 * the emulator. The caller injects it (with EVENTINJ on SVM).
 */
struct x86_exception {
	uint8_t vector;         /* X86_EXC_* */
	bool has_error;
	uint32_t error;
	gva_t cr2;              /* faulting linear address, for #PF */
};

#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_AC  17

/* #PF error code bits (SDM Vol.3 4.7, AMD APM Vol.2 8.4.2). */
#define X86_PFERR_P    BIT(0)
#define X86_PFERR_W    BIT(1)
#define X86_PFERR_U    BIT(2)
#define X86_PFERR_RSVD BIT(3)
#define X86_PFERR_I    BIT(4)

#endif /* X86_MACHINE_H */
