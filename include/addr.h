/*
 * addr.h - scalar types for the kinds of addresses, so that a guest
 * virtual address cannot be passed where a host physical one is wanted
 * without the reader noticing (NVMM's gpaddr_t/gvaddr_t idea).
 */
#ifndef ADDR_H
#define ADDR_H

#include <stdint.h>

typedef uint64_t gva_t;   /* guest virtual (or linear) address */
typedef uint64_t gpa_t;   /* guest physical address */
typedef uint64_t hpa_t;   /* host physical address */

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ULL
#define PAGE_MASK  (PAGE_SIZE - 1)

#endif /* ADDR_H */
