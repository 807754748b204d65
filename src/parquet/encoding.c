/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/encoding.c - the pq_values containers (dense values of one
 * physical type), the encoding/type compatibility table and the dispatchers
 * that route a data page's values section to the decoder or encoder of its
 * encoding.  The encodings themselves live in encoding_plain.c,
 * encoding_rle.c, encoding_dict.c, encoding_delta.c and encoding_bss.c.
 *
 * Invariants of pq_values (see encoding.h):
 *  - fixed-width types: data.len == n * width;
 *  - BYTE_ARRAY: offsets is either empty (only while n == 0) or holds n + 1
 *    int64 entries with offsets[0] == 0, non-decreasing, and
 *    offsets[n] == data.len.  Decoders add the leading 0 lazily, so
 *    pq_values_init and pq_values_clear never allocate; pq_values_view_of
 *    hides the empty case behind a static 0 entry.
 *
 * The encoding/type table follows the Parquet format's Encodings.md:
 * dictionary encodings apply to every type, RLE (as a values encoding) only
 * to BOOLEAN, DELTA_BINARY_PACKED to INT32/INT64, DELTA_LENGTH_BYTE_ARRAY to
 * BYTE_ARRAY, DELTA_BYTE_ARRAY to BYTE_ARRAY/FLBA, BYTE_STREAM_SPLIT to
 * FLOAT/DOUBLE/INT32/INT64/FLBA.  BIT_PACKED is a levels-only encoding.
 */
#include "parquet/encoding.h"

/* Entry behind the offsets of an empty BYTE_ARRAY pq_values (offsets[0]). */
static const int64_t pq_values_zero_offset = 0;

pq_status pq_values_offsets_reserve(pq_values *out, int64_t n, int64_t **slot, pq_error *err)
{
    size_t bytes;
    if (pq_mul_overflow((size_t)n + 1, sizeof(int64_t), &bytes)) return PQ_NOMEM(err);
    PQ_TRY(pq_buf_reserve(&out->offsets, bytes, err));
    if (out->offsets.len == 0) {
        const int64_t zero = 0;
        memcpy(out->offsets.data, &zero, sizeof zero);
        out->offsets.len = sizeof zero;
    }
    *slot = (int64_t *)(void *)(out->offsets.data + out->offsets.len);
    return PQ_OK;
}

int32_t pq_physical_width(pq_physical t, int32_t type_length)
{
    switch (t) {
    case PQ_PHYS_BOOLEAN: return 1;
    case PQ_PHYS_INT32: return 4;
    case PQ_PHYS_FLOAT: return 4;
    case PQ_PHYS_INT64: return 8;
    case PQ_PHYS_DOUBLE: return 8;
    case PQ_PHYS_INT96: return 12;
    case PQ_PHYS_FIXED_LEN_BYTE_ARRAY: return type_length;
    case PQ_PHYS_BYTE_ARRAY: return 0;
    }
    return 0;
}

/* Initialise an empty container; can't fail (nothing is allocated). */
void pq_values_init(pq_values *v, pq_physical type, int32_t type_length, const pq_allocator *a)
{
    v->type = type;
    v->width = pq_physical_width(type, type_length);
    pq_buf_init(&v->data, a);
    pq_buf_init(&v->offsets, a);
    v->n = 0;
}

/* Free both buffers; the container stays usable (empty, same type). */
void pq_values_reset(pq_values *v)
{
    if (!v) return;
    pq_buf_reset(&v->data);
    pq_buf_reset(&v->offsets);
    v->n = 0;
}

/* Forget the values but keep the capacity for the next page. */
void pq_values_clear(pq_values *v)
{
    v->data.len = 0;
    v->offsets.len = 0;
    v->n = 0;
}

pq_values_view pq_values_view_of(const pq_values *v)
{
    pq_values_view w;
    w.type = v->type;
    w.width = v->width;
    w.data = v->data.data;
    w.offsets = NULL;
    if (v->type == PQ_PHYS_BYTE_ARRAY)
        w.offsets = v->offsets.len ? (const int64_t *)(const void *)v->offsets.data : &pq_values_zero_offset;
    w.n = v->n;
    return w;
}

/* Precondition: 0 <= start, 0 <= n, start + n <= v->n (caller's values). */
pq_values_view pq_values_view_slice(const pq_values_view *v, int64_t start, int64_t n)
{
    pq_values_view w = *v;
    w.n = n;
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        w.offsets = v->offsets + start;
    } else if (v->data) {
        w.data = v->data + (size_t)start * (size_t)v->width;
    }
    return w;
}

