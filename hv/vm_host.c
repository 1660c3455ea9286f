/*
 * vm_host.c - what the monitor asks of the host (vmm.h struct
 * vmm_host_ops): virtual time from the TSC, the guest's COM1 output on
 * the hypervisor's console, ending the run, the guest's XMM registers;
 * and building the machine.
 *
 * Console: the guest's bytes are collected into lines and printed whole,
 * so that a guest's line (a TAP result, say) is never cut by a message of
 * the hypervisor. A line still open after VM_CONSOLE_FLUSH_NS, or when the
 * guest halts (waiting for input at a prompt), is printed as far as it
 * goes, without a newline; the hypervisor's own messages then start on a
 * line of their own (log.c).
 */
#include "cmos.h"
#include "log.h"
#include "status.h"
#include "tsc.h"
#include "vm.h"
#include "xmm.h"

uint64_t vm_now(const struct vm *vm)
{
	return tsc_ticks_to_ns(tsc_read() - vm->tsc0);
}

static uint64_t vm_host_now(void *ctx)
{
	return vm_now(ctx);
}

static uint64_t vm_host_guest_tsc(void *ctx)
{
	struct vm *vm = ctx;

	if (vm->vcpu.vmcb == NULL)                      /* before the vCPU exists */
		return tsc_read();
	return tsc_read() + vm->vcpu.vmcb->ctrl.tsc_offset;
}

void vm_console_flush(struct vm *vm)
{
	if (vm->con_len == 0)
		return;
	kprintf("%.*s", (int)vm->con_len, vm->con_line);
	vm->con_len = 0;
	log_guest_line_open(true);
}

static void vm_host_console_out(void *ctx, uint8_t c)
{
	struct vm *vm = ctx;

	if (c == '\r')
		return;
	if (c == '\n') {
		vm_console_flush(vm);
		kprintf("\n");
		log_guest_line_open(false);
		return;
	}
	if (vm->con_len == 0)
		vm->con_since = vm_now(vm);
	vm->con_line[vm->con_len++] = (char)c;
	if (vm->con_len == sizeof(vm->con_line))
		vm_console_flush(vm);
}

static void vm_host_stop(void *ctx, enum vmm_stop why, uint32_t value, const char *text)
{
	struct vm *vm = ctx;

	vm_console_flush(vm);
	switch (why) {
	case VMM_STOP_DEBUG_EXIT:
		log_printf(LOG_INFO, "vm: guest wrote 0x%x to the debug-exit port 0x%x\n",
			   (unsigned)value, DEBUG_EXIT_PORT);
		/* Non-zero guest statuses are clamped to 1..31 (status.h). */
		vm_stop(vm, value > HV_STATUS_GUEST_MAX ? HV_STATUS_GUEST_MAX : (int)value);
		break;
	case VMM_STOP_RESET:
		log_printf(LOG_INFO, "vm: guest reset the machine (%s)\n", text);
		vm_stop(vm, HV_STATUS_GUEST_RESET);
		break;
	case VMM_STOP_POWEROFF:
		log_printf(LOG_INFO, "vm: guest powered the machine off (%s)\n", text);
		vm_stop(vm, HV_STATUS_OK);
		break;
	}
}

static void vm_host_xmm(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	(void)ctx;
	xmm_access(reg, write, data);
}

static const struct vmm_host_ops vm_host_ops = {
	.now_ns = vm_host_now,
	.guest_tsc = vm_host_guest_tsc,
	.console_out = vm_host_console_out,
	.stop = vm_host_stop,
	.xmm = vm_host_xmm,
};

int vm_host_init(struct vm *vm)
{
	struct vmm_config cfg = {
		.ram_size = vm->ram_top,
		.tsc_hz = tsc_hz(),
		.unix_time = cmos_read_time(),
		.maxphyaddr = vm->maxphyaddr,
	};

	vm->tsc0 = tsc_read();
	if (vmm_init(&vm->vmm, &cfg, &vm_host_ops, vm) != 0)
		return -1;
	log_printf(LOG_INFO, "vm: machine: 8259 pair, 8254, RTC (%llu s since 1970), COM1 16550A, "
		   "IOAPIC, LAPIC, ACPI PM, reset (0xcf9, 0x92, 8042), pc-testdev, fw_cfg, "
		   "debug-exit\n",
		   (unsigned long long)cfg.unix_time);
	return 0;
}
