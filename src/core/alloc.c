/* SPDX-License-Identifier: Apache-2.0
 *
 * core/alloc.c - dispatch to a caller's pq_allocator, or to libc when NULL.
 */
#include "core/core.h"

#include <stdlib.h>

void *pq_alloc(const pq_allocator *a, size_t size)
{
    if (size == 0) size = 1;
    return a ? a->alloc(a->ctx, size) : malloc(size);
}

void *pq_calloc(const pq_allocator *a, size_t n, size_t size)
{
    size_t total;
    if (pq_mul_overflow(n, size, &total)) return NULL;
    void *p = pq_alloc(a, total);
    if (p) memset(p, 0, total ? total : 1);
    return p;
}

void *pq_realloc(const pq_allocator *a, void *ptr, size_t size)
{
    if (size == 0) size = 1;
    return a ? a->realloc(a->ctx, ptr, size) : realloc(ptr, size);
}

void pq_free(const pq_allocator *a, void *ptr)
{
    if (!ptr) return;
    if (a) a->free(a->ctx, ptr);
    else free(ptr);
}
