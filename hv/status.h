/*
 * status.h - the run's exit status, as the hypervisor reports it through
 * QEMU's isa-debug-exit device (port 0xf4). QEMU itself then exits with
 * (status << 1) | 1; ./run and the test runner undo that.
 *
 *   0          clean end (guest reported success, or no guest to run)
 *   1..31      status written by the guest to its debug-exit port
 *   32..       conditions the hypervisor detected
 */
#ifndef HV_STATUS_H
#define HV_STATUS_H

#define HV_STATUS_OK            0
#define HV_STATUS_GUEST_MAX     31    /* guest statuses are clamped to 1..31 */
#define HV_STATUS_PANIC         32    /* hypervisor bug or fatal boot error */
#define HV_STATUS_GUEST_SHUTDOWN 33   /* guest triple fault */
#define HV_STATUS_GUEST_BADGPA  34    /* access outside RAM and MMIO */
#define HV_STATUS_GUEST_ERROR   35    /* unknown exit, invalid VMCB, unsupported */
#define HV_STATUS_NO_SVM        36    /* SVM absent or disabled by firmware */
#define HV_STATUS_BAD_CONFIG    37    /* bad command line or guest image */
#define HV_STATUS_WATCHDOG      38    /* the guest ran longer than watchdog= */
#define HV_STATUS_GUEST_RESET   39    /* the guest reset the machine (0xcf9, 0x92, 8042) */

#endif /* HV_STATUS_H */
