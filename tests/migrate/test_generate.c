/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/migrate/test_generate.c - `parquant generate necrozma` at small
 * scale (migrate/generate.h) against necrozma.md §1-§4:
 *   - the file set and names (25 universes, 25 backtests, 4 trade logs,
 *     nothing else, no temporary file left), the files/bytes it reports,
 *     the progress callback;
 *   - determinism: same seed byte-identical, another seed different;
 *   - every file parses (strict reader; the one bare NaN token sortino may
 *     have is swapped for null first) with the spec's keys in the spec's
 *     order at every level, the types (ints stay ints), Médio as UTF-8;
 *   - universes: total_patterns = sum of total_occurrences, top_patterns
 *     sorted and capped at 50, stats per cell by lookback (64/224/440/516/
 *     560, the 16 OHLC names exactly), empty cells 0/0/[]/{}, candles with
 *     body_pips = body * 10000 and direction from the body, the candle list
 *     identical across the lookbacks of an interval and different across
 *     intervals, metadata matching the candles;
 *   - backtests: 4 strategies x 3 lots, metrics consistent with the §3.3
 *     formulas (win rate, expectancy, net = gross - commission, commission
 *     = n x 0.1 x lot, total return, calmar = recovery, lot invariance),
 *     the no-trade strategy all zeros, the one-loss strategy's sortino NaN,
 *     exactly one inline trades_detailed;
 *   - trade logs: ranks 1..4, metrics equal to the last universe's lot-0.1
 *     result, trade records of 12 keys, equal-length price_history arrays,
 *     equity_curve = 10000 + cumsum(pnl_usd);
 *   - pq_nz_metrics_compute against values computed in Python, and its
 *     edge cases (no trade, one loss, no loss);
 *   - bad options, a root that is a file, and every Nth allocation failing
 *     (PQ_ERR_NOMEM, nothing leaked, no temporary file left).
 */
#include "harness.h"

#include "io/json.h"
#include "io/source.h"
#include "migrate/generate.h"

#include <dirent.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const int INTERVALS[5] = {1, 5, 15, 30, 60};
static const int LOOKBACKS[5] = {5, 10, 15, 20, 30};
static const int STATS_BY_LOOKBACK[5] = {64, 224, 440, 516, 560};
static const char *const STRATEGIES[4] = {"MeanReverterV3_L20_T1.5_SL15_TP30_AT1_RC1_SF0", "KalmanFilterTrend_P14_T2.0",
                                          "OrderBlocks_P14_T2.0", "ZScoreStatArb_P14_T2.0"};

static char base[64];

/* ------------------------------------------------------------ helpers */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static pq_status generate(const char *root, uint64_t seed, pq_nz_generate_result *res, pq_error *err)
{
    pq_nz_generate_options o;
    pq_nz_generate_options_init(&o);
    o.root = root;
    o.seed = seed;
    return pq_nz_generate(&o, res, err);
}

static void universe_path(char *out, size_t cap, const char *root, int i, int l)
{
    snprintf(out, cap, "%s/universes/EURUSD_2025_universe_%dm_%dlb.json", root, i, l);
}

static void backtest_path(char *out, size_t cap, const char *root, int i, int l)
{
    snprintf(out, cap, "%s/backtest_results/EURUSD_2025_universe_%dm_%dlb_backtest.json", root, i, l);
}

static void trades_path(char *out, size_t cap, const char *root, const char *strategy)
{
    snprintf(out, cap, "%s/backtest_results/detailed_trades/%s.json", root, strategy);
}

/* Regular files of a folder (not recursing), and whether any is a temporary file. */
static int count_files(const char *dir, int *temps)
{
    DIR *d = opendir(dir);
    if (d == NULL) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp-")) (*temps)++;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) n++;
    }
    closedir(d);
    return n;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* A parsed document: the file's text with bare NaN tokens replaced by null
 * (the strict reader refuses NaN; our files have it only as a value). */
typedef struct doc {
    char *text;
    size_t len;
    char *json;
    pq_source src;
    pq_json_reader *r;
    pq_json_record rec;
    const pq_json_node *n;
    int nans;
} doc;

static bool doc_open(doc *d, const char *path)
{
    memset(d, 0, sizeof *d);
    d->text = (char *)harness_read_file(path, &d->len);
    if (d->text == NULL) return false;
    d->text[d->len] = 0; /* harness_read_file leaves room for it */
    d->json = malloc(d->len + d->len / 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < d->len; i++) {
        if (i + 3 <= d->len && memcmp(d->text + i, "NaN", 3) == 0 && i > 0 && d->text[i - 1] == ' ') {
            memcpy(d->json + o, "null", 4);
            o += 4, i += 2, d->nans++;
        } else {
            d->json[o++] = d->text[i];
        }
    }
    pq_source_open_memory(&d->src, d->json, o, path);
    pq_error err;
    if (pq_json_open(&d->r, &d->src, NULL, NULL, &err) != PQ_OK) return false;
    if (pq_json_next(d->r, &d->rec, &err) != PQ_OK || d->rec.nodes == NULL) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return false;
    }
    d->n = d->rec.nodes;
    return true;
}

static void doc_close(doc *d)
{
    pq_json_close(d->r);
    pq_source_close(&d->src);
    free(d->json);
    free(d->text);
}

static bool str_is(const pq_json_node *n, const char *s) { return n->type == PQ_JSON_STRING && n->len == strlen(s) && memcmp(n->str, s, n->len) == 0; }

