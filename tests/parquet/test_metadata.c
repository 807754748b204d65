/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_metadata.c - unit tests of the Parquet metadata codec
 * (src/parquet/metadata.c) and the enum names (src/parquet/names.c):
 *  - the footer of every parquet-testing file decodes, and re-encodes to a
 *    footer that decodes to the same values, field by field;
 *  - known values of a few files (alltypes_plain, nested_structs.rust,
 *    unknown-logical-type, column_chunk_key_value_metadata, sort_columns,
 *    bloom filter and truncated-statistics files);
 *  - the pages of real column chunks are walked header by header and must
 *    tile the chunk exactly, agree with the offset index and the value
 *    counts of the column metadata;
 *  - page header round trips (v1, v2, dictionary, with/without CRC and
 *    statistics), every prefix of a header is PQ_ERR_EOF;
 *  - bad input: PARQUET-1481, ARROW-RS-GH-6229-DICTHEADER, a footer cut at
 *    every byte, out-of-range enums and negative sizes (table-driven, by
 *    mutating a valid footer), missing required fields, limits;
 *  - out-of-memory at every allocation of a decode and an encode, no leak.
 */
#include "parquet/metadata.h"

#include <dirent.h>
#include <sys/stat.h>

#include "harness.h"
#include "parquet/thrift.h"

#ifndef PQ_SHARED_DIR
#define PQ_SHARED_DIR "/work/shared"
#endif
#define DATA_DIR PQ_SHARED_DIR "/parquet-testing/data"
#define BAD_DIR PQ_SHARED_DIR "/parquet-testing/bad_data"

/* ------------------------------------------------------------ fixtures */

/* A whole Parquet file in memory and its footer. */
typedef struct pfile {
    unsigned char *data;
    size_t len;
    pq_bytes footer;
} pfile;

/* Load `path`; false (nothing to free) when unreadable or not PAR1-framed. */
static bool pfile_load(const char *path, pfile *f)
{
    memset(f, 0, sizeof *f);
    f->data = harness_read_file(path, &f->len);
    if (!f->data) return false;
    if (f->len < 12 || memcmp(f->data + f->len - 4, "PAR1", 4) != 0) {
        free(f->data);
        f->data = NULL;
        return false;
    }
    uint32_t n = pq_load_u32le(f->data + f->len - 8);
    if (n > f->len - 12) {
        free(f->data);
        f->data = NULL;
        return false;
    }
    f->footer = pq_bytes_make(f->data + f->len - 8 - n, n);
    return true;
}

static void pfile_free(pfile *f) { free(f->data); }

/* Decode the footer of data/<name> into *m (arena kept by the caller). */
static pq_status decode_named(const char *dir, const char *name, pfile *f, pq_arena *a, pq_file_metadata *m,
                              pq_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pq_error_clear(err);
    pq_arena_init(a, NULL);
    if (!pfile_load(path, f)) {
        fprintf(stderr, "cannot load %s\n", path);
        return PQ_ERR_IO;
    }
    return pq_meta_decode_file(f->footer, a, NULL, m, err);
}

static int64_t count_leaves(const pq_file_metadata *m)
{
    int64_t n = 0;
    for (int32_t i = 0; i < m->n_schema; i++) n += m->schema[i].has_type;
    return n;
}

/* ------------------------------------------------------ deep comparison */

static int cmp_fail(const char *what, int line)
{
    fprintf(stderr, "  mismatch: %s (test_metadata.c:%d)\n", what, line);
    return 0;
}
#define SAME(x)                                              \
    do {                                                     \
        if (!(x)) return cmp_fail(#x, __LINE__);             \
    } while (0)

static bool same_bytes(const uint8_t *a, int32_t na, const uint8_t *b, int32_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, (size_t)na) == 0);
}

static bool same_str(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static int same_stats(const pq_statistics *a, const pq_statistics *b)
{
    SAME(a->has_max == b->has_max && a->has_min == b->has_min);
    SAME(!a->has_max || same_bytes(a->max, a->max_len, b->max, b->max_len));
    SAME(!a->has_min || same_bytes(a->min, a->min_len, b->min, b->min_len));
    SAME(a->has_max_value == b->has_max_value && a->has_min_value == b->has_min_value);
    SAME(!a->has_max_value || same_bytes(a->max_value, a->max_value_len, b->max_value, b->max_value_len));
    SAME(!a->has_min_value || same_bytes(a->min_value, a->min_value_len, b->min_value, b->min_value_len));
    SAME(a->has_null_count == b->has_null_count && a->null_count == b->null_count);
    SAME(a->has_distinct_count == b->has_distinct_count && a->distinct_count == b->distinct_count);
    SAME(a->has_is_max_value_exact == b->has_is_max_value_exact && a->is_max_value_exact == b->is_max_value_exact);
    SAME(a->has_is_min_value_exact == b->has_is_min_value_exact && a->is_min_value_exact == b->is_min_value_exact);
    return 1;
}

static int same_kv(const pq_kv *a, int32_t na, const pq_kv *b, int32_t nb)
{
    SAME(na == nb);
    SAME((a == NULL) == (b == NULL));
    for (int32_t i = 0; i < na; i++) {
        SAME(same_str(a[i].key, b[i].key));
        SAME(same_str(a[i].value, b[i].value));
    }
    return 1;
}

/* An unknown LogicalType member is dropped by the encoder: it compares
 * equal to "absent". */
static int same_logical(const pq_logical_type *a, const pq_logical_type *b)
{
    pq_logical_kind ka = a->kind == PQ_LT_UNKNOWN_MEMBER ? PQ_LT_NONE : a->kind;
    pq_logical_kind kb = b->kind == PQ_LT_UNKNOWN_MEMBER ? PQ_LT_NONE : b->kind;
    SAME(ka == kb);
    SAME(a->scale == b->scale && a->precision == b->precision);
    SAME(a->utc == b->utc && a->unit == b->unit);
    SAME(a->bit_width == b->bit_width && a->is_signed == b->is_signed);
    return 1;
}

static int same_schema(const pq_schema_element *a, const pq_schema_element *b)
{
    SAME(a->has_type == b->has_type && a->type == b->type);
    SAME(a->type_length == b->type_length);
    SAME(a->has_repetition == b->has_repetition && a->repetition == b->repetition);
    SAME(same_str(a->name, b->name));
    SAME(a->has_num_children == b->has_num_children && a->num_children == b->num_children);
    SAME(a->converted_type == b->converted_type);
    SAME(a->has_scale == b->has_scale && a->scale == b->scale);
    SAME(a->has_precision == b->has_precision && a->precision == b->precision);
    SAME(a->has_field_id == b->has_field_id && a->field_id == b->field_id);
    return same_logical(&a->logical, &b->logical);
}

static int same_column_meta(const pq_column_meta *a, const pq_column_meta *b)
{
    SAME(a->type == b->type && a->codec == b->codec);
    SAME(a->n_encodings == b->n_encodings);
    for (int32_t i = 0; i < a->n_encodings; i++) SAME(a->encodings[i] == b->encodings[i]);
    SAME(a->n_path == b->n_path);
    for (int32_t i = 0; i < a->n_path; i++) SAME(same_str(a->path_in_schema[i], b->path_in_schema[i]));
    SAME(a->num_values == b->num_values);
    SAME(a->total_uncompressed_size == b->total_uncompressed_size);
    SAME(a->total_compressed_size == b->total_compressed_size);
    SAME(same_kv(a->kv, a->n_kv, b->kv, b->n_kv));
    SAME(a->data_page_offset == b->data_page_offset);
    SAME(a->has_index_page_offset == b->has_index_page_offset && a->index_page_offset == b->index_page_offset);
    SAME(a->has_dictionary_page_offset == b->has_dictionary_page_offset &&
         a->dictionary_page_offset == b->dictionary_page_offset);
    SAME(a->has_statistics == b->has_statistics);
    SAME(!a->has_statistics || same_stats(&a->statistics, &b->statistics));
    SAME(a->n_encoding_stats == b->n_encoding_stats);
    SAME((a->encoding_stats == NULL) == (b->encoding_stats == NULL));
    for (int32_t i = 0; i < a->n_encoding_stats; i++) {
        SAME(a->encoding_stats[i].page_type == b->encoding_stats[i].page_type);
        SAME(a->encoding_stats[i].encoding == b->encoding_stats[i].encoding);
        SAME(a->encoding_stats[i].count == b->encoding_stats[i].count);
    }
    SAME(a->has_bloom_filter_offset == b->has_bloom_filter_offset && a->bloom_filter_offset == b->bloom_filter_offset);
    SAME(a->has_bloom_filter_length == b->has_bloom_filter_length && a->bloom_filter_length == b->bloom_filter_length);
    return 1;
}

static int same_chunk(const pq_column_chunk *a, const pq_column_chunk *b)
{
    SAME(same_str(a->file_path, b->file_path));
    SAME(a->file_offset == b->file_offset);
    SAME(a->has_meta_data == b->has_meta_data);
    SAME(!a->has_meta_data || same_column_meta(&a->meta_data, &b->meta_data));
    SAME(a->has_offset_index == b->has_offset_index);
    SAME(!a->has_offset_index ||
         (a->offset_index_offset == b->offset_index_offset && a->offset_index_length == b->offset_index_length));
    SAME(a->has_column_index == b->has_column_index);
    SAME(!a->has_column_index ||
         (a->column_index_offset == b->column_index_offset && a->column_index_length == b->column_index_length));
    SAME(a->encrypted == b->encrypted);
    return 1;
}

static int same_row_group(const pq_row_group_meta *a, const pq_row_group_meta *b)
{
    SAME(a->n_columns == b->n_columns);
    for (int32_t i = 0; i < a->n_columns; i++) SAME(same_chunk(&a->columns[i], &b->columns[i]));
    SAME(a->total_byte_size == b->total_byte_size && a->num_rows == b->num_rows);
    SAME(a->n_sorting_columns == b->n_sorting_columns);
    SAME((a->sorting_columns == NULL) == (b->sorting_columns == NULL));
    for (int32_t i = 0; i < a->n_sorting_columns; i++) {
        SAME(a->sorting_columns[i].column_idx == b->sorting_columns[i].column_idx);
        SAME(a->sorting_columns[i].descending == b->sorting_columns[i].descending);
        SAME(a->sorting_columns[i].nulls_first == b->sorting_columns[i].nulls_first);
    }
    SAME(a->has_file_offset == b->has_file_offset && a->file_offset == b->file_offset);
    SAME(a->has_total_compressed_size == b->has_total_compressed_size &&
         a->total_compressed_size == b->total_compressed_size);
    SAME(a->has_ordinal == b->has_ordinal && a->ordinal == b->ordinal);
    return 1;
}

/* Column order 0 (unknown member) is re-encoded as TYPE_DEFINED_ORDER. */
static int same_file(const pq_file_metadata *a, const pq_file_metadata *b)
{
    SAME(a->version == b->version && a->num_rows == b->num_rows);
    SAME(a->n_schema == b->n_schema);
    for (int32_t i = 0; i < a->n_schema; i++) SAME(same_schema(&a->schema[i], &b->schema[i]));
    SAME(a->n_row_groups == b->n_row_groups);
    for (int32_t i = 0; i < a->n_row_groups; i++) SAME(same_row_group(&a->row_groups[i], &b->row_groups[i]));
    SAME(same_kv(a->kv, a->n_kv, b->kv, b->n_kv));
    SAME(same_str(a->created_by, b->created_by));
    SAME(a->n_column_orders == b->n_column_orders);
    SAME((a->column_orders == NULL) == (b->column_orders == NULL));
    for (int32_t i = 0; i < a->n_column_orders; i++)
        SAME((a->column_orders[i] ? a->column_orders[i] : 1) == (b->column_orders[i] ? b->column_orders[i] : 1));
    SAME(a->encrypted == b->encrypted);
    return 1;
}

/* Encode m, decode it again and compare; also check that encoding is
 * idempotent (the re-decoded metadata encodes to the same bytes). */
static void check_round_trip(const char *name, const pq_file_metadata *m)
{
    pq_buf b1, b2;
    pq_buf_init(&b1, NULL);
    pq_buf_init(&b2, NULL);
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_meta_encode_file(m, &b1, &err), &err);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_file_metadata m2;
    CHECK_OK(pq_meta_decode_file(pq_bytes_make(b1.data, b1.len), &a, NULL, &m2, &err), &err);
    int same = same_file(m, &m2);
    if (!same) fprintf(stderr, "  round trip of %s differs\n", name);
    CHECK(same);
    CHECK_OK(pq_meta_encode_file(&m2, &b2, &err), &err);
    CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    pq_arena_reset(&a);
    pq_buf_reset(&b1);
    pq_buf_reset(&b2);
}

