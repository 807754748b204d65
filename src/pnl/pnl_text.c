/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_text.c - the date and time cells of strategy CSVs.  A date is
 * split first (pnl_date_split) and read later, once the whole column has
 * decided whether "02-01-2023" is the 2nd of January or the 1st of February.
 */
#include "pnl/pnl_internal.h"

#include "core/calendar.h"

#include <stdio.h>

/* Up to `max` digits at s[*i]; false if none. */
static bool digits(const uint8_t *s, size_t n, size_t *i, int max, int *value, int *count)
{
    int v = 0, c = 0;
    while (*i < n && c < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        c++;
    }
    *value = v;
    *count = c;
    return c > 0;
}

bool pnl_date_split(const uint8_t *s, size_t n, pnl_date_parts *out)
{
    size_t i = 0;
    int v[3], c[3];
    uint8_t sep = 0;
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (i >= n || (s[i] != '-' && s[i] != '/' && s[i] != '.')) return false;
            if (k == 1) sep = s[i];
            else if (s[i] != sep) return false;
            i++;
        }
        if (!digits(s, n, &i, 4, &v[k], &c[k])) return false;
    }
    if (i != n) return false;
    if (c[0] == 4 && c[1] <= 2 && c[2] <= 2) out->ymd = true;
    else if (c[0] <= 2 && c[1] <= 2 && c[2] == 4) out->ymd = false;
    else return false;
    out->a = (int16_t)v[0];
    out->b = (int16_t)v[1];
    out->c = (int16_t)v[2];
    return true;
}

static bool valid_ymd(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

bool pnl_date_days(const pnl_date_parts *p, const char *order, int32_t *days)
{
    int y, m, d;
    if (p->ymd) {
        if (order[0] != 'y') return false;
        y = p->a, m = p->b, d = p->c;
    } else if (order[0] == 'd') {
        d = p->a, m = p->b, y = p->c;
    } else if (order[0] == 'm') {
        m = p->a, d = p->b, y = p->c;
    } else return false;
    if (!valid_ymd(y, m, d)) return false;
    *days = (int32_t)pq_days_from_civil(y, m, d);
    return true;
}

bool pnl_time_parse(const uint8_t *s, size_t n, int64_t *micros)
{
    size_t i = 0;
    int h, m, sec = 0, c;
    if (!digits(s, n, &i, 2, &h, &c) || i >= n || s[i++] != ':') return false;
    if (!digits(s, n, &i, 2, &m, &c) || c != 2) return false;
    int64_t frac = 0;
    if (i < n && s[i] == ':') {
        i++;
        if (!digits(s, n, &i, 2, &sec, &c) || c != 2) return false;
        if (i < n && s[i] == '.') {
            i++;
            int fd = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9' && fd < 6) {
                frac = frac * 10 + (s[i++] - '0');
                fd++;
            }
            if (fd == 0) return false;
            for (; fd < 6; fd++) frac *= 10;
        }
    }
    if (i != n || h > 23 || m > 59 || sec > 59) return false;
    *micros = ((int64_t)h * 3600 + m * 60 + sec) * 1000000 + frac;
    return true;
}

void pnl_date_text(int32_t days, char out[32])
{
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%04lld-%02u-%02u", (long long)y, m, d);
}

void pnl_time_text(int64_t micros, char out[48])
{
    int64_t s = micros / 1000000, f = micros % 1000000;
    if (f) snprintf(out, 48, "%02lld:%02lld:%02lld.%06lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                    (long long)(s % 60), (long long)f);
    else snprintf(out, 48, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
}
