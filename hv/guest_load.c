/*
 * guest_load.c - choose the guest image and put it into guest RAM along
 * with the boot-info page (include/guest_abi.h).
 */
#include "guest_load.h"
#include "cmdline.h"
#include "guest_abi.h"
#include "log.h"
#include "mb2.h"
#include "pmm.h"
#include "string.h"
#include "vm.h"

/* The multiboot2 module command line that marks the guest image. */
#define GUEST_LOAD_MODULE_TAG "guest"

static const struct guest_image *guest_load_builtin(const char *name)
{
	for (uint32_t i = 0; i < guest_load_table_count; i++)
		if (strcmp(guest_load_table[i].name, name) == 0)
			return &guest_load_table[i];
	return NULL;
}

static void guest_load_list_builtin(void)
{
	log_printf(LOG_ERR, "vm: built-in guests:");
	for (uint32_t i = 0; i < guest_load_table_count; i++)
		log_printf(LOG_ERR, " %s", guest_load_table[i].name);
	log_printf(LOG_ERR, "%s\n", guest_load_table_count ? "" : " (none)");
}

int guest_load_select(struct guest_image *img)
{
	const char *name = cmdline_get("guest");
	const struct guest_image *b;
	unsigned nmod = boot_module_count();

	if (name != NULL) {
		b = guest_load_builtin(name);
		if (b == NULL) {
			log_printf(LOG_ERR, "vm: unknown guest \"%s\"\n", name);
			guest_load_list_builtin();
			return -1;
		}
		*img = *b;
		return 0;
	}
	if (nmod > 0) {
		const struct boot_module *m = boot_module_get(0);

		for (unsigned i = 0; i < nmod; i++) {
			const struct boot_module *mi = boot_module_get(i);

			if (mi != NULL && mi->cmdline != NULL &&
			    strcmp(mi->cmdline, GUEST_LOAD_MODULE_TAG) == 0) {
				m = mi;
				break;
			}
		}
		if (m == NULL || m->end < m->start) {
			log_printf(LOG_ERR, "vm: bad guest module\n");
			return -1;
		}
		img->name = "module";
		img->start = hpa_to_hva(m->start);
		img->end = hpa_to_hva(m->end);
		return 0;
	}
	b = guest_load_builtin(GUEST_LOAD_DEFAULT);
	if (b == NULL) {
		log_printf(LOG_ERR, "vm: no guest module and no built-in \"%s\" guest\n",
			   GUEST_LOAD_DEFAULT);
		guest_load_list_builtin();
		return -1;
	}
	*img = *b;
	return 0;
}

int guest_load(struct vm *vm, const struct guest_image *img)
{
	uint64_t size = (uint64_t)(img->end - img->start);
	struct guest_bootinfo *bi;
	const char *args = cmdline_get("guest_args");
	uint8_t *dst;

	if (size == 0) {
		log_printf(LOG_ERR, "vm: guest image \"%s\" is empty\n", img->name);
		return -1;
	}
	if (size > GUEST_LOAD_MAX) {
		log_printf(LOG_ERR, "vm: guest image \"%s\" is %llu bytes, more than the "
			   "%u that fit at 0x%x\n", img->name, (unsigned long long)size,
			   GUEST_LOAD_MAX, GUEST_LOAD_GPA);
		return -1;
	}
	dst = vm_gpa_to_hva(vm, GUEST_LOAD_GPA, size);
	bi = vm_gpa_to_hva(vm, GUEST_BOOTINFO_GPA, sizeof(*bi));
	if (dst == NULL || bi == NULL) {
		log_printf(LOG_ERR, "vm: guest RAM too small for the image\n");
		return -1;
	}
	memcpy(dst, img->start, size);

	memset(bi, 0, sizeof(*bi));
	bi->magic = GUEST_BOOTINFO_MAGIC;
	bi->version = 1;
	bi->ram_top = vm->ram_top;
	bi->host_ram = boot_ram_total();
	if (args != NULL) {
		size_t n = strlen(args);

		if (n >= sizeof(bi->args)) {
			log_printf(LOG_WARN, "vm: guest_args truncated to %zu bytes\n",
				   sizeof(bi->args) - 1);
			n = sizeof(bi->args) - 1;
		}
		memcpy(bi->args, args, n);
	}
	log_printf(LOG_INFO, "vm: guest \"%s\": %llu bytes at GPA 0x%x, args \"%s\"\n",
		   img->name, (unsigned long long)size, GUEST_LOAD_GPA, bi->args);
	return 0;
}