/* Member `key` of object node i, or 0 when absent (0 is the root, never a member). */
static uint32_t get(const pq_json_node *n, uint32_t i, const char *key)
{
    for (uint32_t c = i + 1; c < n[i].next; c = n[n[c].next].next)
        if (str_is(&n[c], key)) return n[c].next;
    return 0;
}

/* Element k of array node i, or 0. */
static uint32_t at(const pq_json_node *n, uint32_t i, uint32_t k)
{
    uint32_t c = i + 1;
    for (uint32_t j = 0; c < n[i].next; c = n[c].next, j++)
        if (j == k) return c;
    return 0;
}

/* Object i has exactly these keys in this order. */
static bool keys_are(const pq_json_node *n, uint32_t i, const char *const *keys, size_t count)
{
    if (n[i].type != PQ_JSON_OBJECT || n[i].count != count) return false;
    size_t k = 0;
    for (uint32_t c = i + 1; c < n[i].next; c = n[n[c].next].next, k++)
        if (!str_is(&n[c], keys[k])) return false;
    return true;
}

static double num(const pq_json_node *n, uint32_t i)
{
    if (n[i].type == PQ_JSON_NULL) return NAN;
    char b[64];
    size_t len = n[i].len < sizeof b - 1 ? n[i].len : sizeof b - 1;
    memcpy(b, n[i].str, len);
    b[len] = 0;
    return strtod(b, NULL);
}

static bool near(double a, double b, double rel)
{
    return fabs(a - b) <= rel * (fabs(a) > fabs(b) ? fabs(a) : fabs(b)) + 1e-12;
}

/* ------------------------------------------------------------ layout */

TEST(file_set_and_counts)
{
    char root[128];
    snprintf(root, sizeof root, "%s/a", base);
    pq_nz_generate_result res;
    pq_error err;
    CHECK_OK(generate(root, 7, &res, &err), &err);
    CHECK_EQ_I64(res.files, 54);
    int64_t total = 0;
    char p[512];
    for (int i = 0; i < 5; i++)
        for (int l = 0; l < 5; l++) {
            universe_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            int64_t s = file_size(p);
            CHECK(s > 0);
            total += s;
            backtest_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            s = file_size(p);
            CHECK(s > 0);
            total += s;
        }
    for (int s = 0; s < 4; s++) {
        trades_path(p, sizeof p, root, STRATEGIES[s]);
        int64_t sz = file_size(p);
        CHECK(sz > 0);
        total += sz;
    }
    CHECK_EQ_I64(res.bytes, total);
    CHECK(total < 16 * 1000 * 1000); /* "a few MB" */
    /* nothing else: no sidecar, no temporary file */
    int temps = 0;
    snprintf(p, sizeof p, "%s/universes", root);
    CHECK_EQ_I64(count_files(p, &temps), 25);
    snprintf(p, sizeof p, "%s/backtest_results", root);
    CHECK_EQ_I64(count_files(p, &temps), 25);
    snprintf(p, sizeof p, "%s/backtest_results/detailed_trades", root);
    CHECK_EQ_I64(count_files(p, &temps), 4);
    CHECK_EQ_I64(count_files(root, &temps), 0);
    CHECK_EQ_I64(temps, 0);
}

typedef struct progress_log {
    int64_t calls, last_done, last_total, last_bytes;
    bool monotonic;
} progress_log;

static void on_progress(void *ctx, int64_t done, int64_t total, int64_t bytes)
{
    progress_log *p = ctx;
    if (done != p->last_done + 1 || bytes <= p->last_bytes) p->monotonic = false;
    p->calls++;
    p->last_done = done, p->last_total = total, p->last_bytes = bytes;
}

TEST(progress_and_pair_year)
{
    char root[128];
    snprintf(root, sizeof root, "%s/gbp", base);
    pq_nz_generate_options o;
    pq_nz_generate_options_init(&o);
    progress_log log = {0, 0, 0, 0, true};
    o.root = root;
    o.seed = 3;
    o.pair = "GBPUSD";
    o.year = 2024;
    o.progress = on_progress;
    o.progress_ctx = &log;
    pq_nz_generate_result res;
    pq_error err;
    CHECK_OK(pq_nz_generate(&o, &res, &err), &err);
    CHECK_EQ_I64(log.calls, 54);
    CHECK_EQ_I64(log.last_total, 54);
    CHECK_EQ_I64(log.last_bytes, res.bytes);
    CHECK(log.monotonic);
    char p[512];
    snprintf(p, sizeof p, "%s/universes/GBPUSD_2024_universe_60m_30lb.json", root);
    doc d;
    CHECK(doc_open(&d, p));
    if (d.n) {
        /* March 3, 2024 was a Sunday: the data starts on Monday the 4th */
        CHECK(str_is(&d.n[get(d.n, get(d.n, 0, "metadata"), "start_date")], "2024-03-04 00:00:00+00:00"));
        CHECK(str_is(&d.n[get(d.n, 0, "name")], "universe_60m_30lb"));
    }
    doc_close(&d);
    snprintf(p, sizeof p, "%s/backtest_results/GBPUSD_2024_universe_1m_5lb_backtest.json", root);
    CHECK(doc_open(&d, p));
    if (d.n) {
        CHECK(str_is(&d.n[get(d.n, 0, "universe_name")], "GBPUSD_2024_universe_1m_5lb"));
        const pq_json_node *ts = &d.n[get(d.n, 0, "backtest_timestamp")];
        CHECK(ts->len == 26 && memcmp(ts->str, "2025-01-15T", 11) == 0 && ts->str[19] == '.');
    }
    doc_close(&d);
    rm_tree(root);
}

