/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_record.c - JSON object <-> typed row, losslessly (see
 * nz_record.h for the json_extra convention).
 *
 * Import decides member by member: a key of the spec whose value fits goes
 * to its column; anything else is an "extra" member written verbatim (the
 * compact JSON text of the source tokens, numbers as written) into the
 * json_extra object.  Key order is recorded only when it is not the spec's.
 * Export reverses it and is driven by the same spec, so what a column
 * cannot say (integer spelling, nulls, shapes) always comes from the text.
 */
#include "migrate/nz_record.h"

#include "io/json_pull.h"
#include "migrate/nz_time.h"
#include "table/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

/* ------------------------------------------------------------ helpers */

static bool name_is(const char *name, const char *s, size_t len)
{
    return strncmp(name, s, len) == 0 && name[len] == 0;
}

static bool key_is(const pq_json_node *k, const char *s) { return name_is(s, k->str, k->len); }

/* Field of `key`; members usually come in spec order, so the field after
 * `hint` is tried first. */
static int find_field_from(const nz_spec *s, const char *key, size_t len, int hint)
{
    int first = hint + 1 < s->n ? hint + 1 : 0;
    for (int k = 0; k < s->n; k++) {
        int f = (first + k) % s->n;
        if (name_is(s->fields[f].key, key, len)) return f;
    }
    return -1;
}

static int find_field(const nz_spec *s, const char *key, size_t len) { return find_field_from(s, key, len, -1); }

int nz_spec_columns(const nz_spec *s)
{
    int n = 0;
    for (int f = 0; f < s->n; f++) n += s->fields[f].kind != NZ_CUSTOM;
    return n;
}

/* Column index of field f (custom fields have none). */
static int column_of(const nz_spec *s, int f)
{
    int c = 0;
    for (int i = 0; i < f; i++) c += s->fields[i].kind != NZ_CUSTOM;
    return c;
}

/* Microseconds <-> NECROZMA's timestamp text (whole seconds). */
static void ts_format(int64_t us, char out[NZ_TIME_LEN + 1])
{
    nz_time_format(us / 1000000 - (us % 1000000 < 0), out);
}

static bool ts_parse(const char *s, size_t n, int64_t *us)
{
    int64_t secs;
    if (!nz_time_parse(s, n, &secs)) return false;
    *us = secs * 1000000;
    return true;
}

static double node_double(const pq_json_node *n)
{
    return n->type == PQ_JSON_INT ? (double)n->i : pq_jpull_node_double(n);
}

/* ------------------------------------------------------ shape checks */

static bool fits_strict(const nz_field *f, const pq_json_node *nodes, uint32_t v);

static bool list_fits(nz_kind elem, const nz_spec *sub, const pq_json_node *nodes, uint32_t v)
{
    if (nodes[v].type != PQ_JSON_ARRAY) return false;
    nz_field ef = { .key = "", .kind = elem, .sub = sub };
    for (uint32_t c = v + 1; c < nodes[v].next; c = nodes[c].next)
        if (!fits_strict(&ef, nodes, c)) return false;
    return true;
}

static bool record_fits(const nz_spec *s, const pq_json_node *nodes, uint32_t v)
{
    if (nodes[v].type != PQ_JSON_OBJECT) return false;
    int f = 0;
    for (uint32_t c = v + 1; c < nodes[v].next; c = nodes[nodes[c].next].next) {
        while (f < s->n && !key_is(&nodes[c], s->fields[f].key)) {
            if (!s->fields[f].optional) return false;
            f++;
        }
        if (f == s->n || !fits_strict(&s->fields[f], nodes, nodes[c].next)) return false;
        f++;
    }
    for (; f < s->n; f++)
        if (!s->fields[f].optional) return false;
    return true;
}

