/*
 * mb2.c - read the Multiboot2 boot information (Multiboot2 Specification
 * version 2.0, section 3.6) into static storage.
 *
 * Layout: a fixed part (total_size, reserved) followed by tags, each
 * starting on an 8-byte boundary with (type, size), ending with a tag of
 * type 0. Everything is bounds-checked against total_size: a broken
 * loader gives an error, not a wild read.
 */
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "log.h"
#include "mb2.h"
#include "string.h"

/* Tag types (spec 3.6.1 and following). */
#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6
#define MB2_TAG_EFI32       11
#define MB2_TAG_EFI64       12
#define MB2_TAG_EFI_MMAP    17
#define MB2_TAG_EFI_BS      18   /* EFI boot services not terminated */

#define MB2_INFO_MAX_SIZE   (1u << 20)   /* sanity bound on total_size */
#define MB2_STR_MAX         2048
#define MB2_MODSTR_MAX      256
#define MB2_LOADER_MAX      64

struct mb2_info_hdr {
	uint32_t total_size;                 /* 0x00 */
	uint32_t reserved;                   /* 0x04 */
};
_Static_assert(sizeof(struct mb2_info_hdr) == 8, "Multiboot2 3.6.1");

struct mb2_tag {
	uint32_t type;                       /* 0x00 */
	uint32_t size;                       /* 0x04: includes this header */
};
_Static_assert(sizeof(struct mb2_tag) == 8, "Multiboot2 3.6.2");

struct mb2_tag_module {
	uint32_t type;                       /* 0x00: 3 */
	uint32_t size;                       /* 0x04 */
	uint32_t mod_start;                  /* 0x08 */
	uint32_t mod_end;                    /* 0x0c: exclusive */
	/* 0x10: NUL-terminated string */
};
_Static_assert(sizeof(struct mb2_tag_module) == 16, "Multiboot2 3.6.6");

struct mb2_tag_mmap {
	uint32_t type;                       /* 0x00: 6 */
	uint32_t size;                       /* 0x04 */
	uint32_t entry_size;                 /* 0x08: multiple of 8, >= 24 */
	uint32_t entry_version;              /* 0x0c: 0 */
	/* 0x10: entries */
};
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "Multiboot2 3.6.8");

struct mb2_mmap_entry {
	uint64_t base_addr;                  /* 0x00 */
	uint64_t length;                     /* 0x08 */
	uint32_t type;                       /* 0x10 */
	uint32_t reserved;                   /* 0x14 */
};
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "Multiboot2 3.6.8");

struct mb2_tag_efi32 {
	uint32_t type;                       /* 0x00: 11 */
	uint32_t size;                       /* 0x04: 12 */
	uint32_t pointer;                    /* 0x08 */
};
_Static_assert(sizeof(struct mb2_tag_efi32) == 12, "Multiboot2 3.6.13");

struct mb2_tag_efi64 {
	uint32_t type;                       /* 0x00: 12 */
	uint32_t size;                       /* 0x04: 16 */
	uint64_t pointer;                    /* 0x08 */
};
_Static_assert(sizeof(struct mb2_tag_efi64) == 16, "Multiboot2 3.6.14");

static char mb2_cmdline[MB2_STR_MAX];
static char mb2_loader[MB2_LOADER_MAX];
static char mb2_modstr[MB2_MAX_MODULES][MB2_MODSTR_MAX];
static struct boot_module mb2_modules[MB2_MAX_MODULES];
static unsigned mb2_nmodules;
static struct boot_mmap_entry mb2_mmap[MB2_MAX_MMAP];
static unsigned mb2_nmmap;
static hpa_t mb2_info_start, mb2_info_end;
static uint64_t mb2_efi_systab;
static unsigned mb2_efi_bits;
static bool mb2_efi_mmap, mb2_efi_bs;

/* Copy the string at s (at most avail bytes readable) into dst[max]. */
static void mb2_copy_str(char *dst, size_t max, const char *s, size_t avail)
{
	size_t n = 0;

	while (n < avail && n < max - 1 && s[n] != '\0') {
		dst[n] = s[n];
		n++;
	}
	dst[n] = '\0';
}

