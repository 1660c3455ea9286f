/*
 * test_assist_fast.c - the Mem Assist's fast path (x86_assist_fast.c)
 * against its generic path (x86_assist_mem_generic): whatever the fast
 * path completes must come out exactly as the generic path leaves it
 * (result, every register, RIP, memory, the device accesses in order),
 * and whatever it takes back (-1) must have changed nothing.
 *
 * The instructions: every ModRM byte behind the opcodes of the fast path
 * (88-8B, C6/C7, 0F B6/B7/BE/BF) and a few neighbours it must leave
 * (86, 63, A1, 0F C3, 8C), behind no prefix, each REX, two REX, and the
 * legacy prefixes (66, 67, F0, F3, segment overrides), with tails of
 * SIB/displacement/immediate bytes of either sign; the bytes given in
 * full, and cut short (the generic path then fetches the rest).
 * The machine states (ft_states[]): 64-bit mode, compatibility mode and
 * 32-bit protected mode without paging; registers that point at a
 * device page, RAM, ROM, a read-only page, a supervisor page with CPL 3,
 * a not-present page, the last bytes of a page (crossing), non-canonical
 * addresses, beyond the SS limit, a read-only DS, no Mem callback.
 *
 * Machine (test-only, small, so that all of its memory is compared):
 *   0x000000-0x008fff RAM: page tables 0x1000-0x4fff, code at 0x8000
 *   0x100000-0x100fff RAM (data)
 *   0x110000-0x110fff ROM (writes dropped)
 *   everything else   MMIO: every access logged; a read of byte g
 *                      gives (g * 7 + 0x5a) & 0xff
 * Long-mode tables: PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000; PD[0] maps
 * 0-2 MiB with a 2 MiB page (identity); PD[1] -> PT 0x4000 for 2-4 MiB:
 *   VA 0x200000 -> 0xff000000 (device)  VA 0x201000 -> 0xff001000 read-only
 *   VA 0x202000 not present             VA 0x203000 -> 0xff002000 supervisor
 *   VA 0x204000 -> 0x100000 (RAM)       VA 0x205000 -> 0x110000 (ROM)
 *
 * TAP: one line per family with how many cases the fast path completed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_assist_priv.h"
#include "x86_guestmem.h"

#define FT_LOW_SIZE  0x9000u
#define FT_DATA      0x100000ULL
#define FT_ROM       0x110000ULL
#define FT_CODE      0x8000ULL
#define FT_LOG_MAX   8

static uint8_t ft_low[FT_LOW_SIZE], ft_data[PAGE_SIZE], ft_rom[PAGE_SIZE];
static uint8_t ft_low0[FT_LOW_SIZE], ft_data0[PAGE_SIZE], ft_rom0[PAGE_SIZE];

/* One device access. */
struct ft_acc {
	uint64_t gpa;
	uint64_t val;
	uint8_t size;
	bool write;
};

static struct ft_acc ft_log[FT_LOG_MAX];
static unsigned ft_nlog;
static unsigned ft_ntests, ft_nfail;

static void
ft_mem_cb(void *ctx, struct x86_mem *mem)
{
	struct ft_acc a = { .gpa = mem->gpa, .size = mem->size, .write = mem->write };

	(void)ctx;
	for (unsigned i = 0; i < mem->size; i++) {
		if (!mem->write)
			mem->data[i] = (uint8_t)((mem->gpa + i) * 7 + 0x5a);
		a.val |= (uint64_t)mem->data[i] << (8 * i);
	}
	if (ft_nlog < FT_LOG_MAX)
		ft_log[ft_nlog] = a;
	ft_nlog++;
}

static void
ft_pte(uint64_t table, unsigned idx, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		ft_low[table + 8 * idx + i] = (uint8_t)(v >> (8 * i));
}

