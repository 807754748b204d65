/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_levels.c - Dremel shredding (shred.c) and record
 * assembly (assemble.c): shred -> assemble round trips compared slot by slot
 * with pq_array_equal for every flat kind (required / optional, row ranges
 * starting mid-column), hand-built nestings with nulls and empty lists at
 * every level, random schemas x random data from fixed seeds, the level
 * sequences of the Dremel paper's Document example checked entry by entry,
 * zero-copy paths, and hostile level streams that must fail with
 * PQ_ERR_CORRUPT (or the exact status documented in levels.h).
 */
#include "parquet/levels.h"

#include "harness.h"
#include "table/array_internal.h"

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static pq_field leaf(const char *name, pq_type t, bool nullable)
{
    pq_field f;
    if (pq_field_init(&f, name, t, nullable, NULL, NULL)) abort();
    return f;
}
static pq_field list_of(const char *name, bool nullable, pq_field elem)
{
    pq_field f;
    if (pq_field_list(&f, name, nullable, &elem, NULL, NULL)) abort();
    return f;
}
static pq_field map_of(const char *name, bool nullable, pq_field key, pq_field val)
{
    pq_field f;
    if (pq_field_map(&f, name, nullable, &key, &val, NULL, NULL)) abort();
    return f;
}
static pq_field struct_of(const char *name, bool nullable, pq_field *kids, int n)
{
    pq_field f;
    if (pq_field_init(&f, name, pq_type_make(PQ_KIND_STRUCT), nullable, NULL, NULL)) abort();
    for (int i = 0; i < n; i++)
        if (pq_field_add_child(&f, &kids[i], NULL, NULL)) abort();
    return f;
}

/* Append one random value of field f to arr (nulls with probability 1/5
 * where nullable). */
static void gen_value(pq_array *arr, const pq_field *f)
{
    pq_error err;
    if (f->nullable && rnd() % 5 == 0) {
        if (pq_array_append_null(arr, &err)) abort();
        return;
    }
    const pq_type *t = &f->type;
    pq_status s = PQ_OK;
    uint8_t buf[64];
    switch (t->kind) {
    case PQ_KIND_NULL: s = pq_array_append_null(arr, &err); break;
    case PQ_KIND_BOOL: s = pq_array_append_bool(arr, rnd() & 1, &err); break;
    case PQ_KIND_INT: case PQ_KIND_DATE: case PQ_KIND_TIME:
        s = pq_array_append_i64(arr, (int64_t)rnd(), &err);
        break;
    case PQ_KIND_TIMESTAMP: {
        int64_t v = (int64_t)rnd();
        if (t->from_int96 && t->unit != PQ_UNIT_NANOS) v %= INT64_C(9000000000000); /* fits ns */
        s = pq_array_append_i64(arr, v, &err);
        break;
    }
    case PQ_KIND_FLOAT: case PQ_KIND_DOUBLE: s = pq_array_append_double(arr, (double)(int64_t)rnd() / 7.0, &err); break;
    case PQ_KIND_DECIMAL: {
        uint64_t lo = rnd();
        int64_t hi;
        if (t->precision <= 9) { int64_t v = (int32_t)rnd() % 1000000000; lo = (uint64_t)v; hi = v < 0 ? -1 : 0; }
        else if (t->precision <= 18) { int64_t v = (int64_t)(rnd() % UINT64_C(1000000000000000000)) * (rnd() & 1 ? 1 : -1); lo = (uint64_t)v; hi = v < 0 ? -1 : 0; }
        else {
            /* stay within the FLBA width the writer picks for the precision */
            static const int8_t digits[16] = {2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38};
            int w = 1;
            while (digits[w - 1] < t->precision) w++;
            int bits = 8 * w - 65;
            hi = bits >= 63 ? (int64_t)rnd() : rnd_in(-(INT64_C(1) << bits), (INT64_C(1) << bits) - 1);
        }
        memcpy(buf, &lo, 8);
        memcpy(buf + 8, &hi, 8);
        s = pq_array_append_fixed(arr, buf, &err);
        break;
    }
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY: {
        size_t n = (size_t)rnd_in(0, 12);
        for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)('a' + rnd() % 26);
        s = pq_array_append_bytes(arr, buf, n, &err);
        break;
    }
    case PQ_KIND_FIXED: case PQ_KIND_UUID: case PQ_KIND_FLOAT16: {
        size_t n = pq_type_value_size(t);
        for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)rnd();
        s = pq_array_append_bytes(arr, buf, n, &err);
        break;
    }
    case PQ_KIND_STRUCT:
        for (int64_t i = 0; i < f->n_children; i++) gen_value(&arr->children[i], &f->children[i]);
        s = pq_array_append_valid(arr, &err);
        break;
    case PQ_KIND_LIST: {
        int64_t n = rnd_in(0, 3);
        for (int64_t i = 0; i < n; i++) gen_value(&arr->children[0], &f->children[0]);
        s = pq_array_append_valid(arr, &err);
        break;
    }
    case PQ_KIND_MAP: {
        int64_t n = rnd_in(0, 3);
        pq_array *kv = &arr->children[0];
        const pq_field *kvf = &f->children[0];
        for (int64_t i = 0; i < n; i++) {
            gen_value(&kv->children[0], &kvf->children[0]);
            gen_value(&kv->children[1], &kvf->children[1]);
            if (pq_array_append_valid(kv, &err)) abort();
        }
        s = pq_array_append_valid(arr, &err);
        break;
    }
    default: abort();
    }
    if (s) { fprintf(stderr, "gen_value: %s\n", err.message); abort(); }
}

/* Give every byte array below `a` a data buffer.  The builder leaves
 * `values` NULL while all strings are empty, and pq_array_bytes (table/
 * array.c) then computes NULL + 0, which UBSan (clang) reports. */
static void prime_bytes(pq_array *a)
{
    pq_kind k = a->type.kind;
    if ((k == PQ_KIND_STRING || k == PQ_KIND_JSON || k == PQ_KIND_BINARY) && !a->values &&
        pq_array_reserve_data(a, 1, NULL))
        abort();
    for (int64_t i = 0; i < a->n_children; i++) prime_bytes(&a->children[i]);
}

/* Deep-copy slot i of src to the end of dst (same type). */
static void copy_slot(pq_array *dst, const pq_array *src, int64_t i)
{
    pq_error err;
    pq_status s;
    if (!pq_array_is_valid(src, i)) {
        if (pq_array_append_null(dst, &err)) abort();
        return;
    }
    switch (src->type.kind) {
    case PQ_KIND_NULL: s = pq_array_append_null(dst, &err); break;
    case PQ_KIND_BOOL: s = pq_array_append_bool(dst, pq_bit_get(src->values, i), &err); break;
    case PQ_KIND_STRING: case PQ_KIND_JSON: case PQ_KIND_BINARY: {
        size_t n;
        const uint8_t *p = pq_array_bytes(src, i, &n);
        s = pq_array_append_bytes(dst, p, n, &err);
        break;
    }
    case PQ_KIND_STRUCT:
        for (int64_t k = 0; k < src->n_children; k++) copy_slot(&dst->children[k], &src->children[k], i);
        s = pq_array_append_valid(dst, &err);
        break;
    case PQ_KIND_LIST: case PQ_KIND_MAP:
        for (int64_t k = src->offsets[i]; k < src->offsets[i + 1]; k++) copy_slot(&dst->children[0], &src->children[0], k);
        s = pq_array_append_valid(dst, &err);
        break;
    default: s = pq_array_append_fixed(dst, src->values + (size_t)i * pq_type_value_size(&src->type), &err); break;
    }
    if (s) { fprintf(stderr, "copy_slot: %s\n", err.message); abort(); }
}

