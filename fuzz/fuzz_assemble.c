/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_assemble.c - libFuzzer target for Dremel record assembly
 * (pq_assemble_field) with hostile level streams and values, over a fixed
 * nested schema read back from the writer's elements (as the reader does):
 *
 *   s: struct? { a: list?<int32?>, b: map?<string, list?<int8?>> }
 *   t: int16?
 *   u: list<struct{ x: decimal(20,2)?, y: bool }>
 *
 * Input: byte 0 = rows (0..63); then per leaf a level count byte followed
 * by one byte per entry (low nibble def, high nibble rep: values past the
 * maxima are allowed through), then values drawn from the remaining bytes;
 * a flag bit of the count byte makes the value count one off.
 *
 * Oracle: a successful assembly must give an array that passes
 * pq_array_validate, and shredding it again must reproduce exactly the
 * input levels and an array equal to it (Dremel is a bijection between
 * valid level streams and records).  Failures must be PQ_ERR_CORRUPT,
 * PQ_ERR_UNSUPPORTED (decimal wider than 128 bits cannot happen here) or
 * PQ_ERR_NOMEM.
 */
#include <stdlib.h>

#include "parquet/levels.h"
#include "parquet/schema.h"

typedef struct cursor {
    const uint8_t *p;
    size_t n;
} cursor;

static uint8_t next(cursor *c)
{
    if (!c->n) return 0;
    c->n--;
    return *c->p++;
}

static pq_schema_map wmap, rmap;
static bool ready;

static void build_schema(void)
{
    pq_schema s;
    pq_field a, ae, b, bk, bv, bve, st, t, u, ue, x, y;
    pq_schema_init(&s, NULL);
    if (pq_field_init(&ae, "element", pq_type_int(32, true), true, NULL, NULL) ||
        pq_field_list(&a, "a", true, &ae, NULL, NULL) ||
        pq_field_init(&bk, "key", pq_type_make(PQ_KIND_STRING), false, NULL, NULL) ||
        pq_field_init(&bve, "element", pq_type_int(8, true), true, NULL, NULL) ||
        pq_field_list(&bv, "value", true, &bve, NULL, NULL) || pq_field_map(&b, "b", true, &bk, &bv, NULL, NULL) ||
        pq_field_init(&st, "s", pq_type_make(PQ_KIND_STRUCT), true, NULL, NULL) ||
        pq_field_add_child(&st, &a, NULL, NULL) || pq_field_add_child(&st, &b, NULL, NULL) ||
        pq_schema_add(&s, &st, NULL) || pq_field_init(&t, "t", pq_type_int(16, true), true, NULL, NULL) ||
        pq_schema_add(&s, &t, NULL) || pq_field_init(&x, "x", pq_type_decimal(20, 2), true, NULL, NULL) ||
        pq_field_init(&y, "y", pq_type_make(PQ_KIND_BOOL), false, NULL, NULL) ||
        pq_field_init(&ue, "element", pq_type_make(PQ_KIND_STRUCT), false, NULL, NULL) ||
        pq_field_add_child(&ue, &x, NULL, NULL) || pq_field_add_child(&ue, &y, NULL, NULL) ||
        pq_field_list(&u, "u", false, &ue, NULL, NULL) || pq_schema_add(&s, &u, NULL) ||
        pq_schema_map_from_schema(&s, NULL, &wmap, NULL) ||
        pq_schema_map_from_elements(wmap.elements, wmap.n_elements, NULL, NULL, &rmap, NULL))
        abort();
    pq_schema_reset(&s);
}

/* Values for leaf l: n of them, bytes from c. */
static void fill_values(const pq_leaf *l, pq_leaf_data *d, int64_t n, cursor *c)
{
    for (int64_t i = 0; i < n; i++) {
        uint8_t b = next(c);
        pq_status s = PQ_OK;
        if (l->physical == PQ_PHYS_BYTE_ARRAY) {
            if (d->values.offsets.len == 0) {
                int64_t z = 0;
                s = pq_buf_append(&d->values.offsets, &z, 8, NULL);
            }
            uint8_t txt[16];
            size_t len = b % 5;
            for (size_t k = 0; k < len; k++) txt[k] = next(c);
            int64_t end = (int64_t)(d->values.data.len + len);
            if (!s) s = pq_buf_append(&d->values.data, txt, len, NULL);
            if (!s) s = pq_buf_append(&d->values.offsets, &end, 8, NULL);
        } else if (l->physical == PQ_PHYS_BOOLEAN) {
            uint8_t v = b & 1;
            s = pq_buf_append(&d->values.data, &v, 1, NULL);
        } else {
            uint8_t v[16];
            int w = d->values.width;
            for (int k = 0; k < w; k++) v[k] = k == 0 ? b : (w == 4 && k > 0 ? (b & 0x80 ? 0xFF : 0) : next(c));
            s = pq_buf_append(&d->values.data, v, (size_t)w, NULL);
        }
        if (s) abort();
        d->values.n++;
    }
}