/* The memory every case starts from (kept in ft_*0). */
static void
ft_build(void)
{
	for (unsigned i = 0; i < FT_LOW_SIZE; i++)
		ft_low[i] = (uint8_t)(i * 13 + 5);
	for (unsigned i = 0; i < PAGE_SIZE; i++) {
		ft_data[i] = (uint8_t)(i * 11 + 3);
		ft_rom[i] = (uint8_t)(i * 5 + 1);
	}
	memset(ft_low + 0x1000, 0, 0x4000);
	ft_pte(0x1000, 0, 0x2000 | 0x7);
	ft_pte(0x2000, 0, 0x3000 | 0x7);
	ft_pte(0x3000, 0, 0x0 | 0x87);
	ft_pte(0x3000, 1, 0x4000 | 0x7);
	ft_pte(0x4000, 0, 0xff000000 | 0x7);
	ft_pte(0x4000, 1, 0xff001000 | 0x5);
	ft_pte(0x4000, 3, 0xff002000 | 0x3);
	ft_pte(0x4000, 4, FT_DATA | 0x7);
	ft_pte(0x4000, 5, FT_ROM | 0x7);
	memcpy(ft_low0, ft_low, sizeof(ft_low));
	memcpy(ft_data0, ft_data, sizeof(ft_data));
	memcpy(ft_rom0, ft_rom, sizeof(ft_rom));
}

static void
ft_machine(struct x86_machine *m, bool cb)
{
	memset(m, 0, sizeof(*m));
	if (x86_memmap_add(m, 0, FT_LOW_SIZE, ft_low, X86_PROT_READ | X86_PROT_WRITE) ||
	    x86_memmap_add(m, FT_DATA, PAGE_SIZE, ft_data, X86_PROT_READ | X86_PROT_WRITE) ||
	    x86_memmap_add(m, FT_ROM, PAGE_SIZE, ft_rom, X86_PROT_READ)) {
		fprintf(stderr, "ft_machine: x86_memmap_add failed\n");
		exit(2);
	}
	m->mem_cb = cb ? ft_mem_cb : NULL;
}

/* ------------------------------------------------------------------------ */
/* Machine states */

enum { FT_M64, FT_COMPAT, FT_P32 };

struct ft_state {
	const char *name;
	unsigned kind;          /* FT_M64, FT_COMPAT, FT_P32 */
	uint64_t base;          /* GPR i = base + i * step */
	uint64_t step;
	uint8_t cpl;
	bool nowp;              /* CR0.WP = 0 */
	bool nocb;              /* no Mem callback */
	uint16_t ds_attr;       /* 0: flat read/write data */
};

static const struct ft_state ft_states[] = {
	{ "64-bit, device page",        FT_M64, 0x200000, 0x18 },
	{ "64-bit, RAM page",           FT_M64, 0x204000, 0x101 },
	{ "64-bit, 2 MiB page",         FT_M64, 0x100000, 0x8 },
	{ "64-bit, page ends",          FT_M64, 0x200ffa, 1 },
	{ "64-bit, read-only page",     FT_M64, 0x201000, 0x8 },
	{ "64-bit, RO page, WP=0",      FT_M64, 0x201000, 0x10, 0, true },
	{ "64-bit, supervisor, CPL 3",  FT_M64, 0x203000, 0x4, 3 },
	{ "64-bit, user page, CPL 3",   FT_M64, 0x200100, 0x4, 3 },
	{ "64-bit, not present",        FT_M64, 0x202000, 0x8 },
	{ "64-bit, ROM page",           FT_M64, 0x205000, 0x9 },
	{ "64-bit, non-canonical",      FT_M64, 0x00007ffffffffff8ULL, 0x1 },
	{ "64-bit, high canonical",     FT_M64, 0xffff800000000000ULL, 0x1000 },
	{ "64-bit, no Mem callback",    FT_M64, 0x200000, 0x8, 0, false, true },
	{ "64-bit, low RAM",            FT_M64, 0x0, 0x40 },
	{ "compat, device page",        FT_COMPAT, 0xffffffff00200000ULL, 0x8 },
	{ "compat, page ends",          FT_COMPAT, 0x200ffd, 0x1 },
	{ "32-bit, device",             FT_P32, 0xff000000, 0x10 },
	{ "32-bit, RAM",                FT_P32, 0x100000, 0x21 },
	{ "32-bit, ROM",                FT_P32, 0x110000, 0x4 },
	{ "32-bit, 4 GiB wrap",         FT_P32, 0xfffffff0, 0x2 },
	{ "32-bit, read-only DS",       FT_P32, 0xff000000, 0x10, 0, false, false, 0x091 },
	{ "32-bit, expand-down DS",     FT_P32, 0xff000000, 0x10, 0, false, false, 0x097 },
	{ "32-bit, no Mem callback",    FT_P32, 0xff000100, 0x10, 0, false, true },
};
#define FT_NSTATES (sizeof(ft_states) / sizeof(ft_states[0]))