/* The exact text of the ohlc_data member (malloc'd). */
static char *candle_text(const char *path, size_t *len)
{
    size_t n = 0;
    char *t = (char *)harness_read_file(path, &n);
    if (t == NULL) return NULL;
    t = realloc(t, n + 1);
    t[n] = 0;
    char *a = strstr(t, "\n  \"ohlc_data\": ["), *b = a ? strstr(a, "\n  \"metadata\": {") : NULL;
    if (!a || !b) {
        free(t);
        return NULL;
    }
    *len = (size_t)(b - a);
    memmove(t, a, *len);
    return t;
}

TEST(deterministic)
{
    char a[128], b[128], c[128];
    snprintf(a, sizeof a, "%s/a", base); /* written by file_set_and_counts with seed 7 */
    snprintf(b, sizeof b, "%s/b", base);
    snprintf(c, sizeof c, "%s/c", base);
    pq_nz_generate_result res;
    pq_error err;
    CHECK_OK(generate(b, 7, &res, &err), &err);
    CHECK_OK(generate(c, 8, &res, &err), &err);
    int same = 0, differ_c = 0, compared = 0;
    char pa[512], pb[512], pc[512];
    for (int f = 0; f < 54; f++) {
        if (f < 25) {
            universe_path(pa, sizeof pa, a, INTERVALS[f / 5], LOOKBACKS[f % 5]);
            universe_path(pb, sizeof pb, b, INTERVALS[f / 5], LOOKBACKS[f % 5]);
            universe_path(pc, sizeof pc, c, INTERVALS[f / 5], LOOKBACKS[f % 5]);
        } else if (f < 50) {
            backtest_path(pa, sizeof pa, a, INTERVALS[(f - 25) / 5], LOOKBACKS[(f - 25) % 5]);
            backtest_path(pb, sizeof pb, b, INTERVALS[(f - 25) / 5], LOOKBACKS[(f - 25) % 5]);
            backtest_path(pc, sizeof pc, c, INTERVALS[(f - 25) / 5], LOOKBACKS[(f - 25) % 5]);
        } else {
            trades_path(pa, sizeof pa, a, STRATEGIES[f - 50]);
            trades_path(pb, sizeof pb, b, STRATEGIES[f - 50]);
            trades_path(pc, sizeof pc, c, STRATEGIES[f - 50]);
        }
        size_t la = 0, lb = 0, lc = 0;
        unsigned char *x = harness_read_file(pa, &la), *y = harness_read_file(pb, &lb), *z = harness_read_file(pc, &lc);
        if (x && y && z) {
            compared++;
            same += la == lb && memcmp(x, y, la) == 0;
            if (f < 50) differ_c += la != lc || memcmp(x, z, la) != 0;
        }
        free(x), free(y), free(z);
    }
    CHECK_EQ_I64(compared, 54);
    /* the candle lists themselves follow the seed */
    universe_path(pa, sizeof pa, a, 5, 5);
    universe_path(pc, sizeof pc, c, 5, 5);
    size_t la = 0, lc = 0;
    char *ta = candle_text(pa, &la), *tc = candle_text(pc, &lc);
    CHECK(ta && tc && (la != lc || memcmp(ta, tc, la) != 0));
    free(ta), free(tc);
    CHECK_EQ_I64(same, 54);
    CHECK_EQ_I64(differ_c, 50); /* (a no-trade strategy's log may well be the same) */
    rm_tree(b);
    rm_tree(c);
}

/* ---------------------------------------------------------- universes */

static const char *const UNIVERSE_KEYS[] = {"name", "config", "processing_time", "total_patterns", "results", "ohlc_data", "metadata"};
static const char *const CELL_KEYS[] = {"total_occurrences", "unique_patterns", "top_patterns", "feature_stats"};
static const char *const CANDLE_KEYS[] = {"timestamp", "open", "high", "low", "close", "spread_avg", "tick_volume",
                                          "body", "body_pips", "range_pips", "upper_wick", "lower_wick", "direction"};
static const char *const META_KEYS[] = {"start_date", "end_date", "total_candles", "interval_minutes", "lookback_candles"};
static const char *const LEVELS[] = {"Pequeno", "M\303\251dio", "Grande", "Muito Grande"};
static const char *const DIRS[] = {"up", "down"};
static const char *const OHLC[16] = {"ohlc_body_mean", "ohlc_body_std", "ohlc_body_sum", "ohlc_range_mean",
                                     "ohlc_range_std", "ohlc_range_max", "ohlc_up_ratio", "ohlc_down_ratio",
                                     "ohlc_upper_wick_mean", "ohlc_lower_wick_mean", "ohlc_wick_ratio",
                                     "ohlc_trend_efficiency", "ohlc_volume_mean", "ohlc_volume_trend",
                                     "ohlc_spread_mean", "ohlc_spread_std"};

/* §1.3: candles L..n-2 with |body_pips| >= 1 are the targets; the level
 * comes from |body_pips|, the direction from its sign.  Recount the cells. */
