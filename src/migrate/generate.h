/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/generate.h - `parquant generate necrozma`: writes a synthetic but
 * structurally exact NECROZMA results tree (../shared/specs/necrozma.md
 * §1-§4, shaped like the samples in ../shared/data/necrozma), for the demo,
 * the tests and the benchmark of `parquant migrate`:
 *
 *   ROOT/universes/<P>universe_<I>m_<L>lb.json             25 (I x L)
 *   ROOT/backtest_results/<P>universe_<I>m_<L>lb_backtest.json  25
 *   ROOT/backtest_results/detailed_trades/<strategy>.json  one per strategy
 *
 * with P = "<PAIR>_<YEAR>_".  Scales: small (a few hundred candles per
 * interval, the §1.3 stat counts by lookback, 4 strategies, a tree of a few
 * MB) and production (a year of 5-minute candles in every universe, 560
 * stats per cell, 50 strategies, ~25 x 33 MB).
 *
 * Invariants: the same options give byte-identical files (one seeded
 * xoshiro256** stream per piece of data; no clock, no rand()); every file
 * is written through io/sink.h (temporary name, fsync, rename), so a killed
 * run never leaves a torn file under a final name; JSON text is Python's
 * json.dump(indent=2) as migrate/json_emit.h writes it.
 *
 * The second half of this header is internal to generate*.c.
 */
#ifndef PARQUANT_MIGRATE_GENERATE_H
#define PARQUANT_MIGRATE_GENERATE_H

#include "core/core.h"
#include "migrate/json_emit.h"
#include "migrate/nz_time.h"

/* ================================================================ API */

typedef enum pq_nz_scale {
    PQ_NZ_SCALE_SMALL = 0,
    PQ_NZ_SCALE_PRODUCTION = 1
} pq_nz_scale;

/** Called after each file: files written so far of `files_total`, bytes so far. */
typedef void (*pq_nz_generate_progress)(void *ctx, int64_t files_done, int64_t files_total, int64_t bytes_done);

typedef struct pq_nz_generate_options {
    const char *root;            /* results root, created if missing */
    pq_nz_scale scale;
    uint64_t seed;
    const char *pair;            /* letters and digits; NULL = "EURUSD" */
    int year;                    /* 1971..9998; 0 = 2025 */
    const pq_allocator *alloc;   /* NULL = libc */
    pq_nz_generate_progress progress; /* NULL = none */
    void *progress_ctx;
} pq_nz_generate_options;

typedef struct pq_nz_generate_result {
    int64_t files;               /* files written */
    int64_t bytes;               /* their total size */
} pq_nz_generate_result;

void pq_nz_generate_options_init(pq_nz_generate_options *o);

/** Write the tree.  @return PQ_ERR_INVALID_ARG (no root, bad pair or year),
 *  PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_nz_generate(const pq_nz_generate_options *o, pq_nz_generate_result *res, pq_error *err);

/** The strategy metrics of §3.3, in the order the files write them. */
typedef struct pq_nz_metrics {
    int64_t n_trades;
    double win_rate, profit_factor, total_return, sharpe_ratio, sortino_ratio, calmar_ratio, max_drawdown;
    double avg_win, avg_loss, largest_win, largest_loss, expectancy, recovery_factor, ulcer_index;
    double lot_size, gross_pnl, total_commission, net_pnl;
} pq_nz_metrics;

/** Initial capital of every backtest (§3.3). */
#define PQ_NZ_CAPITAL 10000.0

/** §3.3 metrics of n trades (net pnl_i = gross[i] - commission[i]): sharpe
 *  and sortino with ddof 1 (sortino NaN with exactly one loss), drawdowns
 *  on the equity 10000, 10000 + cumsum(pnl); all 0 when n == 0. */
void pq_nz_metrics_compute(const double *gross, const double *commission, size_t n, double lot, pq_nz_metrics *m);

/* ===================================================== internal part */

/* Candle lists: production = a year of 5-minute candles, small = this many
 * at the interval's step (or 3 days, whichever is fewer). */
#define NZG_SMALL_CANDLES 400
#define NZG_N_INTERVALS 5
#define NZG_N_LOOKBACKS 5
#define NZG_N_LEVELS 4
#define NZG_N_FEATURES 140
#define NZG_N_LOTS 3

extern const int pq_nzg_intervals[NZG_N_INTERVALS];
extern const int pq_nzg_lookbacks[NZG_N_LOOKBACKS];
extern const double pq_nzg_lots[NZG_N_LOTS];

/* xoshiro256** (Blackman & Vigna), seeded through splitmix64. */
typedef struct pq_nzg_rng {
    uint64_t s[4];
} pq_nzg_rng;

static inline uint64_t pq_nzg_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t pq_nzg_next(pq_nzg_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = pq_nzg_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = pq_nzg_rotl(s[3], 45);
    return out;
}

/** Uniform in [0, 1), 53 bits. */
static inline double pq_nzg_unit(pq_nzg_rng *r) { return (double)(pq_nzg_next(r) >> 11) * 0x1p-53; }

/** Uniform integer in [lo, hi] (hi - lo small: the modulo bias is negligible). */
static inline int64_t pq_nzg_range(pq_nzg_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(pq_nzg_next(r) % (uint64_t)(hi - lo + 1));
}

/** A stream for the data identified by (seed, tag, a, b). */
void pq_nzg_rng_seed(pq_nzg_rng *r, uint64_t seed, uint64_t tag, uint64_t a, uint64_t b);
/** Standard normal (Box-Muller, one value per call). */
double pq_nzg_normal(pq_nzg_rng *r);

