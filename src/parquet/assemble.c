/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/assemble.c - Dremel record assembly: build the pq_array of one
 * top-level field from its leaves' definition / repetition levels and dense
 * physical values (the reader's side of levels.h).
 *
 * Leaves are processed one after the other.  The arrays of the nodes on a
 * leaf's path are either OWNED by that leaf (it is the node's first leaf:
 * it appends the slots) or SHARED (an earlier leaf built them: this leaf
 * only checks that its levels describe the same slots, nullness and list
 * lengths, and fills its own descendants).  Any disagreement between
 * sibling leaves is PQ_ERR_CORRUPT.
 *
 * For each level entry (def, rep): rep 0 opens a new row at the top; rep r
 * opens a new element of the list whose repeated node has repetition level
 * r (that list must have an open element: the previous entry reached it).
 * Walking down, a node with def_level > def is null (its nullable parent
 * chain ends there); a list with elem_def_level > def is empty.  Below a
 * null struct every field on the path down to the next list gets a filler
 * slot: null when nullable, otherwise a valid zero / empty value, so that
 * non-nullable arrays never hold nulls.  Leaf slots are only marked during
 * the walk (a has-value bitmap); the values are converted in bulk at the
 * end.  Flat columns skip the walk.
 *
 * Zero copy: a leaf whose every slot has a value and whose physical layout
 * is the array's (INT32/INT64/FLOAT/DOUBLE/FLBA-based kinds, byte arrays)
 * takes the pq_values buffers (when they use the array's allocator).  Byte
 * arrays with nulls still take the data buffer (nulls are empty strings).
 *
 * Inputs come from a file: every level, count and value is checked, and
 * errors name the leaf's Parquet path and the level index.
 */
#include "parquet/levels.h"

#include "table/array_internal.h"

#define ASM_MAX_DEPTH 257
#define JULIAN_UNIX_EPOCH 2440588
#define NANOS_PER_DAY INT64_C(86400000000000)

void pq_leaf_data_init(pq_leaf_data *d, pq_physical type, int32_t type_length, const pq_allocator *a)
{
    d->n_levels = 0;
    pq_buf_init(&d->def, a);
    pq_buf_init(&d->rep, a);
    d->values.type = type;
    d->values.width = pq_physical_width(type, type_length);
    pq_buf_init(&d->values.data, a);
    pq_buf_init(&d->values.offsets, a);
    d->values.n = 0;
    d->def_counted = false;
}

void pq_leaf_data_reset(pq_leaf_data *d)
{
    if (!d) return;
    pq_buf_reset(&d->def);
    pq_buf_reset(&d->rep);
    pq_buf_reset(&d->values.data);
    pq_buf_reset(&d->values.offsets);
    d->values.n = 0;
    d->n_levels = 0;
    d->def_counted = false;
}

static bool is_list_kind(pq_kind k) { return k == PQ_KIND_LIST || k == PQ_KIND_MAP; }

/* ------------------------------------------------------ input checks */

/* Check the dense values of leaf l: type, sizes, byte-array offsets. */
static pq_status check_values(const pq_leaf *l, const pq_values *v, pq_error *err)
{
    if (v->type != l->physical || v->width != pq_physical_width(l->physical, l->type_length))
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf '%s': values of physical type %d width %d, expected %d width %d",
                       l->path, (int)v->type, v->width, (int)l->physical, pq_physical_width(l->physical, l->type_length));
    if (v->n < 0) return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': negative value count", l->path);
    if (v->type != PQ_PHYS_BYTE_ARRAY) {
        size_t need;
        if (pq_mul_overflow((size_t)v->n, (size_t)v->width, &need) || v->data.len != need)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': expected %lld values of %d bytes, found %zu bytes", l->path,
                           (long long)v->n, v->width, v->data.len);
        return PQ_OK;
    }
    if (v->n == 0 && v->offsets.len == 0) return PQ_OK;
    if (v->offsets.len != ((size_t)v->n + 1) * sizeof(int64_t))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': expected %lld byte-array offsets, found %zu bytes", l->path,
                       (long long)v->n + 1, v->offsets.len);
    const int64_t *o = (const int64_t *)(const void *)v->offsets.data;
    if (o[0] != 0 || o[v->n] != (int64_t)v->data.len)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': byte-array offsets span %lld..%lld, data has %zu bytes", l->path,
                       (long long)o[0], (long long)o[v->n], v->data.len);
    for (int64_t i = 0; i < v->n; i++)
        if (o[i + 1] < o[i])
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': byte-array offsets decrease at value %lld", l->path,
                           (long long)i);
    return PQ_OK;
}

