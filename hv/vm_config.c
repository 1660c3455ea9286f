/*
 * vm_config.c - the guest's configuration from the hypervisor command
 * line: mem= (guest RAM), watchdog= (longest run) and exitprof= (host
 * ticks per exit kind, printed at the end of the run).
 */
#include "cmdline.h"
#include "log.h"
#include "vm.h"

#define VM_WATCHDOG_MAX_SEC (100ULL * 365 * 24 * 3600)

/* mem= -> ram_top, checked. Returns 0 or -1 after printing why. */
static int vm_config_mem(struct vm *vm)
{
	const char *s = cmdline_get("mem");
	uint64_t mem = VM_MEM_DEFAULT;

	if (s != NULL && cmdline_parse_u64(s, &mem) != 0) {
		log_printf(LOG_ERR, "vm: mem=%s is not a size (e.g. mem=128M)\n", s);
		return -1;
	}
	mem = ALIGN_DOWN(mem, PAGE_SIZE);
	if (mem < VM_MEM_MIN || mem > VM_MEM_MAX) {
		log_printf(LOG_ERR, "vm: mem=%llu KiB is out of range: guest RAM must be "
			   "%llu KiB .. %llu MiB\n", (unsigned long long)(mem >> 10),
			   (unsigned long long)(VM_MEM_MIN >> 10),
			   (unsigned long long)(VM_MEM_MAX >> 20));
		return -1;
	}
	vm->ram_top = mem;
	return 0;
}

/*
 * watchdog=SEC: a guest still running after SEC seconds of virtual time
 * ends with HV_STATUS_WATCHDOG. Returns 0 or -1 after printing why.
 */
static int vm_config_watchdog(struct vm *vm)
{
	const char *s = cmdline_get("watchdog");
	uint64_t sec;

	if (s == NULL)
		return 0;
	if (cmdline_parse_u64(s, &sec) != 0 || sec == 0 || sec > VM_WATCHDOG_MAX_SEC) {
		log_printf(LOG_ERR, "vm: watchdog=%s is not a number of seconds from 1 to %llu\n",
			   s, (unsigned long long)VM_WATCHDOG_MAX_SEC);
		return -1;
	}
	vm->watchdog_ns = sec * 1000000000ULL;
	return 0;
}

/* exitprof=0|1: count host ticks per exit kind (vm_run.c). Returns 0 or -1 after printing why. */
static int vm_config_exitprof(struct vm *vm)
{
	const char *s = cmdline_get("exitprof");
	uint64_t on;

	if (s == NULL)
		return 0;
	if (cmdline_parse_u64(s, &on) != 0 || on > 1) {
		log_printf(LOG_ERR, "vm: exitprof=%s is not 0 or 1\n", s);
		return -1;
	}
	vm->exitprof = on != 0;
	return 0;
}

int vm_config(struct vm *vm)
{
	if (vm_config_mem(vm) != 0 || vm_config_watchdog(vm) != 0 ||
	    vm_config_exitprof(vm) != 0)
		return -1;
	return 0;
}
