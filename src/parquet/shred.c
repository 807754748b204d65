/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/shred.c - Dremel shredding: turn a range of rows of an Arrow-like
 * pq_array tree into, for one leaf, definition / repetition levels and the
 * dense non-null values in the leaf's physical form (encoding.h layouts).
 *
 * Work is split in two stages:
 *   1. levels: walk the path from the top-level field to the leaf.  A node
 *      that is null stops the walk with def = its def_level - 1; an empty
 *      list emits def = the list's def_level; rep is 0 for the first entry
 *      of a row and the list's elem_rep_level for the following elements of
 *      that list (Dremel, "Levels and nesting" in the format spec).  The walk
 *      recurses once per list slot and runs a flat loop over a slot range
 *      below the innermost list, so the work is O(entries x depth) with no
 *      per-row allocation.  It yields the selected leaf slots: a range, a
 *      range filtered by a validity bitmap (flat optional columns) or an
 *      explicit slot list (nested columns, stored in off_buf; increasing
 *      for valid arrays).
 *   2. values: gather the selected slots, converting to the physical form.
 *      Identity layouts over a contiguous selection are zero copy (the view
 *      points into the array); byte arrays gather offsets only and point at
 *      the array's data as long as the selected values are adjacent in it.
 *
 * Flat columns skip stage 1: a required column has no levels at all, an
 * optional one builds its def levels from the validity bitmap in one pass.
 *
 * The input array comes from the caller's table: its shape is checked
 * against the schema (kinds, children, list offsets within the child), and
 * a null met in a non-nullable field or a value that does not fit the
 * physical type (decimal wider than its column) is PQ_ERR_INVALID_ARG /
 * PQ_ERR_TYPE.
 */
#include "parquet/levels.h"

#include "table/array_internal.h"

/* Logical depth bound: schema.c limits schemas to 255 nested fields. */
#define SHRED_MAX_DEPTH 257

/* Unix epoch as a Julian day number, and nanoseconds per day (INT96). */
#define JULIAN_UNIX_EPOCH 2440588
#define NANOS_PER_DAY INT64_C(86400000000000)

/* Views never hold NULL pointers (an empty column may have no buffers):
 * consumers can always do pointer arithmetic on them. */
static const int64_t zero_offset = 0;
static const uint8_t no_bytes[16];

void pq_leaf_batch_init(pq_leaf_batch *b, const pq_allocator *a)
{
    memset(b, 0, sizeof *b);
    pq_buf_init(&b->def_buf, a);
    pq_buf_init(&b->rep_buf, a);
    pq_buf_init(&b->val_buf, a);
    pq_buf_init(&b->off_buf, a);
}

void pq_leaf_batch_reset(pq_leaf_batch *b)
{
    if (!b) return;
    pq_buf_reset(&b->def_buf);
    pq_buf_reset(&b->rep_buf);
    pq_buf_reset(&b->val_buf);
    pq_buf_reset(&b->off_buf);
    b->n_rows = b->n_levels = b->n_nulls = 0;
    b->def = b->rep = NULL;
    memset(&b->values, 0, sizeof b->values);
}

/* ------------------------------------------------------------ selection */

enum { SEL_RANGE, SEL_BITS, SEL_SLOTS };

/* The leaf slots whose values are written. */
typedef struct sel {
    int kind;
    int64_t start, n;       /* RANGE, BITS: slots [start, start+n) */
    const uint8_t *bits;    /* BITS: keep slot i when bit i is set */
    const int64_t *slots;   /* SLOTS: slot indexes in walk order (increasing for valid arrays) */
    int64_t count;          /* selected slots */
} sel;

/* Run the statement block (variadic: it may contain commas) once per
 * selected slot, in selection order, with the slot index in I.  Bitmaps
 * are read 64 bits at a time: full words run a plain loop, others visit
 * their set bits only. */
