/*
 * testhooks_off.c - the test hooks of hv.elf, the image users boot: none.
 * A test switch on its command line is a configuration error (status 37)
 * that names the test image, so a user who copied a test's command line
 * learns why it does nothing here. testhooks.c is the other side.
 */
#include "bits.h"
#include "cmdline.h"
#include "log.h"
#include "testhooks.h"

/* Every word testhooks.c understands. */
static const char *const testhooks_words[] = { "fault", "hvtest", "leakcanary" };

int testhooks_boot(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(testhooks_words); i++) {
		if (!cmdline_has(testhooks_words[i]))
			continue;
		log_printf(LOG_ERR, "boot: \"%s\" is a test switch, built only into the test "
			   "image hv-test.elf; this is hv.elf\n", testhooks_words[i]);
		return -1;
	}
	return 0;
}

int testhooks_vm(struct vm *vm)
{
	(void)vm;
	return 0;
}
