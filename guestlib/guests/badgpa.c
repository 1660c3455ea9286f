/*
 * badgpa.c - guest "badgpa": walks off the end of its RAM.
 *
 * It identity-maps [0, max(4 GiB, host_ram rounded up to 1 GiB + 1 GiB))
 * in its own page tables, prints "probe ram_top=0x..." and then reads one
 * qword every 2 MiB from GPA 0x100000 upward (0x100000, 0x300000, ...),
 * printing "probe 0x..." once per 64 MiB. The first probe at or above
 * ram_top touches a GPA that is neither RAM nor MMIO: the hypervisor must
 * end the run there and report that GPA, i.e.
 *     ALIGN_UP(ram_top - 1 MiB, 2 MiB) + 1 MiB
 * (0x8100000 for the default 128 MiB). The last probe below ram_top and
 * the first one at or above it are also printed ("probe 0x...") just
 * before the read, so the log shows the exact GPA the guest tried.
 *
 * With guest_args=start=GPA (decimal or 0x-hex) the probe starts at that GPA instead, so a
 * test can aim single probes at any part of the host's RAM (where the
 * hypervisor's own image and free pages live): each one must end the run
 * at exactly that GPA.
 *
 * If the probe reaches the end of the mapped range without being stopped
 * (the hypervisor let it read memory that is not guest RAM), the guest
 * prints a "badgpa: FAIL" line and exits with status 1.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_paging.h"
#include "gl_printf.h"

#define BADGPA_START   GUEST_HIMEM_BASE
#define BADGPA_STEP    (2ull << 20)
#define BADGPA_REPORT  (64ull << 20)
#define BADGPA_1G      (1ull << 30)
#define BADGPA_MIN_TOP (4ull << 30)

void guest_main(void)
{
	const struct guest_bootinfo *bi = gl_bootinfo();
	uint64_t want = ALIGN_UP(bi->host_ram, BADGPA_1G) + BADGPA_1G;
	uint64_t top, gpa;
	uint64_t sum = 0;

	if (want < BADGPA_MIN_TOP)
		want = BADGPA_MIN_TOP;
	top = gl_paging_identity(want);
	gl_printf("badgpa: host_ram=0x%llx mapped 0..0x%llx (wanted 0x%llx)\n",
	    (unsigned long long)bi->host_ram, (unsigned long long)top,
	    (unsigned long long)want);
	gl_printf("probe ram_top=0x%llx\n", (unsigned long long)bi->ram_top);

	gpa = BADGPA_START;
	if (gl_arg_u64("start", &gpa) < 0) {
		gl_printf("badgpa: guest_args start= is not a number: \"%s\"\n", bi->args);
		gl_exit(1);
	}
	gl_printf("probe start=0x%llx\n", (unsigned long long)gpa);
	for (; gpa < top; gpa += BADGPA_STEP) {
		bool near = gpa + BADGPA_STEP > bi->ram_top &&
		    gpa < bi->ram_top + BADGPA_STEP;

		if ((gpa - BADGPA_START) % BADGPA_REPORT == 0 || near ||
		    gpa >= bi->ram_top)
			gl_printf("probe 0x%llx\n", (unsigned long long)gpa);
		sum += *(volatile uint64_t *)(uintptr_t)gpa;
	}
	gl_printf("badgpa: FAIL: read up to 0x%llx without being stopped "
	    "(ram_top=0x%llx, sum 0x%llx)\n", (unsigned long long)gpa,
	    (unsigned long long)bi->ram_top, (unsigned long long)sum);
	gl_exit(1);
}