#define SEL_FOREACH(S, I, ...)                                                              \
    do {                                                                                    \
        if ((S)->kind == SEL_SLOTS) {                                                       \
            for (int64_t k_ = 0; k_ < (S)->count; k_++) {                                   \
                int64_t I = (S)->slots[k_];                                                 \
                __VA_ARGS__;                                                                \
            }                                                                               \
        } else if ((S)->kind == SEL_BITS) {                                                 \
            const uint8_t *bits_ = (S)->bits;                                               \
            int64_t i_ = (S)->start, end_ = (S)->start + (S)->n;                            \
            while (i_ < end_) {                                                             \
                if ((i_ & 63) == 0 && end_ - i_ >= 64) {                                    \
                    uint64_t w_ = pq_load_u64le(bits_ + (i_ >> 3));                         \
                    if (w_ == UINT64_MAX) {                                                 \
                        for (int64_t I = i_; I < i_ + 64; I++) { __VA_ARGS__; }             \
                    } else {                                                                \
                        while (w_) {                                                        \
                            int64_t I = i_ + __builtin_ctzll(w_);                           \
                            w_ &= w_ - 1;                                                   \
                            __VA_ARGS__;                                                    \
                        }                                                                   \
                    }                                                                       \
                    i_ += 64;                                                               \
                    continue;                                                               \
                }                                                                           \
                int64_t I = i_++;                                                           \
                if (pq_bit_get(bits_, I)) { __VA_ARGS__; }                                  \
            }                                                                               \
        } else {                                                                            \
            for (int64_t I = (S)->start; I < (S)->start + (S)->n; I++) { __VA_ARGS__; }     \
        }                                                                                   \
    } while (0)

/* An empty selection, or a slot list that is one contiguous run, becomes a
 * range (zero copy for identity layouts).  The run is checked entry by
 * entry: with offsets that decrease across a null list slot (an invalid
 * array) the slots need not be increasing. */
static void sel_normalise(sel *s)
{
    if (s->count == 0) {
        s->kind = SEL_RANGE;
        s->start = s->n = 0;
        return;
    }
    if (s->kind != SEL_SLOTS || s->slots[s->count - 1] - s->slots[0] != s->count - 1) return;
    int64_t first = s->slots[0];
    for (int64_t k = 1; k < s->count; k++)
        if (s->slots[k] != first + k) return;
    s->kind = SEL_RANGE;
    s->start = first;
    s->n = s->count;
}

/* ------------------------------------------------------------ values */

/* Room for n values of w bytes (plus one spare value for branchless loops). */
static pq_status val_room(pq_leaf_batch *b, int64_t n, size_t w, uint8_t **out, pq_error *err)
{
    size_t bytes;
    if (pq_mul_overflow((size_t)n + 1, w, &bytes)) return PQ_NOMEM(err);
    b->val_buf.len = 0;
    PQ_TRY(pq_buf_reserve(&b->val_buf, bytes, err));
    *out = b->val_buf.data;
    return PQ_OK;
}

/* Fixed-width values copied as they are (w bytes each). */
static pq_status gather_copy(pq_leaf_batch *b, const pq_array *a, const sel *s, size_t w, pq_error *err)
{
    if (s->kind == SEL_RANGE) {
        b->values.data = a->values ? a->values + (size_t)s->start * w : no_bytes;
        return PQ_OK;
    }
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, w, &o, err));
    const uint8_t *src = a->values;
    uint8_t *p = o;
    if (s->kind == SEL_BITS && (w == 8 || w == 4)) {
        /* Branchless: copy every slot, advance past valid ones only (val_room
         * left one spare value for the last write). */
        int64_t end = s->start + s->n;
        if (w == 8)
            for (int64_t i = s->start; i < end; i++) {
                memcpy(p, src + (size_t)i * 8, 8);
                p += 8 * ((s->bits[i >> 3] >> (i & 7)) & 1);
            }
        else
            for (int64_t i = s->start; i < end; i++) {
                memcpy(p, src + (size_t)i * 4, 4);
                p += 4 * ((s->bits[i >> 3] >> (i & 7)) & 1);
            }
    } else if (w == 8) SEL_FOREACH(s, i, { memcpy(p, src + (size_t)i * 8, 8); p += 8; });
    else if (w == 4) SEL_FOREACH(s, i, { memcpy(p, src + (size_t)i * 4, 4); p += 4; });
    else SEL_FOREACH(s, i, { memcpy(p, src + (size_t)i * w, w); p += w; });
    b->values.data = o;
    return PQ_OK;
}

