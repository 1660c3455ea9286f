/*
 * vm_run.c - the vCPU loop: host events, device timers, event delivery,
 * VMRUN, exit handling; a halted vCPU's sleep; the watchdog.
 *
 * One pass:
 *   host events (console input, physical NMIs, device timers that are
 *   due, the watchdog, an open console line), the host timer armed for
 *   the next thing that needs the CPU back -> the guest's next event
 *   (hv/event.c) -> VMRUN -> EXITINTINFO and CR8 -> the exit's handler.
 * Without anything due, the host-event part is a few comparisons: the
 * exit path of an intercepted CPUID pays for no more.
 *
 * exitprof=1 adds two RDTSCs per exit: the ticks from a #VMEXIT to the
 * next VMRUN (handler, host events, event delivery), minus the time
 * asleep in HLT, go to the exit's slot (exit_ticks_print()).
 */
#include "event.h"
#include "host_lapic.h"
#include "intr.h"
#include "log.h"
#include "status.h"
#include "tsc.h"
#include "uart.h"
#include "vm.h"

/* Console input from the host's UART ring into the guest's COM1, as far as it takes it. */
static void vm_console_input(struct vm *vm)
{
	const uint8_t *p;
	size_t n, took;

	vm->input_waiting = false;
	while ((n = uart_rx_peek(&p)) > 0) {
		took = vmm_console_input(&vm->vmm, p, n);
		uart_rx_consume(took);
		if (took < n) {
			vm->input_waiting = true;       /* the guest's FIFO is full: try after each exit */
			break;
		}
	}
}

/* The earliest virtual time at which the host must look at the vCPU again. */
static uint64_t vm_next_wakeup(struct vm *vm, uint64_t now)
{
	uint64_t t = vmm_next_deadline(&vm->vmm);

	if (now + VM_HOST_SLICE_NS < t)
		t = now + VM_HOST_SLICE_NS;
	if (vm->watchdog_at != 0 && vm->watchdog_at < t)
		t = vm->watchdog_at;
	if (vm->con_len != 0 && vm->con_since + VM_CONSOLE_FLUSH_NS < t)
		t = vm->con_since + VM_CONSOLE_FLUSH_NS;
	return t;
}

/* Arm the host timer for virtual time t (ns), unless it is armed for that already. */
static void vm_arm_host_timer(struct vm *vm, uint64_t t)
{
	uint64_t tsc = vm->tsc0 + tsc_ns_to_ticks(t);

	if (tsc == vm->host_armed)
		return;
	vm->host_armed = tsc;
	host_lapic_arm(tsc);
}

/* vm_host_events() when there may be work: seen is intr_event_count(). */
static __attribute__((noinline)) void vm_host_work(struct vm *vm, uint64_t seen)
{
	uint64_t now = vm_now(vm);
	unsigned nmi;

	if (seen != vm->intr_seen)
		vm->host_armed = 0;     /* the host timer may have fired: arm it again */
	vm->intr_seen = seen;

	nmi = intr_nmi_take();
	if (nmi != 0) {
		vm->nmis += nmi;
		log_printf(LOG_INFO, "host: %u physical NMI(s) (%llu in all): passed to the guest's "
			   "LINT1\n", nmi, (unsigned long long)vm->nmis);
		vmm_nmi_input(vm_vv(vm, &vm->vcpu));
	}
	vm_console_input(vm);
	vmm_run_timers(&vm->vmm);
	if (vm->con_len != 0 && now >= vm->con_since + VM_CONSOLE_FLUSH_NS)
		vm_console_flush(vm);
	if (vm->watchdog_at != 0 && now >= vm->watchdog_at) {
		vm_console_flush(vm);
		log_printf(LOG_ERR, "vm: watchdog: the guest ran for %llu s at RIP 0x%llx, "
			   "stopping it\n", (unsigned long long)(vm->watchdog_ns / 1000000000ULL),
			   (unsigned long long)vm->vcpu.vmcb->state.rip);
		vm_stop(vm, HV_STATUS_WATCHDOG);
	}
	vm->host_armed_ns = vm_next_wakeup(vm, now);
	vm->host_look_ticks = tsc_ns_to_ticks(vm->host_armed_ns);
	vm_arm_host_timer(vm, vm->host_armed_ns);
}

/*
 * Everything the host does between two VMRUNs that is not the exit's own
 * handling. Cheap unless there is work: a host interrupt came, input
 * waits, a device timer or the watchdog is due. Inline in the vCPU loop:
 * the check for work is all the exit path of an intercepted CPUID pays
 * for.
 */
