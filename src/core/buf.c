/* SPDX-License-Identifier: Apache-2.0
 *
 * core/buf.c - pq_buf, the owning growable byte buffer.  Growth doubles the
 * capacity (at least 64 bytes) so appends are amortised O(1); every size
 * computation is overflow-checked.
 */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>

void pq_buf_init(pq_buf *b, const pq_allocator *a)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->alloc = a;
}

void pq_buf_reset(pq_buf *b)
{
    if (!b) return;
    pq_free(b->alloc, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

pq_status pq_buf_reserve(pq_buf *b, size_t extra, pq_error *err)
{
    size_t need;
    if (pq_add_overflow(b->len, extra, &need)) return PQ_FAIL(err, PQ_ERR_NOMEM, "buffer size overflow");
    if (need <= b->cap) return PQ_OK;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap *= 2;
    }
    uint8_t *p = (uint8_t *)pq_realloc(b->alloc, b->data, cap);
    if (!p) return PQ_FAIL(err, PQ_ERR_NOMEM, "out of memory growing a buffer to %zu bytes", cap);
    b->data = p;
    b->cap = cap;
    return PQ_OK;
}

pq_status pq_buf_append(pq_buf *b, const void *p, size_t n, pq_error *err)
{
    if (n == 0) return PQ_OK;
    PQ_TRY(pq_buf_reserve(b, n, err));
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return PQ_OK;
}

pq_status pq_buf_resize(pq_buf *b, size_t len, pq_error *err)
{
    if (len > b->len) {
        PQ_TRY(pq_buf_reserve(b, len - b->len, err));
        memset(b->data + b->len, 0, len - b->len);
    }
    b->len = len;
    return PQ_OK;
}

void pq_buf_move(pq_buf *dst, pq_buf *src)
{
    if (dst == src) return;
    pq_buf_reset(dst);
    *dst = *src;
    src->data = NULL;
    src->len = src->cap = 0;
}

pq_status pq_buf_printf(pq_buf *out, pq_error *err, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INTERNAL, "bad format");
    if ((size_t)n < sizeof small) return pq_buf_append(out, small, (size_t)n, err);
    PQ_TRY(pq_buf_reserve(out, (size_t)n + 1, err));
    va_start(ap, fmt);
    vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return PQ_OK;
}

pq_status pq_json_put_str(pq_buf *out, const char *s, pq_error *err)
{
    PQ_TRY(pq_buf_push(out, '"', err));
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            PQ_TRY(pq_buf_append(out, esc, 2, err));
        } else if (*p < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            PQ_TRY(pq_buf_append(out, esc, 6, err));
        } else {
            PQ_TRY(pq_buf_push(out, *p, err));
        }
    }
    return pq_buf_push(out, '"', err);
}