/* BOOL bits -> one byte per value. */
static pq_status gather_bool(pq_leaf_batch *b, const pq_array *a, const sel *s, pq_error *err)
{
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, 1, &o, err));
    uint8_t *p = o;
    SEL_FOREACH(s, i, { *p++ = (uint8_t)pq_bit_get(a->values, i); });
    b->values.data = o;
    return PQ_OK;
}

/* INT8/16 and UINT8/16 -> INT32 (sign or zero extension). */
static pq_status gather_widen(pq_leaf_batch *b, const pq_array *a, const sel *s, pq_error *err)
{
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, 4, &o, err));
    int32_t v;
    uint8_t *p = o;
    const uint8_t *src = a->values;
    int bw = a->type.bit_width;
    bool sg = a->type.is_signed;
    if (bw == 8 && sg) SEL_FOREACH(s, i, { v = (int8_t)src[i]; memcpy(p, &v, 4); p += 4; });
    else if (bw == 8) SEL_FOREACH(s, i, { v = src[i]; memcpy(p, &v, 4); p += 4; });
    else if (sg) SEL_FOREACH(s, i, { int16_t h; memcpy(&h, src + i * 2, 2); v = h; memcpy(p, &v, 4); p += 4; });
    else SEL_FOREACH(s, i, { uint16_t h; memcpy(&h, src + i * 2, 2); v = h; memcpy(p, &v, 4); p += 4; });
    b->values.data = o;
    return PQ_OK;
}

/* decimal128 (16 bytes LE) -> INT32 / INT64 LE or w-byte big-endian FLBA,
 * failing when the value needs more bytes than the column has. */
static pq_status gather_decimal(pq_leaf_batch *b, const pq_array *a, const sel *s, pq_physical phys, int32_t w,
                                const char *path, pq_error *err)
{
    size_t ow = phys == PQ_PHYS_INT32 ? 4 : phys == PQ_PHYS_INT64 ? 8 : (size_t)w;
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, ow, &o, err));
    uint8_t *p = o;
    int64_t bad = -1;
    SEL_FOREACH(s, i, {
        const uint8_t *le = a->values + (size_t)i * 16;
        uint8_t ext = (le[ow - 1] & 0x80) ? 0xFF : 0;
        for (size_t j = ow; j < 16; j++)
            if (le[j] != ext) bad = i;
        if (phys == PQ_PHYS_FIXED_LEN_BYTE_ARRAY)
            for (size_t j = 0; j < ow; j++) p[j] = le[ow - 1 - j];
        else memcpy(p, le, ow);
        p += ow;
    });
    if (bad >= 0)
        return PQ_FAIL(err, PQ_ERR_TYPE, "leaf '%s': decimal at slot %lld needs more than the %zu bytes of its column",
                       path, (long long)bad, ow);
    b->values.data = o;
    return PQ_OK;
}

