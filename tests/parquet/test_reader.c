/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_reader.c - the Parquet reader (parquet/reader.c) and
 * the column chunk reader (parquet/column_reader.c).
 *
 *  - corpus: every file of parquet-testing data/ (and geospatial/) opens and
 *    reads, with its expected outcome; the canonical rows of the core files
 *    hash to what DuckDB 1.5.6 produces (FNV-1a 64 over the canon v1 lines of
 *    ../shared/peers pq-dump.mjs --engine duckdb); alltypes_plain, the delta_*
 *    files (against their *_expect.csv, value by value), nested_lists and
 *    nullable.impala checked row by row;
 *  - checksums: the two corrupt-checksum files fail with PQ_ERR_CHECKSUM and a
 *    full error location when verify_crc is on, and read without it;
 *  - bad_data/: every file ends in its expected clean status;
 *  - damage: truncated copies at every length, data regions cut short under
 *    an intact footer, and every single-byte change of small files (page
 *    level faults are built one by one in test_column_reader.c);
 *  - out of memory at every allocation of open + read, with no leak;
 *  - projection, page indexes, argument errors, threads 1 vs 4 equal;
 *  - pq_reader_recycle: recycled reads equal fresh ones across row groups of
 *    different sizes, v1 and v2 pages, and selection changes;
 *  - read-ahead (row groups big enough for two workers): in-order, out of
 *    order, repeated reads, tables kept alive, selection changes between
 *    reads all equal a one-thread reader; a damaged row group fails alone
 *    (with its own row group in the error) while the next one, read ahead
 *    meanwhile, still reads; closing with a read-ahead in flight leaks
 *    nothing.
 */
#include "parquant/parquet.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "core/core.h"
#include "harness.h"
#include "table/canon.h"

#ifndef PQ_SHARED_DIR
#define PQ_SHARED_DIR "/work/shared"
#endif
#define DATA_DIR PQ_SHARED_DIR "/parquet-testing/data"
#define BAD_DIR PQ_SHARED_DIR "/parquet-testing/bad_data"

/* ================================================================ helpers */

/* Open `path` (or `mem` when not NULL), read every row group, close.
 * *rows receives the rows read; the first failure is returned. */
static pq_status read_whole(const char *path, const uint8_t *mem, size_t len, const pq_reader_options *o,
                            int64_t *rows, pq_error *err)
{
    pq_reader *r = NULL;
    pq_status s = mem || !path ? pq_reader_open_memory(&r, mem, len, path, o, err) : pq_reader_open(&r, path, o, err);
    if (rows) *rows = 0;
    if (s != PQ_OK) return s;
    for (int64_t g = 0; s == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, err);
        if (s == PQ_OK && rows) *rows += t.num_rows;
        pq_table_reset(&t);
    }
    pq_reader_close(r);
    return s;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* Canonical rows of a whole file: hash of "line\n" for every row, row count.
 * `first`, when not NULL, receives the lines (newline-separated). */
static pq_status canon_file(const char *path, const pq_reader_options *o, uint64_t *hash, int64_t *rows,
                            pq_buf *lines, pq_error *err)
{
    pq_reader *r;
    PQ_TRY(pq_reader_open(&r, path, o, err));
    pq_buf line;
    pq_buf_init(&line, NULL);
    pq_status s = PQ_OK;
    *hash = UINT64_C(0xcbf29ce484222325);
    *rows = 0;
    for (int64_t g = 0; s == PQ_OK && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, err);
        for (int64_t i = 0; s == PQ_OK && i < t.num_rows; i++) {
            line.len = 0;
            s = pq_canon_row(&t, i, &line, err);
            if (s == PQ_OK) s = pq_buf_push(&line, '\n', err);
            if (s == PQ_OK) *hash = fnv1a(*hash, line.data, line.len);
            if (s == PQ_OK && lines) s = pq_buf_append(lines, line.data, line.len, err);
            (*rows)++;
        }
        pq_table_reset(&t);
    }
    pq_buf_reset(&line);
    pq_reader_close(r);
    return s;
}

static pq_reader_options opts_threads(int threads, bool crc)
{
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = threads;
    o.verify_crc = crc;
    return o;
}

static int32_t i32_at(const pq_array *a, int64_t i)
{
    int32_t v;
    memcpy(&v, a->values + i * 4, 4);
    return v;
}

static int64_t int_at(const pq_array *a, int64_t i)
{
    switch (a->type.bit_width) {
    case 8: return a->type.is_signed ? (int8_t)a->values[i] : a->values[i];
    case 16: {
        uint16_t v;
        memcpy(&v, a->values + i * 2, 2);
        return a->type.is_signed ? (int16_t)v : v;
    }
    case 32: {
        uint32_t v;
        memcpy(&v, a->values + i * 4, 4);
        return a->type.is_signed ? (int64_t)(int32_t)v : (int64_t)v;
    }
    default: {
        int64_t v;
        memcpy(&v, a->values + i * 8, 8);
        return v;
    }
    }
}

/* ================================================================ options */

TEST(options_defaults)
{
    pq_reader_options o;
    memset(&o, 0x5a, sizeof o);
    pq_reader_options_init(&o);
    CHECK(o.alloc == NULL);
    CHECK(!o.verify_crc);
    CHECK_EQ_I64(o.threads, 0);
    CHECK_EQ_I64(o.limits.max_footer_bytes, 256 << 20);
    CHECK_EQ_I64(o.limits.max_page_bytes, (int64_t)1 << 30);
    CHECK_EQ_I64(o.limits.max_nesting_depth, 64);
    CHECK_EQ_I64(o.limits.max_columns, 100000);
}