static void mb2_parse_module(const struct mb2_tag_module *t)
{
	struct boot_module *m;
	char *str;

	if (t->size < sizeof(*t)) {
		hv_warn("module tag too short (%u bytes), ignored\n", t->size);
		return;
	}
	if (mb2_nmodules == MB2_MAX_MODULES) {
		hv_warn("more than %d modules, module at 0x%x ignored\n",
			MB2_MAX_MODULES, t->mod_start);
		return;
	}
	if (t->mod_end < t->mod_start) {
		hv_warn("module with end 0x%x below start 0x%x, ignored\n",
			t->mod_end, t->mod_start);
		return;
	}
	str = mb2_modstr[mb2_nmodules];
	mb2_copy_str(str, MB2_MODSTR_MAX, (const char *)(t + 1), t->size - sizeof(*t));
	m = &mb2_modules[mb2_nmodules++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	m->cmdline = str;
}

static void mb2_parse_mmap(const struct mb2_tag_mmap *t)
{
	const uint8_t *p, *end;

	if (t->size < sizeof(*t) || t->entry_size < sizeof(struct mb2_mmap_entry)) {
		hv_warn("memory map tag malformed (size %u, entry size %u)\n",
			t->size, t->entry_size);
		return;
	}
	p = (const uint8_t *)(t + 1);
	end = (const uint8_t *)t + t->size;
	for (; p + sizeof(struct mb2_mmap_entry) <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		if (mb2_nmmap == MB2_MAX_MMAP) {
			hv_warn("more than %d memory map entries, rest ignored\n", MB2_MAX_MMAP);
			return;
		}
		mb2_mmap[mb2_nmmap].base = e->base_addr;
		mb2_mmap[mb2_nmmap].len = e->length;
		mb2_mmap[mb2_nmmap].type = e->type;
		mb2_nmmap++;
	}
}

int mb2_parse(uint32_t magic, const void *info)
{
	const struct mb2_info_hdr *hdr = info;
	const uint8_t *base = info, *p, *end;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		hv_err("bad multiboot2 magic 0x%x (want 0x%x): not booted by a multiboot2 loader?\n",
		       magic, MB2_BOOTLOADER_MAGIC);
		return -1;
	}
	if (((uintptr_t)info & 7) != 0 || hdr->total_size < sizeof(*hdr) + sizeof(struct mb2_tag) ||
	    hdr->total_size > MB2_INFO_MAX_SIZE) {
		hv_err("multiboot2 info at %p malformed (total_size %u)\n", info, hdr->total_size);
		return -1;
	}
	mb2_info_start = (hpa_t)(uintptr_t)info;
	mb2_info_end = mb2_info_start + hdr->total_size;

	p = base + sizeof(*hdr);
	end = base + hdr->total_size;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;

		if (t->size < sizeof(*t) || t->size > (size_t)(end - p)) {
			hv_err("multiboot2 tag type %u at offset 0x%x has bad size %u\n",
			       t->type, (unsigned)(p - base), t->size);
			return -1;
		}
		switch (t->type) {
		case MB2_TAG_END:
			return 0;
		case MB2_TAG_CMDLINE:
			mb2_copy_str(mb2_cmdline, sizeof(mb2_cmdline), (const char *)(t + 1),
				     t->size - sizeof(*t));
			break;
		case MB2_TAG_LOADER_NAME:
			mb2_copy_str(mb2_loader, sizeof(mb2_loader), (const char *)(t + 1),
				     t->size - sizeof(*t));
			break;
		case MB2_TAG_MODULE:
			mb2_parse_module((const void *)t);
			break;
		case MB2_TAG_MMAP:
			mb2_parse_mmap((const void *)t);
			break;
		case MB2_TAG_EFI32:
			if (t->size >= sizeof(struct mb2_tag_efi32)) {
				mb2_efi_systab = ((const struct mb2_tag_efi32 *)(const void *)t)->pointer;
				mb2_efi_bits = 32;
			}
			break;
		case MB2_TAG_EFI64:
			if (t->size >= sizeof(struct mb2_tag_efi64)) {
				mb2_efi_systab = ((const struct mb2_tag_efi64 *)(const void *)t)->pointer;
				mb2_efi_bits = 64;
			}
			break;
		case MB2_TAG_EFI_MMAP:
			mb2_efi_mmap = true;
			break;
		case MB2_TAG_EFI_BS:
			mb2_efi_bs = true;
			break;
		default:
			break;          /* framebuffer, ACPI, ...: not used */
		}
		p += ALIGN_UP(t->size, 8);
	}
	hv_warn("multiboot2 info has no end tag\n");
	return 0;
}

void mb2_info_range(hpa_t *start, hpa_t *end)
{
	*start = mb2_info_start;
	*end = mb2_info_end;
}

unsigned boot_module_count(void)
{
	return mb2_nmodules;
}

const struct boot_module *boot_module_get(unsigned i)
{
	return i < mb2_nmodules ? &mb2_modules[i] : NULL;
}

unsigned boot_mmap_count(void)
{
	return mb2_nmmap;
}

const struct boot_mmap_entry *boot_mmap_get(unsigned i)
{
	return i < mb2_nmmap ? &mb2_mmap[i] : NULL;
}

uint64_t boot_ram_usable(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < mb2_nmmap; i++) {
		if (mb2_mmap[i].type == MB2_MEM_AVAILABLE)
			sum += mb2_mmap[i].len;
	}
	return sum;
}

#define MB2_LEGACY_HOLE_START 0xa0000ULL    /* VGA, option ROMs, BIOS */
#define MB2_LEGACY_HOLE_END   0x100000ULL

uint64_t boot_ram_total(void)
{
	bool low = false, high = false;

	for (unsigned i = 0; i < mb2_nmmap; i++) {
		const struct boot_mmap_entry *e = &mb2_mmap[i];

		if (e->type != MB2_MEM_AVAILABLE || e->len == 0)
			continue;
		if (e->base < MB2_LEGACY_HOLE_START)
			low = true;
		if (e->base <= MB2_LEGACY_HOLE_END && e->base + e->len > MB2_LEGACY_HOLE_END)
			high = true;
	}
	/* See mb2.h: the legacy hole is installed RAM the map never reports. */
	return boot_ram_usable() +
	       (low && high ? MB2_LEGACY_HOLE_END - MB2_LEGACY_HOLE_START : 0);
}

const char *boot_cmdline(void)
{
	return mb2_cmdline;
}

const char *boot_loader_name(void)
{
	return mb2_loader;
}

uint64_t boot_efi_systab(void)
{
	return mb2_efi_systab;
}

unsigned boot_efi_systab_bits(void)
{
	return mb2_efi_systab != 0 ? mb2_efi_bits : 0;
}

bool boot_efi_mmap_present(void)
{
	return mb2_efi_mmap;
}

bool boot_efi_bs_active(void)
{
	return mb2_efi_bs;
}
