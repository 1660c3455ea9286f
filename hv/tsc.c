/*
 * tsc.c - TSC frequency from the PIT.
 *
 * Counter 2 of the 8254 is the one a PC lets software gate and watch:
 * port 0x61 bit 0 is its GATE, bit 5 its OUT (PIIX4/ICH "NMI Status and
 * Control"). In mode 0 (interrupt on terminal count) OUT goes high when
 * the count written runs out, so the TSC ticks between loading the count
 * and seeing OUT high, over count / 1.193182 MHz seconds, give the TSC
 * frequency (8254 datasheet; the method Linux's pit_calibrate_tsc uses).
 */
#include "tsc.h"
#include "io.h"
#include "log.h"
#include "vmm_env.h"

#define TSC_PIT_HZ        1193182ULL
#define TSC_PIT_MS        50
#define TSC_PIT_COUNT     ((TSC_PIT_HZ * TSC_PIT_MS) / 1000)    /* 59659 < 0x10000 */
#define TSC_PIT_CTRL      0x43
#define TSC_PIT_CH2       0x42
#define TSC_PORT_61       0x61
#define TSC_61_GATE2      0x01
#define TSC_61_SPEAKER    0x02
#define TSC_61_OUT2       0x20
/* Counter 2, LSB then MSB, mode 0, binary (8254 control word). */
#define TSC_PIT_CW_CH2_M0 0xb0
/* The wait for OUT2 gives up after this many TSC ticks (10 s at 5 GHz). */
#define TSC_PIT_GIVEUP    50000000000ULL
#define TSC_GUESS_HZ      2000000000ULL

static uint64_t tsc_freq;

/* One measurement: TSC ticks for TSC_PIT_COUNT PIT ticks, 0 if OUT2 never rose. */
static uint64_t tsc_pit_measure(void)
{
	uint8_t p61 = inb(TSC_PORT_61);
	uint64_t t0, t1;

	/* Gate on, speaker off; load the count: counting starts with the MSB write. */
	outb(TSC_PORT_61, (uint8_t)((p61 & ~TSC_61_SPEAKER) | TSC_61_GATE2));
	outb(TSC_PIT_CTRL, TSC_PIT_CW_CH2_M0);
	outb(TSC_PIT_CH2, TSC_PIT_COUNT & 0xff);
	t0 = tsc_read();
	outb(TSC_PIT_CH2, TSC_PIT_COUNT >> 8);
	do {
		t1 = tsc_read();
		if (t1 - t0 > TSC_PIT_GIVEUP)
			return 0;
	} while (!(inb(TSC_PORT_61) & TSC_61_OUT2));
	outb(TSC_PORT_61, p61);
	return t1 - t0;
}

/*
 * The median of TSC_RUNS measurements. On a PC an SMI can only lengthen
 * a run, but nested under an emulator the PIT's clock can also jump
 * ahead of the TSC (when the emulator catches up after being descheduled),
 * which makes a run too short: the median stands both kinds of outlier.
 */
#define TSC_RUNS 5

/* noipa: bench/exit_profile.py finds it by name to leave its busy loop out of the trace. */
__attribute__((noipa)) uint64_t tsc_init(void)
{
	uint64_t runs[TSC_RUNS];
	unsigned n = 0;
	uint64_t best = 0;

	for (int i = 0; i < TSC_RUNS; i++) {
		uint64_t t = tsc_pit_measure();
		unsigned j = n;

		if (t == 0)
			continue;
		for (; j > 0 && runs[j - 1] > t; j--)   /* insertion sort */
			runs[j] = runs[j - 1];
		runs[j] = t;
		n++;
	}
	if (n > 0) {
		best = runs[n / 2];
		log_printf(LOG_DEBUG, "tsc: %u runs of %u ms: %llu .. %llu ticks, median %llu\n", n,
			   TSC_PIT_MS, (unsigned long long)runs[0], (unsigned long long)runs[n - 1],
			   (unsigned long long)best);
	}
	if (best == 0) {
		log_printf(LOG_WARN, "tsc: the PIT's counter 2 does not count (OUT2 never rose); "
			   "guessing %llu MHz: guest time will be off\n",
			   (unsigned long long)(TSC_GUESS_HZ / 1000000));
		tsc_freq = TSC_GUESS_HZ;
		return tsc_freq;
	}
	tsc_freq = vmm_muldiv64(best, TSC_PIT_HZ, TSC_PIT_COUNT);
	log_printf(LOG_INFO, "tsc: %llu.%03llu MHz (measured against the PIT over %u ms)\n",
		   (unsigned long long)(tsc_freq / 1000000),
		   (unsigned long long)(tsc_freq / 1000 % 1000), TSC_PIT_MS);
	return tsc_freq;
}

uint64_t tsc_hz(void)
{
	return tsc_freq;
}

uint64_t tsc_ticks_to_ns(uint64_t ticks)
{
	return vmm_muldiv64(ticks, 1000000000ULL, tsc_freq);
}

uint64_t tsc_ns_to_ticks(uint64_t ns)
{
	return vmm_muldiv64(ns, tsc_freq, 1000000000ULL);
}
