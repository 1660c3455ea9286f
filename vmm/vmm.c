/*
 * vmm.c - the monitor (see vmm.h): builds the machine, wires the
 * interrupt lines, and answers the hypervisor's exits and interrupt
 * queries.
 */
#include "vmm.h"
#include "acpi.h"
#include "mptable.h"
#include "x86_guestmem.h"
#include "x86_le.h"

/* ---------------------------------------------------------------------- */
/* Interrupt wiring */

/*
 * ISA line (or pc-testdev line) -> 8259 pin and IOAPIC pin. The PIT's
 * line 0 is the IOAPIC's pin 2 (the MADT's interrupt source override, as
 * on QEMU's pc); line 2 is the 8259's cascade input and reaches the IOAPIC
 * only. Lines 16-23 exist on the IOAPIC only.
 */
static void vmm_irq_line_set(void *ctx, unsigned line, bool level)
{
	struct vmm *vmm = ctx;

	if (line < 16 && line != 2)
		i8259_set_irq(&vmm->pic, line, level);
	if (line < IOAPIC_PINS)
		ioapic_set_irq(&vmm->ioapic, line == 0 ? 2 : line, level);
}

static struct irq_line vmm_isa_line(struct vmm *vmm, unsigned line)
{
	return (struct irq_line){ .set = vmm_irq_line_set, .ctx = vmm, .line = line };
}

/*
 * The acknowledges back to the device on a line (irq.h): 8259 pin n is
 * line n; IOAPIC pin 2 is line 0 (the PIT), pin 0 has no ISA line.
 */
static void vmm_pic_acked(void *ctx, unsigned pin)
{
	struct vmm *vmm = ctx;

	irq_ack_acked(&vmm->line_ack[pin]);
}

static void vmm_pic_reset(void *ctx, unsigned pin)
{
	struct vmm *vmm = ctx;

	irq_ack_reset(&vmm->line_ack[pin]);
}

static void vmm_ioapic_acked(void *ctx, unsigned pin)
{
	struct vmm *vmm = ctx;

	if (pin != 0)
		irq_ack_acked(&vmm->line_ack[pin == 2 ? 0 : pin]);
}

static void vmm_ioapic_reset(void *ctx, unsigned pin)
{
	struct vmm *vmm = ctx;

	if (pin != 0)
		irq_ack_reset(&vmm->line_ack[pin == 2 ? 0 : pin]);
}

/*
 * The 8259's INT output changed: vCPU 0's LINT0 pin, read when the vCPU
 * asks (vmm_intr_poll()); the change is counted so that it does ask.
 */
static void vmm_pic_intr(void *ctx, bool level)
{
	struct vmm *vmm = ctx;

	(void)level;
	vmm->vcpu[0].pic_changes++;
}

/* An IOAPIC message: to every LAPIC it addresses (lowest priority: the first). */
static void vmm_ioapic_deliver(void *ctx, const struct ioapic_msg *msg)
{
	struct vmm *vmm = ctx;

	for (unsigned i = 0; i < vmm->nvcpus; i++) {
		struct lapic *l = &vmm->vcpu[i].lapic;

		if (!lapic_match(l, msg->dest, msg->logical))
			continue;
		lapic_deliver(l, msg->mode, msg->vector, msg->level_trig);
		if (msg->mode == LAPIC_DM_LOWPRI)
			break;
	}
}

/* A LAPIC's EOI of a level-triggered vector: the IOAPIC's Remote IRR. */
static void vmm_lapic_eoi(void *ctx, uint8_t vector)
{
	struct vmm_vcpu *vv = ctx;

	ioapic_eoi(&vv->vmm->ioapic, vector);
}

/* A LAPIC's EOI of an edge-triggered vector: the acknowledge of an IOAPIC edge pin. */
static void vmm_lapic_edge_eoi(void *ctx, uint8_t vector)
{
	struct vmm_vcpu *vv = ctx;

	ioapic_edge_eoi(&vv->vmm->ioapic, vector);
}

/* An IPI for other CPUs: there are none yet. */
static void vmm_lapic_ipi(void *ctx, const struct lapic_ipi *ipi)
{
	struct vmm_vcpu *vv = ctx;

	vmm_log(VMM_LOG_DEBUG, "vmm: vCPU %u IPI mode %u vector 0x%x to %s 0x%x: no other vCPU\n",
		vv->id, ipi->mode, ipi->vector, ipi->logical ? "logical" : "APIC ID",
		(unsigned)ipi->dest);
}

static const struct lapic_ops vmm_lapic_ops = {
	.ipi = vmm_lapic_ipi,
	.eoi = vmm_lapic_eoi,
	.edge_eoi = vmm_lapic_edge_eoi,
};