TEST(options_invalid)
{
    pq_reader_options o = opts_threads(-1, true);
    pq_reader *r = (pq_reader *)&o;
    pq_error err;
    CHECK_STATUS(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", &o, &err), PQ_ERR_INVALID_ARG);
    CHECK(r == NULL);
    CHECK_EQ_STR(err.path, DATA_DIR "/alltypes_plain.parquet");
    o = opts_threads(1, true);
    o.limits.max_page_bytes = 0;
    CHECK_STATUS(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", &o, &err), PQ_ERR_INVALID_ARG);
}

/* ================================================================ corpus */

/* Expected outcome of a corpus file. */
enum {
    X_OK,          /* must read (values checked elsewhere for the core set) */
    X_CRC,         /* PQ_ERR_CHECKSUM with verify_crc, OK without */
    X_CLEAN,       /* peers disagree or refuse: any status but a crash */
    X_REFUSE,      /* must not be PQ_OK */
};

typedef struct corpus_file {
    const char *name;
    int expect;
} corpus_file;

/* Every file of data/ and bad_data/; a file found on disk but missing here fails the test. */
static const corpus_file corpus[] = {
    {"alltypes_dictionary.parquet", X_OK}, {"alltypes_plain.parquet", X_OK},
    {"alltypes_plain.snappy.parquet", X_OK}, {"alltypes_tiny_pages.parquet", X_OK},
    {"alltypes_tiny_pages_plain.parquet", X_OK}, {"binary.parquet", X_OK},
    {"binary_truncated_min_max.parquet", X_OK}, {"byte_array_decimal.parquet", X_OK},
    {"byte_stream_split.zstd.parquet", X_OK}, {"byte_stream_split_extended.gzip.parquet", X_OK},
    {"column_chunk_key_value_metadata.parquet", X_OK}, {"concatenated_gzip_members.parquet", X_OK},
    {"data_index_bloom_encoding_stats.parquet", X_OK}, {"data_index_bloom_encoding_with_length.parquet", X_OK},
    {"datapage_v1-corrupt-checksum.parquet", X_CRC}, {"datapage_v1-snappy-compressed-checksum.parquet", X_OK},
    {"datapage_v1-uncompressed-checksum.parquet", X_OK}, {"datapage_v2.snappy.parquet", X_OK},
    {"datapage_v2_empty_datapage.snappy.parquet", X_OK}, {"delta_binary_packed.parquet", X_OK},
    {"delta_byte_array.parquet", X_OK}, {"delta_encoding_optional_column.parquet", X_OK},
    {"delta_encoding_required_column.parquet", X_OK}, {"delta_length_byte_array.parquet", X_OK},
    {"dict-page-offset-zero.parquet", X_OK}, {"fixed_length_byte_array.parquet", X_OK},
    {"fixed_length_decimal.parquet", X_OK}, {"fixed_length_decimal_legacy.parquet", X_OK},
    {"float16_nonzeros_and_nans.parquet", X_OK}, {"float16_zeros_and_nans.parquet", X_OK},
    {"floating_orders_nan_count.parquet", X_OK}, {"geospatial/crs-arbitrary-value.parquet", X_OK},
    {"geospatial/crs-default.parquet", X_OK}, {"geospatial/crs-geography.parquet", X_OK},
    {"geospatial/crs-projjson.parquet", X_OK}, {"geospatial/crs-srid.parquet", X_OK},
    {"geospatial/geography-lines.parquet", X_OK}, {"geospatial/geography-points.parquet", X_OK},
    {"geospatial/geography-polygons.parquet", X_OK}, {"geospatial/geospatial-with-nan.parquet", X_OK},
    {"geospatial/geospatial.parquet", X_OK}, {"hadoop_lz4_compressed.parquet", X_OK},
    {"hadoop_lz4_compressed_larger.parquet", X_OK}, {"incorrect_map_schema.parquet", X_OK},
    {"int32_decimal.parquet", X_OK}, {"int32_with_null_pages.parquet", X_OK},
    {"int64_decimal.parquet", X_OK}, {"int96_from_spark.parquet", X_OK},
    {"large_string_map.brotli.parquet", X_CLEAN}, {"list_columns.parquet", X_OK},
    {"lz4_raw_compressed.parquet", X_OK}, {"lz4_raw_compressed_larger.parquet", X_OK},
    {"map_no_value.parquet", X_CLEAN}, {"nan_in_stats.parquet", X_OK},
    {"nation.dict-malformed.parquet", X_OK}, {"nested_lists.snappy.parquet", X_OK},
    {"nested_maps.snappy.parquet", X_OK}, {"nested_structs.rust.parquet", X_OK},
    {"non_hadoop_lz4_compressed.parquet", X_OK}, {"nonnullable.impala.parquet", X_OK},
    {"null_list.parquet", X_OK}, {"nullable.impala.parquet", X_OK},
    {"nulls.snappy.parquet", X_OK}, {"old_list_structure.parquet", X_OK},
    {"overflow_i16_page_cnt.parquet", X_OK}, {"page_v2_empty_compressed.parquet", X_OK},
    {"plain-dict-uncompressed-checksum.parquet", X_OK}, {"repeated_no_annotation.parquet", X_OK},
    {"repeated_primitive_no_list.parquet", X_OK}, {"rle-dict-snappy-checksum.parquet", X_OK},
    {"rle-dict-uncompressed-corrupt-checksum.parquet", X_CRC}, {"rle_boolean_encoding.parquet", X_OK},
    {"single_nan.parquet", X_OK}, {"sort_columns.parquet", X_OK},
    {"unknown-logical-type.parquet", X_OK},
    /* Parquet Modular Encryption: no keys, so never readable. */
    {"encrypt_columns_and_footer.parquet.encrypted", X_REFUSE},
    {"encrypt_columns_and_footer_aad.parquet.encrypted", X_REFUSE},
    {"encrypt_columns_and_footer_bloom_filter.parquet.encrypted", X_REFUSE},
    {"encrypt_columns_and_footer_ctr.parquet.encrypted", X_REFUSE},
    {"encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted", X_REFUSE},
    {"encrypt_columns_plaintext_footer.parquet.encrypted", X_REFUSE},
    {"external_key_material_java.parquet.encrypted", X_REFUSE},
    {"uniform_encryption.parquet.encrypted", X_REFUSE},
};

static const corpus_file *corpus_find(const char *name)
{
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
        if (strcmp(corpus[i].name, name) == 0) return &corpus[i];
    return NULL;
}

/* Read one corpus file and check its outcome. */
static void check_corpus_file(const char *rel, int expect)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, rel);
    pq_reader_options o = opts_threads(2, true);
    pq_error err;
    int64_t rows = 0;
    if (strstr(rel, "large_string_map")) o.limits.max_page_bytes = 64 << 20; /* > 2 GiB of strings */
    pq_status s = read_whole(path, NULL, 0, &o, &rows, &err);
    bool ok = true;
    switch (expect) {
    case X_OK: ok = s == PQ_OK; break;
    case X_CRC: ok = s == PQ_ERR_CHECKSUM; break;
    case X_REFUSE: ok = s == PQ_ERR_UNSUPPORTED; break;
    default: ok = s != PQ_ERR_INTERNAL; break;
    }
    if (!ok) {
        char msg[1024];
        fprintf(stderr, "  %s: status %d: %s\n", rel, (int)s, pq_error_format(&err, msg, sizeof msg));
    }
    CHECK(ok);
    if (s != PQ_OK) CHECK(err.path[0] != 0 && strstr(err.path, rel) != NULL);
    if (expect == X_CRC) {
        o.verify_crc = false;
        CHECK_OK(read_whole(path, NULL, 0, &o, &rows, &err), &err);
    }
}

/* Walk a corpus folder: every .parquet / .parquet.encrypted file must be in the table. */
static int walk_corpus(const char *dir, const char *prefix)
{
    char full[512];
    snprintf(full, sizeof full, "%s%s%s", DATA_DIR, prefix[0] ? "/" : "", prefix);
    DIR *d = opendir(full);
    int n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char rel[512], path[1024];
        struct stat st;
        snprintf(rel, sizeof rel, "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name);
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, rel);
        if (e->d_name[0] == '.' || stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && strcmp(e->d_name, "geospatial") == 0) {
            n += walk_corpus(dir, rel);
            continue;
        }
        size_t nl = strlen(e->d_name);
        bool parquet = (nl > 8 && strcmp(e->d_name + nl - 8, ".parquet") == 0) ||
                       (nl > 18 && strcmp(e->d_name + nl - 18, ".parquet.encrypted") == 0);
        if (!parquet) continue;
        const corpus_file *cf = corpus_find(rel);
        if (!cf) fprintf(stderr, "  corpus file %s is not in the table\n", rel);
        CHECK(cf != NULL);
        check_corpus_file(rel, cf ? cf->expect : X_CLEAN);
        n++;
    }
    closedir(d);
    return n;
}

TEST(corpus_every_file)
{
    int n = walk_corpus(DATA_DIR, "");
    CHECK(n >= 75 + 8); /* 75 data files + the encrypted ones */
}

/* Canonical rows of DuckDB 1.5.6 (canon v1), FNV-1a 64 over "row\n" lines. */
typedef struct canon_expect {
    const char *name;
    int64_t rows;
    uint64_t hash;
} canon_expect;

