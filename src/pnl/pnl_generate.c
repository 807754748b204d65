/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_generate.c - `parquant generate strategies`: a deterministic
 * synthetic strategy P&L CSV with the statistics of the real SENSEX matrix
 * (heavy_optimizer.md 1.3), for the demo, the tests and the benchmarks.
 *
 * Model.  Day t has a market factor f_t (standard normal, demeaned over the
 * days so no seed makes every strategy win); strategy i has a loading
 * beta_i ~ N(0.5, 0.25) and a scale s_i ~ logN(0, 0.25).  Its cell is
 *     x_ti = s_i * Q(Phi(beta_i f_t + sqrt(1 - beta_i^2) e_ti)) + d_i
 * where Q is a piecewise-linear quantile function through the real cells'
 * quantiles (p1 -5,443, p25 -645, median +160, p75 +819, p99 +4,463, with
 * exponential tails reaching about -90k / +70k) and d_i a drift that makes
 * ~57% of the strategies lose over 82 days.  A Gaussian copula keeps the
 * factor correlation (~0.15 mean pairwise Pearson after the heavy tails)
 * while the margins follow the real ones.  Values are written as the real
 * files hold them: sums of three-decimal legs in floating point, printed as
 * Python's repr (so 25,544 x 82 is ~39 MB of CSV, as the platform's docs
 * say of the production file).
 *
 * Layouts: legacy (Date,Day,... weekly expiry Thursdays from 2024-01-04,
 * names like "SENSEX 1132-1332 SL73%TP42%"), zone (Date,Zone,Day with
 * "Zone 1".."Zone Z" rows per date) and enhanced (the 2023 sample's header,
 * DD-MM-YYYY dates on weekdays, zones A-D, regimes, confidences 56-93,
 * transition thresholds, capital; percent-like values, 62% zeros).
 */
#include "pnl/pnl_internal.h"

#include "core/calendar.h"
#include "table/canon.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ random */