static void
ft_state_init(struct x86_state *st, const struct ft_state *s)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < X86_GPR_COUNT; i++)
		st->gpr[i] = s->base + i * s->step;
	st->rip = FT_CODE;
	st->rflags = 0x2;
	st->cpl = s->cpl;
	for (unsigned i = 0; i < X86_SEG_COUNT; i++) {
		st->seg[i].sel = 0x10;
		st->seg[i].attr = 0x093 | X86_SEGATTR_DB | X86_SEGATTR_G;
		st->seg[i].limit = 0xffffffff;
	}
	st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB | X86_SEGATTR_G;
	/* SS differs from DS: another base, a 64 KiB limit. */
	st->seg[X86_SEG_SS].base = 0x100;
	st->seg[X86_SEG_SS].limit = 0xffff;
	st->seg[X86_SEG_SS].attr = 0x093 | X86_SEGATTR_DB;
	st->seg[X86_SEG_FS].base = 0x204000;
	st->seg[X86_SEG_GS].base = 0x200000;
	if (s->ds_attr != 0)
		st->seg[X86_SEG_DS].attr = (uint16_t)(s->ds_attr | X86_SEGATTR_DB | X86_SEGATTR_G);
	st->cr0 = X86_CR0_PE;
	if (s->kind == FT_P32)
		return;
	st->cr0 |= X86_CR0_PG | (s->nowp ? 0 : X86_CR0_WP);
	st->cr4 = X86_CR4_PAE;
	st->cr3 = 0x1000;
	st->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
	if (s->kind == FT_M64)
		st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_L | X86_SEGATTR_G;
}

/* ------------------------------------------------------------------------ */
/* One case, both ways */

/* Everything a run can change. */
struct ft_out {
	int ret;
	struct x86_assist_result res;
	struct x86_state st;
	uint8_t low[FT_LOW_SIZE], data[PAGE_SIZE], rom[PAGE_SIZE];
	struct ft_acc log[FT_LOG_MAX];
	unsigned nlog;
};

static struct ft_out ft_a, ft_b;

static void
ft_reset(void)
{
	memcpy(ft_low, ft_low0, sizeof(ft_low));
	memcpy(ft_data, ft_data0, sizeof(ft_data));
	memcpy(ft_rom, ft_rom0, sizeof(ft_rom));
	ft_nlog = 0;
	memset(ft_log, 0, sizeof(ft_log));
}

enum { FT_FAST, FT_GENERIC, FT_NOTHING };

/*
 * Run the fast path, the generic path or nothing on a fresh machine in
 * state s with the bytes (also at CS:RIP); keep what came out in *o.
 */
static void
ft_run(unsigned how, const struct ft_state *s, const uint8_t *bytes, size_t n,
    struct ft_out *o)
{
	struct x86_machine m;

	ft_reset();
	ft_machine(&m, !s->nocb);
	ft_state_init(&o->st, s);
	memcpy(ft_low + FT_CODE, bytes, 15);
	memset(&o->res, 0xa5, sizeof(o->res));
	o->ret = -1;
	if (how == FT_FAST)
		o->ret = x86_assist_mem_fast(&m, &o->st, bytes, n, &o->res);
	else if (how == FT_GENERIC)
		o->ret = x86_assist_mem_generic(&m, &o->st, bytes, n, &o->res);
	if ((how == FT_FAST && o->ret >= 0) != (m.mem_fast == 1))
		o->ret = -100;  /* counted wrong: never equal to another run */
	memcpy(o->low, ft_low, sizeof(ft_low));
	memcpy(o->data, ft_data, sizeof(ft_data));
	memcpy(o->rom, ft_rom, sizeof(ft_rom));
	memcpy(o->log, ft_log, sizeof(ft_log));
	o->nlog = ft_nlog;
}

static bool
ft_res_equal(const struct x86_assist_result *a, const struct x86_assist_result *b)
{
	if (a->status != b->status || a->nbytes != b->nbytes ||
	    memcmp(a->bytes, b->bytes, a->nbytes > 15 ? 15 : a->nbytes) != 0)
		return false;
	if ((a->reason == NULL) != (b->reason == NULL) ||
	    (a->reason != NULL && strcmp(a->reason, b->reason) != 0))
		return false;
	return a->status != X86_ASSIST_EXCEPTION ||
	    (a->exc.vector == b->exc.vector && a->exc.has_error == b->exc.has_error &&
	     a->exc.error == b->exc.error && a->exc.cr2 == b->exc.cr2);
}