static const canon_expect canon_expected[] = {
    {"alltypes_dictionary.parquet", 2, UINT64_C(0x3189e7667669314e)},
    {"alltypes_plain.parquet", 8, UINT64_C(0x2ce7702c529c64d5)},
    {"alltypes_plain.snappy.parquet", 2, UINT64_C(0x282017d18d18b95e)},
    {"alltypes_tiny_pages.parquet", 7300, UINT64_C(0x93d9ad50593127db)},
    {"alltypes_tiny_pages_plain.parquet", 7300, UINT64_C(0x93d9ad50593127db)},
    {"binary.parquet", 12, UINT64_C(0x9354fd2c77860333)},
    {"byte_stream_split.zstd.parquet", 300, UINT64_C(0x8726553a7b9b8e07)},
    {"concatenated_gzip_members.parquet", 513, UINT64_C(0x7c8940ce7cf871c5)},
    {"datapage_v1-corrupt-checksum.parquet", 5120, UINT64_C(0x08f217f703214b50)},
    {"datapage_v1-snappy-compressed-checksum.parquet", 5120, UINT64_C(0x558529829178ee75)},
    {"datapage_v1-uncompressed-checksum.parquet", 5120, UINT64_C(0x558529829178ee75)},
    {"datapage_v2.snappy.parquet", 5, UINT64_C(0x30ff91c2c08daf56)},
    {"datapage_v2_empty_datapage.snappy.parquet", 1, UINT64_C(0xa02c43c24f8c3647)},
    {"delta_binary_packed.parquet", 200, UINT64_C(0x8cf219d70712349e)},
    {"delta_byte_array.parquet", 1000, UINT64_C(0xa05b197f8a03f53c)},
    {"delta_encoding_optional_column.parquet", 100, UINT64_C(0x40e34e9a6c07b4f6)},
    {"delta_encoding_required_column.parquet", 100, UINT64_C(0x701f2b2c9742700e)},
    {"delta_length_byte_array.parquet", 1000, UINT64_C(0xc7e083ddb1fe97c1)},
    {"dict-page-offset-zero.parquet", 39, UINT64_C(0x4eeb4df462ab2939)},
    {"fixed_length_byte_array.parquet", 1000, UINT64_C(0xaad6c7a605851b2f)},
    {"fixed_length_decimal.parquet", 24, UINT64_C(0x145c9a79a3b8cb0d)},
    {"fixed_length_decimal_legacy.parquet", 24, UINT64_C(0x145c9a79a3b8cb0d)},
    {"int32_decimal.parquet", 24, UINT64_C(0x145c9a79a3b8cb0d)},
    {"int32_with_null_pages.parquet", 1000, UINT64_C(0x64e9e3a24f8c918a)},
    {"int64_decimal.parquet", 24, UINT64_C(0x145c9a79a3b8cb0d)},
    {"list_columns.parquet", 3, UINT64_C(0x2d071cf828386692)},
    {"lz4_raw_compressed.parquet", 4, UINT64_C(0x534f29899e61536f)},
    {"lz4_raw_compressed_larger.parquet", 10000, UINT64_C(0xb000d5d12b4b4595)},
    {"nested_lists.snappy.parquet", 3, UINT64_C(0xf113d291b53c7a50)},
    {"nested_maps.snappy.parquet", 6, UINT64_C(0x7abcd5f14f883790)},
    {"nested_structs.rust.parquet", 1, UINT64_C(0x536464bb8279e308)},
    {"nonnullable.impala.parquet", 1, UINT64_C(0x062725de14a1eff3)},
    {"null_list.parquet", 1, UINT64_C(0xb182a9ce518ffd7e)},
    {"nullable.impala.parquet", 7, UINT64_C(0xdec22223d7be76c4)},
    {"nulls.snappy.parquet", 8, UINT64_C(0xcb219c00f35b1bc5)},
    {"old_list_structure.parquet", 1, UINT64_C(0xde32934c8b1adc98)},
    {"overflow_i16_page_cnt.parquet", 40000, UINT64_C(0xf4e90b5dd0568525)},
    {"page_v2_empty_compressed.parquet", 10, UINT64_C(0xd76b83abddaf7dcd)},
    {"plain-dict-uncompressed-checksum.parquet", 1000, UINT64_C(0xdfb754bebb4b3165)},
    {"repeated_primitive_no_list.parquet", 4, UINT64_C(0x52e09b79cb9be9f9)},
    {"rle-dict-snappy-checksum.parquet", 1000, UINT64_C(0x850a06c5c419fb65)},
    {"rle-dict-uncompressed-corrupt-checksum.parquet", 1000, UINT64_C(0xe82378ae37d3b325)},
    {"rle_boolean_encoding.parquet", 68, UINT64_C(0xb1c93f4fc40fe535)},
    {"unknown-logical-type.parquet", 3, UINT64_C(0x1d56ec4c7a75b34e)},
};

TEST(corpus_canonical_rows)
{
    for (size_t i = 0; i < sizeof canon_expected / sizeof canon_expected[0]; i++) {
        const canon_expect *c = &canon_expected[i];
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, c->name);
        /* DuckDB does not verify CRCs: compare the corrupt files' rows as stored. */
        pq_reader_options o = opts_threads(2, false);
        uint64_t h = 0;
        int64_t rows = 0;
        pq_error err;
        pq_status s = canon_file(path, &o, &h, &rows, NULL, &err);
        CHECK_OK(s, &err);
        CHECK_EQ_I64(rows, c->rows);
        if (h != c->hash) fprintf(stderr, "  %s: canonical rows differ from DuckDB's\n", c->name);
        CHECK(h == c->hash);
    }
}

/* Canonical lines of small nested files, as DuckDB prints them. */
static const char *const nested_lists_rows =
    "{\"a\":[[[\"a\",\"b\"],[\"c\"]],[null,[\"d\"]]],\"b\":1}\n"
    "{\"a\":[[[\"a\",\"b\"],[\"c\",\"d\"]],[null,[\"e\"]]],\"b\":1}\n"
    "{\"a\":[[[\"a\",\"b\"],[\"c\",\"d\"],[\"e\"]],[null,[\"f\"]]],\"b\":1}\n";

static const char *const nullable_impala_rows =
    "{\"id\":1,\"int_array\":[1,2,3],\"int_array_Array\":[[1,2],[3,4]],\"int_map\":{\"k1\":1,\"k2\":100},"
    "\"int_Map_Array\":[{\"k1\":1}],\"nested_struct\":{\"A\":1,\"b\":[1],\"C\":{\"d\":[[{\"E\":10,\"F\":\"aaa\"},"
    "{\"E\":-10,\"F\":\"bbb\"}],[{\"E\":11,\"F\":\"c\"}]]},\"g\":{\"foo\":{\"H\":{\"i\":[1.1]}}}}}\n"
    "{\"id\":2,\"int_array\":[null,1,2,null,3,null],\"int_array_Array\":[[null,1,2,null],[3,null,4],[],null],"
    "\"int_map\":{\"k1\":2,\"k2\":null},\"int_Map_Array\":[{\"k3\":null,\"k1\":1},null,{}],\"nested_struct\":"
    "{\"A\":null,\"b\":[null],\"C\":{\"d\":[[{\"E\":null,\"F\":null},{\"E\":10,\"F\":\"aaa\"},{\"E\":null,\"F\":null},"
    "{\"E\":-10,\"F\":\"bbb\"},{\"E\":null,\"F\":null}],[{\"E\":11,\"F\":\"c\"},null],[],null]},\"g\":{\"g1\":"
    "{\"H\":{\"i\":[2.2,null]}},\"g2\":{\"H\":{\"i\":[]}},\"g3\":null,\"g4\":{\"H\":{\"i\":null}},\"g5\":{\"H\":null}}}}\n"
    "{\"id\":3,\"int_array\":[],\"int_array_Array\":[null],\"int_map\":{},\"int_Map_Array\":[null,null],"
    "\"nested_struct\":{\"A\":null,\"b\":null,\"C\":{\"d\":[]},\"g\":{}}}\n"
    "{\"id\":4,\"int_array\":null,\"int_array_Array\":[],\"int_map\":{},\"int_Map_Array\":[],\"nested_struct\":"
    "{\"A\":null,\"b\":null,\"C\":{\"d\":null},\"g\":null}}\n"
    "{\"id\":5,\"int_array\":null,\"int_array_Array\":null,\"int_map\":{},\"int_Map_Array\":null,\"nested_struct\":"
    "{\"A\":null,\"b\":null,\"C\":null,\"g\":{\"foo\":{\"H\":{\"i\":[2.2,3.3]}}}}}\n"
    "{\"id\":6,\"int_array\":null,\"int_array_Array\":null,\"int_map\":null,\"int_Map_Array\":null,"
    "\"nested_struct\":null}\n"
    "{\"id\":7,\"int_array\":null,\"int_array_Array\":[null,[5,6]],\"int_map\":{\"k1\":null,\"k3\":null},"
    "\"int_Map_Array\":null,\"nested_struct\":{\"A\":7,\"b\":[2,3,null],\"C\":{\"d\":[[],[null],null]},\"g\":null}}\n";

static void check_lines(const char *name, const char *expected)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    pq_reader_options o = opts_threads(1, true);
    pq_buf lines;
    pq_buf_init(&lines, NULL);
    uint64_t h;
    int64_t rows;
    pq_error err;
    CHECK_OK(canon_file(path, &o, &h, &rows, &lines, &err), &err);
    bool same = lines.len == strlen(expected) && memcmp(lines.data, expected, lines.len) == 0;
    if (!same) fprintf(stderr, "  %s rows:\n%.*s", name, (int)lines.len, lines.data ? (const char *)lines.data : "");
    CHECK(same);
    pq_buf_reset(&lines);
}

TEST(nested_shapes)
{
    check_lines("nested_lists.snappy.parquet", nested_lists_rows);
    check_lines("nullable.impala.parquet", nullable_impala_rows);
}

