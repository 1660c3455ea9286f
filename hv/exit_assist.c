/*
 * exit_assist.c - exits the assist library finishes: MMIO (#NPF on a
 * guest-physical address that is not RAM, APM Vol.2 15.25.6) through the
 * Mem Assist, and the common end of those and of string I/O: write the
 * state back, retire the instruction, or inject what the assist asked
 * for.
 */
#include "exit_priv.h"
#include "fmt.h"
#include "insn_fetch.h"
#include "log.h"
#include "status.h"
#include "x86_guestmem.h"

bool exit_assist_finish(struct vm *vm, struct svm_vcpu *vcpu, struct x86_state *st,
			const struct x86_assist_result *res, const char *what)
{
	struct vmcb *v = vcpu->vmcb;
	char bytes[3 * X86_INSN_MAX_LEN + 1];
	size_t len = 0;

	switch (res->status) {
	case X86_ASSIST_DONE:
		svm_vcpu_put_state(vcpu, st);
		/*
		 * A REP instruction with iterations left keeps its RIP: not
		 * retired yet, but with TF (one iteration per call then) the
		 * single-step trap follows each iteration (SDM Vol.3 17.3.1.4).
		 */
		if (st->rip != v->state.rip || (st->rflags & X86_RFLAGS_TF))
			exit_retire(vcpu, st->rip);
		return false;
	case X86_ASSIST_EXCEPTION:
		/* Iterations of a REP instruction before the fault stay done (SDM Vol.2 REP). */
		svm_vcpu_put_state(vcpu, st);
		if (!event_exception(vcpu, res->exc.vector, res->exc.has_error, res->exc.error,
				     res->exc.cr2)) {
			log_printf(LOG_ERR, "vm: guest shutdown (triple fault) at RIP 0x%llx: %s "
				   "fault during #DF\n", (unsigned long long)v->state.rip, what);
			vm_stop(vm, HV_STATUS_GUEST_SHUTDOWN);
		}
		return false;
	default:
		break;
	}
	for (unsigned i = 0; i < res->nbytes && i < X86_INSN_MAX_LEN; i++)
		len += (size_t)fmt_snprintf(bytes + len, sizeof(bytes) - len, "%s%02x",
					    i ? " " : "", res->bytes[i]);
	bytes[len] = '\0';
	if (res->status == X86_ASSIST_UNSUPPORTED) {
		log_printf(LOG_WARN, "vm: %s at RIP 0x%llx not emulated (%s), bytes [%s]: #UD\n",
			   what, (unsigned long long)v->state.rip,
			   res->reason ? res->reason : "unsupported", bytes);
		event_ud(vcpu);
		return false;
	}
	log_printf(LOG_ERR, "vm: %s at RIP 0x%llx failed (%s), bytes [%s]\n", what,
		   (unsigned long long)v->state.rip, res->reason ? res->reason : "error", bytes);
	vmcb_dump(v);
	vm_stop(vm, HV_STATUS_GUEST_ERROR);
	return false;
}

/*
 * The bytes at CS:RIP for the Mem Assist on a CPU without decode assists,
 * into buf, through the vCPU's fetch cache (insn_fetch.h, x86_fetch.h):
 * a hit re-reads the guest page-table entries the cached walk used, so
 * the bytes are those a walk would find now (copied: the assist decodes
 * from memory the guest cannot change); a miss fetches from the page of
 * CS:RIP and refills the cache. Returns the number of bytes, 0 when the
 * fetch failed: the assist then fetches on its own and reports the
 * fault. Fewer than the instruction needs (it goes on in the next page,
 * or reaches the CS limit) is fine too: the assist fetches the rest.
 */
