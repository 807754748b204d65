/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/metadata_encode.c - encoders of the Parquet metadata structs
 * (parquet.thrift, compact protocol via thrift.h): FileMetaData, PageHeader,
 * ColumnIndex and OffsetIndex, the inverse of metadata.c.  Fields are
 * written in field-id order; absent optional fields (has_* false, NULL
 * pointers, PQ_CT_NONE, PQ_LT_NONE) are omitted.  Caller mistakes (a count
 * with a NULL array, an unknown enum) stop the writer with
 * PQ_ERR_INVALID_ARG; nothing is appended to `out` on failure.
 */
#include "parquet/metadata.h"

#include <stdarg.h>
#include <stdio.h>

#include "parquet/thrift.h"

/* Record a caller error in the writer's sticky state (first error wins). */
PQ_PRINTF(3, 4)
static void enc_fail(pq_thrift_writer *w, pq_status code, const char *fmt, ...)
{
    if (w->status != PQ_OK) return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->status = PQ_FAIL(w->err, code, "%s", msg);
}

/* An array argument must be non-NULL when it has elements, and n >= 0. */
static bool enc_array_ok(pq_thrift_writer *w, const void *p, int32_t n, const char *what)
{
    if (n >= 0 && (p || n == 0)) return true;
    enc_fail(w, PQ_ERR_INVALID_ARG, "%s: expected a non-NULL array of n >= 0 entries, found %s with n = %d", what,
             p ? "an array" : "NULL", (int)n);
    return false;
}

static void enc_string_field(pq_thrift_writer *w, int16_t id, const char *s)
{
    pq_thrift_write_binary_field(w, id, s, strlen(s));
}

static void enc_bytes_field(pq_thrift_writer *w, int16_t id, const uint8_t *p, int32_t n, const char *what)
{
    if (n < 0 || (!p && n > 0)) {
        enc_fail(w, PQ_ERR_INVALID_ARG, "%s: expected a byte string, found %s with length %d", what,
                 p ? "bytes" : "NULL", (int)n);
        return;
    }
    pq_thrift_write_binary_field(w, id, p, (size_t)n);
}

static void enc_statistics(pq_thrift_writer *w, int16_t id, const pq_statistics *s)
{
    pq_thrift_write_field(w, PQ_TT_STRUCT, id);
    pq_thrift_write_struct_begin(w);
    if (s->has_max) enc_bytes_field(w, 1, s->max, s->max_len, "Statistics.max");
    if (s->has_min) enc_bytes_field(w, 2, s->min, s->min_len, "Statistics.min");
    if (s->has_null_count) pq_thrift_write_i64_field(w, 3, s->null_count);
    if (s->has_distinct_count) pq_thrift_write_i64_field(w, 4, s->distinct_count);
    if (s->has_max_value) enc_bytes_field(w, 5, s->max_value, s->max_value_len, "Statistics.max_value");
    if (s->has_min_value) enc_bytes_field(w, 6, s->min_value, s->min_value_len, "Statistics.min_value");
    if (s->has_is_max_value_exact) pq_thrift_write_bool_field(w, 7, s->is_max_value_exact);
    if (s->has_is_min_value_exact) pq_thrift_write_bool_field(w, 8, s->is_min_value_exact);
    pq_thrift_write_struct_end(w);
}

/* An empty struct as a union member / field. */
static void enc_empty_struct(pq_thrift_writer *w, int16_t id)
{
    pq_thrift_write_field(w, PQ_TT_STRUCT, id);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_struct_end(w);
}

static void enc_logical_type(pq_thrift_writer *w, const pq_logical_type *lt)
{
    if (lt->kind < PQ_LT_STRING || lt->kind > PQ_LT_GEOGRAPHY || lt->kind == 9) {
        enc_fail(w, PQ_ERR_INVALID_ARG, "LogicalType: expected a member id 1..18, found %d", (int)lt->kind);
        return;
    }
    pq_thrift_write_field(w, PQ_TT_STRUCT, 10);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field(w, PQ_TT_STRUCT, (int16_t)lt->kind);
    pq_thrift_write_struct_begin(w);
    switch (lt->kind) {
    case PQ_LT_DECIMAL:
        pq_thrift_write_i32_field(w, 1, lt->scale);
        pq_thrift_write_i32_field(w, 2, lt->precision);
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        pq_thrift_write_bool_field(w, 1, lt->utc);
        pq_thrift_write_field(w, PQ_TT_STRUCT, 2);
        pq_thrift_write_struct_begin(w);
        enc_empty_struct(w, lt->unit == PQ_UNIT_MILLIS ? 1 : lt->unit == PQ_UNIT_MICROS ? 2 : 3);
        pq_thrift_write_struct_end(w);
        break;
    case PQ_LT_INTEGER:
        pq_thrift_write_field(w, PQ_TT_BYTE, 1);
        pq_thrift_write_byte(w, lt->bit_width);
        pq_thrift_write_bool_field(w, 2, lt->is_signed);
        break;
    default: break; /* empty member structs; GEOMETRY/GEOGRAPHY default crs */
    }
    pq_thrift_write_struct_end(w);
    pq_thrift_write_struct_end(w);
}

