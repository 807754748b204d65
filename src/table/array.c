/* SPDX-License-Identifier: Apache-2.0
 *
 * table/array.c - pq_array: Arrow-layout column buffers that double as
 * builders.  Invariants after every public call:
 *   - offsets (when the kind has them) holds length+1 entries, offsets[0]=0,
 *     non-decreasing, the last one = values_len (bytes) or child length;
 *   - validity is NULL (all valid) or covers at least `length` bits, and
 *     null_count equals the number of clear bits among them;
 *   - STRUCT children have exactly `length` slots.
 * Buffers grow by doubling; capacities are in bytes (values, validity) or
 * entries (offsets).
 */
#include "table/array_internal.h"

static const int64_t PQ_ARRAY_MIN_SLOTS = 16;

bool pq_kind_has_offsets(pq_kind k)
{
    return k == PQ_KIND_STRING || k == PQ_KIND_JSON || k == PQ_KIND_BINARY || k == PQ_KIND_LIST ||
           k == PQ_KIND_MAP;
}

static bool kind_is_bytes(pq_kind k)
{
    return k == PQ_KIND_STRING || k == PQ_KIND_JSON || k == PQ_KIND_BINARY;
}

/* Grow *p (cap bytes) to hold at least `need` bytes; new bytes zeroed. */
static pq_status grow_bytes(const pq_allocator *a, uint8_t **p, size_t *cap, size_t need, pq_error *err)
{
    if (need <= *cap) return PQ_OK;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) { ncap = need; break; }
        ncap *= 2;
    }
    uint8_t *q = (uint8_t *)pq_realloc(a, *p, ncap);
    if (!q) return PQ_FAIL(err, PQ_ERR_NOMEM, "out of memory growing a column buffer to %zu bytes", ncap);
    memset(q + *cap, 0, ncap - *cap);
    *p = q;
    *cap = ncap;
    return PQ_OK;
}

pq_status pq_array_init(pq_array *arr, const pq_field *field, const pq_allocator *a, pq_error *err)
{
    memset(arr, 0, sizeof *arr);
    arr->type = field->type;
    arr->alloc = a;
    if (pq_kind_has_offsets(field->type.kind)) {
        arr->offsets = (int64_t *)pq_calloc(a, (size_t)PQ_ARRAY_MIN_SLOTS, sizeof(int64_t));
        if (!arr->offsets) return PQ_NOMEM(err);
        arr->offsets_cap = (size_t)PQ_ARRAY_MIN_SLOTS;
    }
    if (field->n_children > 0) {
        arr->children = (pq_array *)pq_calloc(a, (size_t)field->n_children, sizeof(pq_array));
        if (!arr->children) { pq_array_reset(arr); return PQ_NOMEM(err); }
        for (int64_t i = 0; i < field->n_children; i++) {
            pq_status s = pq_array_init(&arr->children[i], &field->children[i], a, err);
            arr->n_children = i + 1;
            if (s) { pq_array_reset(arr); return s; }
        }
    }
    return PQ_OK;
}

void pq_array_reset(pq_array *arr)
{
    if (!arr) return;
    for (int64_t i = 0; i < arr->n_children; i++) pq_array_reset(&arr->children[i]);
    pq_free(arr->alloc, arr->children);
    pq_free(arr->alloc, arr->validity);
    pq_free(arr->alloc, arr->values);
    pq_free(arr->alloc, arr->offsets);
    memset(arr, 0, sizeof *arr);
}

void pq_array_clear(pq_array *arr)
{
    arr->length = 0;
    arr->null_count = 0;
    arr->values_len = 0;
    if (arr->offsets) arr->offsets[0] = 0;
    for (int64_t i = 0; i < arr->n_children; i++) pq_array_clear(&arr->children[i]);
}

