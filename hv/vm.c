/*
 * vm.c - placeholder until the SVM core lands: there is no guest yet.
 */
#include "vm.h"
#include "log.h"
#include "status.h"

int vm_main(void)
{
	log_printf(LOG_INFO, "vm: no guest support in this build\n");
	return HV_STATUS_OK;
}