TEST(alltypes_plain_values)
{
    pq_reader *r;
    pq_error err;
    pq_reader_options o = opts_threads(1, true);
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", &o, &err), &err);
    if (!r) return;
    CHECK_EQ_I64(pq_reader_num_rows(r), 8);
    CHECK_EQ_I64(pq_reader_num_row_groups(r), 1);
    CHECK_EQ_I64(pq_reader_num_leaves(r), 11);
    CHECK_EQ_STR(pq_reader_leaf_path(r, 0), "id");
    CHECK_EQ_STR(pq_reader_leaf_path(r, 10), "timestamp_col");
    CHECK(pq_reader_leaf_path(r, 11) == NULL && pq_reader_leaf_path(r, -1) == NULL);
    CHECK(pq_reader_leaf_element(r, 0) && pq_reader_leaf_element(r, 0)->type == PQ_PHYS_INT32);
    CHECK(pq_reader_leaf_element(r, 11) == NULL);
    CHECK_EQ_I64(pq_reader_schema(r)->n_fields, 11);
    CHECK(pq_reader_output_schema(r) == pq_reader_schema(r));
    CHECK_EQ_I64(pq_reader_metadata(r)->n_row_groups, 1);
    pq_table t;
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, 8);
    CHECK_EQ_I64(t.schema.n_fields, 11);
    static const int32_t ids[] = {4, 5, 6, 7, 2, 3, 0, 1};
    const pq_array *id = &t.columns[0];
    CHECK(id->type.kind == PQ_KIND_INT && id->type.bit_width == 32);
    for (int i = 0; i < 8 && t.num_rows == 8; i++) CHECK_EQ_I64(i32_at(id, i), ids[i]);
    /* bool_col alternates true/false; bigint_col = 10 * (id % 2). */
    const pq_array *b = &t.columns[1], *big = &t.columns[5];
    CHECK(b->type.kind == PQ_KIND_BOOL);
    for (int i = 0; i < 8 && t.num_rows == 8; i++) {
        CHECK(pq_bit_get(b->values, i) == (i % 2 == 0));
        CHECK_EQ_I64(int_at(big, i), 10 * (ids[i] % 2));
    }
    pq_table_reset(&t);
    /* Out-of-range row groups. */
    CHECK_STATUS(pq_reader_read_row_group(r, 1, &t, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.path, "alltypes_plain.parquet") != NULL);
    pq_table_reset(&t);
    CHECK_STATUS(pq_reader_read_row_group(r, -1, &t, &err), PQ_ERR_INVALID_ARG);
    pq_table_reset(&t);
    pq_reader_close(r);
    pq_reader_close(NULL);
    CHECK(pq_reader_metadata(NULL) == NULL && pq_reader_num_rows(NULL) == 0);
}

/* ------------------------------------------------ delta *_expect.csv files */

/* Split one CSV record (RFC 4180 quotes) into cells; an unquoted empty cell is
 * NULL (cells[i] == NULL).  Returns the number of cells. */
static int csv_split(char *line, char **cells, size_t *lens, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return n;
        if (*p == '"') {
            char *w = ++p, *start = p;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"') p++;
                *w++ = *p++;
            }
            cells[n] = start;
            lens[n] = (size_t)(w - start);
            if (*p == '"') p++;
        } else {
            char *start = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r') p++;
            cells[n] = p == start ? NULL : start;
            lens[n] = (size_t)(p - start);
        }
        n++;
        if (*p != ',') return n;
        p++;
    }
}

/* Compare a table cell with a CSV cell: integers by value, strings by bytes. */
static bool cell_matches(const pq_array *a, int64_t row, const char *cell, size_t len)
{
    if (!cell) return !pq_array_is_valid(a, row);
    if (!pq_array_is_valid(a, row)) return false;
    if (a->type.kind == PQ_KIND_INT) {
        char tmp[32];
        if (len >= sizeof tmp) return false;
        memcpy(tmp, cell, len);
        tmp[len] = 0;
        return strtoll(tmp, NULL, 10) == int_at(a, row);
    }
    size_t n;
    const uint8_t *p = pq_array_bytes(a, row, &n);
    return n == len && (n == 0 || memcmp(p, cell, n) == 0);
}

static void check_expect_csv(const char *name)
{
    char path[512], csv[512];
    snprintf(path, sizeof path, "%s/%s.parquet", DATA_DIR, name);
    snprintf(csv, sizeof csv, "%s/%s_expect.csv", DATA_DIR, name);
    FILE *f = fopen(csv, "r");
    CHECK(f != NULL);
    if (!f) return;
    pq_reader *r;
    pq_error err;
    pq_reader_options o = opts_threads(2, true);
    CHECK_OK(pq_reader_open(&r, path, &o, &err), &err);
    static char line[1 << 16];
    char *cells[128];
    size_t lens[128];
    int64_t row = 0, checked = 0, mismatches = 0;
    bool header = true;
    for (int64_t g = 0; r && g < pq_reader_num_row_groups(r); g++) {
        pq_table t;
        CHECK_OK(pq_reader_read_row_group(r, g, &t, &err), &err);
        for (int64_t i = 0; i < t.num_rows; i++, row++) {
            if (header) { CHECK(fgets(line, sizeof line, f) != NULL); header = false; }
            if (!fgets(line, sizeof line, f)) { CHECK(!"csv shorter than the file"); break; }
            int n = csv_split(line, cells, lens, 128);
            CHECK_EQ_I64(n, t.schema.n_fields);
            for (int c = 0; c < n && c < t.schema.n_fields; c++) {
                bool m = cell_matches(&t.columns[c], i, cells[c], lens[c]);
                if (!m && mismatches++ < 5)
                    fprintf(stderr, "  %s row %lld column %d differs from the csv\n", name, (long long)row, c);
                checked++;
            }
        }
        pq_table_reset(&t);
    }
    CHECK(fgets(line, sizeof line, f) == NULL); /* csv not longer than the file */
    CHECK(row > 0 && checked >= row);
    CHECK_EQ_I64(mismatches, 0);
    fclose(f);
    pq_reader_close(r);
}

TEST(delta_expect_csv)
{
    check_expect_csv("delta_binary_packed");
    check_expect_csv("delta_byte_array");
    check_expect_csv("delta_encoding_optional_column");
    check_expect_csv("delta_encoding_required_column");
}

/* ------------------------------------------------------------ checksums */

static void check_crc_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    pq_reader_options o = opts_threads(1, true);
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(read_whole(path, NULL, 0, &o, NULL, &err), PQ_ERR_CHECKSUM);
    CHECK(strncmp(err.message, "page CRC mismatch: expected 0x", 30) == 0);
    CHECK(strstr(err.message, ", computed 0x") != NULL);
    CHECK_EQ_STR(err.path, path);
    CHECK_EQ_I64(err.where.row_group, 0);
    CHECK(err.where.column >= 0);
    CHECK(err.where.page >= 0);
    CHECK(err.where.offset >= 4);
    CHECK(err.column_path[0] != 0);
    o.verify_crc = false;
    int64_t rows = 0;
    CHECK_OK(read_whole(path, NULL, 0, &o, &rows, &err), &err);
    CHECK(rows > 0);
}

TEST(checksums)
{
    check_crc_file("datapage_v1-corrupt-checksum.parquet");
    check_crc_file("rle-dict-uncompressed-corrupt-checksum.parquet");
    /* Files with correct CRCs read with verification on. */
    pq_reader_options o = opts_threads(2, true);
    pq_error err;
    CHECK_OK(read_whole(DATA_DIR "/datapage_v1-snappy-compressed-checksum.parquet", NULL, 0, &o, NULL, &err), &err);
    CHECK_OK(read_whole(DATA_DIR "/rle-dict-snappy-checksum.parquet", NULL, 0, &o, NULL, &err), &err);
}

/* --------------------------------------------------------------- bad_data */

typedef struct bad_file {
    const char *name;
    bool must_fail;   /* every peer refuses it */
    bool must_read;   /* every peer reads it */
} bad_file;

TEST(bad_data)
{
    static const bad_file bad[] = {
        {"ARROW-GH-41317.parquet", true, false},   {"ARROW-GH-41321.parquet", true, false},
        {"ARROW-GH-43605.parquet", false, true},   {"ARROW-GH-45185.parquet", false, false},
        {"ARROW-GH-47662.parquet", true, false},   {"ARROW-RS-GH-6229-DICTHEADER.parquet", true, false},
        {"ARROW-RS-GH-6229-LEVELS.parquet", true, false}, {"PARQUET-1481.parquet", true, false},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, bad[i].name);
        pq_reader_options o = opts_threads(2, true);
        pq_error err;
        pq_error_clear(&err);
        pq_status s = read_whole(path, NULL, 0, &o, NULL, &err);
        if (bad[i].must_fail) {
            if (s == PQ_OK) fprintf(stderr, "  %s: read, expected a failure\n", bad[i].name);
            CHECK(s == PQ_ERR_CORRUPT);
            CHECK(err.message[0] != 0);
            CHECK_EQ_STR(err.path, path);
        } else if (bad[i].must_read) {
            CHECK_OK(s, &err);
        } else {
            CHECK(s == PQ_OK || s == PQ_ERR_CORRUPT);
        }
    }
    /* Chunks whose path_in_schema names another leaf are refused at open. */
    pq_reader_options o0 = opts_threads(1, true);
    pq_error e0;
    CHECK_STATUS(read_whole(BAD_DIR "/ARROW-GH-41317.parquet", NULL, 0, &o0, NULL, &e0), PQ_ERR_CORRUPT);
    CHECK(strstr(e0.message, "expected path_in_schema") != NULL);
    CHECK(e0.where.row_group >= 0 && e0.where.column >= 0);
    /* The failures inside column chunks carry their location. */
    pq_reader_options o = opts_threads(1, true);
    pq_error err;
    CHECK_STATUS(read_whole(BAD_DIR "/ARROW-GH-41321.parquet", NULL, 0, &o, NULL, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_I64(err.where.row_group, 0);
    CHECK(err.column_path[0] != 0);
}

/* ------------------------------------------------------------- damage */

/* Every prefix of a file is refused cleanly. */
static void truncations(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    size_t len = 0;
    uint8_t *data = harness_read_file(path, &len);
    CHECK(data != NULL);
    if (!data) return;
    pq_reader_options o = opts_threads(1, true);
    int refused = 0;
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = (uint8_t *)malloc(n ? n : 1); /* exact size: ASan sees any overread */
        memcpy(copy, data, n);
        pq_error err;
        pq_status s = read_whole(name, copy, n, &o, NULL, &err);
        refused += s == PQ_ERR_CORRUPT;
        free(copy);
    }
    CHECK_EQ_I64(refused, (int64_t)len);
    pq_error err;
    CHECK_OK(read_whole(name, data, len, &o, NULL, &err), &err);
    free(data);
}