static void check_targets(const pq_json_node *n, uint32_t res, uint32_t arr, int lookback)
{
    int64_t cells[8] = {0};
    uint32_t count = n[arr].count, i = 0;
    for (uint32_t c = arr + 1; c < n[arr].next; c = n[c].next, i++) {
        double bp = num(n, get(n, c, "body_pips")), a = fabs(bp);
        if (i < (uint32_t)lookback || i + 1 >= count || a < 1) continue;
        int level = a < 5 ? 0 : a < 15 ? 1 : a < 30 ? 2 : 3;
        cells[level * 2 + (bp > 0 ? 0 : 1)]++;
    }
    bool same = true;
    for (int k = 0; k < 8; k++)
        same &= n[get(n, get(n, get(n, res, LEVELS[k / 2]), DIRS[k % 2]), "total_occurrences")].i == cells[k];
    CHECK(same);
}

/* Cell checks; returns its total_occurrences. */
static int64_t check_cell(const pq_json_node *n, uint32_t cell, int lb_index, int *empty)
{
    CHECK(keys_are(n, cell, CELL_KEYS, 4));
    uint32_t tot = get(n, cell, "total_occurrences"), uniq = get(n, cell, "unique_patterns");
    uint32_t top = get(n, cell, "top_patterns"), fs = get(n, cell, "feature_stats");
    CHECK(n[tot].type == PQ_JSON_INT && n[uniq].type == PQ_JSON_INT);
    if (n[tot].i == 0) {
        (*empty)++;
        CHECK(n[uniq].i == 0 && n[top].type == PQ_JSON_ARRAY && n[top].count == 0 && n[fs].type == PQ_JSON_OBJECT && n[fs].count == 0);
        return 0;
    }
    CHECK_EQ_I64(n[top].count, n[uniq].i < 50 ? n[uniq].i : 50);
    int64_t prev = INT64_MAX, sum = 0;
    bool sorted = true, shaped = true;
    for (uint32_t c = top + 1; c < n[top].next; c = n[c].next) {
        static const char *const TP[] = {"signature", "count"};
        shaped &= keys_are(n, c, TP, 2);
        const pq_json_node *sig = &n[get(n, c, "signature")];
        int64_t cnt = n[get(n, c, "count")].i;
        sorted &= cnt <= prev && cnt > 0;
        prev = cnt;
        sum += cnt;
        int bars = 0;
        for (uint32_t k = 0; k < sig->len; k++) bars += sig->str[k] == '|';
        shaped &= sig->len > 4 && memcmp(sig->str, lb_index == 0 ? "ohl:" : "dfa:", 4) == 0 && bars == (lb_index == 0 ? 0 : 5);
    }
    CHECK(sorted);
    CHECK(shaped);
    CHECK(sum <= n[tot].i);
    if (n[uniq].i <= 50) CHECK_EQ_I64(sum, n[tot].i);
    CHECK_EQ_I64(n[fs].count, STATS_BY_LOOKBACK[lb_index]);
    /* the 16 OHLC features, each with its 4 stats, all floats */
    int found = 0;
    for (int f = 0; f < 16; f++) {
        static const char *const ST[4] = {"mean", "std", "min", "max"};
        for (int s = 0; s < 4; s++) {
            char key[64];
            snprintf(key, sizeof key, "%s_%s", OHLC[f], ST[s]);
            uint32_t v = get(n, fs, key);
            found += v != 0 && n[v].type == PQ_JSON_DOUBLE;
        }
    }
    CHECK_EQ_I64(found, 64);
    return n[tot].i;
}

static void check_candles(const pq_json_node *n, uint32_t arr, uint32_t meta)
{
    CHECK(n[arr].type == PQ_JSON_ARRAY && n[arr].count > 30);
    CHECK_EQ_I64(n[get(n, meta, "total_candles")].i, n[arr].count);
    bool keys = true, pips = true, dirs = true, order = true, ints = true;
    const pq_json_node *prev_ts = NULL;
    for (uint32_t c = arr + 1; c < n[arr].next; c = n[c].next) {
        keys &= keys_are(n, c, CANDLE_KEYS, 13);
        double body = num(n, get(n, c, "body")), open = num(n, get(n, c, "open")), close = num(n, get(n, c, "close"));
        pips &= body == close - open && num(n, get(n, c, "body_pips")) == body * 10000;
        dirs &= str_is(&n[get(n, c, "direction")], body > 0 ? "up" : "down");
        ints &= n[get(n, c, "tick_volume")].type == PQ_JSON_INT && n[get(n, c, "open")].type == PQ_JSON_DOUBLE;
        const pq_json_node *ts = &n[get(n, c, "timestamp")];
        if (prev_ts) order &= memcmp(prev_ts->str, ts->str, 25) < 0;
        order &= ts->len == 25 && memcmp(ts->str + 19, "+00:00", 6) == 0;
        prev_ts = ts;
    }
    CHECK(keys);
    CHECK(pips);
    CHECK(dirs);
    CHECK(order);
    CHECK(ints);
    const pq_json_node *first = &n[get(n, at(n, arr, 0), "timestamp")];
    CHECK(first->len == n[get(n, meta, "start_date")].len && memcmp(first->str, n[get(n, meta, "start_date")].str, 25) == 0);
    CHECK(prev_ts && memcmp(prev_ts->str, n[get(n, meta, "end_date")].str, 25) == 0);
}