/* ---------------------------------------------------------------------- */
/* Device callbacks to the host */

static void vmm_com1_tx(void *ctx, uint8_t byte)
{
	struct vmm *vmm = ctx;

	vmm->host->console_out(vmm->host_ctx, byte);
}

static void vmm_debug_exit(void *ctx, uint32_t value)
{
	struct vmm *vmm = ctx;

	vmm->host->stop(vmm->host_ctx, VMM_STOP_DEBUG_EXIT, value, "isa-debug-exit");
}

static void vmm_poweroff(void *ctx)
{
	struct vmm *vmm = ctx;

	vmm->host->stop(vmm->host_ctx, VMM_STOP_POWEROFF, 0, "ACPI S5");
}

static void vmm_reset(void *ctx, const char *why)
{
	struct vmm *vmm = ctx;

	vmm->host->stop(vmm->host_ctx, VMM_STOP_RESET, 0, why);
}

static uint64_t vmm_clock_now(void *ctx)
{
	struct vmm *vmm = ctx;

	return vmm->host->now_ns(vmm->host_ctx);
}

static uint64_t vmm_clock_tsc(void *ctx)
{
	struct vmm *vmm = ctx;

	return vmm->host->guest_tsc(vmm->host_ctx);
}

static void vmm_xmm(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	struct vmm_vcpu *vv = ctx;

	vv->vmm->host->xmm(vv->vmm->host_ctx, reg, write, data);
}

/* ---------------------------------------------------------------------- */
/* Port and MMIO accesses of the assists */

/*
 * An access nobody claimed (the bus has made a read all-ones): count it,
 * and log the port the first time, as unclaimed MMIO once per page, so
 * that a guest polling absent hardware does not flood the log. Apart and
 * cold: the claimed path of vmm_port_io() keeps its small frame.
 */
static __attribute__((noinline, cold)) void vmm_port_unclaimed(struct vmm *vmm, uint16_t port,
								 bool in, unsigned size)
{
	uint64_t *logged = &vmm->unclaimed_port_logged[port / 64];
	uint64_t bit = 1ULL << (port % 64);

	vmm->unclaimed_pio++;
	if (vmm_log_enabled(VMM_LOG_DEBUG) && !(*logged & bit)) {
		*logged |= bit;
		vmm_log(VMM_LOG_DEBUG, "vmm: %s%u %s unclaimed port 0x%x%s (port logged once)\n",
			in ? "in" : "out", size * 8u, in ? "from" : "to",
			port, in ? " -> all ones" : " ignored");
	}
}

void vmm_port_io(struct vmm_vcpu *vv, uint16_t port, bool in, unsigned size, uint32_t *val)
{
	struct vmm *vmm = vv->vmm;

	if (!bus_pio(&vmm->bus, port, !in, size, val))
		vmm_port_unclaimed(vmm, port, in, size);
}

/* The I/O Assist's port callback (string I/O): bytes in io->data, little-endian. */
static void vmm_io_cb(void *ctx, struct x86_io *io)
{
	uint32_t val = 0;

	if (!io->in)
		val = (uint32_t)x86_le_load(io->data, io->size);
	vmm_port_io(ctx, io->port, io->in, io->size, &val);
	if (io->in)
		x86_le_store(io->data, io->size, val);
}

/* Log the first access to an unclaimed MMIO page (at most VMM_UNCLAIMED_LOGGED pages). */
static void vmm_unclaimed_mmio(struct vmm *vmm, const struct x86_mem *mem)
{
	gpa_t page = mem->gpa & ~PAGE_MASK;

	vmm->unclaimed_mmio++;
	if (!vmm_log_enabled(VMM_LOG_DEBUG))
		return;
	for (unsigned i = 0; i < vmm->nunclaimed; i++)
		if (vmm->unclaimed_page[i] == page)
			return;
	/*
	 * Table full: stay quiet. A page that cannot be remembered would
	 * otherwise be logged on every access (vmm.h: once per page), which
	 * a guest polling absent hardware turns into a flood.
	 */
	if (vmm->nunclaimed >= VMM_UNCLAIMED_LOGGED)
		return;
	vmm->unclaimed_page[vmm->nunclaimed++] = page;
	vmm_log(VMM_LOG_DEBUG, "vmm: %s of unclaimed MMIO at GPA 0x%llx (%s; page logged once)\n",
		mem->write ? "write" : "read", (unsigned long long)mem->gpa,
		mem->write ? "ignored" : "all ones");
}

