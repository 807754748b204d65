/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_encoding.c - libFuzzer target for the value and level encodings
 * of src/parquet/encoding*.c.
 *
 * Input layout:
 *   byte 0      case: encoding x physical type, or a level/index decoder
 *               (index into CASES, modulo its size)
 *   bytes 1-2   u16 LE value count n, reduced to <= FUZZ_MAX_N
 *   bytes 3..   the page's values section (or level / index stream)
 * Each decode of untrusted bytes must return PQ_OK or PQ_ERR_CORRUPT and
 * never touch memory outside its input (the bytes are copied into an exact
 * heap block so ASan sees over-reads).  When a decode succeeds, the result
 * must satisfy the container invariants, re-encode with the same encoding,
 * and decode again to exactly the same values; level decoders must yield
 * values below 2^width and consume no more than their input.  Any violation
 * aborts.
 */
#include "parquet/encoding.h"

#include <stdlib.h>

#define FUZZ_MAX_N 8191

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef enum { K_VALUES, K_DICT, K_RLE32, K_RLE16, K_BITPACKED, K_INDICES } fuzz_kind;

typedef struct fuzz_case {
    fuzz_kind kind;
    pq_encoding enc;
    pq_physical type;
    int32_t type_length;
    int width; /* level decoders: bit width */
} fuzz_case;

static const fuzz_case CASES[] = {
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_BOOLEAN, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_INT32, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_INT64, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_INT96, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_DOUBLE, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_BYTE_ARRAY, 0, 0},
    {K_VALUES, PQ_ENC_PLAIN, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3, 0},
    {K_VALUES, PQ_ENC_RLE, PQ_PHYS_BOOLEAN, 0, 0},
    {K_VALUES, PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT32, 0, 0},
    {K_VALUES, PQ_ENC_DELTA_BINARY_PACKED, PQ_PHYS_INT64, 0, 0},
    {K_VALUES, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, 0},
    {K_VALUES, PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_BYTE_ARRAY, 0, 0},
    {K_VALUES, PQ_ENC_DELTA_BYTE_ARRAY, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 3, 0},
    {K_VALUES, PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_FLOAT, 0, 0},
    {K_VALUES, PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_DOUBLE, 0, 0},
    {K_VALUES, PQ_ENC_BYTE_STREAM_SPLIT, PQ_PHYS_FIXED_LEN_BYTE_ARRAY, 5, 0},
    {K_DICT, PQ_ENC_RLE_DICTIONARY, PQ_PHYS_INT32, 0, 0},
    {K_DICT, PQ_ENC_PLAIN_DICTIONARY, PQ_PHYS_BYTE_ARRAY, 0, 0},
    {K_RLE32, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 1},
    {K_RLE32, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 5},
    {K_RLE32, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 20},
    {K_RLE32, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 32},
    {K_RLE16, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 1},
    {K_RLE16, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 3},
    {K_RLE16, PQ_ENC_RLE, PQ_PHYS_INT32, 0, 16},
    {K_BITPACKED, PQ_ENC_BIT_PACKED, PQ_PHYS_INT32, 0, 2},
    {K_BITPACKED, PQ_ENC_BIT_PACKED, PQ_PHYS_INT32, 0, 7},
    {K_INDICES, PQ_ENC_RLE_DICTIONARY, PQ_PHYS_INT32, 0, 0},
};
#define N_CASES (sizeof CASES / sizeof CASES[0])

static void require(bool cond)
{
    if (!cond) abort();
}

/* A decode of untrusted bytes may only succeed or report corruption. */
static void require_ok_or_corrupt(pq_status s)
{
    require(s == PQ_OK || s == PQ_ERR_CORRUPT);
}

/* Container invariants of decoded values. */
static void check_values(const pq_values *v, int64_t n)
{
    require(v->n == n);
    if (v->type != PQ_PHYS_BYTE_ARRAY) {
        require(v->data.len == (size_t)n * (size_t)v->width);
        if (v->type == PQ_PHYS_BOOLEAN)
            for (int64_t i = 0; i < n; i++) require(v->data.data[i] <= 1);
        return;
    }
    pq_values_view w = pq_values_view_of(v);
    require(w.offsets[0] == 0 && w.offsets[n] == (int64_t)v->data.len);
    for (int64_t i = 0; i < n; i++) require(w.offsets[i] <= w.offsets[i + 1]);
}

static bool same_values(const pq_values *a, const pq_values *b)
{
    if (a->n != b->n || a->data.len != b->data.len) return false;
    if (a->data.len && memcmp(a->data.data, b->data.data, a->data.len)) return false;
    if (a->type == PQ_PHYS_BYTE_ARRAY && a->n)
        return memcmp(a->offsets.data, b->offsets.data, (size_t)(a->n + 1) * sizeof(int64_t)) == 0;
    return true;
}

/* Decode with a value encoding; on success re-encode and compare. */
static void fuzz_values(const fuzz_case *c, pq_bytes in, int64_t n, const pq_values *dict)
{
    pq_error err;
    pq_values out, again;
    pq_values_init(&out, c->type, c->type_length, NULL);
    pq_values_init(&again, c->type, c->type_length, NULL);
    pq_status s = pq_decode_values(c->enc, in, n, dict, &out, &err);
    require_ok_or_corrupt(s);
    if (s == PQ_OK) {
        check_values(&out, n);
        pq_buf b;
        pq_buf_init(&b, NULL);
        pq_values_view view = pq_values_view_of(&out);
        pq_encoding enc = c->kind == K_DICT ? PQ_ENC_PLAIN : c->enc;
        require(pq_encode_values(enc, &view, &b, &err) == PQ_OK);
        require(pq_decode_values(enc, pq_bytes_make(b.data, b.len), n, NULL, &again, &err) == PQ_OK);
        require(same_values(&out, &again));
        pq_buf_reset(&b);
    }
    pq_values_reset(&out);
    pq_values_reset(&again);
}