/* End of the last column chunk of a file (writers may leave bytes unused
 * between the chunks and the footer). */
static int64_t chunks_end(const uint8_t *data, size_t len)
{
    pq_reader *r;
    pq_reader_options o = opts_threads(1, true);
    int64_t end = 0;
    if (pq_reader_open_memory(&r, data, len, "x", &o, NULL) != PQ_OK) return -1;
    const pq_file_metadata *m = pq_reader_metadata(r);
    for (int32_t g = 0; g < m->n_row_groups; g++)
        for (int32_t c = 0; c < m->row_groups[g].n_columns; c++) {
            const pq_column_meta *cm = &m->row_groups[g].columns[c].meta_data;
            int64_t start = cm->data_page_offset;
            if (cm->has_dictionary_page_offset && cm->dictionary_page_offset >= 4 && cm->dictionary_page_offset < start)
                start = cm->dictionary_page_offset;
            if (start + cm->total_compressed_size > end) end = start + cm->total_compressed_size;
        }
    pq_reader_close(r);
    return end;
}

/* Data region cut short while the footer stays: the file is rebuilt as
 * prefix + footer, so the footer's offsets point beyond the data that
 * remains.  Every cut that loses column bytes is refused. */
static void holes(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    size_t len = 0;
    uint8_t *data = harness_read_file(path, &len);
    if (!data) return;
    uint32_t flen = pq_load_u32le(data + len - 8);
    size_t foot = (size_t)flen + 8, body = len - foot;
    int64_t end = chunks_end(data, len);
    CHECK(end > 4 && end <= (int64_t)body);
    pq_reader_options o = opts_threads(1, true);
    int ok = 0;
    for (size_t cut = 4; (int64_t)cut < end; cut++) {
        size_t n = cut + foot;
        uint8_t *copy = (uint8_t *)malloc(n);
        memcpy(copy, data, cut);
        memcpy(copy + cut, data + body, foot);
        pq_error err;
        pq_status s = read_whole(name, copy, n, &o, NULL, &err);
        ok += s == PQ_OK;
        CHECK(s != PQ_ERR_INTERNAL);
        free(copy);
    }
    if (ok) fprintf(stderr, "  %s: %d cuts read\n", name, ok);
    CHECK_EQ_I64(ok, 0);
    free(data);
}

/* Every single-byte change (xor 0xff, then 0x01) reads or fails cleanly. */
static void byte_flips(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    size_t len = 0;
    uint8_t *data = harness_read_file(path, &len);
    if (!data) return;
    pq_reader_options o = opts_threads(1, true);
    for (int mask = 0; mask < 2; mask++)
        for (size_t i = 0; i < len; i++) {
            uint8_t *copy = (uint8_t *)malloc(len);
            memcpy(copy, data, len);
            copy[i] ^= mask ? 0x01 : 0xff;
            pq_error err;
            pq_status s = read_whole(name, copy, len, &o, NULL, &err);
            CHECK(s == PQ_OK || s == PQ_ERR_CORRUPT || s == PQ_ERR_CHECKSUM || s == PQ_ERR_UNSUPPORTED ||
                  s == PQ_ERR_LIMIT || s == PQ_ERR_EOF || s == PQ_ERR_TYPE);
            free(copy);
        }
    free(data);
}

TEST(damaged_files)
{
    truncations("alltypes_plain.parquet");
    truncations("datapage_v2.snappy.parquet");
    holes("alltypes_plain.parquet");
    holes("nested_lists.snappy.parquet");
    byte_flips("alltypes_plain.parquet");
    byte_flips("datapage_v2.snappy.parquet");
    byte_flips("rle-dict-snappy-checksum.parquet");
}

TEST(footer_errors)
{
    size_t len = 0;
    uint8_t *data = harness_read_file(DATA_DIR "/alltypes_plain.parquet", &len);
    CHECK(data != NULL);
    if (!data) return;
    pq_reader_options o = opts_threads(1, true);
    pq_reader *r = (pq_reader *)data;
    pq_error err;
    uint8_t *copy = (uint8_t *)malloc(len);

    memcpy(copy, data, len);
    memcpy(copy + len - 4, "PARE", 4);
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "enc", &o, &err), PQ_ERR_UNSUPPORTED);
    CHECK(r == NULL);
    CHECK(strstr(err.message, "encrypted footer") != NULL);
    CHECK_EQ_STR(err.path, "enc");

    memcpy(copy, data, len);
    copy[0] = 'X';
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "head", &o, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_I64(err.where.offset, 0);

    memcpy(copy, data, len);
    copy[len - 1] = 'X';
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "tail", &o, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_I64(err.where.offset, (int64_t)len - 4);

    memcpy(copy, data, len);
    pq_store_u32le(copy + len - 8, (uint32_t)(len - 11)); /* one byte too long */
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "flen", &o, &err), PQ_ERR_CORRUPT);
    pq_store_u32le(copy + len - 8, 0xffffffffu);
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "flen", &o, &err), PQ_ERR_CORRUPT);

    memcpy(copy, data, len);
    o.limits.max_footer_bytes = 100;
    CHECK_STATUS(pq_reader_open_memory(&r, copy, len, "limit", &o, &err), PQ_ERR_LIMIT);
    o.limits.max_footer_bytes = 256 << 20;

    CHECK_STATUS(pq_reader_open_memory(&r, copy, 11, "short", &o, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "at least 12 bytes") != NULL);
    CHECK_STATUS(pq_reader_open_memory(&r, NULL, 0, NULL, &o, &err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err.path, "<memory>");
    CHECK_STATUS(pq_reader_open_memory(&r, NULL, 5, "null", &o, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_reader_open(&r, NULL, &o, &err), PQ_ERR_INVALID_ARG);
    CHECK(r == NULL);
    CHECK_STATUS(pq_reader_open(&r, DATA_DIR "/no-such-file.parquet", &o, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "No such file") != NULL);
    CHECK_EQ_STR(err.path, DATA_DIR "/no-such-file.parquet");
    free(copy);
    free(data);
}

/* ------------------------------------------------------ out of memory */

/* Open + read all of a file failing allocation N for every N; threads = 1
 * so the count is deterministic.  Each run is OK (N past the last
 * allocation) or PQ_ERR_NOMEM, and frees everything. */
static void fault_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    size_t len = 0;
    uint8_t *data = harness_read_file(path, &len);
    CHECK(data != NULL);
    if (!data) return;
    int nomem = 0, leaks = 0, wrong = 0;
    for (long n = 1; n < 100000; n++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, n);
        pq_reader_options o = opts_threads(1, true);
        o.alloc = &a;
        pq_error err;
        pq_status s = read_whole(name, data, len, &o, NULL, &err);
        leaks += f.live != 0;
        if (!f.failed) {
            CHECK_OK(s, &err);
            break;
        }
        if (s == PQ_ERR_NOMEM) nomem++;
        else {
            if (wrong++ < 3) fprintf(stderr, "  %s: allocation %ld failed, status %d: %s\n", name, n, (int)s, err.message);
        }
    }
    CHECK(nomem > 10);
    CHECK_EQ_I64(wrong, 0);
    CHECK_EQ_I64(leaks, 0);
    free(data);
}

TEST(out_of_memory)
{
    fault_file("alltypes_plain.parquet");
    fault_file("nested_lists.snappy.parquet");
    fault_file("datapage_v2.snappy.parquet");
}

/* ---------------------------------------------------------- projection */

