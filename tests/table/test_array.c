/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/table/test_array.c - pq_array builders, validation and equality,
 * schema copies, and out-of-memory injected at every allocation.
 */
#include "harness.h"
#include "core/core.h"
#include "table/array_internal.h"

TEST(int_column_grows_and_keeps_values)
{
    pq_error err;
    pq_field f;
    CHECK_OK(pq_field_init(&f, "x", pq_type_int(16, false), true, NULL, &err), &err);
    pq_array a;
    CHECK_OK(pq_array_init(&a, &f, NULL, &err), &err);
    for (int i = 0; i < 1000; i++) {
        if (i % 7 == 3) CHECK_OK(pq_array_append_null(&a, &err), &err);
        else CHECK_OK(pq_array_append_i64(&a, 65535 - i, &err), &err);
    }
    CHECK_EQ_I64(a.length, 1000);
    CHECK_EQ_I64(a.null_count, 143);
    CHECK_OK(pq_array_validate(&a, &err), &err);
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        bool valid = pq_array_is_valid(&a, i);
        if (valid != (i % 7 != 3)) bad++;
        if (valid && ((const uint16_t *)a.values)[i] != 65535 - i) bad++;
    }
    CHECK_EQ_I64(bad, 0);
    pq_array_reset(&a);
    pq_field_reset(&f, NULL);
}

TEST(strings_offsets_and_equality)
{
    pq_error err;
    pq_field f;
    CHECK_OK(pq_field_init(&f, "s", pq_type_make(PQ_KIND_STRING), true, NULL, &err), &err);
    pq_array a, b;
    CHECK_OK(pq_array_init(&a, &f, NULL, &err), &err);
    CHECK_OK(pq_array_init(&b, &f, NULL, &err), &err);
    const char *vals[] = {"", "a", NULL, "hello world", ""};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 5; i++) {
            pq_array *x = k ? &b : &a;
            if (vals[i]) CHECK_OK(pq_array_append_bytes(x, vals[i], strlen(vals[i]), &err), &err);
            else CHECK_OK(pq_array_append_null(x, &err), &err);
        }
    CHECK(pq_array_equal(&a, &b));
    CHECK_EQ_I64(a.offsets[5], 12);
    size_t n;
    const uint8_t *p = pq_array_bytes(&a, 3, &n);
    CHECK(n == 11 && memcmp(p, "hello world", 11) == 0);
    CHECK_OK(pq_array_append_bytes(&b, "z", 1, &err), &err);
    CHECK(!pq_array_equal(&a, &b));
    CHECK_OK(pq_array_append_bytes(&a, "y", 1, &err), &err);
    CHECK(!pq_array_equal(&a, &b));
    /* a corrupted offset is caught by validate */
    a.offsets[2] = 100;
    CHECK_STATUS(pq_array_validate(&a, &err), PQ_ERR_INTERNAL);
    pq_array_reset(&a);
    pq_array_reset(&b);
    pq_field_reset(&f, NULL);
}

TEST(struct_null_appends_to_children)
{
    pq_error err;
    pq_field f, c;
    CHECK_OK(pq_field_init(&f, "s", pq_type_make(PQ_KIND_STRUCT), true, NULL, &err), &err);
    CHECK_OK(pq_field_init(&c, "d", pq_type_make(PQ_KIND_DOUBLE), true, NULL, &err), &err);
    CHECK_OK(pq_field_add_child(&f, &c, NULL, &err), &err);
    pq_array a;
    CHECK_OK(pq_array_init(&a, &f, NULL, &err), &err);
    CHECK_OK(pq_array_append_double(&a.children[0], -0.0, &err), &err);
    CHECK_OK(pq_array_append_valid(&a, &err), &err);
    CHECK_OK(pq_array_append_null(&a, &err), &err);
    CHECK_EQ_I64(a.children[0].length, 2);
    CHECK_EQ_I64(a.children[0].null_count, 1);
    CHECK_OK(pq_array_validate(&a, &err), &err);
    pq_array_reset(&a);
    pq_field_reset(&f, NULL);
}