static void enc_schema_element(pq_thrift_writer *w, const pq_schema_element *e)
{
    if (!e->name) {
        enc_fail(w, PQ_ERR_INVALID_ARG, "SchemaElement.name: expected a string, found NULL");
        return;
    }
    pq_thrift_write_struct_begin(w);
    if (e->has_type) pq_thrift_write_i32_field(w, 1, (int32_t)e->type);
    if (e->type_length != 0 || (e->has_type && e->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY))
        pq_thrift_write_i32_field(w, 2, e->type_length);
    if (e->has_repetition) pq_thrift_write_i32_field(w, 3, (int32_t)e->repetition);
    enc_string_field(w, 4, e->name);
    if (e->has_num_children) pq_thrift_write_i32_field(w, 5, e->num_children);
    if (e->converted_type != PQ_CT_NONE) pq_thrift_write_i32_field(w, 6, (int32_t)e->converted_type);
    if (e->has_scale) pq_thrift_write_i32_field(w, 7, e->scale);
    if (e->has_precision) pq_thrift_write_i32_field(w, 8, e->precision);
    if (e->has_field_id) pq_thrift_write_i32_field(w, 9, e->field_id);
    /* An unknown member cannot be re-encoded: its content was skipped. */
    if (e->logical.kind != PQ_LT_NONE && e->logical.kind != PQ_LT_UNKNOWN_MEMBER) enc_logical_type(w, &e->logical);
    pq_thrift_write_struct_end(w);
}

static void enc_kv_list(pq_thrift_writer *w, int16_t id, const pq_kv *kv, int32_t n)
{
    if (!enc_array_ok(w, kv, n, "key_value_metadata")) return;
    pq_thrift_write_field(w, PQ_TT_LIST, id);
    pq_thrift_write_list(w, PQ_TT_STRUCT, n);
    for (int32_t i = 0; i < n; i++) {
        if (!kv[i].key) {
            enc_fail(w, PQ_ERR_INVALID_ARG, "KeyValue.key: expected a string, found NULL");
            return;
        }
        pq_thrift_write_struct_begin(w);
        enc_string_field(w, 1, kv[i].key);
        if (kv[i].value) enc_string_field(w, 2, kv[i].value);
        pq_thrift_write_struct_end(w);
    }
}

static void enc_column_meta_lists(pq_thrift_writer *w, const pq_column_meta *m)
{
    if (!enc_array_ok(w, m->encodings, m->n_encodings, "ColumnMetaData.encodings") ||
        !enc_array_ok(w, m->path_in_schema, m->n_path, "ColumnMetaData.path_in_schema"))
        return;
    pq_thrift_write_field(w, PQ_TT_LIST, 2);
    pq_thrift_write_list(w, PQ_TT_I32, m->n_encodings);
    for (int32_t i = 0; i < m->n_encodings; i++) pq_thrift_write_i32(w, (int32_t)m->encodings[i]);
    pq_thrift_write_field(w, PQ_TT_LIST, 3);
    pq_thrift_write_list(w, PQ_TT_BINARY, m->n_path);
    for (int32_t i = 0; i < m->n_path; i++) {
        const char *s = m->path_in_schema[i] ? m->path_in_schema[i] : "";
        pq_thrift_write_binary(w, s, strlen(s));
    }
}