TEST(projection)
{
    pq_reader *r;
    pq_error err;
    pq_reader_options o = opts_threads(2, true);
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", &o, &err), &err);
    if (!r) return;
    const char *cols[] = {"string_col", "id"};
    CHECK_OK(pq_reader_select(r, cols, 2, &err), &err);
    const pq_schema *s = pq_reader_output_schema(r);
    CHECK_EQ_I64(s->n_fields, 2);
    CHECK_EQ_STR(s->fields[0].name, "id"); /* schema order, not selection order */
    CHECK_EQ_STR(s->fields[1].name, "string_col");
    CHECK_EQ_I64(pq_reader_schema(r)->n_fields, 11);
    pq_table t;
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    CHECK_EQ_I64(t.schema.n_fields, 2);
    CHECK_EQ_I64(t.num_rows, 8);
    if (t.num_rows == 8) {
        CHECK_EQ_I64(i32_at(&t.columns[0], 0), 4);
        size_t n;
        const uint8_t *p = pq_array_bytes(&t.columns[1], 1, &n);
        CHECK(n == 1 && p[0] == '1');
    }
    pq_table_reset(&t);

    const char *bad[] = {"id", "nope"};
    pq_error_clear(&err);
    CHECK_STATUS(pq_reader_select(r, bad, 2, &err), PQ_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "nope") != NULL);
    CHECK_EQ_I64(pq_reader_output_schema(r)->n_fields, 2); /* the previous selection stays */
    CHECK_STATUS(pq_reader_select(r, NULL, 1, &err), PQ_ERR_INVALID_ARG);

    CHECK_OK(pq_reader_select(r, NULL, 0, &err), &err); /* everything again */
    CHECK_EQ_I64(pq_reader_output_schema(r)->n_fields, 11);
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    CHECK_EQ_I64(t.schema.n_fields, 11);
    pq_table_reset(&t);
    pq_reader_close(r);

    /* A nested leaf selected by its dotted path. */
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/nested_lists.snappy.parquet", &o, &err), &err);
    if (!r) return;
    const char *b[] = {"b"};
    CHECK_OK(pq_reader_select(r, b, 1, &err), &err);
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    CHECK_EQ_I64(t.schema.n_fields, 1);
    CHECK_EQ_I64(t.num_rows, 3);
    pq_table_reset(&t);
    pq_reader_close(r);
}

/* --------------------------------------------------------- page indexes */