/* Timestamps -> INT96: 8 bytes nanoseconds of the day, 4 bytes Julian day. */
static pq_status gather_int96(pq_leaf_batch *b, const pq_array *a, const sel *s, const char *path, pq_error *err)
{
    int64_t mul = a->type.unit == PQ_UNIT_MILLIS ? 1000000 : a->type.unit == PQ_UNIT_MICROS ? 1000 : 1;
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, 12, &o, err));
    uint8_t *p = o;
    int64_t bad = -1;
    SEL_FOREACH(s, i, {
        int64_t t, ns;
        memcpy(&t, a->values + (size_t)i * 8, 8);
        if (pq_mul_overflow_i64(t, mul, &ns)) { bad = i; ns = 0; }
        int64_t day = ns / NANOS_PER_DAY, nod = ns % NANOS_PER_DAY;
        if (nod < 0) { nod += NANOS_PER_DAY; day--; }
        pq_store_u64le(p, (uint64_t)nod);
        pq_store_u32le(p + 8, (uint32_t)(day + JULIAN_UNIX_EPOCH));
        p += 12;
    });
    if (bad >= 0)
        return PQ_FAIL(err, PQ_ERR_TYPE, "leaf '%s': timestamp at slot %lld overflows nanoseconds", path,
                       (long long)bad);
    b->values.data = o;
    return PQ_OK;
}

/* Byte arrays: offsets of the selected values.  When each selected value
 * starts where the previous one ends (no skipped bytes between them) the
 * view points at the array's data; otherwise the bytes are copied.
 * Precondition for SEL_SLOTS: the slots live in b->off_buf with room for
 * count + 1 entries; every pass below reads entry k before writing entry k,
 * so the slot list turns into the offsets in place. */
static pq_status gather_bytes(pq_leaf_batch *b, const pq_array *a, const sel *s, pq_error *err)
{
    const int64_t *src = a->offsets;
    if (s->kind == SEL_RANGE) {
        b->values.offsets = s->n ? src + s->start : &zero_offset;
        b->values.data = a->values ? a->values : no_bytes;
        return PQ_OK;
    }
    bool adjacent = true;
    int64_t prev = -1, total = 0, k = 0;
    int64_t *o;
    if (s->kind == SEL_BITS) {
        /* One pass writing the starts; redone as a copy if not adjacent. */
        b->off_buf.len = 0;
        PQ_TRY(pq_buf_reserve(&b->off_buf, ((size_t)s->count + 1) * sizeof(int64_t), err));
        o = (int64_t *)(void *)b->off_buf.data;
        SEL_FOREACH(s, i, {
            adjacent &= prev < 0 || src[i] == prev;
            prev = src[i + 1];
            o[k++] = src[i];
        });
        k = 0;
    } else {
        /* The slots are still needed by the copy: check first. */
        SEL_FOREACH(s, i, {
            adjacent &= prev < 0 || src[i] == prev;
            prev = src[i + 1];
        });
        o = (int64_t *)(void *)b->off_buf.data;
        if (adjacent) SEL_FOREACH(s, i, { o[k++] = src[i]; });
    }
    if (adjacent) {
        o[s->count] = prev;
        b->values.data = a->values ? a->values : no_bytes;
    } else {
        SEL_FOREACH(s, i, { total += src[i + 1] - src[i]; });
        uint8_t *d = NULL;
        PQ_TRY(val_room(b, total, 1, &d, err));
        int64_t pos = 0;
        SEL_FOREACH(s, i, {
            int64_t len = src[i + 1] - src[i];
            if (len) memcpy(d + pos, a->values + src[i], (size_t)len);
            o[k++] = pos;
            pos += len;
        });
        o[s->count] = pos;
        b->values.data = d;
    }
    b->values.offsets = o;
    return PQ_OK;
}

/* NULL columns that are declared REQUIRED (possible in a map built from a
 * file) still store one INT32 per present slot: zeros. */
static pq_status gather_zeros(pq_leaf_batch *b, const sel *s, pq_error *err)
{
    uint8_t *o = NULL;
    PQ_TRY(val_room(b, s->count, 4, &o, err));
    memset(o, 0, (size_t)s->count * 4 + 4);
    b->values.data = o;
    return PQ_OK;
}

/* The physical type the writer's schema mapping gives type t (decimals:
 * any of INT32 / INT64 / FLBA up to 16 bytes). */
