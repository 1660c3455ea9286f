/*
 * loader.c - format detection, argument checks, error messages, the
 * dispatch to the multiboot and Linux loaders, and the raw flat binary
 * loader (include/guest_abi.h). See loader.h for the rules.
 */
#include <stdarg.h>

#include "guest_abi.h"
#include "loader_priv.h"
#include "multiboot.h"
#include "linux_boot.h"
#include "x86_guestmem.h"

/* ------------------------------------------------------------------------ */
/* Detection */

#define LOADER_ELF_MAGIC 0x464c457fu    /* "\x7fELF" */

long loader_mb_find(const uint8_t *data, size_t size)
{
	size_t end = size < MB_SEARCH ? size : MB_SEARCH;

	/* Spec 3.1.1: 32-bit aligned, within the first 8192 bytes. */
	for (size_t off = 0; off + MB_HDR_MIN <= end; off += 4) {
		const uint8_t *h = data + off;

		if (ld32(h + MB_HDR_MAGIC) == MB_HEADER_MAGIC &&
		    (uint32_t)(ld32(h + MB_HDR_MAGIC) + ld32(h + MB_HDR_FLAGS) +
			       ld32(h + MB_HDR_CHECKSUM)) == 0)
			return (long)off;
	}
	return -1;
}

enum loader_format loader_detect(const uint8_t *data, size_t size)
{
	if (data == NULL || size == 0)
		return LOADER_FMT_INVALID;
	if (size >= LINUX_HDR_MAGIC + 4 && ld32(data + LINUX_HDR_MAGIC) == LINUX_HDRS_MAGIC)
		return LOADER_FMT_LINUX;
	if (loader_mb_find(data, size) >= 0)
		return LOADER_FMT_MULTIBOOT;
	if (size >= 4 && ld32(data) == LOADER_ELF_MAGIC)
		return LOADER_FMT_INVALID;
	return size <= GUEST_LOAD_MAX ? LOADER_FMT_RAW : LOADER_FMT_INVALID;
}

const char *loader_format_name(enum loader_format f)
{
	switch (f) {
	case LOADER_FMT_RAW:       return "raw binary";
	case LOADER_FMT_MULTIBOOT: return "multiboot";
	case LOADER_FMT_LINUX:     return "Linux bzImage";
	default:                   return "invalid";
	}
}

const char *loader_error_name(enum loader_errcode code)
{
	switch (code) {
	case LOADER_OK:            return "ok";
	case LOADER_E_ARGS:        return "bad call";
	case LOADER_E_EMPTY:       return "empty";
	case LOADER_E_FORMAT:      return "unknown format";
	case LOADER_E_TRUNCATED:   return "truncated";
	case LOADER_E_HEADER:      return "bad header";
	case LOADER_E_UNSUPPORTED: return "unsupported";
	case LOADER_E_NOFIT:       return "does not fit";
	case LOADER_E_CMDLINE:     return "command line";
	case LOADER_E_MODULE:      return "modules";
	default:                   return "error";
	}
}

/* ------------------------------------------------------------------------ */
/* Messages: a tiny formatter into err->msg (vmm/ has no snprintf). */

struct loader_buf {
	char *p;
	size_t n, max;
};

static void loader_buf_putc(struct loader_buf *b, char ch)
{
	if (b->n + 1 < b->max)
		b->p[b->n++] = ch;
	b->p[b->n] = '\0';
}

static void loader_buf_puts(struct loader_buf *b, const char *s)
{
	while (s != NULL && *s != '\0')
		loader_buf_putc(b, *s++);
}

static void loader_buf_putnum(struct loader_buf *b, unsigned long long v, unsigned base)
{
	char d[24];
	int i = 0;

	if (base == 16)
		loader_buf_puts(b, "0x");
	do {
		d[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (i > 0)
		loader_buf_putc(b, d[--i]);
}

static void loader_vfmt(struct loader_buf *b, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		bool ll = false;

		if (*fmt != '%') {
			loader_buf_putc(b, *fmt);
			continue;
		}
		fmt++;
		if (fmt[0] == 'l' && fmt[1] == 'l') {
			ll = true;
			fmt += 2;
		}
		switch (*fmt) {
		case 's':
			loader_buf_puts(b, va_arg(ap, const char *));
			break;
		case 'u':
		case 'x':
			loader_buf_putnum(b, ll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned),
					  *fmt == 'x' ? 16 : 10);
			break;
		case '\0':
			return;
		default:
			loader_buf_putc(b, *fmt);
		}
	}
}

int loader_fail(struct loader_ctx *c, enum loader_errcode code,
		const struct loader_blob *blob, const char *fmt, ...)
{
	struct loader_buf b = { c->err->msg, 0, sizeof(c->err->msg) };
	va_list ap;

	c->err->code = code;
	c->err->msg[0] = '\0';
	loader_buf_puts(&b, blob != NULL && blob->name != NULL ? blob->name : "image");
	loader_buf_puts(&b, ": ");
	va_start(ap, fmt);
	loader_vfmt(&b, fmt, ap);
	va_end(ap);
	return -1;
}

int loader_fail_take(struct loader_ctx *c, int take, const struct loader_blob *b,
		     const char *what, gpa_t base, uint64_t size)
{
	if (take == LOADER_TAKE_NOT_RAM)
		return loader_fail(c, LOADER_E_NOFIT, b, "%s [%llx-%llx) is not in guest RAM "
				   "(RAM: 0-0x9ffff, 0x100000-%llx)", what,
				   (unsigned long long)base, (unsigned long long)(base + size),
				   (unsigned long long)(c->mem->ram_top - 1));
	if (take == LOADER_TAKE_OVERLAP)
		return loader_fail(c, LOADER_E_HEADER, b, "%s [%llx-%llx) overlaps another part "
				   "of the image", what, (unsigned long long)base,
				   (unsigned long long)(base + size));
	return loader_fail(c, LOADER_E_ARGS, b, "%s: too many pieces to place", what);
}

