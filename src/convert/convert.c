/* SPDX-License-Identifier: Apache-2.0
 *
 * convert/convert.c - CSV / JSON to Parquet: the two-pass engine declared
 * in convert/infer.h and pq_convert_file (convert/convert.h).
 *
 * Pass 1 streams the input once through the CSV or JSON reader and infers
 * the schema (infer.c).  Pass 2 streams it again and fills pq_tables of at
 * most batch_rows rows that pq_convert_file hands to pq_writer_write.  Both
 * passes share one pq_source (mapped file), so the input is never held in
 * memory; a batch also ends early when it covers PQ_CONVERT_BATCH_BYTES of
 * input or, for wide CSV, when its fixed-width cells would pass that size,
 * so memory stays bounded whatever the shape of the file.
 *
 * CSV cells are written straight into the column buffers (array_internal.h
 * protocol: capacity reserved per chunk of rows, then direct stores), so
 * the per-cell cost is one switch and one parse.  JSON values go through
 * the pq_array append calls, recursing along the inferred schema tree.
 *
 * Every value converts exactly as pass 1 classified it; if it no longer
 * does (the file changed between the passes) pass 2 fails with PQ_ERR_TYPE.
 */
#include "convert/convert.h"

#include "convert/infer.h"
#include "table/array_internal.h"

#include <stdio.h>
#include <sys/stat.h>

#define PQ_CONVERT_BATCH_BYTES ((int64_t)128 << 20) /* input bytes per batch, at most */
#define PQ_CONVERT_CHUNK 1024                       /* rows reserved at a time */

struct pq_convert_reader {
    pq_convert_options opt;    /* copy; batch_rows resolved */
    const pq_allocator *alloc; /* opt.writer.alloc */
    const pq_source *src;      /* borrowed */
    size_t block;              /* bytes per read, 0 = default */
    pq_input_format format;    /* CSV or JSON once open */
    uint8_t delimiter;
    pq_schema schema;
    int64_t batch_rows;        /* rows per batch, after the wide-CSV cap */
    int64_t rows;              /* pass-2 rows returned */
    int64_t progress_bytes;    /* last byte count reported */
    pq_csv_reader *csv;        /* pass-2 readers */
    pq_json_reader *json;
    pq_json_infer ji;          /* JSON schema tree, used by pass 2 too */
    pq_buf scratch;            /* strtod copies and JSON text */
};

/* --------------------------------------------------------- small helpers */

/* Report progress when the reader has read new bytes. */
static void progress(pq_convert_reader *r, int pass, int64_t bytes, int64_t rows)
{
    if (!r->opt.progress || bytes == r->progress_bytes) return;
    r->progress_bytes = bytes;
    r->opt.progress(r->opt.progress_ctx, pass, bytes, r->src->size, rows);
}

/* Case-insensitive "name ends with ext". */
static bool ends_with(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    if (n < e) return false;
    for (size_t i = 0; i < e; i++) {
        char c = name[n - e + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != ext[i]) return false;
    }
    return true;
}

/* The format from the options, the extension, then the first byte that is
 * not whitespace ('{' or '[' is JSON). */