/* ------------------------------------------------------- corpus footers */

typedef struct walk_stats {
    int decoded, encrypted_footer, round_tripped;
} walk_stats;

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Decode the footer of one corpus file and round-trip it. */
static void check_corpus_file(const char *path, walk_stats *st)
{
    pfile f;
    size_t len = 0;
    unsigned char *raw = harness_read_file(path, &len);
    bool pare = raw && len >= 4 && memcmp(raw + len - 4, "PARE", 4) == 0;
    free(raw);
    if (pare) { /* encrypted footer: nothing this unit can read */
        st->encrypted_footer++;
        return;
    }
    CHECK(pfile_load(path, &f));
    if (!f.data) return;
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_error err;
    pq_error_clear(&err);
    pq_file_metadata m;
    pq_status s = pq_meta_decode_file(f.footer, &a, NULL, &m, &err);
    if (s != PQ_OK) fprintf(stderr, "  %s: %s\n", path, err.message);
    CHECK_OK(s, &err);
    if (s == PQ_OK) {
        st->decoded++;
        CHECK(m.n_schema >= 1);
        /* One chunk per leaf in every row group. */
        for (int32_t g = 0; g < m.n_row_groups; g++) CHECK_EQ_I64(m.row_groups[g].n_columns, count_leaves(&m));
        if (!m.encrypted) {
            check_round_trip(path, &m);
            st->round_tripped++;
        }
    }
    pq_arena_reset(&a);
    pfile_free(&f);
}

static void walk_dir(const char *dir, walk_stats *st)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) walk_dir(path, st);
        else if (has_suffix(e->d_name, ".parquet") || has_suffix(e->d_name, ".parquet.encrypted"))
            check_corpus_file(path, st);
    }
    closedir(d);
}

TEST(corpus_every_footer)
{
    walk_stats st = {0, 0, 0};
    walk_dir(DATA_DIR, &st);
    /* 65 + 10 geospatial + 2 plaintext-footer encrypted files decode. */
    CHECK(st.decoded >= 77);
    CHECK(st.encrypted_footer >= 11);
    CHECK_EQ_I64(st.round_tripped, st.decoded - 2);
    fprintf(stderr, "  corpus: %d footers decoded, %d round-tripped, %d encrypted footers skipped\n", st.decoded,
            st.round_tripped, st.encrypted_footer);
}

TEST(bad_data_footers)
{
    /* Only PARQUET-1481's footer is broken; the others fail later (pages). */
    static const char *const fine[] = {
        "ARROW-GH-41317.parquet", "ARROW-GH-41321.parquet", "ARROW-GH-43605.parquet",
        "ARROW-GH-45185.parquet", "ARROW-GH-47662.parquet", "ARROW-RS-GH-6229-DICTHEADER.parquet",
        "ARROW-RS-GH-6229-LEVELS.parquet",
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        pfile f;
        pq_arena a;
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(decode_named(BAD_DIR, fine[i], &f, &a, &m, &err), &err);
        pq_arena_reset(&a);
        pfile_free(&f);
    }
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_STATUS(decode_named(BAD_DIR, "PARQUET-1481.parquet", &f, &a, &m, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err.message, "SchemaElement.type: expected 0..7, found -7 at offset 18");
    CHECK_EQ_I64(err.where.offset, 18);
    CHECK_EQ_I64(err.code, PQ_ERR_CORRUPT);
    pq_arena_reset(&a);
    pfile_free(&f);
}

/* ------------------------------------------------------- known values */

TEST(alltypes_plain_values)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "alltypes_plain.parquet", &f, &a, &m, &err), &err);
    static const char *const names[] = {"id",         "bool_col",   "tinyint_col",     "smallint_col",
                                        "int_col",    "bigint_col", "float_col",       "double_col",
                                        "date_string_col", "string_col", "timestamp_col"};
    static const pq_physical types[] = {PQ_PHYS_INT32, PQ_PHYS_BOOLEAN, PQ_PHYS_INT32,  PQ_PHYS_INT32,
                                        PQ_PHYS_INT32, PQ_PHYS_INT64,   PQ_PHYS_FLOAT,  PQ_PHYS_DOUBLE,
                                        PQ_PHYS_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, PQ_PHYS_INT96};
    CHECK_EQ_I64(m.version, 1);
    CHECK_EQ_I64(m.num_rows, 8);
    CHECK_EQ_I64(m.n_schema, 12);
    CHECK_EQ_I64(count_leaves(&m), 11);
    CHECK_EQ_STR(m.schema[0].name, "schema");
    CHECK(m.schema[0].has_num_children && m.schema[0].num_children == 11);
    CHECK(!m.schema[0].has_type);
    CHECK(m.created_by && strncmp(m.created_by, "impala version 1.3.0-INTERNAL", 29) == 0);
    CHECK(m.kv == NULL && m.n_kv == 0 && m.column_orders == NULL && !m.encrypted);
    CHECK_EQ_I64(m.n_row_groups, 1);
    const pq_row_group_meta *g = &m.row_groups[0];
    CHECK_EQ_I64(g->num_rows, 8);
    CHECK_EQ_I64(g->n_columns, 11);
    for (int i = 0; i < 11 && m.n_schema == 12 && g->n_columns == 11; i++) {
        const pq_schema_element *e = &m.schema[i + 1];
        CHECK_EQ_STR(e->name, names[i]);
        CHECK(e->has_type && e->type == types[i]);
        CHECK(e->has_repetition && e->repetition == PQ_REP_OPTIONAL);
        CHECK_EQ_I64(e->converted_type, PQ_CT_NONE);
        CHECK_EQ_I64(e->logical.kind, PQ_LT_NONE);
        const pq_column_meta *c = &g->columns[i].meta_data;
        CHECK(g->columns[i].has_meta_data);
        CHECK_EQ_I64(c->type, types[i]);
        CHECK_EQ_I64(c->codec, PQ_CODEC_UNCOMPRESSED);
        CHECK_EQ_I64(c->num_values, 8);
        CHECK(c->n_path == 1 && strcmp(c->path_in_schema[0], names[i]) == 0);
        CHECK_EQ_I64(c->n_encodings, 3);
    }
    /* id: dictionary page at 4, data page at 49, 73 bytes in all. */
    CHECK(g->columns[0].meta_data.has_dictionary_page_offset);
    CHECK_EQ_I64(g->columns[0].meta_data.dictionary_page_offset, 4);
    CHECK_EQ_I64(g->columns[0].meta_data.data_page_offset, 49);
    CHECK_EQ_I64(g->columns[0].meta_data.total_compressed_size, 73);
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(nested_structs_rust_values)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "nested_structs.rust.parquet", &f, &a, &m, &err), &err);
    CHECK_EQ_I64(m.n_schema, 253);
    CHECK_EQ_I64(count_leaves(&m), 216);
    CHECK_EQ_I64(m.num_rows, 1);
    CHECK_EQ_STR(m.created_by, "UrbanLogiq");
    CHECK_EQ_I64(m.n_row_groups, 1);
    CHECK_EQ_I64(m.row_groups[0].n_columns, 216);
    int zstd = 0, nested = 0;
    for (int32_t i = 0; i < m.row_groups[0].n_columns; i++) {
        const pq_column_meta *c = &m.row_groups[0].columns[i].meta_data;
        zstd += c->codec == PQ_CODEC_ZSTD;
        nested += c->n_path >= 2;
        CHECK_EQ_I64(c->num_values, 1);
    }
    CHECK_EQ_I64(zstd, 216);
    CHECK(nested > 0);
    /* The schema tree is consistent: children counts cover the list. */
    int64_t need = 1;
    for (int32_t i = 0; i < m.n_schema; i++) need += (m.schema[i].has_num_children ? m.schema[i].num_children : 0) - 1;
    CHECK_EQ_I64(need, 0);
    /* Limits: 215 leaves allowed is one too few. */
    pq_limits lim = {0, 0, 0, 215};
    pq_arena a2;
    pq_arena_init(&a2, NULL);
    CHECK_STATUS(pq_meta_decode_file(f.footer, &a2, &lim, &m, &err), PQ_ERR_LIMIT);
    pq_arena_reset(&a2);
    lim.max_columns = 216;
    CHECK_OK(pq_meta_decode_file(f.footer, &a2, &lim, &m, &err), &err);
    pq_arena_reset(&a2);
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(unknown_logical_type)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "unknown-logical-type.parquet", &f, &a, &m, &err), &err);
    CHECK_EQ_I64(m.n_schema, 3);
    CHECK_EQ_STR(m.schema[1].name, "column with known type");
    CHECK_EQ_I64(m.schema[1].logical.kind, PQ_LT_STRING);
    CHECK_EQ_I64(m.schema[1].converted_type, PQ_CT_UTF8);
    CHECK_EQ_STR(m.schema[2].name, "column with unknown type");
    CHECK_EQ_I64(m.schema[2].logical.kind, PQ_LT_UNKNOWN_MEMBER);
    CHECK_EQ_I64(m.schema[2].type, PQ_PHYS_BYTE_ARRAY);
    CHECK_EQ_I64(m.num_rows, 3);
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(chunk_key_value_metadata)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "column_chunk_key_value_metadata.parquet", &f, &a, &m, &err), &err);
    CHECK_EQ_I64(m.n_row_groups, 1);
    const pq_column_meta *c0 = &m.row_groups[0].columns[0].meta_data;
    const pq_column_meta *c1 = &m.row_groups[0].columns[1].meta_data;
    CHECK_EQ_I64(c0->n_kv, 2);
    if (c0->n_kv == 2) {
        CHECK_EQ_STR(c0->kv[0].key, "foo");
        CHECK_EQ_STR(c0->kv[0].value, "bar");
        CHECK_EQ_STR(c0->kv[1].key, "thisiskeywithoutvalue");
        CHECK(c0->kv[1].value == NULL);
    }
    CHECK_EQ_I64(c1->n_kv, 0);
    CHECK_EQ_I64(m.num_rows, 0);
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(statistics_and_extras_values)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    /* sort_columns: two row groups sorted by (a DESC NULLS FIRST, b ASC NULLS LAST). */
    CHECK_OK(decode_named(DATA_DIR, "sort_columns.parquet", &f, &a, &m, &err), &err);
    CHECK_EQ_I64(m.n_row_groups, 2);
    for (int32_t g = 0; g < m.n_row_groups; g++) {
        const pq_row_group_meta *r = &m.row_groups[g];
        CHECK_EQ_I64(r->n_sorting_columns, 2);
        CHECK(r->sorting_columns[0].column_idx == 0 && r->sorting_columns[0].descending &&
              r->sorting_columns[0].nulls_first);
        CHECK(r->sorting_columns[1].column_idx == 1 && !r->sorting_columns[1].descending &&
              !r->sorting_columns[1].nulls_first);
        CHECK(r->has_ordinal && r->ordinal == g);
        const pq_statistics *s = &r->columns[1].meta_data.statistics;
        CHECK(r->columns[1].meta_data.has_statistics);
        CHECK(s->has_min_value && same_bytes(s->min_value, s->min_value_len, (const uint8_t *)"a", 1));
        CHECK(s->has_max_value && same_bytes(s->max_value, s->max_value_len, (const uint8_t *)"c", 1));
        CHECK(s->has_null_count && s->null_count == 0);
        /* Statistics bytes are borrowed from the footer buffer. */
        CHECK(s->min_value >= f.footer.ptr && s->min_value < f.footer.ptr + f.footer.len);
        CHECK_EQ_I64(r->columns[0].meta_data.n_encoding_stats, 2);
        CHECK_EQ_I64(r->columns[0].meta_data.encoding_stats[0].page_type, PQ_PAGE_DICTIONARY);
        CHECK_EQ_I64(r->columns[0].meta_data.encoding_stats[1].encoding, PQ_ENC_RLE_DICTIONARY);
    }
    CHECK(m.n_column_orders == 2 && m.column_orders[0] == 1 && m.column_orders[1] == 1);
    pq_arena_reset(&a);
    pfile_free(&f);

    CHECK_OK(decode_named(DATA_DIR, "data_index_bloom_encoding_with_length.parquet", &f, &a, &m, &err), &err);
    const pq_column_meta *c = &m.row_groups[0].columns[0].meta_data;
    CHECK(c->has_bloom_filter_offset && c->bloom_filter_offset == 253);
    CHECK(c->has_bloom_filter_length && c->bloom_filter_length == 2064);
    CHECK(c->statistics.has_is_max_value_exact && c->statistics.is_max_value_exact);
    CHECK(c->statistics.has_is_min_value_exact && c->statistics.is_min_value_exact);
    CHECK(same_bytes(c->statistics.min_value, c->statistics.min_value_len, (const uint8_t *)"Hello", 5));
    CHECK(same_bytes(c->statistics.max_value, c->statistics.max_value_len, (const uint8_t *)"today", 5));
    pq_arena_reset(&a);
    pfile_free(&f);

    CHECK_OK(decode_named(DATA_DIR, "binary_truncated_min_max.parquet", &f, &a, &m, &err), &err);
    /* utf8_full_truncation: both bounds truncated, so neither is exact. */
    const pq_statistics *s0 = &m.row_groups[0].columns[0].meta_data.statistics;
    CHECK(s0->has_is_max_value_exact && !s0->is_max_value_exact);
    CHECK(s0->has_is_min_value_exact && !s0->is_min_value_exact);
    const pq_statistics *s4 = &m.row_groups[0].columns[4].meta_data.statistics;
    CHECK(s4->is_max_value_exact && s4->is_min_value_exact);
    CHECK(same_bytes(s4->max_value, s4->max_value_len, (const uint8_t *)"Ke", 2));
    pq_arena_reset(&a);
    pfile_free(&f);

    /* The plaintext footer of an encrypted file: flags set, decodes. */
    CHECK_OK(decode_named(DATA_DIR, "encrypt_columns_plaintext_footer.parquet.encrypted", &f, &a, &m, &err), &err);
    CHECK(m.encrypted);
    int enc_chunks = 0;
    for (int32_t i = 0; i < m.row_groups[0].n_columns; i++) enc_chunks += m.row_groups[0].columns[i].encrypted;
    CHECK(enc_chunks > 0);
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_STATUS(pq_meta_encode_file(&m, &b, &err), PQ_ERR_UNSUPPORTED);
    CHECK_EQ_I64(b.len, 0);
    pq_buf_reset(&b);
    pq_arena_reset(&a);
    pfile_free(&f);
}