/* Copy a shredded batch into reader-side leaf data (what the page reader
 * produces): levels and dense values with offsets rebased to 0. */
static void batch_to_data(const pq_leaf *l, const pq_leaf_batch *b, pq_leaf_data *d)
{
    pq_leaf_data_init(d, l->physical, l->type_length, NULL);
    d->n_levels = b->n_levels;
    if (b->def && pq_buf_append(&d->def, b->def, (size_t)b->n_levels * 2, NULL)) abort();
    if (b->rep && pq_buf_append(&d->rep, b->rep, (size_t)b->n_levels * 2, NULL)) abort();
    const pq_values_view *v = &b->values;
    d->values.n = v->n;
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        int64_t base = v->offsets[0];
        for (int64_t i = 0; i <= v->n; i++) {
            int64_t o = v->offsets[i] - base;
            if (pq_buf_append(&d->values.offsets, &o, 8, NULL)) abort();
        }
        if (pq_buf_append(&d->values.data, v->data + base, (size_t)(v->offsets[v->n] - base), NULL)) abort();
    } else if (v->n) {
        if (pq_buf_append(&d->values.data, v->data, (size_t)v->n * (size_t)v->width, NULL)) abort();
    }
}

/* Shred rows [start, start+n) of column `top` of map m, assemble them back
 * with map `rm` (same leaves) and compare with the same rows copied. */
static void roundtrip_range(const pq_schema_map *m, const pq_schema_map *rm, int64_t top, const pq_array *col,
                            int64_t start, int64_t n)
{
    pq_error err;
    const pq_schema_node *tn = &m->nodes[top];
    pq_leaf_data *data = (pq_leaf_data *)calloc((size_t)tn->n_leaves, sizeof *data);
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    for (int64_t k = 0; k < tn->n_leaves; k++) {
        const pq_leaf *l = &m->leaves[tn->first_leaf + k];
        pq_status st = pq_shred_leaf(m, tn->first_leaf + k, col, start, n, &b, &err);
        CHECK_OK(st, &err);
        if (st) { pq_leaf_data_init(&data[k], l->physical, l->type_length, NULL); continue; }
        CHECK_EQ_I64(b.n_rows, n);
        int64_t present = 0;
        for (int64_t i = 0; i < b.n_levels; i++) present += !b.def || b.def[i] == l->max_def;
        CHECK_EQ_I64(present, b.values.n);
        CHECK_EQ_I64(b.n_nulls, b.n_levels - b.values.n);
        CHECK((l->max_def == 0) == (b.def == NULL));
        CHECK((l->max_rep == 0) == (b.rep == NULL));
        batch_to_data(l, &b, &data[k]);
    }
    pq_leaf_batch_reset(&b);
    pq_array got, want;
    CHECK_OK(pq_array_init(&got, &rm->schema.fields[top], NULL, &err), &err);
    CHECK_OK(pq_array_init(&want, &m->schema.fields[top], NULL, &err), &err);
    prime_bytes(&want);
    for (int64_t i = start; i < start + n; i++) copy_slot(&want, col, i);
    pq_status s = pq_assemble_field(rm, top, data, n, &got, &err);
    CHECK_OK(s, &err);
    if (!s) {
        CHECK_OK(pq_array_validate(&got, &err), &err);
        bool eq = pq_array_equal(&got, &want);
        if (!eq) fprintf(stderr, "  field '%s' rows %lld..+%lld differ\n", m->schema.fields[top].name, (long long)start,
                         (long long)n);
        CHECK(eq);
    }
    pq_array_reset(&got);
    pq_array_reset(&want);
    for (int64_t k = 0; k < tn->n_leaves; k++) pq_leaf_data_reset(&data[k]);
    free(data);
}

/* Random column of field f with n rows. */
static void gen_column(pq_array *col, const pq_field *f, int64_t n)
{
    if (pq_array_init(col, f, NULL, NULL)) abort();
    prime_bytes(col);
    for (int64_t i = 0; i < n; i++) gen_value(col, f);
}

/* Round trip every column of `schema` over several row ranges, assembling
 * with the writer's map and with the map read back from its elements. */
static void roundtrip_schema(pq_schema *schema, int64_t n_rows)
{
    pq_error err;
    pq_schema_map m, rm;
    CHECK_OK(pq_schema_map_from_schema(schema, NULL, &m, &err), &err);
    CHECK_OK(pq_schema_map_from_elements(m.elements, m.n_elements, NULL, NULL, &rm, &err), &err);
    for (int64_t top = 0; top < m.schema.n_fields; top++) {
        pq_array col;
        gen_column(&col, &m.schema.fields[top], n_rows);
        int64_t ranges[][2] = {{0, n_rows}, {0, 0}, {n_rows / 3, n_rows / 2}, {n_rows - 1, 1}, {n_rows, 0}, {1, n_rows - 1}};
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
            roundtrip_range(&m, &m, top, &col, ranges[r][0], ranges[r][1]);
            roundtrip_range(&m, &rm, top, &col, ranges[r][0], ranges[r][1]);
        }
        pq_array_reset(&col);
    }
    pq_schema_map_reset(&rm);
    pq_schema_map_reset(&m);
}

/* ------------------------------------------------------- flat columns */

static pq_type type_with(pq_kind k)
{
    return pq_type_make(k);
}

static pq_type flat_types(int i, bool *ok)
{
    *ok = true;
    switch (i) {
    case 0: return type_with(PQ_KIND_BOOL);
    case 1: return pq_type_int(8, true);
    case 2: return pq_type_int(16, true);
    case 3: return pq_type_int(32, true);
    case 4: return pq_type_int(64, true);
    case 5: return pq_type_int(8, false);
    case 6: return pq_type_int(16, false);
    case 7: return pq_type_int(32, false);
    case 8: return pq_type_int(64, false);
    case 9: return type_with(PQ_KIND_FLOAT16);
    case 10: return type_with(PQ_KIND_FLOAT);
    case 11: return type_with(PQ_KIND_DOUBLE);
    case 12: return type_with(PQ_KIND_DATE);
    case 13: return pq_type_time(PQ_UNIT_MILLIS, true);
    case 14: return pq_type_time(PQ_UNIT_MICROS, false);
    case 15: return pq_type_time(PQ_UNIT_NANOS, true);
    case 16: return pq_type_timestamp(PQ_UNIT_MILLIS, true);
    case 17: return pq_type_timestamp(PQ_UNIT_MICROS, false);
    case 18: return pq_type_timestamp(PQ_UNIT_NANOS, true);
    case 19: { pq_type t = pq_type_timestamp(PQ_UNIT_NANOS, false); t.from_int96 = true; return t; }
    case 20: return pq_type_decimal(5, 2);
    case 21: return pq_type_decimal(15, 3);
    case 22: return pq_type_decimal(25, 0);
    case 23: return pq_type_decimal(38, 10);
    case 24: return type_with(PQ_KIND_STRING);
    case 25: return type_with(PQ_KIND_JSON);
    case 26: return type_with(PQ_KIND_BINARY);
    case 27: return pq_type_fixed(3);
    case 28: return type_with(PQ_KIND_UUID);
    case 29: return type_with(PQ_KIND_NULL);
    default: *ok = false; return type_with(PQ_KIND_NULL);
    }
}

