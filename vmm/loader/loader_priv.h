/*
 * loader_priv.h - what the files of the loader share: the load context,
 * the placement plan (which guest-physical ranges are taken), guest
 * memory writes, error messages and little-endian reads of image bytes.
 *
 * Every loader works in two phases: plan (parse, validate, place every
 * piece with loader_plan_*; any failure returns before memory is
 * touched), then write (loader_write/loader_zero/loader_put*). Writes go
 * only to ranges the plan took, which loader_check_map() has verified to
 * be writable RAM in the monitor's memory map, so they cannot fail
 * unless the map changes under us; ctx->wfail catches that anyway.
 */
#ifndef LOADER_PRIV_H
#define LOADER_PRIV_H

#include "loader.h"

/* Little-endian loads from image bytes (any alignment). */
static inline uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static inline uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

/* ------------------------------------------------------------------------ */
/* Placement plan */

#define LOADER_PLAN_MAX  48
#define LOADER_PIECES_MAX (2 + 2 * LOADER_RESERVED_MAX)

struct loader_plan {
	struct loader_range ram[LOADER_PIECES_MAX];   /* usable RAM, sorted */
	unsigned nram;
	struct loader_range used[LOADER_PLAN_MAX];    /* taken so far */
	unsigned nused;
};

/* The usable RAM of mem (its RAM minus the reserved ranges); nothing taken. */
void loader_plan_init(struct loader_plan *p, const struct loader_mem *mem);

/* True if every byte of [base, base + size) is usable RAM (size > 0). */
bool loader_plan_is_ram(const struct loader_plan *p, gpa_t base, uint64_t size);

/* True if [base, base + size) overlaps a range already taken. */
bool loader_plan_overlaps(const struct loader_plan *p, gpa_t base, uint64_t size);

enum { LOADER_TAKE_OK, LOADER_TAKE_NOT_RAM, LOADER_TAKE_OVERLAP, LOADER_TAKE_FULL };

/* Take the fixed range [base, base + size). Returns LOADER_TAKE_*. */
int loader_plan_take(struct loader_plan *p, gpa_t base, uint64_t size);

/*
 * loader_plan_alloc - find and take size bytes (> 0) of free usable RAM,
 * aligned to align (a power of two), inside [lo, hi): the lowest such
 * address, or with top_down the highest. Returns 0 with *out set, or -1.
 */
int loader_plan_alloc(struct loader_plan *p, uint64_t size, uint64_t align,
		      gpa_t lo, gpa_t hi, bool top_down, gpa_t *out);

/* ------------------------------------------------------------------------ */
/* One load */

struct loader_ctx {
	const struct loader_input *in;
	const struct loader_mem *mem;
	struct boot_state *out;
	struct loader_result *res;      /* never NULL inside the loaders */
	struct loader_error *err;
	struct loader_plan plan;
	bool wfail;                     /* a guest memory write failed */
};

/*
 * loader_fail - fill ctx->err with code and "<blob name>: <reason>";
 * fmt knows %s, %u, %x, %llu, %llx (checked by the compiler). Returns -1.
 */
int loader_fail(struct loader_ctx *c, enum loader_errcode code,
		const struct loader_blob *b, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The message for a failed loader_plan_take (not RAM / overlap / full). */
int loader_fail_take(struct loader_ctx *c, int take, const struct loader_blob *b,
		     const char *what, gpa_t base, uint64_t size);

/* Guest memory writes (phase 2); a failure sets c->wfail. */
void loader_write(struct loader_ctx *c, gpa_t gpa, const void *buf, uint64_t len);
void loader_zero(struct loader_ctx *c, gpa_t gpa, uint64_t len);
void loader_put16(struct loader_ctx *c, gpa_t gpa, uint16_t v);
void loader_put32(struct loader_ctx *c, gpa_t gpa, uint32_t v);
void loader_put64(struct loader_ctx *c, gpa_t gpa, uint64_t v);

/* Length of a C string bounded by max (max if no NUL before it). */
size_t loader_strnlen(const char *s, size_t max);

/* The loaders: plan, then write; 0 or -1 (error filled). */
int loader_load_raw(struct loader_ctx *c);
int loader_load_multiboot(struct loader_ctx *c);
int loader_load_linux(struct loader_ctx *c);

/* ------------------------------------------------------------------------ */
/* Multiboot images (multiboot_image.c) */

#define MB_SEARCH   8192u       /* spec 3.1.1: the header is in the first 8 KiB */
#define MB_SEGS_MAX 16

/* Offset of the first valid multiboot header in data, or -1. */
long loader_mb_find(const uint8_t *data, size_t size);

/* One piece of the kernel: file bytes [off, off + filesz) at paddr, zero up to memsz. */
struct mb_seg {
	uint64_t off, filesz;
	gpa_t paddr;
	uint64_t memsz;
};

struct mb_image {
	uint32_t hflags;                /* the header's flags */
	bool aout_kludge;               /* loaded by the address fields (else ELF) */
	unsigned elf_class;             /* 32 or 64 (ELF only) */
	struct mb_seg seg[MB_SEGS_MAX];
	unsigned nseg;
	uint32_t entry;                 /* physical */
};

/*
 * loader_mb_parse - validate the multiboot kernel c->in->kernel and list
 * its segments and entry point (nothing placed, nothing written).
 * Returns 0, or -1 with the error filled.
 */
int loader_mb_parse(struct loader_ctx *c, struct mb_image *img);

#endif /* LOADER_PRIV_H */