/* ------------------------------------------------------------ page walk */

typedef struct walk_result {
    int pages, dict_pages, v1_pages, v2_pages;
    int64_t values;
    pq_status status;
    char message[256];
} walk_result;

/* Walk the pages of one column chunk: headers decoded from a window that
 * ends at the chunk end, bodies skipped by compressed_page_size.  Checks
 * that the pages tile the chunk exactly.  `locs` (may be NULL) receives the
 * offset and total size of each data page. */
static void walk_chunk(const pfile *f, const pq_column_meta *c, walk_result *w, pq_page_location *locs,
                       int max_locs)
{
    memset(w, 0, sizeof *w);
    int64_t start = c->data_page_offset;
    /* dictionary_page_offset 0 means "absent" for some writers. */
    if (c->has_dictionary_page_offset && c->dictionary_page_offset > 0 && c->dictionary_page_offset < start)
        start = c->dictionary_page_offset;
    int64_t end = start + c->total_compressed_size;
    if (start < 4 || end > (int64_t)f->len) {
        w->status = PQ_ERR_CORRUPT;
        snprintf(w->message, sizeof w->message, "chunk [%lld, %lld) outside the file", (long long)start,
                 (long long)end);
        return;
    }
    int64_t pos = start;
    while (pos < end) {
        pq_page_header h;
        size_t hlen;
        pq_error err;
        pq_error_clear(&err);
        w->status = pq_meta_decode_page_header(pq_bytes_make(f->data + pos, (size_t)(end - pos)), &h, &hlen, &err);
        if (w->status != PQ_OK) {
            snprintf(w->message, sizeof w->message, "%s", err.message);
            return;
        }
        if (h.type == PQ_PAGE_DICTIONARY) {
            CHECK(h.has_dictionary_page);
            CHECK_EQ_I64(w->pages, 0); /* the dictionary page comes first */
            w->dict_pages++;
        } else if (h.type == PQ_PAGE_DATA) {
            CHECK(h.has_data_page);
            w->values += h.data_page.num_values;
            w->v1_pages++;
        } else if (h.type == PQ_PAGE_DATA_V2) {
            CHECK(h.has_data_page_v2);
            w->values += h.data_page_v2.num_values;
            w->v2_pages++;
            CHECK(h.data_page_v2.definition_levels_byte_length + h.data_page_v2.repetition_levels_byte_length <=
                  h.compressed_page_size);
        }
        if (locs && h.type != PQ_PAGE_DICTIONARY && w->v1_pages + w->v2_pages <= max_locs) {
            locs[w->v1_pages + w->v2_pages - 1].offset = pos;
            locs[w->v1_pages + w->v2_pages - 1].compressed_page_size = (int32_t)hlen + h.compressed_page_size;
        }
        w->pages++;
        pos += (int64_t)hlen + h.compressed_page_size;
    }
    CHECK_EQ_I64(pos, end);
    CHECK_EQ_I64(w->values, c->num_values);
}

TEST(page_walk_alltypes_plain)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "alltypes_plain.parquet", &f, &a, &m, &err), &err);
    for (int32_t i = 0; i < m.row_groups[0].n_columns; i++) {
        const pq_column_meta *c = &m.row_groups[0].columns[i].meta_data;
        walk_result w;
        walk_chunk(&f, c, &w, NULL, 0);
        CHECK_EQ_I64(w.status, PQ_OK);
        /* Impala: one v1 data page per chunk, after a dictionary page
         * wherever dictionary_page_offset is set. */
        CHECK_EQ_I64(w.v1_pages, 1);
        CHECK_EQ_I64(w.v2_pages, 0);
        CHECK_EQ_I64(w.dict_pages, c->has_dictionary_page_offset ? 1 : 0);
    }
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(page_walk_v2_and_checksums)
{
    static const struct {
        const char *file;
        int want_v2; /* 1: all data pages v2, 0: all v1 */
        int crc;     /* 1: every page carries a CRC */
    } files[] = {
        {"datapage_v2.snappy.parquet", 1, 0},
        {"rle-dict-snappy-checksum.parquet", 1, 1},
        {"plain-dict-uncompressed-checksum.parquet", 0, 1},
        {"datapage_v1-snappy-compressed-checksum.parquet", 0, 1},
        {"dict-page-offset-zero.parquet", 0, 0},
        {"page_v2_empty_compressed.parquet", 1, 0},
        {"overflow_i16_page_cnt.parquet", 0, 0},
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        harness_case = files[k].file;
        pfile f;
        pq_arena a;
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(decode_named(DATA_DIR, files[k].file, &f, &a, &m, &err), &err);
        for (int32_t g = 0; g < m.n_row_groups; g++) {
            for (int32_t i = 0; i < m.row_groups[g].n_columns; i++) {
                const pq_column_meta *c = &m.row_groups[g].columns[i].meta_data;
                walk_result w;
                walk_chunk(&f, c, &w, NULL, 0);
                CHECK_EQ_I64(w.status, PQ_OK);
                CHECK(w.pages >= 1);
                if (files[k].want_v2) CHECK(w.v1_pages == 0 && w.v2_pages >= 1);
                else CHECK(w.v2_pages == 0 && w.v1_pages >= 1);
                if (strcmp(files[k].file, "overflow_i16_page_cnt.parquet") == 0) CHECK_EQ_I64(w.v1_pages, 40000);
            }
        }
        if (files[k].crc) {
            /* The first page's CRC covers its stored body. */
            const pq_column_meta *c = &m.row_groups[0].columns[0].meta_data;
            int64_t start = c->has_dictionary_page_offset ? c->dictionary_page_offset : c->data_page_offset;
            pq_page_header h;
            size_t hlen;
            CHECK_OK(pq_meta_decode_page_header(pq_bytes_make(f.data + start, f.len - (size_t)start), &h, &hlen,
                                                &err),
                     &err);
            CHECK(h.has_crc);
            CHECK_EQ_I64(h.crc, pq_crc32(0, f.data + start + hlen, (size_t)h.compressed_page_size));
        }
        pq_arena_reset(&a);
        pfile_free(&f);
    }
    harness_case = "page_walk_v2_and_checksums";
}