static bool physical_fits(const pq_type *t, pq_physical p, int32_t len)
{
    switch (t->kind) {
    case PQ_KIND_NULL: return p == PQ_PHYS_INT32;
    case PQ_KIND_BOOL: return p == PQ_PHYS_BOOLEAN;
    case PQ_KIND_INT: return p == (t->bit_width == 64 ? PQ_PHYS_INT64 : PQ_PHYS_INT32);
    case PQ_KIND_FLOAT: return p == PQ_PHYS_FLOAT;
    case PQ_KIND_DOUBLE: return p == PQ_PHYS_DOUBLE;
    case PQ_KIND_DATE: return p == PQ_PHYS_INT32;
    case PQ_KIND_TIME: return p == (t->unit == PQ_UNIT_MILLIS ? PQ_PHYS_INT32 : PQ_PHYS_INT64);
    case PQ_KIND_TIMESTAMP: return p == PQ_PHYS_INT64 || p == PQ_PHYS_INT96;
    case PQ_KIND_DECIMAL:
        return p == PQ_PHYS_INT32 || p == PQ_PHYS_INT64 || (p == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && len >= 1 && len <= 16);
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY: return p == PQ_PHYS_BYTE_ARRAY;
    case PQ_KIND_FIXED: case PQ_KIND_UUID: case PQ_KIND_FLOAT16:
        return p == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && (size_t)len == pq_type_value_size(t);
    default: return false;
    }
}

/* Stage 2: the values of the selected slots of leaf array a. */
static pq_status gather(pq_leaf_batch *b, const pq_array *a, const sel *s, const pq_leaf *l, pq_error *err)
{
    const pq_type *t = &a->type;
    switch (t->kind) {
    case PQ_KIND_NULL: return gather_zeros(b, s, err);
    case PQ_KIND_BOOL: return gather_bool(b, a, s, err);
    case PQ_KIND_INT:
        if (t->bit_width <= 16) return gather_widen(b, a, s, err);
        return gather_copy(b, a, s, t->bit_width / 8, err);
    case PQ_KIND_TIMESTAMP:
        if (l->physical == PQ_PHYS_INT96) return gather_int96(b, a, s, l->path, err);
        return gather_copy(b, a, s, 8, err);
    case PQ_KIND_DECIMAL: return gather_decimal(b, a, s, l->physical, l->type_length, l->path, err);
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY: return gather_bytes(b, a, s, err);
    default: return gather_copy(b, a, s, pq_type_value_size(t), err);
    }
}

/* ------------------------------------------------------------ levels */

typedef struct shred_ctx {
    const pq_leaf *leaf;
    int K;                                          /* depth of the leaf node */
    const pq_schema_node *nodes[SHRED_MAX_DEPTH];   /* path top .. leaf */
    const pq_array *arrs[SHRED_MAX_DEPTH];          /* arrays along the path */
    int next_list[SHRED_MAX_DEPTH + 1];             /* first LIST/MAP depth >= d, -1 none */
    pq_leaf_batch *b;
    bool want_def, want_rep;                        /* the leaf has def / rep levels */
    uint16_t *def, *rep;                            /* NULL when not wanted */
    int64_t n, cap;                                 /* level entries written / room */
    int64_t *slots;                                 /* present leaf slots (in b->off_buf) */
    int64_t ns, scap;                               /* slots written / room (one spare kept) */
} shred_ctx;

static bool types_match(const pq_type *a, const pq_type *f)
{
    return a->kind == f->kind && a->bit_width == f->bit_width && a->is_signed == f->is_signed &&
           a->unit == f->unit && a->precision == f->precision && a->byte_width == f->byte_width;
}

/* Resolve the nodes and arrays from the top-level field down to leaf `li`,
 * checking that the array tree has the schema's shape. */
