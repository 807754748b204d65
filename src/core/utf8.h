/* SPDX-License-Identifier: Apache-2.0
 *
 * core/utf8.h - UTF-8 validation: the length of one valid sequence, and
 * whether a byte run is valid UTF-8 (RFC 3629).
 */
#ifndef PARQUANT_CORE_UTF8_H
#define PARQUANT_CORE_UTF8_H

#include "core/core.h"

/** Length (1..4) of the valid UTF-8 sequence at p (p < end), 0 when it
 *  is invalid, -1 when it is cut short by `end` (more input may complete it). */
int pq_utf8_seq(const uint8_t *p, const uint8_t *end);
/** True when [p, p+n) is valid UTF-8. */
bool pq_utf8_valid(const uint8_t *p, size_t n);

#endif /* PARQUANT_CORE_UTF8_H */
