/*
 * assist_harness.c - fake guest machine for the assist library tests.
 * See assist_harness.h for the memory layout.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "assist_harness.h"

uint8_t ah_ram[AH_RAM_SIZE] __attribute__((aligned(4096)));
uint8_t ah_dev[AH_DEV_SIZE];
char ah_log[AH_LOG_SIZE];
unsigned ah_log_len;
unsigned ah_ncb;
bool ah_quiet;
uint8_t ah_port_next;
uint8_t ah_xmm[16][16];
unsigned ah_ntests, ah_nfail;

static void
ah_logf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ah_quiet || ah_log_len >= AH_LOG_SIZE - 1)
		return;
	if (ah_log_len > 0 && ah_log_len < AH_LOG_SIZE - 1)
		ah_log[ah_log_len++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(ah_log + ah_log_len, AH_LOG_SIZE - ah_log_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		ah_log_len += (unsigned)n;
	if (ah_log_len >= AH_LOG_SIZE)
		ah_log_len = AH_LOG_SIZE - 1;
}

static uint64_t
ah_le(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void
ah_mem_cb(void *ctx, struct x86_mem *mem)
{
	(void)ctx;
	ah_ncb++;
	for (unsigned i = 0; i < mem->size; i++) {
		uint64_t g = mem->gpa + i;
		bool dev = g >= AH_DEV_BASE && g < AH_DEV_BASE + AH_DEV_SIZE;

		if (mem->write) {
			if (dev)
				ah_dev[g - AH_DEV_BASE] = mem->data[i];
		} else {
			mem->data[i] = dev ? ah_dev[g - AH_DEV_BASE] : 0xff;
		}
	}
	ah_logf("%c %llx/%u=%llx", mem->write ? 'w' : 'r',
	    (unsigned long long)mem->gpa, mem->size,
	    (unsigned long long)ah_le(mem->data, mem->size));
}

static void
ah_io_cb(void *ctx, struct x86_io *io)
{
	(void)ctx;
	ah_ncb++;
	if (io->in) {
		for (unsigned i = 0; i < io->size; i++)
			io->data[i] = ah_port_next++;
		ah_logf("in %x/%u=%llx", io->port, io->size,
		    (unsigned long long)ah_le(io->data, io->size));
	} else {
		ah_logf("out %x/%u=%llx", io->port, io->size,
		    (unsigned long long)ah_le(io->data, io->size));
	}
}

static void
ah_xmm_cb(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	(void)ctx;
	if (write)
		memcpy(ah_xmm[reg & 15], data, 16);
	else
		memcpy(data, ah_xmm[reg & 15], 16);
}

void
ah_machine_init(struct x86_machine *m)
{
	memset(m, 0, sizeof(*m));
	if (x86_memmap_add(m, 0, AH_DEV_BASE, ah_ram, X86_PROT_READ | X86_PROT_WRITE) ||
	    x86_memmap_add(m, AH_DEV_BASE + AH_DEV_SIZE,
		AH_RAM_SIZE - (AH_DEV_BASE + AH_DEV_SIZE),
		ah_ram + AH_DEV_BASE + AH_DEV_SIZE, X86_PROT_READ | X86_PROT_WRITE)) {
		fprintf(stderr, "ah_machine_init: x86_memmap_add failed\n");
		exit(2);
	}
	m->mem_cb = ah_mem_cb;
	m->io_cb = ah_io_cb;
	m->xmm_cb = ah_xmm_cb;
	m->cb_ctx = NULL;
	ah_reset();
}

static void
ah_pte(uint64_t table, unsigned idx, uint64_t v)
{
	uint8_t *p = ah_ram + table + 8 * idx;

	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void
ah_reset(void)
{
	/* Deterministic non-zero background so stray writes show up. */
	for (unsigned i = 0; i < AH_RAM_SIZE; i++)
		ah_ram[i] = (uint8_t)(i * 13 + 5);
	for (unsigned i = 0; i < AH_DEV_SIZE; i++)
		ah_dev[i] = (uint8_t)(i * 7 + 0x5a);
	memset(ah_ram + 0x1000, 0, 0x4000);
	ah_pte(AH_PML4, 0, AH_PDPT | 0x7);
	ah_pte(AH_PDPT, 0, AH_PD | 0x7);
	ah_pte(AH_PD, 0, 0x0 | 0x87);           /* 2 MiB page, U/W/P */
	ah_pte(AH_PD, 1, AH_PT | 0x7);
	for (unsigned i = 0; i < 512; i++)
		ah_pte(AH_PT, i, (0x200000 + 0x1000ULL * i) | 0x7);
	ah_pte(AH_PT, 0, 0x201000 | 0x7);
	ah_pte(AH_PT, 1, 0x200000 | 0x7);
	ah_pte(AH_PT, 2, 0x0a0000 | 0x7);
	ah_pte(AH_PT, 3, 0x0a1000 | 0x7);
	ah_pte(AH_PT, 4, 0);
	ah_pte(AH_PT, 5, 0x205000 | 0x5);       /* read-only */
	ah_pte(AH_PT, 7, 0);
	ah_pte(AH_PT, 8, 0x0a2000 | 0x5);       /* device, read-only */
	ah_log_len = 0;
	ah_log[0] = 0;
	ah_ncb = 0;
	ah_port_next = 0x10;
	for (unsigned r = 0; r < 16; r++)
		for (unsigned i = 0; i < 16; i++)
			ah_xmm[r][i] = (uint8_t)(0x80 + 16 * r + i);
}