static size_t exit_npf_insn(struct vm *vm, struct svm_vcpu *vcpu, const struct x86_state *st,
			    uint8_t buf[X86_INSN_MAX_LEN])
{
	struct x86_fetch_cache *fc = &vcpu->fetch_cache.mmu;
	const uint8_t *p = x86_fetch_cache_lookup(fc, st);
	struct x86_exception exc;
	size_t n = 0;

	if (p != NULL) {
		__builtin_memcpy(buf, p, X86_INSN_MAX_LEN);     /* inline, no REP MOVSB */
		return X86_INSN_MAX_LEN;
	}
	if (x86_fetch_insn_page(&vm_vv(vm, vcpu)->mach, st, fc, buf, &n, &exc) != 0)
		return 0;
	return n;
}

/*
 * Nested page fault. RAM is mapped read/write/execute, so a fault there
 * is our bug; a write to ROM is emulated, and the write dropped (the
 * Mem Assist writes nothing to a read-only range). Anything else is a
 * device, or nothing (reads all-ones),
 * unless it lies beyond the guest's physical-address width: no guest
 * page table can produce such an address, so it is reported and the run
 * ends.
 */
bool exit_npf(struct vm *vm, struct svm_vcpu *vcpu)
{
	const struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;
	gpa_t gpa = c->exitinfo2;
	const struct x86_memrange *r = x86_memmap_find(&vm->vmm.mem, gpa);
	struct x86_assist_result res;
	struct x86_state st;
	uint8_t buf[X86_INSN_MAX_LEN];
	const uint8_t *bytes = NULL;
	size_t n = 0;

	/* RAM is mapped read/write/execute; ROM read/execute (a write exits). */
	if (r != NULL && ((r->prot & X86_PROT_WRITE) || !(c->exitinfo1 & VMCB_NPF_RW))) {
		log_printf(LOG_ERR, "vm: nested page fault on RAM GPA 0x%llx (error 0x%llx)\n",
			   (unsigned long long)gpa, (unsigned long long)c->exitinfo1);
		vmcb_dump(vcpu->vmcb);
		vm_stop(vm, HV_STATUS_GUEST_ERROR);
		return false;
	}
	if (vm->maxphyaddr < 64 && (gpa >> vm->maxphyaddr) != 0) {
		log_printf(LOG_ERR, "vm: guest accessed GPA 0x%llx beyond its %u-bit physical "
			   "address space at RIP 0x%llx (%s%s)\n", (unsigned long long)gpa,
			   vm->maxphyaddr, (unsigned long long)vcpu->vmcb->state.rip,
			   (c->exitinfo1 & VMCB_NPF_ID) ? "fetch" :
			   (c->exitinfo1 & VMCB_NPF_RW) ? "write" : "read",
			   (c->exitinfo1 & VMCB_NPF_TABLEWALK) ? ", guest page-table walk" : "");
		vm_stop(vm, HV_STATUS_GUEST_BADGPA);
		return false;
	}
	/*
	 * Code cannot run from a device: the CPU could not fetch it and we do
	 * not emulate execution. Unbacked memory reads all-ones on a PC, and
	 * FF FF is an invalid opcode, so #UD is what the guest would get.
	 */
	if (c->exitinfo1 & VMCB_NPF_ID) {
		log_printf(LOG_WARN, "vm: guest fetched code from GPA 0x%llx, which is not RAM, at "
			   "RIP 0x%llx: #UD\n", (unsigned long long)gpa,
			   (unsigned long long)vcpu->vmcb->state.rip);
		event_ud(vcpu);
		return false;
	}
	svm_vcpu_get_state(vcpu, &st);
	/* Decode assists (15.33.4): the bytes at CS:RIP come with the exit. */
	if (svm_has(SVM_FEAT_DECODEASSISTS) && c->insn_len != 0) {
		bytes = c->insn_bytes;
		n = c->insn_len;
	} else {
		n = exit_npf_insn(vm, vcpu, &st, buf);
		bytes = buf;
	}
	vmm_exit_mmio(vm_vv(vm, vcpu), &st, bytes, n, &res);
	return exit_assist_finish(vm, vcpu, &st, &res, "MMIO access");
}