static pq_status build_path(shred_ctx *c, const pq_schema_map *m, int64_t li, const pq_array *col, pq_error *err)
{
    const pq_schema_node *nd = &m->nodes[c->leaf->top];
    const pq_array *arr = col;
    int d = 0;
    for (;;) {
        const pq_field *f = nd->field;
        if (!types_match(&arr->type, &f->type) || (nd->n_children && arr->n_children != nd->n_children))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': the array of field '%s' does not have its type",
                           c->leaf->path, f->name);
        c->nodes[d] = nd;
        c->arrs[d] = arr;
        if (nd->n_children == 0) break;
        int64_t k = pq_schema_node_child_holding(nd, li);
        if (k < 0 || d + 2 >= SHRED_MAX_DEPTH)
            return PQ_FAIL(err, PQ_ERR_INTERNAL, "leaf %lld not below its top-level field", (long long)li);
        if (f->type.kind == PQ_KIND_STRUCT && arr->children[k].length < arr->length)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': struct '%s' has %lld slots, its child %lld",
                           c->leaf->path, f->name, (long long)arr->length, (long long)arr->children[k].length);
        nd = &nd->children[k];
        arr = &arr->children[k];
        d++;
    }
    c->K = d;
    c->next_list[d + 1] = -1;
    for (int j = d; j >= 0; j--) {
        pq_kind k = c->nodes[j]->field->type.kind;
        c->next_list[j] = (k == PQ_KIND_LIST || k == PQ_KIND_MAP) ? j : c->next_list[j + 1];
    }
    return PQ_OK;
}

/* Double the room for level entries. */
static pq_status grow_levels(shred_ctx *c, pq_error *err)
{
    int64_t ncap = c->cap < 512 ? 1024 : c->cap * 2;
    size_t used = (size_t)c->n * 2, extra = (size_t)(ncap - c->n) * 2;
    if (c->want_def) {
        c->b->def_buf.len = used;
        PQ_TRY(pq_buf_reserve(&c->b->def_buf, extra, err));
        c->def = (uint16_t *)(void *)c->b->def_buf.data;
    }
    if (c->want_rep) {
        c->b->rep_buf.len = used;
        PQ_TRY(pq_buf_reserve(&c->b->rep_buf, extra, err));
        c->rep = (uint16_t *)(void *)c->b->rep_buf.data;
    }
    c->cap = ncap;
    return PQ_OK;
}

/* Double the room for slots, keeping one spare entry (gather_bytes turns
 * the list into count + 1 offsets in place). */
static pq_status grow_slots(shred_ctx *c, pq_error *err)
{
    int64_t ncap = c->scap < 512 ? 1024 : c->scap * 2;
    c->b->off_buf.len = (size_t)c->ns * 8;
    PQ_TRY(pq_buf_reserve(&c->b->off_buf, (size_t)(ncap + 1 - c->ns) * 8, err));
    c->slots = (int64_t *)(void *)c->b->off_buf.data;
    c->scap = ncap;
    return PQ_OK;
}

/* Append one level entry; slot >= 0 = a present value at that leaf slot. */
static inline pq_status emit(shred_ctx *c, int def, int rep, int64_t slot, pq_error *err)
{
    if (c->n == c->cap) PQ_TRY(grow_levels(c, err));
    if (c->def) c->def[c->n] = (uint16_t)def;
    if (c->rep) c->rep[c->n] = (uint16_t)rep;
    c->n++;
    if (slot >= 0) {
        if (c->ns == c->scap) PQ_TRY(grow_slots(c, err));
        c->slots[c->ns++] = slot;
    }
    return PQ_OK;
}

static pq_status required_null(const shred_ctx *c, int m, int64_t i, pq_error *err)
{
    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': null at slot %lld of non-nullable field '%s'", c->leaf->path,
                   (long long)i, c->nodes[m]->field->name);
}