static void enc_column_meta(pq_thrift_writer *w, const pq_column_meta *m)
{
    pq_thrift_write_field(w, PQ_TT_STRUCT, 3);
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_i32_field(w, 1, (int32_t)m->type);
    enc_column_meta_lists(w, m);
    pq_thrift_write_i32_field(w, 4, (int32_t)m->codec);
    pq_thrift_write_i64_field(w, 5, m->num_values);
    pq_thrift_write_i64_field(w, 6, m->total_uncompressed_size);
    pq_thrift_write_i64_field(w, 7, m->total_compressed_size);
    if (m->kv) enc_kv_list(w, 8, m->kv, m->n_kv);
    pq_thrift_write_i64_field(w, 9, m->data_page_offset);
    if (m->has_index_page_offset) pq_thrift_write_i64_field(w, 10, m->index_page_offset);
    if (m->has_dictionary_page_offset) pq_thrift_write_i64_field(w, 11, m->dictionary_page_offset);
    if (m->has_statistics) enc_statistics(w, 12, &m->statistics);
    if (m->encoding_stats && enc_array_ok(w, m->encoding_stats, m->n_encoding_stats, "encoding_stats")) {
        pq_thrift_write_field(w, PQ_TT_LIST, 13);
        pq_thrift_write_list(w, PQ_TT_STRUCT, m->n_encoding_stats);
        for (int32_t i = 0; i < m->n_encoding_stats; i++) {
            pq_thrift_write_struct_begin(w);
            pq_thrift_write_i32_field(w, 1, (int32_t)m->encoding_stats[i].page_type);
            pq_thrift_write_i32_field(w, 2, (int32_t)m->encoding_stats[i].encoding);
            pq_thrift_write_i32_field(w, 3, m->encoding_stats[i].count);
            pq_thrift_write_struct_end(w);
        }
    }
    if (m->has_bloom_filter_offset) pq_thrift_write_i64_field(w, 14, m->bloom_filter_offset);
    if (m->has_bloom_filter_length) pq_thrift_write_i32_field(w, 15, m->bloom_filter_length);
    pq_thrift_write_struct_end(w);
}

static void enc_column_chunk(pq_thrift_writer *w, const pq_column_chunk *c)
{
    if (c->encrypted) {
        enc_fail(w, PQ_ERR_UNSUPPORTED, "ColumnChunk: expected a plaintext column chunk, found an encrypted one");
        return;
    }
    pq_thrift_write_struct_begin(w);
    if (c->file_path) enc_string_field(w, 1, c->file_path);
    pq_thrift_write_i64_field(w, 2, c->file_offset);
    if (c->has_meta_data) enc_column_meta(w, &c->meta_data);
    if (c->has_offset_index) {
        pq_thrift_write_i64_field(w, 4, c->offset_index_offset);
        pq_thrift_write_i32_field(w, 5, c->offset_index_length);
    }
    if (c->has_column_index) {
        pq_thrift_write_i64_field(w, 6, c->column_index_offset);
        pq_thrift_write_i32_field(w, 7, c->column_index_length);
    }
    pq_thrift_write_struct_end(w);
}

static void enc_row_group(pq_thrift_writer *w, const pq_row_group_meta *g)
{
    if (!enc_array_ok(w, g->columns, g->n_columns, "RowGroup.columns")) return;
    pq_thrift_write_struct_begin(w);
    pq_thrift_write_field(w, PQ_TT_LIST, 1);
    pq_thrift_write_list(w, PQ_TT_STRUCT, g->n_columns);
    for (int32_t i = 0; i < g->n_columns; i++) enc_column_chunk(w, &g->columns[i]);
    pq_thrift_write_i64_field(w, 2, g->total_byte_size);
    pq_thrift_write_i64_field(w, 3, g->num_rows);
    if (g->sorting_columns && enc_array_ok(w, g->sorting_columns, g->n_sorting_columns, "sorting_columns")) {
        pq_thrift_write_field(w, PQ_TT_LIST, 4);
        pq_thrift_write_list(w, PQ_TT_STRUCT, g->n_sorting_columns);
        for (int32_t i = 0; i < g->n_sorting_columns; i++) {
            pq_thrift_write_struct_begin(w);
            pq_thrift_write_i32_field(w, 1, g->sorting_columns[i].column_idx);
            pq_thrift_write_bool_field(w, 2, g->sorting_columns[i].descending);
            pq_thrift_write_bool_field(w, 3, g->sorting_columns[i].nulls_first);
            pq_thrift_write_struct_end(w);
        }
    }
    if (g->has_file_offset) pq_thrift_write_i64_field(w, 5, g->file_offset);
    if (g->has_total_compressed_size) pq_thrift_write_i64_field(w, 6, g->total_compressed_size);
    if (g->has_ordinal) pq_thrift_write_i16_field(w, 7, g->ordinal);
    pq_thrift_write_struct_end(w);
}

