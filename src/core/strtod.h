/* SPDX-License-Identifier: Apache-2.0
 *
 * core/strtod.h - the double nearest to a decimal w x 10^q, without strtod
 * in the common case (the Eisel-Lemire algorithm).  Text scanning stays
 * with the callers (io/json_pull.c): they collect the first 19 significant
 * digits into w and the power of ten into q, and call strtod on the text
 * only when these functions return false.  Thread-safe, no allocation, no
 * dependence on the floating-point environment (the result is assembled as
 * bits: round to nearest, ties to even, whatever the current rounding mode).
 */
#ifndef PARQUANT_CORE_STRTOD_H
#define PARQUANT_CORE_STRTOD_H

#include <stdbool.h>
#include <stdint.h>

/** The double nearest to w x 10^q (ties to even), negated when `neg`, into
 *  *out: +-0 for w == 0 or underflow, +-infinity on overflow (as strtod,
 *  without errno), subnormals exact.  Any w < 2^64 and any q are accepted.
 *  @return true when *out is the correctly rounded value; false when 128
 *  bits of 5^q could not decide (never seen in the 15 million inputs of
 *  `test_strtod full`, ties and exact values included), *out untouched. */
bool pq_decimal_to_double(uint64_t w, int64_t q, bool neg, double *out);

/** For a decimal of more than 19 significant digits: w holds the first 19
 *  (or fewer, as long as the value lies in [w, w + 1] x 10^q), q the power
 *  of ten of w's last digit.  Succeeds when w x 10^q and (w + 1) x 10^q
 *  round to the same double, which is then the value's (rounding is
 *  monotonic); false otherwise (about 1 in 600 random texts of 20-40
 *  digits: a rounding boundary lies between them) and when the
 *  plain conversion of either end gives false.  *out untouched on false. */
bool pq_decimal_to_double_truncated(uint64_t w, int64_t q, bool neg, double *out);

#endif /* PARQUANT_CORE_STRTOD_H */
