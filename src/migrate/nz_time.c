/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_time.c - NECROZMA's timestamp text (see nz_time.h).  Written
 * by hand rather than with strftime/snprintf: it runs for every candle and
 * every price-history point.
 */
#include "migrate/nz_time.h"

#include "core/calendar.h"

#include <string.h>

/* Division rounding toward minus infinity (times before 1970). */
static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* n decimal digits of v >= 0, zero-padded. */
static void digits(char *p, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10) p[i] = (char)('0' + v % 10);
}

void nz_time_format(int64_t secs, char out[NZ_TIME_LEN + 1])
{
    int64_t days = floor_div(secs, 86400), sod = secs - days * 86400, y;
    unsigned m, d;
    pq_civil_from_days(days, &y, &m, &d);
    memcpy(out, "0000-00-00 00:00:00+00:00", NZ_TIME_LEN + 1);
    digits(out, ((y % 10000) + 10000) % 10000, 4);
    digits(out + 5, m, 2);
    digits(out + 8, d, 2);
    digits(out + 11, sod / 3600, 2);
    digits(out + 14, sod / 60 % 60, 2);
    digits(out + 17, sod % 60, 2);
}

static int two(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

bool nz_time_parse(const char *s, size_t n, int64_t *secs)
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd+00:00";
    if (n != NZ_TIME_LEN) return false;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return false;
    int m = two(s + 5), d = two(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    *secs = pq_days_from_civil(two(s) * 100 + two(s + 2), m, d) * 86400 + two(s + 11) * 3600 + two(s + 14) * 60 + two(s + 17);
    char back[NZ_TIME_LEN + 1];
    nz_time_format(*secs, back);
    return memcmp(back, s, n) == 0; /* rejects 2025-02-30, 24:00:00, 12:60:00 */
}