/* column_orders: IEEE_754_TOTAL_ORDER where asked for, TYPE_DEFINED_ORDER
 * otherwise (unknown members cannot be re-encoded). */
static void enc_column_orders(pq_thrift_writer *w, const int32_t *o, int32_t n)
{
    if (!enc_array_ok(w, o, n, "column_orders")) return;
    pq_thrift_write_field(w, PQ_TT_LIST, 7);
    pq_thrift_write_list(w, PQ_TT_STRUCT, n);
    for (int32_t i = 0; i < n; i++) {
        pq_thrift_write_struct_begin(w);
        enc_empty_struct(w, o[i] == 2 ? 2 : 1);
        pq_thrift_write_struct_end(w);
    }
}

/* Turn the writer's state into the unit's status. */
static pq_status enc_finish(pq_thrift_writer *w, pq_buf *out, size_t start)
{
    if (w->status != PQ_OK) out->len = start; /* drop a partial encoding */
    return w->status;
}

pq_status pq_meta_encode_file(const pq_file_metadata *m, pq_buf *out, pq_error *err)
{
    pq_thrift_writer w;
    size_t start = out->len;
    pq_thrift_writer_init(&w, out, err);
    if (m->encrypted) enc_fail(&w, PQ_ERR_UNSUPPORTED, "FileMetaData: expected a plaintext footer, found encryption");
    if (!enc_array_ok(&w, m->schema, m->n_schema, "FileMetaData.schema") ||
        !enc_array_ok(&w, m->row_groups, m->n_row_groups, "FileMetaData.row_groups"))
        return enc_finish(&w, out, start);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_i32_field(&w, 1, m->version);
    pq_thrift_write_field(&w, PQ_TT_LIST, 2);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, m->n_schema);
    for (int32_t i = 0; i < m->n_schema; i++) enc_schema_element(&w, &m->schema[i]);
    pq_thrift_write_i64_field(&w, 3, m->num_rows);
    pq_thrift_write_field(&w, PQ_TT_LIST, 4);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, m->n_row_groups);
    for (int32_t i = 0; i < m->n_row_groups; i++) enc_row_group(&w, &m->row_groups[i]);
    if (m->kv) enc_kv_list(&w, 5, m->kv, m->n_kv);
    if (m->created_by) enc_string_field(&w, 6, m->created_by);
    if (m->column_orders) enc_column_orders(&w, m->column_orders, m->n_column_orders);
    pq_thrift_write_struct_end(&w);
    return enc_finish(&w, out, start);
}

pq_status pq_meta_encode_page_header(const pq_page_header *h, pq_buf *out, pq_error *err)
{
    pq_thrift_writer w;
    size_t start = out->len;
    pq_thrift_writer_init(&w, out, err);
    /* Headers are small: one reservation keeps the appends below cheap. */
    if (pq_buf_reserve(out, 64, err) != PQ_OK) return PQ_ERR_NOMEM;
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_i32_field(&w, 1, (int32_t)h->type);
    pq_thrift_write_i32_field(&w, 2, h->uncompressed_page_size);
    pq_thrift_write_i32_field(&w, 3, h->compressed_page_size);
    if (h->has_crc) pq_thrift_write_i32_field(&w, 4, (int32_t)h->crc);
    if (h->has_data_page) {
        const pq_data_page_header *d = &h->data_page;
        pq_thrift_write_field(&w, PQ_TT_STRUCT, 5);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, d->num_values);
        pq_thrift_write_i32_field(&w, 2, (int32_t)d->encoding);
        pq_thrift_write_i32_field(&w, 3, (int32_t)d->definition_level_encoding);
        pq_thrift_write_i32_field(&w, 4, (int32_t)d->repetition_level_encoding);
        if (d->has_statistics) enc_statistics(&w, 5, &d->statistics);
        pq_thrift_write_struct_end(&w);
    }
    if (h->has_dictionary_page) {
        const pq_dictionary_page_header *d = &h->dictionary_page;
        pq_thrift_write_field(&w, PQ_TT_STRUCT, 7);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, d->num_values);
        pq_thrift_write_i32_field(&w, 2, (int32_t)d->encoding);
        if (d->has_is_sorted) pq_thrift_write_bool_field(&w, 3, d->is_sorted);
        pq_thrift_write_struct_end(&w);
    }
    if (h->has_data_page_v2) {
        const pq_data_page_header_v2 *d = &h->data_page_v2;
        pq_thrift_write_field(&w, PQ_TT_STRUCT, 8);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, d->num_values);
        pq_thrift_write_i32_field(&w, 2, d->num_nulls);
        pq_thrift_write_i32_field(&w, 3, d->num_rows);
        pq_thrift_write_i32_field(&w, 4, (int32_t)d->encoding);
        pq_thrift_write_i32_field(&w, 5, d->definition_levels_byte_length);
        pq_thrift_write_i32_field(&w, 6, d->repetition_levels_byte_length);
        pq_thrift_write_bool_field(&w, 7, d->is_compressed); /* explicit, as parquet-java writes it */
        if (d->has_statistics) enc_statistics(&w, 8, &d->statistics);
        pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_struct_end(&w);
    return enc_finish(&w, out, start);
}

