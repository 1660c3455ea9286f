/*
 * vmm_log_hosted.h - what the host build of vmm_log() keeps for tests.
 */
#ifndef VMM_LOG_HOSTED_H
#define VMM_LOG_HOSTED_H

extern char vmm_log_last[512];  /* the last message, formatted */
extern unsigned vmm_log_count;  /* messages so far */

#endif /* VMM_LOG_HOSTED_H */