/* Count the entries of lv[0..n) equal to eq into *count; return the index
 * of the first entry above max, or -1.  The counting loop has no early
 * exit so that it vectorises; the failing index is searched only after. */
static int64_t count_level(const uint16_t *lv, int64_t n, uint16_t eq, uint16_t max, int64_t *count)
{
    int64_t c = 0;
    unsigned over = 0;
    for (int64_t i = 0; i < n; i++) {
        c += lv[i] == eq;
        over |= lv[i] > max;
    }
    *count = c;
    if (!over) return -1;
    for (int64_t i = 0; i < n; i++)
        if (lv[i] > max) return i;
    return -1;
}

/* Check the levels of leaf l against n_rows and the value count. */
static pq_status check_levels(const pq_leaf *l, const pq_leaf_data *d, int64_t n_rows, pq_error *err)
{
    int64_t n = d->n_levels;
    if (n < 0) return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': negative level count %lld", l->path, (long long)n);
    if ((l->max_def > 0 && d->def.len != (size_t)n * 2) || (l->max_rep > 0 && d->rep.len != (size_t)n * 2))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': expected %lld level entries, found %zu def / %zu rep bytes",
                       l->path, (long long)n, d->def.len, d->rep.len);
    int64_t present = n, rows = n;
    if (l->max_def > 0 && d->def_counted) present = d->values.n; /* the column reader counted them */
    else if (l->max_def > 0) {
        const uint16_t *def = (const uint16_t *)(const void *)d->def.data;
        uint16_t maxd = (uint16_t)l->max_def;
        int64_t bad = count_level(def, n, maxd, maxd, &present);
        if (bad >= 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': definition level %u at level index %lld exceeds the maximum %u",
                           l->path, def[bad], (long long)bad, maxd);
    }
    if (l->max_rep > 0) {
        const uint16_t *rep = (const uint16_t *)(const void *)d->rep.data;
        uint16_t maxr = (uint16_t)l->max_rep;
        if (n > 0 && rep[0] != 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': expected repetition level 0 at level index 0, found %u",
                           l->path, rep[0]);
        int64_t bad = count_level(rep, n, 0, maxr, &rows);
        if (bad >= 0)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': repetition level %u at level index %lld exceeds the maximum %u",
                           l->path, rep[bad], (long long)bad, maxr);
    }
    if (rows != n_rows)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': levels describe %lld rows, expected %lld", l->path,
                       (long long)rows, (long long)n_rows);
    if (present != d->values.n)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': expected %lld values (entries at definition level %d), found %lld",
                       l->path, (long long)present, l->max_def, (long long)d->values.n);
    return PQ_OK;
}

/* -------------------------------------------------------- leaf values */

/* Slot i of a leaf has a value when bits is NULL or bit i is set. */
static inline bool has_value(const uint8_t *bits, int64_t i) { return !bits || pq_bit_get(bits, i); }

/* Take a pq_buf's memory when it uses the array's allocator. */
static bool can_take(const pq_array *a, const pq_buf *b) { return b->alloc == a->alloc && b->data != NULL; }

/* Scatter n_vals dense values of w bytes (at the start of buf, which holds
 * n_slots * w bytes) to their slots, zeroing slots without a value.  Runs
 * backwards, in place: slot i >= its value index, so a value is always read
 * before its bytes can be overwritten. */
static void scatter_in_place(uint8_t *buf, const uint8_t *bits, int64_t n_slots, int64_t n_vals, size_t w)
{
    int64_t k = n_vals;
    for (int64_t i = n_slots - 1; i >= 0; i--) {
        uint8_t *dst = buf + (size_t)i * w;
        if (!pq_bit_get(bits, i)) { memset(dst, 0, w); continue; }
        k--;
        if (w == 8) memmove(dst, buf + (size_t)k * 8, 8);
        else if (w == 4) memmove(dst, buf + (size_t)k * 4, 4);
        else memmove(dst, buf + (size_t)k * w, w);
    }
}

/* Values copied as they are (w bytes each); missing values are zero.  The
 * pq_values buffer becomes the array's values (grown and scattered in
 * place when some slots have no value), so no second buffer is touched. */