pq_status pq_array_reserve(pq_array *arr, int64_t n, pq_error *err)
{
    if (n < 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "negative reserve %lld", (long long)n);
    int64_t slots;
    if (pq_add_overflow_i64(arr->length, n, &slots) || slots > INT64_MAX / 16)
        return PQ_FAIL(err, PQ_ERR_LIMIT, "column length overflow");
    size_t bits_bytes = ((size_t)slots + 7) / 8;
    if (arr->validity) PQ_TRY(grow_bytes(arr->alloc, &arr->validity, &arr->validity_cap, bits_bytes, err));
    if (pq_kind_has_offsets(arr->type.kind)) {
        size_t need = (size_t)slots + 1;
        if (need > arr->offsets_cap) {
            size_t cap_bytes = arr->offsets_cap * sizeof(int64_t);
            size_t need_bytes;
            if (pq_mul_overflow(need, sizeof(int64_t), &need_bytes)) return PQ_NOMEM(err);
            uint8_t *p = (uint8_t *)arr->offsets;
            PQ_TRY(grow_bytes(arr->alloc, &p, &cap_bytes, need_bytes, err));
            arr->offsets = (int64_t *)p;
            arr->offsets_cap = cap_bytes / sizeof(int64_t);
        }
    } else if (arr->type.kind == PQ_KIND_BOOL) {
        PQ_TRY(grow_bytes(arr->alloc, &arr->values, &arr->values_cap, bits_bytes, err));
    } else {
        size_t w = pq_type_value_size(&arr->type), need;
        if (w && pq_mul_overflow((size_t)slots, w, &need)) return PQ_NOMEM(err);
        if (w) PQ_TRY(grow_bytes(arr->alloc, &arr->values, &arr->values_cap, need, err));
    }
    return PQ_OK;
}

pq_status pq_array_reserve_data(pq_array *arr, size_t nbytes, pq_error *err)
{
    size_t need;
    if (pq_add_overflow(arr->values_len, nbytes, &need)) return PQ_NOMEM(err);
    return grow_bytes(arr->alloc, &arr->values, &arr->values_cap, need, err);
}

pq_status pq_array_ensure_validity(pq_array *arr, pq_error *err)
{
    if (arr->validity) return PQ_OK;
    size_t slots = (size_t)arr->length + (size_t)PQ_ARRAY_MIN_SLOTS;
    size_t bytes = (slots + 7) / 8;
    PQ_TRY(grow_bytes(arr->alloc, &arr->validity, &arr->validity_cap, bytes, err));
    memset(arr->validity, 0xff, arr->validity_cap);
    return PQ_OK;
}

void pq_array_set_valid_range(pq_array *arr, int64_t start, int64_t n)
{
    int64_t i = start, end = start + n;
    while (i < end && (i & 7)) pq_bit_set(arr->validity, i++);
    if (i < end) {
        int64_t full = (end - i) / 8;
        memset(arr->validity + i / 8, 0xff, (size_t)full);
        i += full * 8;
    }
    while (i < end) pq_bit_set(arr->validity, i++);
}

void pq_array_adopt_values(pq_array *arr, uint8_t *data, size_t cap, size_t len)
{
    pq_free(arr->alloc, arr->values);
    arr->values = data;
    arr->values_cap = cap;
    arr->values_len = len;
}

/* Finish one slot: set its validity bit and advance length. */
static void end_slot(pq_array *arr, bool valid)
{
    if (arr->validity) {
        if (valid) pq_bit_set(arr->validity, arr->length);
        else pq_bit_clear(arr->validity, arr->length);
    }
    if (!valid) arr->null_count++;
    if (pq_kind_has_offsets(arr->type.kind)) {
        int64_t end = kind_is_bytes(arr->type.kind) ? (int64_t)arr->values_len
                                                    : (arr->n_children ? arr->children[0].length : 0);
        arr->offsets[arr->length + 1] = end;
    }
    arr->length++;
}

pq_status pq_array_append_null(pq_array *arr, pq_error *err)
{
    PQ_TRY(pq_array_ensure_validity(arr, err));
    PQ_TRY(pq_array_reserve(arr, 1, err));
    if (arr->type.kind == PQ_KIND_STRUCT)
        for (int64_t i = 0; i < arr->n_children; i++) PQ_TRY(pq_array_append_null(&arr->children[i], err));
    if (arr->type.kind == PQ_KIND_BOOL) pq_bit_clear(arr->values, arr->length);
    else {
        size_t w = pq_type_value_size(&arr->type);
        if (w) memset(arr->values + (size_t)arr->length * w, 0, w);
    }
    end_slot(arr, false);
    return PQ_OK;
}