/* Does value nodes[v] go into a column of kind f->kind, exactly? */
static bool fits_strict(const nz_field *f, const pq_json_node *nodes, uint32_t v)
{
    const pq_json_node *n = &nodes[v];
    int64_t us;
    switch (f->kind) {
    case NZ_STR: return n->type == PQ_JSON_STRING;
    case NZ_I64: return n->type == PQ_JSON_INT;
    case NZ_F64: return n->type == PQ_JSON_DOUBLE;
    case NZ_TS: return n->type == PQ_JSON_STRING && ts_parse(n->str, n->len, &us);
    case NZ_LIST_STR: return list_fits(NZ_STR, NULL, nodes, v);
    case NZ_LIST_F64: return list_fits(NZ_F64, NULL, nodes, v);
    case NZ_REC: return record_fits(f->sub, nodes, v);
    case NZ_LIST_REC: return list_fits(NZ_REC, f->sub, nodes, v);
    case NZ_CUSTOM: return false;
    }
    return false;
}

/* ------------------------------------------------------------- schema */

static pq_status field_for(const nz_field *f, const char *name, pq_field *out, pq_error *err);

static pq_status struct_field(const nz_spec *s, const char *name, pq_field *out, pq_error *err)
{
    PQ_TRY(pq_field_init(out, name, pq_type_make(PQ_KIND_STRUCT), true, NULL, err));
    for (int i = 0; i < s->n; i++) {
        pq_field child;
        memset(&child, 0, sizeof child);
        pq_status st = field_for(&s->fields[i], s->fields[i].key, &child, err);
        if (st == PQ_OK) st = pq_field_add_child(out, &child, NULL, err);
        if (st) {
            pq_field_reset(&child, NULL);
            pq_field_reset(out, NULL);
            return st;
        }
    }
    return PQ_OK;
}

static pq_status list_field(const nz_field *elem, const char *name, pq_field *out, pq_error *err)
{
    pq_field e;
    memset(&e, 0, sizeof e);
    PQ_TRY(field_for(elem, "element", &e, err));
    pq_status st = pq_field_list(out, name, true, &e, NULL, err);
    pq_field_reset(&e, NULL);
    return st;
}

static pq_status field_for(const nz_field *f, const char *name, pq_field *out, pq_error *err)
{
    switch (f->kind) {
    case NZ_STR: return pq_field_init(out, name, pq_type_make(PQ_KIND_STRING), true, NULL, err);
    case NZ_I64: return pq_field_init(out, name, pq_type_int(64, true), true, NULL, err);
    case NZ_F64: return pq_field_init(out, name, pq_type_make(PQ_KIND_DOUBLE), true, NULL, err);
    case NZ_TS: return pq_field_init(out, name, pq_type_timestamp(PQ_UNIT_MICROS, true), true, NULL, err);
    case NZ_LIST_STR: {
        nz_field e = { .kind = NZ_STR };
        return list_field(&e, name, out, err);
    }
    case NZ_LIST_F64: {
        nz_field e = { .kind = NZ_F64 };
        return list_field(&e, name, out, err);
    }
    case NZ_REC: return struct_field(f->sub, name, out, err);
    case NZ_LIST_REC: {
        nz_field e = { .kind = NZ_REC, .sub = f->sub };
        return list_field(&e, name, out, err);
    }
    case NZ_CUSTOM: break;
    }
    return PQ_FAIL(err, PQ_ERR_STATE, "nz_record: no column for a custom field");
}

bool nz_field_same_type(const pq_field *a, const pq_field *b)
{
    if (a->type.kind != b->type.kind || a->n_children != b->n_children) return false;
    if (a->type.kind == PQ_KIND_INT && (a->type.bit_width != b->type.bit_width || a->type.is_signed != b->type.is_signed))
        return false;
    if (a->type.kind == PQ_KIND_TIMESTAMP && a->type.unit != b->type.unit) return false;
    for (int64_t i = 0; i < a->n_children; i++) {
        if (a->type.kind == PQ_KIND_STRUCT && strcmp(a->children[i].name, b->children[i].name) != 0) return false;
        if (!nz_field_same_type(&a->children[i], &b->children[i])) return false;
    }
    return true;
}

pq_status nz_check_fields(const pq_field *got, const pq_field *want, int64_t n, const char *table, pq_error *err)
{
    for (int64_t i = 0; i < n; i++) {
        if (strcmp(got[i].name, want[i].name) != 0 || !nz_field_same_type(&got[i], &want[i]))
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "%s table: column %s where the necrozma layout has %s (or another type)",
                           table, got[i].name, want[i].name);
    }
    return PQ_OK;
}

