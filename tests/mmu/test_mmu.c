/*
 * test_mmu.c - driver and shared helpers of the tests/mmu suites
 * (see mmu_test.h for the fake machine).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_test.h"

uint8_t mt_ram[MT_RAM_SIZE] __attribute__((aligned(4096)));
struct mt_log mt_log;

static unsigned mt_count, mt_failed;
static char mt_why[256];

void
mt_mem_cb(void *ctx, struct x86_mem *mem)
{
	struct mt_access *a;

	(void)ctx;
	if (mt_log.n < MT_LOG_MAX) {
		a = &mt_log.a[mt_log.n];
		a->gpa = mem->gpa;
		a->write = mem->write;
		a->size = mem->size;
		memset(a->data, 0, sizeof(a->data));
		if (mem->write && mem->size <= sizeof(a->data))
			memcpy(a->data, mem->data, mem->size);
	}
	mt_log.n++;
	if (!mem->write) {
		for (unsigned i = 0; i < mem->size; i++)
			mem->data[i] = mt_mmio_byte(mem->gpa + i);
	}
}

void
mt_machine_init(struct x86_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->mem_cb = mt_mem_cb;
	if (x86_memmap_add(m, 0, MT_RAM_SIZE, mt_ram,
	    X86_PROT_READ | X86_PROT_WRITE) != 0) {
		printf("Bail out! cannot map fake RAM\n");
		_Exit(2);
	}
	mt_log.n = 0;
}

void
mt_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mt_why, sizeof(mt_why), fmt, ap);
	va_end(ap);
}

bool
mt_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	mt_count++;
	printf("%sok %u - ", ok ? "" : "not ", mt_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		mt_failed++;
		printf(" # %s", mt_why[0] ? mt_why : "failed");
	}
	printf("\n");
	mt_why[0] = '\0';
	return ok;
}

void
mt_state_long(struct x86_state *st)
{
	memset(st, 0, sizeof(*st));
	st->cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP;
	st->cr4 = X86_CR4_PAE;
	st->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
	st->cr3 = 0x1000;
	st->rflags = 0x2;
	st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_L;
}

void
mt_w32(gpa_t gpa, uint32_t v)
{
	memcpy(&mt_ram[gpa], &v, 4);
}

void
mt_w64(gpa_t gpa, uint64_t v)
{
	memcpy(&mt_ram[gpa], &v, 8);
}

uint32_t
mt_r32(gpa_t gpa)
{
	uint32_t v;

	memcpy(&v, &mt_ram[gpa], 4);
	return v;
}

uint64_t
mt_r64(gpa_t gpa)
{
	uint64_t v;

	memcpy(&v, &mt_ram[gpa], 8);
	return v;
}

int
main(void)
{
	mt_suite_walk();
	mt_suite_ad();
	mt_suite_seg();
	mt_suite_guestmem();
	mt_suite_gva();
	mt_suite_fcache();
	mt_suite_xlat();
	printf("1..%u\n", mt_count);
	if (mt_failed)
		printf("# %u of %u checks failed\n", mt_failed, mt_count);
	return mt_failed ? 1 : 0;
}