static pq_status fill_copy(pq_array *a, pq_values *v, const uint8_t *bits, int64_t n_slots, size_t w, pq_error *err)
{
    size_t need = (size_t)n_slots * w;
    if (can_take(a, &v->data)) {
        if (bits && v->data.cap < need) {
            uint8_t *p = (uint8_t *)pq_realloc(a->alloc, v->data.data, need);
            if (!p) return PQ_NOMEM(err);
            v->data.data = p;
            v->data.cap = need;
        }
        if (bits) scatter_in_place(v->data.data, bits, n_slots, v->n, w);
        pq_array_adopt_values(a, v->data.data, v->data.cap, need);
        v->data.data = NULL;
        v->data.len = v->data.cap = 0;
        return PQ_OK;
    }
    uint8_t *dst = (uint8_t *)pq_alloc(a->alloc, need ? need : 1);
    if (!dst) return PQ_NOMEM(err);
    if (v->data.len) memcpy(dst, v->data.data, v->data.len);
    if (bits) scatter_in_place(dst, bits, n_slots, v->n, w);
    pq_array_adopt_values(a, dst, need ? need : 1, need);
    return PQ_OK;
}

/* BOOLEAN bytes -> bits. */
static pq_status fill_bool(pq_array *a, const pq_values *v, const uint8_t *bits, int64_t n_slots, pq_error *err)
{
    PQ_TRY(pq_array_reserve(a, n_slots, err));
    const uint8_t *src = v->data.data;
    int64_t k = 0;
    for (int64_t i = 0; i < n_slots; i++) {
        if (has_value(bits, i) && src[k++]) pq_bit_set(a->values, i);
        else pq_bit_clear(a->values, i);
    }
    return PQ_OK;
}

/* INT32 -> int8/int16/uint8/uint16, rejecting values out of range. */
static pq_status fill_narrow(pq_array *a, const pq_values *v, const uint8_t *bits, int64_t n_slots, const char *path,
                             pq_error *err)
{
    PQ_TRY(pq_array_reserve(a, n_slots, err));
    int bw = a->type.bit_width;
    bool sg = a->type.is_signed;
    int32_t lo = sg ? -(1 << (bw - 1)) : 0, hi = sg ? (1 << (bw - 1)) - 1 : (1 << bw) - 1;
    const uint8_t *src = v->data.data;
    int64_t k = 0;
    for (int64_t i = 0; i < n_slots; i++) {
        int32_t x = 0;
        if (has_value(bits, i)) {
            memcpy(&x, src + (size_t)k * 4, 4);
            if (x < lo || x > hi)
                return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': value %d (value index %lld) out of range for %sint%d",
                               path, x, (long long)k, sg ? "" : "u", bw);
            k++;
        }
        if (bw == 8) a->values[i] = (uint8_t)x;
        else { uint16_t h = (uint16_t)x; memcpy(a->values + i * 2, &h, 2); }
    }
    return PQ_OK;
}

/* Big-endian two's complement (n bytes) -> decimal128 LE in out[16]. */
static bool be_to_dec128(const uint8_t *p, size_t n, uint8_t *out)
{
    uint8_t ext = (n && (p[0] & 0x80)) ? 0xFF : 0;
    if (n > 16) {
        uint8_t top = (p[n - 16] & 0x80) ? 0xFF : 0;
        for (size_t j = 0; j < n - 16; j++)
            if (p[j] != top) return false;
        p += n - 16;
        n = 16;
    }
    for (size_t j = 0; j < 16; j++) out[j] = j < n ? p[n - 1 - j] : ext;
    return true;
}

