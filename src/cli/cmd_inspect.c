/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_inspect.c - `parquant inspect FILE [--json]`: what a Parquet file
 * holds, from its footer alone: logical schema with Parquet physical types,
 * row count, key/value metadata, and per row group and column chunk the
 * codec, encodings, sizes and statistics.  --json prints the same as one
 * JSON document (format in docs/cli.md).
 */
#include "cli/cli.h"
#include "core/core.h"
#include "parquant/parquet.h"
#include "table/canon.h"

#include <string.h>

static const char INSPECT_USAGE[] = "usage: parquant inspect FILE [--json]\n";

/* ----------------------------------------------------------- text form */

static void print_field(const pq_reader *r, const pq_field *f, int depth, int64_t *leaf)
{
    char tn[64];
    printf("%*s%s: %s", 2 + 2 * depth, "", f->name, pq_type_name(&f->type, tn, sizeof tn));
    if (f->n_children == 0) {
        const pq_schema_element *el = pq_reader_leaf_element(r, *leaf);
        if (el && el->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
            printf(" (FIXED_LEN_BYTE_ARRAY(%d)", el->type_length);
        else printf(" (%s", el ? pq_physical_name(el->type) : "?");
        printf(", %s)\n", f->nullable ? "optional" : "required");
        (*leaf)++;
        return;
    }
    printf(" (%s)\n", f->nullable ? "optional" : "required");
    for (int64_t i = 0; i < f->n_children; i++) print_field(r, &f->children[i], depth + 1, leaf);
}

static void encodings_text(const pq_column_meta *cm, char *buf, size_t cap)
{
    size_t n = 0;
    snprintf(buf, cap, "(none)");
    for (int32_t i = 0; i < cm->n_encodings && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "," : "", pq_encoding_name(cm->encodings[i]));
}

/* Statistics min/max: the column-order fields, else the legacy ones. */
static void stat_minmax(const pq_statistics *st, const uint8_t **mn, int32_t *mnl, const uint8_t **mx, int32_t *mxl)
{
    *mn = *mx = NULL;
    if (st->has_min_value) { *mn = st->min_value; *mnl = st->min_value_len; }
    else if (st->has_min) { *mn = st->min; *mnl = st->min_len; }
    if (st->has_max_value) { *mx = st->max_value; *mxl = st->max_value_len; }
    else if (st->has_max) { *mx = st->max; *mxl = st->max_len; }
}

static void print_text(const pq_reader *r, const char *path)
{
    const pq_file_metadata *m = pq_reader_metadata(r);
    printf("file: %s\n", path);
    printf("created_by: %s\n", m->created_by ? m->created_by : "(none)");
    printf("format version: %d\n", m->version);
    printf("rows: %lld\n", (long long)pq_reader_num_rows(r));
    printf("row groups: %lld\n", (long long)pq_reader_num_row_groups(r));
    printf("columns: %lld leaves\n", (long long)pq_reader_num_leaves(r));
    if (m->n_kv) {
        printf("key-value metadata:\n");
        for (int32_t i = 0; i < m->n_kv; i++) {
            const char *v = m->kv[i].value;
            size_t vl = v ? strlen(v) : 0;
            printf("  %s = %.*s%s\n", m->kv[i].key, (int)(vl > 200 ? 200 : vl), v ? v : "(null)",
                   vl > 200 ? "..." : "");
        }
    }
    printf("schema:\n");
    const pq_schema *s = pq_reader_schema(r);
    int64_t leaf = 0;
    for (int64_t i = 0; i < s->n_fields; i++) print_field(r, &s->fields[i], 0, &leaf);
    for (int32_t g = 0; g < m->n_row_groups; g++) {
        const pq_row_group_meta *rg = &m->row_groups[g];
        printf("row group %d: %lld rows, %lld bytes uncompressed\n", g, (long long)rg->num_rows,
               (long long)rg->total_byte_size);
        for (int32_t c = 0; c < rg->n_columns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            const pq_column_meta *cm = &cc->meta_data;
            char enc[256];
            encodings_text(cm, enc, sizeof enc);
            printf("  %s: %s %s, encodings %s, values %lld, compressed %lld B, uncompressed %lld B",
                   pq_reader_leaf_path(r, c) ? pq_reader_leaf_path(r, c) : "?", pq_physical_name(cm->type),
                   pq_codec_name(cm->codec), enc, (long long)cm->num_values, (long long)cm->total_compressed_size,
                   (long long)cm->total_uncompressed_size);
            if (cm->has_statistics) {
                const pq_statistics *st = &cm->statistics;
                const pq_schema_element *el = pq_reader_leaf_element(r, c);
                const uint8_t *mn, *mx;
                int32_t mnl = 0, mxl = 0;
                char b1[128], b2[128];
                stat_minmax(st, &mn, &mnl, &mx, &mxl);
                if (mn && el) printf(", min %s", pq_stat_value_text(el, mn, (size_t)mnl, b1, sizeof b1));
                if (mx && el) printf(", max %s", pq_stat_value_text(el, mx, (size_t)mxl, b2, sizeof b2));
                if (st->has_null_count) printf(", nulls %lld", (long long)st->null_count);
            }
            printf("\n");
        }
    }
}

/* ----------------------------------------------------------- JSON form */

static pq_status js(pq_buf *o, const char *s) { return pq_buf_append(o, s, strlen(s), NULL); }

static pq_status js_str(pq_buf *o, const char *s)
{
    if (!s) return js(o, "null");
    return pq_canon_json_string(s, strlen(s), o, NULL);
}

static pq_status js_i64(pq_buf *o, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    return js(o, b);
}

static pq_status json_field(const pq_reader *r, const pq_field *f, int64_t *leaf, pq_buf *o)
{
    char tn[64];
    PQ_TRY(js(o, "{\"name\":"));
    PQ_TRY(js_str(o, f->name));
    PQ_TRY(js(o, ",\"type\":"));
    PQ_TRY(js_str(o, pq_type_name(&f->type, tn, sizeof tn)));
    PQ_TRY(js(o, f->nullable ? ",\"nullable\":true" : ",\"nullable\":false"));
    if (f->n_children == 0) {
        const pq_schema_element *el = pq_reader_leaf_element(r, *leaf);
        PQ_TRY(js(o, ",\"physical_type\":"));
        PQ_TRY(js_str(o, el ? pq_physical_name(el->type) : NULL));
        if (el && el->type == PQ_PHYS_FIXED_LEN_BYTE_ARRAY) {
            PQ_TRY(js(o, ",\"type_length\":"));
            PQ_TRY(js_i64(o, el->type_length));
        }
        PQ_TRY(js(o, ",\"path\":"));
        PQ_TRY(js_str(o, pq_reader_leaf_path(r, *leaf)));
        (*leaf)++;
        return js(o, "}");
    }
    PQ_TRY(js(o, ",\"children\":["));
    for (int64_t i = 0; i < f->n_children; i++) {
        if (i) PQ_TRY(js(o, ","));
        PQ_TRY(json_field(r, &f->children[i], leaf, o));
    }
    return js(o, "]}");
}

static pq_status json_chunk(const pq_reader *r, int32_t c, const pq_column_chunk *cc, pq_buf *o)
{
    const pq_column_meta *cm = &cc->meta_data;
    PQ_TRY(js(o, "{\"path\":"));
    PQ_TRY(js_str(o, pq_reader_leaf_path(r, c)));
    PQ_TRY(js(o, ",\"physical_type\":"));
    PQ_TRY(js_str(o, pq_physical_name(cm->type)));
    PQ_TRY(js(o, ",\"codec\":"));
    PQ_TRY(js_str(o, pq_codec_name(cm->codec)));
    PQ_TRY(js(o, ",\"encodings\":["));
    for (int32_t i = 0; i < cm->n_encodings; i++) {
        if (i) PQ_TRY(js(o, ","));
        PQ_TRY(js_str(o, pq_encoding_name(cm->encodings[i])));
    }
    PQ_TRY(js(o, "],\"num_values\":"));
    PQ_TRY(js_i64(o, cm->num_values));
    PQ_TRY(js(o, ",\"compressed_size\":"));
    PQ_TRY(js_i64(o, cm->total_compressed_size));
    PQ_TRY(js(o, ",\"uncompressed_size\":"));
    PQ_TRY(js_i64(o, cm->total_uncompressed_size));
    PQ_TRY(js(o, ",\"data_page_offset\":"));
    PQ_TRY(js_i64(o, cm->data_page_offset));
    if (cm->has_dictionary_page_offset) {
        PQ_TRY(js(o, ",\"dictionary_page_offset\":"));
        PQ_TRY(js_i64(o, cm->dictionary_page_offset));
    }
    PQ_TRY(js(o, cc->has_column_index ? ",\"column_index\":true" : ",\"column_index\":false"));
    PQ_TRY(js(o, cc->has_offset_index ? ",\"offset_index\":true" : ",\"offset_index\":false"));
    if (cm->has_statistics) {
        const pq_statistics *st = &cm->statistics;
        const pq_schema_element *el = pq_reader_leaf_element(r, c);
        const uint8_t *mn, *mx;
        int32_t mnl = 0, mxl = 0;
        char b[512];
        stat_minmax(st, &mn, &mnl, &mx, &mxl);
        PQ_TRY(js(o, ",\"statistics\":{"));
        bool first = true;
        if (mn && el) {
            PQ_TRY(js(o, "\"min\":"));
            PQ_TRY(js_str(o, pq_stat_value_text(el, mn, (size_t)mnl, b, sizeof b)));
            first = false;
        }
        if (mx && el) {
            PQ_TRY(js(o, first ? "\"max\":" : ",\"max\":"));
            PQ_TRY(js_str(o, pq_stat_value_text(el, mx, (size_t)mxl, b, sizeof b)));
            first = false;
        }
        if (st->has_null_count) {
            PQ_TRY(js(o, first ? "\"null_count\":" : ",\"null_count\":"));
            PQ_TRY(js_i64(o, st->null_count));
            first = false;
        }
        if (st->has_distinct_count) {
            PQ_TRY(js(o, first ? "\"distinct_count\":" : ",\"distinct_count\":"));
            PQ_TRY(js_i64(o, st->distinct_count));
        }
        PQ_TRY(js(o, "}"));
    }
    return js(o, "}");
}

static pq_status print_json(const pq_reader *r, const char *path, pq_buf *o)
{
    const pq_file_metadata *m = pq_reader_metadata(r);
    PQ_TRY(js(o, "{\"file\":"));
    PQ_TRY(js_str(o, path));
    PQ_TRY(js(o, ",\"created_by\":"));
    PQ_TRY(js_str(o, m->created_by));
    PQ_TRY(js(o, ",\"version\":"));
    PQ_TRY(js_i64(o, m->version));
    PQ_TRY(js(o, ",\"num_rows\":"));
    PQ_TRY(js_i64(o, pq_reader_num_rows(r)));
    PQ_TRY(js(o, ",\"key_value_metadata\":{"));
    for (int32_t i = 0; i < m->n_kv; i++) {
        if (i) PQ_TRY(js(o, ","));
        PQ_TRY(js_str(o, m->kv[i].key));
        PQ_TRY(js(o, ":"));
        PQ_TRY(js_str(o, m->kv[i].value));
    }
    PQ_TRY(js(o, "},\"schema\":["));
    const pq_schema *s = pq_reader_schema(r);
    int64_t leaf = 0;
    for (int64_t i = 0; i < s->n_fields; i++) {
        if (i) PQ_TRY(js(o, ","));
        PQ_TRY(json_field(r, &s->fields[i], &leaf, o));
    }
    PQ_TRY(js(o, "],\"row_groups\":["));
    for (int32_t g = 0; g < m->n_row_groups; g++) {
        const pq_row_group_meta *rg = &m->row_groups[g];
        if (g) PQ_TRY(js(o, ","));
        PQ_TRY(js(o, "{\"num_rows\":"));
        PQ_TRY(js_i64(o, rg->num_rows));
        PQ_TRY(js(o, ",\"total_byte_size\":"));
        PQ_TRY(js_i64(o, rg->total_byte_size));
        PQ_TRY(js(o, ",\"columns\":["));
        for (int32_t c = 0; c < rg->n_columns; c++) {
            if (c) PQ_TRY(js(o, ","));
            PQ_TRY(json_chunk(r, c, &rg->columns[c], o));
        }
        PQ_TRY(js(o, "]}"));
    }
    return js(o, "]}\n");
}

int cli_inspect(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(INSPECT_USAGE, stdout); return CLI_OK; }
        else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("inspect", INSPECT_USAGE, "unknown option '%s'", argv[i]);
        else if (!path) path = argv[i];
        else return cli_usage_error("inspect", INSPECT_USAGE, "unexpected argument '%s'", argv[i]);
    }
    if (!path) return cli_usage_error("inspect", INSPECT_USAGE, "missing FILE");
    pq_error err;
    pq_error_clear(&err);
    pq_reader *r = NULL;
    if (pq_reader_open(&r, path, NULL, &err) != PQ_OK) return cli_report(&err);
    int rc = CLI_OK;
    if (json) {
        pq_buf o;
        pq_buf_init(&o, NULL);
        if (print_json(r, path, &o) != PQ_OK) {
            fprintf(stderr, "parquant: out of memory\n");
            rc = CLI_FAIL;
        } else fwrite(o.data, 1, o.len, stdout);
        pq_buf_reset(&o);
    } else print_text(r, path);
    pq_reader_close(r);
    return rc;
}
