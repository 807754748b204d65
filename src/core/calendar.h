/* SPDX-License-Identifier: Apache-2.0
 *
 * core/calendar.h - days since 1970-01-01 <-> proleptic Gregorian dates
 * (Howard Hinnant's days_from_civil / civil_from_days: exact for every
 * int64 year range the callers use, no tables, no locale).  One copy for
 * the CSV/JSON date inference, the filter parser, the canonical row text
 * and the NECROZMA candle timestamps.
 */
#ifndef PARQUANT_CORE_CALENDAR_H
#define PARQUANT_CORE_CALENDAR_H

#include <stdint.h>

/** Days since 1970-01-01 of y-m-d (m 1..12, d 1..31; not range-checked). */
static inline int64_t pq_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/** The date of day z (days since 1970-01-01). */
static inline void pq_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#endif /* PARQUANT_CORE_CALENDAR_H */
