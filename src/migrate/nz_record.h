/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_record.h - one JSON object (a candle, a cell, a backtest
 * result, a trade) <-> one row of typed columns, losslessly.
 *
 * A record spec lists the keys the layout expects, in their usual order,
 * each with a column kind.  Import puts each expected member whose value
 * has the expected shape into its column; everything else goes into the
 * row's `json_extra` text so that nothing is lost:
 *
 *   json_extra = null                       the object had exactly the spec's keys
 *                                           whose columns are non-null, in spec order
 *   json_extra = {"v": {...}}               members kept as JSON: unknown keys, and
 *                                           known keys whose value did not fit (null,
 *                                           another type, a nested value of another
 *                                           shape); an integer token in a DOUBLE column
 *                                           is kept here too (the column holds its
 *                                           value, the text keeps it an integer)
 *   json_extra = {"k": [...], "v": {...}}   plus the object's key order when it is not
 *                                           the spec order (or when unknown keys occur)
 *   json_extra = {"x": value}               the array element was not an object at all
 *
 * Export replays the object: the keys in order, each value from "v" when it
 * is there, else from its column.  Nested kinds (struct, lists) are taken
 * only when they match the sub-spec exactly (keys in order, optional ones
 * may be missing, right token types, no nulls); otherwise the whole member
 * is kept as JSON.  Custom kinds (the stats of a universe cell, the inline
 * trades of a backtest result) are delegated to callbacks.
 */
#ifndef PARQUANT_MIGRATE_NZ_RECORD_H
#define PARQUANT_MIGRATE_NZ_RECORD_H

#include "io/json.h"
#include "migrate/json_emit.h"
#include "parquant/table.h"

typedef enum nz_kind {
    NZ_STR,       /* STRING */
    NZ_I64,       /* INT64 (integer tokens) */
    NZ_F64,       /* DOUBLE (float tokens; integer tokens kept in json_extra too) */
    NZ_TS,        /* TIMESTAMP(us, UTC) from "YYYY-MM-DD HH:MM:SS+00:00" exactly */
    NZ_LIST_STR,  /* LIST<STRING> */
    NZ_LIST_F64,  /* LIST<DOUBLE> of float tokens */
    NZ_REC,       /* STRUCT of the sub-spec, strict */
    NZ_LIST_REC,  /* LIST<STRUCT> of the sub-spec, strict */
    NZ_CUSTOM     /* handled by the caller's callbacks (no column of its own here) */
} nz_kind;

struct nz_spec;

typedef struct nz_field {
    const char *key;
    nz_kind kind;
    const struct nz_spec *sub; /* NZ_REC, NZ_LIST_REC */
    bool optional;             /* inside a strict sub-spec: may be missing */
} nz_field;

typedef struct nz_spec {
    const nz_field *fields;
    int n;
} nz_spec;

/* Custom members (NZ_CUSTOM fields): `take` stores the value and returns
 * true, or returns false to have it kept as JSON (then `absent` is called
 * to fill the row); `present` says whether the row holds the member;
 * `emit` writes its value. */
typedef struct nz_custom {
    void *ctx;
    pq_status (*take)(void *ctx, int field, const pq_json_node *nodes, uint32_t value, bool *taken, pq_error *err);
    pq_status (*absent)(void *ctx, int field, pq_error *err);
    bool (*present)(void *ctx, int field, int64_t row);
    pq_status (*emit)(void *ctx, int field, int64_t row, pq_jemit *e, pq_error *err);
} nz_custom;

/** Append the spec's fields (NZ_CUSTOM ones excepted) to `schema`, all nullable. */
PQ_NODISCARD pq_status nz_spec_schema(const nz_spec *s, pq_schema *schema, pq_error *err);

/** Import the object (or other value) at nodes[i] into one row: `cols`
 *  are the columns of the spec's non-custom fields in order, `extra` the
 *  json_extra STRING column.  `scratch` is a work buffer. */
PQ_NODISCARD pq_status nz_row_import(const nz_spec *s, pq_array *cols, pq_array *extra, const nz_custom *cu,
                                     const pq_json_node *nodes, uint32_t i, pq_buf *scratch, pq_error *err);

/** Export row `row` (columns as for import, read-only) as events. */
PQ_NODISCARD pq_status nz_row_export(const nz_spec *s, const pq_array *cols, const pq_array *extra,
                                     const nz_custom *cu, int64_t row, pq_jemit *e, pq_error *err);

/** Parse a JSON text kept by the layout (extra members, file-level
 *  values) and emit it as events. */
PQ_NODISCARD pq_status nz_emit_json_text(pq_jemit *e, const char *text, size_t n, pq_error *err);

/** Same type tree (kinds, int widths, timestamp units, struct member names). */
bool nz_field_same_type(const pq_field *a, const pq_field *b);
/** Check that got[0, n) are want[0, n) (names and types): a table read
 *  back from a file must have the layout before its buffers are used as
 *  the types say.  @return PQ_ERR_CORRUPT naming the column. */
PQ_NODISCARD pq_status nz_check_fields(const pq_field *got, const pq_field *want, int64_t n, const char *table,
                                       pq_error *err);

/** Number of non-custom fields (columns) of a spec. */
int nz_spec_columns(const nz_spec *s);

#endif /* PARQUANT_MIGRATE_NZ_RECORD_H */
