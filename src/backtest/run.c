/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/run.c - one backtest task (backtest/run.h): a universe's candles
 * into bars, every strategy simulated once and measured at every lot size,
 * the results and the trade logs of the best ones written as NECROZMA
 * documents.  The documents are built as JSON text and loaded through the
 * migrate module's loader, so that they take exactly the layout `migrate`
 * writes (and `export` reads back) without a second description of it.
 */
#include "backtest/run.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/source.h"
#include "migrate/nz_internal.h"
#include "parquant/necrozma.h"
#include "table/canon.h"

/* ------------------------------------------------------------- universe */

static const pq_array *column(const pq_table *t, const char *name)
{
    int64_t i = pq_schema_find(&t->schema, name);
    return i < 0 ? NULL : &t->columns[i];
}

static double f64_at(const pq_array *a, int64_t i)
{
    double v;
    memcpy(&v, a->values + (size_t)i * 8, 8);
    return v;
}

static int64_t i64_at(const pq_array *a, int64_t i)
{
    int64_t v;
    memcpy(&v, a->values + (size_t)i * 8, 8);
    return v;
}

/* An integer member `key` of the JSON object text `obj` (0 when absent). */
static int64_t json_int(const char *obj, const char *key)
{
    if (!obj) return 0;
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(obj, pat);
    if (!p) return 0;
    char *end;
    long long v = strtoll(p + strlen(pat), &end, 10);
    return end == p + strlen(pat) ? 0 : (int64_t)v;
}

/* The pair of a "<PAIR>_<YEAR>_universe..." stem. */
static void pair_of(const char *stem, char out[16])
{
    out[0] = 0;
    const char *u = strstr(stem, "universe_");
    const char *us = strchr(stem, '_');
    if (!u || u == stem || !us || us >= u || us - stem >= 16) return;
    memcpy(out, stem, (size_t)(us - stem));
    out[us - stem] = 0;
}

pq_status pq_bt_universe_load(const char *path, const char *stem, int name_interval, int name_lookback,
                              pq_bt_universe *u, pq_error *err)
{
    memset(u, 0, sizeof *u);
    snprintf(u->stem, sizeof u->stem, "%s", stem);
    pair_of(stem, u->pair);
    u->pip = strstr(u->pair, "JPY") ? 0.01 : 0.0001;
    pq_nz_doc d;
    memset(&d, 0, sizeof d);
    size_t plen = strlen(path);
    bool is_parquet = plen > 8 && strcmp(path + plen - 8, ".parquet") == 0;
    pq_status st = is_parquet ? pq_nz_load_parquet(path, true, &d, err) : pq_nz_load_json(path, PQ_NZ_UNIVERSE, &d, err);
    if (st != PQ_OK) return st;
    if (d.kind != PQ_NZ_UNIVERSE) {
        pq_nz_kind k = d.kind;
        pq_nz_doc_reset(&d);
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: not a universe (a %s document)", path, pq_nz_kind_name(k));
    }
    const char *config = pq_nz_doc_get(&d, "necrozma.config");
    u->interval = (int)json_int(config, "interval");
    u->lookback = (int)json_int(config, "lookback");
    if (u->interval <= 0) u->interval = (int)json_int(pq_nz_doc_get(&d, "necrozma.metadata"), "interval_minutes");
    if (u->lookback <= 0) u->lookback = (int)json_int(pq_nz_doc_get(&d, "necrozma.metadata"), "lookback_candles");
    if (u->interval <= 0) u->interval = name_interval;
    if (u->lookback <= 0) u->lookback = name_lookback;
    const char *tp = pq_nz_doc_get(&d, "necrozma.total_patterns");
    u->total_patterns = tp ? strtoll(tp, NULL, 10) : 0;
    const pq_table *c = &d.candles;
    const pq_array *ts = c->schema.n_fields ? column(c, "timestamp") : NULL, *o = NULL, *h = NULL, *l = NULL,
                   *cl = NULL, *sp = NULL, *vol = NULL;
    if (ts) {
        o = column(c, "open"), h = column(c, "high"), l = column(c, "low"), cl = column(c, "close");
        sp = column(c, "spread_avg"), vol = column(c, "tick_volume");
    }
    if (!ts || !o || !h || !l || !cl || c->num_rows == 0) {
        pq_nz_doc_reset(&d);
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: the universe has no candles (ohlc_data is missing or empty)", path);
    }
    st = pq_bars_alloc(&u->bars, (size_t)c->num_rows, err);
    for (int64_t i = 0; st == PQ_OK && i < c->num_rows; i++) {
        if (!pq_array_is_valid(ts, i) || !pq_array_is_valid(o, i) || !pq_array_is_valid(h, i) ||
            !pq_array_is_valid(l, i) || !pq_array_is_valid(cl, i)) {
            st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: candle %lld has no time or lacks a price", path, (long long)i);
            break;
        }
        u->bars.ts[i] = i64_at(ts, i);
        u->bars.open[i] = f64_at(o, i);
        u->bars.high[i] = f64_at(h, i);
        u->bars.low[i] = f64_at(l, i);
        u->bars.close[i] = f64_at(cl, i);
        u->bars.spread[i] = sp && pq_array_is_valid(sp, i) ? f64_at(sp, i) : 0;
        u->bars.volume[i] = vol && pq_array_is_valid(vol, i) ? (double)i64_at(vol, i) : 0;
    }
    pq_nz_doc_reset(&d);
    if (st == PQ_OK) {
        st = pq_bars_check(&u->bars, err);
        if (st != PQ_OK) {
            char m[sizeof err->message];
            snprintf(m, sizeof m, "%s", err->message);
            st = PQ_FAIL(err, st, "%s: %s", path, m);
        }
    }
    if (st != PQ_OK) pq_bt_universe_reset(u);
    return st;
}