/* What differs between two runs ("" if nothing). */
static const char *
ft_diff(const struct ft_out *a, const struct ft_out *b, bool res)
{
	if (res && !ft_res_equal(&a->res, &b->res))
		return "result";
	if (memcmp(&a->st, &b->st, sizeof(a->st)) != 0)
		return "state";
	if (memcmp(a->low, b->low, sizeof(a->low)) != 0 ||
	    memcmp(a->data, b->data, sizeof(a->data)) != 0 ||
	    memcmp(a->rom, b->rom, sizeof(a->rom)) != 0)
		return "memory";
	if (a->nlog != b->nlog)
		return "device accesses";
	for (unsigned i = 0; i < FT_LOG_MAX; i++)
		if (a->log[i].gpa != b->log[i].gpa || a->log[i].val != b->log[i].val ||
		    a->log[i].size != b->log[i].size || a->log[i].write != b->log[i].write)
			return "device accesses";
	return "";
}

/* A family's tally and its first failure. */
struct ft_fam {
	unsigned cases, taken, failed;
	char why[256];
};

/*
 * One case: the fast path, then, if it took the case, the generic path
 * must give the same; if it did not, a run that does nothing must (the
 * result untouched too).
 */
static void
ft_case(struct ft_fam *fam, const struct ft_state *s, const uint8_t *bytes, size_t n)
{
	const char *d;

	fam->cases++;
	ft_run(FT_FAST, s, bytes, n, &ft_b);
	if (ft_b.ret >= 0)
		fam->taken++;
	ft_run(ft_b.ret >= 0 ? FT_GENERIC : FT_NOTHING, s, bytes, n, &ft_a);
	if (ft_b.ret != ft_a.ret)
		d = "status";
	else if (ft_b.ret < 0 && memcmp(&ft_a.res, &ft_b.res, sizeof(ft_a.res)) != 0)
		d = "declined, but the result was written";
	else
		d = ft_diff(&ft_a, &ft_b, ft_b.ret >= 0);
	if (d[0] == '\0')
		return;
	if (fam->failed++ == 0) {
		int k = snprintf(fam->why, sizeof(fam->why), "%s%s, %zu bytes",
		    ft_b.ret < 0 ? "declined: " : "", s->name, n);

		for (size_t i = 0; i < n && k > 0 && (size_t)k < sizeof(fam->why); i++)
			k += snprintf(fam->why + k, sizeof(fam->why) - (size_t)k, " %02x", bytes[i]);
		if (k > 0 && (size_t)k < sizeof(fam->why))
			snprintf(fam->why + k, sizeof(fam->why) - (size_t)k, ": %s", d);
	}
}

static void
ft_report(const struct ft_fam *fam, bool want_taken, const char *fmt, ...)
{
	va_list ap;
	bool ok = fam->failed == 0 && fam->cases > 0 && (want_taken ? fam->taken > 0 : fam->taken == 0);

	ft_ntests++;
	if (!ok)
		ft_nfail++;
	printf("%sok %u - ", ok ? "" : "not ", ft_ntests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%u cases, %u by the fast path)", fam->cases, fam->taken);
	if (fam->failed)
		printf(" # %u failed, first: %s", fam->failed, fam->why);
	else if (!ok)
		printf(" # fast path %s", want_taken ? "never taken" : "taken");
	printf("\n");
}

/* ------------------------------------------------------------------------ */
/* Families */

/* Opcode bytes: the fast path's forms, then neighbours it must leave. */
static const struct { uint8_t b[2]; uint8_t n; } ft_opcodes[] = {
	{ { 0x88 }, 1 }, { { 0x89 }, 1 }, { { 0x8a }, 1 }, { { 0x8b }, 1 },
	{ { 0xc6 }, 1 }, { { 0xc7 }, 1 },
	{ { 0x0f, 0xb6 }, 2 }, { { 0x0f, 0xb7 }, 2 },
	{ { 0x0f, 0xbe }, 2 }, { { 0x0f, 0xbf }, 2 },
	{ { 0x86 }, 1 }, { { 0x63 }, 1 }, { { 0xa1 }, 1 }, { { 0x8c }, 1 },
	{ { 0x0f, 0xc3 }, 2 }, { { 0x0f, 0xb8 }, 2 },
};
#define FT_NOPS (sizeof(ft_opcodes) / sizeof(ft_opcodes[0]))