TEST(flat_every_kind)
{
    bool ok;
    rng_state = 0x1234567;
    for (int i = 0;; i++) {
        pq_type t = flat_types(i, &ok);
        if (!ok) break;
        for (int nullable = 0; nullable < 2; nullable++) {
            pq_schema s;
            pq_schema_init(&s, NULL);
            pq_field f = leaf("c", t, nullable || t.kind == PQ_KIND_NULL);
            if (pq_schema_add(&s, &f, NULL)) abort();
            roundtrip_schema(&s, 100);
            roundtrip_schema(&s, 1);
            pq_schema_reset(&s);
        }
    }
}

/* ----------------------------------------------------- nested columns */

static void roundtrip_one(pq_field f, int64_t rows)
{
    pq_schema s;
    pq_schema_init(&s, NULL);
    if (pq_schema_add(&s, &f, NULL)) abort();
    roundtrip_schema(&s, rows);
    pq_schema_reset(&s);
}

TEST(nested_hand_built)
{
    rng_state = 0xfeedbeef;
    for (int nullable = 0; nullable < 2; nullable++) {
        bool nb = nullable;
        /* list<int64> with null lists, empty lists, null elements */
        roundtrip_one(list_of("l", nb, leaf("element", pq_type_int(64, true), nb)), 200);
        /* list<list<string>> */
        roundtrip_one(list_of("ll", nb, list_of("element", nb, leaf("element", pq_type_make(PQ_KIND_STRING), nb))), 200);
        /* struct with null struct and null fields, nested struct */
        pq_field inner[1] = {leaf("d", pq_type_make(PQ_KIND_DOUBLE), true)};
        pq_field kids[3] = {leaf("a", pq_type_int(32, true), nb), leaf("b", pq_type_make(PQ_KIND_STRING), false),
                            struct_of("c", nb, inner, 1)};
        roundtrip_one(struct_of("s", nb, kids, 3), 200);
        /* struct<list<struct<x, y: list<string>>>> */
        pq_field xy[2] = {leaf("x", pq_type_int(16, false), nb),
                          list_of("y", nb, leaf("element", pq_type_make(PQ_KIND_BINARY), nb))};
        pq_field mid[2] = {list_of("items", nb, struct_of("element", nb, xy, 2)), leaf("z", pq_type_make(PQ_KIND_BOOL), nb)};
        roundtrip_one(struct_of("outer", nb, mid, 2), 200);
        /* list<struct<a, b>> */
        pq_field ab[2] = {leaf("a", pq_type_decimal(20, 4), nb), leaf("b", pq_type_make(PQ_KIND_UUID), nb)};
        roundtrip_one(list_of("ls", nb, struct_of("element", nb, ab, 2)), 200);
        /* map<string, int32> with null values and empty maps */
        roundtrip_one(map_of("m", nb, leaf("key", pq_type_make(PQ_KIND_STRING), false), leaf("value", pq_type_int(32, true), nb)),
                      200);
        /* map<int64, map<string, bool>> */
        roundtrip_one(map_of("mm", nb, leaf("key", pq_type_int(64, true), false),
                             map_of("value", nb, leaf("key", pq_type_make(PQ_KIND_STRING), false),
                                    leaf("value", pq_type_make(PQ_KIND_BOOL), nb))),
                      200);
        /* map whose value is a struct holding a list */
        pq_field sv[2] = {leaf("p", pq_type_timestamp(PQ_UNIT_MICROS, true), nb),
                          list_of("q", nb, leaf("element", pq_type_make(PQ_KIND_FLOAT), nb))};
        roundtrip_one(map_of("ms", nb, leaf("key", pq_type_int(32, true), false), struct_of("value", nb, sv, 2)), 200);
        /* a wide struct (children found by binary search) */
        pq_field wide[40];
        for (int i = 0; i < 40; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "w%d", i);
            wide[i] = i % 7 == 3 ? list_of(nm, nb, leaf("element", pq_type_int(32, true), nb))
                                 : leaf(nm, pq_type_int(16 << (i % 3), true), nb);
        }
        roundtrip_one(struct_of("wide", nb, wide, 40), 60);
        /* list of NULL */
        roundtrip_one(list_of("ln", nb, leaf("element", pq_type_make(PQ_KIND_NULL), true)), 50);
    }
}

/* A random field of depth <= depth. */
static pq_field random_field(const char *name, int depth, bool force_nullable)
{
    bool nb = force_nullable || rnd() % 2;
    int pick = (int)(rnd() % (depth > 0 ? 10 : 6));
    if (pick < 6) {
        bool ok;
        pq_type t = flat_types((int)(rnd() % 29), &ok);
        return leaf(name, t, nb);
    }
    if (pick < 8) return list_of(name, nb, random_field("element", depth - 1, false));
    if (pick == 8) {
        pq_field key = random_field("key", 0, false);
        return map_of(name, nb, key, random_field("value", depth - 1, false));
    }
    int n = (int)rnd_in(1, 3);
    pq_field kids[3];
    for (int i = 0; i < n; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "f%d", i);
        kids[i] = random_field(nm, depth - 1, false);
    }
    return struct_of(name, nb, kids, n);
}

TEST(random_nesting)
{
    for (uint64_t seed = 1; seed <= 60; seed++) {
        rng_state = seed * 0x9E3779B97F4A7C15ull;
        pq_schema s;
        pq_schema_init(&s, NULL);
        for (int i = 0; i < 3; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "c%d", i);
            pq_field f = random_field(nm, 4, false);
            if (pq_schema_add(&s, &f, NULL)) abort();
        }
        roundtrip_schema(&s, (int64_t)rnd_in(1, 150));
        pq_schema_reset(&s);
    }
}

/* ---------------------------------------------- Dremel paper example */

/* Document { DocId; Links { Backward*; Forward* }?; Name* { Language* {
 * Code; Country? }; Url? } } from Melnik et al., with its two records. */
static void dremel_schema(pq_schema *s)
{
    pq_schema_init(s, NULL);
    pq_field f = leaf("DocId", pq_type_int(64, true), false);
    if (pq_schema_add(s, &f, NULL)) abort();
    pq_field links[2] = {list_of("Backward", false, leaf("element", pq_type_int(64, true), false)),
                         list_of("Forward", false, leaf("element", pq_type_int(64, true), false))};
    f = struct_of("Links", true, links, 2);
    if (pq_schema_add(s, &f, NULL)) abort();
    pq_field lang[2] = {leaf("Code", pq_type_make(PQ_KIND_STRING), false),
                        leaf("Country", pq_type_make(PQ_KIND_STRING), true)};
    pq_field name[2] = {list_of("Language", false, struct_of("element", false, lang, 2)),
                        leaf("Url", pq_type_make(PQ_KIND_STRING), true)};
    f = list_of("Name", false, struct_of("element", false, name, 2));
    if (pq_schema_add(s, &f, NULL)) abort();
}