static void vmm_mem_cb(void *ctx, struct x86_mem *mem)
{
	struct vmm_vcpu *vv = ctx;
	struct vmm *vmm = vv->vmm;
	gpa_t apic;
	bool apic_on = lapic_mmio_page(&vv->lapic, &apic);
	uint64_t val = 0;

	/* x86_le_*: one move for the sizes the Mem Assist uses (1, 2, 4, 8), no memcpy call. */
	if (mem->write)
		val = x86_le_load(mem->data, mem->size);
	if (apic_on && (mem->gpa & ~PAGE_MASK) == apic)
		lapic_mmio(&vv->lapic, mem->gpa & PAGE_MASK, mem->write, mem->size, &val);
	else if (!bus_mmio(&vmm->bus, mem->gpa, mem->write, mem->size, &val))
		vmm_unclaimed_mmio(vmm, mem);
	if (!mem->write)
		x86_le_store(mem->data, mem->size, val);
}

int vmm_exit_io(struct vmm_vcpu *vv, struct x86_state *st, const struct x86_io_exit *io,
		struct x86_assist_result *res)
{
	return x86_assist_io(&vv->mach, st, io, res);
}

int vmm_exit_mmio(struct vmm_vcpu *vv, struct x86_state *st, const uint8_t *bytes, size_t nbytes,
		  struct x86_assist_result *res)
{
	return x86_assist_mem(&vv->mach, st, bytes, nbytes, res);
}

enum vmm_msr_result vmm_msr(struct vmm_vcpu *vv, uint32_t msr, bool write, uint64_t *val)
{
	if (!vmm_msr_claims(msr))
		return VMM_MSR_UNHANDLED;
	if (msr == LAPIC_MSR_APICBASE) {
		if (!write) {
			*val = lapic_get_apicbase(&vv->lapic);
			return VMM_MSR_OK;
		}
		return lapic_set_apicbase(&vv->lapic, *val) == 0 ? VMM_MSR_OK : VMM_MSR_GP;
	}
	return lapic_msr(&vv->lapic, msr, write, val) == 0 ? VMM_MSR_OK : VMM_MSR_GP;
}

/* ---------------------------------------------------------------------- */
/* Interrupts */

/* The 8259 reaches this vCPU: vCPU 0 only, through LINT0 (ExtINT). */
static bool vmm_pic_reaches(struct vmm_vcpu *vv)
{
	return vv->id == 0 && lapic_accepts_pic(&vv->lapic);
}

bool vmm_intr_pending(struct vmm_vcpu *vv)
{
	if (vmm_pic_reaches(vv) && i8259_output(&vv->vmm->pic))
		return true;
	return lapic_pending(&vv->lapic) >= 0;
}

/*
 * ExtINT from the 8259 first: it bypasses the LAPIC's IRR and priority
 * (SDM Vol.3 11.6.2, ExtINT), then the LAPIC's highest request.
 */
int vmm_intr_ack(struct vmm_vcpu *vv)
{
	int v;

	if (vmm_pic_reaches(vv) && i8259_output(&vv->vmm->pic))
		return i8259_ack(&vv->vmm->pic);
	v = lapic_pending(&vv->lapic);
	if (v >= 0)
		lapic_ack(&vv->lapic, (uint8_t)v);
	return v;
}

bool vmm_nmi_take(struct vmm_vcpu *vv)
{
	return lapic_take_nmi(&vv->lapic);
}

void vmm_intr_poll(struct vmm_vcpu *vv, bool take_nmi, struct vmm_intr_poll *p)
{
	struct lapic_poll lp;

	lapic_poll(&vv->lapic, take_nmi, &lp);
	p->cr8 = lp.tpr >> 4;
	p->nmi = lp.nmi;
	p->pending = lp.pending >= 0 ||
		     (vv->id == 0 && lp.accepts_pic && i8259_output(&vv->vmm->pic));
	p->changes = vmm_intr_changes(vv);
}

uint32_t vmm_intr_changes(struct vmm_vcpu *vv)
{
	return lapic_changes(&vv->lapic) + vv->pic_changes;
}

/*
 * A PC wires its NMI sources (SERR, IOCHK, the front-panel button) to
 * LINT1 through the chipset, which port 0x70 bit 7 can gate off.
 */
void vmm_nmi_input(struct vmm_vcpu *vv)
{
	if (mc146818_nmi_masked(&vv->vmm->rtc)) {
		vmm_log(VMM_LOG_INFO, "vmm: NMI for vCPU %u dropped: masked by port 0x70 bit 7\n",
			vv->id);
		return;
	}
	lapic_set_lint(&vv->lapic, 1, true);
	lapic_set_lint(&vv->lapic, 1, false);
}