TEST(page_walk_bad_dictionary_header)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(BAD_DIR, "ARROW-RS-GH-6229-DICTHEADER.parquet", &f, &a, &m, &err), &err);
    int bad_dict = 0;
    for (int32_t i = 0; i < m.row_groups[0].n_columns; i++) {
        walk_result w;
        walk_chunk(&f, &m.row_groups[0].columns[i].meta_data, &w, NULL, 0);
        if (w.status != PQ_OK) CHECK_EQ_I64(w.status, PQ_ERR_CORRUPT);
        bad_dict += strstr(w.message, "DictionaryPageHeader.num_values: expected a value >= 0, found -") != NULL;
    }
    CHECK(bad_dict >= 1);
    pq_arena_reset(&a);
    pfile_free(&f);
}

/* ------------------------------------------------------------ page index */

TEST(page_index_alltypes_tiny_pages)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "alltypes_tiny_pages.parquet", &f, &a, &m, &err), &err);
    const pq_row_group_meta *g = &m.row_groups[0];
    for (int32_t i = 0; i < g->n_columns; i++) {
        const pq_column_chunk *cc = &g->columns[i];
        /* parquet-mr writes no column index for INT96 */
        CHECK(cc->has_offset_index);
        CHECK(cc->has_column_index || cc->meta_data.type == PQ_PHYS_INT96);
        if (!cc->has_offset_index || !cc->has_column_index) continue;
        pq_offset_index oi;
        pq_column_index ci;
        pq_bytes ob = pq_bytes_make(f.data + cc->offset_index_offset, (size_t)cc->offset_index_length);
        pq_bytes cb = pq_bytes_make(f.data + cc->column_index_offset, (size_t)cc->column_index_length);
        CHECK_OK(pq_meta_decode_offset_index(ob, &a, &oi, &err), &err);
        CHECK_OK(pq_meta_decode_column_index(cb, &a, &ci, &err), &err);
        CHECK(oi.n_pages > 1);
        CHECK_EQ_I64(ci.n_pages, oi.n_pages);
        CHECK(ci.has_null_counts);
        /* The offset index must agree with walking the pages. */
        static pq_page_location locs[4096];
        walk_result w;
        walk_chunk(&f, &cc->meta_data, &w, locs, 4096);
        CHECK_EQ_I64(w.status, PQ_OK);
        CHECK_EQ_I64(w.v1_pages + w.v2_pages, oi.n_pages);
        int64_t prev_row = -1;
        for (int32_t p = 0; p < oi.n_pages && p < w.v1_pages + w.v2_pages; p++) {
            CHECK_EQ_I64(oi.page_locations[p].offset, locs[p].offset);
            CHECK_EQ_I64(oi.page_locations[p].compressed_page_size, locs[p].compressed_page_size);
            CHECK(oi.page_locations[p].first_row_index > prev_row);
            prev_row = oi.page_locations[p].first_row_index;
            /* min/max point into the index bytes */
            CHECK(ci.min_lens[p] >= 0 && ci.max_lens[p] >= 0);
            CHECK(ci.min_lens[p] == 0 ||
                  (ci.min_values[p] >= cb.ptr && ci.min_values[p] + ci.min_lens[p] <= cb.ptr + cb.len));
        }
        CHECK_EQ_I64(oi.page_locations[0].first_row_index, 0);
        /* Round trips, byte-exact for these parquet-mr indexes. */
        pq_buf b;
        pq_buf_init(&b, NULL);
        CHECK_OK(pq_meta_encode_offset_index(&oi, &b, &err), &err);
        CHECK(b.len == ob.len && memcmp(b.data, ob.ptr, ob.len) == 0);
        b.len = 0;
        CHECK_OK(pq_meta_encode_column_index(&ci, &b, &err), &err);
        pq_column_index ci2;
        CHECK_OK(pq_meta_decode_column_index(pq_bytes_make(b.data, b.len), &a, &ci2, &err), &err);
        CHECK_EQ_I64(ci2.n_pages, ci.n_pages);
        CHECK_EQ_I64(ci2.boundary_order, ci.boundary_order);
        int same = ci2.has_null_counts == ci.has_null_counts;
        for (int32_t p = 0; p < ci.n_pages && same; p++) {
            same = ci2.null_pages[p] == ci.null_pages[p] && ci2.null_counts[p] == ci.null_counts[p] &&
                   same_bytes(ci2.min_values[p], ci2.min_lens[p], ci.min_values[p], ci.min_lens[p]) &&
                   same_bytes(ci2.max_values[p], ci2.max_lens[p], ci.max_values[p], ci.max_lens[p]);
        }
        CHECK(same);
        /* Truncated indexes are corrupt (the buffer is the whole struct). */
        for (size_t cut = 0; cut < ob.len; cut += 7) {
            pq_offset_index o2;
            CHECK_STATUS(pq_meta_decode_offset_index(pq_bytes_make(ob.ptr, cut), &a, &o2, &err), PQ_ERR_CORRUPT);
        }
        for (size_t cut = 0; cut < cb.len; cut += 11) {
            CHECK_STATUS(pq_meta_decode_column_index(pq_bytes_make(cb.ptr, cut), &a, &ci2, &err), PQ_ERR_CORRUPT);
        }
        pq_buf_reset(&b);
    }
    pq_arena_reset(&a);
    pfile_free(&f);
}

TEST(column_index_inconsistent)
{
    /* 2 null_pages but 1 min value: corrupt, naming the list. */
    static const uint8_t one_min[] = {0};
    static const uint8_t *mins[] = {one_min, one_min};
    static int32_t lens[] = {1, 1};
    static bool nulls[] = {false, false};
    static int64_t counts[] = {0, 3};
    pq_column_index ci = {2, nulls, mins, mins, lens, lens, 1, true, counts};
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_meta_encode_column_index(&ci, &b, &err), &err);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_column_index out;
    CHECK_OK(pq_meta_decode_column_index(pq_bytes_make(b.data, b.len), &a, &out, &err), &err);
    CHECK(out.n_pages == 2 && out.null_counts[1] == 3 && out.boundary_order == 1);
    /* Now drop one page from min_values by encoding with n_pages 1 and
     * patching the null_pages list header to say 2. */
    b.len = 0;
    ci.n_pages = 1;
    CHECK_OK(pq_meta_encode_column_index(&ci, &b, &err), &err);
    /* layout: struct { 0x19 list<bool> (1<<4|1) ... }: byte 1 is the list header */
    CHECK_EQ_I64(b.data[0], 0x19);
    CHECK_EQ_I64(b.data[1], 0x11);
    uint8_t patched[64];
    memcpy(patched, b.data, 2);
    patched[1] = 0x21;
    patched[2] = 0x02;
    memcpy(patched + 3, b.data + 2, b.len - 2); /* second bool inserted */
    pq_error_clear(&err);
    CHECK_STATUS(pq_meta_decode_column_index(pq_bytes_make(patched, b.len + 1), &a, &out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "ColumnIndex.min_values: expected 2 entries (one per page), found 1") != NULL);
    pq_arena_reset(&a);
    pq_buf_reset(&b);
}

/* ------------------------------------------------------- page headers */

static int same_page_header(const pq_page_header *a, const pq_page_header *b)
{
    SAME(a->type == b->type);
    SAME(a->uncompressed_page_size == b->uncompressed_page_size);
    SAME(a->compressed_page_size == b->compressed_page_size);
    SAME(a->has_crc == b->has_crc && a->crc == b->crc);
    SAME(a->has_data_page == b->has_data_page);
    if (a->has_data_page) {
        const pq_data_page_header *x = &a->data_page, *y = &b->data_page;
        SAME(x->num_values == y->num_values && x->encoding == y->encoding);
        SAME(x->definition_level_encoding == y->definition_level_encoding);
        SAME(x->repetition_level_encoding == y->repetition_level_encoding);
        SAME(x->has_statistics == y->has_statistics);
        SAME(!x->has_statistics || same_stats(&x->statistics, &y->statistics));
    }
    SAME(a->has_dictionary_page == b->has_dictionary_page);
    if (a->has_dictionary_page) {
        SAME(a->dictionary_page.num_values == b->dictionary_page.num_values);
        SAME(a->dictionary_page.encoding == b->dictionary_page.encoding);
        SAME(a->dictionary_page.has_is_sorted == b->dictionary_page.has_is_sorted);
        SAME(a->dictionary_page.is_sorted == b->dictionary_page.is_sorted);
    }
    SAME(a->has_data_page_v2 == b->has_data_page_v2);
    if (a->has_data_page_v2) {
        const pq_data_page_header_v2 *x = &a->data_page_v2, *y = &b->data_page_v2;
        SAME(x->num_values == y->num_values && x->num_nulls == y->num_nulls && x->num_rows == y->num_rows);
        SAME(x->encoding == y->encoding && x->is_compressed == y->is_compressed);
        SAME(x->definition_levels_byte_length == y->definition_levels_byte_length);
        SAME(x->repetition_levels_byte_length == y->repetition_levels_byte_length);
        SAME(x->has_statistics == y->has_statistics);
        SAME(!x->has_statistics || same_stats(&x->statistics, &y->statistics));
    }
    return 1;
}

static pq_statistics sample_stats(void)
{
    static const uint8_t lo[] = {1, 0, 0, 0}, hi[] = {0xff, 0xff, 0xff, 0x7f};
    pq_statistics s;
    memset(&s, 0, sizeof s);
    s.has_min_value = s.has_max_value = true;
    s.min_value = lo;
    s.min_value_len = 4;
    s.max_value = hi;
    s.max_value_len = 4;
    s.has_min = true; /* legacy field, empty */
    s.min = lo;
    s.min_len = 0;
    s.has_null_count = true;
    s.null_count = 12345678901LL;
    s.has_distinct_count = true;
    s.distinct_count = 0;
    s.has_is_max_value_exact = true;
    s.is_max_value_exact = false;
    s.has_is_min_value_exact = true;
    s.is_min_value_exact = true;
    return s;
}