static void app_str(pq_array *a, const char *v)
{
    if (v ? pq_array_append_bytes(a, v, strlen(v), NULL) : pq_array_append_null(a, NULL)) abort();
}
static void app_i64(pq_array *a, int64_t v) { if (pq_array_append_i64(a, v, NULL)) abort(); }
static void app_valid(pq_array *a) { if (pq_array_append_valid(a, NULL)) abort(); }

/* One Name entry: languages as (code, country) pairs, then url. */
static void app_name(pq_array *name, const char *const *langs, int n_lang, const char *url)
{
    pq_array *ne = &name->children[0], *lang = &ne->children[0], *le = &lang->children[0];
    for (int i = 0; i < n_lang; i++) {
        app_str(&le->children[0], langs[2 * i]);
        app_str(&le->children[1], langs[2 * i + 1]);
        app_valid(le);
    }
    app_valid(lang);
    app_str(&ne->children[1], url);
    app_valid(ne);
}

static void dremel_columns(const pq_schema *s, pq_array *cols)
{
    for (int i = 0; i < 3; i++)
        if (pq_array_init(&cols[i], &s->fields[i], NULL, NULL)) abort();
    /* r1 */
    app_i64(&cols[0], 10);
    app_valid(&cols[1].children[0]);
    app_i64(&cols[1].children[1].children[0], 20);
    app_i64(&cols[1].children[1].children[0], 40);
    app_i64(&cols[1].children[1].children[0], 60);
    app_valid(&cols[1].children[1]);
    app_valid(&cols[1]);
    const char *l1[] = {"en-us", "us", "en", NULL}, *l3[] = {"en-gb", "gb"};
    app_name(&cols[2], l1, 2, "http://A");
    app_name(&cols[2], NULL, 0, "http://B");
    app_name(&cols[2], l3, 1, NULL);
    app_valid(&cols[2]);
    /* r2 */
    app_i64(&cols[0], 20);
    app_i64(&cols[1].children[0].children[0], 10);
    app_i64(&cols[1].children[0].children[0], 30);
    app_valid(&cols[1].children[0]);
    app_i64(&cols[1].children[1].children[0], 80);
    app_valid(&cols[1].children[1]);
    app_valid(&cols[1]);
    app_name(&cols[2], NULL, 0, "http://C");
    app_valid(&cols[2]);
}

typedef struct level_case {
    const char *path;
    int max_def, max_rep;
    int n;
    int rep[6], def[6];
    int n_values;
} level_case;

TEST(dremel_document)
{
    static const level_case cases[] = {
        {"DocId", 0, 0, 2, {0}, {0}, 2},
        {"Links.Backward.list.element", 2, 1, 3, {0, 0, 1}, {1, 2, 2}, 2},
        {"Links.Forward.list.element", 2, 1, 4, {0, 1, 1, 0}, {2, 2, 2, 2}, 4},
        {"Name.list.element.Language.list.element.Code", 2, 2, 5, {0, 2, 1, 1, 0}, {2, 2, 1, 2, 1}, 3},
        {"Name.list.element.Language.list.element.Country", 3, 2, 5, {0, 2, 1, 1, 0}, {3, 2, 1, 3, 1}, 2},
        {"Name.list.element.Url", 2, 1, 4, {0, 1, 1, 0}, {2, 2, 1, 2}, 3},
    };
    pq_error err;
    pq_schema s;
    dremel_schema(&s);
    pq_array cols[3];
    dremel_columns(&s, cols);
    pq_schema_map m;
    CHECK_OK(pq_schema_map_from_schema(&s, NULL, &m, &err), &err);
    CHECK_EQ_I64(m.n_leaves, 6);
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    for (int64_t k = 0; k < m.n_leaves && k < 6; k++) {
        const level_case *c = &cases[k];
        const pq_leaf *l = &m.leaves[k];
        CHECK_EQ_STR(l->path, c->path);
        CHECK_EQ_I64(l->max_def, c->max_def);
        CHECK_EQ_I64(l->max_rep, c->max_rep);
        CHECK_OK(pq_shred_leaf(&m, k, &cols[l->top], 0, 2, &b, &err), &err);
        CHECK_EQ_I64(b.n_levels, c->n);
        CHECK_EQ_I64(b.values.n, c->n_values);
        for (int i = 0; i < c->n && i < b.n_levels; i++) {
            if (b.rep) CHECK_EQ_I64(b.rep[i], c->rep[i]);
            if (b.def) CHECK_EQ_I64(b.def[i], c->def[i]);
        }
    }
    /* Values of Country: "us", "gb". */
    CHECK_OK(pq_shred_leaf(&m, 4, &cols[2], 0, 2, &b, &err), &err);
    CHECK(b.values.n == 2 && b.values.offsets[1] - b.values.offsets[0] == 2 &&
          memcmp(b.values.data + b.values.offsets[0], "us", 2) == 0 &&
          memcmp(b.values.data + b.values.offsets[1], "gb", 2) == 0);
    /* Second record only: shredding starts mid-column. */
    CHECK_OK(pq_shred_leaf(&m, 3, &cols[2], 1, 1, &b, &err), &err);
    CHECK_EQ_I64(b.n_levels, 1);
    CHECK(b.rep[0] == 0 && b.def[0] == 1 && b.values.n == 0);
    pq_leaf_batch_reset(&b);
    for (int64_t top = 0; top < 3; top++) {
        roundtrip_range(&m, &m, top, &cols[top], 0, 2);
        roundtrip_range(&m, &m, top, &cols[top], 1, 1);
    }
    for (int i = 0; i < 3; i++) pq_array_reset(&cols[i]);
    pq_schema_map_reset(&m);
    pq_schema_reset(&s);
}

/* ------------------------------------------------------------ zero copy */

static void one_field_map(pq_field f, pq_schema_map *m)
{
    pq_schema s;
    pq_schema_init(&s, NULL);
    if (pq_schema_add(&s, &f, NULL)) abort();
    if (pq_schema_map_from_schema(&s, NULL, m, NULL)) abort();
    pq_schema_reset(&s);
}

