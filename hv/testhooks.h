/*
 * testhooks.h - the test-only command-line switches (fault=, hvtest=,
 * leakcanary), which break the hypervisor or the VM on purpose so that
 * the tests can reach the error paths.
 *
 * They are built only into the test image hv-test.elf (testhooks.c).
 * The image users boot, hv.elf, links testhooks_off.c instead: it has no
 * deliberate-fault code at all and refuses those words as a bad
 * configuration (status 37). main.c and vm.c call the two hooks below
 * and know nothing else about them.
 */
#ifndef HV_TESTHOOKS_H
#define HV_TESTHOOKS_H

struct vm;

/*
 * After the boot summary and the page allocator, before SVM: fault=
 * faults here and does not return. Returns 0, or -1 after printing why
 * (an unknown test word, or any test word in hv.elf): the run then ends
 * with HV_STATUS_BAD_CONFIG.
 */
int testhooks_boot(void);

/*
 * After the vCPU reset, before the first VMRUN: hvtest= breaks the VM,
 * leakcanary fills free host memory with a pattern. Returns 0, or -1
 * after printing why (HV_STATUS_BAD_CONFIG).
 */
int testhooks_vm(struct vm *vm);

#endif /* HV_TESTHOOKS_H */