void pq_bt_universe_reset(pq_bt_universe *u)
{
    pq_bars_reset(&u->bars);
    memset(u, 0, sizeof *u);
}

/* ----------------------------------------------------------- JSON text */

/* A float token as Python writes one (float.__repr__: always with '.' or
 * an exponent, never an integer token, which the layout would keep aside). */
static pq_status put_f(pq_buf *b, double v, pq_error *err)
{
    /* nothing computed here is NaN or infinite; never write one */
    return pq_canon_python_double(isfinite(v) ? v : 0, b, err);
}

static pq_status put_key(pq_buf *b, const char *key, pq_error *err)
{
    PQ_TRY(pq_json_put_str(b, key, err));
    return pq_buf_push(b, ':', err);
}

/* The float members of a result (§3.3), in the original's order after
 * strategy_name and n_trades. */
#define FIELD(x) {#x, offsetof(pq_bt_metrics, x)}
static const struct {
    const char *name;
    size_t off;
} METRIC_FIELDS[18] = {
    FIELD(win_rate), FIELD(profit_factor), FIELD(total_return), FIELD(sharpe_ratio), FIELD(sortino_ratio),
    FIELD(calmar_ratio), FIELD(max_drawdown), FIELD(avg_win), FIELD(avg_loss), FIELD(largest_win),
    FIELD(largest_loss), FIELD(expectancy), FIELD(recovery_factor), FIELD(ulcer_index), FIELD(lot_size),
    FIELD(gross_pnl), FIELD(total_commission), FIELD(net_pnl)};
#undef FIELD

static pq_status put_metrics(pq_buf *b, const char *name, const pq_bt_metrics *m, pq_error *err)
{
    PQ_TRY(pq_buf_push(b, '{', err));
    PQ_TRY(put_key(b, "strategy_name", err));
    PQ_TRY(pq_json_put_str(b, name, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"n_trades\":%lld", (long long)m->n_trades));
    for (size_t i = 0; i < 18; i++) {
        double v;
        memcpy(&v, (const char *)m + METRIC_FIELDS[i].off, sizeof v);
        PQ_TRY(pq_buf_push(b, ',', err));
        PQ_TRY(put_key(b, METRIC_FIELDS[i].name, err));
        PQ_TRY(put_f(b, v, err));
    }
    return pq_buf_push(b, '}', err);
}