pq_status nz_spec_schema(const nz_spec *s, pq_schema *schema, pq_error *err)
{
    for (int i = 0; i < s->n; i++) {
        if (s->fields[i].kind == NZ_CUSTOM) continue;
        pq_field f;
        memset(&f, 0, sizeof f);
        PQ_TRY(field_for(&s->fields[i], s->fields[i].key, &f, err));
        pq_status st = pq_schema_add(schema, &f, err);
        if (st) {
            pq_field_reset(&f, NULL);
            return st;
        }
    }
    return PQ_OK;
}

/* ------------------------------------------------------------- import */

/* Append a value known to fit (fits_strict, or an INT token into F64). */
static pq_status append_value(const nz_field *f, pq_array *col, const pq_json_node *nodes, uint32_t v,
                              pq_error *err)
{
    const pq_json_node *n = &nodes[v];
    switch (f->kind) {
    case NZ_STR: return pq_array_append_bytes(col, n->str, n->len, err);
    case NZ_I64: return pq_array_append_i64(col, n->i, err);
    case NZ_F64: return pq_array_append_double(col, node_double(n), err);
    case NZ_TS: {
        int64_t us = 0;
        (void)ts_parse(n->str, n->len, &us);
        return pq_array_append_i64(col, us, err);
    }
    case NZ_LIST_STR:
    case NZ_LIST_F64:
    case NZ_LIST_REC: {
        nz_field ef = { .key = "", .kind = f->kind == NZ_LIST_STR ? NZ_STR : f->kind == NZ_LIST_F64 ? NZ_F64 : NZ_REC,
                        .sub = f->sub };
        for (uint32_t c = v + 1; c < n->next; c = nodes[c].next)
            PQ_TRY(append_value(&ef, &col->children[0], nodes, c, err));
        return pq_array_append_valid(col, err);
    }
    case NZ_REC: {
        const nz_spec *s = f->sub;
        uint32_t c = v + 1;
        for (int i = 0; i < s->n; i++) {
            if (c < n->next && key_is(&nodes[c], s->fields[i].key)) {
                PQ_TRY(append_value(&s->fields[i], &col->children[i], nodes, nodes[c].next, err));
                c = nodes[nodes[c].next].next;
            } else {
                PQ_TRY(pq_array_append_null(&col->children[i], err));
            }
        }
        return pq_array_append_valid(col, err);
    }
    case NZ_CUSTOM: break;
    }
    return PQ_FAIL(err, PQ_ERR_STATE, "nz_record: append to a custom field");
}

/* Start json_extra text lazily: `{"k":[...],"v":{` with the key list when
 * the order must be kept. */
static pq_status extra_begin(pq_buf *x, const pq_json_node *nodes, uint32_t obj, bool with_keys, pq_error *err)
{
    PQ_TRY(pq_buf_append(x, "{", 1, err));
    if (with_keys) {
        PQ_TRY(pq_buf_append(x, "\"k\":[", 5, err));
        bool first = true;
        for (uint32_t c = obj + 1; c < nodes[obj].next; c = nodes[nodes[c].next].next) {
            if (!first) PQ_TRY(pq_buf_push(x, ',', err));
            first = false;
            PQ_TRY(pq_canon_json_string(nodes[c].str, nodes[c].len, x, err));
        }
        PQ_TRY(pq_buf_append(x, "],", 2, err));
    }
    return pq_buf_append(x, "\"v\":{", 5, err);
}

