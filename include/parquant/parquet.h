/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/parquet.h - read and write Apache Parquet files.
 *
 * Writing:
 *     pq_writer_options o; pq_writer_options_init(&o);
 *     o.codec = PQ_CODEC_ZSTD;
 *     pq_writer *w;
 *     PQ_TRY(pq_writer_open(&w, "out.parquet", &schema, &o, &err));
 *     pq_writer_write(w, &table, &err);           // as often as needed
 *     pq_writer_close(w, &err);                   // footer, fsync, rename
 *   The file is written to "out.parquet.tmp-XXXXXX" in the same folder and
 *   renamed over the final name only by a successful close; pq_writer_abort
 *   (or a failed write/close) removes the temporary file.
 *
 * Reading:
 *     pq_reader *r;
 *     PQ_TRY(pq_reader_open(&r, "in.parquet", NULL, &err));
 *     const char *cols[] = {"a", "b.c"};
 *     pq_reader_select(r, cols, 2, &err);         // optional projection
 *     for (rg = 0; rg < pq_reader_num_row_groups(r); rg++) {
 *         pq_table t;
 *         pq_reader_read_row_group(r, rg, &t, &err);
 *         ...; pq_table_reset(&t);
 *     }
 *     pq_reader_close(r);
 *
 * The metadata structs below mirror parquet.thrift.  They are decoded into an
 * arena owned by the reader and stay valid until pq_reader_close.  Byte
 * strings (statistics, names) are borrowed from that arena.
 *
 * Threading: a reader or writer is used by one thread at a time; internally it
 * may use `threads` worker threads, so a custom pq_allocator given to it must
 * be thread-safe unless `threads` is 1.
 */
#ifndef PARQUANT_PARQUET_H
#define PARQUANT_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquant/alloc.h"
#include "parquant/error.h"
#include "parquant/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------- format enums */

typedef enum pq_physical {
    PQ_PHYS_BOOLEAN = 0, PQ_PHYS_INT32 = 1, PQ_PHYS_INT64 = 2, PQ_PHYS_INT96 = 3,
    PQ_PHYS_FLOAT = 4, PQ_PHYS_DOUBLE = 5, PQ_PHYS_BYTE_ARRAY = 6, PQ_PHYS_FIXED_LEN_BYTE_ARRAY = 7
} pq_physical;

typedef enum pq_codec {
    PQ_CODEC_UNCOMPRESSED = 0, PQ_CODEC_SNAPPY = 1, PQ_CODEC_GZIP = 2, PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4, PQ_CODEC_LZ4 = 5, PQ_CODEC_ZSTD = 6, PQ_CODEC_LZ4_RAW = 7
} pq_codec;

typedef enum pq_encoding {
    PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6, PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9,
    PQ_ENC_DEFAULT = -1 /**< writer option: let the writer choose */
} pq_encoding;

typedef enum pq_repetition { PQ_REP_REQUIRED = 0, PQ_REP_OPTIONAL = 1, PQ_REP_REPEATED = 2 } pq_repetition;

typedef enum pq_page_type {
    PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICTIONARY = 2, PQ_PAGE_DATA_V2 = 3
} pq_page_type;

/** Legacy ConvertedType values (parquet.thrift). */
typedef enum pq_converted_type {
    PQ_CT_NONE = -1, PQ_CT_UTF8 = 0, PQ_CT_MAP = 1, PQ_CT_MAP_KEY_VALUE = 2, PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4, PQ_CT_DECIMAL = 5, PQ_CT_DATE = 6, PQ_CT_TIME_MILLIS = 7, PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9, PQ_CT_TIMESTAMP_MICROS = 10, PQ_CT_UINT_8 = 11, PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13, PQ_CT_UINT_64 = 14, PQ_CT_INT_8 = 15, PQ_CT_INT_16 = 16, PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18, PQ_CT_JSON = 19, PQ_CT_BSON = 20, PQ_CT_INTERVAL = 21
} pq_converted_type;

/** LogicalType union member (thrift field id); PQ_LT_NONE = not set,
 *  PQ_LT_UNKNOWN_MEMBER = a member this version does not know (ignored). */