/* INT32 / INT64 / FLBA / BYTE_ARRAY decimals -> decimal128. */
static pq_status fill_decimal(pq_array *a, const pq_values *v, const uint8_t *bits, int64_t n_slots, const char *path,
                              pq_error *err)
{
    PQ_TRY(pq_array_reserve(a, n_slots, err));
    static const uint8_t none[1];
    const uint8_t *src = v->data.data ? v->data.data : none; /* all values may be empty byte arrays */
    const int64_t *off = v->type == PQ_PHYS_BYTE_ARRAY ? (const int64_t *)(const void *)v->offsets.data : NULL;
    int64_t k = 0;
    for (int64_t i = 0; i < n_slots; i++) {
        uint8_t *dst = a->values + (size_t)i * 16;
        if (!has_value(bits, i)) { memset(dst, 0, 16); continue; }
        bool ok = true;
        if (v->type == PQ_PHYS_INT32 || v->type == PQ_PHYS_INT64) {
            int64_t x;
            if (v->type == PQ_PHYS_INT32) { int32_t y; memcpy(&y, src + (size_t)k * 4, 4); x = y; }
            else memcpy(&x, src + (size_t)k * 8, 8);
            memcpy(dst, &x, 8);
            memset(dst + 8, x < 0 ? 0xFF : 0, 8);
        } else if (off) {
            ok = be_to_dec128(src + off[k], (size_t)(off[k + 1] - off[k]), dst);
        } else {
            ok = be_to_dec128(src + (size_t)k * (size_t)v->width, (size_t)v->width, dst);
        }
        if (!ok)
            return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "leaf '%s': decimal value %lld does not fit in 128 bits", path,
                           (long long)k);
        k++;
    }
    return PQ_OK;
}

/* INT96 (nanoseconds of day, Julian day) -> timestamp in the array's unit.
 * The day is a signed 32-bit Julian day (Impala's layout) and the
 * arithmetic wraps in 64 bits: values inside the int64-nanosecond range
 * read as DuckDB shows them, values outside it as arrow-rs reads them
 * (int96_from_spark.parquet, where the engines disagree). */
static pq_status fill_int96(pq_array *a, const pq_values *v, const uint8_t *bits, int64_t n_slots, pq_error *err)
{
    PQ_TRY(pq_array_reserve(a, n_slots, err));
    int64_t div = a->type.unit == PQ_UNIT_MILLIS ? 1000000 : a->type.unit == PQ_UNIT_MICROS ? 1000 : 1;
    const uint8_t *src = v->data.data;
    int64_t k = 0;
    for (int64_t i = 0; i < n_slots; i++) {
        int64_t t = 0;
        if (has_value(bits, i)) {
            const uint8_t *p = src + (size_t)(k++) * 12;
            uint64_t nod = pq_load_u64le(p);
            int64_t day = (int64_t)(int32_t)pq_load_u32le(p + 8) - JULIAN_UNIX_EPOCH; /* signed, as Impala */
            t = (int64_t)((uint64_t)day * (uint64_t)NANOS_PER_DAY + nod);
            if (div > 1) t = t / div - (t % div < 0);
        }
        memcpy(a->values + (size_t)i * 8, &t, 8);
    }
    return PQ_OK;
}

/* Dense offsets D[0..n_vals] (at the start of o, which holds n_slots + 1
 * entries) -> slot offsets, slots without a value empty.  Backwards and in
 * place: entry i+1 is written after D[c] (c <= i+1 values up to slot i) was
 * read, and every later read is at an index below i+1. */
static void offsets_in_place(int64_t *o, const uint8_t *bits, int64_t n_slots, int64_t n_vals)
{
    int64_t c = n_vals;
    for (int64_t i = n_slots - 1; i >= 0; i--) {
        o[i + 1] = c ? o[c] : 0;
        c -= pq_bit_get(bits, i);
    }
    o[0] = 0;
}

/* BYTE_ARRAY -> STRING/JSON/BINARY.  The dense bytes are exactly the
 * array's bytes (missing values are empty), so the data buffer is taken;
 * the offsets buffer too, expanded in place when some slots have no value. */
static pq_status fill_bytes(pq_array *a, pq_values *v, const uint8_t *bits, int64_t n_slots, pq_error *err)
{
    if (n_slots == 0) return PQ_OK;
    size_t need = ((size_t)n_slots + 1) * sizeof(int64_t);
    int64_t *o;
    size_t cap;
    if (can_take(a, &v->offsets)) {
        o = (int64_t *)(void *)v->offsets.data;
        cap = v->offsets.cap;
        if (cap < need) {
            o = (int64_t *)pq_realloc(a->alloc, o, need);
            if (!o) return PQ_NOMEM(err);
            cap = need;
        }
        v->offsets.data = NULL;
        v->offsets.len = v->offsets.cap = 0;
    } else {
        o = (int64_t *)pq_alloc(a->alloc, need);
        if (!o) return PQ_NOMEM(err);
        cap = need;
        if (v->offsets.len) memcpy(o, v->offsets.data, v->offsets.len);
        else o[0] = 0;
    }
    if (bits) offsets_in_place(o, bits, n_slots, v->n);
    pq_free(a->alloc, a->offsets);
    a->offsets = o;
    a->offsets_cap = cap / sizeof(int64_t);
    /* All values empty: still give the array a data buffer, so that
     * "values + offsets[i]" never does arithmetic on NULL. */
    if (v->data.len == 0) return a->values ? PQ_OK : pq_array_reserve_data(a, 1, err);
    if (can_take(a, &v->data)) {
        pq_array_adopt_values(a, v->data.data, v->data.cap, v->data.len);
        v->data.data = NULL;
        v->data.len = v->data.cap = 0;
        return PQ_OK;
    }
    PQ_TRY(pq_array_reserve_data(a, v->data.len, err));
    memcpy(a->values, v->data.data, v->data.len);
    a->values_len = v->data.len;
    return PQ_OK;
}