TEST(universes)
{
    char root[128], p[512];
    snprintf(root, sizeof root, "%s/a", base);
    int empty = 0, files = 0;
    for (int i = 0; i < 5; i++) {
        for (int l = 0; l < 5; l++) {
            universe_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            doc d;
            if (!doc_open(&d, p)) {
                CHECK(!"universe parses");
                doc_close(&d);
                continue;
            }
            files++;
            const pq_json_node *n = d.n;
            CHECK_EQ_I64(d.nans, 0);
            CHECK(keys_are(n, 0, UNIVERSE_KEYS, 7));
            char name[64];
            snprintf(name, sizeof name, "universe_%dm_%dlb", INTERVALS[i], LOOKBACKS[l]);
            CHECK(str_is(&n[get(n, 0, "name")], name));
            static const char *const CFG[] = {"interval", "lookback"};
            uint32_t cfg = get(n, 0, "config");
            CHECK(keys_are(n, cfg, CFG, 2));
            CHECK(n[get(n, cfg, "interval")].type == PQ_JSON_INT && n[get(n, cfg, "interval")].i == INTERVALS[i]);
            CHECK(n[get(n, cfg, "lookback")].i == LOOKBACKS[l]);
            CHECK(n[get(n, 0, "processing_time")].type == PQ_JSON_DOUBLE);
            uint32_t res = get(n, 0, "results");
            CHECK(keys_are(n, res, LEVELS, 4));
            int64_t sum = 0;
            for (int lv = 0; lv < 4; lv++) {
                uint32_t level = get(n, res, LEVELS[lv]);
                CHECK(keys_are(n, level, DIRS, 2));
                for (int dr = 0; dr < 2; dr++) sum += check_cell(n, get(n, level, DIRS[dr]), l, &empty);
            }
            uint32_t tp = get(n, 0, "total_patterns");
            CHECK(n[tp].type == PQ_JSON_INT);
            CHECK_EQ_I64(n[tp].i, sum);
            CHECK(sum > 0);
            uint32_t meta = get(n, 0, "metadata");
            CHECK(keys_are(n, meta, META_KEYS, 5));
            CHECK_EQ_I64(n[get(n, meta, "interval_minutes")].i, INTERVALS[i]);
            CHECK_EQ_I64(n[get(n, meta, "lookback_candles")].i, LOOKBACKS[l]);
            check_candles(n, get(n, 0, "ohlc_data"), meta);
            check_targets(n, res, get(n, 0, "ohlc_data"), LOOKBACKS[l]);
            /* "Médio" is escaped in the text (ensure_ascii) */
            CHECK(strstr(d.text, "\"M\\u00e9dio\": {") != NULL);
            doc_close(&d);
        }
    }
    CHECK_EQ_I64(files, 25);
    CHECK(empty > 0); /* some Grande / Muito Grande cells are empty, as in real data */
    /* one candle list per interval */
    for (int i = 0; i < 5; i++) {
        size_t l0 = 0, lk = 0;
        universe_path(p, sizeof p, root, INTERVALS[i], 5);
        char *t0 = candle_text(p, &l0);
        CHECK(t0 != NULL);
        for (int l = 1; l < 5 && t0; l++) {
            universe_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            char *tk = candle_text(p, &lk);
            CHECK(tk && lk == l0 && memcmp(t0, tk, l0) == 0);
            free(tk);
        }
        if (i > 0 && t0) {
            universe_path(p, sizeof p, root, INTERVALS[i - 1], 5);
            char *tp = candle_text(p, &lk);
            CHECK(tp && (lk != l0 || memcmp(t0, tp, l0) != 0));
            free(tp);
        }
        free(t0);
    }
}

/* ---------------------------------------------------------- backtests */

static const char *const BACKTEST_KEYS[] = {"universe_name", "universe_metadata", "backtest_timestamp", "statistics", "results"};
static const char *const RESULT_KEYS[] = {"strategy_name", "n_trades", "win_rate", "profit_factor", "total_return",
                                          "sharpe_ratio", "sortino_ratio", "calmar_ratio", "max_drawdown", "avg_win",
                                          "avg_loss", "largest_win", "largest_loss", "expectancy", "recovery_factor",
                                          "ulcer_index", "lot_size", "gross_pnl", "total_commission", "net_pnl"};
static const char *const TRADE_KEYS[] = {"entry_time", "exit_time", "entry_price", "exit_price", "direction", "pnl_pips",
                                         "pnl_usd", "pnl_pct", "duration_minutes", "exit_reason", "market_context",
                                         "price_history"};
static const char *const CONTEXT_KEYS[] = {"volatility", "trend_strength", "volume_relative", "spread_pips",
                                           "pattern_detected", "pattern_sequence", "hour_of_day", "day_of_week"};
static const char *const HISTORY_BIDASK[] = {"timestamps", "bid", "ask", "mid_price", "open", "high", "low", "close", "volume"};
static const char *const HISTORY_PLAIN[] = {"timestamps", "mid_price", "open", "high", "low", "close", "volume"};

/* The first 20 keys of a result are §3.3's, in order. */
static bool result_keys(const pq_json_node *n, uint32_t r)
{
    size_t k = 0;
    for (uint32_t c = r + 1; c < n[r].next && k < 20; c = n[n[c].next].next, k++)
        if (!str_is(&n[c], RESULT_KEYS[k])) return false;
    return k == 20 && (n[r].count == 20 || (n[r].count == 21 && get(n, r, "trades_detailed") != 0));
}

