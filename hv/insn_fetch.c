/*
 * insn_fetch.c - the next RIP of an intercepted instruction for CPUs
 * without NRIP-save (see insn_fetch.h): its bytes at CS:RIP from the
 * assist library's guest MMU (x86_fetch.h: segmentation and the guest's
 * tables; decode assists give bytes for #NPF/#PF exits only, APM Vol.2
 * 15.33.4, not for these intercepts). This runs on every intercepted instruction of a CPU without NRIP-save,
 * so it reads only the state the fetch needs and, first, only the page
 * of CS:RIP, whose translation the vCPU's fetch cache keeps: a hit costs
 * a re-read of the page-table entries the walk used instead of a walk.
 */
#include "insn_fetch.h"
#include "log.h"
#include "svm.h"
#include "vm.h"
#include "x86_fetch.h"

/*
 * Fetch into buf[X86_INSN_MAX_LEN] at CS:RIP of st (the fetch state of
 * vcpu): the page of CS:RIP only, through the vCPU's fetch cache, or with
 * whole also the next page. Returns the number of bytes (>= 1), or -1
 * after a log line.
 */
static int insn_fetch_state(struct vm *vm, struct svm_vcpu *vcpu,
			    const struct x86_state *st,
			    uint8_t buf[X86_INSN_MAX_LEN], bool whole)
{
	struct x86_exception exc = { 0 };
	size_t got = 0;
	int rc;

	if (whole)
		rc = x86_fetch_insn(&vm_vv(vm, vcpu)->mach, st, buf, &got, &exc);
	else
		rc = x86_fetch_insn_page(&vm_vv(vm, vcpu)->mach, st, &vcpu->fetch_cache.mmu, buf,
					 &got, &exc);
	if (rc != 0) {
		/*
		 * The CPU has just executed this instruction, so a fault here
		 * means our MMU model disagrees with the CPU: say so plainly.
		 */
		log_printf(LOG_ERR, "insn: cannot fetch the instruction at RIP 0x%llx through "
			   "the guest MMU (rc %d, vector %u, error 0x%x, address 0x%llx)\n",
			   (unsigned long long)st->rip, rc, (unsigned)exc.vector,
			   (unsigned)exc.error, (unsigned long long)exc.cr2);
		return -1;
	}
	return (int)got;        /* x86_fetch_insn*: rc 0 means got >= 1 */
}

/*
 * The length of the intercepted instruction at CS:RIP of st the long way:
 * the page of CS:RIP (through the fetch cache), then, if the bytes there
 * do not hold the whole instruction, the next page too. Returns the
 * length, or -1 after a log line.
 */
static int insn_len_slow(struct vm *vm, struct svm_vcpu *vcpu, const struct x86_state *st,
			 enum x86_cpu_mode mode, uint8_t buf[X86_INSN_MAX_LEN])
{
	uint64_t exitcode = vcpu->vmcb->ctrl.exitcode;
	int n, len = -1;

	n = insn_fetch_state(vm, vcpu, st, buf, false);
	if (n > 0)
		len = insn_len_intercepted(exitcode, buf, (unsigned)n, mode);
	if (len < 0 && n > 0 && n < X86_INSN_MAX_LEN) {
		n = insn_fetch_state(vm, vcpu, st, buf, true);
		if (n > 0)
			len = insn_len_intercepted(exitcode, buf, (unsigned)n, mode);
	}
	if (n > 0 && len < 0)
		log_printf(LOG_ERR, "insn: bytes at RIP 0x%llx (%02x %02x %02x %02x) are not "
			   "the %s instruction\n", (unsigned long long)st->rip,
			   buf[0], n > 1 ? buf[1] : 0, n > 2 ? buf[2] : 0, n > 3 ? buf[3] : 0,
			   vmcb_exitcode_str(exitcode));
	return len;
}

int insn_next_rip_slow(struct vm *vm, struct svm_vcpu *vcpu, uint64_t *next)
{
	struct insn_fetch_cache *ic = &vcpu->fetch_cache;
	const struct vmcb *v = vcpu->vmcb;
	uint64_t exitcode = v->ctrl.exitcode;
	uint8_t buf[X86_INSN_MAX_LEN];
	struct x86_state st;
	enum x86_cpu_mode mode;
	const uint8_t *p;
	int len = -1;

	svm_vcpu_get_fetch_state(vcpu, &st);
	mode = x86_cpu_mode(&st);
	ic->len = 0;
	/* The page of CS:RIP through the fetch cache: the bytes in place. */
	p = x86_fetch_cache_lookup(&ic->mmu, &st);
	if (p != NULL)
		len = insn_len_intercepted(exitcode, p, X86_INSN_MAX_LEN, mode);
	if (len < 0)
		len = insn_len_slow(vm, vcpu, &st, mode, buf);
	if (len < 0)
		return -1;
	/* IP/EIP wrap at the code size (SDM Vol.1 3.6: 16- and 32-bit code). */
	*next = (st.rip + (uint64_t)len) & x86_size_mask(x86_mode_size(mode));
	/*
	 * Remember it if the bytes are in the cached page (then, if p was
	 * NULL, insn_len_slow() has just filled the cache: look again).
	 */
	if (p == NULL)
		p = x86_fetch_cache_lookup(&ic->mmu, &st);
	if (p != NULL && len <= 8 && insn_len_intercepted(exitcode, p, X86_INSN_MAX_LEN, mode) == len) {
		ic->exitcode = exitcode;
		ic->bytes = x86_le_load64(p);
		ic->rip = st.rip;
		ic->cs_base = st.seg[X86_SEG_CS].base;
		ic->cs_limit = st.seg[X86_SEG_CS].limit;
		ic->code = p;
		ic->next = *next;
		ic->len = (uint8_t)len;
	}
	return 0;
}