typedef enum pq_logical_kind {
    PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP = 2, PQ_LT_LIST = 3, PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5, PQ_LT_DATE = 6, PQ_LT_TIME = 7, PQ_LT_TIMESTAMP = 8, PQ_LT_INTEGER = 10,
    PQ_LT_NULL = 11, PQ_LT_JSON = 12, PQ_LT_BSON = 13, PQ_LT_UUID = 14, PQ_LT_FLOAT16 = 15,
    PQ_LT_VARIANT = 16, PQ_LT_GEOMETRY = 17, PQ_LT_GEOGRAPHY = 18,
    PQ_LT_UNKNOWN_MEMBER = 1000
} pq_logical_kind;

/* ------------------------------------------------------ metadata structs */

typedef struct pq_logical_type {
    pq_logical_kind kind;
    int32_t scale, precision; /**< DECIMAL */
    bool utc;                 /**< TIME/TIMESTAMP isAdjustedToUTC */
    pq_time_unit unit;        /**< TIME/TIMESTAMP */
    int8_t bit_width;         /**< INTEGER: 8/16/32/64 */
    bool is_signed;           /**< INTEGER */
} pq_logical_type;

typedef struct pq_schema_element {
    bool has_type;
    pq_physical type;
    int32_t type_length;      /**< FLBA width; 0 when absent */
    bool has_repetition;
    pq_repetition repetition;
    const char *name;         /**< NUL-terminated, arena-owned */
    bool has_num_children;
    int32_t num_children;
    pq_converted_type converted_type; /**< PQ_CT_NONE when absent */
    bool has_scale, has_precision, has_field_id;
    int32_t scale, precision, field_id;
    pq_logical_type logical;  /**< kind PQ_LT_NONE when absent */
} pq_schema_element;

/** Statistics as stored (PLAIN encoding of the value, no length prefix). */
typedef struct pq_statistics {
    const uint8_t *max, *min;             /**< legacy signed-order fields */
    int32_t max_len, min_len;
    bool has_max, has_min;
    const uint8_t *max_value, *min_value; /**< column-order fields */
    int32_t max_value_len, min_value_len;
    bool has_max_value, has_min_value;
    bool has_null_count, has_distinct_count;
    int64_t null_count, distinct_count;
    bool has_is_max_value_exact, has_is_min_value_exact;
    bool is_max_value_exact, is_min_value_exact;
} pq_statistics;

typedef struct pq_page_encoding_stats {
    pq_page_type page_type;
    pq_encoding encoding;
    int32_t count;
} pq_page_encoding_stats;

typedef struct pq_column_meta {
    pq_physical type;
    pq_encoding *encodings;
    int32_t n_encodings;
    const char **path_in_schema;
    int32_t n_path;
    pq_codec codec;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    pq_kv *kv;
    int32_t n_kv;
    int64_t data_page_offset;
    bool has_index_page_offset, has_dictionary_page_offset;
    int64_t index_page_offset, dictionary_page_offset;
    bool has_statistics;
    pq_statistics statistics;
    pq_page_encoding_stats *encoding_stats;
    int32_t n_encoding_stats;
    bool has_bloom_filter_offset, has_bloom_filter_length;
    int64_t bloom_filter_offset;
    int32_t bloom_filter_length;
} pq_column_meta;

typedef struct pq_column_chunk {
    const char *file_path;    /**< NULL unless the chunk lives in another file */
    int64_t file_offset;
    bool has_meta_data;
    pq_column_meta meta_data;
    bool has_offset_index, has_column_index;
    int64_t offset_index_offset, column_index_offset;
    int32_t offset_index_length, column_index_length;
    bool encrypted;           /**< crypto metadata present */
} pq_column_chunk;

typedef struct pq_sorting_column {
    int32_t column_idx;
    bool descending;
    bool nulls_first;
} pq_sorting_column;

