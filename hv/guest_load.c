/*
 * guest_load.c - choose the guest image and put it into guest RAM along
 * with the boot-info page (include/guest_abi.h).
 */
#include "guest_load.h"
#include "fmt.h"
#include "loader.h"
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

int guest_load_select(struct guest_image *img, int *module)
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
		*module = -1;
		return 0;
	}
	if (nmod > 0) {
		unsigned k = 0;

		for (unsigned i = 0; i < nmod; i++) {
			const struct boot_module *mi = boot_module_get(i);

			if (mi != NULL && mi->cmdline != NULL &&
			    strcmp(mi->cmdline, GUEST_LOAD_MODULE_TAG) == 0) {
				k = i;
				break;
			}
		}
		img->name = "module";
		img->start = hpa_to_hva(boot_module_get(k)->start);
		img->end = hpa_to_hva(boot_module_get(k)->end);
		*module = (int)k;
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
	*module = -1;
	return 0;
}

/* The boot-info page of a raw binary (include/guest_abi.h). */
static int guest_load_bootinfo(struct vm *vm)
{
	struct guest_bootinfo *bi = vm_gpa_to_hva(vm, GUEST_BOOTINFO_GPA, sizeof(*bi));
	const char *args = cmdline_get("guest_args");

	if (bi == NULL)
		return -1;
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
	return 0;
}

/* Module i of GRUB's list as a loader blob. */
static void guest_load_blob(unsigned i, struct loader_blob *b, char *name, size_t len)
{
	const struct boot_module *m = boot_module_get(i);

	fmt_snprintf(name, len, "module %u", i);
	b->name = name;
	b->data = hpa_to_hva(m->start);
	b->size = (size_t)(m->end - m->start);
	b->cmdline = m->cmdline;
}

int guest_load(struct vm *vm, const struct guest_image *img, int module, uint64_t rsdp,
	       struct boot_state *bs)
{
	static struct loader_blob mods[LOADER_MODULES_MAX];
	static char names[LOADER_MODULES_MAX + 1][16];
	struct loader_input in;
	struct loader_result res;
	struct loader_error err;
	struct loader_mem mem;
	unsigned nmod = boot_module_count(), n = 0;

	memset(&in, 0, sizeof(in));
	in.kernel.name = img->name;
	in.kernel.data = img->start;
	in.kernel.size = (size_t)(img->end - img->start);
	if (module >= 0) {
		const char *cl = boot_module_get((unsigned)module)->cmdline;

		guest_load_blob((unsigned)module, &in.kernel, names[LOADER_MODULES_MAX],
				sizeof(names[0]));
		in.cmdline = strcmp(cl, GUEST_LOAD_MODULE_TAG) == 0 ? "" : cl;
		for (unsigned i = 0; i < nmod && n < LOADER_MODULES_MAX; i++)
			if ((int)i != module) {
				guest_load_blob(i, &mods[n], names[n], sizeof(names[0]));
				n++;
			}
		if (nmod - 1 > LOADER_MODULES_MAX) {
			log_printf(LOG_ERR, "vm: %u modules, at most %u besides the kernel\n",
				   nmod, LOADER_MODULES_MAX);
			return -1;
		}
	}
	in.modules = mods;
	in.nmodules = n;
	in.rsdp = rsdp;
	loader_mem_init(&mem, &vm->vmm.mem, vm->ram_top);
	if (loader_load(&in, &mem, bs, &res, &err) != 0) {
		log_printf(LOG_ERR, "vm: cannot load the guest: %s [%s]\n", err.msg,
			   loader_error_name(err.code));
		return -1;
	}
	if (res.format == LOADER_FMT_RAW) {
		if (guest_load_bootinfo(vm) != 0) {
			log_printf(LOG_ERR, "vm: guest RAM too small for the boot-info page\n");
			return -1;
		}
		log_printf(LOG_INFO, "vm: guest \"%s\": %llu bytes at GPA 0x%x, args \"%s\"\n",
			   img->name, (unsigned long long)in.kernel.size, GUEST_LOAD_GPA,
			   cmdline_get("guest_args") ? cmdline_get("guest_args") : "");
		return 0;
	}
	log_printf(LOG_INFO, "vm: guest \"%s\": %s at GPA 0x%llx-0x%llx, entry 0x%llx, "
		   "command line \"%s\"\n", in.kernel.name, loader_format_name(res.format),
		   (unsigned long long)res.image_start, (unsigned long long)res.image_end,
		   (unsigned long long)bs->rip, in.cmdline ? in.cmdline : "");
	if (res.format == LOADER_FMT_LINUX)
		log_printf(LOG_INFO, "vm: Linux boot protocol %u.%02u, zero page at 0x%llx, "
			   "initrd %llu bytes at 0x%llx\n", res.protocol >> 8, res.protocol & 0xff,
			   (unsigned long long)res.boot_info, (unsigned long long)res.initrd_size,
			   (unsigned long long)res.initrd_start);
	return 0;
}