static bool check_trade(const pq_json_node *n, uint32_t t, bool bidask)
{
    bool ok = keys_are(n, t, TRADE_KEYS, 12) && keys_are(n, get(n, t, "market_context"), CONTEXT_KEYS, 8);
    uint32_t ph = get(n, t, "price_history");
    ok &= bidask ? keys_are(n, ph, HISTORY_BIDASK, 9) : keys_are(n, ph, HISTORY_PLAIN, 7);
    uint32_t len = n[get(n, ph, "timestamps")].count;
    for (uint32_t c = ph + 1; c < n[ph].next; c = n[n[c].next].next) ok &= n[n[c].next].count == len;
    ok &= len >= 21 && len <= 151;
    ok &= n[get(n, t, "duration_minutes")].type == PQ_JSON_INT && n[get(n, t, "duration_minutes")].i > 0;
    double usd = num(n, get(n, t, "pnl_usd"));
    ok &= near(num(n, get(n, t, "pnl_pct")), usd / 10000 * 100, 1e-12);
    const pq_json_node *reason = &n[get(n, t, "exit_reason")];
    ok &= str_is(reason, "signal") || str_is(reason, "stop_loss") || str_is(reason, "take_profit");
    return ok;
}

/* §3.3 relations between the fields of one result. */
static void check_metrics(const pq_json_node *n, uint32_t r)
{
    int64_t trades = n[get(n, r, "n_trades")].i;
    CHECK(n[get(n, r, "n_trades")].type == PQ_JSON_INT);
    double m[20];
    for (int k = 2; k < 20; k++) m[k] = num(n, get(n, r, RESULT_KEYS[k]));
    double wr = m[2], lot = m[16];
    if (trades == 0) {
        bool zero = true;
        for (int k = 2; k < 20; k++)
            if (k != 16) zero &= m[k] == 0;
        CHECK(zero);
        return;
    }
    CHECK(fabs(wr * (double)trades - round(wr * (double)trades)) < 1e-9);
    CHECK(near(m[13], wr * m[9] + (1 - wr) * m[10], 1e-9));                 /* expectancy */
    CHECK(m[7] == m[14]);                                                  /* calmar = recovery */
    CHECK(near(m[19], m[17] - m[18], 1e-12));                              /* net = gross - commission */
    CHECK(near(m[18], (double)trades * 0.1 * lot, 1e-9));                  /* commission */
    CHECK(fabs(m[4] - m[19] / 10000) < 1e-9);                              /* total return */
    CHECK(m[10] <= 0 && m[12] <= 0 && m[9] >= 0 && m[8] >= 0 && m[15] >= 0);
    CHECK(m[8] == 0 ? m[7] == 0 : near(m[7], m[4] / m[8], 1e-12));        /* calmar */
}

TEST(backtests)
{
    char root[128], p[512];
    snprintf(root, sizeof root, "%s/a", base);
    int files = 0;
    for (int i = 0; i < 5; i++) {
        for (int l = 0; l < 5; l++) {
            backtest_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            doc d, u;
            if (!doc_open(&d, p)) {
                CHECK(!"backtest parses");
                doc_close(&d);
                continue;
            }
            universe_path(p, sizeof p, root, INTERVALS[i], LOOKBACKS[l]);
            bool u_ok = doc_open(&u, p);
            files++;
            const pq_json_node *n = d.n;
            CHECK(keys_are(n, 0, BACKTEST_KEYS, 5));
            char stem[64];
            snprintf(stem, sizeof stem, "EURUSD_2025_universe_%dm_%dlb", INTERVALS[i], LOOKBACKS[l]);
            CHECK(str_is(&n[get(n, 0, "universe_name")], stem));
            static const char *const UM[] = {"interval", "lookback", "total_patterns"};
            uint32_t um = get(n, 0, "universe_metadata");
            CHECK(keys_are(n, um, UM, 3));
            CHECK(n[get(n, um, "interval")].type == PQ_JSON_INT && n[get(n, um, "interval")].i == INTERVALS[i]);
            CHECK(n[get(n, um, "lookback")].i == LOOKBACKS[l]);
            if (u_ok) CHECK_EQ_I64(n[get(n, um, "total_patterns")].i, u.n[get(u.n, 0, "total_patterns")].i);
            static const char *const STATS[] = {"total_strategies", "successful", "failed"};
            uint32_t st = get(n, 0, "statistics");
            CHECK(keys_are(n, st, STATS, 3));
            CHECK(n[get(n, st, "total_strategies")].i == 4 && n[get(n, st, "successful")].i == 4 && n[get(n, st, "failed")].i == 0);
            const pq_json_node *ts = &n[get(n, 0, "backtest_timestamp")];
            CHECK(ts->len == 26 && ts->str[10] == 'T' && ts->str[19] == '.');
            uint32_t results = get(n, 0, "results");
            CHECK_EQ_I64(n[results].count, 12);
            int inline_lists = 0;
            uint32_t k = 0;
            for (uint32_t r = results + 1; r < n[results].next; r = n[r].next, k++) {
                CHECK(result_keys(n, r));
                CHECK(str_is(&n[get(n, r, "strategy_name")], STRATEGIES[k / 3]));
                static const double LOTS[3] = {0.01, 0.1, 1.0};
                CHECK(num(n, get(n, r, "lot_size")) == LOTS[k % 3]);
                check_metrics(n, r);
                uint32_t td = get(n, r, "trades_detailed");
                if (td) {
                    inline_lists++;
                    CHECK(n[td].count >= 1 && n[td].count <= 3);
                    for (uint32_t t = td + 1; t < n[td].next; t = n[t].next) CHECK(check_trade(n, t, false));
                }
                /* the three lots of a strategy: same trades, same ratios */
                if (k % 3 > 0) {
                    uint32_t first = at(n, results, k - k % 3);
                    CHECK(n[get(n, r, "n_trades")].i == n[get(n, first, "n_trades")].i);
                    CHECK(num(n, get(n, r, "win_rate")) == num(n, get(n, first, "win_rate")));
                    double s1 = num(n, get(n, r, "sharpe_ratio")), s0 = num(n, get(n, first, "sharpe_ratio"));
                    CHECK(near(s1, s0, 1e-9));
                }
            }
            CHECK_EQ_I64(inline_lists, 1);
            /* the no-trade strategy, and the one-loss strategy's NaN sortino */
            CHECK_EQ_I64(n[get(n, at(n, results, 6), "n_trades")].i, 0);
            CHECK(n[get(n, at(n, results, 3), "sortino_ratio")].type == PQ_JSON_NULL);
            CHECK_EQ_I64(d.nans, 3);
            CHECK(strstr(d.text, "\"sortino_ratio\": NaN,") != NULL);
            CHECK(n[get(n, at(n, results, 0), "n_trades")].i > 0);
            doc_close(&u);
            doc_close(&d);
        }
    }
    CHECK_EQ_I64(files, 25);
}