TEST(page_header_round_trip)
{
    pq_page_header cases[8];
    memset(cases, 0, sizeof cases);
    int n = 0;
    /* v1 with CRC and statistics */
    cases[n].type = PQ_PAGE_DATA;
    cases[n].uncompressed_page_size = 1048576;
    cases[n].compressed_page_size = 524288;
    cases[n].has_crc = true;
    cases[n].crc = 0xdeadbeefu;
    cases[n].has_data_page = true;
    cases[n].data_page = (pq_data_page_header){INT32_MAX, PQ_ENC_RLE_DICTIONARY, PQ_ENC_RLE, PQ_ENC_BIT_PACKED, true,
                                               sample_stats()};
    n++;
    /* v1 bare, zero sizes and values */
    cases[n].type = PQ_PAGE_DATA;
    cases[n].has_data_page = true;
    cases[n].data_page.encoding = PQ_ENC_PLAIN;
    n++;
    /* v2 uncompressed values, statistics, CRC 0 */
    cases[n].type = PQ_PAGE_DATA_V2;
    cases[n].uncompressed_page_size = 100;
    cases[n].compressed_page_size = 90;
    cases[n].has_crc = true;
    cases[n].crc = 0;
    cases[n].has_data_page_v2 = true;
    cases[n].data_page_v2 = (pq_data_page_header_v2){10, 3, 7, PQ_ENC_DELTA_BINARY_PACKED, 4, 2, false, true,
                                                     sample_stats()};
    n++;
    /* v2 default (compressed), no statistics */
    cases[n].type = PQ_PAGE_DATA_V2;
    cases[n].compressed_page_size = 1;
    cases[n].has_data_page_v2 = true;
    cases[n].data_page_v2.is_compressed = true;
    cases[n].data_page_v2.num_values = 1;
    n++;
    /* dictionary, sorted, CRC with the top bit set */
    cases[n].type = PQ_PAGE_DICTIONARY;
    cases[n].uncompressed_page_size = 4000;
    cases[n].compressed_page_size = 4000;
    cases[n].has_crc = true;
    cases[n].crc = 0x80000001u;
    cases[n].has_dictionary_page = true;
    cases[n].dictionary_page = (pq_dictionary_page_header){1000, PQ_ENC_PLAIN, true, true};
    n++;
    /* dictionary, is_sorted absent, legacy PLAIN_DICTIONARY */
    cases[n].type = PQ_PAGE_DICTIONARY;
    cases[n].has_dictionary_page = true;
    cases[n].dictionary_page = (pq_dictionary_page_header){0, PQ_ENC_PLAIN_DICTIONARY, false, false};
    n++;
    /* index page: no sub-header */
    cases[n].type = PQ_PAGE_INDEX;
    cases[n].compressed_page_size = 7;
    cases[n].uncompressed_page_size = 7;
    n++;
    for (int i = 0; i < n; i++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_error err;
        pq_error_clear(&err);
        CHECK_OK(pq_meta_encode_page_header(&cases[i], &b, &err), &err);
        /* trailing page bytes after the header must not be consumed */
        size_t hdr = b.len;
        static const uint8_t body[] = {0x15, 0x99, 0x00, 0x01};
        CHECK_OK(pq_buf_append(&b, body, sizeof body, &err), &err);
        pq_page_header got;
        size_t len = 0;
        CHECK_OK(pq_meta_decode_page_header(pq_bytes_make(b.data, b.len), &got, &len, &err), &err);
        CHECK_EQ_I64(len, hdr);
        CHECK(same_page_header(&cases[i], &got));
        /* Statistics are borrowed from the header bytes. */
        if (got.has_data_page && got.data_page.has_statistics)
            CHECK(got.data_page.statistics.min_value >= b.data && got.data_page.statistics.min_value < b.data + hdr);
        /* Every strict prefix: EOF (the caller retries with more bytes). */
        for (size_t cut = 0; cut < hdr; cut++) {
            pq_error_clear(&err);
            CHECK_STATUS(pq_meta_decode_page_header(pq_bytes_make(b.data, cut), &got, &len, &err), PQ_ERR_EOF);
            CHECK_EQ_I64(err.code, PQ_ERR_EOF);
            CHECK_EQ_I64(len, 0);
        }
        pq_buf_reset(&b);
    }
    /* A NULL/empty buffer is EOF too. */
    pq_page_header got;
    size_t len;
    CHECK_STATUS(pq_meta_decode_page_header(pq_bytes_make(NULL, 0), &got, &len, NULL), PQ_ERR_EOF);
}

TEST(page_header_real_prefixes)
{
    /* Every prefix of real headers (with statistics) is EOF. */
    static const char *const files[] = {"datapage_v2.snappy.parquet", "alltypes_tiny_pages.parquet",
                                        "rle-dict-snappy-checksum.parquet"};
    for (size_t k = 0; k < 3; k++) {
        pfile f;
        pq_arena a;
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(decode_named(DATA_DIR, files[k], &f, &a, &m, &err), &err);
        const pq_column_meta *c = &m.row_groups[0].columns[0].meta_data;
        int64_t pos = c->has_dictionary_page_offset && c->dictionary_page_offset > 0 ? c->dictionary_page_offset
                                                                                   : c->data_page_offset;
        for (int page = 0; page < 3; page++) {
            pq_page_header h;
            size_t hlen;
            CHECK_OK(pq_meta_decode_page_header(pq_bytes_make(f.data + pos, f.len - (size_t)pos), &h, &hlen, &err),
                     &err);
            for (size_t cut = 0; cut < hlen; cut++)
                CHECK_STATUS(pq_meta_decode_page_header(pq_bytes_make(f.data + pos, cut), &h, &hlen, NULL),
                             PQ_ERR_EOF);
            CHECK_OK(pq_meta_decode_page_header(pq_bytes_make(f.data + pos, f.len - (size_t)pos), &h, &hlen, &err),
                     &err);
            pos += (int64_t)hlen + h.compressed_page_size;
        }
        pq_arena_reset(&a);
        pfile_free(&f);
    }
}

TEST(page_header_defaults)
{
    /* v2 without is_compressed: compressed (thrift default true). */
    for (int variant = 0; variant < 3; variant++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_thrift_writer w;
        pq_thrift_writer_init(&w, &b, NULL);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, PQ_PAGE_DATA_V2);
        pq_thrift_write_i32_field(&w, 2, 10);
        pq_thrift_write_i32_field(&w, 3, 10);
        pq_thrift_write_field(&w, PQ_TT_STRUCT, 8);
        pq_thrift_write_struct_begin(&w);
        for (int16_t id = 1; id <= 6; id++) pq_thrift_write_i32_field(&w, id, id == 4 ? 0 : 1);
        if (variant > 0) pq_thrift_write_bool_field(&w, 7, variant == 2);
        pq_thrift_write_struct_end(&w);
        pq_thrift_write_struct_end(&w);
        CHECK_OK(w.status, (pq_error *)NULL);
        pq_page_header h;
        size_t len;
        pq_error err;
        CHECK_OK(pq_meta_decode_page_header(pq_bytes_make(b.data, b.len), &h, &len, &err), &err);
        CHECK(h.has_data_page_v2 && !h.has_data_page && !h.has_dictionary_page && !h.has_crc);
        CHECK_EQ_I64(h.data_page_v2.is_compressed, variant != 1);
        CHECK_EQ_I64(h.data_page_v2.num_rows, 1);
        CHECK(!h.data_page_v2.has_statistics);
        pq_buf_reset(&b);
    }
}

/* A footer with one row group of one chunk whose ColumnChunk carries the
 * index fields selected by `fields` (bit i = field id i of 4..7). */
static pq_status write_chunk_footer(pq_buf *b, unsigned fields, int chunks)
{
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, b, NULL);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_i32_field(&w, 1, 1);
    pq_thrift_write_field(&w, PQ_TT_LIST, 2);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, 1);
    pq_thrift_write_struct_begin(&w);
    pq_thrift_write_binary_field(&w, 4, "r", 1);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_i64_field(&w, 3, 0);
    pq_thrift_write_field(&w, PQ_TT_LIST, 4);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, 1);
    pq_thrift_write_struct_begin(&w); /* RowGroup */
    pq_thrift_write_field(&w, PQ_TT_LIST, 1);
    pq_thrift_write_list(&w, PQ_TT_STRUCT, chunks);
    for (int i = 0; i < chunks; i++) {
        pq_thrift_write_struct_begin(&w); /* ColumnChunk without file_offset nor meta_data */
        if (fields & (1u << 4)) pq_thrift_write_i64_field(&w, 4, 100);
        if (fields & (1u << 5)) pq_thrift_write_i32_field(&w, 5, 10);
        if (fields & (1u << 6)) pq_thrift_write_i64_field(&w, 6, 200);
        if (fields & (1u << 7)) pq_thrift_write_i32_field(&w, 7, 20);
        pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_i64_field(&w, 2, 0);
    pq_thrift_write_i64_field(&w, 3, 0);
    pq_thrift_write_struct_end(&w);
    pq_thrift_write_struct_end(&w);
    return w.status;
}

TEST(chunk_index_fields)
{
    /* An index is reported only with both its offset and its length. */
    for (unsigned fields = 0; fields < 16; fields++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        CHECK_OK(write_chunk_footer(&b, fields << 4, 1), (pq_error *)NULL);
        pq_arena a;
        pq_arena_init(&a, NULL);
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(pq_meta_decode_file(pq_bytes_make(b.data, b.len), &a, NULL, &m, &err), &err);
        const pq_column_chunk *c = &m.row_groups[0].columns[0];
        CHECK_EQ_I64(c->has_offset_index, (fields & 3) == 3);
        CHECK_EQ_I64(c->has_column_index, (fields & 12) == 12);
        if (c->has_offset_index) CHECK(c->offset_index_offset == 100 && c->offset_index_length == 10);
        if (c->has_column_index) CHECK(c->column_index_offset == 200 && c->column_index_length == 20);
        CHECK(!c->has_meta_data && c->file_offset == 0 && c->file_path == NULL);
        pq_arena_reset(&a);
        pq_buf_reset(&b);
    }
    /* More chunks in a row group than max_columns: LIMIT before allocating. */
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(write_chunk_footer(&b, 0, 3), (pq_error *)NULL);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_error err;
    pq_error_clear(&err);
    pq_file_metadata m;
    pq_limits lim = {0, 0, 0, 2};
    CHECK_STATUS(pq_meta_decode_file(pq_bytes_make(b.data, b.len), &a, &lim, &m, &err), PQ_ERR_LIMIT);
    CHECK(strstr(err.message, "RowGroup.columns: expected at most 2 column chunks, found 3") != NULL);
    lim.max_columns = 3;
    CHECK_OK(pq_meta_decode_file(pq_bytes_make(b.data, b.len), &a, &lim, &m, &err), &err);
    CHECK_EQ_I64(m.row_groups[0].n_columns, 3);
    pq_arena_reset(&a);
    pq_buf_reset(&b);
}

/* A page header written field by field, for invalid contents. */
typedef struct bad_header {
    const char *name;
    int32_t type, usize, csize;
    int sub;          /* 0 none, 5 data page, 7 dictionary, 8 v2 */
    int32_t sub_nv;   /* num_values of the sub-header */
    int32_t v2_nulls; /* num_nulls (v2) */
    int omit;         /* field id of the page header to leave out (0 = none) */
    const char *msg;  /* expected message prefix */
} bad_header;

static void write_bad_header(const bad_header *c, pq_buf *b)
{
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, b, NULL);
    pq_thrift_write_struct_begin(&w);
    if (c->omit != 1) pq_thrift_write_i32_field(&w, 1, c->type);
    if (c->omit != 2) pq_thrift_write_i32_field(&w, 2, c->usize);
    if (c->omit != 3) pq_thrift_write_i32_field(&w, 3, c->csize);
    if (c->sub) {
        pq_thrift_write_field(&w, PQ_TT_STRUCT, (int16_t)c->sub);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, c->sub_nv);
        if (c->sub == 5) { /* encoding, definition and repetition level encodings */
            pq_thrift_write_i32_field(&w, 2, PQ_ENC_PLAIN);
            pq_thrift_write_i32_field(&w, 3, PQ_ENC_RLE);
            pq_thrift_write_i32_field(&w, 4, PQ_ENC_RLE);
        } else if (c->sub == 7) {
            if (c->omit != 102) pq_thrift_write_i32_field(&w, 2, PQ_ENC_PLAIN);
        } else { /* v2: num_nulls, num_rows, encoding, level lengths */
            pq_thrift_write_i32_field(&w, 2, c->v2_nulls);
            pq_thrift_write_i32_field(&w, 3, 1);
            if (c->omit != 104) pq_thrift_write_i32_field(&w, 4, PQ_ENC_PLAIN);
            pq_thrift_write_i32_field(&w, 5, 0);
            pq_thrift_write_i32_field(&w, 6, 0);
        }
        pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_struct_end(&w);
}