TEST(page_indexes)
{
    pq_reader *r;
    pq_error err;
    pq_reader_options o = opts_threads(1, true);
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/alltypes_tiny_pages_plain.parquet", &o, &err), &err);
    if (!r) return;
    const pq_offset_index *oi = NULL, *oi2 = NULL;
    const pq_column_index *ci = NULL, *ci2 = NULL;
    CHECK_OK(pq_reader_offset_index(r, 0, 0, &oi, &err), &err);
    CHECK(oi != NULL && oi->n_pages > 1);
    if (oi && oi->n_pages > 1) {
        const pq_column_meta *m = &pq_reader_metadata(r)->row_groups[0].columns[0].meta_data;
        CHECK_EQ_I64(oi->page_locations[0].offset, m->data_page_offset);
        CHECK_EQ_I64(oi->page_locations[0].first_row_index, 0);
        for (int32_t i = 1; i < oi->n_pages; i++) {
            CHECK(oi->page_locations[i].offset > oi->page_locations[i - 1].offset);
            CHECK(oi->page_locations[i].first_row_index > oi->page_locations[i - 1].first_row_index);
        }
    }
    CHECK_OK(pq_reader_offset_index(r, 0, 0, &oi2, &err), &err);
    CHECK(oi2 == oi); /* cached */
    CHECK_OK(pq_reader_column_index(r, 0, 0, &ci, &err), &err);
    CHECK(ci != NULL && oi && ci->n_pages == oi->n_pages);
    CHECK_OK(pq_reader_column_index(r, 0, 0, &ci2, &err), &err);
    CHECK(ci2 == ci);
    CHECK_STATUS(pq_reader_column_index(r, 1, 0, &ci, &err), PQ_ERR_INVALID_ARG);
    CHECK(ci == NULL);
    CHECK_STATUS(pq_reader_offset_index(r, 0, 99, &oi, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_reader_offset_index(NULL, 0, 0, &oi, &err), PQ_ERR_INVALID_ARG);
    pq_reader_close(r);

    /* A file without page indexes answers NULL. */
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", &o, &err), &err);
    if (!r) return;
    oi = (const pq_offset_index *)r;
    CHECK_OK(pq_reader_offset_index(r, 0, 3, &oi, &err), &err);
    CHECK(oi == NULL);
    CHECK_OK(pq_reader_column_index(r, 0, 3, &ci, &err), &err);
    CHECK(ci == NULL);
    pq_reader_close(r);
}

/* ------------------------------------------------------------- threads */

static void same_with_threads(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    pq_reader *r1, *r4;
    pq_error err;
    pq_reader_options o1 = opts_threads(1, true), o4 = opts_threads(4, true);
    CHECK_OK(pq_reader_open(&r1, path, &o1, &err), &err);
    CHECK_OK(pq_reader_open(&r4, path, &o4, &err), &err);
    for (int64_t g = 0; r1 && r4 && g < pq_reader_num_row_groups(r1); g++) {
        pq_table a, b;
        CHECK_OK(pq_reader_read_row_group(r1, g, &a, &err), &err);
        CHECK_OK(pq_reader_read_row_group(r4, g, &b, &err), &err);
        CHECK(a.num_rows > 0 && pq_table_equal(&a, &b));
        pq_table_reset(&a);
        pq_table_reset(&b);
    }
    pq_reader_close(r1);
    pq_reader_close(r4);
}

TEST(threads_agree)
{
    same_with_threads("alltypes_tiny_pages.parquet");
    same_with_threads("nested_structs.rust.parquet");
    same_with_threads("nullable.impala.parquet");
}

/* ------------------------------------------------------------ recycling */

/* Schema of the recycling tests: nullable int64 (with nulls), required
 * double, nullable string, nullable int32 (no nulls), list<int32>. */
static pq_status recycle_schema(pq_schema *s, pq_error *err)
{
    pq_field f, e;
    pq_schema_init(s, NULL);
    PQ_TRY(pq_field_init(&f, "id", pq_type_int(64, true), true, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&f, "x", pq_type_make(PQ_KIND_DOUBLE), false, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&f, "s", pq_type_make(PQ_KIND_STRING), true, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&f, "k", pq_type_int(32, true), true, NULL, err));
    PQ_TRY(pq_schema_add(s, &f, err));
    PQ_TRY(pq_field_init(&e, "element", pq_type_int(32, true), false, NULL, err));
    PQ_TRY(pq_field_list(&f, "l", true, &e, NULL, err));
    return pq_schema_add(s, &f, err);
}

/* Rows [first, first + n) of the recycling table. */
static pq_status recycle_rows(const pq_schema *s, int64_t first, int64_t n, pq_table *t, pq_error *err)
{
    PQ_TRY(pq_table_init(t, s, err));
    for (int64_t i = first; i < first + n; i++) {
        char txt[32];
        int len = snprintf(txt, sizeof txt, "v%lld", (long long)(i * 7919 % 1000));
        PQ_TRY(i % 5 == 3 ? pq_array_append_null(&t->columns[0], err)
                          : pq_array_append_i64(&t->columns[0], i * 1000003 - 77, err));
        PQ_TRY(pq_array_append_double(&t->columns[1], (double)i * 0.25, err));
        PQ_TRY(i % 7 == 0 ? pq_array_append_null(&t->columns[2], err)
                          : pq_array_append_bytes(&t->columns[2], txt, (size_t)len, err));
        PQ_TRY(pq_array_append_i64(&t->columns[3], (int32_t)(i * 31), err));
        pq_array *l = &t->columns[4];
        if (i % 4 == 1) {
            PQ_TRY(pq_array_append_null(l, err));
            continue;
        }
        for (int64_t k = 0; k < i % 3; k++) PQ_TRY(pq_array_append_i64(&l->children[0], (int32_t)(i + k), err));
        PQ_TRY(pq_array_append_valid(l, err));
    }
    return pq_table_finish(t, err);
}

/* A file of the rows written in batches of sizes[0..n) with row groups of
 * at most rg_rows rows (PLAIN, zstd, small pages), page format `version`. */
static pq_status rows_file(int version, const int64_t *sizes, size_t n, int64_t rg_rows, uint8_t **data, size_t *len,
                           pq_error *err)
{
    pq_schema s;
    pq_writer *w = NULL;
    pq_writer_options o;
    pq_writer_options_init(&o);
    o.codec = PQ_CODEC_ZSTD;
    o.page_version = version;
    o.page_size = 4096;
    o.row_group_size = rg_rows;
    o.dictionary = false;
    o.threads = 1;
    pq_status st = recycle_schema(&s, err);
    if (st == PQ_OK) st = pq_writer_open_memory(&w, &s, &o, err);
    int64_t first = 0;
    for (size_t b = 0; st == PQ_OK && b < n; b++) {
        pq_table t;
        st = recycle_rows(&s, first, sizes[b], &t, err);
        if (st == PQ_OK) st = pq_writer_write(w, &t, err);
        if (st == PQ_OK) st = pq_writer_flush(w, err);
        first += sizes[b];
        pq_table_reset(&t);
    }
    if (st == PQ_OK) st = pq_writer_close_memory(w, data, len, err);
    else pq_writer_abort(w);
    pq_schema_reset(&s);
    return st;
}

/* Row groups of 1000, 500, 1, 1000, 1000, 37 rows. */
static pq_status recycle_file(int version, uint8_t **data, size_t *len, pq_error *err)
{
    static const int64_t sizes[] = {1500, 1, 2037};
    return rows_file(version, sizes, 3, 1000, data, len, err);
}

/* pq_reader_read_doubles: a required and an optional DOUBLE column (nulls
 * and stored NaNs) decoded straight into caller memory for every row group,
 * on 1 and 2 threads, between row-group reads (read-ahead in flight); a
 * column that is not a flat DOUBLE and a bad row group are refused. */
static void read_doubles_direct(int threads)
{
    pq_schema s;
    pq_field f;
    pq_error err;
    pq_schema_init(&s, NULL);
    CHECK_OK(pq_field_init(&f, "a", pq_type_make(PQ_KIND_DOUBLE), false, NULL, &err), &err);
    CHECK_OK(pq_schema_add(&s, &f, &err), &err);
    CHECK_OK(pq_field_init(&f, "b", pq_type_make(PQ_KIND_DOUBLE), true, NULL, &err), &err);
    CHECK_OK(pq_schema_add(&s, &f, &err), &err);
    CHECK_OK(pq_field_init(&f, "k", pq_type_int(32, true), true, NULL, &err), &err);
    CHECK_OK(pq_schema_add(&s, &f, &err), &err);
    pq_table t;
    CHECK_OK(pq_table_init(&t, &s, &err), &err);
    const int64_t N = 3000;
    for (int64_t i = 0; i < N; i++) {
        CHECK_OK(pq_array_append_double(&t.columns[0], (double)i * 1.5 - 7, &err), &err);
        if (i % 5 == 0) CHECK_OK(pq_array_append_null(&t.columns[1], &err), &err);
        else CHECK_OK(pq_array_append_double(&t.columns[1], i % 11 == 3 ? NAN : (double)i / 3, &err), &err);
        CHECK_OK(pq_array_append_i64(&t.columns[2], i, &err), &err);
    }
    CHECK_OK(pq_table_finish(&t, &err), &err);
    pq_writer *w = NULL;
    pq_writer_options wo;
    pq_writer_options_init(&wo);
    wo.row_group_size = 1000;
    wo.page_size = 2048; /* several pages per chunk */
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK_OK(pq_writer_open_memory(&w, &s, &wo, &err), &err);
    CHECK_OK(pq_writer_write(w, &t, &err), &err);
    CHECK_OK(pq_writer_close_memory(w, &data, &len, &err), &err);
    pq_table_reset(&t);
    pq_schema_reset(&s);
    pq_reader *r = NULL;
    pq_reader_options o = opts_threads(threads, true);
    CHECK_OK(pq_reader_open_memory(&r, data, len, "doubles", &o, &err), &err);
    if (!r) return;
    double a[1000], b[1000];
    double *dst[2] = {a, b};
    int64_t leaves[2] = {0, 1}, nulls[2];
    for (int64_t g = 0; g < 3; g++) {
        pq_table rt;
        CHECK_OK(pq_reader_read_row_group(r, g, &rt, &err), &err); /* queues the next row group */
        pq_table_reset(&rt);
        CHECK_OK(pq_reader_read_doubles(r, g, leaves, dst, nulls, 2, &err), &err);
        int64_t bad = 0, want_nulls = 0;
        for (int64_t k = 0; k < 1000; k++) {
            int64_t i = g * 1000 + k;
            if (a[k] != (double)i * 1.5 - 7) bad++;
            if (i % 5 == 0) want_nulls++;
            if (i % 5 == 0 || i % 11 == 3 ? !isnan(b[k]) : b[k] != (double)i / 3) bad++;
        }
        CHECK_EQ_I64(bad, 0);
        CHECK_EQ_I64(nulls[0], 0);
        CHECK_EQ_I64(nulls[1], want_nulls);
    }
    CHECK_OK(pq_reader_read_row_group(r, 2, &t, &err), &err); /* still reads after the direct path */
    CHECK_EQ_I64(t.num_rows, 1000);
    pq_table_reset(&t);
    int64_t k_leaf = 2, big = 99;
    CHECK_STATUS(pq_reader_read_doubles(r, 0, &k_leaf, dst, nulls, 1, &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "'k' is not a flat DOUBLE column") != NULL);
    CHECK_STATUS(pq_reader_read_doubles(r, 0, &big, dst, nulls, 1, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_reader_read_doubles(r, 3, leaves, dst, nulls, 2, &err), PQ_ERR_INVALID_ARG);
    pq_reader_close(r);
    free(data);
}

TEST(read_doubles)
{
    read_doubles_direct(1);
    read_doubles_direct(2);
}

/* Read the steps {row group, selection} with a recycling reader and with a
 * fresh reader per step; the tables must be equal. */
static void recycle_agrees(int version, int threads)
{
    static const char *const sel_ks[] = {"k", "s"};
    static const char *const sel_l[] = {"l"};
    static const struct { int64_t rg; int sel; } steps[] = {
        {0, 0}, {1, 0}, {2, 0}, {3, 0}, {2, 0}, {4, 1}, {0, 1}, {5, 2}, {3, 2}, {1, 0}, {5, 0}, {0, 0},
    };
    uint8_t *data = NULL;
    size_t len = 0;
    pq_error err;
    CHECK_OK(recycle_file(version, &data, &len, &err), &err);
    if (!data) return;
    pq_reader *r = NULL;
    pq_reader_options o = opts_threads(threads, true);
    CHECK_OK(pq_reader_open_memory(&r, data, len, "recycle", &o, &err), &err);
    CHECK_EQ_I64(pq_reader_num_row_groups(r), 6);
    int sel = 0;
    for (size_t i = 0; r && i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].sel != sel) {
            sel = steps[i].sel;
            CHECK_OK(pq_reader_select(r, sel == 1 ? sel_ks : sel == 2 ? sel_l : NULL,
                                     (size_t)(sel == 1 ? 2 : sel == 2 ? 1 : 0), &err),
                     &err);
        }
        pq_reader *f = NULL;
        pq_table a, b;
        memset(&a, 0, sizeof a);
        CHECK_OK(pq_reader_open_memory(&f, data, len, "fresh", &o, &err), &err);
        if (f && sel) CHECK_OK(pq_reader_select(f, sel == 1 ? sel_ks : sel_l, sel == 1 ? 2 : 1, &err), &err);
        if (f) CHECK_OK(pq_reader_read_row_group(f, steps[i].rg, &a, &err), &err);
        CHECK_OK(pq_reader_read_row_group(r, steps[i].rg, &b, &err), &err);
        CHECK(a.num_rows == (steps[i].rg == 5 ? 37 : steps[i].rg == 1 ? 500 : steps[i].rg == 2 ? 1 : 1000));
        CHECK_EQ_I64(b.schema.n_fields, sel == 0 ? 5 : sel == 1 ? 2 : 1);
        CHECK(pq_table_equal(&a, &b));
        pq_table_reset(&a);
        pq_reader_recycle(r, &b);
        CHECK(b.columns == NULL && b.num_rows == 0 && b.schema.n_fields == 0);
        pq_reader_close(f);
    }
    pq_reader_close(r);
    pq_free(NULL, data);
}

TEST(recycle)
{
    for (int v = 1; v <= 2; v++) {
        recycle_agrees(v, 1);
        recycle_agrees(v, 2);
    }
    /* Zeroed tables, NULL table, NULL reader (only resets). */
    pq_table z;
    memset(&z, 0, sizeof z);
    pq_reader_recycle(NULL, &z);
    pq_reader_recycle(NULL, NULL);
    pq_reader *r = NULL;
    pq_error err;
    CHECK_OK(pq_reader_open(&r, DATA_DIR "/alltypes_plain.parquet", NULL, &err), &err);
    if (!r) return;
    pq_reader_recycle(r, &z);
    pq_reader_recycle(r, NULL);
    pq_table t;
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    pq_reader_recycle(NULL, &t); /* a NULL reader frees the table */
    CHECK(t.columns == NULL);
    CHECK_OK(pq_reader_read_row_group(r, 0, &t, &err), &err);
    CHECK_EQ_I64(t.num_rows, 8);
    CHECK_EQ_I64(i32_at(&t.columns[0], 0), 4);
    pq_reader_recycle(r, &t);
    pq_reader_close(r);
}

