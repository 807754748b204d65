/* SPDX-License-Identifier: Apache-2.0
 *
 * core/utf8.c - UTF-8 validation (RFC 3629: no overlong forms, no UTF-16
 * surrogates, nothing past U+10FFFF), shared by the CSV and JSON readers
 * and the JSON text writers.  ASCII runs are skipped 8 bytes at a time.
 */
#include "core/utf8.h"

int pq_utf8_seq(const uint8_t *p, const uint8_t *end)
{
    uint8_t c = p[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
    if (c < 0xE0) n = 2;
    else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;      /* overlong */
        else if (c == 0xED) hi = 0x9F; /* UTF-16 surrogates */
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0) lo = 0x90;      /* overlong */
        else if (c == 0xF4) hi = 0x8F; /* past U+10FFFF */
    } else return 0;
    for (int k = 1; k < n; k++) {
        if (p + k >= end) return -1;
        uint8_t b = p[k];
        if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
    }
    return n;
}

bool pq_utf8_valid(const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!(w & 0x8080808080808080ull)) { p += 8; continue; }
        }
        int k = pq_utf8_seq(p, end);
        if (k <= 0) return false;
        p += k;
    }
    return true;
}
