/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_time.h - NECROZMA's timestamp text, "YYYY-MM-DD HH:MM:SS+00:00"
 * (pandas' str() of a UTC bucket start), to and from seconds since the
 * epoch: the candle table stores it as TIMESTAMP and export prints it
 * back; the generator writes it.
 */
#ifndef PARQUANT_MIGRATE_NZ_TIME_H
#define PARQUANT_MIGRATE_NZ_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NZ_TIME_LEN 25 /* strlen("2025-03-04 08:00:00+00:00") */

/** The text of `secs` (years 0..9999; others wrap modulo 10000), NUL-terminated. */
void nz_time_format(int64_t secs, char out[NZ_TIME_LEN + 1]);
/** Parse exactly that shape; false for anything that would not print back
 *  identically (another layout, 2025-02-30, 24:00:00...). */
bool nz_time_parse(const char *s, size_t n, int64_t *secs);

#endif /* PARQUANT_MIGRATE_NZ_TIME_H */