pq_status pq_array_append_nulls(pq_array *arr, int64_t n, pq_error *err)
{
    for (int64_t i = 0; i < n; i++) PQ_TRY(pq_array_append_null(arr, err));
    return PQ_OK;
}

pq_status pq_array_append_fixed(pq_array *arr, const void *value, pq_error *err)
{
    PQ_TRY(pq_array_reserve(arr, 1, err));
    if (arr->type.kind == PQ_KIND_BOOL) {
        if (*(const uint8_t *)value) pq_bit_set(arr->values, arr->length);
        else pq_bit_clear(arr->values, arr->length);
    } else {
        size_t w = pq_type_value_size(&arr->type);
        if (!w) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "append_fixed on a variable-width column");
        memcpy(arr->values + (size_t)arr->length * w, value, w);
    }
    end_slot(arr, true);
    return PQ_OK;
}

pq_status pq_array_append_bool(pq_array *arr, bool v, pq_error *err)
{
    uint8_t b = v ? 1 : 0;
    return pq_array_append_fixed(arr, &b, err);
}

pq_status pq_array_append_i64(pq_array *arr, int64_t v, pq_error *err)
{
    size_t w = pq_type_value_size(&arr->type);
    switch (w) {
    case 1: { int8_t x = (int8_t)v; return pq_array_append_fixed(arr, &x, err); }
    case 2: { int16_t x = (int16_t)v; return pq_array_append_fixed(arr, &x, err); }
    case 4: { int32_t x = (int32_t)v; return pq_array_append_fixed(arr, &x, err); }
    case 8: return pq_array_append_fixed(arr, &v, err);
    default: return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "append_i64 on a non-integer column");
    }
}

pq_status pq_array_append_double(pq_array *arr, double v, pq_error *err)
{
    if (arr->type.kind == PQ_KIND_FLOAT) {
        float f = (float)v;
        return pq_array_append_fixed(arr, &f, err);
    }
    if (arr->type.kind != PQ_KIND_DOUBLE) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "append_double on a non-float column");
    return pq_array_append_fixed(arr, &v, err);
}

pq_status pq_array_append_bytes(pq_array *arr, const void *p, size_t n, pq_error *err)
{
    if (arr->type.kind == PQ_KIND_FIXED || arr->type.kind == PQ_KIND_UUID || arr->type.kind == PQ_KIND_FLOAT16) {
        if (n != pq_type_value_size(&arr->type))
            return PQ_FAIL(err, PQ_ERR_TYPE, "expected %zu bytes for a fixed-width value, found %zu",
                           pq_type_value_size(&arr->type), n);
        return pq_array_append_fixed(arr, p, err);
    }
    if (!kind_is_bytes(arr->type.kind)) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "append_bytes on a non-byte column");
    PQ_TRY(pq_array_reserve(arr, 1, err));
    PQ_TRY(pq_array_reserve_data(arr, n, err));
    if (n) memcpy(arr->values + arr->values_len, p, n);
    arr->values_len += n;
    end_slot(arr, true);
    return PQ_OK;
}

pq_status pq_array_append_valid(pq_array *arr, pq_error *err)
{
    pq_kind k = arr->type.kind;
    if (k != PQ_KIND_LIST && k != PQ_KIND_MAP && k != PQ_KIND_STRUCT)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "append_valid on a non-nested column");
    PQ_TRY(pq_array_reserve(arr, 1, err));
    end_slot(arr, true);
    return PQ_OK;
}

const uint8_t *pq_array_bytes(const pq_array *arr, int64_t i, size_t *out_len)
{
    if (kind_is_bytes(arr->type.kind)) {
        *out_len = (size_t)(arr->offsets[i + 1] - arr->offsets[i]);
        /* every string so far empty: no data buffer yet */
        return arr->values ? arr->values + arr->offsets[i] : (const uint8_t *)"";
    }
    size_t w = pq_type_value_size(&arr->type);
    *out_len = w;
    return arr->values + (size_t)i * w;
}

/* ------------------------------------------------------------ validate */