uint8_t vmm_get_cr8(struct vmm_vcpu *vv)
{
	return lapic_get_tpr(&vv->lapic) >> 4;
}

void vmm_set_cr8(struct vmm_vcpu *vv, uint8_t cr8)
{
	lapic_set_tpr(&vv->lapic, (uint8_t)((cr8 & 0xf) << 4));
}

/* ---------------------------------------------------------------------- */
/* Time and input */

void vmm_run_timers(struct vmm *vmm)
{
	vclock_run(&vmm->clock, vclock_now(&vmm->clock));
}

uint64_t vmm_next_deadline(struct vmm *vmm)
{
	return vclock_next_deadline(&vmm->clock);
}

size_t vmm_console_input(struct vmm *vmm, const uint8_t *buf, size_t n)
{
	return ns16550_rx(&vmm->com1, buf, n);
}

/* ---------------------------------------------------------------------- */
/* Construction */

/*
 * The memory sizes a PC BIOS leaves in CMOS (the bytes SeaBIOS reads on
 * QEMU): base memory 0x15-0x16 (KiB), extended memory above 1 MiB up to
 * 64 MiB at 0x17-0x18 and 0x30-0x31 (KiB), memory above 16 MiB below
 * 4 GiB at 0x34-0x35 (64 KiB units).
 */
static void vmm_cmos_memory(struct mc146818 *rtc, uint64_t ram)
{
	uint64_t ext_kib = ram > 0x100000 ? (ram - 0x100000) >> 10 : 0;
	uint64_t above16 = ram > 0x1000000 ? (ram - 0x1000000) >> 16 : 0;

	if (ext_kib > 0xfc00)
		ext_kib = 0xfc00;
	if (above16 > 0xffff)
		above16 = 0xffff;
	mc146818_set_cmos(rtc, 0x15, 640 & 0xff);
	mc146818_set_cmos(rtc, 0x16, 640 >> 8);
	mc146818_set_cmos(rtc, 0x17, (uint8_t)ext_kib);
	mc146818_set_cmos(rtc, 0x18, (uint8_t)(ext_kib >> 8));
	mc146818_set_cmos(rtc, 0x30, (uint8_t)ext_kib);
	mc146818_set_cmos(rtc, 0x31, (uint8_t)(ext_kib >> 8));
	mc146818_set_cmos(rtc, 0x34, (uint8_t)above16);
	mc146818_set_cmos(rtc, 0x35, (uint8_t)(above16 >> 8));
}

static int vmm_init_vcpu(struct vmm *vmm, unsigned id)
{
	struct vmm_vcpu *vv = &vmm->vcpu[id];

	vv->vmm = vmm;
	vv->id = id;
	vv->mach = vmm->mem;
	vv->mach.io_cb = vmm_io_cb;
	vv->mach.mem_cb = vmm_mem_cb;
	vv->mach.xmm_cb = vmm->host->xmm != NULL ? vmm_xmm : NULL;
	vv->mach.cb_ctx = vv;
	if (lapic_init(&vv->lapic, id, &vmm->clock, &vmm_lapic_ops, vv) != 0)
		return -1;
	/* The LAPIC's CPUID-dependent parts: TSC-deadline is advertised (hv/exit_cpuid.c). */
	lapic_set_caps(&vv->lapic, vmm->mem.maxphyaddr ? vmm->mem.maxphyaddr : 52, true);
	return 0;
}