pq_status nz_row_import(const nz_spec *s, pq_array *cols, pq_array *extra, const nz_custom *cu,
                        const pq_json_node *nodes, uint32_t i, pq_buf *scratch, pq_error *err)
{
    if (s->n > MAX_FIELDS) return PQ_FAIL(err, PQ_ERR_STATE, "nz_record: spec of %d fields", s->n);
    scratch->len = 0;
    if (nodes[i].type != PQ_JSON_OBJECT) { /* not an object: all null, value kept whole */
        for (int f = 0; f < s->n; f++) {
            if (s->fields[f].kind == NZ_CUSTOM) PQ_TRY(cu->absent(cu->ctx, f, err));
            else PQ_TRY(pq_array_append_null(&cols[column_of(s, f)], err));
        }
        PQ_TRY(pq_buf_append(scratch, "{\"x\":", 5, err));
        PQ_TRY(pq_json_write(nodes, i, scratch, err));
        PQ_TRY(pq_buf_push(scratch, '}', err));
        return pq_array_append_bytes(extra, scratch->data, scratch->len, err);
    }
    uint32_t value_of[MAX_FIELDS];
    bool override[MAX_FIELDS];
    bool in_order = true, any_extra = false;
    int last = -1;
    memset(override, 0, sizeof override);
    for (int f = 0; f < s->n; f++) value_of[f] = UINT32_MAX;
    /* pass 1: classify members, decide whether the key order must be kept */
    for (uint32_t c = i + 1; c < nodes[i].next; c = nodes[nodes[c].next].next) {
        uint32_t v = nodes[c].next;
        int f = find_field_from(s, nodes[c].str, nodes[c].len, last);
        if (f < 0) {
            in_order = false;
            any_extra = true;
            continue;
        }
        if (f < last) in_order = false;
        last = f;
        const nz_field *fd = &s->fields[f];
        bool taken = false;
        if (fd->kind == NZ_CUSTOM) {
            PQ_TRY(cu->take(cu->ctx, f, nodes, v, &taken, err));
        } else if (fits_strict(fd, nodes, v)) {
            taken = true;
        } else if (fd->kind == NZ_F64 && nodes[v].type == PQ_JSON_INT) {
            taken = true; /* the column holds the value, json_extra keeps it an integer */
            override[f] = true;
        }
        if (taken) value_of[f] = v;
        else override[f] = true;
        any_extra |= override[f];
    }
    /* the columns */
    for (int f = 0; f < s->n; f++) {
        const nz_field *fd = &s->fields[f];
        if (fd->kind == NZ_CUSTOM) {
            if (value_of[f] == UINT32_MAX) PQ_TRY(cu->absent(cu->ctx, f, err));
            continue;
        }
        pq_array *col = &cols[column_of(s, f)];
        if (value_of[f] == UINT32_MAX) PQ_TRY(pq_array_append_null(col, err));
        else PQ_TRY(append_value(fd, col, nodes, value_of[f], err));
    }
    if (!any_extra && in_order) return pq_array_append_null(extra, err);
    /* json_extra: the members a column could not hold exactly */
    PQ_TRY(extra_begin(scratch, nodes, i, !in_order, err));
    bool first = true;
    for (uint32_t c = i + 1; c < nodes[i].next; c = nodes[nodes[c].next].next) {
        int f = find_field(s, nodes[c].str, nodes[c].len);
        if (f >= 0 && !override[f]) continue;
        if (!first) PQ_TRY(pq_buf_push(scratch, ',', err));
        first = false;
        PQ_TRY(pq_canon_json_string(nodes[c].str, nodes[c].len, scratch, err));
        PQ_TRY(pq_buf_push(scratch, ':', err));
        PQ_TRY(pq_json_write(nodes, nodes[c].next, scratch, err));
    }
    PQ_TRY(pq_buf_append(scratch, "}}", 2, err));
    return pq_array_append_bytes(extra, scratch->data, scratch->len, err);
}

/* ------------------------------------------------------------- export */

static pq_status emit_value(const nz_field *f, const pq_array *col, int64_t row, pq_jemit *e, pq_error *err);

static pq_status emit_list(const nz_field *f, const pq_array *col, int64_t row, pq_jemit *e, pq_error *err)
{
    nz_field ef = { .key = "", .kind = f->kind == NZ_LIST_STR ? NZ_STR : f->kind == NZ_LIST_F64 ? NZ_F64 : NZ_REC,
                    .sub = f->sub };
    PQ_TRY(pq_jemit_array_begin(e, err));
    for (int64_t k = col->offsets[row]; k < col->offsets[row + 1]; k++)
        PQ_TRY(emit_value(&ef, &col->children[0], k, e, err));
    return pq_jemit_array_end(e, err);
}