/* Shred the assembled column and compare levels and array with the input. */
static void check_roundtrip(int64_t top, const pq_array *got, pq_leaf_data *data, int64_t rows)
{
    const pq_schema_node *tn = &rmap.nodes[top];
    pq_leaf_batch b;
    pq_leaf_batch_init(&b, NULL);
    pq_leaf_data again[4];
    for (int64_t k = 0; k < tn->n_leaves; k++) {
        const pq_leaf *l = &rmap.leaves[tn->first_leaf + k];
        if (pq_shred_leaf(&rmap, tn->first_leaf + k, got, 0, rows, &b, NULL)) abort();
        if (b.n_levels != data[k].n_levels) abort();
        if (b.n_levels && b.def && memcmp(b.def, data[k].def.data, (size_t)b.n_levels * 2)) abort();
        if (b.n_levels && b.rep && memcmp(b.rep, data[k].rep.data, (size_t)b.n_levels * 2)) abort();
        pq_leaf_data *d = &again[k];
        pq_leaf_data_init(d, l->physical, l->type_length, NULL);
        d->n_levels = b.n_levels;
        if ((b.def && pq_buf_append(&d->def, b.def, (size_t)b.n_levels * 2, NULL)) ||
            (b.rep && pq_buf_append(&d->rep, b.rep, (size_t)b.n_levels * 2, NULL)))
            abort();
        d->values.n = b.values.n;
        if (l->physical == PQ_PHYS_BYTE_ARRAY && b.values.n > 0) {
            int64_t base = b.values.offsets[0];
            for (int64_t i = 0; i <= b.values.n; i++) {
                int64_t o = b.values.offsets[i] - base;
                if (pq_buf_append(&d->values.offsets, &o, 8, NULL)) abort();
            }
            if (pq_buf_append(&d->values.data, b.values.data + base, (size_t)(b.values.offsets[b.values.n] - base), NULL))
                abort();
        } else if (l->physical != PQ_PHYS_BYTE_ARRAY && b.values.n &&
                   pq_buf_append(&d->values.data, b.values.data, (size_t)b.values.n * (size_t)b.values.width, NULL)) {
            abort();
        }
    }
    pq_leaf_batch_reset(&b);
    pq_array arr;
    if (pq_array_init(&arr, &rmap.schema.fields[top], NULL, NULL)) abort();
    if (pq_assemble_field(&rmap, top, again, rows, &arr, NULL)) abort();
    if (!pq_array_equal(&arr, got)) abort();
    pq_array_reset(&arr);
    for (int64_t k = 0; k < tn->n_leaves; k++) pq_leaf_data_reset(&again[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        build_schema();
        ready = true;
    }
    cursor c = {data, size};
    int64_t rows = next(&c) % 64;
    for (int64_t top = 0; top < rmap.schema.n_fields; top++) {
        const pq_schema_node *tn = &rmap.nodes[top];
        pq_leaf_data ld[4];
        for (int64_t k = 0; k < tn->n_leaves; k++) {
            const pq_leaf *l = &rmap.leaves[tn->first_leaf + k];
            pq_leaf_data *d = &ld[k];
            pq_leaf_data_init(d, l->physical, l->type_length, NULL);
            uint8_t cnt = next(&c);
            d->n_levels = cnt & 0x7F;
            int64_t present = 0;
            for (int64_t i = 0; i < d->n_levels; i++) {
                uint8_t e = next(&c);
                uint16_t def = (uint16_t)((e & 15) % (l->max_def + 2)), rep = (uint16_t)((e >> 4) % (l->max_rep + 2));
                if ((l->max_def && pq_buf_append(&d->def, &def, 2, NULL)) ||
                    (l->max_rep && pq_buf_append(&d->rep, &rep, 2, NULL)))
                    abort();
                present += !l->max_def || def == l->max_def;
            }
            if (cnt & 0x80) present += 1;
            fill_values(l, d, present, &c);
        }
        pq_array out;
        if (pq_array_init(&out, &rmap.schema.fields[top], NULL, NULL)) abort();
        pq_error err;
        pq_status s = pq_assemble_field(&rmap, top, ld, rows, &out, &err);
        if (s == PQ_OK) {
            if (pq_array_validate(&out, &err)) abort();
            check_roundtrip(top, &out, ld, rows);
        } else if (s != PQ_ERR_CORRUPT) {
            abort();
        }
        pq_array_reset(&out);
        for (int64_t k = 0; k < tn->n_leaves; k++) pq_leaf_data_reset(&ld[k]);
    }
    return 0;
}
