/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_trades.c - trade records (necrozma.md §4.2) and the tabular
 * members of a trade log file (§4.1): `trades`, and `trades_detailed` if a
 * file has it (the original tool read that key, §4.3), become one table,
 * one row per trade, with a `list` column naming the member a row came
 * from.  market_context is a struct, price_history a struct of lists.
 * The file-level members (strategy_name, universe, rank, metrics,
 * equity_curve, drawdown_curve) stay JSON texts in the footer.
 */
#include "migrate/nz_internal.h"

#include <string.h>

static const nz_field context_fields[] = {
    { "volatility", NZ_F64, NULL, false },      { "trend_strength", NZ_F64, NULL, false },
    { "volume_relative", NZ_F64, NULL, false }, { "spread_pips", NZ_F64, NULL, false },
    { "pattern_detected", NZ_STR, NULL, false }, { "pattern_sequence", NZ_LIST_STR, NULL, false },
    { "hour_of_day", NZ_I64, NULL, false },     { "day_of_week", NZ_STR, NULL, false },
};
static const nz_spec context_spec = { context_fields, 8 };

static const nz_field history_fields[] = {
    { "timestamps", NZ_LIST_STR, NULL, true }, { "bid", NZ_LIST_F64, NULL, true },
    { "ask", NZ_LIST_F64, NULL, true },        { "mid_price", NZ_LIST_F64, NULL, true },
    { "open", NZ_LIST_F64, NULL, true },       { "high", NZ_LIST_F64, NULL, true },
    { "low", NZ_LIST_F64, NULL, true },        { "close", NZ_LIST_F64, NULL, true },
    { "volume", NZ_LIST_F64, NULL, true },
};
static const nz_spec history_spec = { history_fields, 9 };

static const nz_field trade_fields[] = {
    { "entry_time", NZ_STR, NULL, false },   { "exit_time", NZ_STR, NULL, false },
    { "entry_price", NZ_F64, NULL, false },  { "exit_price", NZ_F64, NULL, false },
    { "direction", NZ_STR, NULL, false },    { "pnl_pips", NZ_F64, NULL, false },
    { "pnl_usd", NZ_F64, NULL, false },      { "pnl_pct", NZ_F64, NULL, false },
    { "duration_minutes", NZ_I64, NULL, false }, { "exit_reason", NZ_STR, NULL, false },
    { "market_context", NZ_REC, &context_spec, false },
    { "price_history", NZ_REC, &history_spec, false },
};
const nz_spec nz_trade_spec = { trade_fields, 12 };

static bool trades_is_part(const char *key, size_t len)
{
    return nz_key_eq(key, len, "trades") || nz_key_eq(key, len, "trades_detailed");
}

typedef struct list_ctx {
    pq_table *t;
    const char *name;
    size_t len;
} list_ctx;

static pq_status trade_row(nz_import *im, const pq_json_node *nodes, void *ctx, pq_error *err)
{
    list_ctx *c = ctx;
    PQ_TRY(pq_array_append_bytes(&c->t->columns[0], c->name, c->len, err));
    return nz_row_import(&nz_trade_spec, &c->t->columns[1], &c->t->columns[1 + nz_trade_spec.n], NULL, nodes, 0,
                         &im->scratch, err);
}

static pq_status ensure_table(pq_table *t, pq_error *err)
{
    if (t->schema.n_fields) return PQ_OK;
    pq_type s = pq_type_make(PQ_KIND_STRING);
    return nz_table_for_spec(t, "list", &s, &nz_trade_spec, NULL, err);
}

static pq_status trades_import(nz_import *im, const char *key, size_t len, pq_jpull *p, pq_buf *kept, pq_error *err)
{
    pq_table *t = &im->doc->main;
    PQ_TRY(ensure_table(t, err));
    list_ctx c = { t, key, len };
    bool taken;
    PQ_TRY(nz_stream_array(im, p, kept, &taken, trade_row, &c, err));
    return pq_table_finish(t, err);
}

static pq_status trades_finish(nz_import *im, pq_error *err) { return ensure_table(&im->doc->main, err); }

static pq_status trades_emit(const pq_nz_doc *d, const char *key, size_t len, pq_jemit *e, pq_error *err)
{
    const pq_table *t = &d->main;
    pq_type str = pq_type_make(PQ_KIND_STRING);
    PQ_TRY(nz_check_spec_table(t, "list", &str, &nz_trade_spec, NULL, "trade", err));
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int64_t r = 0; r < t->num_rows; r++) {
        size_t n;
        const uint8_t *list = pq_array_bytes(&t->columns[0], r, &n);
        if (n != len || memcmp(list, key, len) != 0) continue;
        PQ_TRY(nz_row_export(&nz_trade_spec, &t->columns[1], &t->columns[1 + nz_trade_spec.n], NULL, r, e, err));
    }
    return pq_jemit_array_end(e, err);
}

const nz_kind_ops nz_trades_ops = { trades_is_part, trades_import, trades_finish, trades_emit };
