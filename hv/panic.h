/*
 * panic.h - the hypervisor's fatal error path and its exit.
 */
#ifndef HV_PANIC_H
#define HV_PANIC_H

/*
 * Print "PANIC: <message>" and the caller's registers to the console,
 * then hv_exit(HV_STATUS_PANIC). Never returns. Re-entry (a panic while
 * panicking) goes straight to hv_exit.
 */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * End the run with status (HV_STATUS_*, status.h): write it to QEMU's
 * isa-debug-exit port (0xf4; QEMU then exits with (status << 1) | 1),
 * and if that port is absent (real hardware) halt forever with
 * interrupts off.
 */
_Noreturn void hv_exit(int status);

#endif /* HV_PANIC_H */