typedef struct pq_row_group_meta {
    pq_column_chunk *columns;
    int32_t n_columns;
    int64_t total_byte_size;
    int64_t num_rows;
    pq_sorting_column *sorting_columns;
    int32_t n_sorting_columns;
    bool has_file_offset, has_total_compressed_size, has_ordinal;
    int64_t file_offset, total_compressed_size;
    int16_t ordinal;
} pq_row_group_meta;

/** ColumnOrder union: 1 = TYPE_DEFINED_ORDER, 2 = IEEE_754_TOTAL_ORDER, 0 = unknown member. */
typedef struct pq_file_metadata {
    int32_t version;
    pq_schema_element *schema;
    int32_t n_schema;
    int64_t num_rows;
    pq_row_group_meta *row_groups;
    int32_t n_row_groups;
    pq_kv *kv;
    int32_t n_kv;
    const char *created_by;   /**< NULL when absent */
    int32_t *column_orders;
    int32_t n_column_orders;
    bool encrypted;           /**< encryption_algorithm set (plaintext footer mode) */
} pq_file_metadata;

/** Page index of one column chunk (ColumnIndex). */
typedef struct pq_column_index {
    int32_t n_pages;
    bool *null_pages;
    const uint8_t **min_values, **max_values;
    int32_t *min_lens, *max_lens;
    int32_t boundary_order;   /**< 0 unordered, 1 ascending, 2 descending */
    bool has_null_counts;
    int64_t *null_counts;
} pq_column_index;

typedef struct pq_page_location {
    int64_t offset;
    int32_t compressed_page_size; /**< header included */
    int64_t first_row_index;
} pq_page_location;

/** OffsetIndex of one column chunk. */
typedef struct pq_offset_index {
    int32_t n_pages;
    pq_page_location *page_locations;
} pq_offset_index;

/* -------------------------------------------------------------- limits */

/** Bounds applied to sizes read from files (defence against hostile input). */
typedef struct pq_limits {
    int64_t max_footer_bytes;   /**< default 256 MiB */
    int64_t max_page_bytes;     /**< compressed or uncompressed, default 1 GiB */
    int32_t max_nesting_depth;  /**< schema depth, default 64 */
    int64_t max_columns;        /**< leaves, default 100000 */
} pq_limits;

/* -------------------------------------------------------------- reader */

typedef struct pq_reader pq_reader;

typedef struct pq_reader_options {
    const pq_allocator *alloc; /**< NULL = libc */
    bool verify_crc;           /**< check page CRCs when present (default false, as other
                                    engines; `parquant validate` and `cat --verify-checksums`
                                    turn it on) */
    int threads;               /**< worker threads, 0 = number of CPUs (default) */
    pq_limits limits;
} pq_reader_options;

/** Fill `o` with defaults.  Can't fail. */
PQ_API void pq_reader_options_init(pq_reader_options *o);

/** Open a Parquet file: reads and checks the footer and the schema.
 *  @return PQ_OK, PQ_ERR_IO, PQ_ERR_CORRUPT, PQ_ERR_UNSUPPORTED (encrypted),
 *          PQ_ERR_LIMIT, PQ_ERR_NOMEM, PQ_ERR_INVALID_ARG (bad options, NULL
 *          path, NULL data with a non-zero length).  On failure *out is NULL. */
PQ_NODISCARD PQ_API pq_status pq_reader_open(pq_reader **out, const char *path, const pq_reader_options *opts,
                                             pq_error *err);
/** Same over bytes in memory, borrowed until close.  `name` is used in errors. */
PQ_NODISCARD PQ_API pq_status pq_reader_open_memory(pq_reader **out, const void *data, size_t len,
                                                    const char *name, const pq_reader_options *opts,
                                                    pq_error *err);
/** Release everything.  Accepts NULL. */
PQ_API void pq_reader_close(pq_reader *r);

PQ_API const pq_file_metadata *pq_reader_metadata(const pq_reader *r);
/** Logical schema of the whole file. */
PQ_API const pq_schema *pq_reader_schema(const pq_reader *r);
/** Sum of the row groups' num_rows. */
PQ_API int64_t pq_reader_num_rows(const pq_reader *r);
PQ_API int64_t pq_reader_num_row_groups(const pq_reader *r);
/** Number of leaf columns and the dotted path / schema element of leaf i. */
PQ_API int64_t pq_reader_num_leaves(const pq_reader *r);
/** Bytes of the file fetched so far: the footer, page indexes, and the
 *  column chunks (or pages) read; what a projection or a filter saves shows
 *  here.  A row group read ahead counts once fetched.  0 for NULL. */