bool pq_encoding_valid_for(pq_encoding e, pq_physical t)
{
    switch (e) {
    case PQ_ENC_PLAIN:
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY:
        return t >= PQ_PHYS_BOOLEAN && t <= PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
    case PQ_ENC_RLE:
        return t == PQ_PHYS_BOOLEAN;
    case PQ_ENC_DELTA_BINARY_PACKED:
        return t == PQ_PHYS_INT32 || t == PQ_PHYS_INT64;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        return t == PQ_PHYS_BYTE_ARRAY;
    case PQ_ENC_DELTA_BYTE_ARRAY:
        return t == PQ_PHYS_BYTE_ARRAY || t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
    case PQ_ENC_BYTE_STREAM_SPLIT:
        return t == PQ_PHYS_FLOAT || t == PQ_PHYS_DOUBLE || t == PQ_PHYS_INT32 || t == PQ_PHYS_INT64 ||
               t == PQ_PHYS_FIXED_LEN_BYTE_ARRAY;
    case PQ_ENC_BIT_PACKED:
    case PQ_ENC_DEFAULT:
        return false;
    }
    return false;
}

/* True for the encoding numbers of the format this unit knows (0, 2..9);
 * anything else (1 = GROUP_VAR_INT, 10 = ALP, future ones) is unsupported. */
static bool encoding_known(pq_encoding e)
{
    return e == PQ_ENC_PLAIN || (e >= PQ_ENC_PLAIN_DICTIONARY && e <= PQ_ENC_BYTE_STREAM_SPLIT);
}

/* Dictionary-encoded page: decode the indices into a scratch array (from
 * out's allocator), then gather.  The scratch is needed because the index
 * stream and the gather live in different units (see the report on a
 * streaming index decoder). */
static pq_status decode_dictionary(pq_bytes in, int64_t n, const pq_values *dict, pq_values *out, pq_error *err)
{
    if (n == 0) return PQ_OK; /* e.g. an all-null page: no index is read */
    if (!dict) return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected a dictionary page before a dictionary-encoded page, found none");
    if (dict->type != out->type || dict->width != out->width)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a dictionary of type %d width %d, found type %d width %d",
                       (int)out->type, (int)out->width, (int)dict->type, (int)dict->width);
    size_t bytes;
    if (pq_mul_overflow((size_t)n, sizeof(uint32_t), &bytes)) return PQ_NOMEM(err);
    uint32_t *idx = (uint32_t *)pq_alloc(out->data.alloc, bytes);
    if (!idx) return PQ_NOMEM(err);
    pq_status s = pq_dict_indices_decode(in, n, idx, err);
    if (s == PQ_OK) s = pq_dict_gather(dict, idx, n, out, err);
    pq_free(out->data.alloc, idx);
    return s;
}

pq_status pq_decode_values(pq_encoding e, pq_bytes in, int64_t n, const pq_values *dict, pq_values *out,
                           pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a value count >= 0, found %lld", (long long)n);
    if (!encoding_known(e)) return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "unsupported value encoding %d", (int)e);
    if (!pq_encoding_valid_for(e, out->type))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "expected an encoding valid for physical type %d, found encoding %d",
                       (int)out->type, (int)e);
    switch (e) {
    case PQ_ENC_PLAIN: return pq_plain_decode(in, n, out, NULL, err);
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY: return decode_dictionary(in, n, dict, out, err);
    case PQ_ENC_RLE: return pq_rle_bool_decode(in, n, out, NULL, err);
    case PQ_ENC_DELTA_BINARY_PACKED: return pq_delta_bp_decode(in, n, out, NULL, err);
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return pq_delta_length_decode(in, n, out, NULL, err);
    case PQ_ENC_DELTA_BYTE_ARRAY: return pq_delta_byte_array_decode(in, n, out, NULL, err);
    case PQ_ENC_BYTE_STREAM_SPLIT: return pq_bss_decode(in, n, out, err);
    default: break;
    }
    return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "unsupported value encoding %d", (int)e);
}

pq_status pq_encode_values(pq_encoding e, const pq_values_view *v, pq_buf *out, pq_error *err)
{
    if (!pq_encoding_valid_for(e, v->type) || e == PQ_ENC_PLAIN_DICTIONARY || e == PQ_ENC_RLE_DICTIONARY)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a non-dictionary encoding valid for type %d, found %d",
                       (int)v->type, (int)e);
    switch (e) {
    case PQ_ENC_PLAIN: return pq_plain_encode(v, out, err);
    case PQ_ENC_RLE: return pq_rle_bool_encode(v, out, err);
    case PQ_ENC_DELTA_BINARY_PACKED: return pq_delta_bp_encode(v, out, err);
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return pq_delta_length_encode(v, out, err);
    case PQ_ENC_DELTA_BYTE_ARRAY: return pq_delta_byte_array_encode(v, out, err);
    case PQ_ENC_BYTE_STREAM_SPLIT: return pq_bss_encode(v, out, err);
    default: break;
    }
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "encoding %d has no value encoder", (int)e);
}