TEST(zero_copy_paths)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    /* flat required int64: no levels, view into the array */
    one_field_map(leaf("x", pq_type_int(64, true), false), &m);
    pq_array col;
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    for (int i = 0; i < 1000; i++) app_i64(&col, i * 3);
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 10, 500, &b, &err), &err);
    CHECK(b.def == NULL && b.rep == NULL && b.n_levels == 500 && b.n_nulls == 0);
    CHECK(b.values.data == col.values + 10 * 8 && b.values.n == 500);
    /* assembly takes the values buffer */
    pq_leaf_data d;
    batch_to_data(&m.leaves[0], &b, &d);
    const uint8_t *buf = d.values.data.data;
    pq_array out;
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, &err), &err);
    CHECK_OK(pq_assemble_field(&m, 0, &d, 500, &out, &err), &err);
    CHECK(out.values == buf && out.length == 500 && out.validity == NULL);
    CHECK(out.length == 500 && memcmp(out.values, col.values + 80, 500 * 8) == 0);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);

    /* flat optional string with nulls: offsets gathered, data borrowed */
    one_field_map(leaf("s", pq_type_make(PQ_KIND_STRING), true), &m);
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    app_str(&col, "ab");
    app_str(&col, NULL);
    app_str(&col, "cde");
    app_str(&col, "");
    app_str(&col, NULL);
    app_str(&col, "f");
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 1, 5, &b, &err), &err);
    CHECK_EQ_I64(b.n_levels, 5);
    CHECK_EQ_I64(b.n_nulls, 2);
    CHECK(b.def[0] == 0 && b.def[1] == 1 && b.def[2] == 1 && b.def[3] == 0 && b.def[4] == 1);
    CHECK(b.values.data == col.values && b.values.n == 3);
    CHECK(b.values.offsets[0] == 2 && b.values.offsets[1] == 5 && b.values.offsets[2] == 5 && b.values.offsets[3] == 6);
    /* flat required strings: offsets point into the array too */
    batch_to_data(&m.leaves[0], &b, &d);
    const uint8_t *dbuf = d.values.data.data;
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, &err), &err);
    CHECK_OK(pq_assemble_field(&m, 0, &d, 5, &out, &err), &err);
    CHECK(out.values == dbuf && out.null_count == 2 && out.length == 5);
    size_t n;
    const uint8_t *p = pq_array_bytes(&out, 1, &n);
    CHECK(n == 3 && memcmp(p, "cde", 3) == 0);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);

    one_field_map(leaf("s", pq_type_make(PQ_KIND_BINARY), false), &m);
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    app_str(&col, "ab");
    app_str(&col, "cde");
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 1, 1, &b, &err), &err);
    CHECK(b.values.offsets == col.offsets + 1 && b.values.data == col.values && b.def == NULL);
    batch_to_data(&m.leaves[0], &b, &d);
    const uint8_t *obuf = d.values.offsets.data;
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, &err), &err);
    CHECK_OK(pq_assemble_field(&m, 0, &d, 1, &out, &err), &err);
    CHECK((const uint8_t *)out.offsets == obuf && out.offsets[1] == 3);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);

    /* list<double> without nulls: nested levels, values still zero copy */
    one_field_map(list_of("l", true, leaf("element", pq_type_make(PQ_KIND_DOUBLE), true)), &m);
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    for (int r = 0; r < 10; r++) {
        for (int i = 0; i < r; i++) CHECK_OK(pq_array_append_double(&col.children[0], r + i * 0.5, &err), &err);
        app_valid(&col);
    }
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 2, 8, &b, &err), &err);
    CHECK(b.values.data == col.children[0].values + 1 * 8 && b.values.n == 44);
    CHECK(b.n_levels == 44 && b.rep[0] == 0 && b.rep[1] == 1 && b.rep[2] == 0 && b.def[0] == 3);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);
    pq_leaf_batch_reset(&b);
}

/* ------------------------------------------------------ conversions */

TEST(int96_and_decimal_bytes)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    pq_type t = pq_type_timestamp(PQ_UNIT_NANOS, false);
    t.from_int96 = true;
    one_field_map(leaf("t", t, false), &m);
    CHECK(m.leaves[0].physical == PQ_PHYS_INT96);
    pq_array col;
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    app_i64(&col, 0);
    app_i64(&col, -1);
    app_i64(&col, INT64_C(86400000000000) + 5);
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 0, 3, &b, &err), &err);
    const uint8_t *v = b.values.data;
    CHECK(pq_load_u64le(v) == 0 && pq_load_u32le(v + 8) == 2440588);
    CHECK(pq_load_u64le(v + 12) == UINT64_C(86399999999999) && pq_load_u32le(v + 20) == 2440587);
    CHECK(pq_load_u64le(v + 24) == 5 && pq_load_u32le(v + 32) == 2440589);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);

    /* decimal(20,2) -> FLBA(9), big endian two's complement */
    one_field_map(leaf("d", pq_type_decimal(20, 2), false), &m);
    CHECK(m.leaves[0].physical == PQ_PHYS_FIXED_LEN_BYTE_ARRAY && m.leaves[0].type_length == 9);
    CHECK_OK(pq_array_init(&col, &m.schema.fields[0], NULL, &err), &err);
    uint8_t dec[16];
    memset(dec, 0xFF, 16);
    dec[0] = 0xFE; /* -2 */
    CHECK_OK(pq_array_append_fixed(&col, dec, &err), &err);
    memset(dec, 0, 16);
    dec[0] = 0x01;
    dec[8] = 0x40; /* 2^70 + 1: fits 9 bytes */
    CHECK_OK(pq_array_append_fixed(&col, dec, &err), &err);
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 0, 2, &b, &err), &err);
    static const uint8_t want[18] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
                                     0x40, 0, 0, 0, 0, 0, 0, 0, 0x01};
    CHECK(b.values.width == 9 && memcmp(b.values.data, want, 18) == 0);
    dec[9] = 0x01; /* 2^72 + ...: does not fit 9 bytes */
    CHECK_OK(pq_array_append_fixed(&col, dec, &err), &err);
    CHECK_STATUS(pq_shred_leaf(&m, 0, &col, 0, 3, &b, &err), PQ_ERR_TYPE);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);
    pq_leaf_batch_reset(&b);
}

/* Leaf data by hand: levels and values for a one-leaf field. */
static void make_data(pq_leaf_data *d, const pq_leaf *l, const int *def, const int *rep, int n)
{
    pq_leaf_data_init(d, l->physical, l->type_length, NULL);
    d->n_levels = n;
    for (int i = 0; i < n; i++) {
        uint16_t x;
        if (l->max_def) { x = (uint16_t)def[i]; if (pq_buf_append(&d->def, &x, 2, NULL)) abort(); }
        if (l->max_rep) { x = (uint16_t)rep[i]; if (pq_buf_append(&d->rep, &x, 2, NULL)) abort(); }
    }
}

static void add_i32(pq_leaf_data *d, int32_t v)
{
    if (pq_buf_append(&d->values.data, &v, 4, NULL)) abort();
    d->values.n++;
}

static void add_bytes(pq_leaf_data *d, const void *p, size_t n)
{
    if (d->values.offsets.len == 0) { int64_t z = 0; if (pq_buf_append(&d->values.offsets, &z, 8, NULL)) abort(); }
    if (pq_buf_append(&d->values.data, p, n, NULL)) abort();
    int64_t end = (int64_t)d->values.data.len;
    if (pq_buf_append(&d->values.offsets, &end, 8, NULL)) abort();
    d->values.n++;
}

/* Assemble a one-leaf field from hand-built levels; returns the status. */
static pq_status assemble_one(const pq_schema_map *m, pq_leaf_data *d, int64_t rows, pq_array *out, pq_error *err)
{
    if (pq_array_init(out, &m->schema.fields[0], NULL, NULL)) abort();
    return pq_assemble_field(m, 0, d, rows, out, err);
}