PQ_API int64_t pq_reader_bytes_read(const pq_reader *r);
PQ_API const char *pq_reader_leaf_path(const pq_reader *r, int64_t leaf);
PQ_API const pq_schema_element *pq_reader_leaf_element(const pq_reader *r, int64_t leaf);

/** Restrict reading to the named fields.  A name is a dotted path of field
 *  names ("a", "a.b.c"); the Parquet path ("a.list.element.b") is accepted too.
 *  n == 0 selects everything.  @return PQ_ERR_NOT_FOUND naming the path. */
PQ_NODISCARD PQ_API pq_status pq_reader_select(pq_reader *r, const char *const *paths, size_t n,
                                               pq_error *err);
/** Schema of the tables the reader returns (after selection). */
PQ_API const pq_schema *pq_reader_output_schema(const pq_reader *r);

/** Read one row group into `out`, which the call initialises (the caller
 *  pq_table_reset()s it, also after a failure). */
PQ_NODISCARD PQ_API pq_status pq_reader_read_row_group(pq_reader *r, int64_t rg, pq_table *out, pq_error *err);
/** Read flat DOUBLE columns of row group `rg` straight into caller memory,
 *  without building a table: file leaf `leaves[i]` (pq_reader_leaf_path; a
 *  top-level, non-repeated DOUBLE column) into dst[i][0 .. rows of the row
 *  group).  A null becomes NaN and is counted in nulls[i]; a caller that
 *  must tell a null from a stored NaN re-reads that column with
 *  pq_reader_read_row_group.  Runs on the reader's threads; independent of
 *  pq_reader_select; drops row groups read ahead.  Not to be called while
 *  another thread reads from r.
 *  @return PQ_ERR_INVALID_ARG for a bad row group or a leaf that is not a
 *          flat DOUBLE column, else as pq_reader_read_row_group. */
PQ_NODISCARD PQ_API pq_status pq_reader_read_doubles(pq_reader *r, int64_t rg, const int64_t *leaves,
                                                     double *const *dst, int64_t *nulls, size_t n, pq_error *err);
/** Give a table read from this reader back when done with it: the reader
 *  keeps its value and offset buffers (up to 64 MiB each) for the next
 *  pq_reader_read_row_group, which then writes into memory that is already
 *  mapped instead of faulting in fresh pages, and the table is reset as by
 *  pq_table_reset.  Tables from before a pq_reader_select are accepted; so
 *  is a zeroed table.  With r NULL the table is only reset.  Not to be called
 *  while another thread reads from r.  Streaming loop:
 *      for (rg = 0; rg < n; rg++) {
 *          pq_table t;
 *          PQ_TRY(pq_reader_read_row_group(r, rg, &t, &err));
 *          use(&t);
 *          pq_reader_recycle(r, &t);
 *      } */
PQ_API void pq_reader_recycle(pq_reader *r, pq_table *t);

/** Read the page indexes of a column chunk; *out is NULL (and PQ_OK) when the
 *  chunk has none.  The result lives until pq_reader_close. */
PQ_NODISCARD PQ_API pq_status pq_reader_column_index(pq_reader *r, int64_t rg, int64_t leaf,
                                                     const pq_column_index **out, pq_error *err);
PQ_NODISCARD PQ_API pq_status pq_reader_offset_index(pq_reader *r, int64_t rg, int64_t leaf,
                                                     const pq_offset_index **out, pq_error *err);

/** Render a PLAIN-encoded statistics value of leaf `el` as text (canonical
 *  form: numbers, quoted strings, dates...).  Writes at most `cap` bytes. */
PQ_API const char *pq_stat_value_text(const pq_schema_element *el, const uint8_t *p, size_t n, char *buf,
                                      size_t cap);

/* -------------------------------------------------------------- writer */