static pq_status detect_format(pq_convert_reader *r, const char *name, pq_error *err)
{
    r->format = r->opt.format;
    if (r->format != PQ_INPUT_AUTO) return PQ_OK;
    if (name && (ends_with(name, ".csv") || ends_with(name, ".tsv"))) r->format = PQ_INPUT_CSV;
    else if (name && (ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson")))
        r->format = PQ_INPUT_JSON;
    if (r->format != PQ_INPUT_AUTO) return PQ_OK;
    uint8_t head[4096];
    int64_t n = r->src->size < (int64_t)sizeof head ? r->src->size : (int64_t)sizeof head, i = 0;
    PQ_TRY(pq_source_copy(r->src, 0, n, head, err));
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
    r->format = i < n && (head[i] == '{' || head[i] == '[') ? PQ_INPUT_JSON : PQ_INPUT_CSV;
    return PQ_OK;
}

/* ---------------------------------------------------------------- CSV */

static pq_status csv_open(pq_convert_reader *r, pq_csv_reader **out, pq_error *err)
{
    pq_csv_options co;
    pq_csv_options_init(&co);
    co.delimiter = r->delimiter;
    co.block_size = r->block;
    return pq_csv_open(out, r->src, &co, r->alloc, err);
}

/* Pass 1 for CSV: classify every cell, then build the schema. */
static pq_status csv_infer(pq_convert_reader *r, pq_error *err)
{
    pq_csv_reader *csv;
    PQ_TRY(csv_open(r, &csv, err));
    int64_t n = pq_csv_num_columns(csv), rows = 0;
    pq_csv_column *cols = (pq_csv_column *)pq_calloc(r->alloc, (size_t)n, sizeof *cols);
    pq_status s = cols ? PQ_OK : PQ_NOMEM(err);
    for (pq_csv_record rec; s == PQ_OK;) {
        if ((s = pq_csv_next(csv, &rec, err)) != PQ_OK || rec.n_fields == 0) break;
        pq_csv_infer_record(cols, &rec);
        progress(r, 1, pq_csv_bytes_read(csv), ++rows);
    }
    /* the fields array is allocated at its final size: appending one by
     * one would copy it for every column of a wide file */
    if (s == PQ_OK && !(r->schema.fields = (pq_field *)pq_calloc(r->alloc, (size_t)n, sizeof(pq_field))))
        s = PQ_NOMEM(err);
    for (int64_t i = 0; i < n && s == PQ_OK; i++) {
        s = pq_field_init(&r->schema.fields[i], pq_csv_column_name(csv, i), pq_csv_column_type(&cols[i]), true,
                          r->alloc, err);
        if (s == PQ_OK) r->schema.n_fields = i + 1;
    }
    pq_free(r->alloc, cols);
    pq_csv_close(csv);
    return s;
}

/* Attach the data location of cell i of rec to the error just reported. */
static pq_status cell_error(pq_error *err, pq_status s, const pq_csv_record *rec, int64_t i)
{
    if (err) {
        const pq_csv_field *f0 = &rec->fields[0];
        err->where.line = rec->line;
        err->where.field = i + 1;
        err->where.offset = rec->offset + (f0->quoted ? 1 : 0) + (int64_t)(rec->fields[i].ptr - f0->ptr);
    }
    return s;
}

/* Bytes per value of the kinds a CSV column can have (0: bits or bytes). */
static inline size_t csv_width(pq_kind k)
{
    switch (k) {
    case PQ_KIND_INT: case PQ_KIND_DOUBLE: case PQ_KIND_TIMESTAMP: return 8;
    case PQ_KIND_DATE: return 4;
    case PQ_KIND_DECIMAL: return 16;
    default: return 0;
    }
}

/* Store a null in slot a->length (capacity reserved, bitmap present). */
static void put_null(pq_array *a)
{
    int64_t i = a->length;
    pq_array_set_null(a, i);
    a->null_count++;
    size_t w = csv_width(a->type.kind);
    if (a->type.kind == PQ_KIND_BOOL) pq_bit_clear(a->values, i);
    else if (w) memset(a->values + (size_t)i * w, 0, w);
    if (a->offsets) a->offsets[i + 1] = a->offsets[i];
    a->length = i + 1;
}

/* Parse a TIMESTAMP (or DATE) cell into the column's unit. */
static bool cell_timestamp(const pq_array *a, const pq_csv_field *f, int64_t *v)
{
    pq_text_ts ts;
    if (!pq_text_timestamp(f->ptr, f->len, &ts)) return false;
    if (ts.sub_micro && a->type.unit != PQ_UNIT_NANOS) return false;
    return pq_text_ts_value(&ts, a->type.unit, v);
}

/* Store the value of a non-empty cell in slot a->length; false when it is
 * not of the column's type. */
static pq_status put_value(pq_convert_reader *r, pq_array *a, const pq_csv_field *f, bool *ok, pq_error *err)
{
    int64_t i = a->length, v;
    size_t w = csv_width(a->type.kind);
    uint8_t *dst = w ? a->values + (size_t)i * w : NULL; /* fixed-width kinds only */
    bool b;
    *ok = true;
    switch (a->type.kind) {
    case PQ_KIND_STRING:
        PQ_TRY(pq_array_reserve_data(a, f->len, err));
        if (f->len) memcpy(a->values + a->values_len, f->ptr, f->len);
        a->values_len += f->len;
        a->offsets[i + 1] = (int64_t)a->values_len;
        break;
    case PQ_KIND_BOOL:
        if (!(*ok = pq_text_bool(f->ptr, f->len, &b))) break;
        if (b) pq_bit_set(a->values, i);
        else pq_bit_clear(a->values, i);
        break;
    case PQ_KIND_INT:
        if ((*ok = pq_text_int(f->ptr, f->len, &v) == PQ_TEXT_INT64)) memcpy(dst, &v, 8);
        break;
    case PQ_KIND_DECIMAL: *ok = pq_text_int128(f->ptr, f->len, dst); break;
    case PQ_KIND_DOUBLE: {
        double d;
        PQ_TRY(pq_text_double(f->ptr, f->len, &r->scratch, &d, err)); /* PQ_ERR_TYPE if not a number */
        memcpy(dst, &d, 8);
        break;
    }
    case PQ_KIND_DATE: {
        int32_t d;
        if ((*ok = pq_text_date(f->ptr, f->len, &d))) memcpy(dst, &d, 4);
        break;
    }
    case PQ_KIND_TIMESTAMP:
        if ((*ok = cell_timestamp(a, f, &v))) memcpy(dst, &v, 8);
        break;
    default: return PQ_FAIL(err, PQ_ERR_INTERNAL, "CSV column of unexpected kind %d", (int)a->type.kind);
    }
    if (*ok) {
        pq_bit_set(a->validity, i);
        a->length = i + 1;
    }
    return PQ_OK;
}

/* Convert cell i of rec into column a. */
static pq_status put_cell(pq_convert_reader *r, pq_array *a, const pq_csv_record *rec, int64_t i, pq_error *err)
{
    const pq_csv_field *f = &rec->fields[i];
    if (f->len == 0 && !(f->quoted && a->type.kind == PQ_KIND_STRING)) {
        put_null(a);
        return PQ_OK;
    }
    bool ok;
    pq_status s = put_value(r, a, f, &ok, err);
    if (s != PQ_OK) return cell_error(err, s, rec, i);
    if (ok) return PQ_OK;
    char tn[48];
    return cell_error(err, PQ_FAIL(err, PQ_ERR_TYPE, "expected a value of type %s (inferred in the first pass), found '%.*s'",
                                   pq_type_name(&a->type, tn, sizeof tn), (int)(f->len > 64 ? 64 : f->len),
                                   (const char *)f->ptr),
                      rec, i);
}

/* Make room for the next `rows` rows in every column. */
static pq_status reserve_rows(pq_table *t, int64_t rows, pq_error *err)
{
    for (int64_t c = 0; c < t->schema.n_fields; c++) {
        PQ_TRY(pq_array_ensure_validity(&t->columns[c], err));
        PQ_TRY(pq_array_reserve(&t->columns[c], rows, err));
    }
    return PQ_OK;
}

/* Pass 2 for CSV: the next batch into t. */
static pq_status csv_batch(pq_convert_reader *r, pq_table *t, pq_error *err)
{
    int64_t rows = 0, first = -1, n = t->schema.n_fields;
    pq_csv_record rec;
    while (rows < r->batch_rows) {
        PQ_TRY(pq_csv_next(r->csv, &rec, err));
        if (rec.n_fields == 0) break;
        if (rows % PQ_CONVERT_CHUNK == 0) PQ_TRY(reserve_rows(t, PQ_CONVERT_CHUNK, err));
        for (int64_t i = 0; i < n; i++) PQ_TRY(put_cell(r, &t->columns[i], &rec, i, err));
        rows++;
        progress(r, 2, pq_csv_bytes_read(r->csv), r->rows + rows);
        if (first < 0) first = rec.offset;
        if (rec.offset - first > PQ_CONVERT_BATCH_BYTES) break;
    }
    t->num_rows = rows;
    return PQ_OK;
}

/* ---------------------------------------------------------------- JSON */

static pq_status json_open(pq_convert_reader *r, pq_json_reader **out, pq_error *err)
{
    pq_json_options jo;
    pq_json_options_init(&jo);
    jo.block_size = r->block;
    return pq_json_open(out, r->src, &jo, r->alloc, err);
}

/* Attach a record's location to the error just reported. */
static pq_status record_error(pq_error *err, pq_status s, const pq_json_record *rec)
{
    if (err) {
        err->where.line = rec->line;
        err->where.record = rec->index;
        err->where.offset = rec->offset;
    }
    return s;
}

/* Pass 1 for JSON: merge every record into the schema tree. */
static pq_status json_infer(pq_convert_reader *r, pq_error *err)
{
    pq_json_reader *jr;
    PQ_TRY(json_open(r, &jr, err));
    pq_status s;
    for (pq_json_record rec;;) {
        if ((s = pq_json_next(jr, &rec, err)) != PQ_OK || !rec.nodes) break;
        if ((s = pq_json_infer_record(&r->ji, &rec, err)) != PQ_OK) {
            record_error(err, s, &rec);
            break;
        }
        progress(r, 1, pq_json_bytes_read(jr), r->ji.records);
    }
    pq_json_close(jr);
    if (s == PQ_OK) s = pq_json_infer_finish(&r->ji, &r->schema, err);
    return s;
}

static const char *json_type_name(uint8_t t)
{
    static const char *const names[] = {"null", "false", "true", "integer", "integer", "number", "string", "array",
                                        "object"};
    return t <= PQ_JSON_OBJECT ? names[t] : "?";
}

/* A value that does not fit the inferred node: the input changed. */
static pq_status json_mismatch(const pq_jnode *t, const pq_json_node *v, pq_error *err)
{
    static const char *const kinds[] = {"null", "bool", "int64", "decimal(38,0)", "double", "string", "list",
                                        "struct", "text"};
    return PQ_FAIL(err, PQ_ERR_TYPE, "expected a value of type %s (inferred in the first pass), found a JSON %s",
                   t->kind <= PQ_J_TEXT ? kinds[t->kind] : "?", json_type_name(v->type));
}

static pq_status json_value(pq_convert_reader *r, pq_jnode *t, pq_array *a, const pq_json_node *nodes, uint32_t vi,
                            pq_error *err);

/* Fill the children of STRUCT array `cols` (n_fields of t) from object vi;
 * with duplicate keys the last one wins. */
static pq_status json_members(pq_convert_reader *r, pq_jnode *t, pq_array *cols, const pq_json_node *nodes,
                              uint32_t vi, pq_error *err)
{
    memset(t->slots, 0xff, (size_t)t->n_fields * sizeof(uint32_t));
    t->hint = 0;
    uint32_t c = vi + 1;
    for (uint32_t k = 0; k < nodes[vi].count; k++, c = nodes[c + 1].next) {
        int64_t f = pq_jnode_find(t, nodes[c].str, nodes[c].len);
        if (f < 0)
            return PQ_FAIL(err, PQ_ERR_TYPE, "expected a key inferred in the first pass, found \"%.*s\"",
                           (int)(nodes[c].len > 64 ? 64 : nodes[c].len), nodes[c].str);
        t->slots[f] = c + 1;
    }
    for (uint32_t f = 0; f < t->n_fields; f++) {
        if (t->slots[f] == UINT32_MAX) PQ_TRY(pq_array_append_null(&cols[f], err));
        else PQ_TRY(json_value(r, &t->fields[f].type, &cols[f], nodes, t->slots[f], err));
    }
    return PQ_OK;
}

/* Append a number node to a DECIMAL or DOUBLE array. */
static pq_status json_number(pq_convert_reader *r, pq_array *a, const pq_json_node *v, pq_error *err)
{
    if (a->type.kind == PQ_KIND_DECIMAL) {
        uint8_t d[16];
        if (!pq_text_int128((const uint8_t *)v->str, v->len, d))
            return PQ_FAIL(err, PQ_ERR_TYPE, "expected an integer of at most 38 digits, found %.*s",
                           (int)(v->len > 64 ? 64 : v->len), v->str);
        return pq_array_append_fixed(a, d, err);
    }
    double d;
    PQ_TRY(pq_text_double((const uint8_t *)v->str, v->len, &r->scratch, &d, err));
    return pq_array_append_double(a, d, err);
}

/* Append value vi, of inferred node t, to array a. */
static pq_status json_value(pq_convert_reader *r, pq_jnode *t, pq_array *a, const pq_json_node *nodes, uint32_t vi,
                            pq_error *err)
{
    const pq_json_node *v = &nodes[vi];
    uint8_t vt = v->type;
    if (vt == PQ_JSON_NULL) return pq_array_append_null(a, err);
    switch ((pq_jkind)t->kind) {
    case PQ_J_BOOL:
        if (vt != PQ_JSON_TRUE && vt != PQ_JSON_FALSE) break;
        return pq_array_append_bool(a, vt == PQ_JSON_TRUE, err);
    case PQ_J_INT:
        if (vt != PQ_JSON_INT) break;
        return pq_array_append_i64(a, v->i, err);
    case PQ_J_DECIMAL:
        if (vt != PQ_JSON_INT && vt != PQ_JSON_BIGINT) break;
        return json_number(r, a, v, err);
    case PQ_J_DOUBLE:
        if (vt != PQ_JSON_INT && vt != PQ_JSON_BIGINT && vt != PQ_JSON_DOUBLE) break;
        return json_number(r, a, v, err);
    case PQ_J_STRING:
        if (vt != PQ_JSON_STRING) break;
        return pq_array_append_bytes(a, v->str, v->len, err);
    case PQ_J_TEXT:
        if (vt == PQ_JSON_STRING) return pq_array_append_bytes(a, v->str, v->len, err);
        r->scratch.len = 0;
        PQ_TRY(pq_json_write(nodes, vi, &r->scratch, err));
        return pq_array_append_bytes(a, r->scratch.data, r->scratch.len, err);
    case PQ_J_LIST: {
        if (vt != PQ_JSON_ARRAY) break;
        uint32_t c = vi + 1;
        for (uint32_t k = 0; k < v->count; k++, c = nodes[c].next)
            PQ_TRY(json_value(r, t->elem, &a->children[0], nodes, c, err));
        return pq_array_append_valid(a, err);
    }
    case PQ_J_STRUCT:
        if (vt != PQ_JSON_OBJECT) break;
        PQ_TRY(json_members(r, t, a->children, nodes, vi, err));
        return pq_array_append_valid(a, err);
    case PQ_J_NULL: break;
    }
    return json_mismatch(t, v, err);
}

/* Pass 2 for JSON: the next batch into t. */
static pq_status json_batch(pq_convert_reader *r, pq_table *t, pq_error *err)
{
    int64_t rows = 0, first = -1;
    pq_json_record rec;
    while (rows < r->batch_rows) {
        PQ_TRY(pq_json_next(r->json, &rec, err));
        if (!rec.nodes) break;
        pq_status s = json_members(r, &r->ji.root, t->columns, rec.nodes, 0, err);
        if (s != PQ_OK) return record_error(err, s, &rec);
        rows++;
        progress(r, 2, pq_json_bytes_read(r->json), r->rows + rows);
        if (first < 0) first = rec.offset;
        if (rec.offset - first > PQ_CONVERT_BATCH_BYTES) break;
    }
    t->num_rows = rows;
    return PQ_OK;
}

/* ---------------------------------------------------------- the engine */

/* Resolve defaults and check the options. */
static pq_status setup(pq_convert_reader *r, const pq_convert_options *o, const char *name, pq_error *err)
{
    r->opt = *o;
    r->alloc = o->writer.alloc;
    if (o->batch_rows < 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected batch_rows >= 0, found %lld", (long long)o->batch_rows);
    r->batch_rows = o->batch_rows ? o->batch_rows : 65536;
    uint8_t d = (uint8_t)o->delimiter;
    if (d == 0) d = name && ends_with(name, ".tsv") ? '\t' : ',';
    if (d == '"' || d == '\n' || d == '\r' || d >= 0x80)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an ASCII delimiter other than quote, CR and LF, found 0x%02X",
                       d);
    r->delimiter = d;
    return PQ_OK;
}

/* Cap the rows of a batch so that wide tables stay within the batch size:
 * every cell costs up to 16 bytes plus its bitmap bit, whatever its text. */
static void cap_batch_rows(pq_convert_reader *r)
{
    int64_t per_row = r->schema.n_fields * 17 + 1, cap = PQ_CONVERT_BATCH_BYTES / per_row;
    if (cap < 16) cap = 16;
    if (r->batch_rows > cap) r->batch_rows = cap;
}

pq_status pq_convert_reader_open(pq_convert_reader **out, const pq_source *src, const char *name,
                                 const pq_convert_options *o, size_t block_size, pq_error *err)
{
    *out = NULL;
    pq_convert_options def;
    if (!o) {
        pq_convert_options_init(&def);
        o = &def;
    }
    pq_convert_reader *r = (pq_convert_reader *)pq_calloc(o->writer.alloc, 1, sizeof *r);
    if (!r) return PQ_NOMEM(err);
    r->src = src;
    r->block = block_size;
    pq_schema_init(&r->schema, o->writer.alloc);
    pq_json_infer_init(&r->ji, o->writer.alloc);
    pq_buf_init(&r->scratch, o->writer.alloc);
    pq_status s = setup(r, o, name, err);
    if (s == PQ_OK) s = detect_format(r, name, err);
    if (s == PQ_OK) s = r->format == PQ_INPUT_CSV ? csv_infer(r, err) : json_infer(r, err);
    r->progress_bytes = 0;
    if (s == PQ_OK) s = r->format == PQ_INPUT_CSV ? csv_open(r, &r->csv, err) : json_open(r, &r->json, err);
    if (s == PQ_OK && r->csv && pq_csv_num_columns(r->csv) != r->schema.n_fields)
        s = PQ_FAIL(err, PQ_ERR_TYPE, "expected %lld columns in the header, found %lld (the input changed)",
                    (long long)r->schema.n_fields, (long long)pq_csv_num_columns(r->csv));
    if (s != PQ_OK) {
        pq_convert_reader_close(r);
        return s;
    }
    cap_batch_rows(r);
    *out = r;
    return PQ_OK;
}

const pq_schema *pq_convert_reader_schema(const pq_convert_reader *r) { return &r->schema; }

int64_t pq_convert_reader_rows(const pq_convert_reader *r) { return r->rows; }

pq_status pq_convert_reader_next(pq_convert_reader *r, pq_table *t, pq_error *err)
{
    pq_table_clear(t);
    if (t->schema.n_fields != r->schema.n_fields)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a table of %lld columns, found %lld",
                       (long long)r->schema.n_fields, (long long)t->schema.n_fields);
    PQ_TRY(r->csv ? csv_batch(r, t, err) : json_batch(r, t, err));
    r->rows += t->num_rows;
    return PQ_OK;
}

void pq_convert_reader_close(pq_convert_reader *r)
{
    if (!r) return;
    const pq_allocator *a = r->alloc;
    pq_csv_close(r->csv);
    pq_json_close(r->json);
    pq_json_infer_reset(&r->ji);
    pq_schema_reset(&r->schema);
    pq_buf_reset(&r->scratch);
    pq_free(a, r);
}

/* ------------------------------------------------------ pq_convert_file */

void pq_convert_options_init(pq_convert_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = PQ_INPUT_AUTO;
    pq_writer_options_init(&o->writer);
}

/* Name the file an error is about, unless the detecting function did. */
static void set_path(pq_error *err, const char *path)
{
    if (err && !err->path[0]) snprintf(err->path, sizeof err->path, "%s", path);
}

/* Pass 2 into the writer: every batch, then close (which frees w). */
static pq_status write_all(pq_convert_reader *r, pq_writer *w, bool *writer_failed, pq_error *err)
{
    pq_table t;
    pq_status s = pq_table_init(&t, &r->schema, err);
    while (s == PQ_OK) {
        if ((s = pq_convert_reader_next(r, &t, err)) != PQ_OK || t.num_rows == 0) break;
        if ((s = pq_writer_write(w, &t, err)) != PQ_OK) *writer_failed = true;
    }
    pq_table_reset(&t);
    if (s != PQ_OK) {
        pq_writer_abort(w);
        return s;
    }
    s = pq_writer_close(w, err);
    if (s != PQ_OK) *writer_failed = true;
    return s;
}

pq_status pq_convert_file(const char *in_path, const char *out_path, const pq_convert_options *o,
                          pq_convert_stats *stats, pq_error *err)
{
    pq_error_clear(err);
    if (stats) memset(stats, 0, sizeof *stats);
    pq_convert_options def;
    if (!o) {
        pq_convert_options_init(&def);
        o = &def;
    }
    pq_source src;
    pq_convert_reader *r = NULL;
    pq_writer *w = NULL;
    bool writer_failed = false;
    pq_status s = pq_source_open_file(&src, in_path, err);
    if (s != PQ_OK) {
        set_path(err, in_path);
        return s;
    }
    struct stat si, so;
    /* the temporary file would be renamed over the input: refuse before a byte is written */
    if (stat(in_path, &si) == 0 && stat(out_path, &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
        pq_source_close(&src);
        s = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected an output other than the input, found the same file");
        set_path(err, out_path);
        return s;
    }
    s = pq_convert_reader_open(&r, &src, in_path, o, 0, err);
    if (s == PQ_OK && (s = pq_writer_open(&w, out_path, &r->schema, &o->writer, err)) != PQ_OK) writer_failed = true;
    if (s == PQ_OK) s = write_all(r, w, &writer_failed, err);
    if (s == PQ_OK && stats) {
        struct stat st;
        stats->rows = r->rows;
        stats->columns = r->schema.n_fields;
        stats->bytes_in = src.size;
        stats->bytes_out = stat(out_path, &st) == 0 ? (int64_t)st.st_size : -1;
    }
    if (s != PQ_OK) set_path(err, writer_failed ? out_path : in_path);
    pq_convert_reader_close(r);
    pq_source_close(&src);
    return s;
}
