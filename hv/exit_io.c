/*
 * exit_io.c - IOIO exits (APM Vol.2 15.10.2): every port access, string
 * and REP forms included, goes to the I/O Assist and through it to the
 * monitor's device bus (vmm/vmm.h).
 *
 * EXITINFO1 describes the access (port, size, direction, string, REP,
 * address size, and with decode assists the effective segment of OUTS);
 * EXITINFO2 is the RIP of the next instruction, even without NRIP-save.
 * IN and OUT need only RAX from the vCPU; the string forms get the full
 * state, since they walk memory through the guest's segments and paging.
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

bool exit_ioio(struct vm *vm, struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	struct x86_assist_result res;
	struct x86_io_exit io;
	struct x86_state st;

	exit_io_decode(v, &io);
	if (!io.string) {
		/* IN/OUT read or write rAX only (x86_assist.h). */
		st.gpr[X86_GPR_RAX] = vcpu->gpr[X86_GPR_RAX];
		st.rip = v->state.rip;
		st.rflags = v->state.rflags;
		vmm_exit_io(vm_vv(vm, vcpu), &st, &io, &res);
		if (res.status == X86_ASSIST_DONE) {
			vcpu->gpr[X86_GPR_RAX] = st.gpr[X86_GPR_RAX];
			exit_retire(vcpu, st.rip);
			return false;
		}
		return exit_assist_finish(vm, vcpu, &st, &res, "port I/O");
	}
	svm_vcpu_get_state(vcpu, &st);
	vmm_exit_io(vm_vv(vm, vcpu), &st, &io, &res);
	return exit_assist_finish(vm, vcpu, &st, &res, "string I/O");
}