TEST(page_header_invalid)
{
    static const bad_header cases[] = {
        {"type 4", 4, 0, 0, 0, 0, 0, 0, "PageHeader.type: expected 0..3, found 4"},
        {"type -1", -1, 0, 0, 0, 0, 0, 0, "PageHeader.type: expected 0..3, found -1"},
        {"negative uncompressed", 0, -1, 0, 5, 1, 0, 0,
         "PageHeader.uncompressed_page_size: expected a value >= 0, found -1"},
        {"negative compressed", 0, 0, INT32_MIN, 5, 1, 0, 0,
         "PageHeader.compressed_page_size: expected a value >= 0, found -2147483648"},
        {"dictionary num_values -1", 2, 0, 0, 7, -1, 0, 0,
         "DictionaryPageHeader.num_values: expected a value >= 0, found -1"},
        {"data page num_values -5", 0, 0, 0, 5, -5, 0, 0, "DataPageHeader.num_values: expected a value >= 0"},
        {"v2 num_nulls -1", 3, 0, 0, 8, 1, -1, 0, "DataPageHeaderV2.num_nulls: expected a value >= 0"},
        {"type missing", 0, 0, 0, 0, 0, 0, 1, "PageHeader: required field type missing"},
        {"compressed size missing", 0, 0, 0, 0, 0, 0, 3, "PageHeader: required field compressed_page_size missing"},
        {"v2 encoding missing", 3, 0, 0, 8, 1, 0, 104, "DataPageHeaderV2: required field encoding missing"},
        {"dictionary encoding missing", 2, 0, 0, 7, 1, 0, 102,
         "DictionaryPageHeader: required field encoding missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_case = cases[i].name;
        pq_buf b;
        pq_buf_init(&b, NULL);
        write_bad_header(&cases[i], &b);
        pq_error err;
        pq_error_clear(&err);
        pq_page_header h;
        size_t len;
        CHECK_STATUS(pq_meta_decode_page_header(pq_bytes_make(b.data, b.len), &h, &len, &err), PQ_ERR_CORRUPT);
        CHECK_EQ_I64(err.code, PQ_ERR_CORRUPT);
        if (strncmp(err.message, cases[i].msg, strlen(cases[i].msg)) != 0)
            fprintf(stderr, "  got message: %s\n", err.message);
        CHECK(strncmp(err.message, cases[i].msg, strlen(cases[i].msg)) == 0);
        CHECK(err.where.offset >= 0 && (size_t)err.where.offset < b.len);
        pq_buf_reset(&b);
    }
    harness_case = "page_header_invalid";
    /* Unknown nesting deeper than the default bound is corrupt (not LIMIT). */
    uint8_t deep[300];
    size_t k = 0;
    deep[k++] = 0x15; /* type 0 */
    deep[k++] = 0x00;
    deep[k++] = 0x0c; /* field 40 (long form): struct */
    deep[k++] = 0x50;
    for (int i = 0; i < 100; i++) deep[k++] = 0x1c;
    pq_error err;
    pq_error_clear(&err);
    pq_page_header h;
    size_t len;
    CHECK_STATUS(pq_meta_decode_page_header(pq_bytes_make(deep, k), &h, &len, &err), PQ_ERR_CORRUPT);
}

/* ------------------------------------------- truncation and fault injection */

TEST(truncated_footer_every_byte)
{
    static const char *const files[] = {"alltypes_plain.parquet", "alltypes_tiny_pages.parquet",
                                        "datapage_v2.snappy.parquet", "column_chunk_key_value_metadata.parquet"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        pfile f;
        pq_arena a;
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(decode_named(DATA_DIR, files[k], &f, &a, &m, &err), &err);
        pq_arena_reset(&a);
        int wrong = 0;
        for (size_t cut = 0; cut < f.footer.len; cut++) {
            /* A private copy so that ASan catches any read past the cut. */
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, f.footer.ptr, cut);
            pq_error_clear(&err);
            pq_status s = pq_meta_decode_file(pq_bytes_make(copy, cut), &a, NULL, &m, &err);
            if (s != PQ_ERR_CORRUPT || err.code != PQ_ERR_CORRUPT || err.where.offset < 0 ||
                (size_t)err.where.offset > cut)
                wrong++;
            pq_arena_reset(&a);
            free(copy);
        }
        CHECK_EQ_I64(wrong, 0);
        pfile_free(&f);
    }
}

TEST(decode_fault_injection)
{
    static const char *const files[] = {"alltypes_tiny_pages.parquet", "column_chunk_key_value_metadata.parquet",
                                        "unknown-logical-type.parquet"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        pfile f;
        pq_arena a0;
        pq_error err;
        pq_file_metadata m;
        CHECK_OK(decode_named(DATA_DIR, files[k], &f, &a0, &m, &err), &err);
        pq_arena_reset(&a0);
        int failures = 0, ok = 0, leaks = 0, wrong = 0;
        for (long n = 1; n < 100000 && !ok; n++) {
            harness_fault fault;
            pq_allocator alloc = harness_fault_allocator(&fault, n);
            pq_arena a;
            pq_arena_init(&a, &alloc);
            pq_error_clear(&err);
            pq_status s = pq_meta_decode_file(f.footer, &a, NULL, &m, &err);
            if (fault.failed) {
                failures++;
                wrong += s != PQ_ERR_NOMEM;
            } else {
                ok = s == PQ_OK;
                wrong += s != PQ_OK;
            }
            pq_arena_reset(&a);
            leaks += fault.live != 0;
        }
        CHECK(ok);
        CHECK(failures > 0);
        CHECK_EQ_I64(wrong, 0);
        CHECK_EQ_I64(leaks, 0);
        pfile_free(&f);
    }
}

TEST(encode_fault_injection)
{
    pfile f;
    pq_arena a;
    pq_error err;
    pq_file_metadata m;
    CHECK_OK(decode_named(DATA_DIR, "alltypes_tiny_pages.parquet", &f, &a, &m, &err), &err);
    int failures = 0, ok = 0;
    for (long n = 1; n < 1000 && !ok; n++) {
        harness_fault fault;
        pq_allocator alloc = harness_fault_allocator(&fault, n);
        pq_buf b;
        pq_buf_init(&b, &alloc);
        pq_status s = pq_meta_encode_file(&m, &b, &err);
        if (fault.failed) {
            failures++;
            CHECK_STATUS(s, PQ_ERR_NOMEM);
            CHECK_EQ_I64(b.len, 0); /* partial output dropped */
        } else {
            ok = s == PQ_OK;
        }
        pq_buf_reset(&b);
        CHECK_EQ_I64(fault.live, 0);
    }
    CHECK(ok && failures > 0);
    pq_arena_reset(&a);
    pfile_free(&f);
}

/* -------------------------------------------- validation by mutation */

/* A small valid footer: root + 2 leaves, 1 row group with 2 chunks. */
typedef struct sample {
    pq_schema_element schema[3];
    pq_row_group_meta rg;
    pq_column_chunk chunks[2];
    pq_encoding encodings[2];
    const char *path0[1], *path1[1];
    pq_kv kv[1];
    int32_t orders[2];
    pq_file_metadata m;
} sample;

static void sample_init(sample *s)
{
    memset(s, 0, sizeof *s);
    s->schema[0] = (pq_schema_element){.name = "root", .has_num_children = true, .num_children = 2,
                                       .converted_type = PQ_CT_NONE};
    s->schema[1] = (pq_schema_element){.has_type = true, .type = PQ_PHYS_INT64, .has_repetition = true,
                                       .repetition = PQ_REP_REQUIRED, .name = "ts",
                                       .converted_type = PQ_CT_TIMESTAMP_MICROS};
    s->schema[1].logical = (pq_logical_type){.kind = PQ_LT_TIMESTAMP, .utc = true, .unit = PQ_UNIT_MICROS};
    s->schema[2] = (pq_schema_element){.has_type = true, .type = PQ_PHYS_FIXED_LEN_BYTE_ARRAY, .type_length = 16,
                                       .has_repetition = true, .repetition = PQ_REP_OPTIONAL, .name = "px",
                                       .converted_type = PQ_CT_DECIMAL, .has_scale = true, .scale = 4,
                                       .has_precision = true, .precision = 30, .has_field_id = true,
                                       .field_id = -7};
    s->schema[2].logical = (pq_logical_type){.kind = PQ_LT_DECIMAL, .scale = 4, .precision = 30};
    s->encodings[0] = PQ_ENC_PLAIN;
    s->encodings[1] = PQ_ENC_RLE;
    s->path0[0] = "ts";
    s->path1[0] = "px";
    for (int i = 0; i < 2; i++) {
        pq_column_chunk *c = &s->chunks[i];
        c->has_meta_data = true;
        c->meta_data.type = i ? PQ_PHYS_FIXED_LEN_BYTE_ARRAY : PQ_PHYS_INT64;
        c->meta_data.encodings = s->encodings;
        c->meta_data.n_encodings = 2;
        c->meta_data.path_in_schema = i ? s->path1 : s->path0;
        c->meta_data.n_path = 1;
        c->meta_data.codec = PQ_CODEC_ZSTD;
        c->meta_data.num_values = 1000;
        c->meta_data.total_uncompressed_size = 8000;
        c->meta_data.total_compressed_size = 900;
        c->meta_data.data_page_offset = 4 + 900 * i;
    }
    s->chunks[1].meta_data.has_statistics = true;
    s->chunks[1].meta_data.statistics = sample_stats();
    s->chunks[0].has_offset_index = true;
    s->chunks[0].offset_index_offset = 5000;
    s->chunks[0].offset_index_length = 40;
    s->rg.columns = s->chunks;
    s->rg.n_columns = 2;
    s->rg.total_byte_size = 16000;
    s->rg.num_rows = 1000;
    s->kv[0] = (pq_kv){"k", NULL};
    s->orders[0] = 1;
    s->orders[1] = 2;
    s->m.version = 2;
    s->m.schema = s->schema;
    s->m.n_schema = 3;
    s->m.num_rows = 1000;
    s->m.row_groups = &s->rg;
    s->m.n_row_groups = 1;
    s->m.kv = s->kv;
    s->m.n_kv = 1;
    s->m.created_by = "parquant test";
    s->m.column_orders = s->orders;
    s->m.n_column_orders = 2;
}

