/* SPDX-License-Identifier: Apache-2.0
 *
 * core/arena.c - bump allocator for metadata: many small objects that die
 * together (a reader's footer structs, names, key/value strings).  Blocks of
 * at least 16 KiB are chained; a request larger than a block gets a block of
 * its own.  Every size + alignment computation is overflow-checked and the
 * alignment must be a power of two.  Under AddressSanitizer every allocation
 * gets its own block, so overruns between objects are still caught.
 */
#include "core/core.h"

#if defined(__SANITIZE_ADDRESS__)
#define PQ_ARENA_ONE_PER_ALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PQ_ARENA_ONE_PER_ALLOC 1
#endif
#endif

struct pq_arena_block {
    pq_arena_block *next;  /* older block */
    size_t used;           /* bytes of data[] handed out */
    size_t size;           /* bytes of data[] */
    _Alignas(16) uint8_t data[];
};

#define PQ_ARENA_BLOCK 16384u

void pq_arena_init(pq_arena *a, const pq_allocator *alloc)
{
    a->head = NULL;
    a->alloc = alloc;
}

void pq_arena_reset(pq_arena *a)
{
    if (!a) return;
    pq_arena_block *b = a->head;
    while (b) {
        pq_arena_block *next = b->next;
        pq_free(a->alloc, b);
        b = next;
    }
    a->head = NULL;
}

void *pq_arena_alloc(pq_arena *a, size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) != 0 || align > 16) return NULL;
    if (size == 0) size = 1;
    pq_arena_block *b = a->head;
#ifndef PQ_ARENA_ONE_PER_ALLOC
    if (b) {
        size_t start = (b->used + align - 1) & ~(align - 1);
        size_t end;
        if (!pq_add_overflow(start, size, &end) && end <= b->size) {
            b->used = end;
            memset(b->data + start, 0, size);
            return b->data + start;
        }
    }
    size_t bsize = size > PQ_ARENA_BLOCK ? size : PQ_ARENA_BLOCK;
#else
    size_t bsize = size;
#endif
    size_t total;
    if (pq_add_overflow(sizeof(pq_arena_block), bsize, &total)) return NULL;
    pq_arena_block *nb = (pq_arena_block *)pq_alloc(a->alloc, total);
    if (!nb) return NULL;
    nb->size = bsize;
    nb->used = size;
    nb->next = b;
    a->head = nb;
    memset(nb->data, 0, size);
    return nb->data;
}

char *pq_arena_strndup(pq_arena *a, const char *s, size_t n)
{
    size_t total;
    if (pq_add_overflow(n, 1, &total)) return NULL;
    char *p = (char *)pq_arena_alloc(a, total, 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}