/* --------------------------------------------------------- trade logs */

static const char *const LOG_KEYS[] = {"strategy_name", "universe", "rank", "metrics", "trades", "equity_curve", "drawdown_curve"};

TEST(trade_logs)
{
    char root[128], p[512];
    snprintf(root, sizeof root, "%s/a", base);
    doc bt;
    backtest_path(p, sizeof p, root, 60, 30);
    bool bt_ok = doc_open(&bt, p);
    CHECK(bt_ok);
    int rank_seen = 0;
    for (int s = 0; s < 4; s++) {
        trades_path(p, sizeof p, root, STRATEGIES[s]);
        doc d;
        if (!doc_open(&d, p)) {
            CHECK(!"trade log parses");
            doc_close(&d);
            continue;
        }
        const pq_json_node *n = d.n;
        CHECK(keys_are(n, 0, LOG_KEYS, 7));
        CHECK(str_is(&n[get(n, 0, "strategy_name")], STRATEGIES[s]));
        CHECK(str_is(&n[get(n, 0, "universe")], "EURUSD_2025_universe_60m_30lb"));
        int64_t rank = n[get(n, 0, "rank")].i;
        CHECK(rank >= 1 && rank <= 4);
        rank_seen |= 1 << (rank - 1);
        uint32_t m = get(n, 0, "metrics");
        CHECK(keys_are(n, m, RESULT_KEYS, 20));
        CHECK(num(n, get(n, m, "lot_size")) == 0.1);
        if (bt_ok) {
            /* the same numbers as the last universe's lot-0.1 result */
            uint32_t r = at(bt.n, get(bt.n, 0, "results"), (uint32_t)s * 3 + 1);
            bool same = true;
            for (int k = 1; k < 20; k++) {
                double x = num(n, get(n, m, RESULT_KEYS[k])), y = num(bt.n, get(bt.n, r, RESULT_KEYS[k]));
                same &= x == y || (isnan(x) && isnan(y));
            }
            CHECK(same);
        }
        uint32_t trades = get(n, 0, "trades"), eq = get(n, 0, "equity_curve"), dd = get(n, 0, "drawdown_curve");
        int64_t n_trades = n[get(n, m, "n_trades")].i;
        CHECK(n[trades].count <= 3 && (int64_t)n[trades].count <= n_trades);
        CHECK(n_trades == 0 || n[trades].count >= 2 || n[trades].count == (uint32_t)n_trades);
        CHECK_EQ_I64(n[eq].count, n[trades].count + 1);
        CHECK_EQ_I64(n[dd].count, n[trades].count + 1);
        CHECK(num(n, at(n, eq, 0)) == 10000.0 && n[at(n, eq, 0)].type == PQ_JSON_DOUBLE);
        uint32_t k = 0;
        for (uint32_t t = trades + 1; t < n[trades].next; t = n[t].next, k++) {
            CHECK(check_trade(n, t, true));
            double step = num(n, at(n, eq, k + 1)) - num(n, at(n, eq, k));
            CHECK(near(step, num(n, get(n, t, "pnl_usd")), 1e-9));
            CHECK(num(n, at(n, dd, k + 1)) <= 0);
        }
        doc_close(&d);
    }
    CHECK_EQ_I64(rank_seen, 15);
    doc_close(&bt);
}

/* ------------------------------------------------------------ metrics */

TEST(metrics_formulas)
{
    /* expected values from the §3.3 formulas in Python (float arithmetic) */
    const double gross[5] = {12.0, -5.0, 7.5, -2.5, 3.0}, comm[5] = {0.1, 0.1, 0.1, 0.1, 0.1};
    pq_nz_metrics m;
    pq_nz_metrics_compute(gross, comm, 5, 1.0, &m);
    CHECK_EQ_I64(m.n_trades, 5);
    const struct { double got, want; } t[] = {
        {m.win_rate, 0.6},
        {m.profit_factor, 2.8831168831168834},
        {m.total_return, 0.0014499999999998182},
        {m.sharpe_ratio, 6.584986411208883},
        {m.sortino_ratio, 26.04193541194664},
        {m.calmar_ratio, 2.846520588234734},
        {m.max_drawdown, 0.0005093938213526268},
        {m.avg_win, 7.3999999999999995},
        {m.avg_loss, -3.8499999999999996},
        {m.largest_win, 11.9},
        {m.largest_loss, -5.1},
        {m.expectancy, 2.8999999999999995},
        {m.recovery_factor, 2.846520588234734},
        {m.ulcer_index, 0.02334132563306654},
        {m.lot_size, 1.0},
        {m.gross_pnl, 15.0},
        {m.total_commission, 0.5},
        {m.net_pnl, 14.5},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (!near(t[i].got, t[i].want, 1e-12)) fprintf(stderr, "metric %zu: %.17g, expected %.17g\n", i, t[i].got, t[i].want);
        CHECK(near(t[i].got, t[i].want, 1e-12));
    }
}