/* "2025-03-03 00:05:00+00:00", the universes' timestamp format. */
static void ts_text(int64_t us, char out[32], struct tm *tm_out)
{
    time_t t = (time_t)(us / 1000000 - (us % 1000000 < 0));
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M:%S+00:00", &tm);
    if (tm_out) *tm_out = tm;
}

/* Parse the JSON text of a document and write it (Parquet or JSON). */
static pq_status write_doc(const pq_buf *text, pq_nz_kind kind, const char *path, bool json, pq_codec codec,
                           pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, text->data, text->len, path);
    pq_nz_doc d;
    memset(&d, 0, sizeof d);
    pq_status st = nz_load_json_source(&src, kind, &d, NULL, err);
    if (st == PQ_OK) {
        if (json) {
            st = pq_nz_export_file(&d, path, err);
        } else {
            pq_nz_write_options o = {.codec = codec, .source_info = NULL};
            st = pq_nz_write_parquet(&d, path, &o, NULL, err);
        }
    }
    pq_nz_doc_reset(&d);
    pq_source_close(&src);
    return st;
}

/* ----------------------------------------------------------- trade logs */

static const char *const DAYS[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

/* The market at bar e: sd of the close-to-close moves (pips) over the 20
 * moves before it; |close - close L bars earlier| in pips; volume over the
 * mean of the 20 bars before. */
static void context(const pq_bt_universe *u, size_t e, double *vol, double *trend, double *vrel)
{
    const pq_bars *b = &u->bars;
    size_t from = e >= 20 ? e - 20 : 0;
    double s = 0, ss = 0, vs = 0;
    size_t k = 0;
    for (size_t i = from + 1; i <= e; i++, k++) {
        double d = (b->close[i] - b->close[i - 1]) / u->pip;
        s += d;
        ss += d * d;
    }
    *vol = k > 1 ? sqrt(fmax(0, (ss - s * s / (double)k) / (double)(k - 1))) : 0;
    size_t L = u->lookback > 0 ? (size_t)u->lookback : 1;
    *trend = e >= L ? fabs(b->close[e] - b->close[e - L]) / u->pip : 0;
    for (size_t i = from; i < e; i++) vs += b->volume[i];
    double mean = e > from ? vs / (double)(e - from) : 0;
    *vrel = mean > 0 ? b->volume[e] / mean : 0;
}

static pq_status put_trade(pq_buf *b, const pq_bt_universe *u, const pq_bt_trade *t, double lot, pq_error *err)
{
    char et[32], xt[32];
    struct tm tm;
    ts_text(u->bars.ts[t->entry], et, &tm);
    ts_text(u->bars.ts[t->exit], xt, NULL);
    double net = pq_bt_net_usd(t, lot), vol, trend, vrel;
    context(u, t->entry, &vol, &trend, &vrel);
    PQ_TRY(pq_buf_printf(b, err, "{\"entry_time\":\"%s\",\"exit_time\":\"%s\",\"entry_price\":", et, xt));
    PQ_TRY(put_f(b, t->entry_price, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"exit_price\":"));
    PQ_TRY(put_f(b, t->exit_price, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"direction\":\"%s\",\"pnl_pips\":", t->dir > 0 ? "long" : "short"));
    PQ_TRY(put_f(b, t->pips, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"pnl_usd\":"));
    PQ_TRY(put_f(b, net, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"pnl_pct\":"));
    PQ_TRY(put_f(b, net / PQ_BT_CAPITAL * 100, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"duration_minutes\":%lld,\"exit_reason\":\"%s\",\"market_context\":{\"volatility\":",
                         (long long)((u->bars.ts[t->exit] - u->bars.ts[t->entry]) / 60000000), pq_bt_exit_name(t->reason)));
    PQ_TRY(put_f(b, vol, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"trend_strength\":"));
    PQ_TRY(put_f(b, trend, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"volume_relative\":"));
    PQ_TRY(put_f(b, vrel, err));
    PQ_TRY(pq_buf_printf(b, err, ",\"spread_pips\":"));
    PQ_TRY(put_f(b, u->bars.spread[t->entry], err));
    return pq_buf_printf(b, err,
                         ",\"pattern_detected\":\"unknown\",\"pattern_sequence\":[],\"hour_of_day\":%d,\"day_of_week\":\"%s\"}}",
                         tm.tm_hour, DAYS[tm.tm_wday]);
}

/* detailed_trades/<stem>__<strategy>__lot<lot>.parquet|json */
static pq_status write_trade_log(const pq_bt_universe *u, const pq_bt_config *c, const char *dir,
                                 const pq_bt_strategy *s, const pq_bt_trades *tr, const pq_bt_metrics *m, int rank,
                                 pq_buf *text, double *equity, pq_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/detailed_trades/%s__%s__lot%g.%s", dir, u->stem, s->name, m->lot_size,
                 c->json ? "json" : "parquet") >= (int)sizeof path)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    text->len = 0;
    PQ_TRY(pq_buf_push(text, '{', err));
    PQ_TRY(put_key(text, "strategy_name", err));
    PQ_TRY(pq_json_put_str(text, s->name, err));
    PQ_TRY(pq_buf_push(text, ',', err));
    PQ_TRY(put_key(text, "universe", err));
    PQ_TRY(pq_json_put_str(text, u->stem, err));
    PQ_TRY(pq_buf_printf(text, err, ",\"rank\":%d,\"metrics\":", rank));
    PQ_TRY(put_metrics(text, s->name, m, err));
    PQ_TRY(pq_buf_printf(text, err, ",\"trades\":["));
    for (size_t i = 0; i < tr->n; i++) {
        if (i) PQ_TRY(pq_buf_push(text, ',', err));
        PQ_TRY(put_trade(text, u, &tr->t[i], m->lot_size, err));
    }
    pq_bt_metrics again;
    pq_bt_compute_metrics(tr, m->lot_size, &again, equity);
    PQ_TRY(pq_buf_printf(text, err, "],\"equity_curve\":["));
    for (size_t i = 0; i <= tr->n; i++) {
        if (i) PQ_TRY(pq_buf_push(text, ',', err));
        PQ_TRY(put_f(text, equity[i], err));
    }
    PQ_TRY(pq_buf_printf(text, err, "],\"drawdown_curve\":["));
    double peak = equity[0];
    for (size_t i = 0; i <= tr->n; i++) {
        if (equity[i] > peak) peak = equity[i];
        if (i) PQ_TRY(pq_buf_push(text, ',', err));
        PQ_TRY(put_f(text, (peak - equity[i]) / peak, err));
    }
    PQ_TRY(pq_buf_printf(text, err, "]}"));
    return write_doc(text, PQ_NZ_TRADES, path, c->json, c->codec, err);
}

