/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding.h - Parquet value and level encodings: PLAIN,
 * RLE/bit-packed hybrid (levels, dictionary indices, RLE booleans), legacy
 * BIT_PACKED levels, dictionary (indices, gather, writer-side builder),
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
 * BYTE_STREAM_SPLIT.  A leaf unit: knows nothing about pages or files.
 *
 * Values travel as dense runs (nulls are carried by levels, not here):
 *   BOOLEAN             1 byte per value, 0 or 1
 *   INT32 / FLOAT       4 bytes LE        INT64 / DOUBLE  8 bytes LE
 *   INT96               12 bytes          FIXED_LEN_BYTE_ARRAY  width bytes
 *   BYTE_ARRAY          int64 offsets (n+1 entries) + concatenated bytes
 *
 * Decoders take untrusted bytes: every count, length and bit width is checked
 * against the input that remains; they fail with PQ_ERR_CORRUPT ("expected X,
 * found Y at offset N", N relative to the start of `in`) and never read past
 * `in`.  Decoders APPEND to their output, so a page's values can follow the
 * previous page's.
 */
#ifndef PARQUANT_PARQUET_ENCODING_H
#define PARQUANT_PARQUET_ENCODING_H

#include "core/core.h"
#include "parquant/parquet.h"

/** Owning dense values of one physical type. */
typedef struct pq_values {
    pq_physical type;
    int32_t width;      /* bytes per value for fixed types (FLBA: type_length; BOOLEAN: 1) */
    pq_buf data;        /* fixed: n * width bytes; BYTE_ARRAY: concatenated bytes */
    pq_buf offsets;     /* BYTE_ARRAY only: int64 entries, n + 1 of them, offsets[0] == 0 */
    int64_t n;          /* number of values */
} pq_values;

/** Borrowed dense values.  For BYTE_ARRAY value i is
 *  data[offsets[i] .. offsets[i+1]) and offsets[0] need not be 0. */
typedef struct pq_values_view {
    pq_physical type;
    int32_t width;
    const uint8_t *data;
    const int64_t *offsets;
    int64_t n;
} pq_values_view;

/** Byte width of a fixed physical type (FLBA: type_length, BOOLEAN: 1 in
 *  the dense form above); 0 for BYTE_ARRAY. */
int32_t pq_physical_width(pq_physical t, int32_t type_length);

void pq_values_init(pq_values *v, pq_physical type, int32_t type_length, const pq_allocator *a);
void pq_values_reset(pq_values *v);   /* free; accepts zeroed */
void pq_values_clear(pq_values *v);   /* n = 0, keep capacity */
pq_values_view pq_values_view_of(const pq_values *v);
/** BYTE_ARRAY decoders: make room for n more offsets (plus the leading 0
 *  while `offsets` is empty) and set *slot to where the first new one goes.
 *  On failure nothing changes. */
PQ_NODISCARD pq_status pq_values_offsets_reserve(pq_values *out, int64_t n, int64_t **slot, pq_error *err);
/** View of values [start, start+n) of v. */
pq_values_view pq_values_view_slice(const pq_values_view *v, int64_t start, int64_t n);

/* ------------------------------------------------------------- PLAIN */

/** Decode n PLAIN values from `in`, appending to `out`.  *consumed receives
 *  the bytes used (may be NULL). */
PQ_NODISCARD pq_status pq_plain_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err);
/** Append the PLAIN encoding of `v` to `out`. */
PQ_NODISCARD pq_status pq_plain_encode(const pq_values_view *v, pq_buf *out, pq_error *err);

/* ------------------------------------------------ RLE / bit-packed hybrid */

/** Bits needed for values 0..max_value (0 for max_value 0). */
int pq_bit_width_of(uint64_t max_value);

/** Decode exactly n values of `bit_width` (0..32) from a hybrid stream
 *  without length prefix.  *consumed (may be NULL) receives bytes used. */
PQ_NODISCARD pq_status pq_rle_decode_u32(pq_bytes in, int bit_width, int64_t n, uint32_t *out, size_t *consumed,
                                         pq_error *err);
PQ_NODISCARD pq_status pq_rle_decode_u16(pq_bytes in, int bit_width, int64_t n, uint16_t *out, size_t *consumed,
                                         pq_error *err);
/** Encode n values as a hybrid stream (no length prefix), appended to out. */
PQ_NODISCARD pq_status pq_rle_encode_u32(const uint32_t *v, int64_t n, int bit_width, pq_buf *out, pq_error *err);
PQ_NODISCARD pq_status pq_rle_encode_u16(const uint16_t *v, int64_t n, int bit_width, pq_buf *out, pq_error *err);

/** Legacy BIT_PACKED levels (MSB-first, no runs): n values of bit_width. */
PQ_NODISCARD pq_status pq_bitpacked_levels_decode(pq_bytes in, int bit_width, int64_t n, uint16_t *out,
                                                  size_t *consumed, pq_error *err);