TEST(metrics_edges)
{
    pq_nz_metrics m;
    /* no trade: every field 0 but the lot */
    pq_nz_metrics_compute(NULL, NULL, 0, 0.1, &m);
    CHECK(m.n_trades == 0 && m.win_rate == 0 && m.sharpe_ratio == 0 && m.sortino_ratio == 0 && m.max_drawdown == 0 &&
          m.ulcer_index == 0 && m.net_pnl == 0 && m.lot_size == 0.1);
    /* exactly one loss: sortino is NaN (std of one value, ddof 1) */
    const double g1[3] = {4.0, -2.0, 4.0}, c1[3] = {0.01, 0.01, 0.01};
    pq_nz_metrics_compute(g1, c1, 3, 0.1, &m);
    CHECK(isnan(m.sortino_ratio));
    CHECK(m.sharpe_ratio > 0 && m.max_drawdown > 0);
    /* no loss: profit factor and sortino 0, no drawdown so calmar 0 */
    const double g2[2] = {4.0, 2.0}, c2[2] = {0.01, 0.01};
    pq_nz_metrics_compute(g2, c2, 2, 0.1, &m);
    CHECK(m.profit_factor == 0 && m.sortino_ratio == 0 && m.max_drawdown == 0 && m.calmar_ratio == 0 && m.win_rate == 1);
    CHECK(m.avg_loss == 0 && m.largest_loss == 0);
    /* one trade: sharpe 0 (n < 2); a breakeven net counts as a loss */
    const double g3[1] = {0.01}, c3[1] = {0.01};
    pq_nz_metrics_compute(g3, c3, 1, 0.1, &m);
    CHECK(m.sharpe_ratio == 0 && m.win_rate == 0 && m.largest_loss == 0 && m.sortino_ratio == 0);
}

/* ------------------------------------------------------------- errors */

TEST(bad_options)
{
    pq_nz_generate_options o;
    pq_error err;
    pq_nz_generate_result res;
    pq_nz_generate_options_init(&o);
    CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_INVALID_ARG); /* no root */
    o.root = "";
    CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_INVALID_ARG);
    char root[128];
    snprintf(root, sizeof root, "%s/bad", base);
    o.root = root;
    const char *pairs[] = {"", "EUR/USD", "../x", "EUR USD", "ABCDEFGHIJKLMNOPQ"};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        o.pair = pairs[i];
        CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_INVALID_ARG);
    }
    o.pair = "EURUSD";
    const int years[] = {1970, 9999, -5};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        o.year = years[i];
        CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_INVALID_ARG);
    }
    o.year = 2025;
    o.scale = (pq_nz_scale)7;
    CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_INVALID_ARG);
    CHECK(access(root, F_OK) != 0); /* nothing created */
    /* a root that is a file */
    o.scale = PQ_NZ_SCALE_SMALL;
    FILE *f = fopen(root, "w");
    if (f) fclose(f);
    CHECK_STATUS(pq_nz_generate(&o, &res, &err), PQ_ERR_IO);
    CHECK_EQ_I64(res.files, 0);
    remove(root);
}

TEST(allocation_failures)
{
    char root[128];
    snprintf(root, sizeof root, "%s/fault", base);
    harness_fault f;
    pq_allocator a = harness_fault_allocator(&f, 0);
    pq_nz_generate_options o;
    pq_nz_generate_options_init(&o);
    o.root = root;
    o.seed = 11;
    o.alloc = &a;
    pq_nz_generate_result res;
    pq_error err;
    CHECK_OK(pq_nz_generate(&o, &res, &err), &err);
    long calls = f.calls;
    CHECK_EQ_I64(f.live, 0);
    CHECK(calls > 50);
    int failures = 0, tries = 0, leaks = 0, temps = 0;
    for (long n = 1; n <= calls; n += n < 12 ? 1 : calls / 25) {
        a = harness_fault_allocator(&f, n);
        o.alloc = &a;
        pq_status st = pq_nz_generate(&o, &res, &err);
        tries++;
        failures += st == PQ_ERR_NOMEM;
        leaks += f.live != 0;
        char p[512];
        snprintf(p, sizeof p, "%s/universes", root);
        count_files(p, &temps);
        snprintf(p, sizeof p, "%s/backtest_results", root);
        count_files(p, &temps);
        snprintf(p, sizeof p, "%s/backtest_results/detailed_trades", root);
        count_files(p, &temps);
    }
    CHECK_EQ_I64(failures, tries);
    CHECK_EQ_I64(leaks, 0);
    CHECK_EQ_I64(temps, 0);
    rm_tree(root);
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/pq_test_generate_XXXXXX");
    if (mkdtemp(base) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(file_set_and_counts);
    RUN(progress_and_pair_year);
    RUN(deterministic);
    RUN(universes);
    RUN(backtests);
    RUN(trade_logs);
    RUN(metrics_formulas);
    RUN(metrics_edges);
    RUN(bad_options);
    RUN(allocation_failures);
    rm_tree(base);
    return harness_done();
}