TEST(read_conversions)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_data d;
    pq_array out;
    /* int8 from INT32: in range ok, out of range corrupt */
    one_field_map(leaf("x", pq_type_int(8, true), false), &m);
    make_data(&d, &m.leaves[0], NULL, NULL, 2);
    add_i32(&d, -128);
    add_i32(&d, 127);
    CHECK_OK(assemble_one(&m, &d, 2, &out, &err), &err);
    CHECK(out.length == 2 && (int8_t)out.values[0] == -128 && (int8_t)out.values[1] == 127);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    make_data(&d, &m.leaves[0], NULL, NULL, 1);
    add_i32(&d, 128);
    CHECK_STATUS(assemble_one(&m, &d, 1, &out, &err), PQ_ERR_CORRUPT);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_schema_map_reset(&m);
    one_field_map(leaf("x", pq_type_int(16, false), true), &m);
    int defs[3] = {1, 0, 1};
    make_data(&d, &m.leaves[0], defs, NULL, 3);
    add_i32(&d, 65535);
    add_i32(&d, -1);
    CHECK_STATUS(assemble_one(&m, &d, 3, &out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "out of range") != NULL);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_schema_map_reset(&m);

    /* INT96: signed Julian day, wrapping arithmetic, unit conversion */
    pq_type t96 = pq_type_timestamp(PQ_UNIT_NANOS, false);
    t96.from_int96 = true;
    for (int unit = 0; unit < 3; unit++) {
        t96.unit = (pq_time_unit)unit;
        one_field_map(leaf("t", t96, false), &m);
        make_data(&d, &m.leaves[0], NULL, NULL, 3);
        uint8_t raw[36];
        pq_store_u64le(raw, 1500);                                /* epoch + 1.5 us */
        pq_store_u32le(raw + 8, 2440588);
        pq_store_u64le(raw + 12, UINT64_C(86399999999999));       /* day before, last ns */
        pq_store_u32le(raw + 20, 2440587);
        pq_store_u64le(raw + 24, 0);
        pq_store_u32le(raw + 32, 0xFFFFFFFFu);                    /* Julian day -1 */
        if (pq_buf_append(&d.values.data, raw, 36, NULL)) abort();
        d.values.n = 3;
        CHECK_OK(assemble_one(&m, &d, 3, &out, &err), &err);
        int64_t v[3];
        memcpy(v, out.values, 24);
        int64_t div = unit == 0 ? 1000000 : unit == 1 ? 1000 : 1;
        CHECK_EQ_I64(v[0], 1500 / div);
        CHECK_EQ_I64(v[1], -1 / div - (div > 1));                 /* floor of -1 ns */
        int64_t wrapped = (int64_t)((uint64_t)(-1 - 2440588) * UINT64_C(86400000000000));
        CHECK_EQ_I64(v[2], wrapped / div - (wrapped % div < 0)); /* floor division */
        pq_array_reset(&out);
        pq_leaf_data_reset(&d);
        pq_schema_map_reset(&m);
    }

    /* decimal from BYTE_ARRAY: sign extension, 17 bytes that fit, 17 that don't */
    pq_schema_element els[2];
    memset(els, 0, sizeof els);
    els[0].name = "schema";
    els[0].has_num_children = true;
    els[0].num_children = 1;
    els[0].converted_type = PQ_CT_NONE;
    els[1].name = "d";
    els[1].has_type = true;
    els[1].type = PQ_PHYS_BYTE_ARRAY;
    els[1].has_repetition = true;
    els[1].repetition = PQ_REP_OPTIONAL;
    els[1].converted_type = PQ_CT_DECIMAL;
    els[1].has_precision = els[1].has_scale = true;
    els[1].precision = 30;
    els[1].scale = 2;
    CHECK_OK(pq_schema_map_from_elements(els, 2, NULL, NULL, &m, &err), &err);
    CHECK(m.schema.fields[0].type.kind == PQ_KIND_DECIMAL && m.schema.fields[0].type.precision == 30);
    int d5[5] = {1, 1, 0, 1, 1};
    make_data(&d, &m.leaves[0], d5, NULL, 5);
    uint8_t neg[1] = {0x80}, big[17], empty[1] = {0};
    add_bytes(&d, neg, 1);                 /* -128 */
    memset(big, 0xFF, 17);
    big[16] = 0x85;                        /* -123 in 17 bytes */
    add_bytes(&d, big, 17);
    add_bytes(&d, empty, 0);               /* zero */
    uint8_t pos[2] = {0x01, 0x00};         /* 256 */
    add_bytes(&d, pos, 2);
    CHECK_OK(assemble_one(&m, &d, 5, &out, &err), &err);
    int64_t lo, hi;
    memcpy(&lo, out.values, 8); memcpy(&hi, out.values + 8, 8);
    CHECK(lo == -128 && hi == -1);
    memcpy(&lo, out.values + 16, 8); memcpy(&hi, out.values + 24, 8);
    CHECK(lo == -123 && hi == -1);
    CHECK(!pq_array_is_valid(&out, 2));
    memcpy(&lo, out.values + 48, 8); memcpy(&hi, out.values + 56, 8);
    CHECK(lo == 0 && hi == 0);
    memcpy(&lo, out.values + 64, 8);
    CHECK(lo == 256);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    make_data(&d, &m.leaves[0], d5, NULL, 1);
    big[0] = 0x7F;
    add_bytes(&d, big, 17);
    CHECK_STATUS(assemble_one(&m, &d, 1, &out, &err), PQ_ERR_UNSUPPORTED);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_schema_map_reset(&m);
}

/* ------------------------------------------------------ hostile levels */

TEST(hostile_levels)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_data d;
    pq_array out;
    /* optional list of optional int32: max_def 3, max_rep 1 */
    one_field_map(list_of("l", true, leaf("element", pq_type_int(32, true), true)), &m);
    const pq_leaf *l = &m.leaves[0];
    CHECK(l->max_def == 3 && l->max_rep == 1);
    static const struct {
        const char *name;
        int n, rows, n_values;
        int def[4], rep[4];
        const char *msg;
    } cases[] = {
        {"first rep 1", 2, 1, 2, {3, 3}, {1, 0}, "repetition level 0 at level index 0"},
        {"def above max", 2, 2, 1, {3, 4}, {0, 0}, "exceeds the maximum 3"},
        {"rep above max", 2, 1, 2, {3, 3}, {0, 2}, "exceeds the maximum 1"},
        {"too few values", 2, 2, 1, {3, 3}, {0, 0}, "expected 2 values"},
        {"too many values", 2, 2, 3, {3, 3}, {0, 0}, "expected 2 values"},
        {"rows mismatch", 3, 2, 3, {3, 3, 3}, {0, 0, 0}, "describe 3 rows, expected 2"},
        {"continue empty list", 2, 1, 1, {1, 3}, {0, 1}, "has no element"},
        {"continue null list", 2, 1, 1, {0, 3}, {0, 1}, "has no element"},
        {"rep with def below element", 2, 1, 1, {3, 1}, {0, 1}, "has no element"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_case = cases[i].name;
        make_data(&d, l, cases[i].def, cases[i].rep, cases[i].n);
        for (int k = 0; k < cases[i].n_values; k++) add_i32(&d, k);
        CHECK_STATUS(assemble_one(&m, &d, cases[i].rows, &out, &err), PQ_ERR_CORRUPT);
        CHECK(strstr(err.message, cases[i].msg) != NULL && strstr(err.message, "l.list.element") != NULL);
        pq_array_reset(&out);
        pq_leaf_data_reset(&d);
    }
    harness_case = "hostile_levels";
    /* a valid stream for contrast: [1, null], null, [] */
    int def[4] = {3, 2, 0, 1}, rep[4] = {0, 1, 0, 0};
    make_data(&d, l, def, rep, 4);
    add_i32(&d, 7);
    CHECK_OK(assemble_one(&m, &d, 3, &out, &err), &err);
    CHECK(out.length == 3 && out.null_count == 1 && out.offsets[1] == 2 && out.offsets[3] == 2);
    CHECK(out.children[0].length == 2 && out.children[0].null_count == 1);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_schema_map_reset(&m);

    /* required column without levels: value count must equal rows ("null in required") */
    one_field_map(leaf("r", pq_type_int(32, true), false), &m);
    make_data(&d, &m.leaves[0], NULL, NULL, 3);
    add_i32(&d, 1);
    add_i32(&d, 2);
    CHECK_STATUS(assemble_one(&m, &d, 3, &out, &err), PQ_ERR_CORRUPT);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d);
    pq_schema_map_reset(&m);
}