/* After ModRM: SIB / displacement / immediate bytes. */
static const uint8_t ft_tails[][12] = {
	{ 0x00, 0x10, 0x00, 0x00, 0x00, 0x5a, 0xa5, 0xc3, 0x3c, 0x11, 0x22, 0x33 },
	{ 0x88, 0xf8, 0xff, 0xff, 0xff, 0x80, 0x7f, 0x01, 0x02, 0x03, 0x04, 0x05 },
	{ 0x25, 0x08, 0x00, 0x20, 0x00, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99 },
	{ 0xe4, 0x40, 0x00, 0x00, 0xff, 0x81, 0x00, 0x00, 0x80, 0x7e, 0x00, 0x00 },
};
#define FT_NTAILS (sizeof(ft_tails) / sizeof(ft_tails[0]))

/* Prefixes (up to two bytes); 64-bit mode takes all, the others the legacy ones. */
static const struct { uint8_t b[2]; uint8_t n; bool rex; } ft_prefixes[] = {
	{ { 0 }, 0, false }, { { 0x40 }, 1, true }, { { 0x41 }, 1, true },
	{ { 0x42 }, 1, true }, { { 0x44 }, 1, true }, { { 0x48 }, 1, true },
	{ { 0x4f }, 1, true }, { { 0x4d }, 1, true }, { { 0x48, 0x41 }, 2, true },
	{ { 0x66 }, 1, false }, { { 0x67 }, 1, false }, { { 0xf0 }, 1, false },
	{ { 0xf3 }, 1, false }, { { 0x2e }, 1, false }, { { 0x36 }, 1, false },
	{ { 0x64 }, 1, false }, { { 0x65 }, 1, false }, { { 0x66, 0x48 }, 2, true },
};
#define FT_NPFX (sizeof(ft_prefixes) / sizeof(ft_prefixes[0]))

/* Build prefix + opcode + ModRM + tail into b (15 bytes); returns the opcode's end. */
static size_t
ft_bytes(uint8_t b[15], unsigned p, unsigned o, unsigned modrm, unsigned t)
{
	size_t n = 0;

	memcpy(b + n, ft_prefixes[p].b, ft_prefixes[p].n);
	n += ft_prefixes[p].n;
	memcpy(b + n, ft_opcodes[o].b, ft_opcodes[o].n);
	n += ft_opcodes[o].n;
	b[n] = (uint8_t)modrm;
	memcpy(b + n + 1, ft_tails[t], 15 - (n + 1));
	return n;
}

/*
 * Every prefix, opcode and ModRM with every tail, given in full, in the
 * states of one kind (a few per instruction, rotating, so that each
 * ModRM meets several).
 */
static void
ft_family_forms(unsigned kind, const char *what)
{
	struct ft_fam fam = { 0 };
	unsigned idx[FT_NSTATES], ns = 0, k = 0;
	uint8_t b[15];

	for (unsigned i = 0; i < FT_NSTATES; i++)
		if (ft_states[i].kind == kind)
			idx[ns++] = i;
	for (unsigned p = 0; p < FT_NPFX; p++) {
		if (ft_prefixes[p].rex && kind != FT_M64)
			continue;
		for (unsigned o = 0; o < FT_NOPS; o++)
			for (unsigned modrm = 0; modrm < 256; modrm++)
				for (unsigned t = 0; t < FT_NTAILS; t++) {
					ft_bytes(b, p, o, modrm, t);
					for (unsigned r = 0; r < 2 && r < ns; r++)
						ft_case(&fam, &ft_states[idx[(k + r) % ns]], b, 15);
					k++;
				}
	}
	ft_report(&fam, true, "%s: prefixes x opcodes x ModRM x tails, fast == generic", what);
}

/*
 * Every length from 0 to 15 of the fast forms (no prefix, REX 40 and 41;
 * every third ModRM; the states in turn): too few bytes is the generic
 * path's.
 */
static void
ft_family_short(void)
{
	struct ft_fam fam = { 0 };
	unsigned k = 0;
	uint8_t b[15];

	for (unsigned p = 0; p < 3; p++)
		for (unsigned o = 0; o < 10; o++)
			for (unsigned modrm = 0; modrm < 256; modrm += 3)
				for (unsigned t = 0; t < FT_NTAILS; t++, k++) {
					ft_bytes(b, p, o, modrm, t);
					for (size_t n = 0; n <= 15; n++)
						ft_case(&fam, &ft_states[(k + n) % FT_NSTATES], b, n);
				}
	ft_report(&fam, true, "the states in turn, bytes cut to 0..15, fast == generic");
}