/* Encode the (possibly mutated) sample and decode it. */
static pq_status sample_decode(const sample *s, pq_error *err)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error_clear(err);
    pq_status st = pq_meta_encode_file(&s->m, &b, err);
    if (st == PQ_OK) {
        pq_arena a;
        pq_arena_init(&a, NULL);
        pq_file_metadata out;
        pq_error_clear(err);
        st = pq_meta_decode_file(pq_bytes_make(b.data, b.len), &a, NULL, &out, err);
        if (st == PQ_OK && !same_file(&s->m, &out)) st = PQ_ERR_INTERNAL;
        pq_arena_reset(&a);
    }
    pq_buf_reset(&b);
    return st;
}

TEST(sample_round_trip)
{
    sample s;
    sample_init(&s);
    pq_error err;
    CHECK_OK(sample_decode(&s, &err), &err);
    /* Every logical type member that carries data, and the empty ones. */
    static const pq_logical_type lts[] = {
        {PQ_LT_STRING, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_DECIMAL, 0, 1, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_TIME, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_TIME, 0, 0, true, PQ_UNIT_NANOS, 0, false},
        {PQ_LT_TIMESTAMP, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_INTEGER, 0, 0, false, PQ_UNIT_MILLIS, 8, false},
        {PQ_LT_INTEGER, 0, 0, false, PQ_UNIT_MILLIS, 64, true},
        {PQ_LT_UUID, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_FLOAT16, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_VARIANT, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_GEOGRAPHY, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
        {PQ_LT_NULL, 0, 0, false, PQ_UNIT_MILLIS, 0, false},
    };
    for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++) {
        sample_init(&s);
        s.schema[1].logical = lts[i];
        CHECK_OK(sample_decode(&s, &err), &err);
    }
    /* Optional fields absent: all has_* off, no lists. */
    sample_init(&s);
    s.m.kv = NULL;
    s.m.n_kv = 0;
    s.m.created_by = NULL;
    s.m.column_orders = NULL;
    s.m.n_column_orders = 0;
    s.chunks[1].meta_data.has_statistics = false;
    s.chunks[0].has_offset_index = false;
    CHECK_OK(sample_decode(&s, &err), &err);
    /* Present but empty lists stay present. */
    s.m.kv = s.kv;
    s.m.n_kv = 0;
    s.m.column_orders = s.orders;
    s.m.n_column_orders = 0;
    CHECK_OK(sample_decode(&s, &err), &err);
    /* Extremes. */
    sample_init(&s);
    s.m.num_rows = INT64_MAX;
    s.rg.num_rows = INT64_MAX;
    s.chunks[0].meta_data.data_page_offset = INT64_MAX;
    s.m.version = INT32_MIN;
    s.rg.has_ordinal = true;
    s.rg.ordinal = INT16_MAX;
    CHECK_OK(sample_decode(&s, &err), &err);
}

/* Mutations of the sample that must be rejected. */
typedef struct mutation {
    const char *name;
    void (*apply)(sample *s);
    pq_status want;
    const char *msg;
} mutation;

static void mut_codec(sample *s) { s->chunks[1].meta_data.codec = (pq_codec)8; }
static void mut_codec_neg(sample *s) { s->chunks[0].meta_data.codec = (pq_codec)-1; }
static void mut_phys(sample *s) { s->schema[1].type = (pq_physical)8; }
static void mut_chunk_phys(sample *s) { s->chunks[0].meta_data.type = (pq_physical)-3; }
static void mut_rep(sample *s) { s->schema[2].repetition = (pq_repetition)3; }
static void mut_children(sample *s) { s->schema[0].num_children = -1; }
static void mut_type_length(sample *s) { s->schema[2].type_length = -16; }
static void mut_num_values(sample *s) { s->chunks[0].meta_data.num_values = -1; }
static void mut_tcs(sample *s) { s->chunks[1].meta_data.total_compressed_size = INT64_MIN; }
static void mut_tus(sample *s) { s->chunks[1].meta_data.total_uncompressed_size = -2; }
static void mut_dpo(sample *s) { s->chunks[1].meta_data.data_page_offset = -4; }
static void mut_num_rows(sample *s) { s->m.num_rows = -1; }
static void mut_rg_rows(sample *s) { s->rg.num_rows = -1; }
static void mut_rg_bytes(sample *s) { s->rg.total_byte_size = -1; }
static void mut_oi_len(sample *s) { s->chunks[0].offset_index_length = -40; }
static void mut_no_schema(sample *s) { s->m.n_schema = 0; }
static void mut_null_name(sample *s) { s->schema[1].name = NULL; }
static void mut_null_key(sample *s) { s->kv[0].key = NULL; }
static void mut_null_columns(sample *s) { s->rg.columns = NULL; }
static void mut_bad_kind(sample *s) { s->schema[1].logical.kind = (pq_logical_kind)9; }
static void mut_encrypted(sample *s) { s->chunks[0].encrypted = true; }
static void mut_null_stats(sample *s)
{
    s->chunks[1].meta_data.statistics.max_value = NULL;
    s->chunks[1].meta_data.statistics.max_value_len = 3;
}

TEST(validation_by_mutation)
{
    static const mutation cases[] = {
        {"codec 8", mut_codec, PQ_ERR_CORRUPT, "ColumnMetaData.codec: expected 0..7, found 8 at offset "},
        {"codec -1", mut_codec_neg, PQ_ERR_CORRUPT, "ColumnMetaData.codec: expected 0..7, found -1"},
        {"physical 8", mut_phys, PQ_ERR_CORRUPT, "SchemaElement.type: expected 0..7, found 8"},
        {"chunk physical -3", mut_chunk_phys, PQ_ERR_CORRUPT, "ColumnMetaData.type: expected 0..7, found -3"},
        {"repetition 3", mut_rep, PQ_ERR_CORRUPT, "SchemaElement.repetition_type: expected 0..2, found 3"},
        {"num_children -1", mut_children, PQ_ERR_CORRUPT, "SchemaElement.num_children: expected a value >= 0"},
        {"type_length -16", mut_type_length, PQ_ERR_CORRUPT, "SchemaElement.type_length: expected a value >= 0"},
        {"num_values -1", mut_num_values, PQ_ERR_CORRUPT, "ColumnMetaData.num_values: expected a value >= 0"},
        {"compressed size", mut_tcs, PQ_ERR_CORRUPT, "ColumnMetaData.total_compressed_size: expected a value >= 0"},
        {"uncompressed size", mut_tus, PQ_ERR_CORRUPT, "ColumnMetaData.total_uncompressed_size: expected a value"},
        {"data_page_offset", mut_dpo, PQ_ERR_CORRUPT, "ColumnMetaData.data_page_offset: expected a value >= 0"},
        {"file num_rows", mut_num_rows, PQ_ERR_CORRUPT, "FileMetaData.num_rows: expected a value >= 0"},
        {"row group num_rows", mut_rg_rows, PQ_ERR_CORRUPT, "RowGroup.num_rows: expected a value >= 0"},
        {"row group bytes", mut_rg_bytes, PQ_ERR_CORRUPT, "RowGroup.total_byte_size: expected a value >= 0"},
        {"offset index length", mut_oi_len, PQ_ERR_CORRUPT, "ColumnChunk.offset_index_length: expected a value"},
        {"empty schema", mut_no_schema, PQ_ERR_CORRUPT, "FileMetaData.schema: expected at least the root element"},
        {"NULL name", mut_null_name, PQ_ERR_INVALID_ARG, "SchemaElement.name: expected a string, found NULL"},
        {"NULL key", mut_null_key, PQ_ERR_INVALID_ARG, "KeyValue.key: expected a string, found NULL"},
        {"NULL columns", mut_null_columns, PQ_ERR_INVALID_ARG, "RowGroup.columns: expected a non-NULL array"},
        {"logical kind 9", mut_bad_kind, PQ_ERR_INVALID_ARG, "LogicalType: expected a member id 1..18, found 9"},
        {"encrypted chunk", mut_encrypted, PQ_ERR_UNSUPPORTED, "ColumnChunk: expected a plaintext column chunk"},
        {"NULL statistics bytes", mut_null_stats, PQ_ERR_INVALID_ARG, "Statistics.max_value: expected a byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_case = cases[i].name;
        sample s;
        sample_init(&s);
        cases[i].apply(&s);
        pq_error err;
        CHECK_STATUS(sample_decode(&s, &err), cases[i].want);
        if (strncmp(err.message, cases[i].msg, strlen(cases[i].msg)) != 0)
            fprintf(stderr, "  got message: %s\n", err.message);
        CHECK(strncmp(err.message, cases[i].msg, strlen(cases[i].msg)) == 0);
        if (cases[i].want == PQ_ERR_CORRUPT) CHECK(err.where.offset > 0);
    }
    harness_case = "validation_by_mutation";
}

/* Write a FileMetaData by hand with the thrift writer: fields selected by
 * `omit` (a field id of FileMetaData) and extra unknown fields everywhere. */
static pq_status write_manual_footer(pq_buf *b, int omit, bool extras, int nest)
{
    pq_thrift_writer w;
    pq_thrift_writer_init(&w, b, NULL);
    pq_thrift_write_struct_begin(&w);
    if (extras) { /* unknown fields before, between and after known ones */
        pq_thrift_write_field(&w, PQ_TT_MAP, -3);
        pq_thrift_write_map(&w, PQ_TT_BINARY, PQ_TT_DOUBLE, 1);
        pq_thrift_write_binary(&w, "x", 1);
        pq_thrift_write_double(&w, 1.0);
    }
    if (omit != 1) pq_thrift_write_i32_field(&w, 1, 1);
    if (omit != 2) {
        pq_thrift_write_field(&w, PQ_TT_LIST, 2);
        pq_thrift_write_list(&w, PQ_TT_STRUCT, 2);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_binary_field(&w, 4, "root", 4);
        pq_thrift_write_i32_field(&w, 5, 1);
        if (extras) pq_thrift_write_bool_field(&w, 77, true);
        pq_thrift_write_struct_end(&w);
        pq_thrift_write_struct_begin(&w);
        pq_thrift_write_i32_field(&w, 1, PQ_PHYS_INT32);
        pq_thrift_write_i32_field(&w, 3, PQ_REP_OPTIONAL);
        pq_thrift_write_binary_field(&w, 4, "a", 1);
        if (extras) {
            pq_thrift_write_field(&w, PQ_TT_STRUCT, 10); /* logicalType with an unknown member 50 */
            pq_thrift_write_struct_begin(&w);
            pq_thrift_write_field(&w, PQ_TT_STRUCT, 50);
            pq_thrift_write_struct_begin(&w);
            pq_thrift_write_i64_field(&w, 1, 5);
            pq_thrift_write_struct_end(&w);
            pq_thrift_write_struct_end(&w);
            pq_thrift_write_field(&w, PQ_TT_LIST, 11);
            pq_thrift_write_list(&w, PQ_TT_BOOL_TRUE, 2);
            pq_thrift_write_list_bool(&w, true);
            pq_thrift_write_list_bool(&w, false);
        }
        pq_thrift_write_struct_end(&w);
    }
    if (omit != 3) pq_thrift_write_i64_field(&w, 3, 0);
    if (omit != 4) {
        pq_thrift_write_field(&w, PQ_TT_LIST, 4);
        pq_thrift_write_list(&w, PQ_TT_STRUCT, 0);
    }
    if (extras) pq_thrift_write_i16_field(&w, 32767, -1);
    if (nest > 0) { /* an unknown field nested `nest` structs deep */
        pq_thrift_write_field(&w, PQ_TT_STRUCT, 100);
        for (int i = 0; i < nest; i++) {
            pq_thrift_write_struct_begin(&w);
            if (i + 1 < nest) pq_thrift_write_field(&w, PQ_TT_STRUCT, 1);
        }
        for (int i = 0; i < nest; i++) pq_thrift_write_struct_end(&w);
    }
    pq_thrift_write_struct_end(&w);
    return w.status;
}

TEST(required_fields_and_unknown_fields)
{
    static const char *const msgs[] = {
        NULL,
        "FileMetaData: required field version missing at offset ",
        "FileMetaData: required field schema missing at offset ",
        "FileMetaData: required field num_rows missing at offset ",
        "FileMetaData: required field row_groups missing at offset ",
    };
    for (int omit = 0; omit <= 4; omit++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        CHECK_OK(write_manual_footer(&b, omit, omit == 0, 0), (pq_error *)NULL);
        pq_arena a;
        pq_arena_init(&a, NULL);
        pq_error err;
        pq_error_clear(&err);
        pq_file_metadata m;
        pq_status s = pq_meta_decode_file(pq_bytes_make(b.data, b.len), &a, NULL, &m, &err);
        if (omit == 0) {
            /* all the unknown fields skipped, the known values intact */
            CHECK_OK(s, &err);
            CHECK_EQ_I64(m.n_schema, 2);
            CHECK_EQ_STR(m.schema[1].name, "a");
            CHECK_EQ_I64(m.schema[1].logical.kind, PQ_LT_UNKNOWN_MEMBER);
            CHECK_EQ_I64(m.schema[1].repetition, PQ_REP_OPTIONAL);
            CHECK_EQ_I64(m.schema[0].num_children, 1);
            CHECK_EQ_I64(m.n_row_groups, 0);
            CHECK(m.row_groups != NULL);
        } else {
            CHECK_STATUS(s, PQ_ERR_CORRUPT);
            CHECK(strncmp(err.message, msgs[omit], strlen(msgs[omit])) == 0);
            CHECK_EQ_I64(err.where.offset, (int64_t)b.len - 1); /* the STOP byte */
        }
        pq_arena_reset(&a);
        pq_buf_reset(&b);
    }
}

TEST(limits)
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    CHECK_OK(write_manual_footer(&b, 0, false, 20), (pq_error *)NULL);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_error err;
    pq_error_clear(&err);
    pq_file_metadata m;
    pq_bytes in = pq_bytes_make(b.data, b.len);
    CHECK_OK(pq_meta_decode_file(in, &a, NULL, &m, &err), &err);
    pq_limits lim = {0, 0, 20, 0};
    CHECK_OK(pq_meta_decode_file(in, &a, &lim, &m, &err), &err);
    lim.max_nesting_depth = 19;
    pq_error_clear(&err);
    CHECK_STATUS(pq_meta_decode_file(in, &a, &lim, &m, &err), PQ_ERR_LIMIT);
    CHECK_EQ_I64(err.code, PQ_ERR_LIMIT);
    lim.max_nesting_depth = 0;
    lim.max_footer_bytes = (int64_t)b.len - 1;
    CHECK_STATUS(pq_meta_decode_file(in, &a, &lim, &m, &err), PQ_ERR_LIMIT);
    lim.max_footer_bytes = (int64_t)b.len;
    CHECK_OK(pq_meta_decode_file(in, &a, &lim, &m, &err), &err);
    lim.max_columns = 1;
    CHECK_OK(pq_meta_decode_file(in, &a, &lim, &m, &err), &err);
    pq_arena_reset(&a);
    pq_buf_reset(&b);
    /* alltypes_plain: 11 leaves and 11 chunks. */
    pfile f;
    pq_arena a2;
    CHECK_OK(decode_named(DATA_DIR, "alltypes_plain.parquet", &f, &a2, &m, &err), &err);
    lim = (pq_limits){0, 0, 0, 10};
    pq_error_clear(&err);
    CHECK_STATUS(pq_meta_decode_file(f.footer, &a2, &lim, &m, &err), PQ_ERR_LIMIT);
    CHECK(strstr(err.message, "expected at most 10") != NULL);
    lim.max_columns = 11;
    CHECK_OK(pq_meta_decode_file(f.footer, &a2, &lim, &m, &err), &err);
    pq_arena_reset(&a2);
    pfile_free(&f);
}