/* Sibling leaves of a struct / list that disagree on the shared structure. */
TEST(sibling_disagreement)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_data d[2];
    pq_array out;
    pq_field ab[2] = {leaf("a", pq_type_int(32, true), true), leaf("b", pq_type_int(32, true), true)};
    one_field_map(struct_of("s", true, ab, 2), &m);
    /* a says row 0 is a null struct (def 0), b says it is present (def 1) */
    int da[2] = {0, 2}, db[2] = {1, 2};
    make_data(&d[0], &m.leaves[0], da, NULL, 2);
    add_i32(&d[0], 1);
    make_data(&d[1], &m.leaves[1], db, NULL, 2);
    add_i32(&d[1], 2);
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, NULL), NULL);
    CHECK_STATUS(pq_assemble_field(&m, 0, d, 2, &out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "s.b") != NULL);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d[0]);
    pq_leaf_data_reset(&d[1]);
    /* agreeing version works; b gets a null filler under the null struct */
    db[0] = 0;
    make_data(&d[0], &m.leaves[0], da, NULL, 2);
    add_i32(&d[0], 1);
    make_data(&d[1], &m.leaves[1], db, NULL, 2);
    add_i32(&d[1], 2);
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, NULL), NULL);
    CHECK_OK(pq_assemble_field(&m, 0, d, 2, &out, &err), &err);
    CHECK(out.null_count == 1 && out.children[1].length == 2 && !pq_array_is_valid(&out.children[1], 0));
    pq_array_reset(&out);
    pq_leaf_data_reset(&d[0]);
    pq_leaf_data_reset(&d[1]);
    pq_schema_map_reset(&m);

    /* list<struct<a,b>>: a has 2 elements in row 0, b has 3 */
    pq_field ab2[2] = {leaf("a", pq_type_int(32, true), false), leaf("b", pq_type_int(32, true), false)};
    one_field_map(list_of("l", false, struct_of("element", false, ab2, 2)), &m);
    CHECK(m.leaves[0].max_def == 1 && m.leaves[0].max_rep == 1);
    int d2[3] = {1, 1, 1}, r2[3] = {0, 1, 0}, r3[3] = {0, 1, 1};
    make_data(&d[0], &m.leaves[0], d2, r2, 3);
    for (int i = 0; i < 3; i++) add_i32(&d[0], i);
    make_data(&d[1], &m.leaves[1], d2, r3, 3);
    for (int i = 0; i < 3; i++) add_i32(&d[1], i);
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, NULL), NULL);
    CHECK_STATUS(pq_assemble_field(&m, 0, d, 2, &out, &err), PQ_ERR_CORRUPT); /* b: 1 row */
    pq_array_reset(&out);
    pq_leaf_data_reset(&d[1]);
    int d4[4] = {1, 1, 1, 1}, r4[4] = {0, 1, 1, 0};
    make_data(&d[1], &m.leaves[1], d4, r4, 4);
    for (int i = 0; i < 4; i++) add_i32(&d[1], i);
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, NULL), NULL);
    CHECK_STATUS(pq_assemble_field(&m, 0, d, 2, &out, &err), PQ_ERR_CORRUPT);
    CHECK(strstr(err.message, "l.list.element.b") != NULL);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d[0]);
    pq_leaf_data_reset(&d[1]);
    pq_schema_map_reset(&m);
}