/* A NULL-kind leaf: every slot null, whatever the file stores. */
static pq_status fill_null(pq_array *a, int64_t n_slots, pq_error *err)
{
    if (n_slots == 0) return PQ_OK;
    PQ_TRY(pq_array_ensure_validity(a, err));
    PQ_TRY(pq_array_reserve(a, n_slots, err));
    memset(a->validity, 0, ((size_t)n_slots + 7) / 8);
    a->null_count = n_slots;
    return PQ_OK;
}

/* Dispatch on the leaf's kind and physical type. */
static pq_status fill_values(pq_array *a, const pq_leaf *l, pq_values *v, const uint8_t *bits, int64_t n_slots,
                             pq_error *err)
{
    const pq_type *t = &a->type;
    pq_physical p = v->type;
    switch (t->kind) {
    case PQ_KIND_NULL: return fill_null(a, n_slots, err);
    case PQ_KIND_BOOL:
        if (p == PQ_PHYS_BOOLEAN) return fill_bool(a, v, bits, n_slots, err);
        break;
    case PQ_KIND_INT:
        if (t->bit_width <= 16 && p == PQ_PHYS_INT32) return fill_narrow(a, v, bits, n_slots, l->path, err);
        break;
    case PQ_KIND_TIMESTAMP:
        if (p == PQ_PHYS_INT96) return fill_int96(a, v, bits, n_slots, err);
        break;
    case PQ_KIND_DECIMAL:
        if (p != PQ_PHYS_BOOLEAN && p != PQ_PHYS_FLOAT && p != PQ_PHYS_DOUBLE && p != PQ_PHYS_INT96)
            return fill_decimal(a, v, bits, n_slots, l->path, err);
        break;
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY:
        if (p == PQ_PHYS_BYTE_ARRAY) return fill_bytes(a, v, bits, n_slots, err);
        break;
    default: break;
    }
    size_t w = pq_type_value_size(t);
    if (w == 0 || (size_t)v->width != w || p == PQ_PHYS_BOOLEAN || p == PQ_PHYS_BYTE_ARRAY)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf '%s': physical type %d does not fit kind %d", l->path, (int)p,
                       (int)t->kind);
    return fill_copy(a, v, bits, n_slots, w, err);
}

/* Fill leaf array a (empty) with n_slots slots; `bits` (NULL = every slot)
 * marks the slots that have a value.  Slots without one are null when the
 * field is nullable, else valid zero / empty values (fillers below a null
 * struct).  `hv` owns bits and is taken as the validity bitmap. */
static pq_status fill_leaf(pq_array *a, const pq_leaf *l, pq_values *v, pq_buf *hv, int64_t n_slots, pq_error *err)
{
    const uint8_t *bits = (hv && v->n < n_slots) ? hv->data : NULL;
    PQ_TRY(fill_values(a, l, v, bits, n_slots, err));
    a->length = n_slots;
    if (bits && l->field->nullable && a->type.kind != PQ_KIND_NULL) {
        pq_free(a->alloc, a->validity);
        a->validity = hv->data;
        a->validity_cap = hv->cap;
        a->null_count = n_slots - v->n;
        hv->data = NULL;
        hv->len = hv->cap = 0;
    }
    return PQ_OK;
}

