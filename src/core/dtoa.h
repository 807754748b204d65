/* SPDX-License-Identifier: Apache-2.0
 *
 * core/dtoa.h - shortest round-trip decimal digits of a double: the digit
 * string that JavaScript's Number.prototype.toString and Python's
 * float.__repr__ print, without the layout (the callers in table/canon.c
 * place the point and the exponent).
 */
#ifndef PARQUANT_CORE_DTOA_H
#define PARQUANT_CORE_DTOA_H

/** Shortest decimal digits of finite v > 0 (callers handle sign, zero, NaN
 *  and infinities; other inputs give unspecified digits).  Writes
 *  d1 d2 .. dk (k = *ndigits, 1..17, no trailing zero) and a NUL to
 *  `digits`, such that d1.d2..dk x 10^e reads back (round to nearest, ties
 *  to even) as v; among the shortest such strings, the one closest to v,
 *  with ties broken to the even last digit.  This can't fail.
 *  @return e, the decimal exponent of d1 (-324..308). */
int pq_dtoa_shortest(double v, char digits[18], int *ndigits);

#endif /* PARQUANT_CORE_DTOA_H */