/* ------------------------------------------------------------------------ */
/* Checks of the call itself */

/* Is [base, end) writable, readable RAM in the monitor's memory map? */
static bool loader_map_is_ram(const struct x86_machine *m, gpa_t base, gpa_t end)
{
	while (base < end) {
		const struct x86_memrange *r = x86_memmap_find(m, base);

		if (r == NULL || (r->prot & (X86_PROT_READ | X86_PROT_WRITE)) !=
		    (X86_PROT_READ | X86_PROT_WRITE))
			return false;
		base = r->gpa + r->size;
	}
	return true;
}

static int loader_check_args(struct loader_ctx *c)
{
	const struct loader_input *in = c->in;
	const struct loader_mem *mem = c->mem;
	struct loader_plan *p = &c->plan;

	if (mem->mach == NULL || mem->ram_top < LOADER_RAM_TOP_MIN ||
	    mem->ram_top > LOADER_RAM_TOP_MAX || (mem->ram_top & PAGE_MASK) != 0 ||
	    mem->nreserved > LOADER_RESERVED_MAX)
		return loader_fail(c, LOADER_E_ARGS, &in->kernel, "bad guest memory "
				   "description (ram_top %llx)", (unsigned long long)mem->ram_top);
	for (unsigned i = 0; i < mem->nreserved; i++) {
		const struct loader_range *r = &mem->reserved[i];

		if (r->size == 0 || r->base + r->size < r->base)
			return loader_fail(c, LOADER_E_ARGS, &in->kernel, "bad reserved range %u", i);
	}
	/* Every piece of usable RAM must be RAM in the monitor's map. */
	for (unsigned i = 0; i < p->nram; i++)
		if (!loader_map_is_ram(mem->mach, p->ram[i].base, p->ram[i].base + p->ram[i].size))
			return loader_fail(c, LOADER_E_ARGS, &in->kernel, "guest RAM [%llx-%llx) "
					   "is not writable RAM in the memory map",
					   (unsigned long long)p->ram[i].base,
					   (unsigned long long)(p->ram[i].base + p->ram[i].size));
	if (in->nmodules > LOADER_MODULES_MAX || (in->nmodules > 0 && in->modules == NULL))
		return loader_fail(c, LOADER_E_ARGS, &in->kernel, "%u modules (at most %u)",
				   in->nmodules, LOADER_MODULES_MAX);
	for (unsigned i = 0; i < in->nmodules; i++)
		if (in->modules[i].data == NULL && in->modules[i].size != 0)
			return loader_fail(c, LOADER_E_ARGS, &in->modules[i], "no data");
	if (in->kernel.data == NULL || in->kernel.size == 0)
		return loader_fail(c, LOADER_E_EMPTY, &in->kernel, "the kernel image is empty");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Raw flat binary */

int loader_load_raw(struct loader_ctx *c)
{
	const struct loader_blob *k = &c->in->kernel;
	int take;

	if (c->in->nmodules != 0)
		return loader_fail(c, LOADER_E_MODULE, k, "a raw binary takes no modules "
				   "(%u given)", c->in->nmodules);
	take = loader_plan_take(&c->plan, GUEST_LOAD_GPA, k->size);
	if (take != LOADER_TAKE_OK)
		return loader_fail_take(c, take, k, "raw binary", GUEST_LOAD_GPA, k->size);

	loader_write(c, GUEST_LOAD_GPA, k->data, k->size);
	boot_state_raw(c->out);
	c->res->image_start = GUEST_LOAD_GPA;
	c->res->image_end = GUEST_LOAD_GPA + k->size;
	return 0;
}

/* ------------------------------------------------------------------------ */

int loader_load(const struct loader_input *in, const struct loader_mem *mem,
		struct boot_state *out, struct loader_result *res,
		struct loader_error *err)
{
	struct loader_result dummy;
	struct loader_ctx c = {
		.in = in, .mem = mem, .out = out, .res = res != NULL ? res : &dummy, .err = err,
	};
	const struct loader_blob *k = &in->kernel;
	int rc;

	memset(err, 0, sizeof(*err));
	memset(c.res, 0, sizeof(*c.res));
	loader_plan_init(&c.plan, mem);
	if (loader_check_args(&c) != 0)
		return -1;
	c.res->format = loader_detect(k->data, k->size);
	switch (c.res->format) {
	case LOADER_FMT_LINUX:
		rc = loader_load_linux(&c);
		break;
	case LOADER_FMT_MULTIBOOT:
		rc = loader_load_multiboot(&c);
		break;
	case LOADER_FMT_RAW:
		rc = loader_load_raw(&c);
		break;
	default:
		if (k->size >= 4 && ld32(k->data) == LOADER_ELF_MAGIC)
			return loader_fail(&c, LOADER_E_FORMAT, k, "an ELF file without a multiboot "
					   "header (for Linux give the bzImage, not vmlinux)");
		return loader_fail(&c, LOADER_E_FORMAT, k, "neither a Linux bzImage nor a "
				   "multiboot kernel, and at %llu bytes too big for a raw binary "
				   "(at most %u)", (unsigned long long)k->size, GUEST_LOAD_MAX);
	}
	if (rc != 0)
		return -1;
	if (c.wfail)
		return loader_fail(&c, LOADER_E_ARGS, k, "a write to guest RAM failed "
				   "(memory map changed?)");
	return 0;
}