/* A flat leaf (the top-level field itself). */
static pq_status assemble_flat(const pq_leaf *l, pq_leaf_data *d, int64_t n_rows, pq_array *out, pq_error *err)
{
    /* no nulls (check_levels counted a value per row): no bitmap to build */
    if (l->max_def == 0 || d->values.n == n_rows) return fill_leaf(out, l, &d->values, NULL, n_rows, err);
    pq_buf hv;
    pq_buf_init(&hv, out->alloc);
    pq_status s = pq_buf_resize(&hv, ((size_t)n_rows + 7) / 8 + 1, err);
    if (!s) {
        const uint16_t *def = (const uint16_t *)(const void *)d->def.data;
        uint8_t *bits = hv.data;
        int64_t full = n_rows / 8;
        for (int64_t b = 0; b < full; b++) {
            const uint16_t *p = def + b * 8;
            bits[b] = (uint8_t)(p[0] | p[1] << 1 | p[2] << 2 | p[3] << 3 | p[4] << 4 | p[5] << 5 | p[6] << 6 |
                                p[7] << 7);
        }
        for (int64_t i = full * 8; i < n_rows; i++) bits[i >> 3] = (uint8_t)(bits[i >> 3] | (def[i] << (i & 7)));
        s = fill_leaf(out, l, &d->values, &hv, n_rows, err);
    }
    pq_buf_reset(&hv);
    return s;
}

/* ------------------------------------------------------ nested walk */

enum { SLOT_NULL, SLOT_VALID, SLOT_EMPTY, SLOT_OPEN }; /* EMPTY / OPEN: valid list without / with elements */

typedef struct asm_ctx {
    const pq_leaf *leaf;
    int64_t li;                                 /* leaf index in the map */
    int K;                                      /* depth of the leaf node */
    const pq_schema_node *nodes[ASM_MAX_DEPTH]; /* path top .. leaf */
    pq_array *arrs[ASM_MAX_DEPTH];
    bool owned[ASM_MAX_DEPTH];                  /* this leaf appends to arrs[j] */
    int64_t pos[ASM_MAX_DEPTH];                 /* slots of arrs[j] produced / checked so far */
    int64_t cap[ASM_MAX_DEPTH];                 /* owned: slots reserved */
    int list_at_rep[ASM_MAX_DEPTH];             /* rep level r -> depth of its list */
    int64_t t;                                  /* level index being processed, for errors */
    pq_buf hv;                                  /* leaf has-value bitmap, n_levels bits */
} asm_ctx;

/* Resolve the path of leaf li below top-level node `top`. */
static pq_status asm_path(asm_ctx *c, const pq_schema_node *top, pq_array *out, pq_error *err)
{
    const pq_schema_node *nd = top;
    pq_array *arr = out;
    int d = 0;
    for (;;) {
        if (arr->type.kind != nd->field->type.kind || (nd->n_children && arr->n_children != nd->n_children))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': output array of '%s' was not initialised for the field",
                           c->leaf->path, nd->field->name);
        c->nodes[d] = nd;
        c->arrs[d] = arr;
        c->owned[d] = nd->first_leaf == c->li;
        c->pos[d] = 0;
        c->cap[d] = 0;
        if (c->owned[d] && arr->length != 0)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': output array of '%s' is not empty", c->leaf->path,
                           nd->field->name);
        if (is_list_kind(nd->field->type.kind)) c->list_at_rep[nd->elem_rep_level] = d;
        if (nd->n_children == 0) break;
        int64_t k = pq_schema_node_child_holding(nd, c->li);
        if (k < 0 || d + 2 >= ASM_MAX_DEPTH)
            return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf %lld not below its top-level field", (long long)c->li);
        nd = &nd->children[k];
        arr = &arr->children[k];
        d++;
    }
    c->K = d;
    return PQ_OK;
}

/* Append a slot to owned array j (not the leaf). */
static pq_status owned_open(asm_ctx *c, int j, int kind, pq_error *err)
{
    pq_array *a = c->arrs[j];
    if (a->length == c->cap[j]) {
        int64_t add = a->length < 64 ? 64 : a->length;
        PQ_TRY(pq_array_reserve(a, add, err));
        c->cap[j] = a->length + add;
    }
    if (kind == SLOT_NULL) {
        if (!a->validity) {
            PQ_TRY(pq_array_ensure_validity(a, err));
            PQ_TRY(pq_array_reserve(a, c->cap[j] - a->length, err));
        }
        pq_bit_clear(a->validity, a->length);
        a->null_count++;
    } else if (a->validity) {
        pq_bit_set(a->validity, a->length);
    }
    if (a->offsets) a->offsets[a->length + 1] = a->offsets[a->length];
    a->length++;
    return PQ_OK;
}