int vmm_init(struct vmm *vmm, const struct vmm_config *cfg, const struct vmm_host_ops *host,
	     void *host_ctx)
{
	struct irq_line lines[PC_TESTDEV_LINES];
	struct irq_pin_ack pic_ack = { vmm_pic_acked, vmm_pic_reset, NULL };
	struct irq_pin_ack ioapic_ack = { vmm_ioapic_acked, vmm_ioapic_reset, NULL };
	int rc = 0;

	memset(vmm, 0, sizeof(*vmm));
	vmm->host = host;
	vmm->host_ctx = host_ctx;
	vmm->mem.maxphyaddr = cfg->maxphyaddr;
	bus_init(&vmm->bus);
	vclock_init(&vmm->clock, vmm_clock_now, vmm_clock_tsc, cfg->tsc_hz, vmm);

	i8259_init(&vmm->pic, vmm_pic_intr, vmm);
	i8254_init(&vmm->pit, &vmm->clock, vmm_isa_line(vmm, 0));
	/* Late PIT ticks are reinjected, one per acknowledge (as KVM's default). */
	vmm->line_ack[0] = i8254_irq_ack(&vmm->pit);
	i8254_set_reinject(&vmm->pit, true);
	mc146818_init(&vmm->rtc, &vmm->clock, vmm_isa_line(vmm, 8), cfg->unix_time);
	vmm_cmos_memory(&vmm->rtc, cfg->ram_size);
	ns16550_init(&vmm->com1, &vmm->clock, vmm_isa_line(vmm, VMM_COM1_IRQ), vmm_com1_tx, vmm);
	ioapic_init(&vmm->ioapic, 0, vmm_ioapic_deliver, vmm);
	pic_ack.ctx = ioapic_ack.ctx = vmm;
	i8259_set_ack(&vmm->pic, &pic_ack);
	ioapic_set_ack(&vmm->ioapic, &ioapic_ack);
	for (unsigned i = 0; i < PC_TESTDEV_LINES; i++)
		lines[i] = vmm_isa_line(vmm, i);
	pc_testdev_init(&vmm->testdev, lines);
	fw_cfg_init(&vmm->fwcfg, cfg->ram_size, 1);
	i8042_init(&vmm->kbc, vmm_reset, vmm);
	i8042_connect(&vmm->kbc, vmm_isa_line(vmm, 1), vmm_isa_line(vmm, 12));
	pc_sysctl_init(&vmm->sysctl, vmm_reset, vmm);
	debug_exit_init(&vmm->dbgexit, vmm_debug_exit, vmm);
	acpi_pm_init(&vmm->pm, &vmm->clock, vmm_isa_line(vmm, VMM_SCI_IRQ), vmm_poweroff, vmm);

	rc |= i8259_attach(&vmm->pic, &vmm->bus);
	rc |= i8254_attach(&vmm->pit, &vmm->bus);
	rc |= mc146818_attach(&vmm->rtc, &vmm->bus);
	rc |= ns16550_attach(&vmm->com1, &vmm->bus, VMM_COM1_BASE);
	rc |= ioapic_attach(&vmm->ioapic, &vmm->bus, IOAPIC_DEFAULT_BASE);
	rc |= pc_testdev_attach(&vmm->testdev, &vmm->bus);
	rc |= fw_cfg_attach(&vmm->fwcfg, &vmm->bus);
	rc |= i8042_attach(&vmm->kbc, &vmm->bus);
	rc |= pc_sysctl_attach(&vmm->sysctl, &vmm->bus);
	rc |= debug_exit_attach(&vmm->dbgexit, &vmm->bus);
	rc |= acpi_pm_attach(&vmm->pm, &vmm->bus);
	if (rc != 0) {
		vmm_log(VMM_LOG_ERR, "vmm: cannot register the devices (bus or clock table full)\n");
		return -1;
	}
	vmm->nvcpus = 1;
	if (vmm_init_vcpu(vmm, 0) != 0) {
		vmm_log(VMM_LOG_ERR, "vmm: cannot create vCPU 0 (clock table full)\n");
		return -1;
	}
	return 0;
}

int vmm_add_ram(struct vmm *vmm, gpa_t gpa, uint64_t size, uint8_t *hva, unsigned prot)
{
	if (x86_memmap_add(&vmm->mem, gpa, size, hva, prot) != 0)
		return -1;
	for (unsigned i = 0; i < vmm->nvcpus; i++) {
		struct x86_machine *m = &vmm->vcpu[i].mach;

		memcpy(m->ranges, vmm->mem.ranges, sizeof(m->ranges));
		m->nranges = vmm->mem.nranges;
		x86_xlat_flush(m);
	}
	return 0;
}

int vmm_firmware(struct vmm *vmm, uint8_t *bios, gpa_t gpa, size_t size, gpa_t *rsdp)
{
	struct fw_machine m;
	gpa_t mpfp;

	if (size < 2 * VMM_FW_MP_OFFSET) {
		vmm_log(VMM_LOG_ERR, "vmm: BIOS area of %zu bytes too small for the tables\n", size);
		return -1;
	}
	fw_machine_pc(&m, vmm->nvcpus);
	if (acpi_build(bios, gpa, VMM_FW_MP_OFFSET, &m, rsdp) < 0 ||
	    mptable_build(bios + VMM_FW_MP_OFFSET, gpa + VMM_FW_MP_OFFSET,
			  size - VMM_FW_MP_OFFSET, &m, &mpfp) < 0)
		return -1;
	vmm_log(VMM_LOG_INFO, "vmm: ACPI RSDP at 0x%llx, MP floating pointer at 0x%llx\n",
		(unsigned long long)*rsdp, (unsigned long long)mpfp);
	return 0;
}