/* Remove the trade logs an earlier run wrote for this universe
 * (detailed_trades/<stem>__*), so that a rerun with other settings leaves
 * only its own. */
static pq_status clear_trade_logs(const char *dt, const char *stem, pq_error *err)
{
    DIR *d = opendir(dt);
    if (!d) return errno == ENOENT ? PQ_OK : PQ_FAIL(err, PQ_ERR_IO, "%s: %s", dt, strerror(errno));
    size_t n = strlen(stem);
    struct dirent *e;
    pq_status st = PQ_OK;
    char path[4096];
    while (st == PQ_OK && (e = readdir(d)))
        if (strncmp(e->d_name, stem, n) == 0 && strncmp(e->d_name + n, "__", 2) == 0 &&
            snprintf(path, sizeof path, "%s/%s", dt, e->d_name) < (int)sizeof path && unlink(path) != 0 && errno != ENOENT)
            st = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot remove the old trade log: %s", path, strerror(errno));
    closedir(d);
    return st;
}

/* --------------------------------------------------------------- a task */

bool pq_bt_result_path(char *out, size_t cap, const char *out_dir, const char *stem, bool json)
{
    return snprintf(out, cap, "%s/%s_backtest.%s", out_dir, stem, json ? "json" : "parquet") < (int)cap;
}

static pq_status mkdir_ok(const char *path, pq_error *err)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create the folder: %s", path, strerror(errno));
    return PQ_OK;
}

