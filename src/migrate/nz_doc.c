/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_doc.c - a NECROZMA document as a whole (parquant/necrozma.h):
 * the streamed import of the top level, the export that replays it, and the
 * Parquet files it is stored in.
 *
 * Top level: every member is either tabular (the kind's hooks in
 * nz_universe.c, nz_backtest.c, nz_trades.c take it) or kept as its compact
 * JSON text under "necrozma.<key>".  "parquant.json.keys" records the key
 * order, "parquant.json.tables" which members the tables hold; a document
 * that is not an object at all is kept whole as "parquant.json.document".
 *
 * Files (docs/migrate.md): the main table at the requested path with every
 * kv in its footer; a universe's candles in candles/<base>_candles_<sha256
 * prefix>.parquet, shared by the universes whose candle lists are equal (the
 * 5 lookbacks of an interval); a backtest's inline trades in
 * <stem>_trades.parquet; the sidecar <stem>_metadata.json the original
 * tools read.  Side files are written first and the main file last, each
 * through a temporary name, fsync and rename, so a main file that exists is
 * complete and everything it references is on disk.
 */
#include "migrate/nz_internal.h"

#include "io/sink.h"
#include "migrate/json_compare.h"
#include "table/canon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nz_kind_ops *ops_of(pq_nz_kind k)
{
    return k == PQ_NZ_UNIVERSE ? &nz_universe_ops : k == PQ_NZ_BACKTEST ? &nz_backtest_ops : &nz_trades_ops;
}

const char *pq_nz_kind_name(pq_nz_kind k)
{
    return k == PQ_NZ_UNIVERSE ? "universe" : k == PQ_NZ_BACKTEST ? "backtest" : "trades";
}

bool nz_key_eq(const char *key, size_t len, const char *s)
{
    size_t n = strlen(s);
    return len == n && memcmp(key, s, n) == 0;
}

/* ------------------------------------------------------------ the doc */

void pq_nz_doc_reset(pq_nz_doc *d)
{
    if (d == NULL) return;
    pq_table_reset(&d->main);
    pq_table_reset(&d->candles);
    pq_table_reset(&d->trades);
    for (size_t i = 0; i < d->n_kv; i++) {
        free(d->kv[i].key);
        free(d->kv[i].value);
    }
    free(d->kv);
    free(d->candles_file);
    memset(d, 0, sizeof *d);
}

const char *pq_nz_doc_get(const pq_nz_doc *d, const char *key)
{
    for (size_t i = 0; i < d->n_kv; i++)
        if (strcmp(d->kv[i].key, key) == 0) return d->kv[i].value;
    return NULL;
}

static pq_status doc_put(pq_nz_doc *d, const char *key, size_t key_len, const char *value, size_t value_len,
                         pq_error *err)
{
    pq_kv *kv = realloc(d->kv, (d->n_kv + 1) * sizeof *kv);
    if (kv == NULL) return PQ_NOMEM(err);
    d->kv = kv;
    char *k = strndup(key, key_len), *v = malloc(value_len + 1);
    if (k == NULL || v == NULL) {
        free(k);
        free(v);
        return PQ_NOMEM(err);
    }
    memcpy(v, value, value_len);
    v[value_len] = 0;
    d->kv[d->n_kv++] = (pq_kv){ k, v };
    return PQ_OK;
}

pq_status nz_doc_put_kv(pq_nz_doc *d, const char *key, const char *value, pq_error *err)
{
    return doc_put(d, key, strlen(key), value, strlen(value), err);
}

/* --------------------------------------------------- shared by kinds */

pq_status nz_table_for_spec(pq_table *t, const char *lead, const pq_type *lead_type, const nz_spec *s,
                            const char *after, pq_error *err)
{
    pq_schema sc;
    pq_schema_init(&sc, NULL);
    pq_field f;
    memset(&f, 0, sizeof f);
    pq_status st = PQ_OK;
    if (lead) {
        st = pq_field_init(&f, lead, *lead_type, true, NULL, err);
        if (st == PQ_OK) st = pq_schema_add(&sc, &f, err);
    }
    if (st == PQ_OK) st = nz_spec_schema(s, &sc, err);
    if (st == PQ_OK && after) {
        st = pq_field_init(&f, after, pq_type_int(64, true), true, NULL, err);
        if (st == PQ_OK) st = pq_schema_add(&sc, &f, err);
    }
    if (st == PQ_OK) st = pq_field_init(&f, NZ_EXTRA, pq_type_make(PQ_KIND_STRING), true, NULL, err);
    if (st == PQ_OK) st = pq_schema_add(&sc, &f, err);
    if (st == PQ_OK) st = pq_table_init(t, &sc, err);
    pq_field_reset(&f, NULL);
    pq_schema_reset(&sc);
    return st;
}

