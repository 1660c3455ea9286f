/*
 * guest_load.h - choosing the guest image and loading it.
 *
 * The guest is one of the built-in test guests embedded in hv.elf
 * (guest=NAME; a raw flat binary, include/guest_abi.h) or comes as
 * Multiboot2 modules from GRUB, the way GRUB boots Xen's dom0:
 *   module2 /boot/KERNEL <guest command line>
 *   module2 /boot/INITRD            (Linux: initrds, concatenated)
 *   module2 /boot/MOD <string>      (multiboot kernels: their modules)
 * The kernel is the first module, or the module whose string is exactly
 * "guest" (then its command line is empty; the raw-binary habit of
 * issue 4). The format (Linux bzImage, multiboot v1, raw binary) comes
 * from the image itself (vmm/loader/loader.h). Selection order:
 *   1. guest=NAME        -> the built-in guest NAME (error if unknown);
 *   2. modules           -> the kernel as above, the others its modules;
 *   3. the built-in guest "demo".
 */
#ifndef HV_GUEST_LOAD_H
#define HV_GUEST_LOAD_H

#include <stdint.h>

#include "boot_state.h"

struct vm;

/* An image: a built-in guest (the generated table's entries) or a module. */
struct guest_image {
	const char *name;
	const uint8_t *start, *end;
};

/* The built-in guests (generated assembly), ended by a NULL name. */
extern const struct guest_image guest_load_table[];
extern const uint32_t guest_load_table_count;

#define GUEST_LOAD_DEFAULT "demo"

/*
 * Choose the image per the order above. Returns 0 and fills *img and
 * *module (the kernel's module index, -1 for a built-in guest), or -1
 * after printing why (unknown name with the list of known ones, no image).
 */
int guest_load_select(struct guest_image *img, int *module);

/*
 * Load img (and, for a module, the other modules) into the guest's RAM
 * and fill *bs with the state it starts in; for a raw binary also write
 * the boot-info page of guest_abi.h. rsdp: the ACPI tables for Linux (0:
 * none). Returns 0, or -1 after printing one line naming the module and
 * the reason (guest memory is then untouched).
 */
int guest_load(struct vm *vm, const struct guest_image *img, int module, uint64_t rsdp,
	       struct boot_state *bs);

#endif /* HV_GUEST_LOAD_H */