/* Check that shared array j (built by an earlier leaf) has this slot. */
static pq_status shared_open(asm_ctx *c, int j, int kind, pq_error *err)
{
    const pq_array *a = c->arrs[j];
    int64_t s = c->pos[j];
    const char *name = c->nodes[j]->field->name;
    if (s >= a->length)
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': more slots of '%s' than its sibling leaves (level index %lld)",
                       c->leaf->path, name, (long long)c->t);
    bool valid = !a->validity || pq_bit_get(a->validity, s);
    if (valid != (kind != SLOT_NULL))
        return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': '%s' slot %lld is %s for this leaf, %s for its siblings (level index %lld)",
                       c->leaf->path, name, (long long)s, valid ? "null" : "valid", valid ? "valid" : "null",
                       (long long)c->t);
    if (a->offsets) {
        int64_t b = a->offsets[s], e = a->offsets[s + 1];
        if (c->pos[j + 1] != b || (kind == SLOT_OPEN) != (e > b))
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': list '%s' slot %lld has a different length than for its "
                           "siblings (level index %lld)", c->leaf->path, name, (long long)s, (long long)c->t);
    }
    return PQ_OK;
}

/* Open a slot at depth j of the kind given (leaf: SLOT_VALID = has a value,
 * SLOT_NULL = no value), keeping the parent list's offsets in step. */
static pq_status open_slot(asm_ctx *c, int j, int kind, pq_error *err)
{
    bool in_list = j > 0 && is_list_kind(c->nodes[j - 1]->field->type.kind);
    if (in_list && !c->owned[j - 1]) {
        const pq_array *p = c->arrs[j - 1];
        if (c->pos[j] >= p->offsets[c->pos[j - 1]])
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': more elements in list '%s' slot %lld than for its siblings "
                           "(level index %lld)", c->leaf->path, c->nodes[j - 1]->field->name,
                           (long long)c->pos[j - 1] - 1, (long long)c->t);
    }
    if (j == c->K) {
        /* hv was sized for one leaf slot per level entry (the most there can be) */
        if (kind == SLOT_VALID) pq_bit_set(c->hv.data, c->pos[j]);
    } else if (c->owned[j]) {
        PQ_TRY(owned_open(c, j, kind, err));
    } else {
        PQ_TRY(shared_open(c, j, kind, err));
    }
    c->pos[j]++;
    if (in_list && c->owned[j - 1]) {
        pq_array *p = c->arrs[j - 1];
        p->offsets[p->length] = c->pos[j];
    }
    return PQ_OK;
}

/* Filler slots below a null or absent struct at depth j, down to the next
 * list: null when nullable, else valid (empty lists, zero leaves). */
static pq_status fill_below(asm_ctx *c, int j, pq_error *err)
{
    for (int m = j + 1; m <= c->K; m++) {
        if (c->nodes[m - 1]->field->type.kind != PQ_KIND_STRUCT) break;
        const pq_field *f = c->nodes[m]->field;
        int kind = f->nullable ? SLOT_NULL : is_list_kind(f->type.kind) ? SLOT_EMPTY : SLOT_VALID;
        if (m == c->K) kind = SLOT_NULL; /* leaves: no value; fill_leaf makes it valid when required */
        PQ_TRY(open_slot(c, m, kind, err));
        if (is_list_kind(f->type.kind)) break;
    }
    return PQ_OK;
}

/* One level entry. */
static pq_status asm_entry(asm_ctx *c, int def, int rep, int prev_def, pq_error *err)
{
    int start = 0;
    if (rep > 0) {
        int L = c->list_at_rep[rep];
        int need = c->nodes[L]->elem_def_level;
        if (prev_def < need || def < need)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': repetition level %d at level index %lld continues list '%s' "
                           "that has no element (definition levels %d then %d, element level %d)", c->leaf->path, rep,
                           (long long)c->t, c->nodes[L]->field->name, prev_def, def, need);
        start = L + 1;
    }
    for (int j = start; j <= c->K; j++) {
        const pq_schema_node *n = c->nodes[j];
        if (def < n->def_level) {
            PQ_TRY(open_slot(c, j, SLOT_NULL, err));
            return j < c->K && n->field->type.kind == PQ_KIND_STRUCT ? fill_below(c, j, err) : PQ_OK;
        }
        pq_kind k = n->field->type.kind;
        if (j == c->K || k == PQ_KIND_STRUCT) {
            PQ_TRY(open_slot(c, j, SLOT_VALID, err));
            continue;
        }
        if (def < n->elem_def_level) return open_slot(c, j, SLOT_EMPTY, err);
        PQ_TRY(open_slot(c, j, SLOT_OPEN, err));
    }
    return PQ_OK;
}