TEST(encode_appends)
{
    /* Encoders append after existing bytes and leave them untouched. */
    sample s;
    sample_init(&s);
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    CHECK_OK(pq_buf_append(&b, "PAR1", 4, &err), &err);
    CHECK_OK(pq_meta_encode_file(&s.m, &b, &err), &err);
    CHECK(memcmp(b.data, "PAR1", 4) == 0);
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_file_metadata m;
    CHECK_OK(pq_meta_decode_file(pq_bytes_make(b.data + 4, b.len - 4), &a, NULL, &m, &err), &err);
    CHECK(same_file(&s.m, &m));
    /* First bytes: field 1 i32 (0x15) version 2 (zigzag 4), field 2 list. */
    CHECK(b.data[4] == 0x15 && b.data[5] == 0x04 && b.data[6] == 0x19);
    /* A failed encode leaves the buffer as it was. */
    size_t before = b.len;
    s.schema[2].name = NULL;
    CHECK_STATUS(pq_meta_encode_file(&s.m, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_I64(b.len, before);
    pq_arena_reset(&a);
    pq_buf_reset(&b);
}

/* ---------------------------------------------------------------- names */

TEST(enum_names)
{
    CHECK_EQ_STR(pq_codec_name(PQ_CODEC_UNCOMPRESSED), "UNCOMPRESSED");
    CHECK_EQ_STR(pq_codec_name(PQ_CODEC_LZ4_RAW), "LZ4_RAW");
    CHECK_EQ_STR(pq_codec_name((pq_codec)8), "UNKNOWN");
    CHECK_EQ_STR(pq_codec_name((pq_codec)-1), "UNKNOWN");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_PLAIN), "PLAIN");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_RLE_DICTIONARY), "RLE_DICTIONARY");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
    CHECK_EQ_STR(pq_encoding_name((pq_encoding)1), "UNKNOWN");
    CHECK_EQ_STR(pq_encoding_name((pq_encoding)10), "UNKNOWN");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_DEFAULT), "DEFAULT");
    CHECK_EQ_STR(pq_physical_name(PQ_PHYS_BOOLEAN), "BOOLEAN");
    CHECK_EQ_STR(pq_physical_name(PQ_PHYS_FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
    CHECK_EQ_STR(pq_physical_name((pq_physical)8), "UNKNOWN");
}

TEST(codec_parse)
{
    static const struct {
        const char *in;
        pq_codec want;
    } ok[] = {
        {"none", PQ_CODEC_UNCOMPRESSED}, {"UNCOMPRESSED", PQ_CODEC_UNCOMPRESSED}, {"Snappy", PQ_CODEC_SNAPPY},
        {"gzip", PQ_CODEC_GZIP},         {"ZSTD", PQ_CODEC_ZSTD},                 {"lz4_raw", PQ_CODEC_LZ4_RAW},
        {"LZ4_RAW", PQ_CODEC_LZ4_RAW},   {"lz4", PQ_CODEC_LZ4},                   {"bRoTlI", PQ_CODEC_BROTLI},
        {"lzo", PQ_CODEC_LZO},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        pq_codec c = (pq_codec)99;
        pq_error err;
        CHECK_OK(pq_codec_parse(ok[i].in, &c, &err), &err);
        CHECK_EQ_I64(c, ok[i].want);
        /* names parse back */
        CHECK_OK(pq_codec_parse(pq_codec_name(ok[i].want), &c, &err), &err);
        CHECK_EQ_I64(c, ok[i].want);
    }
    static const char *const bad[] = {"", "zstd ", "lz", "lz4raw", "snappyy", "gzip\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pq_codec c = PQ_CODEC_SNAPPY;
        pq_error err;
        pq_error_clear(&err);
        CHECK_STATUS(pq_codec_parse(bad[i], &c, &err), PQ_ERR_INVALID_ARG);
        CHECK_EQ_I64(c, PQ_CODEC_SNAPPY); /* untouched */
        CHECK(strstr(err.message, "(expected one of none, uncompressed, snappy, gzip, zstd, lz4_raw, lz4, brotli, lzo)"));
    }
    pq_error err;
    pq_codec c;
    CHECK_STATUS(pq_codec_parse("foo", &c, &err), PQ_ERR_INVALID_ARG);
    CHECK(strncmp(err.message, "unknown codec 'foo' (expected one of ", 37) == 0);
    CHECK_STATUS(pq_codec_parse(NULL, &c, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_codec_parse("x", &c, NULL), PQ_ERR_INVALID_ARG);
}

/* A list count that the remaining bytes could not hold as structs is
 * refused before the array is allocated: a 100 KB footer claiming 100000
 * row groups must not make the decoder allocate megabytes. */
TEST(struct_list_count_bounded_by_bytes)
{
    size_t len = 100005;
    uint8_t *buf = (uint8_t *)calloc(1, len);
    /* field 4 (row_groups), list<struct> long form, count 100000 (varint) */
    buf[0] = 0x49;
    buf[1] = 0xFC;
    buf[2] = 0xA0; buf[3] = 0x8D; buf[4] = 0x06;
    harness_fault f;
    pq_allocator al = harness_fault_allocator(&f, 0);
    pq_arena a;
    pq_arena_init(&a, &al);
    pq_file_metadata m;
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(pq_meta_decode_file(pq_bytes_make(buf, len), &a, NULL, &m, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "RowGroups") != NULL);
    CHECK(f.calls == 0); /* nothing allocated for the claimed elements */
    pq_arena_reset(&a);
    free(buf);
}

int main(void)
{
    RUN(corpus_every_footer);
    RUN(struct_list_count_bounded_by_bytes);
    RUN(bad_data_footers);
    RUN(alltypes_plain_values);
    RUN(nested_structs_rust_values);
    RUN(unknown_logical_type);
    RUN(chunk_key_value_metadata);
    RUN(statistics_and_extras_values);
    RUN(page_walk_alltypes_plain);
    RUN(page_walk_v2_and_checksums);
    RUN(page_walk_bad_dictionary_header);
    RUN(page_index_alltypes_tiny_pages);
    RUN(column_index_inconsistent);
    RUN(page_header_round_trip);
    RUN(page_header_real_prefixes);
    RUN(page_header_defaults);
    RUN(chunk_index_fields);
    RUN(page_header_invalid);
    RUN(truncated_footer_every_byte);
    RUN(decode_fault_injection);
    RUN(encode_fault_injection);
    RUN(sample_round_trip);
    RUN(validation_by_mutation);
    RUN(required_fields_and_unknown_fields);
    RUN(limits);
    RUN(encode_appends);
    RUN(enum_names);
    RUN(codec_parse);
    return harness_done();
}