static pq_status emit_struct(const nz_spec *s, const pq_array *col, int64_t row, pq_jemit *e, pq_error *err)
{
    PQ_TRY(pq_jemit_object_begin(e, err));
    for (int i = 0; i < s->n; i++) {
        const pq_array *c = &col->children[i];
        if (!pq_array_is_valid(c, row)) continue; /* an optional member that was missing */
        PQ_TRY(pq_jemit_key(e, s->fields[i].key, strlen(s->fields[i].key), err));
        PQ_TRY(emit_value(&s->fields[i], c, row, e, err));
    }
    return pq_jemit_object_end(e, err);
}

static pq_status emit_value(const nz_field *f, const pq_array *col, int64_t row, pq_jemit *e, pq_error *err)
{
    if (!pq_array_is_valid(col, row)) return PQ_FAIL(err, PQ_ERR_CORRUPT, "column %s: null where a value is due", f->key);
    switch (f->kind) {
    case NZ_STR: {
        size_t n;
        const uint8_t *p = pq_array_bytes(col, row, &n);
        return pq_jemit_string(e, (const char *)p, n, err);
    }
    case NZ_I64: return pq_jemit_int(e, ((const int64_t *)col->values)[row], err);
    case NZ_F64: return pq_jemit_double(e, ((const double *)col->values)[row], err);
    case NZ_TS: {
        char t[NZ_TIME_LEN + 1];
        ts_format(((const int64_t *)col->values)[row], t);
        return pq_jemit_string(e, t, NZ_TIME_LEN, err);
    }
    case NZ_LIST_STR:
    case NZ_LIST_F64:
    case NZ_LIST_REC: return emit_list(f, col, row, e, err);
    case NZ_REC: return emit_struct(f->sub, col, row, e, err);
    case NZ_CUSTOM: break;
    }
    return PQ_FAIL(err, PQ_ERR_STATE, "nz_record: emit of a custom field");
}

static bool field_present(const nz_spec *s, const pq_array *cols, const nz_custom *cu, int f, int64_t row)
{
    if (s->fields[f].kind == NZ_CUSTOM) return cu->present(cu->ctx, f, row);
    return pq_array_is_valid(&cols[column_of(s, f)], row);
}

static pq_status emit_field(const nz_spec *s, const pq_array *cols, const nz_custom *cu, int f, int64_t row,
                            pq_jemit *e, pq_error *err)
{
    const char *k = s->fields[f].key;
    PQ_TRY(pq_jemit_key(e, k, strlen(k), err));
    if (s->fields[f].kind == NZ_CUSTOM) return cu->emit(cu->ctx, f, row, e, err);
    return emit_value(&s->fields[f], &cols[column_of(s, f)], row, e, err);
}

/* Member `key` of a DOM object, or UINT32_MAX. */
static uint32_t dom_member(const pq_json_node *nodes, uint32_t obj, const char *key, size_t len)
{
    if (obj == UINT32_MAX || nodes[obj].type != PQ_JSON_OBJECT) return UINT32_MAX;
    for (uint32_t c = obj + 1; c < nodes[obj].next; c = nodes[nodes[c].next].next)
        if (nodes[c].len == len && memcmp(nodes[c].str, key, len) == 0) return nodes[c].next;
    return UINT32_MAX;
}