/* Slots [s, e) at depth d, with no list at or below d: one entry each. */
static pq_status emit_range(shred_ctx *c, int d, int64_t s, int64_t e, int rep_first, int rep_rest, pq_error *err)
{
    int chk[SHRED_MAX_DEPTH], nchk = 0, K = c->K, maxd = c->leaf->max_def;
    for (int m = d; m <= K; m++)
        if (c->arrs[m]->validity && c->arrs[m]->null_count > 0) chk[nchk++] = m;
    const pq_schema_node *ln = c->nodes[K];
    bool always_null = ln->field->type.kind == PQ_KIND_NULL && ln->field->nullable;
    for (int64_t i = s; i < e; i++) {
        int def = maxd;
        for (int j = 0; j < nchk; j++) {
            int m = chk[j];
            if (pq_bit_get(c->arrs[m]->validity, i)) continue;
            if (!c->nodes[m]->field->nullable) return required_null(c, m, i, err);
            def = c->nodes[m]->def_level - 1;
            break;
        }
        if (always_null && def == maxd) def = maxd - 1;
        PQ_TRY(emit(c, def, i == s ? rep_first : rep_rest, def == maxd ? i : -1, err));
    }
    return PQ_OK;
}

/* Slots [s, e) at depth d: recurse into the next list's child ranges. */
static pq_status walk(shred_ctx *c, int d, int64_t s, int64_t e, int rep_first, int rep_rest, pq_error *err)
{
    int L = c->next_list[d];
    if (L < 0) return emit_range(c, d, s, e, rep_first, rep_rest, err);
    const pq_array *la = c->arrs[L];
    const pq_schema_node *ln = c->nodes[L];
    int64_t child_len = la->children[0].length;
    for (int64_t i = s; i < e; i++) {
        int rep = i == s ? rep_first : rep_rest, m;
        for (m = d; m <= L; m++) {
            const pq_array *x = c->arrs[m];
            if (!x->validity || pq_bit_get(x->validity, i)) continue;
            if (!c->nodes[m]->field->nullable) return required_null(c, m, i, err);
            break;
        }
        if (m <= L) {
            PQ_TRY(emit(c, c->nodes[m]->def_level - 1, rep, -1, err));
            continue;
        }
        int64_t b = la->offsets[i], en = la->offsets[i + 1];
        if (b < 0 || b > en || en > child_len)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': list '%s' slot %lld has offsets %lld..%lld, child has %lld",
                           c->leaf->path, ln->field->name, (long long)i, (long long)b, (long long)en,
                           (long long)child_len);
        if (b == en) PQ_TRY(emit(c, ln->def_level, rep, -1, err));
        else PQ_TRY(walk(c, L + 1, b, en, rep, ln->elem_rep_level, err));
    }
    return PQ_OK;
}

/* Levels of a nested leaf; the selection is the slot list. */
static pq_status nested_levels(shred_ctx *c, pq_leaf_batch *out, int64_t row_start, int64_t n_rows, sel *s,
                               pq_error *err)
{
    c->b = out;
    c->want_def = c->leaf->max_def > 0;
    c->want_rep = c->leaf->max_rep > 0;
    c->def = c->rep = NULL;
    c->n = c->cap = c->ns = c->scap = 0;
    out->def_buf.len = out->rep_buf.len = out->off_buf.len = 0;
    PQ_TRY(grow_levels(c, err));
    PQ_TRY(grow_slots(c, err));
    PQ_TRY(walk(c, 0, row_start, row_start + n_rows, 0, 0, err));
    out->n_levels = c->n;
    out->n_nulls = c->n - c->ns;
    out->def = c->def;
    out->rep = c->rep;
    s->kind = SEL_SLOTS;
    s->slots = c->slots;
    s->count = c->ns;
    return PQ_OK;
}

/* Levels of a top-level leaf: none when required, def = validity bit when
 * optional (NULL columns: all 0). */