pq_status nz_check_spec_table(const pq_table *t, const char *lead, const pq_type *lead_type, const nz_spec *s,
                              const char *after, const char *name, pq_error *err)
{
    pq_table want;
    PQ_TRY(nz_table_for_spec(&want, lead, lead_type, s, after, err));
    pq_status st = PQ_OK;
    if (t->schema.n_fields != want.schema.n_fields)
        st = PQ_FAIL(err, PQ_ERR_CORRUPT, "%s table: %lld columns, the necrozma layout has %lld", name,
                     (long long)t->schema.n_fields, (long long)want.schema.n_fields);
    else st = nz_check_fields(t->schema.fields, want.schema.fields, want.schema.n_fields, name, err);
    pq_table_reset(&want);
    return st;
}

pq_status nz_stream_array(nz_import *im, pq_jpull *p, pq_buf *kept, bool *taken,
                          pq_status (*row)(nz_import *im, const pq_json_node *nodes, void *ctx, pq_error *err),
                          void *ctx, pq_error *err)
{
    pq_jtok_type type;
    const pq_json_node *nodes;
    uint32_t n;
    PQ_TRY(pq_jpull_peek(p, &type, err));
    *taken = type == PQ_JTOK_ARRAY_BEGIN;
    if (!*taken) {
        PQ_TRY(pq_jpull_value(p, &nodes, &n, err));
        return pq_json_write(nodes, 0, kept, err);
    }
    pq_jtok t;
    PQ_TRY(pq_jpull_next(p, &t, err));
    for (;;) {
        PQ_TRY(pq_jpull_peek(p, &type, err));
        if (type == PQ_JTOK_ARRAY_END) return pq_jpull_next(p, &t, err);
        PQ_TRY(pq_jpull_value(p, &nodes, &n, err));
        PQ_TRY(row(im, nodes, ctx, err));
    }
}

/* ------------------------------------------------------------- import */

/* Append `s` to a JSON array text being built in `b` ("[" first). */
static pq_status list_add(pq_buf *b, const char *s, size_t n, pq_error *err)
{
    PQ_TRY(pq_buf_push(b, b->len == 0 ? '[' : ',', err));
    return pq_canon_json_string(s, n, b, err);
}

static pq_status list_close(pq_buf *b, pq_error *err)
{
    if (b->len == 0) PQ_TRY(pq_buf_push(b, '[', err));
    return pq_buf_push(b, ']', err);
}

static pq_status import_members(nz_import *im, const nz_kind_ops *ops, pq_jpull *p, pq_buf *keys, pq_buf *tables,
                                pq_buf *text, pq_error *err)
{
    pq_jtok t;
    char key[1024 + 16];
    PQ_TRY(pq_jpull_next(p, &t, err)); /* the '{' */
    for (;;) {
        PQ_TRY(pq_jpull_next(p, &t, err));
        if (t.type == PQ_JTOK_OBJECT_END) return PQ_OK;
        if (t.len > 1024)
            return PQ_FAIL(err, PQ_ERR_LIMIT, "top-level key of %u bytes at byte %lld", t.len, (long long)t.offset);
        memcpy(key, "necrozma.", 9);
        memcpy(key + 9, t.str, t.len); /* t.str dies with the next token */
        const char *k = key + 9;
        size_t len = t.len;
        PQ_TRY(list_add(keys, k, len, err));
        text->len = 0;
        if (ops->is_part(k, len)) {
            PQ_TRY(ops->import(im, k, len, p, text, err));
            if (text->len == 0) {
                PQ_TRY(list_add(tables, k, len, err));
                continue;
            }
        } else {
            const pq_json_node *nodes;
            uint32_t count;
            PQ_TRY(pq_jpull_value(p, &nodes, &count, err));
            PQ_TRY(pq_json_write(nodes, 0, text, err));
        }
        PQ_TRY(doc_put(im->doc, key, 9 + len, (const char *)text->data, text->len, err));
    }
}