/* After the walk: shared arrays fully consumed, list lengths agreeing. */
static pq_status asm_finish_checks(asm_ctx *c, int64_t n_rows, pq_error *err)
{
    for (int j = 0; j < c->K; j++) {
        const pq_array *a = c->arrs[j];
        if (c->pos[j] != a->length)
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': %lld slots of '%s', its siblings have %lld", c->leaf->path,
                           (long long)c->pos[j], c->nodes[j]->field->name, (long long)a->length);
        if (a->offsets && a->offsets[a->length] != c->pos[j + 1])
            return PQ_FAIL(err, PQ_ERR_CORRUPT, "leaf '%s': %lld elements in list '%s', its siblings have %lld",
                           c->leaf->path, (long long)c->pos[j + 1], c->nodes[j]->field->name,
                           (long long)a->offsets[a->length]);
    }
    if (c->pos[0] != n_rows)
        return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf '%s': assembled %lld rows, expected %lld", c->leaf->path,
                       (long long)c->pos[0], (long long)n_rows);
    return PQ_OK;
}

/* Assemble leaf li (data d) into the arrays of top-level node `top`. */
static pq_status assemble_leaf(asm_ctx *c, const pq_schema_map *m, int64_t li, const pq_schema_node *top,
                               pq_leaf_data *d, int64_t n_rows, pq_array *out, pq_error *err)
{
    c->leaf = &m->leaves[li];
    c->li = li;
    PQ_TRY(asm_path(c, top, out, err));
    c->hv.len = 0;
    PQ_TRY(pq_buf_resize(&c->hv, (size_t)d->n_levels / 8 + 1, err)); /* zeroed */
    const uint16_t *def = c->leaf->max_def > 0 ? (const uint16_t *)(const void *)d->def.data : NULL;
    const uint16_t *rep = c->leaf->max_rep > 0 ? (const uint16_t *)(const void *)d->rep.data : NULL;
    int maxd = c->leaf->max_def, prev = -1;
    for (int64_t t = 0; t < d->n_levels; t++) {
        c->t = t;
        int dv = def ? def[t] : maxd;
        PQ_TRY(asm_entry(c, dv, rep ? rep[t] : 0, prev, err));
        prev = dv;
    }
    PQ_TRY(asm_finish_checks(c, n_rows, err));
    pq_array *la = c->arrs[c->K];
    if (la->length != 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': output array is not empty", c->leaf->path);
    return fill_leaf(la, c->leaf, &d->values, &c->hv, c->pos[c->K], err);
}

pq_status pq_assemble_field(const pq_schema_map *m, int64_t top, pq_leaf_data *leaves, int64_t n_rows, pq_array *out,
                            pq_error *err)
{
    if (top < 0 || top >= m->schema.n_fields)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "field %lld out of range 0..%lld", (long long)top,
                       (long long)m->schema.n_fields);
    if (n_rows < 0) return PQ_FAIL(err, PQ_ERR_CORRUPT, "negative row count %lld", (long long)n_rows);
    if (out->length != 0) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "output array is not empty");
    const pq_schema_node *tn = &m->nodes[top];
    for (int64_t k = 0; k < tn->n_leaves; k++) {
        const pq_leaf *l = &m->leaves[tn->first_leaf + k];
        PQ_TRY(check_values(l, &leaves[k].values, err));
        PQ_TRY(check_levels(l, &leaves[k], n_rows, err));
    }
    if (tn->n_children == 0) {
        if (out->type.kind != tn->field->type.kind)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "output array was not initialised for field '%s'", tn->field->name);
        return assemble_flat(&m->leaves[tn->first_leaf], &leaves[0], n_rows, out, err);
    }
    asm_ctx *c = (asm_ctx *)pq_alloc(out->alloc, sizeof *c);
    if (!c) return PQ_NOMEM(err);
    pq_buf_init(&c->hv, out->alloc);
    pq_status s = PQ_OK;
    for (int64_t k = 0; k < tn->n_leaves && !s; k++)
        s = assemble_leaf(c, m, tn->first_leaf + k, tn, &leaves[k], n_rows, out, err);
    pq_buf_reset(&c->hv);
    pq_free(out->alloc, c);
    return s;
}