/* Index stream: decode, re-encode with the smallest dictionary that fits,
 * decode again. */
static void fuzz_indices(pq_bytes in, int64_t n)
{
    pq_error err;
    uint32_t *idx = (uint32_t *)malloc((size_t)(n + 1) * sizeof *idx);
    uint32_t *back = (uint32_t *)malloc((size_t)(n + 1) * sizeof *back);
    require(idx && back);
    pq_status s = pq_dict_indices_decode(in, n, idx, &err);
    require_ok_or_corrupt(s);
    if (s == PQ_OK) {
        uint32_t max = 0;
        for (int64_t i = 0; i < n; i++) max = idx[i] > max ? idx[i] : max;
        uint32_t size = max == UINT32_MAX ? max : max + 1;
        pq_buf b;
        pq_buf_init(&b, NULL);
        if (max < UINT32_MAX) {
            require(pq_dict_indices_encode(idx, n, size, &b, &err) == PQ_OK);
            require(pq_dict_indices_decode(pq_bytes_make(b.data, b.len), n, back, &err) == PQ_OK);
            require(n == 0 || memcmp(idx, back, (size_t)n * sizeof *idx) == 0);
        }
        pq_buf_reset(&b);
    }
    free(idx);
    free(back);
}

/* Hybrid / BIT_PACKED level streams. */
static void fuzz_levels(const fuzz_case *c, pq_bytes in, int64_t n)
{
    pq_error err;
    uint32_t *v32 = (uint32_t *)malloc((size_t)(n + 1) * sizeof *v32);
    uint32_t *b32 = (uint32_t *)malloc((size_t)(n + 1) * sizeof *b32);
    uint16_t *v16 = (uint16_t *)malloc((size_t)(n + 1) * sizeof *v16);
    uint16_t *b16 = (uint16_t *)malloc((size_t)(n + 1) * sizeof *b16);
    require(v32 && b32 && v16 && b16);
    int w = c->width;
    uint64_t limit = (uint64_t)1 << w;
    size_t used = 0;
    pq_status s;
    pq_buf b;
    pq_buf_init(&b, NULL);
    if (c->kind == K_RLE32) {
        s = pq_rle_decode_u32(in, w, n, v32, &used, &err);
        require_ok_or_corrupt(s);
        if (s == PQ_OK) {
            require(used <= in.len);
            for (int64_t i = 0; i < n; i++) require(v32[i] < limit);
            require(pq_rle_encode_u32(v32, n, w, &b, &err) == PQ_OK);
            require(pq_rle_decode_u32(pq_bytes_make(b.data, b.len), w, n, b32, &used, &err) == PQ_OK);
            require(used == b.len && (n == 0 || memcmp(v32, b32, (size_t)n * sizeof *v32) == 0));
        }
    } else {
        s = c->kind == K_RLE16 ? pq_rle_decode_u16(in, w, n, v16, &used, &err)
                               : pq_bitpacked_levels_decode(in, w, n, v16, &used, &err);
        require_ok_or_corrupt(s);
        if (s == PQ_OK) {
            require(used <= in.len);
            for (int64_t i = 0; i < n; i++) require(v16[i] < limit);
            require(pq_rle_encode_u16(v16, n, w, &b, &err) == PQ_OK);
            require(pq_rle_decode_u16(pq_bytes_make(b.data, b.len), w, n, b16, &used, &err) == PQ_OK);
            require(used == b.len && (n == 0 || memcmp(v16, b16, (size_t)n * sizeof *v16) == 0));
        }
    }
    pq_buf_reset(&b);
    free(v32);
    free(b32);
    free(v16);
    free(b16);
}

/* Fixed dictionaries for the dictionary cases: 10 INT32s, 5 strings. */
static void make_dict(pq_physical t, pq_values *d)
{
    pq_error err;
    pq_values_init(d, t, 0, NULL);
    if (t == PQ_PHYS_INT32) {
        static const int32_t v[10] = {0, -1, 7, INT32_MIN, INT32_MAX, 42, 3, 1000, -5, 9};
        require(pq_buf_append(&d->data, v, sizeof v, &err) == PQ_OK);
        d->n = 10;
        return;
    }
    static const uint8_t plain[] = {0, 0, 0, 0, 1, 0, 0, 0, 'a', 3, 0, 0, 0, 'b', 'c', 'd',
                                    2, 0, 0, 0, 'x', 'y', 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
    require(pq_plain_decode(pq_bytes_make(plain, sizeof plain), 5, d, NULL, &err) == PQ_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    const fuzz_case *c = &CASES[data[0] % N_CASES];
    int64_t n = (int64_t)((data[1] | (data[2] << 8)) % (FUZZ_MAX_N + 1));
    size_t len = size - 3;
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    require(copy != NULL);
    if (len) memcpy(copy, data + 3, len);
    pq_bytes in = pq_bytes_make(len ? copy : NULL, len);
    switch (c->kind) {
    case K_VALUES: fuzz_values(c, in, n, NULL); break;
    case K_DICT: {
        pq_values dict;
        make_dict(c->type, &dict);
        fuzz_values(c, in, n, &dict);
        pq_values_reset(&dict);
        break;
    }
    case K_INDICES: fuzz_indices(in, n); break;
    default: fuzz_levels(c, in, n); break;
    }
    free(copy);
    return 0;
}