typedef struct rng {
    uint64_t s[4];
    bool has_spare;
    double spare;
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
    r->has_spare = false;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_u64(rng *r) /* xoshiro256** */
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unit(rng *r) { return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1p-53; } /* (0, 1) */

static double rng_normal(rng *r) /* Marsaglia's polar method */
{
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    double u, v, q;
    do {
        u = 2 * rng_unit(r) - 1;
        v = 2 * rng_unit(r) - 1;
        q = u * u + v * v;
    } while (q >= 1 || q == 0);
    double m = sqrt(-2 * log(q) / q);
    r->spare = v * m;
    r->has_spare = true;
    return u * m;
}

/* --------------------------------------------------- the real margins */

static const double KU[] = {0.0005, 0.01, 0.05, 0.25, 0.435, 0.5, 0.75, 0.95, 0.99, 0.9995};
static const double KX[] = {-17000, -4700, -2100, -645, 0, 160, 819, 2000, 3700, 12000};
#define NK ((int)(sizeof KU / sizeof KU[0]))

static double quantile(double u)
{
    if (u < KU[0]) return KX[0] * (1 + 0.8 * log(KU[0] / u));
    if (u > KU[NK - 1]) return KX[NK - 1] * (1 + 0.8 * log((1 - KU[NK - 1]) / (1 - u)));
    int k = 0;
    while (k + 2 < NK && u > KU[k + 1]) k++;
    return KX[k] + (KX[k + 1] - KX[k]) * (u - KU[k]) / (KU[k + 1] - KU[k]);
}

static double phi(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

#define BETA_MEAN 0.40
#define BETA_SD 0.33
#define SCALE_SD 0.2
#define DRIFT_MEAN -37.0

/* The common part of day t's mean P&L that the factor's non-linear
 * mapping leaves (Q is not odd): estimated over a fixed sample of loadings
 * and noises, from a stream of its own so the cells do not depend on it. */
static double day_bias(const double *f, int64_t n, uint64_t seed)
{
    enum { K = 4096 };
    rng r;
    rng_seed(&r, seed ^ 0x5eed5eed5eed5eedull);
    double *b = malloc(2 * K * sizeof *b), *e = b + K;
    if (!b) return 0;
    double total = 0;
    for (int k = 0; k < K; k++) {
        b[k] = BETA_MEAN + BETA_SD * rng_normal(&r);
        if (b[k] > 0.95) b[k] = 0.95;
        if (b[k] < -0.95) b[k] = -0.95;
        e[k] = rng_normal(&r);
    }
    for (int64_t t = 0; t < n; t++)
        for (int k = 0; k < K; k++) total += quantile(phi(b[k] * f[t] + sqrt(1 - b[k] * b[k]) * e[k]));
    free(b);
    return total / ((double)n * K);
}

/* Mean of Q(U), U uniform: the drift that centres the model. */
static double quantile_mean(void)
{
    const int n = 200000;
    double s = 0;
    for (int i = 0; i < n; i++) s += quantile((i + 0.5) / n);
    return s / n;
}

/* ------------------------------------------------------------ output */

typedef struct out {
    FILE *f;
    char buf[1 << 16];
    size_t n;
    bool failed;
} out;

static void out_flush(out *o)
{
    if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n) o->failed = true;
    o->n = 0;
}

static void out_bytes(out *o, const char *s, size_t n)
{
    if (o->n + n > sizeof o->buf) out_flush(o);
    if (n > sizeof o->buf) {
        if (fwrite(s, 1, n, o->f) != n) o->failed = true;
        return;
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

static void out_str(out *o, const char *s) { out_bytes(o, s, strlen(s)); }

/* v with `dec` decimals (rounded half away from zero), no exponent. */
static void out_fixed(out *o, double v, int dec)
{
    static const double P10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    double scaled = round(v * P10[dec]);
    char tmp[48];
    int n = 0;
    bool neg = scaled < 0;
    uint64_t u = (uint64_t)(neg ? -scaled : scaled);
    char digits[32];
    int k = 0;
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u || k <= dec);
    if (neg) tmp[n++] = '-'; /* scaled < 0: some digit is not zero */
    for (int i = k - 1; i >= 0; i--) {
        tmp[n++] = digits[i];
        if (i == dec && dec > 0) tmp[n++] = '.';
    }
    /* drop trailing zeros of the fraction (1.50 -> 1.5, 2.00 -> 2) */
    if (dec > 0) {
        while (tmp[n - 1] == '0') n--;
        if (tmp[n - 1] == '.') n--;
    }
    out_bytes(o, tmp, (size_t)n);
}

/* v as Python's repr (what pandas' to_csv writes): "0.0", "-643.0",
 * "-1077.6599999999978". */
static void out_py(out *o, double v, pq_buf *scratch)
{
    scratch->len = 0;
    if (pq_canon_python_double(v, scratch, NULL) != PQ_OK) {
        o->failed = true;
        return;
    }
    out_bytes(o, (const char *)scratch->data, scratch->len);
}

/* A P&L the way the real files hold it: three-decimal legs (premium x lot
 * sizes) summed in floating point, so most values carry the binary noise
 * of their sum (real cells have 12-14 fraction digits). */
static double as_summed_legs(double x)
{
    double a = round(x * 1000) / 1000;
    double p1 = round(a * 0.55 * 1000) / 1000, p2 = round(a * 0.3 * 1000) / 1000;
    double p3 = round((a - p1 - p2) * 1000) / 1000;
    return p1 + p2 + p3;
}

static void out_int(out *o, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    out_bytes(o, tmp, (size_t)n);
}

/* ------------------------------------------------------------- names */

static const char *WEEKDAYS[7] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};

static void legacy_name(int64_t i, char *buf, size_t cap)
{
    /* 346 entry minutes (09:15..15:00) x 6 durations x 30 SL x 18 TP = 1,120,680
     * combinations, visited in a scrambled order (multiplication by a prime). */
    const int64_t M = 346LL * 6 * 30 * 18;
    int64_t k = (int64_t)(((__int128)(i % M) * 1000003) % M), round = i / M;
    int entry = 9 * 60 + 15 + (int)(k % 346);
    k /= 346;
    static const int DUR[6] = {30, 60, 90, 120, 180, 240};
    int exit = entry + DUR[k % 6];
    k /= 6;
    int sl = 10 + 5 * (int)(k % 30);
    k /= 30;
    int tp = (int)k; /* 0 = no TP, else 10 + 5 * (tp - 1) */
    char tps[16] = "";
    if (tp > 0) snprintf(tps, sizeof tps, "TP%d%%", 10 + 5 * (tp - 1));
    char suffix[24] = "";
    if (round > 0) snprintf(suffix, sizeof suffix, " #%lld", (long long)round + 1);
    snprintf(buf, cap, "SENSEX %d%02d-%d%02d SL%d%%%s%s", entry / 60, entry % 60, exit / 60, exit % 60, sl, tps, suffix);
}

static const char *REGIMES[12] = {"Bullish_Vol_Expansion", "Bullish_Grind",  "Bullish_Linear_Decay", "Bearish_Panic",
                                  "Bearish_Vol_Expansion", "Bearish_Linear_Decay", "Sideways_Decay", "Sideways_Low_Vol",
                                  "Sideways_Violent",      "Expiry_Pinning", "Breakout_Mode",        "Vol_Crush"};

/* ------------------------------------------------------------ generate */

typedef struct strat_model {
    double beta, idio, scale, drift;
} strat_model;

static pq_status generate(out *o, const pq_pnl_generate_options *g, pq_error *err)
{
    const int64_t N = g->strategies, D = g->days;
    const bool enh = g->enhanced;
    const int Z = enh ? (g->zones > 0 ? g->zones : 4) : g->zones;
    const int rows_per_day = Z > 0 ? Z : 1;
    rng r;
    rng_seed(&r, g->seed);
    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    strat_model *sm = malloc((size_t)N * sizeof *sm);
    if (!sm) return PQ_NOMEM(err);
    const double qmean = quantile_mean();
    for (int64_t i = 0; i < N; i++) {
        double b = BETA_MEAN + BETA_SD * rng_normal(&r);
        if (b > 0.95) b = 0.95;
        if (b < -0.95) b = -0.95;
        sm[i].beta = b;
        sm[i].idio = sqrt(1 - b * b);
        sm[i].scale = exp(SCALE_SD * rng_normal(&r));
        /* mean daily P&L per strategy: -33 +- 60 rupees, so ~57% lose over 82 days */
        sm[i].drift = (DRIFT_MEAN + 60 * rng_normal(&r)) / (double)rows_per_day;
    }
    /* the factor, demeaned and scaled to unit variance over all rows */
    int64_t R = D * rows_per_day;
    double *f = malloc((size_t)(R ? R : 1) * sizeof *f);
    if (!f) {
        free(sm);
        return PQ_NOMEM(err);
    }
    double mean = 0, var = 0;
    for (int64_t t = 0; t < R; t++) mean += (f[t] = rng_normal(&r));
    mean /= (double)(R ? R : 1);
    for (int64_t t = 0; t < R; t++) var += (f[t] - mean) * (f[t] - mean);
    double sd = R > 1 ? sqrt(var / (double)(R - 1)) : 1;
    for (int64_t t = 0; t < R; t++) f[t] = (f[t] - mean) / (sd > 0 ? sd : 1);
    double centre = R <= 4096 ? day_bias(f, R, g->seed) : qmean;
    for (int64_t i = 0; i < N; i++) sm[i].drift -= centre * sm[i].scale;

    /* header */
    if (enh)
        out_str(o, "Date,start_time,end_time,day,zone,market_regime,Regime_Confidence_%,"
                   "Market_regime_transition_threshold,capital");
    else out_str(o, Z > 0 ? "Date,Zone,Day" : "Date,Day");
    char name[96];
    for (int64_t i = 0; i < N; i++) {
        out_bytes(o, ",", 1);
        if (enh) snprintf(name, sizeof name, "strategy_%lld", (long long)(i + 1));
        else legacy_name(i, name, sizeof name);
        out_str(o, name);
    }
    out_bytes(o, "\n", 1);

    /* rows */
    int64_t day0 = enh ? pq_days_from_civil(2023, 1, 2) : pq_days_from_civil(2024, 1, 4);
    int64_t day = day0;
    for (int64_t d = 0; d < D; d++) {
        if (enh) { /* weekdays */
            while (((day % 7) + 7) % 7 == 2 || ((day % 7) + 7) % 7 == 3) day++; /* 1970-01-01 was a Thursday */
        }
        int64_t y;
        unsigned m, dd;
        pq_civil_from_days(day, &y, &m, &dd);
        const char *wd = WEEKDAYS[((day % 7) + 7) % 7];
        for (int z = 0; z < rows_per_day; z++) {
            int64_t t = d * rows_per_day + z;
            char date[32];
            if (enh) snprintf(date, sizeof date, "%02u-%02u-%04lld", dd, m, (long long)y);
            else snprintf(date, sizeof date, "%04lld-%02u-%02u", (long long)y, m, dd);
            out_str(o, date);
            if (enh) {
                /* zone z's window of 09:15..15:30, a trade inside it */
                int open = 9 * 60 + 15, len = (6 * 60 + 15) / rows_per_day;
                int start = open + z * len + (int)(rng_u64(&r) % (uint64_t)(len / 2 + 1));
                int end = start + 10 + (int)(rng_u64(&r) % (uint64_t)(len / 2 + 1));
                char tmp[160];
                snprintf(tmp, sizeof tmp, ",%02d:%02d:00,%02d:%02d:00,%s,%c,%s,", start / 60, start % 60, end / 60,
                         end % 60, wd, 'A' + z % 26, REGIMES[rng_u64(&r) % 12]);
                out_str(o, tmp);
                out_int(o, 56 + (int64_t)(rng_u64(&r) % 38));
                out_bytes(o, ",", 1);
                out_fixed(o, 0.254 + (double)(rng_u64(&r) % 494) / 1000.0, 3);
                out_bytes(o, ",", 1);
                out_int(o, 700000 + 25000 * (int64_t)(rng_u64(&r) % 141));
            } else {
                if (Z > 0) {
                    char zn[32];
                    snprintf(zn, sizeof zn, ",Zone %d", z + 1);
                    out_str(o, zn);
                }
                out_bytes(o, ",", 1);
                out_str(o, wd);
            }
            for (int64_t i = 0; i < N; i++) {
                out_bytes(o, ",", 1);
                double e = rng_normal(&r);
                double zz = sm[i].beta * f[t] + sm[i].idio * e;
                double x = sm[i].scale * quantile(phi(zz)) + sm[i].drift;
                if (enh) {
                    if (rng_unit(&r) < 0.62) out_bytes(o, "0", 1);
                    else out_fixed(o, x / 1000.0, 6);
                } else out_py(o, as_summed_legs(x), &scratch);
            }
            out_bytes(o, "\n", 1);
        }
        day += enh ? 1 : 7;
    }
    free(f);
    free(sm);
    pq_buf_reset(&scratch);
    return PQ_OK;
}

pq_status pq_pnl_generate_csv(const char *path, const pq_pnl_generate_options *g, pq_error *err)
{
    if (g->strategies < 1 || g->days < 1 || g->zones < 0 || g->zones > 26)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "need strategies >= 1, days >= 1 and zones 0..26");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4000s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create a file beside it: %s", path, strerror(errno));
    (void)fchmod(fd, 0644); /* mkstemp's 0600 is for secrets; this is data */
    out *o = malloc(sizeof *o);
    if (!o) {
        close(fd);
        unlink(tmp);
        return PQ_NOMEM(err);
    }
    o->f = fdopen(fd, "wb");
    o->n = 0;
    o->failed = o->f == NULL;
    pq_status st = o->f ? generate(o, g, err) : PQ_FAIL(err, PQ_ERR_IO, "%s: fdopen: %s", tmp, strerror(errno));
    if (st == PQ_OK) {
        out_flush(o);
        if (o->failed || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
            st = PQ_FAIL(err, PQ_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
    if (o->f ? fclose(o->f) != 0 : (close(fd), false))
        if (st == PQ_OK) st = PQ_FAIL(err, PQ_ERR_IO, "%s: close: %s", path, strerror(errno));
    free(o);
    if (st == PQ_OK && rename(tmp, path) != 0) st = PQ_FAIL(err, PQ_ERR_IO, "%s: rename: %s", path, strerror(errno));
    if (st != PQ_OK) unlink(tmp);
    return st;
}
