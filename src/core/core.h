/* SPDX-License-Identifier: Apache-2.0
 *
 * core/core.h - the internal toolbox every module uses: error macros, checked
 * arithmetic, little-endian loads/stores, owning buffers (pq_buf) and borrowed
 * byte views (pq_bytes).  Depends on nothing but the C library.
 *
 * Conventions (see docs/style.md):
 *  - a function that detects a problem reports it with PQ_FAIL, which records
 *    the source location and formats the message, and returns the status;
 *  - callers propagate with PQ_TRY;
 *  - sizes derived from untrusted input go through pq_add_overflow /
 *    pq_mul_overflow before they are used.
 */
#ifndef PARQUANT_CORE_H
#define PARQUANT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parquant/alloc.h"
#include "parquant/error.h"

/* ---------------------------------------------------------------- errors */

/** Record an error in `err` (may be NULL) and return `code`.  The message is
 *  printf-formatted.  Keeps any data location already set in `err`. */
PQ_PRINTF(6, 7)
pq_status pq_error_set(pq_error *err, pq_status code, const char *file, int line,
                       const char *func, const char *fmt, ...);

/** Set the byte offset of an error if none is recorded yet. */
void pq_error_at_offset(pq_error *err, int64_t offset);

#define PQ_FAIL(err, code, ...) \
    pq_error_set((err), (code), __FILE__, __LINE__, __func__, __VA_ARGS__)

/** Return the status of `expr` from the enclosing function if it is not OK. */
#define PQ_TRY(expr)                      \
    do {                                  \
        pq_status pq_try_s_ = (expr);     \
        if (pq_try_s_ != PQ_OK) return pq_try_s_; \
    } while (0)

/** Fail with PQ_ERR_CORRUPT and a message when `cond` is false. */
#define PQ_CHECK(err, cond, ...) \
    do { if (!(cond)) return PQ_FAIL((err), PQ_ERR_CORRUPT, __VA_ARGS__); } while (0)

#define PQ_NOMEM(err) PQ_FAIL((err), PQ_ERR_NOMEM, "out of memory")

/* ------------------------------------------------------ checked arithmetic */

/** *out = a + b; returns true on overflow (then *out is unspecified). */
static inline bool pq_add_overflow(size_t a, size_t b, size_t *out) { return __builtin_add_overflow(a, b, out); }
static inline bool pq_mul_overflow(size_t a, size_t b, size_t *out) { return __builtin_mul_overflow(a, b, out); }
static inline bool pq_add_overflow_i64(int64_t a, int64_t b, int64_t *out) { return __builtin_add_overflow(a, b, out); }
static inline bool pq_mul_overflow_i64(int64_t a, int64_t b, int64_t *out) { return __builtin_mul_overflow(a, b, out); }

/* ------------------------------------------------ little-endian load/store */

static inline uint16_t pq_load_u16le(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t pq_load_u32le(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t pq_load_u64le(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t pq_load_u32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline void pq_store_u32le(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void pq_store_u64le(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
/* parquant builds only on little-endian hosts; CMake checks this. */

/* ---------------------------------------------------------------- clock */

/** Seconds on the monotonic clock (for durations, time-outs, rates). */
double pq_mono_seconds(void);

/* --------------------------------------------------------- byte views */

/** Borrowed bytes: the owner keeps them alive. */
typedef struct pq_bytes {
    const uint8_t *ptr; /* NULL only when len == 0 */
    size_t len;
} pq_bytes;

static inline pq_bytes pq_bytes_make(const void *p, size_t n) { pq_bytes b = {(const uint8_t *)p, n}; return b; }

/* ------------------------------------------------------- owning buffer */

/** Growable byte buffer that owns its memory through its allocator. */
typedef struct pq_buf {
    uint8_t *data;              /* NULL until the first growth */
    size_t len;                 /* bytes in use */
    size_t cap;                 /* bytes allocated */
    const pq_allocator *alloc;  /* NULL = libc */
} pq_buf;

/** Initialise an empty buffer.  Can't fail. */
void pq_buf_init(pq_buf *b, const pq_allocator *a);
/** Free the memory and return to the empty state.  Accepts a zeroed buffer. */
void pq_buf_reset(pq_buf *b);
/** Make room for `extra` more bytes past len.  On failure nothing changes. */
PQ_NODISCARD pq_status pq_buf_reserve(pq_buf *b, size_t extra, pq_error *err);
/** Append n bytes. */
PQ_NODISCARD pq_status pq_buf_append(pq_buf *b, const void *p, size_t n, pq_error *err);
/** Set len to `len`, growing as needed; new bytes are zero. */
PQ_NODISCARD pq_status pq_buf_resize(pq_buf *b, size_t len, pq_error *err);
/** Move ownership from src to dst (dst is reset first); src becomes empty. */
void pq_buf_move(pq_buf *dst, pq_buf *src);
/** Append printf-formatted text.  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_buf_printf(pq_buf *out, pq_error *err, const char *fmt, ...) PQ_PRINTF(3, 4);
/** Append the NUL-terminated s as a JSON string (quotes; '"', '\\' and
 *  control characters escaped; other bytes as they are).  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_json_put_str(pq_buf *out, const char *s, pq_error *err);
/** Append one byte; the caller reserved room or accepts the slow path. */
static inline pq_status pq_buf_push(pq_buf *b, uint8_t v, pq_error *err)
{
    if (b->len == b->cap) { pq_status s = pq_buf_reserve(b, 1, err); if (s) return s; }
    b->data[b->len++] = v;
    return PQ_OK;
}

/* --------------------------------------------------------------- arena */

/** Bump allocator for many small objects freed together (metadata). */
typedef struct pq_arena_block pq_arena_block;
typedef struct pq_arena {
    pq_arena_block *head;       /* newest block */
    const pq_allocator *alloc;
} pq_arena;

void pq_arena_init(pq_arena *a, const pq_allocator *alloc);
/** Free every block.  Accepts a zeroed arena. */
void pq_arena_reset(pq_arena *a);
/** `size` bytes aligned to `align` (a power of two <= 16), zero-filled;
 *  NULL on overflow or allocation failure. */
void *pq_arena_alloc(pq_arena *a, size_t size, size_t align);
/** Copy of n bytes plus a NUL terminator; NULL on failure. */
char *pq_arena_strndup(pq_arena *a, const char *s, size_t n);

/* ----------------------------------------------------------------- crc */

/** Standard CRC-32 (gzip polynomial), chainable: crc = pq_crc32(crc, p, n), start 0. */
uint32_t pq_crc32(uint32_t crc, const void *p, size_t n);

#endif /* PARQUANT_CORE_H */
