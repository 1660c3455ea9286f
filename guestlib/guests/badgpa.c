/*
 * badgpa.c - guest "badgpa": reads and writes past the end of its RAM.
 *
 * It identity-maps [0, max(4 GiB, host_ram rounded up to 1 GiB + 1 GiB))
 * in its own page tables, prints "probe ram_top=0x...", then probes one
 * qword every 2 MiB from GPA 0x100000 upward (0x100000, 0x300000, ...;
 * odd MiB, so never a device's page: IOAPIC 0xfec00000, LAPIC 0xfee00000,
 * pc-testdev 0xff000000). What a PC shows there, and the hypervisor must
 * too (vmm/vmm.h): RAM below ram_top; above it nothing, so a read gives
 * all ones and a write goes nowhere. Beyond RAM each probe is a read, a
 * write of a pattern and a second read (three emulated MMIO accesses),
 * and both reads must be all ones: no byte of the hypervisor's memory
 * (its image, the other guests' pages, free host RAM) may show through.
 *
 * guest_args=start=GPA (decimal or 0x-hex) starts the probes at GPA, and
 * count=N stops after N probes, so a test can aim at any part of the
 * host's RAM. The first probe at or above ram_top is printed as
 * "probe 0x...". TAP: RAM probes, probes past RAM read all ones, writes
 * past RAM dropped; the guest prints how many probes lay past RAM
 * ("probe past_ram=N") for the test to compare with the NPF count.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_paging.h"
#include "gl_printf.h"
#include "tap.h"

#define BADGPA_START   GUEST_HIMEM_BASE
#define BADGPA_STEP    (2ull << 20)
#define BADGPA_1G      (1ull << 30)
#define BADGPA_MIN_TOP (4ull << 30)
#define BADGPA_ONES    0xffffffffffffffffull
#define BADGPA_PATTERN 0x5a5aa5a50f0ff0f0ull

void guest_main(void)
{
	const struct guest_bootinfo *bi = gl_bootinfo();
	uint64_t want = ALIGN_UP(bi->host_ram, BADGPA_1G) + BADGPA_1G;
	uint64_t top, gpa, count = ~0ull;
	uint64_t ram = 0, ram_bad = 0, past = 0, past_bad = 0, write_bad = 0;
	bool first = true;

	if (want < BADGPA_MIN_TOP)
		want = BADGPA_MIN_TOP;
	top = gl_paging_identity(want);
	gl_printf("badgpa: host_ram=0x%llx mapped 0..0x%llx (wanted 0x%llx)\n",
	    (unsigned long long)bi->host_ram, (unsigned long long)top,
	    (unsigned long long)want);
	gl_printf("probe ram_top=0x%llx\n", (unsigned long long)bi->ram_top);

	gpa = BADGPA_START;
	if (gl_arg_u64("start", &gpa) < 0 || gl_arg_u64("count", &count) < 0) {
		gl_printf("badgpa: guest_args start=/count= is not a number: \"%s\"\n", bi->args);
		gl_exit(1);
	}
	gl_printf("probe start=0x%llx\n", (unsigned long long)gpa);
	for (; gpa < top && count != 0; gpa += BADGPA_STEP, count--) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)gpa;
		uint64_t v = *p;

		if (gpa < bi->ram_top) {
			/* Guest RAM: zero where nothing was loaded (include/guest_abi.h). */
			ram++;
			ram_bad += v != 0;
			continue;
		}
		if (first) {
			gl_printf("probe 0x%llx\n", (unsigned long long)gpa);
			first = false;
		}
		past++;
		past_bad += v != BADGPA_ONES;
		*p = BADGPA_PATTERN;
		write_bad += *p != BADGPA_ONES;
	}
	gl_printf("probe past_ram=%llu\n", (unsigned long long)past);
	tap_ok(ram_bad == 0, "probes below ram_top read guest RAM (%llu probes)",
	    (unsigned long long)ram);
	tap_ok(past_bad == 0, "probes past ram_top read all ones (%llu of %llu did not)",
	    (unsigned long long)past_bad, (unsigned long long)past);
	tap_ok(write_bad == 0, "writes past ram_top are dropped (%llu read back)",
	    (unsigned long long)write_bad);
	tap_done();
}
