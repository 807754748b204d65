/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_backtest.c - the tabular member of a backtest result file
 * (necrozma.md §3): `results` becomes one row per result with the 20 metric
 * columns in their order; the optional inline `trades_detailed` list of a
 * result goes to the trades table (one row per trade, `result_index` naming
 * its result), and the result row's `trades_detailed_count` says how many
 * (null when the result had no such member).
 */
#include "migrate/nz_internal.h"

#include <string.h>

enum { RESULT_TRADES = 20 };
static const nz_field result_fields[] = {
    { "strategy_name", NZ_STR, NULL, false }, { "n_trades", NZ_I64, NULL, false },
    { "win_rate", NZ_F64, NULL, false },      { "profit_factor", NZ_F64, NULL, false },
    { "total_return", NZ_F64, NULL, false },  { "sharpe_ratio", NZ_F64, NULL, false },
    { "sortino_ratio", NZ_F64, NULL, false }, { "calmar_ratio", NZ_F64, NULL, false },
    { "max_drawdown", NZ_F64, NULL, false },  { "avg_win", NZ_F64, NULL, false },
    { "avg_loss", NZ_F64, NULL, false },      { "largest_win", NZ_F64, NULL, false },
    { "largest_loss", NZ_F64, NULL, false },  { "expectancy", NZ_F64, NULL, false },
    { "recovery_factor", NZ_F64, NULL, false }, { "ulcer_index", NZ_F64, NULL, false },
    { "lot_size", NZ_F64, NULL, false },      { "gross_pnl", NZ_F64, NULL, false },
    { "total_commission", NZ_F64, NULL, false }, { "net_pnl", NZ_F64, NULL, false },
    { "trades_detailed", NZ_CUSTOM, NULL, false },
};
static const nz_spec result_spec = { result_fields, 21 };
#define COUNT_COL 20
#define EXTRA_COL 21

typedef struct result_ctx {
    nz_import *im;
    pq_table *results, *trades;
    int64_t row;
} result_ctx;

static pq_status ensure_trades(pq_table *t, pq_error *err)
{
    if (t->schema.n_fields) return PQ_OK;
    pq_type i = pq_type_int(64, true);
    return nz_table_for_spec(t, "result_index", &i, &nz_trade_spec, NULL, err);
}

static pq_status trades_take(void *ctx, int field, const pq_json_node *nodes, uint32_t v, bool *taken, pq_error *err)
{
    result_ctx *c = ctx;
    *taken = nodes[v].type == PQ_JSON_ARRAY;
    if (!*taken) return PQ_OK;
    PQ_TRY(ensure_trades(c->trades, err));
    pq_table *t = c->trades;
    pq_buf scratch;
    pq_buf_init(&scratch, NULL);
    pq_status st = PQ_OK;
    for (uint32_t e = v + 1; e < nodes[v].next && st == PQ_OK; e = nodes[e].next) {
        st = pq_array_append_i64(&t->columns[0], c->row, err);
        if (st == PQ_OK)
            st = nz_row_import(&nz_trade_spec, &t->columns[1], &t->columns[1 + nz_trade_spec.n], NULL, nodes, e,
                               &scratch, err);
    }
    pq_buf_reset(&scratch);
    PQ_TRY(st);
    PQ_TRY(pq_table_finish(t, err));
    return pq_array_append_i64(&c->results->columns[COUNT_COL], nodes[v].count, err);
}

static pq_status trades_absent(void *ctx, int field, pq_error *err)
{
    result_ctx *c = ctx;
    return pq_array_append_null(&c->results->columns[COUNT_COL], err);
}

static pq_status result_row(nz_import *im, const pq_json_node *nodes, void *ctx, pq_error *err)
{
    result_ctx *c = ctx;
    nz_custom cu = { c, trades_take, trades_absent, NULL, NULL };
    PQ_TRY(nz_row_import(&result_spec, c->results->columns, &c->results->columns[EXTRA_COL], &cu, nodes, 0,
                         &im->scratch, err));
    c->row++;
    return PQ_OK;
}

static pq_status ensure_results(pq_table *t, pq_error *err)
{
    if (t->schema.n_fields) return PQ_OK;
    return nz_table_for_spec(t, NULL, NULL, &result_spec, "trades_detailed_count", err);
}

static bool backtest_is_part(const char *key, size_t len) { return nz_key_eq(key, len, "results"); }

static pq_status backtest_import(nz_import *im, const char *key, size_t len, pq_jpull *p, pq_buf *kept, pq_error *err)
{
    PQ_TRY(ensure_results(&im->doc->main, err));
    result_ctx c = { im, &im->doc->main, &im->doc->trades, 0 };
    bool taken;
    PQ_TRY(nz_stream_array(im, p, kept, &taken, result_row, &c, err));
    return pq_table_finish(&im->doc->main, err);
}

static pq_status backtest_finish(nz_import *im, pq_error *err) { return ensure_results(&im->doc->main, err); }

/* Export: the trades table is in result order, so a cursor walks it once. */
typedef struct emit_ctx {
    const pq_nz_doc *d;
    int64_t next_trade;
} emit_ctx;

static bool trades_present(void *ctx, int field, int64_t row)
{
    const emit_ctx *c = ctx;
    return pq_array_is_valid(&c->d->main.columns[COUNT_COL], row);
}

static pq_status trades_emit(void *ctx, int field, int64_t row, pq_jemit *e, pq_error *err)
{
    emit_ctx *c = ctx;
    const pq_table *t = &c->d->trades;
    int64_t n = ((const int64_t *)c->d->main.columns[COUNT_COL].values)[row];
    if (n < 0 || n > t->num_rows - c->next_trade)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "result %lld: %lld inline trades, the trades table has fewer",
                       (long long)row, (long long)n);
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int64_t k = 0; k < n; k++, c->next_trade++) {
        int64_t owner = ((const int64_t *)t->columns[0].values)[c->next_trade];
        if (owner != row) return PQ_FAIL(err, PQ_ERR_CORRUPT, "trades table row %lld: result_index %lld, expected %lld",
                                         (long long)c->next_trade, (long long)owner, (long long)row);
        PQ_TRY(nz_row_export(&nz_trade_spec, &t->columns[1], &t->columns[1 + nz_trade_spec.n], NULL, c->next_trade, e, err));
    }
    return pq_jemit_array_end(e, err);
}

static pq_status backtest_emit(const pq_nz_doc *d, const char *key, size_t len, pq_jemit *e, pq_error *err)
{
    const pq_table *t = &d->main;
    PQ_TRY(nz_check_spec_table(t, NULL, NULL, &result_spec, "trades_detailed_count", "results", err));
    if (d->trades.schema.n_fields) {
        pq_type i64 = pq_type_int(64, true);
        PQ_TRY(nz_check_spec_table(&d->trades, "result_index", &i64, &nz_trade_spec, NULL, "inline trades", err));
    }
    emit_ctx c = { d, 0 };
    nz_custom cu = { &c, NULL, NULL, trades_present, trades_emit };
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int64_t r = 0; r < t->num_rows; r++)
        PQ_TRY(nz_row_export(&result_spec, t->columns, &t->columns[EXTRA_COL], &cu, r, e, err));
    return pq_jemit_array_end(e, err);
}

const nz_kind_ops nz_backtest_ops = { backtest_is_part, backtest_import, backtest_finish, backtest_emit };