/* One candle; prices in points of 1e-5 (5 decimals), as tick data gives. */
typedef struct pq_nzg_candle {
    int64_t t;                   /* bucket start, seconds since the epoch (UTC) */
    int32_t o, h, l, c;
    int32_t volume;              /* tick count */
    double spread;               /* spread_avg, pips */
} pq_nzg_candle;

typedef struct pq_nzg_series {
    pq_nzg_candle *c;
    size_t n;
} pq_nzg_series;

/** 0 = Monday .. 6 = Sunday. */
int pq_nzg_weekday(int64_t t);
/** Seconds since the epoch of y-m-d 00:00:00 UTC. */
int64_t pq_nzg_epoch(int y, int m, int d);

typedef struct pq_nzg_ctx {
    const pq_allocator *alloc;
    pq_nz_scale scale;
    uint64_t seed;
    int year;
    char pair[32];
    char prefix[48];             /* "<PAIR>_<YEAR>_" */
    char dir_universes[4096], dir_backtest[4096], dir_trades[4096];
    pq_nzg_series series[NZG_N_INTERVALS];
    int64_t files, files_total, bytes;
    pq_nz_generate_progress progress;
    void *progress_ctx;
} pq_nzg_ctx;

/** The candle list of interval index k (0..4); one per interval, shared by its lookbacks. */
PQ_NODISCARD pq_status pq_nzg_series_make(const pq_nzg_ctx *g, int k, pq_nzg_series *s, pq_error *err);
void pq_nzg_series_free(const pq_nzg_ctx *g, pq_nzg_series *s);

/* An open output file: emitter -> buffer -> sink (temporary name until end). */
typedef struct pq_nzg_file {
    pq_jemit e;
    pq_buf buf;
    pq_sink *sink;
} pq_nzg_file;

PQ_NODISCARD pq_status pq_nzg_file_begin(pq_nzg_ctx *g, pq_nzg_file *f, const char *path, pq_error *err);
/** Finish the document, close (rename) and count the file. */
PQ_NODISCARD pq_status pq_nzg_file_end(pq_nzg_ctx *g, pq_nzg_file *f, pq_error *err);
/** Drop the temporary file after a failure. */
void pq_nzg_file_abort(pq_nzg_file *f);

/* Emitter shorthands: a member `key` with a value. */
static inline pq_status pq_nzg_key(pq_jemit *e, const char *k, pq_error *err) { return pq_jemit_key(e, k, strlen(k), err); }
static inline pq_status pq_nzg_kv_int(pq_jemit *e, const char *k, int64_t v, pq_error *err)
{
    PQ_TRY(pq_nzg_key(e, k, err));
    return pq_jemit_int(e, v, err);
}
static inline pq_status pq_nzg_kv_dbl(pq_jemit *e, const char *k, double v, pq_error *err)
{
    PQ_TRY(pq_nzg_key(e, k, err));
    return pq_jemit_double(e, v, err);
}
static inline pq_status pq_nzg_kv_str(pq_jemit *e, const char *k, const char *v, pq_error *err)
{
    PQ_TRY(pq_nzg_key(e, k, err));
    return pq_jemit_string(e, v, strlen(v), err);
}

/** Write universe (interval k, lookback j); *total_patterns gets its §1.2 value. */
PQ_NODISCARD pq_status pq_nzg_write_universe(pq_nzg_ctx *g, int k, int j, int64_t *total_patterns, pq_error *err);

/* One simulated trade (§4.2) on the 5-minute candle list. */
typedef struct pq_nzg_trade {
    uint32_t entry, exit;        /* bar indexes, entry < exit */
    int32_t entry_pts, exit_pts; /* prices in points */
    uint8_t is_long;
    uint8_t reason;              /* 0 signal, 1 stop_loss, 2 take_profit */
    double pnl_pips;             /* from the actual prices */
    double usd_pips;             /* pips paid: -SL / +TP on SL/TP exits, else pnl_pips */
} pq_nzg_trade;

/** Half the bid/ask spread of a bar, in points (spreads of 1.4 or 1.6 pips). */
static inline int32_t pq_nzg_half_spread(const pq_nzg_candle *c) { return 7 + (c->volume & 1); }

/** Commission of one trade, pip value (§4.2). */
static inline double pq_nzg_commission(double lot) { return 2 * 0.05 * lot; }
static inline double pq_nzg_pip_value(double lot) { return 10 * lot; }
/** Net USD of a trade at `lot`: SL/TP exits are paid exactly -SL/+TP pips (§4.2). */
static inline double pq_nzg_trade_usd(const pq_nzg_trade *t, double lot)
{
    return t->usd_pips * pq_nzg_pip_value(lot) - pq_nzg_commission(lot);
}

/** Emit one trade record (12 keys); price_history has bid/ask when `bidask`. */
PQ_NODISCARD pq_status pq_nzg_emit_trade(pq_jemit *e, const pq_nzg_series *s, const pq_nzg_trade *t, double lot,
                                      bool bidask, double trend_strength, pq_error *err);

/** Backtest files of universe (k, j) and, after the last one, the trade logs. */
PQ_NODISCARD pq_status pq_nzg_write_backtest(pq_nzg_ctx *g, int k, int j, int64_t total_patterns, pq_error *err);

/** Number of strategies at the context's scale. */
int pq_nzg_strategy_count(const pq_nzg_ctx *g);

#endif /* PARQUANT_MIGRATE_GENERATE_H */