TEST(bulk_validity_range)
{
    pq_error err;
    pq_field f;
    CHECK_OK(pq_field_init(&f, "x", pq_type_make(PQ_KIND_DOUBLE), true, NULL, &err), &err);
    pq_array a;
    CHECK_OK(pq_array_init(&a, &f, NULL, &err), &err);
    CHECK_OK(pq_array_reserve(&a, 100, &err), &err);
    CHECK_OK(pq_array_ensure_validity(&a, &err), &err);
    CHECK_OK(pq_array_reserve(&a, 100, &err), &err);
    memset(a.validity, 0, (100 + 7) / 8);
    pq_array_set_valid_range(&a, 3, 90);
    a.length = 100;
    a.null_count = 10;
    CHECK_OK(pq_array_validate(&a, &err), &err);
    CHECK(!pq_array_is_valid(&a, 2) && pq_array_is_valid(&a, 3) && pq_array_is_valid(&a, 92) && !pq_array_is_valid(&a, 93));
    pq_array_reset(&a);
    pq_field_reset(&f, NULL);
}

/* Build a nested schema + table with the given allocator; returns the first failure. */
static pq_status build_nested(const pq_allocator *al, pq_error *err)
{
    pq_schema s;
    pq_schema_init(&s, al);
    pq_field el, l, k, v, m;
    pq_status st;
    pq_table t;
    memset(&t, 0, sizeof t);
    if ((st = pq_field_init(&el, "element", pq_type_make(PQ_KIND_STRING), true, al, err))) goto out;
    if ((st = pq_field_list(&l, "l", true, &el, al, err))) { pq_field_reset(&el, al); goto out; }
    if ((st = pq_schema_add(&s, &l, err))) { pq_field_reset(&l, al); goto out; }
    if ((st = pq_field_init(&k, "key", pq_type_make(PQ_KIND_STRING), false, al, err))) goto out;
    if ((st = pq_field_init(&v, "value", pq_type_int(32, true), true, al, err))) { pq_field_reset(&k, al); goto out; }
    if ((st = pq_field_map(&m, "m", true, &k, &v, al, err))) { pq_field_reset(&k, al); pq_field_reset(&v, al); goto out; }
    if ((st = pq_schema_add(&s, &m, err))) { pq_field_reset(&m, al); goto out; }
    if ((st = pq_table_init(&t, &s, err))) goto out;
    for (int i = 0; i < 50 && !st; i++) {
        pq_array *la = &t.columns[0], *ma = &t.columns[1];
        if ((st = pq_array_append_bytes(&la->children[0], "abcdefgh", (size_t)(i % 9), err))) break;
        if ((st = (i % 5 ? pq_array_append_valid(la, err) : pq_array_append_null(la, err)))) break;
        if ((st = pq_array_append_bytes(&ma->children[0].children[0], "k", 1, err))) break;
        if ((st = pq_array_append_i64(&ma->children[0].children[1], i, err))) break;
        if ((st = pq_array_append_valid(&ma->children[0], err))) break;
        st = pq_array_append_valid(ma, err);
    }
    if (!st) st = pq_table_finish(&t, err);
out:
    pq_table_reset(&t);
    pq_schema_reset(&s);
    return st;
}

TEST(out_of_memory_at_every_allocation)
{
    pq_error err;
    harness_fault f;
    pq_allocator al = harness_fault_allocator(&f, 0);
    CHECK_OK(build_nested(&al, &err), &err);
    long total = f.calls;
    CHECK(total > 10);
    CHECK_EQ_I64(f.live, 0);
    int wrong = 0;
    for (long n = 1; n <= total; n++) {
        al = harness_fault_allocator(&f, n);
        pq_status s = build_nested(&al, &err);
        if (s != PQ_ERR_NOMEM || f.live != 0) wrong++;
    }
    CHECK_EQ_I64(wrong, 0);
}

int main(void)
{
    RUN(int_column_grows_and_keeps_values);
    RUN(strings_offsets_and_equality);
    RUN(struct_null_appends_to_children);
    RUN(bulk_validity_range);
    RUN(out_of_memory_at_every_allocation);
    return harness_done();
}