typedef struct pq_writer pq_writer;

/** Per-column writer settings, matched by dotted leaf path or top-level name. */
typedef struct pq_column_options {
    const char *path;
    pq_encoding encoding;   /**< PQ_ENC_DEFAULT, or PLAIN / DELTA_* / BYTE_STREAM_SPLIT */
    int dictionary;         /**< -1 = writer default, 0 = off, 1 = on */
    const pq_kv *kv;        /**< column-chunk key/value metadata */
    size_t n_kv;
} pq_column_options;

typedef struct pq_writer_options {
    const pq_allocator *alloc;
    pq_codec codec;                 /**< default SNAPPY */
    int compression_level;          /**< 0 = codec default (zstd 3, gzip 6, brotli 6) */
    int page_version;               /**< 1 (default) or 2 */
    int64_t page_size;              /**< target uncompressed page bytes, default 1 MiB */
    int64_t row_group_size;         /**< rows per row group, default 128 Ki rows (131072) */
    bool dictionary;                /**< dictionary-encode where it pays (default true) */
    int64_t dictionary_size_limit;  /**< bytes of dictionary before falling back to the
                                         value encoding, default 1 MiB */
    pq_encoding encoding;           /**< value encoding for non-dictionary pages, applied
                                         where the type allows; PQ_ENC_DEFAULT = PLAIN */
    const pq_column_options *columns;
    size_t n_columns;
    bool write_crc;                 /**< page CRCs (default true) */
    bool write_statistics;          /**< chunk and page statistics (default true) */
    bool write_page_index;          /**< column + offset index (default true) */
    const pq_kv *kv;                /**< file key/value metadata */
    size_t n_kv;
    const char *created_by;         /**< NULL = "parquant version X.Y.Z" */
    int threads;                    /**< encoding threads, 0 = number of CPUs */
} pq_writer_options;

PQ_API void pq_writer_options_init(pq_writer_options *o);

/** Create a writer for `schema` (copied) that writes `path` through a
 *  temporary file in the same folder. */
PQ_NODISCARD PQ_API pq_status pq_writer_open(pq_writer **out, const char *path, const pq_schema *schema,
                                             const pq_writer_options *opts, pq_error *err);
/** Same, into memory; pq_writer_close_memory hands the bytes over. */
PQ_NODISCARD PQ_API pq_status pq_writer_open_memory(pq_writer **out, const pq_schema *schema,
                                                    const pq_writer_options *opts, pq_error *err);
/** Append the rows of `t` (its schema must equal the writer's). */
PQ_NODISCARD PQ_API pq_status pq_writer_write(pq_writer *w, const pq_table *t, pq_error *err);
/** End the current row group now (no-op when it is empty). */
PQ_NODISCARD PQ_API pq_status pq_writer_flush(pq_writer *w, pq_error *err);
/** Finish the file: last row group, page indexes, footer, fsync, rename.
 *  Frees `w` whatever happens; on failure the temporary file is removed. */
PQ_NODISCARD PQ_API pq_status pq_writer_close(pq_writer *w, pq_error *err);
/** Finish an in-memory writer: *out_data (free with pq_free(opts.alloc, ...))
 *  and *out_len receive the file.  Frees `w`. */
PQ_NODISCARD PQ_API pq_status pq_writer_close_memory(pq_writer *w, uint8_t **out_data, size_t *out_len,
                                                     pq_error *err);
/** Discard: remove the temporary file and free.  Accepts NULL. */
PQ_API void pq_writer_abort(pq_writer *w);

/** Check that codec `c` can be written at compression `level` (0 = the
 *  codec's default; zstd -131072..22, gzip 1..12, brotli 1..11, lz4_raw
 *  -65537..12 where 2..12 is LZ4HC; other codecs take no level).
 *  @return PQ_ERR_UNSUPPORTED for LZ4 (legacy) and LZO, PQ_ERR_INVALID_ARG
 *  for a level out of range, naming the range. */
PQ_NODISCARD PQ_API pq_status pq_codec_check_level(pq_codec c, int level, pq_error *err);

