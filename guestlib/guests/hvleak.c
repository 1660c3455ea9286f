/*
 * hvleak.c - guest "hvleak": looks for hypervisor memory in its own RAM.
 *
 * With "leakcanary" on its command line the hypervisor fills some of its
 * own memory with the 8-byte pattern "HVSECRET". This guest maps all its
 * RAM and scans 0..640 KiB and 1 MiB..ram_top, skipping only its own image
 * (which includes its BSS, page tables and stack), for that pattern at any
 * byte offset. It also checks that everything else is zero except the
 * boot-info page (guest_abi.h: RAM starts out zero). TAP checks:
 *   - boot info present and ram_top sane
 *   - the scanner finds a pattern planted in its own buffer (self-test)
 *   - no hypervisor memory visible
 *   - guest RAM zero outside image/stack/boot-info page
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_paging.h"
#include "gl_printf.h"
#include "tap.h"

/* "HVSECRET" as a little-endian qword, built at run time below so the
 * literal bytes are not lying around outside the skipped image. */
#define HVLEAK_PAT_LO 0x45535648u   /* "HVSE" */
#define HVLEAK_PAT_HI 0x54455243u   /* "CRET" */

struct hvleak_scan {
	uint64_t pattern;
	uint64_t hits;
	uint64_t first_hit;
	uint64_t nonzero;        /* qwords that are not zero */
	uint64_t first_nonzero;
	uint64_t first_value;
};

static bool hvleak_skip(uint64_t gpa, uint32_t img_lo, uint32_t img_hi)
{
	return (gpa >= img_lo && gpa < img_hi) ||
	    (gpa >= GUEST_BOOTINFO_GPA && gpa < GUEST_BOOTINFO_GPA + 0x1000);
}

/* Is the pattern at byte address a (a may straddle into the next qword)? */
static bool hvleak_match(uint64_t a, uint64_t end, uint64_t pattern)
{
	if (a + 8 > end)
		return false;
	return memcmp((const void *)(uintptr_t)a, &pattern, 8) == 0;
}

/* Scan [lo, hi) (8-byte aligned); skip the image unless checking ourselves. */
static void hvleak_range(struct hvleak_scan *s, uint64_t lo, uint64_t hi,
    bool skip_image)
{
	uint32_t img_lo = gl_image_gpa_start(), img_hi = gl_image_gpa_end();

	for (uint64_t a = lo; a < hi; a += 8) {
		uint64_t q = *(volatile uint64_t *)(uintptr_t)a;

		if (q == 0 || (skip_image && hvleak_skip(a, img_lo, img_hi)))
			continue;
		if (!s->nonzero++) {
			s->first_nonzero = a;
			s->first_value = q;
		}
		/* A match starting in this qword, at any byte offset. */
		for (unsigned b = 0; b < 8; b++) {
			if (hvleak_match(a + b, hi, s->pattern)) {
				if (!s->hits++)
					s->first_hit = a + b;
			}
		}
	}
}

/*
 * The scanner must be able to see the pattern: plant it at an odd offset
 * (straddling two qwords) in a buffer of our own and scan only that buffer.
 */
static uint8_t hvleak_selftest_buf[64] __attribute__((aligned(8)));

static bool hvleak_selftest(uint64_t pattern)
{
	struct hvleak_scan t;
	uint64_t lo = (uintptr_t)hvleak_selftest_buf;

	memset(&t, 0, sizeof(t));
	t.pattern = pattern;
	memcpy(hvleak_selftest_buf + 13, &pattern, 8);
	hvleak_range(&t, lo, lo + sizeof(hvleak_selftest_buf), false);
	memset(hvleak_selftest_buf, 0, sizeof(hvleak_selftest_buf));
	return t.hits == 1 && t.first_hit == lo + 13 && t.nonzero == 2;
}

void guest_main(void)
{
	const struct guest_bootinfo *bi = gl_bootinfo();
	struct hvleak_scan s;
	uint64_t mapped;

	uint32_t lo = HVLEAK_PAT_LO, hi = HVLEAK_PAT_HI;

	/* Keep gcc from folding the halves into one 8-byte immediate. */
	__asm__("" : "+r"(lo), "+r"(hi));
	memset(&s, 0, sizeof(s));
	s.pattern = ((uint64_t)hi << 32) | lo;
	gl_printf("# guest hvleak: scanning guest RAM for hypervisor memory\n");
	tap_ok(gl_bootinfo_valid() && bi->ram_top > GUEST_HIMEM_BASE,
	    "boot info present, ram_top=0x%llx above 1 MiB",
	    (unsigned long long)bi->ram_top);
	if (!gl_bootinfo_valid() || bi->ram_top <= GUEST_HIMEM_BASE) {
		tap_diag("no usable ram_top: scanning low memory only");
		mapped = 0;
	} else {
		mapped = gl_paging_identity(bi->ram_top);
		if (mapped < bi->ram_top)
			tap_diag("could map only 0..0x%llx",
			    (unsigned long long)mapped);
	}
	tap_diag("image 0x%x..0x%x, boot info 0x%x", gl_image_gpa_start(),
	    gl_image_gpa_end(), GUEST_BOOTINFO_GPA);
	tap_ok(hvleak_selftest(s.pattern),
	    "scanner finds a pattern planted at an unaligned address");

	hvleak_range(&s, 0, GUEST_LOWMEM_TOP, true);
	if (mapped)
		hvleak_range(&s, GUEST_HIMEM_BASE,
		    mapped < bi->ram_top ? mapped : bi->ram_top, true);

	tap_ok(s.hits == 0, "no hypervisor memory visible (%llu hits, first at 0x%llx)",
	    (unsigned long long)s.hits, (unsigned long long)s.first_hit);
	tap_ok(s.nonzero == 0,
	    "guest RAM zero outside image/stack/boot-info (%llu nonzero qwords, "
	    "first at 0x%llx = 0x%llx)", (unsigned long long)s.nonzero,
	    (unsigned long long)s.first_nonzero,
	    (unsigned long long)s.first_value);
	tap_done();
}
