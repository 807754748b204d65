/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/alloc.h - pluggable allocator.
 *
 * An allocator is handed to an object when it is created and kept by it; NULL
 * everywhere means the C library's malloc/realloc/free.  There is no global
 * allocator.  Tests use a failing allocator to inject out-of-memory at every
 * allocation in turn (see tests/harness.h).
 */
#ifndef PARQUANT_ALLOC_H
#define PARQUANT_ALLOC_H

#include <stddef.h>
#include "parquant/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Allocation callbacks.  `realloc(ctx, NULL, n)` must behave like alloc;
 *  `free(ctx, NULL)` must be a no-op. */
typedef struct pq_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx; /**< passed to every callback */
} pq_allocator;

/** Allocate `size` bytes with `a` (NULL = libc).  Returns NULL on failure. */
PQ_API void *pq_alloc(const pq_allocator *a, size_t size);
/** Zero-filled allocation of n*size bytes; NULL on failure or overflow. */
PQ_API void *pq_calloc(const pq_allocator *a, size_t n, size_t size);
/** Resize; on failure returns NULL and `ptr` stays valid. */
PQ_API void *pq_realloc(const pq_allocator *a, void *ptr, size_t size);
/** Free memory from pq_alloc/pq_realloc with the same allocator.  Accepts NULL. */
PQ_API void pq_free(const pq_allocator *a, void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_ALLOC_H */
