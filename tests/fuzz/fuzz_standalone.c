/*
 * fuzz_standalone.c - fallback driver for fuzz_assist.c when clang's
 * libFuzzer runtime (libclang-rt-*-dev) is not installed: built with
 * ASan/UBSan only, it runs every seed, then mutates seeds with a
 * deterministic xorshift generator (bit flips, byte sets, interesting
 * values, splices, truncation) until the time budget is spent. No
 * coverage feedback, so it finds less than libFuzzer; run_fuzz.sh says
 * which driver ran.
 *
 * usage: fuzz_standalone SECONDS CORPUS_DIR
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SA_MAX_SEEDS 256
#define SA_MAX_LEN   1024

static uint8_t sa_seed[SA_MAX_SEEDS][SA_MAX_LEN];
static size_t sa_len[SA_MAX_SEEDS];
static unsigned sa_n;
static uint64_t sa_rng = 0x243f6a8885a308d3ULL;

static uint64_t
sa_rand(void)
{
	sa_rng ^= sa_rng << 13;
	sa_rng ^= sa_rng >> 7;
	sa_rng ^= sa_rng << 17;
	return sa_rng;
}

static void
sa_load(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d)) != NULL && sa_n < SA_MAX_SEEDS) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		sa_len[sa_n] = fread(sa_seed[sa_n], 1, SA_MAX_LEN, f);
		fclose(f);
		sa_n++;
	}
	closedir(d);
}

static size_t
sa_mutate(uint8_t *b, size_t n)
{
	static const uint8_t interesting[] = {
		0x00, 0x01, 0x7f, 0x80, 0xff, 0x0f, 0x66, 0x67, 0xf3, 0x48,
	};
	unsigned k = 1 + sa_rand() % 8;

	for (unsigned i = 0; i < k && n > 0; i++) {
		size_t at = sa_rand() % n;

		switch (sa_rand() % 5) {
		case 0:
			b[at] ^= (uint8_t)(1u << (sa_rand() % 8));
			break;
		case 1:
			b[at] = (uint8_t)sa_rand();
			break;
		case 2:
			b[at] = interesting[sa_rand() % sizeof(interesting)];
			break;
		case 3: {
			unsigned o = sa_rand() % sa_n;
			size_t from = sa_rand() % (sa_len[o] ? sa_len[o] : 1);
			size_t len = sa_rand() % 16;

			if (from + len <= sa_len[o] && at + len <= n)
				memcpy(b + at, sa_seed[o] + from, len);
			break;
		}
		default:
			if (n < SA_MAX_LEN && sa_rand() % 2)
				b[n++] = (uint8_t)sa_rand();
			else if (n > 1)
				n--;
			break;
		}
	}
	return n;
}

int
main(int argc, char **argv)
{
	uint8_t buf[SA_MAX_LEN];
	unsigned long runs = 0;
	time_t end;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SECONDS CORPUS_DIR\n", argv[0]);
		return 2;
	}
	sa_load(argv[2]);
	if (sa_n == 0) {
		fprintf(stderr, "no seeds in %s\n", argv[2]);
		return 2;
	}
	for (unsigned i = 0; i < sa_n; i++)
		LLVMFuzzerTestOneInput(sa_seed[i], sa_len[i]);
	end = time(NULL) + atol(argv[1]);
	while (time(NULL) < end) {
		for (int j = 0; j < 1000; j++) {
			unsigned s = sa_rand() % sa_n;
			size_t n = sa_len[s];

			memcpy(buf, sa_seed[s], n);
			n = sa_mutate(buf, n);
			LLVMFuzzerTestOneInput(buf, n);
			runs++;
		}
	}
	printf("fuzz_standalone: %lu runs from %u seeds, no crash\n", runs,
	    sa_n);
	return 0;
}