pq_status pq_array_validate(const pq_array *arr, pq_error *err)
{
    if (arr->length < 0 || arr->null_count < 0 || arr->null_count > arr->length)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "array length %lld / null_count %lld inconsistent",
                       (long long)arr->length, (long long)arr->null_count);
    int64_t nulls = 0;
    if (arr->validity)
        for (int64_t i = 0; i < arr->length; i++) nulls += !pq_bit_get(arr->validity, i);
    if (nulls != arr->null_count)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "expected null_count %lld, found %lld clear validity bits",
                       (long long)arr->null_count, (long long)nulls);
    pq_kind k = arr->type.kind;
    if (pq_kind_has_offsets(k)) {
        if (arr->offsets[0] != 0) return PQ_FAIL(err, PQ_ERR_INTERNAL, "offsets[0] = %lld", (long long)arr->offsets[0]);
        for (int64_t i = 0; i < arr->length; i++)
            if (arr->offsets[i + 1] < arr->offsets[i])
                return PQ_FAIL(err, PQ_ERR_INTERNAL, "offsets decrease at slot %lld", (long long)i);
        int64_t end = kind_is_bytes(k) ? (int64_t)arr->values_len : (arr->n_children ? arr->children[0].length : 0);
        if (arr->offsets[arr->length] > end)
            return PQ_FAIL(err, PQ_ERR_INTERNAL, "last offset %lld past %lld", (long long)arr->offsets[arr->length],
                           (long long)end);
    }
    if (k == PQ_KIND_STRUCT)
        for (int64_t i = 0; i < arr->n_children; i++)
            if (arr->children[i].length != arr->length)
                return PQ_FAIL(err, PQ_ERR_INTERNAL, "struct child %lld has %lld slots, expected %lld", (long long)i,
                               (long long)arr->children[i].length, (long long)arr->length);
    for (int64_t i = 0; i < arr->n_children; i++) PQ_TRY(pq_array_validate(&arr->children[i], err));
    return PQ_OK;
}

/* ------------------------------------------------------------ equality */

static bool slot_equal(const pq_array *a, int64_t i, const pq_array *b, int64_t j)
{
    bool va = pq_array_is_valid(a, i), vb = pq_array_is_valid(b, j);
    if (va != vb) return false;
    if (!va) return true;
    switch (a->type.kind) {
    case PQ_KIND_NULL: return true;
    case PQ_KIND_BOOL: return pq_bit_get(a->values, i) == pq_bit_get(b->values, j);
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY:
    case PQ_KIND_FIXED: case PQ_KIND_UUID: case PQ_KIND_FLOAT16: {
        size_t la, lb;
        const uint8_t *pa = pq_array_bytes(a, i, &la), *pb = pq_array_bytes(b, j, &lb);
        return la == lb && (la == 0 || memcmp(pa, pb, la) == 0);
    }
    case PQ_KIND_LIST: case PQ_KIND_MAP: {
        int64_t na = a->offsets[i + 1] - a->offsets[i], nb = b->offsets[j + 1] - b->offsets[j];
        if (na != nb) return false;
        for (int64_t k = 0; k < na; k++)
            if (!slot_equal(&a->children[0], a->offsets[i] + k, &b->children[0], b->offsets[j] + k)) return false;
        return true;
    }
    case PQ_KIND_STRUCT:
        for (int64_t k = 0; k < a->n_children; k++)
            if (!slot_equal(&a->children[k], i, &b->children[k], j)) return false;
        return true;
    default: {
        size_t w = pq_type_value_size(&a->type);
        return memcmp(a->values + (size_t)i * w, b->values + (size_t)j * w, w) == 0;
    }
    }
}

static bool type_equal(const pq_type *a, const pq_type *b)
{
    return a->kind == b->kind && a->bit_width == b->bit_width && a->is_signed == b->is_signed &&
           a->unit == b->unit && a->utc == b->utc && a->precision == b->precision && a->scale == b->scale &&
           a->byte_width == b->byte_width;
}

bool pq_array_equal(const pq_array *a, const pq_array *b)
{
    if (!type_equal(&a->type, &b->type) || a->length != b->length || a->n_children != b->n_children) return false;
    for (int64_t i = 0; i < a->length; i++)
        if (!slot_equal(a, i, b, i)) return false;
    return true;
}