/* 16-bit modes: never the fast path. */
static void
ft_family_16bit(void)
{
	static const uint8_t forms[][4] = {
		{ 0x8b, 0x07 }, { 0x89, 0x05 }, { 0x8a, 0x47, 0x10 }, { 0xc6, 0x06, 0x00, 0x10 },
	};
	struct ft_fam fam = { 0 };
	struct ft_state s = { "16-bit", FT_P32, 0x10, 0x2 };
	struct x86_machine m;
	struct x86_state st;
	struct x86_assist_result res;

	for (unsigned f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
		for (unsigned real = 0; real < 2; real++) {
			ft_reset();
			ft_machine(&m, true);
			ft_state_init(&st, &s);
			st.seg[X86_SEG_CS].attr = 0x09b;
			if (real)
				st.cr0 = 0;
			fam.cases++;
			if (x86_assist_mem_fast(&m, &st, forms[f], 4, &res) >= 0 || m.mem_fast != 0)
				fam.taken++;
		}
	ft_report(&fam, false, "16-bit code (real and protected mode): fast path declines");
}

/*
 * Known instructions the fast path must take, with what they must do:
 * in state 0 ("64-bit, device page") GPR i holds 0x200000 + 0x18 * i,
 * so r10 = 0x2000f0 is byte 0xf0 of the device page at 0xff000000 and
 * rdx = 0x200030 byte 0x30. Given exactly their bytes.
 */
static void
ft_family_known(void)
{
	static const struct {
		uint8_t bytes[8], n;
		bool store;
		unsigned size;
		uint64_t gpa;           /* where the access must go */
	} known[] = {
		{ { 0x41, 0x8b, 0x02 }, 3, false, 4, 0xff0000f0 },       /* mov (%r10),%eax */
		{ { 0x41, 0x89, 0x02 }, 3, true, 4, 0xff0000f0 },        /* mov %eax,(%r10) */
		{ { 0x49, 0x8b, 0x02 }, 3, false, 8, 0xff0000f0 },       /* mov (%r10),%rax */
		{ { 0x41, 0x0f, 0xb7, 0x02 }, 4, false, 2, 0xff0000f0 }, /* movzwl (%r10),%eax */
		{ { 0x41, 0xc6, 0x02, 0x99 }, 4, true, 1, 0xff0000f0 },  /* movb $0x99,(%r10) */
		{ { 0x8b, 0x02 }, 2, false, 4, 0xff000030 },             /* mov (%rdx),%eax */
	};
	struct ft_fam fam = { 0 };
	struct x86_machine m;
	struct x86_state st;
	struct x86_assist_result res;

	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint64_t want = 0, rax;

		ft_reset();
		ft_machine(&m, true);
		ft_state_init(&st, &ft_states[0]);
		rax = st.gpr[X86_GPR_RAX];
		for (unsigned j = 0; j < known[i].size; j++)
			want |= (uint64_t)(uint8_t)((known[i].gpa + j) * 7 + 0x5a) << (8 * j);
		if (known[i].store)
			want = known[i].bytes[0] == 0x41 && known[i].bytes[1] == 0xc6 ? 0x99 :
			    rax & 0xffffffff;
		fam.cases++;
		if (x86_assist_mem_fast(&m, &st, known[i].bytes, known[i].n, &res) == X86_ASSIST_DONE)
			fam.taken++;
		else if (fam.failed++ == 0)
			snprintf(fam.why, sizeof(fam.why), "case %u: not by the fast path", i);
		if (st.rip != FT_CODE + known[i].n || ft_nlog != 1 ||
		    ft_log[0].gpa != known[i].gpa || ft_log[0].size != known[i].size ||
		    ft_log[0].write != known[i].store || ft_log[0].val != want ||
		    st.gpr[X86_GPR_RAX] != (known[i].store ? rax : want) ||
		    res.nbytes != known[i].n || res.status != X86_ASSIST_DONE) {
			if (fam.failed++ == 0)
				snprintf(fam.why, sizeof(fam.why), "case %u", i);
		}
	}
	ft_report(&fam, true, "loads and stores at r10/rdx on the device page: one access, rAX and RIP");
}

int
main(void)
{
	ft_build();
	ft_family_known();
	ft_family_16bit();
	ft_family_forms(FT_M64, "64-bit mode");
	ft_family_forms(FT_COMPAT, "compatibility mode");
	ft_family_forms(FT_P32, "32-bit protected mode");
	ft_family_short();
	printf("1..%u\n", ft_ntests);
	return ft_nfail ? 1 : 0;
}