/* ------------------------------------------------------------ bytes read */

/* Compressed bytes of leaf `leaf`'s chunks over all row groups (-1: all leaves). */
static int64_t chunk_total(const pq_reader *r, int64_t leaf)
{
    const pq_file_metadata *m = pq_reader_metadata(r);
    int64_t n = 0;
    for (int64_t g = 0; g < m->n_row_groups; g++)
        for (int64_t c = 0; c < m->row_groups[g].n_columns; c++)
            if (leaf < 0 || c == leaf) n += m->row_groups[g].columns[c].meta_data.total_compressed_size;
    return n;
}

/* Reading every row group fetches exactly the footer plus the chunks of the
 * selected leaves, with and without read-ahead. */
TEST(bytes_read_counts_selected_chunks)
{
    static const char *const sel_k[] = {"k"};
    uint8_t *data = NULL;
    size_t len = 0;
    pq_error err;
    static const int64_t sizes[] = {100000};
    CHECK_OK(rows_file(1, sizes, 1, 30000, &data, &len, &err), &err);
    for (int threads = 1; data && threads <= 2; threads++)
        for (int sel = 0; sel <= 1; sel++) {
            pq_reader *r = NULL;
            pq_reader_options o = opts_threads(threads, false);
            CHECK_OK(pq_reader_open_memory(&r, data, len, "bytes", &o, &err), &err);
            if (!r) continue;
            int64_t footer = pq_reader_bytes_read(r);
            CHECK(footer > 8 && footer < (int64_t)len / 10);
            if (sel) CHECK_OK(pq_reader_select(r, sel_k, 1, &err), &err);
            for (int64_t g = 0; g < pq_reader_num_row_groups(r); g++) {
                pq_table t;
                CHECK_OK(pq_reader_read_row_group(r, g, &t, &err), &err);
                pq_reader_recycle(r, &t);
            }
            CHECK_EQ_I64(pq_reader_bytes_read(r) - footer, chunk_total(r, sel ? 3 : -1));
            pq_reader_close(r);
        }
    CHECK_EQ_I64(pq_reader_bytes_read(NULL), 0);
    pq_free(NULL, data);
}

/* --------------------------------------------------------- read-ahead */

/* Six row groups of 40000 rows (about 1.5 MB of column data each: worth two
 * workers, so the reader reads the next one ahead), the last of 1234. */
#define AHEAD_RG_ROWS 40000
static pq_status ahead_file(uint8_t **data, size_t *len, pq_error *err)
{
    static const int64_t sizes[] = {5 * AHEAD_RG_ROWS + 1234};
    return rows_file(2, sizes, 1, AHEAD_RG_ROWS, data, len, err);
}

/* Row group rg of data read by a fresh one-thread reader. */
static void reference_rg(const uint8_t *data, size_t len, const char *const *sel, size_t n_sel, int64_t rg,
                         pq_table *t)
{
    pq_reader *f = NULL;
    pq_error err;
    pq_reader_options o = opts_threads(1, true);
    memset(t, 0, sizeof *t);
    CHECK_OK(pq_reader_open_memory(&f, data, len, "reference", &o, &err), &err);
    if (f && n_sel) CHECK_OK(pq_reader_select(f, sel, n_sel, &err), &err);
    if (f) CHECK_OK(pq_reader_read_row_group(f, rg, t, &err), &err);
    pq_reader_close(f);
}

/* Read the row groups in `order` (-1 ends; -2 = select {s, l}; -3 = select
 * all) with a two-thread reader, keeping every table until the end when
 * `keep`, recycling it otherwise; each must equal the reference. */
static void ahead_sequence(const uint8_t *data, size_t len, const int64_t *order, bool keep)
{
    static const char *const sel_sl[] = {"s", "l"};
    pq_reader *r = NULL;
    pq_error err;
    pq_reader_options o = opts_threads(2, true);
    CHECK_OK(pq_reader_open_memory(&r, data, len, "ahead", &o, &err), &err);
    if (!r) return;
    pq_table kept[16];
    int n_kept = 0, sel = 0;
    for (const int64_t *p = order; *p != -1; p++) {
        if (*p < -1) {
            sel = *p == -2;
            CHECK_OK(pq_reader_select(r, sel ? sel_sl : NULL, sel ? 2 : 0, &err), &err);
            continue;
        }
        pq_table a, b;
        reference_rg(data, len, sel_sl, sel ? 2 : 0, *p, &a);
        CHECK_OK(pq_reader_read_row_group(r, *p, &b, &err), &err);
        CHECK_EQ_I64(b.num_rows, *p == 5 ? 1234 : AHEAD_RG_ROWS);
        CHECK(pq_table_equal(&a, &b));
        pq_table_reset(&a);
        if (keep && n_kept < 16) kept[n_kept++] = b;
        else pq_reader_recycle(r, &b);
    }
    /* kept tables are untouched by the reads that followed them */
    int k = 0;
    sel = 0;
    for (const int64_t *p = order; keep && *p != -1 && k < n_kept; p++) {
        if (*p < -1) {
            sel = *p == -2;
            continue;
        }
        pq_table a;
        reference_rg(data, len, sel_sl, sel ? 2 : 0, *p, &a);
        CHECK(pq_table_equal(&a, &kept[k]));
        pq_table_reset(&a);
        pq_table_reset(&kept[k++]);
    }
    pq_reader_close(r);
}

TEST(read_ahead)
{
    uint8_t *data = NULL;
    size_t len = 0;
    pq_error err;
    CHECK_OK(ahead_file(&data, &len, &err), &err);
    if (!data) return;
    static const int64_t in_order[] = {0, 1, 2, 3, 4, 5, -1};
    static const int64_t jumps[] = {0, 1, 3, 2, 2, 5, 4, 0, 0, 1, -1};
    static const int64_t selections[] = {0, -2, 1, 2, -3, 3, -2, 4, 5, -1};
    static const int64_t just_first[] = {0, -1};
    ahead_sequence(data, len, in_order, false);
    ahead_sequence(data, len, in_order, true);
    ahead_sequence(data, len, jumps, false);
    ahead_sequence(data, len, jumps, true);
    ahead_sequence(data, len, selections, true);
    ahead_sequence(data, len, just_first, false); /* close with row group 1 in flight */

    /* Damage row group 3's first chunk: rows before it read, row group 3
     * fails naming itself, row group 4 (read ahead while 3 failed) reads. */
    pq_reader *r = NULL;
    pq_reader_options o = opts_threads(2, true);
    CHECK_OK(pq_reader_open_memory(&r, data, len, "ahead", &o, &err), &err);
    if (r) {
        const pq_column_meta *c = &pq_reader_metadata(r)->row_groups[3].columns[0].meta_data;
        int64_t at = c->data_page_offset + c->total_compressed_size - 1;
        pq_reader_close(r);
        r = NULL;
        CHECK(at > 0 && (size_t)at < len);
        data[at] ^= 0x5a;
        CHECK_OK(pq_reader_open_memory(&r, data, len, "ahead", &o, &err), &err);
    }
    for (int64_t rg = 0; r && rg < 6; rg++) {
        pq_table t;
        pq_status s = pq_reader_read_row_group(r, rg, &t, &err);
        if (rg == 3) {
            CHECK_STATUS(s, PQ_ERR_CHECKSUM);
            CHECK_EQ_I64(err.where.row_group, 3);
            CHECK(t.columns == NULL);
        } else
            CHECK_OK(s, &err);
        pq_table_reset(&t);
    }
    pq_reader_close(r);
    pq_free(NULL, data);
}

int main(void)
{
    RUN(options_defaults);
    RUN(options_invalid);
    RUN(corpus_every_file);
    RUN(corpus_canonical_rows);
    RUN(nested_shapes);
    RUN(alltypes_plain_values);
    RUN(delta_expect_csv);
    RUN(checksums);
    RUN(bad_data);
    RUN(footer_errors);
    RUN(damaged_files);
    RUN(out_of_memory);
    RUN(projection);
    RUN(page_indexes);
    RUN(threads_agree);
    RUN(recycle);
    RUN(read_ahead);
    RUN(read_doubles);
    RUN(bytes_read_counts_selected_chunks);
    return harness_done();
}