static pq_status flat_levels(const pq_leaf *l, const pq_array *a, pq_leaf_batch *out, int64_t row_start,
                             int64_t n_rows, sel *s, pq_error *err)
{
    bool null_kind = a->type.kind == PQ_KIND_NULL;
    s->start = row_start;
    s->n = n_rows;
    out->n_levels = n_rows;
    if (l->max_def == 0) {
        if (a->validity && a->null_count > 0 && !null_kind)
            for (int64_t i = row_start; i < row_start + n_rows; i++)
                if (!pq_bit_get(a->validity, i))
                    return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': null at row %lld of a non-nullable column",
                                   l->path, (long long)i);
        s->kind = SEL_RANGE;
        s->count = n_rows;
        return PQ_OK;
    }
    out->def_buf.len = 0;
    PQ_TRY(pq_buf_reserve(&out->def_buf, (size_t)(n_rows ? n_rows : 1) * 2, err)); /* never NULL */
    uint16_t *def = (uint16_t *)(void *)out->def_buf.data;
    out->def = def;
    if (null_kind) {
        for (int64_t k = 0; k < n_rows; k++) def[k] = 0;
        s->kind = SEL_RANGE;
        s->count = 0;
    } else if (!a->validity || a->null_count == 0) {
        for (int64_t k = 0; k < n_rows; k++) def[k] = 1;
        s->kind = SEL_RANGE;
        s->count = n_rows;
    } else {
        const uint8_t *bits = a->validity;
        int64_t count = 0, k = 0;
        for (; k < n_rows && ((row_start + k) & 7); k++) count += def[k] = pq_bit_get(bits, row_start + k);
        for (; k + 8 <= n_rows; k += 8) {
            unsigned byte = bits[(row_start + k) >> 3];
            for (int j = 0; j < 8; j++) {
                def[k + j] = (uint16_t)((byte >> j) & 1);
                count += (byte >> j) & 1;
            }
        }
        for (; k < n_rows; k++) count += def[k] = pq_bit_get(bits, row_start + k);
        s->kind = SEL_BITS;
        s->bits = bits;
        s->count = count;
    }
    out->n_nulls = n_rows - s->count;
    return PQ_OK;
}

pq_status pq_shred_leaf(const pq_schema_map *m, int64_t leaf, const pq_array *col, int64_t row_start, int64_t n_rows,
                        pq_leaf_batch *out, pq_error *err)
{
    if (leaf < 0 || leaf >= m->n_leaves)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf %lld out of range 0..%lld", (long long)leaf,
                       (long long)m->n_leaves);
    if (row_start < 0 || n_rows < 0 || row_start > col->length || n_rows > col->length - row_start)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "rows %lld..+%lld outside the column's %lld rows", (long long)row_start,
                       (long long)n_rows, (long long)col->length);
    shred_ctx *c = (shred_ctx *)pq_alloc(out->val_buf.alloc, sizeof *c);
    if (!c) return PQ_NOMEM(err);
    const pq_leaf *l = &m->leaves[leaf];
    c->leaf = l;
    out->n_rows = n_rows;
    out->n_nulls = 0;
    out->def = out->rep = NULL;
    memset(&out->values, 0, sizeof out->values);
    out->values.type = l->physical;
    out->values.width = l->physical == PQ_PHYS_FIXED_LEN_BYTE_ARRAY ? l->type_length
                        : l->physical == PQ_PHYS_BYTE_ARRAY ? 0
                        : l->physical == PQ_PHYS_BOOLEAN ? 1
                        : l->physical == PQ_PHYS_INT96 ? 12
                        : (l->physical == PQ_PHYS_INT64 || l->physical == PQ_PHYS_DOUBLE) ? 8 : 4;
    sel s;
    memset(&s, 0, sizeof s);
    pq_status st = build_path(c, m, leaf, col, err);
    const pq_array *la = st ? NULL : c->arrs[c->K];
    if (!st && !physical_fits(&la->type, l->physical, l->type_length))
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "leaf '%s': physical type %d does not fit its field", l->path,
                     (int)l->physical);
    if (!st) st = c->K == 0 ? flat_levels(l, col, out, row_start, n_rows, &s, err)
                            : nested_levels(c, out, row_start, n_rows, &s, err);
    if (!st) {
        sel_normalise(&s);
        out->values.n = s.count;
        st = gather(out, la, &s, l, err);
    }
    pq_free(out->val_buf.alloc, c);
    return st;
}
