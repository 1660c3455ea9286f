/*
 * exit_io.c - port I/O exits (APM Vol.2 15.10.2) and the minimal port
 * model of issue 4: the COM1 data port prints to the console, port 0xf4
 * ends the run like QEMU's isa-debug-exit, every other port reads all
 * ones and ignores writes.
 *
 * Limits: string I/O (INS/OUTS, with or without REP) is not handled here
 * yet: it stops the run with a clear message. The I/O Assist of the
 * assist library takes it over in the devices issue.
 */
#include "exit_priv.h"
#include "guest_abi.h"
#include "log.h"
#include "status.h"
#include "string.h"

void exit_io_console_flush(struct vm *vm)
{
	if (vm->con_len == 0)
		return;
	/* Whole lines, no prefix: a guest's TAP line starts at column 0. */
	kprintf("%.*s\n", (int)vm->con_len, vm->con_line);
	vm->con_len = 0;
}

static void exit_io_console_putc(struct vm *vm, char c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		if (vm->con_len == 0)
			kprintf("\n");
		exit_io_console_flush(vm);
		return;
	}
	vm->con_line[vm->con_len++] = c;
	if (vm->con_len == sizeof(vm->con_line))
		exit_io_console_flush(vm);
}

void exit_io_port(void *ctx, struct x86_io *io)
{
	struct vm *vm = ctx;
	uint32_t val = 0;

	if (io->in) {
		memset(io->data, 0xff, io->size);
		log_printf(LOG_DEBUG, "vm: in%u from unclaimed port 0x%x -> all ones\n",
			   (unsigned)io->size * 8, (unsigned)io->port);
		return;
	}
	memcpy(&val, io->data, io->size);
	switch (io->port) {
	case GUEST_PORT_COM1:
		exit_io_console_putc(vm, (char)(val & 0xff));
		break;
	case GUEST_PORT_EXIT:
		exit_io_console_flush(vm);
		log_printf(LOG_INFO, "vm: guest wrote 0x%x to the debug-exit port 0x%x\n",
			   (unsigned)val, GUEST_PORT_EXIT);
		/* Non-zero guest statuses are clamped to 1..31 (status.h). */
		if (val > HV_STATUS_GUEST_MAX)
			val = HV_STATUS_GUEST_MAX;
		vm_stop(vm, (int)val);
		break;
	default:
		log_printf(LOG_DEBUG, "vm: out%u 0x%x to unclaimed port 0x%x ignored\n",
			   (unsigned)io->size * 8, (unsigned)val, (unsigned)io->port);
		break;
	}
}

/*
 * IOIO exit. EXITINFO1 describes the access (port, size, direction,
 * string/REP); EXITINFO2 is the RIP of the next instruction, even without
 * NRIP-save (15.10.2), so the handler moves RIP itself.
 */
bool exit_ioio(struct vm *vm, struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	uint64_t info = v->ctrl.exitinfo1;
	uint8_t data[4];
	struct x86_io io = {
		.port = (uint16_t)SHIFTOUT(info, VMCB_IOIO_PORT),
		.in = (info & VMCB_IOIO_TYPE_IN) != 0,
		.size = (info & VMCB_IOIO_SZ32) ? 4 : (info & VMCB_IOIO_SZ16) ? 2 : 1,
		.data = data,
	};
	uint64_t mask = (io.size == 4) ? 0xffffffffULL : (io.size == 2) ? 0xffffULL : 0xffULL;

	if (info & VMCB_IOIO_STR) {
		log_printf(LOG_ERR, "vm: string I/O (%s%s) on port 0x%x at RIP 0x%llx is not "
			   "supported yet\n", (info & VMCB_IOIO_REP) ? "rep " : "",
			   io.in ? "ins" : "outs", (unsigned)io.port,
			   (unsigned long long)v->state.rip);
		vmcb_dump(v);
		vm_stop(vm, HV_STATUS_GUEST_ERROR);
		return false;
	}

	if (!io.in)
		memcpy(data, &vcpu->gpr[X86_GPR_RAX], io.size);  /* little-endian low bytes */
	vm->mach.io_cb(vm->mach.cb_ctx, &io);
	if (io.in) {
		uint64_t val = 0;

		memcpy(&val, data, io.size);
		/* A 32-bit register write clears bits 63:32; 8/16-bit ones keep them. */
		if (io.size == 4)
			vcpu->gpr[X86_GPR_RAX] = val;
		else
			vcpu->gpr[X86_GPR_RAX] = (vcpu->gpr[X86_GPR_RAX] & ~mask) | (val & mask);
	}
	/* EXITINFO2 is the next RIP (15.10.2); retiring also handles RFLAGS.TF. */
	exit_retire(vcpu, v->ctrl.exitinfo2);
	return false;
}