/* Shredding rejects arrays that do not fit the schema. */
TEST(shred_bad_input)
{
    pq_error err;
    pq_schema_map m;
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    one_field_map(leaf("x", pq_type_int(32, true), false), &m);
    pq_array col;
    pq_field nf = leaf("x", pq_type_int(32, true), true);
    CHECK_OK(pq_array_init(&col, &nf, NULL, &err), &err);
    app_i64(&col, 1);
    CHECK_OK(pq_array_append_null(&col, &err), &err);
    CHECK_OK(pq_shred_leaf(&m, 0, &col, 0, 1, &b, &err), &err);      /* the null is outside the range */
    CHECK_STATUS(pq_shred_leaf(&m, 0, &col, 0, 2, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_shred_leaf(&m, 0, &col, 1, 2, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_shred_leaf(&m, 0, &col, -1, 1, &b, &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_shred_leaf(&m, 1, &col, 0, 1, &b, &err), PQ_ERR_INVALID_ARG);
    pq_array_reset(&col);
    pq_field_reset(&nf, NULL);
    pq_field sf = leaf("x", pq_type_make(PQ_KIND_STRING), false);
    CHECK_OK(pq_array_init(&col, &sf, NULL, &err), &err);
    app_str(&col, "a");
    CHECK_STATUS(pq_shred_leaf(&m, 0, &col, 0, 1, &b, &err), PQ_ERR_INVALID_ARG);
    pq_array_reset(&col);
    pq_field_reset(&sf, NULL);
    pq_schema_map_reset(&m);
    pq_leaf_batch_reset(&b);
}

/* repeated_no_annotation.parquet's shape, read from legacy elements:
 * phoneNumbers (optional group) > phone (repeated group) > number, kind. */
TEST(legacy_repeated_group)
{
    pq_schema_element e[5];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 5; i++) { e[i].converted_type = PQ_CT_NONE; e[i].has_repetition = i > 0; }
    e[0].name = "schema"; e[0].has_num_children = true; e[0].num_children = 1;
    e[1].name = "phoneNumbers"; e[1].repetition = PQ_REP_OPTIONAL; e[1].has_num_children = true; e[1].num_children = 1;
    e[2].name = "phone"; e[2].repetition = PQ_REP_REPEATED; e[2].has_num_children = true; e[2].num_children = 2;
    e[3].name = "number"; e[3].repetition = PQ_REP_REQUIRED; e[3].has_type = true; e[3].type = PQ_PHYS_INT64;
    e[4].name = "kind"; e[4].repetition = PQ_REP_OPTIONAL; e[4].has_type = true; e[4].type = PQ_PHYS_BYTE_ARRAY;
    e[4].converted_type = PQ_CT_UTF8;
    pq_error err;
    pq_schema_map m;
    CHECK_OK(pq_schema_map_from_elements(e, 5, NULL, NULL, &m, &err), &err);
    /* rows: null; {phone: []}; {phone: [{1, "h"}, {2, null}]} */
    pq_leaf_data d[2];
    int dn[4] = {0, 1, 2, 2}, rn[4] = {0, 0, 0, 1}, dk[4] = {0, 1, 3, 2};
    make_data(&d[0], &m.leaves[0], dn, rn, 4);
    int64_t v = 1;
    if (pq_buf_append(&d[0].values.data, &v, 8, NULL)) abort();
    v = 2;
    if (pq_buf_append(&d[0].values.data, &v, 8, NULL)) abort();
    d[0].values.n = 2;
    make_data(&d[1], &m.leaves[1], dk, rn, 4);
    add_bytes(&d[1], "h", 1);
    pq_array out;
    CHECK_OK(pq_array_init(&out, &m.schema.fields[0], NULL, NULL), NULL);
    CHECK_OK(pq_assemble_field(&m, 0, d, 3, &out, &err), &err);
    CHECK_OK(pq_array_validate(&out, &err), &err);
    /* expected, built by hand */
    pq_array want;
    CHECK_OK(pq_array_init(&want, &m.schema.fields[0], NULL, NULL), NULL);
    pq_array *phone = &want.children[0], *ps = &phone->children[0];
    CHECK_OK(pq_array_append_null(&want, NULL), NULL);
    app_valid(phone);
    app_valid(&want);
    app_i64(&ps->children[0], 1);
    app_str(&ps->children[1], "h");
    app_valid(ps);
    app_i64(&ps->children[0], 2);
    app_str(&ps->children[1], NULL);
    app_valid(ps);
    app_valid(phone);
    app_valid(&want);
    CHECK(pq_array_equal(&out, &want));
    /* the required list under the null struct got a valid, empty filler */
    CHECK(out.children[0].null_count == 0 && out.children[0].offsets[1] == 0);
    pq_array_reset(&want);
    pq_array_reset(&out);
    pq_leaf_data_reset(&d[0]);
    pq_leaf_data_reset(&d[1]);
    pq_schema_map_reset(&m);
}

/* Shred with allocator `a`, rebuild the leaf data with allocator `da` and
 * assemble into an array of allocator `oa`; returns the first failure. */
static pq_status alloc_roundtrip(const pq_schema_map *m, const pq_array *col, int64_t rows, const pq_allocator *a,
                                 const pq_allocator *da, const pq_allocator *oa, bool *equal)
{
    const pq_schema_node *tn = &m->nodes[0];
    pq_leaf_data data[8];
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, a);
    pq_status s = PQ_OK;
    int64_t n_init = 0;
    for (int64_t k = 0; k < tn->n_leaves && !s; k++) {
        const pq_leaf *l = &m->leaves[k];
        pq_leaf_data_init(&data[k], l->physical, l->type_length, da);
        n_init = k + 1;
        s = pq_shred_leaf(m, k, col, 0, rows, &b, NULL);
        if (s) break;
        pq_leaf_data *d = &data[k];
        d->n_levels = b.n_levels;
        if (b.def && !s) s = pq_buf_append(&d->def, b.def, (size_t)b.n_levels * 2, NULL);
        if (b.rep && !s) s = pq_buf_append(&d->rep, b.rep, (size_t)b.n_levels * 2, NULL);
        d->values.n = b.values.n;
        if (l->physical == PQ_PHYS_BYTE_ARRAY) {
            int64_t base = b.values.offsets[0];
            for (int64_t i = 0; i <= b.values.n && !s; i++) {
                int64_t o = b.values.offsets[i] - base;
                s = pq_buf_append(&d->values.offsets, &o, 8, NULL);
            }
            if (!s) s = pq_buf_append(&d->values.data, b.values.data + base, (size_t)(b.values.offsets[b.values.n] - base), NULL);
        } else if (!s) {
            s = pq_buf_append(&d->values.data, b.values.data, (size_t)b.values.n * (size_t)b.values.width, NULL);
        }
    }
    pq_leaf_batch_reset(&b);
    pq_array out;
    memset(&out, 0, sizeof out);
    if (!s) s = pq_array_init(&out, &m->schema.fields[0], oa, NULL);
    if (!s) s = pq_assemble_field(m, 0, data, rows, &out, NULL);
    if (!s) *equal = pq_array_equal(&out, col);
    pq_array_reset(&out);
    for (int64_t i = 0; i < n_init; i++) pq_leaf_data_reset(&data[i]);
    return s;
}

static void alloc_schema(pq_schema_map *m, pq_array *col)
{
    pq_field kids[3] = {leaf("a", pq_type_int(16, true), true), leaf("b", pq_type_make(PQ_KIND_STRING), true),
                        list_of("c", true, leaf("element", pq_type_int(64, true), true))};
    one_field_map(list_of("l", true, struct_of("element", true, kids, 3)), m);
    rng_state = 77;
    gen_column(col, &m->schema.fields[0], 300);
}

TEST(allocators)
{
    pq_schema_map m;
    pq_array col;
    alloc_schema(&m, &col);
    harness_fault f1, f2;
    pq_allocator a1 = harness_fault_allocator(&f1, 0), a2 = harness_fault_allocator(&f2, 0);
    bool eq = false;
    /* leaf data and output on different allocators: copies, no ownership moves */
    CHECK_OK(alloc_roundtrip(&m, &col, 300, &a1, &a1, &a2, &eq), NULL);
    CHECK(eq);
    CHECK_EQ_I64(f1.live, 0);
    CHECK_EQ_I64(f2.live, 0);
    eq = false;
    CHECK_OK(alloc_roundtrip(&m, &col, 300, &a1, &a2, &a2, &eq), NULL);
    CHECK(eq);
    CHECK_EQ_I64(f2.live, 0);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);
}

TEST(out_of_memory)
{
    pq_schema_map m;
    pq_array col;
    alloc_schema(&m, &col);
    long fail;
    for (fail = 1; fail < 5000; fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, fail);
        bool eq = false;
        pq_status s = alloc_roundtrip(&m, &col, 300, &a, &a, &a, &eq);
        CHECK(s == PQ_OK || s == PQ_ERR_NOMEM);
        if (s == PQ_OK) CHECK(eq);
        CHECK_EQ_I64(f.live, 0);
        if (!f.failed) break;
    }
    CHECK(fail > 10 && fail < 5000);
    pq_array_reset(&col);
    pq_schema_map_reset(&m);
}

int main(void)
{
    RUN(flat_every_kind);
    RUN(nested_hand_built);
    RUN(random_nesting);
    RUN(dremel_document);
    RUN(zero_copy_paths);
    RUN(int96_and_decimal_bytes);
    RUN(read_conversions);
    RUN(hostile_levels);
    RUN(sibling_disagreement);
    RUN(shred_bad_input);
    RUN(legacy_repeated_group);
    RUN(allocators);
    RUN(out_of_memory);
    return harness_done();
}