static pq_status export_with_extra(const nz_spec *s, const pq_array *cols, const nz_custom *cu, int64_t row,
                                   const pq_json_node *x, pq_jemit *e, pq_error *err)
{
    if (x[0].type != PQ_JSON_OBJECT) return PQ_FAIL(err, PQ_ERR_CORRUPT, "row %lld: json_extra is not an object", (long long)row);
    uint32_t whole = dom_member(x, 0, "x", 1);
    if (whole != UINT32_MAX) return pq_jemit_node(e, x, whole, err);
    uint32_t keys = dom_member(x, 0, "k", 1), vals = dom_member(x, 0, "v", 1);
    if (vals == UINT32_MAX || x[vals].type != PQ_JSON_OBJECT || (keys != UINT32_MAX && x[keys].type != PQ_JSON_ARRAY))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "row %lld: json_extra lacks \"v\"", (long long)row);
    PQ_TRY(pq_jemit_object_begin(e, err));
    if (keys != UINT32_MAX) {
        for (uint32_t c = keys + 1; c < x[keys].next; c = x[c].next) {
            if (x[c].type != PQ_JSON_STRING) return PQ_FAIL(err, PQ_ERR_CORRUPT, "row %lld: json_extra key list", (long long)row);
            uint32_t v = dom_member(x, vals, x[c].str, x[c].len);
            if (v != UINT32_MAX) {
                PQ_TRY(pq_jemit_key(e, x[c].str, x[c].len, err));
                PQ_TRY(pq_jemit_node(e, x, v, err));
                continue;
            }
            int f = find_field(s, x[c].str, x[c].len);
            if (f < 0 || !field_present(s, cols, cu, f, row))
                return PQ_FAIL(err, PQ_ERR_CORRUPT, "row %lld: key \"%.*s\" has no value", (long long)row,
                               (int)(x[c].len > 40 ? 40 : x[c].len), x[c].str);
            PQ_TRY(emit_field(s, cols, cu, f, row, e, err));
        }
    } else {
        for (int f = 0; f < s->n; f++) {
            const char *k = s->fields[f].key;
            uint32_t v = dom_member(x, vals, k, strlen(k));
            if (v != UINT32_MAX) {
                PQ_TRY(pq_jemit_key(e, k, strlen(k), err));
                PQ_TRY(pq_jemit_node(e, x, v, err));
            } else if (field_present(s, cols, cu, f, row)) {
                PQ_TRY(emit_field(s, cols, cu, f, row, e, err));
            }
        }
    }
    return pq_jemit_object_end(e, err);
}

/* Parse `text` and hand its DOM to fn. */
typedef pq_status (*dom_fn)(void *ctx, const pq_json_node *nodes, pq_jemit *e, pq_error *err);

static pq_status with_dom(const char *text, size_t n, dom_fn fn, void *ctx, pq_jemit *e, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, text, n, "json_extra");
    pq_jpull *p = NULL;
    PQ_TRY(pq_jpull_open(&p, &src, NULL, NULL, err));
    const pq_json_node *nodes;
    uint32_t count;
    pq_status s = pq_jpull_value(p, &nodes, &count, err);
    if (s == PQ_OK) s = fn(ctx, nodes, e, err);
    pq_jpull_close(p);
    pq_source_close(&src);
    return s;
}

typedef struct row_ctx {
    const nz_spec *s;
    const pq_array *cols;
    const nz_custom *cu;
    int64_t row;
} row_ctx;

static pq_status row_from_dom(void *ctx, const pq_json_node *nodes, pq_jemit *e, pq_error *err)
{
    row_ctx *r = ctx;
    return export_with_extra(r->s, r->cols, r->cu, r->row, nodes, e, err);
}

pq_status nz_row_export(const nz_spec *s, const pq_array *cols, const pq_array *extra, const nz_custom *cu,
                        int64_t row, pq_jemit *e, pq_error *err)
{
    if (extra != NULL && pq_array_is_valid(extra, row)) {
        size_t n;
        const uint8_t *p = pq_array_bytes(extra, row, &n);
        row_ctx r = { s, cols, cu, row };
        return with_dom((const char *)p, n, row_from_dom, &r, e, err);
    }
    PQ_TRY(pq_jemit_object_begin(e, err));
    for (int f = 0; f < s->n; f++)
        if (field_present(s, cols, cu, f, row)) PQ_TRY(emit_field(s, cols, cu, f, row, e, err));
    return pq_jemit_object_end(e, err);
}

static pq_status node_from_dom(void *ctx, const pq_json_node *nodes, pq_jemit *e, pq_error *err)
{
    (void)ctx;
    return pq_jemit_node(e, nodes, 0, err);
}

pq_status nz_emit_json_text(pq_jemit *e, const char *text, size_t n, pq_error *err)
{
    return with_dom(text, n, node_from_dom, NULL, e, err);
}