static pq_status import_document(nz_import *im, pq_jpull *p, pq_error *err)
{
    pq_nz_doc *d = im->doc;
    const nz_kind_ops *ops = ops_of(d->kind);
    pq_buf keys, tables, text;
    pq_buf_init(&keys, NULL);
    pq_buf_init(&tables, NULL);
    pq_buf_init(&text, NULL);
    pq_jtok_type type;
    pq_status st = pq_jpull_peek(p, &type, err);
    if (st == PQ_OK && type == PQ_JTOK_OBJECT_BEGIN) {
        st = import_members(im, ops, p, &keys, &tables, &text, err);
        if (st == PQ_OK) st = list_close(&keys, err);
        if (st == PQ_OK) st = list_close(&tables, err);
        if (st == PQ_OK) st = doc_put(d, "parquant.json.keys", 18, (const char *)keys.data, keys.len, err);
        if (st == PQ_OK) st = doc_put(d, "parquant.json.tables", 20, (const char *)tables.data, tables.len, err);
    } else if (st == PQ_OK) { /* not an object: kept whole */
        const pq_json_node *nodes;
        uint32_t count;
        st = pq_jpull_value(p, &nodes, &count, err);
        if (st == PQ_OK) st = pq_json_write(nodes, 0, &text, err);
        if (st == PQ_OK) st = doc_put(d, "parquant.json.document", 22, (const char *)text.data, text.len, err);
    }
    pq_jtok end;
    if (st == PQ_OK) st = pq_jpull_next(p, &end, err); /* checks that nothing follows */
    if (st == PQ_OK) st = ops->finish(im, err);
    pq_buf_reset(&keys);
    pq_buf_reset(&tables);
    pq_buf_reset(&text);
    return st;
}

pq_status nz_load_json_source(const pq_source *src, pq_nz_kind kind, pq_nz_doc *out, pq_jdigest *digest,
                              pq_error *err)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    pq_jpull *p = NULL;
    pq_status st = pq_jpull_open(&p, src, NULL, NULL, err);
    if (st == PQ_OK) pq_jpull_set_digest(p, digest);
    nz_import im = { .doc = out };
    pq_buf_init(&im.scratch, NULL);
    if (st == PQ_OK) st = import_document(&im, p, err);
    pq_buf_reset(&im.scratch);
    pq_jpull_close(p);
    if (st) pq_nz_doc_reset(out);
    return st;
}

pq_status nz_load_json_file(const char *path, pq_nz_kind kind, pq_nz_doc *out, pq_jdigest *digest, pq_error *err)
{
    memset(out, 0, sizeof *out);
    pq_source src;
    PQ_TRY(pq_source_open_file_mode(&src, path, false, err)); /* pread: RSS stays bounded */
    pq_status st = nz_load_json_source(&src, kind, out, digest, err);
    pq_source_close(&src);
    if (st && err && err->path[0] == 0) snprintf(err->path, sizeof err->path, "%s", path);
    return st;
}

pq_status pq_nz_load_json(const char *path, pq_nz_kind kind, pq_nz_doc *out, pq_error *err)
{
    return nz_load_json_file(path, kind, out, NULL, err);
}

/* ------------------------------------------------------------- export */

/* The members of a JSON array text of strings, one by one. */
static pq_status emit_document(const pq_nz_doc *d, pq_jemit *e, pq_error *err)
{
    const char *whole = pq_nz_doc_get(d, "parquant.json.document");
    if (whole) return nz_emit_json_text(e, whole, strlen(whole), err);
    const char *keys = pq_nz_doc_get(d, "parquant.json.keys"), *tables = pq_nz_doc_get(d, "parquant.json.tables");
    if (keys == NULL || tables == NULL) return PQ_FAIL(err, PQ_ERR_CORRUPT, "not a necrozma document: no parquant.json.keys");
    pq_source ks, ts;
    pq_source_open_memory(&ks, keys, strlen(keys), "parquant.json.keys");
    pq_source_open_memory(&ts, tables, strlen(tables), "parquant.json.tables");
    pq_jpull *kp = NULL, *tp = NULL;
    const pq_json_node *kn, *tn;
    uint32_t kc, tc;
    pq_status st = pq_jpull_open(&kp, &ks, NULL, NULL, err);
    if (st == PQ_OK) st = pq_jpull_open(&tp, &ts, NULL, NULL, err);
    if (st == PQ_OK) st = pq_jpull_value(kp, &kn, &kc, err);
    if (st == PQ_OK) st = pq_jpull_value(tp, &tn, &tc, err);
    if (st == PQ_OK && (kn[0].type != PQ_JSON_ARRAY || tn[0].type != PQ_JSON_ARRAY))
        st = PQ_FAIL(err, PQ_ERR_CORRUPT, "parquant.json.keys/tables: not arrays");
    if (st == PQ_OK) st = pq_jemit_object_begin(e, err);
    char kv_key[1024 + 16];
    for (uint32_t c = 1; st == PQ_OK && c < kn[0].next; c = kn[c].next) {
        const pq_json_node *k = &kn[c];
        bool table = false;
        for (uint32_t t = 1; t < tn[0].next; t = tn[t].next)
            table |= tn[t].len == k->len && memcmp(tn[t].str, k->str, k->len) == 0;
        if (k->type != PQ_JSON_STRING || k->len > 1024) {
            st = PQ_FAIL(err, PQ_ERR_CORRUPT, "parquant.json.keys: not a list of keys");
            break;
        }
        st = pq_jemit_key(e, k->str, k->len, err);
        if (st) break;
        if (table) {
            st = ops_of(d->kind)->emit(d, k->str, k->len, e, err);
            continue;
        }
        snprintf(kv_key, sizeof kv_key, "necrozma.%.*s", (int)k->len, k->str);
        const char *text = pq_nz_doc_get(d, kv_key);
        if (text == NULL) st = PQ_FAIL(err, PQ_ERR_CORRUPT, "member \"%.*s\" missing from the footer", (int)k->len, k->str);
        else st = nz_emit_json_text(e, text, strlen(text), err);
    }
    if (st == PQ_OK) st = pq_jemit_object_end(e, err);
    pq_jpull_close(kp);
    pq_jpull_close(tp);
    pq_source_close(&ks);
    pq_source_close(&ts);
    return st;
}