pq_status pq_meta_encode_column_index(const pq_column_index *ci, pq_buf *out, pq_error *err)
{
    pq_thrift_writer w;
    size_t start = out->len;
    pq_thrift_writer_init(&w, out, err);
    int32_t n = ci->n_pages;
    if (!enc_array_ok(&w, ci->null_pages, n, "ColumnIndex.null_pages") ||
        !enc_array_ok(&w, ci->min_values, n, "ColumnIndex.min_values") ||
        !enc_array_ok(&w, ci->max_values, n, "ColumnIndex.max_values") ||
        !enc_array_ok(&w, ci->min_lens, n, "ColumnIndex.min_lens") ||
        !enc_array_ok(&w, ci->max_lens, n, "ColumnIndex.max_lens") ||
        (ci->has_null_counts && !enc_array_ok(&w, ci->null_counts, n, "ColumnIndex.null_counts")))
        return enc_finish(&w, out, start);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field(&w, PQ_TT_LIST, 1);
    pq_thrift_write_list(&w, PQ_TT_BOOL_TRUE, n);
    for (int32_t i = 0; i < n; i++) pq_thrift_write_list_bool(&w, ci->null_pages[i]);
    for (int16_t id = 2; id <= 3; id++) {
        const uint8_t *const *v = id == 2 ? ci->min_values : ci->max_values;
        const int32_t *l = id == 2 ? ci->min_lens : ci->max_lens;
        pq_thrift_write_field(&w, PQ_TT_LIST, id);
        pq_thrift_write_list(&w, PQ_TT_BINARY, n);
        for (int32_t i = 0; i < n; i++) {
            if (l[i] < 0 || (!v[i] && l[i] > 0)) {
                enc_fail(&w, PQ_ERR_INVALID_ARG, "ColumnIndex: expected bounds bytes, found length %d", (int)l[i]);
                break;
            }
            pq_thrift_write_binary(&w, v[i], (size_t)l[i]);
        }
    }
    pq_thrift_write_i32_field(&w, 4, ci->boundary_order);
    if (ci->has_null_counts) {
        pq_thrift_write_field(&w, PQ_TT_LIST, 5);
        pq_thrift_write_list(&w, PQ_TT_I64, n);
        for (int32_t i = 0; i < n; i++) pq_thrift_write_i64(&w, ci->null_counts[i]);
    }
    pq_thrift_write_struct_end(&w);
    return enc_finish(&w, out, start);
}

pq_status pq_meta_encode_offset_index(const pq_offset_index *oi, pq_buf *out, pq_error *err)
{
    pq_thrift_writer w;
    size_t start = out->len;
    pq_thrift_writer_init(&w, out, err);
    if (!enc_array_ok(&w, oi->page_locations, oi->n_pages, "OffsetIndex.page_locations"))
        return enc_finish(&w, out, start);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_field(&w, PQ_TT_LIST, 1);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, oi->n_pages);
    for (int32_t i = 0; i < oi->n_pages; i++) {
        const pq_page_location *l = &oi->page_locations[i];
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i64_field(&w, 1, l->offset);
        pq_thrift_write_i32_field(&w, 2, l->compressed_page_size);
        pq_thrift_write_i64_field(&w, 3, l->first_row_index);
        pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_struct_end(&w);
    return enc_finish(&w, out, start);
}