static inline void vm_host_events(struct vm *vm)
{
	uint64_t wake = vm->host_armed_ns;
	uint64_t seen = intr_event_count();

	/*
	 * Nothing to do: no host interrupt since the last look, and nothing
	 * (device timer, open console line) needs the CPU before the host
	 * timer brings it back anyway. The time is compared in TSC ticks (no
	 * conversion on every exit): ticks below host_look_ticks, which is
	 * rounded down, are before wake.
	 */
	if (seen == vm->intr_seen && !vm->input_waiting &&
	    tsc_read() - vm->tsc0 < vm->host_look_ticks &&
	    vm->vmm.clock.next >= wake &&
	    (vm->con_len == 0 || vm->con_since + VM_CONSOLE_FLUSH_NS >= wake))
		return;
	vm_host_work(vm, seen);
}

/* Can the halted vCPU go on: an interrupt it takes (IF is set), an NMI, an exception? */
static bool vm_wakeup_pending(struct vm *vm)
{
	struct vmm_vcpu *vv = vm_vv(vm, &vm->vcpu);

	if (!vm->vcpu.events.nmi && vmm_nmi_take(vv))
		vm->vcpu.events.nmi = true;
	/* A queued exception (the single-step #DB after HLT) is delivered at once. */
	return vm->vcpu.events.nmi || vm->vcpu.events.exc || vm->vcpu.events.virq >= 0 ||
	       vmm_intr_pending(vv);
}

/*
 * The guest executed HLT with interrupts enabled: sleep (HLT on the host,
 * with the host timer at the next deadline) until something can wake it.
 * With RFLAGS.IF = 0 only an NMI could, and there is no NMI source a
 * guest would wait for in that state: the run ends, as a halted PC does.
 */
static void vm_halt(struct vm *vm)
{
	struct svm_vcpu *vcpu = &vm->vcpu;

	vm->halted = false;
	if (!(vcpu->vmcb->state.rflags & X86_RFLAGS_IF) && !vm_wakeup_pending(vm)) {
		vm_console_flush(vm);
		log_printf(LOG_INFO, "vm: guest halted at RIP 0x%llx with interrupts disabled\n",
			   (unsigned long long)vcpu->vmcb->state.rip);
		vm_stop(vm, HV_STATUS_OK);
		return;
	}
	vm_console_flush(vm);
	for (;;) {
		vm_host_events(vm);
		if (vm->stopped || vm_wakeup_pending(vm))
			return;
		if (vm->exitprof) {
			uint64_t t = tsc_read();

			intr_halt();
			vm->prof_idle += tsc_read() - t;
		} else {
			intr_halt();
		}
		/* Make vm_host_events() look: an interrupt woke us. */
		vm->host_armed_ns = 0;
		vm->host_look_ticks = 0;
	}
}

/* exitprof: charge the host time since the last #VMEXIT to that exit's slot. */
static void vm_prof_entry(struct vm *vm)
{
	uint64_t now = tsc_read();

	if (vm->prof_exit != 0) {
		vm->exit_ticks[exit_slot(vm->vcpu.vmcb->ctrl.exitcode)] +=
			now - vm->prof_exit - vm->prof_idle;
		vm->idle_ticks += vm->prof_idle;
	}
	vm->prof_idle = 0;
}

int vm_run(struct vm *vm)
{
	struct svm_vcpu *vcpu = &vm->vcpu;
	struct vmm_vcpu *vv = vm_vv(vm, vcpu);

	if (vm->watchdog_ns != 0)
		vm->watchdog_at = vm_now(vm) + vm->watchdog_ns;
	vm->host_armed_ns = 0;
	vm->host_look_ticks = 0;
	vm->run_ticks = tsc_read();
	while (!vm->stopped) {
		vm_host_events(vm);
		if (vm->stopped)
			break;
		event_before_entry(vcpu, vv);
		if (vm->exitprof)
			vm_prof_entry(vm);
		svm_vcpu_run(vcpu);
		if (vm->exitprof)
			vm->prof_exit = tsc_read();
		event_after_exit(vcpu, vv);
		exit_handle(vm);
		if (vm->halted && !vm->stopped)
			vm_halt(vm);
	}
	if (vm->exitprof)
		vm_prof_entry(vm);      /* the exit that ended the run */
	vm->run_ticks = tsc_read() - vm->run_ticks;
	host_lapic_arm(UINT64_MAX);
	vm_console_flush(vm);
	return vm->status;
}
