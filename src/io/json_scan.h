/* SPDX-License-Identifier: Apache-2.0
 *
 * io/json_scan.h - the string-body scanner shared by the two JSON parsers
 * (io/json.c, the DOM reader; io/json_pull.c, the streaming reader).
 *
 * pq_json_scan_str(p) returns the first byte at or after p that ends a run of
 * plain string bytes: '"', '\\', a control byte (< 0x20) or a non-ASCII byte
 * (>= 0x80, which the callers validate as UTF-8).  The caller guarantees a
 * stop byte before the end of its buffer (a NUL sentinel) and at least 15
 * readable bytes after it (the pad), since the SSE2 path reads 16 at a time. */
#ifndef PQ_IO_JSON_SCAN_H
#define PQ_IO_JSON_SCAN_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline const uint8_t *pq_json_scan_str(const uint8_t *p)
{
#if defined(__SSE2__)
    const __m128i qt = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed compare: bytes >= 0x80 are negative, so "< 0x20" flags them too */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, qt), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, sp));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz(bits);
        p += 16;
    }
#else
    while (*p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) p++;
    return p;
#endif
}

#endif