/** RLE-encoded BOOLEAN values (the form with a 4-byte LE length prefix used
 *  in data pages), appending n values to out (type BOOLEAN). */
PQ_NODISCARD pq_status pq_rle_bool_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed, pq_error *err);
PQ_NODISCARD pq_status pq_rle_bool_encode(const pq_values_view *v, pq_buf *out, pq_error *err);

/* -------------------------------------------------------- dictionary */

/** Data-page dictionary indices: 1 byte bit width (0..32), then a hybrid
 *  stream.  Decodes exactly n indices. */
PQ_NODISCARD pq_status pq_dict_indices_decode(pq_bytes in, int64_t n, uint32_t *out, pq_error *err);
/** Encode indices (each < dict_size) with the minimal bit width. */
PQ_NODISCARD pq_status pq_dict_indices_encode(const uint32_t *idx, int64_t n, uint32_t dict_size, pq_buf *out,
                                              pq_error *err);
/** Append dict[idx[i]] for i < n to out; fails with PQ_ERR_CORRUPT naming
 *  the first index >= dict->n. */
PQ_NODISCARD pq_status pq_dict_gather(const pq_values *dict, const uint32_t *idx, int64_t n, pq_values *out,
                                      pq_error *err);

/** Writer-side dictionary: maps values to dense indices in insertion order. */
typedef struct pq_dict_builder pq_dict_builder;
PQ_NODISCARD pq_status pq_dict_builder_create(pq_dict_builder **out, pq_physical type, int32_t type_length,
                                              const pq_allocator *a, pq_error *err);
void pq_dict_builder_destroy(pq_dict_builder *d);  /* accepts NULL */
/** Forget all entries, keep capacity. */
void pq_dict_builder_clear(pq_dict_builder *d);
/** Look up / insert each value of v; out_idx[i] receives its index. */
PQ_NODISCARD pq_status pq_dict_builder_add(pq_dict_builder *d, const pq_values_view *v, uint32_t *out_idx,
                                           pq_error *err);
int64_t pq_dict_builder_count(const pq_dict_builder *d);
/** Size of the dictionary in PLAIN encoding (what the dictionary page holds). */
int64_t pq_dict_builder_plain_size(const pq_dict_builder *d);
/** The distinct values in index order. Valid until the next add/clear. */
pq_values_view pq_dict_builder_values(const pq_dict_builder *d);

/* ------------------------------------------------------------- DELTA */

/** DELTA_BINARY_PACKED for INT32 / INT64 (out->type decides the width).
 *  Decodes exactly n values (the header's total count must be >= n). */
PQ_NODISCARD pq_status pq_delta_bp_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed,
                                          pq_error *err);
PQ_NODISCARD pq_status pq_delta_bp_encode(const pq_values_view *v, pq_buf *out, pq_error *err);
/** DELTA_LENGTH_BYTE_ARRAY (BYTE_ARRAY). */
PQ_NODISCARD pq_status pq_delta_length_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed,
                                              pq_error *err);
PQ_NODISCARD pq_status pq_delta_length_encode(const pq_values_view *v, pq_buf *out, pq_error *err);
/** DELTA_BYTE_ARRAY (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY). */
PQ_NODISCARD pq_status pq_delta_byte_array_decode(pq_bytes in, int64_t n, pq_values *out, size_t *consumed,
                                                  pq_error *err);
PQ_NODISCARD pq_status pq_delta_byte_array_encode(const pq_values_view *v, pq_buf *out, pq_error *err);

/* --------------------------------------------------- BYTE_STREAM_SPLIT */

/** BYTE_STREAM_SPLIT for FLOAT, DOUBLE, INT32, INT64, FLBA: `in` must be
 *  exactly n * width bytes. */
PQ_NODISCARD pq_status pq_bss_decode(pq_bytes in, int64_t n, pq_values *out, pq_error *err);
PQ_NODISCARD pq_status pq_bss_encode(const pq_values_view *v, pq_buf *out, pq_error *err);

/* ---------------------------------------------------------- dispatch */

/** True when `e` is a valid value encoding for physical type `t`. */
bool pq_encoding_valid_for(pq_encoding e, pq_physical t);

/** Decode n values of a data page body with encoding `e` (dictionary
 *  encodings use `dict`, which may be NULL when the chunk has none:
 *  PQ_ERR_CORRUPT then).  `in` is the whole values section of the page. */
PQ_NODISCARD pq_status pq_decode_values(pq_encoding e, pq_bytes in, int64_t n, const pq_values *dict,
                                        pq_values *out, pq_error *err);
/** Encode values with a non-dictionary encoding. */
PQ_NODISCARD pq_status pq_encode_values(pq_encoding e, const pq_values_view *v, pq_buf *out, pq_error *err);

#endif /* PARQUANT_PARQUET_ENCODING_H */