typedef struct task {
    pq_bt_metrics *m;        /* n_strategies x n_lots, strategy-major */
    pq_bt_trades trades;
    pq_bt_work work;
    int8_t *sig;
    double *score, *equity;
    size_t *order;
    pq_buf text;
} task;

static void task_reset(task *t)
{
    free(t->m);
    free(t->sig);
    free(t->score);
    free(t->equity);
    free(t->order);
    pq_bt_trades_reset(&t->trades);
    pq_bt_work_reset(&t->work);
    pq_buf_reset(&t->text);
}

static const double *sort_keys;
static int by_score(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (sort_keys[x] != sort_keys[y]) return sort_keys[x] > sort_keys[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Simulate strategy k again (it is cheap) and write its trade log at lot column `lot_i`. */
static pq_status log_result(const pq_bt_universe *u, const pq_bt_config *c, const char *dir, task *t, size_t r,
                            int rank, pq_error *err)
{
    size_t k = r / c->n_lots;
    const pq_bt_strategy *s = &c->strategies[k];
    size_t warm = u->lookback > 0 ? (size_t)u->lookback : 0;
    pq_bt_signals(s, &u->bars, u->pip, warm, t->sig, &t->work);
    PQ_TRY(pq_bt_simulate(s, &u->bars, t->sig, u->pip, &t->trades, err));
    double *eq = realloc(t->equity, (t->trades.n + 1) * sizeof *eq);
    if (!eq) return PQ_NOMEM(err);
    t->equity = eq;
    return write_trade_log(u, c, dir, s, &t->trades, &t->m[r], rank, &t->text, eq, err);
}

pq_status pq_bt_run_universe(const pq_bt_universe *u, const pq_bt_config *c, const char *out_dir, int64_t *bar_evals,
                             pq_error *err)
{
    size_t nb = u->bars.n, nr = c->n_strategies * c->n_lots;
    if (c->n_lots == 0 || c->n_strategies == 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "no strategies or no lot sizes");
    char dt[4096];
    if (snprintf(dt, sizeof dt, "%s/detailed_trades", out_dir) >= (int)sizeof dt)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", out_dir);
    PQ_TRY(mkdir_ok(out_dir, err));
    if (c->log_top > 0) PQ_TRY(mkdir_ok(dt, err));
    task t;
    memset(&t, 0, sizeof t);
    pq_buf_init(&t.text, NULL);
    pq_status st = pq_bt_work_alloc(&t.work, nb, err);
    t.m = calloc(nr, sizeof *t.m);
    t.sig = malloc(nb ? nb : 1);
    t.score = calloc(nr, sizeof *t.score);
    t.order = calloc(nr, sizeof *t.order);
    if (st == PQ_OK && (!t.m || !t.sig || !t.score || !t.order)) st = PQ_NOMEM(err);
    size_t warm = u->lookback > 0 ? (size_t)u->lookback : 0;
    for (size_t k = 0; st == PQ_OK && k < c->n_strategies; k++) {
        pq_bt_signals(&c->strategies[k], &u->bars, u->pip, warm, t.sig, &t.work);
        st = pq_bt_simulate(&c->strategies[k], &u->bars, t.sig, u->pip, &t.trades, err);
        for (size_t l = 0; st == PQ_OK && l < c->n_lots; l++)
            pq_bt_compute_metrics(&t.trades, c->lots[l], &t.m[k * c->n_lots + l], NULL);
        if (c->progress) c->progress(c->ctx, k + 1);
    }
    if (bar_evals) *bar_evals = (int64_t)nb * (int64_t)c->n_strategies;
    /* the results document (§3.2) */
    if (st == PQ_OK) {
        pq_buf *b = &t.text;
        st = pq_buf_push(b, '{', err);
        if (st == PQ_OK) st = put_key(b, "universe_name", err);
        if (st == PQ_OK) st = pq_json_put_str(b, u->stem, err);
        if (st == PQ_OK)
            st = pq_buf_printf(b, err,
                               ",\"universe_metadata\":{\"interval\":%d,\"lookback\":%d,\"total_patterns\":%lld},"
                               "\"backtest_timestamp\":",
                               u->interval, u->lookback, (long long)u->total_patterns);
        if (st == PQ_OK) st = pq_json_put_str(b, c->timestamp ? c->timestamp : "", err);
        if (st == PQ_OK)
            st = pq_buf_printf(b, err, ",\"statistics\":{\"total_strategies\":%zu,\"successful\":%zu,\"failed\":0},\"results\":[",
                               c->n_strategies, c->n_strategies);
        for (size_t r = 0; st == PQ_OK && r < nr; r++) {
            if (r) st = pq_buf_push(b, ',', err);
            if (st == PQ_OK) st = put_metrics(b, c->strategies[r / c->n_lots].name, &t.m[r], err);
        }
        if (st == PQ_OK) st = pq_buf_append(b, "]}", 2, err);
        char path[4096];
        if (st == PQ_OK && !pq_bt_result_path(path, sizeof path, out_dir, u->stem, c->json))
            st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", out_dir);
        if (st == PQ_OK) st = write_doc(b, PQ_NZ_BACKTEST, path, c->json, c->codec, err);
    }
    /* trade logs of the best results by composite score within the universe */
    if (st == PQ_OK) st = clear_trade_logs(dt, u->stem, err);
    if (st == PQ_OK && c->log_top > 0) {
        pq_bt_composite(t.m, nr, t.score, NULL, NULL);
        for (size_t r = 0; r < nr; r++) t.order[r] = r;
        sort_keys = t.score;
        qsort(t.order, nr, sizeof *t.order, by_score);
        for (size_t i = 0; st == PQ_OK && i < nr && i < c->log_top; i++)
            st = log_result(u, c, out_dir, &t, t.order[i], (int)i + 1, err);
    }
    task_reset(&t);
    return st;
}

/* ------------------------------------------------------------- reading */

pq_status pq_bt_read_results(const char *path, pq_bt_result **out, size_t *n, pq_error *err)
{
    *out = NULL;
    *n = 0;
    pq_nz_doc d;
    memset(&d, 0, sizeof d);
    size_t plen = strlen(path);
    bool is_parquet = plen > 8 && strcmp(path + plen - 8, ".parquet") == 0;
    PQ_TRY(is_parquet ? pq_nz_load_parquet(path, false, &d, err) : pq_nz_load_json(path, PQ_NZ_BACKTEST, &d, err));
    const pq_table *t = &d.main;
    const pq_array *name = column(t, "strategy_name"), *nt = column(t, "n_trades"), *col[18];
    pq_status st = name && nt ? PQ_OK : PQ_FAIL(err, PQ_ERR_CORRUPT, "%s: no strategy_name or n_trades column", path);
    for (int f = 0; st == PQ_OK && f < 18; f++)
        if (!(col[f] = column(t, METRIC_FIELDS[f].name))) st = PQ_FAIL(err, PQ_ERR_CORRUPT, "%s: no %s column", path, METRIC_FIELDS[f].name);
    pq_bt_result *r = st == PQ_OK ? calloc(t->num_rows ? (size_t)t->num_rows : 1, sizeof *r) : NULL;
    if (st == PQ_OK && !r) st = PQ_NOMEM(err);
    for (int64_t i = 0; st == PQ_OK && i < t->num_rows; i++) {
        size_t len = 0;
        const uint8_t *s = pq_array_bytes(name, i, &len);
        snprintf(r[i].strategy, sizeof r[i].strategy, "%.*s", (int)len, s ? (const char *)s : "");
        r[i].m.n_trades = pq_array_is_valid(nt, i) ? i64_at(nt, i) : 0;
        for (int f = 0; f < 18; f++) {
            double v = pq_array_is_valid(col[f], i) ? f64_at(col[f], i) : 0;
            memcpy((char *)&r[i].m + METRIC_FIELDS[f].off, &v, sizeof v);
        }
    }
    if (st == PQ_OK) {
        *out = r;
        *n = (size_t)t->num_rows;
    } else {
        free(r);
    }
    pq_nz_doc_reset(&d);
    return st;
}
