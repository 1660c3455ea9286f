/*
 * exit_io.c - IOIO exits (APM Vol.2 15.10.2): every port access, string
 * and REP forms included, goes to the monitor's device bus (vmm/vmm.h),
 * the string forms through the I/O Assist.
 *
 * EXITINFO1 describes the access (port, size, direction, string, REP,
 * address size, and with decode assists the effective segment of OUTS);
 * EXITINFO2 is the RIP of the next instruction, even without NRIP-save.
 * IN and OUT go straight to the bus (vmm_port_io()); the string forms go
 * through the I/O Assist with the full state, since they walk memory
 * through the guest's segments and paging.
 */
#include "exit_priv.h"
#include "log.h"

/* EXITINFO1 -> the assist's description of the exit. */
static void exit_io_decode(const struct vmcb *v, struct x86_io_exit *io)
{
	uint64_t info = v->ctrl.exitinfo1;

	io->port = (uint16_t)SHIFTOUT(info, VMCB_IOIO_PORT);
	io->in = (info & VMCB_IOIO_TYPE_IN) != 0;
	io->size = (info & VMCB_IOIO_SZ32) ? 4 : (info & VMCB_IOIO_SZ16) ? 2 : 1;
	io->string = (info & VMCB_IOIO_STR) != 0;
	io->rep = (info & VMCB_IOIO_REP) != 0;
	/*
	 * One of A16/A32/A64 is set on hardware; QEMU 7.2 TCG sets none, and
	 * the I/O Assist then reads the address size from the instruction.
	 */
	io->addrsize = (info & VMCB_IOIO_A64) ? 8 : (info & VMCB_IOIO_A32) ? 4 :
		       (info & VMCB_IOIO_A16) ? 2 : 0;
	/* The segment field is filled by CPUs with decode assists (15.33.4). */
	io->seg = svm_has(SVM_FEAT_DECODEASSISTS) ? (int8_t)SHIFTOUT(info, VMCB_IOIO_SEG) : -1;
	io->next_rip = v->ctrl.exitinfo2;
}

/*
 * IN and OUT (not the string forms): EXITINFO1 gives the port, the size
 * and the direction, EXITINFO2 the next RIP (15.10.2), so the access
 * goes to the bus as it is, with no instruction to fetch or decode. OUT
 * writes the low size bytes of rAX. IN writes AL or AX and keeps the
 * rest of RAX, or writes EAX and clears bits 63:32 as every 32-bit
 * register write does (SDM Vol.1 3.4.1.1). Then the instruction retires
 * (exit_retire(): single-step trap, interrupt shadow, RF). No #GP is
 * raised here, as the I/O Assist raised none for IN/OUT: the I/O
 * permission checks (IOPL, the TSS bitmap) are left to the CPU.
 */
static void exit_io_port(struct vm *vm, struct svm_vcpu *vcpu, uint64_t info)
{
	unsigned size = (info & VMCB_IOIO_SZ32) ? 4 : (info & VMCB_IOIO_SZ16) ? 2 : 1;
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;
	uint64_t rax = vcpu->gpr[X86_GPR_RAX];
	uint32_t val = (uint32_t)(rax & mask);
	bool in = (info & VMCB_IOIO_TYPE_IN) != 0;

	vmm_port_io(vm_vv(vm, vcpu), (uint16_t)SHIFTOUT(info, VMCB_IOIO_PORT), in, size, &val);
	if (in)
		vcpu->gpr[X86_GPR_RAX] = size == 4 ? val : (rax & ~mask) | (val & mask);
	exit_retire(vcpu, vcpu->vmcb->ctrl.exitinfo2);
}

bool exit_ioio(struct vm *vm, struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	struct x86_assist_result res;
	struct x86_io_exit io;
	struct x86_state st;

	if (!(v->ctrl.exitinfo1 & VMCB_IOIO_STR)) {
		exit_io_port(vm, vcpu, v->ctrl.exitinfo1);
		return false;
	}
	exit_io_decode(v, &io);
	svm_vcpu_get_state(vcpu, &st);
	vmm_exit_io(vm_vv(vm, vcpu), &st, &io, &res);
	return exit_assist_finish(vm, vcpu, &st, &res, "string I/O");
}
