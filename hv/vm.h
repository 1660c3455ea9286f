/*
 * vm.h - the one guest: created, loaded and run after the boot summary.
 */
#ifndef HV_VM_H
#define HV_VM_H

/*
 * Set up SVM and the guest selected on the command line, run it until it
 * stops, and return the HV_STATUS_* for the run (see status.h). Returns
 * HV_STATUS_OK without doing anything when no guest is configured.
 */
int vm_main(void);

#endif /* HV_VM_H */