pq_status nz_export_buf(const pq_nz_doc *d, pq_buf *out, pq_error *err)
{
    pq_jemit *e = malloc(sizeof *e);
    if (e == NULL) return PQ_NOMEM(err);
    pq_jemit_init_text(e, out, NULL, 2);
    pq_status st = emit_document(d, e, err);
    if (st == PQ_OK) st = pq_jemit_finish(e, err);
    free(e);
    return st;
}

pq_status pq_nz_export_file(const pq_nz_doc *d, const char *out_path, pq_error *err)
{
    bool to_stdout = strcmp(out_path, "-") == 0;
    pq_sink *sink = NULL;
    if (!to_stdout) PQ_TRY(pq_sink_open_file(&sink, out_path, NULL, err));
    pq_buf out;
    pq_buf_init(&out, NULL);
    pq_jemit *e = malloc(sizeof *e);
    pq_status st = e ? PQ_OK : PQ_NOMEM(err);
    if (st == PQ_OK) {
        pq_jemit_init_text(e, &out, sink, 2);
        st = emit_document(d, e, err);
        if (st == PQ_OK) st = pq_jemit_finish(e, err);
    }
    free(e);
    if (st == PQ_OK && to_stdout && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
        st = PQ_FAIL(err, PQ_ERR_IO, "writing to standard output: %s", strerror(errno));
    if (sink) {
        if (st == PQ_OK) st = pq_sink_close(sink, err);
        else pq_sink_abort(sink);
    }
    pq_buf_reset(&out);
    return st;
}

pq_status nz_digest_doc(const pq_nz_doc *d, uint8_t out[16], pq_error *err)
{
    pq_jdigest *dg = malloc(sizeof *dg);
    pq_jemit *e = malloc(sizeof *e);
    pq_status st = dg && e ? PQ_OK : PQ_NOMEM(err);
    if (st == PQ_OK) {
        pq_jdigest_init(dg);
        pq_jemit_init_digest(e, dg);
        st = emit_document(d, e, err);
        if (st == PQ_OK) st = pq_jemit_finish(e, err);
        if (st == PQ_OK) pq_jdigest_final(dg, out);
    }
    free(e);
    free(dg);
    return st;
}

pq_status nz_compare_source(const pq_nz_doc *d, const pq_source *src, pq_error *err)
{
    pq_jcompare *c = NULL;
    PQ_TRY(pq_jcompare_open(&c, src, NULL, err));
    pq_jemit *e = malloc(sizeof *e); /* ~5 KB of container state: not on the stack */
    pq_status st = e ? PQ_OK : PQ_NOMEM(err);
    if (st == PQ_OK) {
        pq_jemit_init_compare(e, c);
        st = emit_document(d, e, err);
        if (st == PQ_OK) st = pq_jemit_finish(e, err);
    }
    free(e);
    pq_jcompare_close(c);
    return st;
}

pq_status pq_nz_compare_json(const pq_nz_doc *d, const char *json_path, pq_error *err)
{
    pq_source src;
    PQ_TRY(pq_source_open_file_mode(&src, json_path, false, err));
    pq_status st = nz_compare_source(d, &src, err);
    pq_source_close(&src);
    if (st && err) snprintf(err->path, sizeof err->path, "%s", json_path);
    return st;
}