/** Names for enums ("SNAPPY", "RLE_DICTIONARY", "INT64"...). */
PQ_API const char *pq_codec_name(pq_codec c);
PQ_API const char *pq_encoding_name(pq_encoding e);
PQ_API const char *pq_physical_name(pq_physical t);
/** Parse a codec name (case-insensitive: none, uncompressed, snappy, gzip, zstd,
 *  lz4_raw, lz4, brotli).  @return PQ_ERR_INVALID_ARG when unknown. */
PQ_NODISCARD PQ_API pq_status pq_codec_parse(const char *name, pq_codec *out, pq_error *err);

/* ---------------------------------------------------------- row filter */

/*
 * A row filter makes pq_reader_read_row_group return only the rows that
 * satisfy an expression:
 *
 *     expr  = term { "and" term }          ("and" in any case; there is no "or")
 *     term  = COLUMN OP VALUE
 *     OP    = "=" | "!=" | "<" | "<=" | ">" | ">="
 *
 * COLUMN is a dotted path as pq_reader_select takes it ("price", "quote.bid";
 * quoted with '...' or "..." when it holds spaces or operator characters)
 * and must name a primitive column outside any list or map.  VALUE is a
 * bare word or a '...' / "..." quoted text (a doubled quote stands for
 * itself), read by the column's type: integers (range-checked), decimals
 * (exact, at most `scale` fraction digits), floats (no NaN), true/false,
 * strings and binary (the bytes as written), DATE 'YYYY-MM-DD', TIMESTAMP
 * 'YYYY-MM-DD[ HH:MM:SS[.fraction]]' ('T' also separates; a trailing 'Z'
 * is accepted; at most the column unit's digits), TIME 'HH:MM:SS[.fraction]',
 * UUID in 8-4-4-4-12 hex.
 *
 * Semantics are SQL's: a null never matches (also not `!=`), NaN never
 * matches, -0 equals +0.  Orders: signed for ints, decimals, dates, times
 * and timestamps, unsigned for unsigned ints, bytewise unsigned for strings
 * and binary.
 *
 * Skipping: a row group whose chunk statistics prove that no row matches is
 * not read at all.  With a page index (ColumnIndex + OffsetIndex) the pages
 * of the filter columns that cannot match are skipped; the filter columns
 * are then evaluated exactly, and every column read fetches and decodes
 * only the pages holding a matching row (the dictionary page when any of
 * them is read).  Columns without an offset index are read whole and cut.
 * The filter columns are read even when pq_reader_select leaves them out of
 * the output.  Statistics and page indexes are trusted only as far as they
 * can be checked; truncated bounds are used as bounds.
 */

/** Counters of filtered reads since the filter was set (for tests and
 *  benchmarks).  Pages are data pages of every column read. */
typedef struct pq_filter_stats {
    int64_t row_groups_read;    /**< row groups whose pages were read */
    int64_t row_groups_skipped; /**< proven empty by statistics or the page index: nothing read */
    int64_t pages_read;         /**< data pages fetched and decoded */
    int64_t pages_skipped;      /**< data pages never fetched (no matching row) */
    int64_t rows_decoded;       /**< rows of the filter columns decoded and evaluated */
    int64_t rows_matched;       /**< rows returned */
} pq_filter_stats;

/** Set the row filter of `r` (replacing any previous one), resolving its
 *  columns against the file schema; `expr` NULL removes the filter.  The
 *  counters start from zero.  Tables read afterwards hold only the matching
 *  rows of each row group, in file order (possibly none).
 *  @return PQ_ERR_INVALID_ARG with a message that quotes the offending part
 *  ("expected an operator after 'price', found '=>'", "no column 'x' in the
 *  file", "value 300 is out of range for column 'b' (int8)"); the previous
 *  filter is kept then.  PQ_ERR_NOMEM.  Added in 0.2. */
PQ_NODISCARD PQ_API pq_status pq_reader_set_filter(pq_reader *r, const char *expr, pq_error *err);

/** Copy the filter counters into *out (all zero without a filter). */
PQ_API void pq_reader_filter_stats(const pq_reader *r, pq_filter_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_PARQUET_H */
