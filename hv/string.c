/*
 * string.c - memory and string functions for the freestanding image.
 *
 * gcc may emit calls to memcpy/memset/memmove/memcmp for structure copies
 * even with -ffreestanding, so these must exist and must not be compiled
 * into calls to themselves: -fno-builtin (hv_c_args) prevents gcc from
 * recognising the loops below as memcpy/memset.
 */
#include <stdint.h>

#include "string.h"

/*
 * Eight bytes per step, then the rest: as fast as REP MOVSB on CPUs
 * with fast strings, and eight times fewer iterations where a REP
 * iteration is the unit of cost (an emulator such as QEMU's TCG, which
 * also counts each iteration as one instruction under -icount).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq\n\t"
			 "mov %3, %%rcx\n\t"
			 "rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 : "r"(r)
			 : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	while (n-- > 0)
		d[n] = s[n];
	return dst;
}

/* As memcpy: eight bytes per step, then the rest. */
void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	uint64_t pattern = (uint8_t)c * 0x0101010101010101ULL;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq\n\t"
			 "mov %3, %%rcx\n\t"
			 "rep stosb"
			 : "+D"(dst), "+c"(q)
			 : "a"(pattern), "r"(r)
			 : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || a[i] == '\0')
			return (unsigned char)a[i] - (unsigned char)b[i];
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}
