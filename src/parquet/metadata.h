/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/metadata.h - decode and encode the Thrift (compact protocol)
 * structures of the Parquet format: FileMetaData (footer), PageHeader,
 * ColumnIndex and OffsetIndex.  A leaf unit: knows nothing about files.
 *
 * Decoding is for untrusted bytes: every count and length is checked against
 * the remaining input and the pq_limits; unknown fields of any type are
 * skipped (recursively, depth-bounded); unknown LogicalType union members
 * decode as PQ_LT_UNKNOWN_MEMBER; enum values out of range are rejected with
 * PQ_ERR_CORRUPT where they matter (physical type, repetition, page type,
 * codec) and kept as raw numbers elsewhere (encodings).
 *
 * Memory: strings (names, key/value, created_by, path_in_schema) are
 * NUL-terminated copies in `arena`; arrays are allocated in `arena`; binary
 * fields (statistics, column index min/max) point INTO `buf`, which must
 * outlive the decoded structs.
 */
#ifndef PARQUANT_PARQUET_METADATA_H
#define PARQUANT_PARQUET_METADATA_H

#include "core/core.h"
#include "parquant/parquet.h"

/** DataPageHeader (v1). */
typedef struct pq_data_page_header {
    int32_t num_values;           /* level entries, nulls included */
    pq_encoding encoding;
    pq_encoding definition_level_encoding;
    pq_encoding repetition_level_encoding;
    bool has_statistics;
    pq_statistics statistics;
} pq_data_page_header;

typedef struct pq_dictionary_page_header {
    int32_t num_values;
    pq_encoding encoding;
    bool has_is_sorted;
    bool is_sorted;
} pq_dictionary_page_header;

typedef struct pq_data_page_header_v2 {
    int32_t num_values, num_nulls, num_rows;
    pq_encoding encoding;
    int32_t definition_levels_byte_length;
    int32_t repetition_levels_byte_length;
    bool is_compressed;           /* default true when absent */
    bool has_statistics;
    pq_statistics statistics;
} pq_data_page_header_v2;

typedef struct pq_page_header {
    pq_page_type type;
    int32_t uncompressed_page_size; /* body only, header excluded; >= 0 */
    int32_t compressed_page_size;   /* body only; >= 0 */
    bool has_crc;
    uint32_t crc;
    bool has_data_page, has_dictionary_page, has_data_page_v2;
    pq_data_page_header data_page;
    pq_dictionary_page_header dictionary_page;
    pq_data_page_header_v2 data_page_v2;
} pq_page_header;

/** Decode a FileMetaData occupying all of `buf`.
 *  @return PQ_ERR_CORRUPT (message names the struct/field and the offset
 *  within buf), PQ_ERR_LIMIT, PQ_ERR_NOMEM.  On failure *out is unspecified
 *  and arena memory is released with the arena. */
PQ_NODISCARD pq_status pq_meta_decode_file(pq_bytes buf, pq_arena *arena, const pq_limits *limits,
                                           pq_file_metadata *out, pq_error *err);

/** Decode a PageHeader starting at buf.ptr.  *out_len receives the header's
 *  size in bytes.  Returns PQ_ERR_EOF when buf ends inside the header (the
 *  caller may retry with more bytes), PQ_ERR_CORRUPT for bad content,
 *  including negative sizes or counts.  No allocation. */
PQ_NODISCARD pq_status pq_meta_decode_page_header(pq_bytes buf, pq_page_header *out, size_t *out_len,
                                                  pq_error *err);

PQ_NODISCARD pq_status pq_meta_decode_column_index(pq_bytes buf, pq_arena *arena, pq_column_index *out,
                                                   pq_error *err);
PQ_NODISCARD pq_status pq_meta_decode_offset_index(pq_bytes buf, pq_arena *arena, pq_offset_index *out,
                                                   pq_error *err);

/** Encoders append the compact-protocol bytes to `out`.  Fields with has_*
 *  false (or NULL pointers / PQ_CT_NONE / PQ_LT_NONE) are omitted. */
PQ_NODISCARD pq_status pq_meta_encode_file(const pq_file_metadata *m, pq_buf *out, pq_error *err);
PQ_NODISCARD pq_status pq_meta_encode_page_header(const pq_page_header *h, pq_buf *out, pq_error *err);
PQ_NODISCARD pq_status pq_meta_encode_column_index(const pq_column_index *ci, pq_buf *out, pq_error *err);
PQ_NODISCARD pq_status pq_meta_encode_offset_index(const pq_offset_index *oi, pq_buf *out, pq_error *err);

#endif /* PARQUANT_PARQUET_METADATA_H */