void
ah_state_init(struct x86_state *st, unsigned mode)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < X86_GPR_COUNT; i++)
		st->gpr[i] = 0x0101010101010101ULL * (0x11 * (i + 1) & 0xff) ^ 0x8000000000000000ULL;
	st->rflags = 0x2;
	st->rip = AH_CODE;
	for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
		st->seg[s].sel = 0x10;
		st->seg[s].attr = 0x093 | X86_SEGATTR_DB | X86_SEGATTR_G;
		st->seg[s].limit = 0xffffffff;
		st->seg[s].base = 0;
	}
	st->seg[X86_SEG_CS].sel = 0x08;
	st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB | X86_SEGATTR_G;
	/* FS and GS point into the device in every mode (override tests). */
	st->seg[X86_SEG_FS].base = 0xa8000;
	st->seg[X86_SEG_GS].base = 0xa4000;
	switch (mode) {
	case X86_MODE_REAL16:
	case X86_MODE_PROT16:
		for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
			st->seg[s].attr = 0x093;
			st->seg[s].limit = 0xffff;
		}
		/* DS = ES = the device, SS = device + 0x8000, CS at AH_CODE. */
		st->seg[X86_SEG_DS].base = st->seg[X86_SEG_ES].base = 0xa0000;
		st->seg[X86_SEG_SS].base = 0xa8000;
		st->seg[X86_SEG_FS].base = 0x20000;
		st->seg[X86_SEG_CS].base = AH_CODE;
		st->seg[X86_SEG_CS].attr = 0x09b;
		st->rip = 0;
		if (mode == X86_MODE_REAL16) {
			for (unsigned s = 0; s < X86_SEG_COUNT; s++)
				st->seg[s].sel = (uint16_t)(st->seg[s].base >> 4);
		} else {
			st->cr0 = X86_CR0_PE;
		}
		break;
	case X86_MODE_PROT32:
		st->cr0 = X86_CR0_PE;
		st->seg[X86_SEG_SS].base = 0x8000;      /* tells SS from DS */
		break;
	default:
		st->cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP;
		st->cr4 = X86_CR4_PAE;
		st->cr3 = AH_PML4;
		st->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
		st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_L | X86_SEGATTR_G;
		break;
	}
}

void
ah_put_code(const struct x86_state *st, const uint8_t *bytes, size_t n)
{
	/*
	 * Code linear addresses are identity-mapped to RAM in every mode;
	 * outside long mode they have 32 bits (CS base + EIP may wrap).
	 */
	uint64_t la = st->seg[X86_SEG_CS].base + st->rip;

	if (!(st->efer & X86_EFER_LMA))
		la &= 0xffffffffULL;

	memcpy(ah_ram + la, bytes, n);
}

size_t
ah_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	char *end;

	while (*hex && n < max) {
		unsigned long v = strtoul(hex, &end, 16);

		if (end == hex)
			break;
		out[n++] = (uint8_t)v;
		hex = end;
	}
	return n;
}

void
ah_pwrite(uint64_t gpa, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++) {
		uint64_t g = gpa + i;
		uint8_t b = (uint8_t)(v >> (8 * (i & 7)));

		if (g >= AH_DEV_BASE && g < AH_DEV_BASE + AH_DEV_SIZE)
			ah_dev[g - AH_DEV_BASE] = b;
		else if (g < AH_RAM_SIZE)
			ah_ram[g] = b;
	}
}

uint64_t
ah_pread(uint64_t gpa, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t g = gpa + i;
		uint8_t b = 0xff;

		if (g >= AH_DEV_BASE && g < AH_DEV_BASE + AH_DEV_SIZE)
			b = ah_dev[g - AH_DEV_BASE];
		else if (g < AH_RAM_SIZE)
			b = ah_ram[g];
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

bool
ah_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	ah_ntests++;
	if (!ok)
		ah_nfail++;
	printf("%s %u - ", ok ? "ok" : "not ok", ah_ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

int
ah_done(void)
{
	printf("1..%u\n", ah_ntests);
	printf("# %u passed, %u failed\n", ah_ntests - ah_nfail, ah_nfail);
	return ah_nfail ? 1 : 0;
}
