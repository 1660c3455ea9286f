/*
 * vmm_log_hosted.c - vmm_log() for the host builds of vmm/ (unit tests,
 * fuzzer, benchmarks): messages go to stderr when VMM_LOG=0..3 is set in
 * the environment (default: errors only), and the last one is kept in
 * vmm_log_last for tests that check what a device reported.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm_env.h"
#include "vmm_log_hosted.h"

char vmm_log_last[512];
unsigned vmm_log_count;

static int vmm_log_level(void)
{
	const char *s = getenv("VMM_LOG");

	return (s != NULL && s[0] >= '0' && s[0] <= '3') ? s[0] - '0' : VMM_LOG_ERR;
}

bool vmm_log_enabled(int level)
{
	(void)level;
	return true;    /* tests see every message in vmm_log_last */
}

void vmm_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vmm_log_last, sizeof(vmm_log_last), fmt, ap);
	va_end(ap);
	vmm_log_count++;
	if (level <= vmm_log_level())
		fputs(vmm_log_last, stderr);
}
