/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/install/app.c - a program outside the source tree, built against an
 * installed parquant through pkg-config: it writes a two-row file with the
 * public API, reads it back and checks the values.
 */
#include <parquant/parquet.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    pq_error err;
    pq_schema s;
    pq_field f;
    pq_table t;
    pq_writer *w;
    pq_reader *r;
    pq_schema_init(&s, NULL);
    if (pq_field_init(&f, "x", pq_type_int(64, true), false, NULL, &err) || pq_schema_add(&s, &f, &err) ||
        pq_table_init(&t, &s, &err) || pq_array_append_i64(&t.columns[0], 7, &err) ||
        pq_array_append_i64(&t.columns[0], -9, &err) || pq_table_finish(&t, &err) ||
        pq_writer_open(&w, argv[1], &s, NULL, &err) || pq_writer_write(w, &t, &err) || pq_writer_close(w, &err)) {
        fprintf(stderr, "write: %s\n", err.message);
        return 1;
    }
    pq_table_reset(&t);
    if (pq_reader_open(&r, argv[1], NULL, &err) || pq_reader_read_row_group(r, 0, &t, &err)) {
        fprintf(stderr, "read: %s\n", err.message);
        return 1;
    }
    const int64_t *v = (const int64_t *)t.columns[0].values;
    int ok = t.num_rows == 2 && v[0] == 7 && v[1] == -9;
    printf("%s\n", ok ? "1 passed, 0 failed" : "0 passed, 1 failed");
    pq_table_reset(&t);
    pq_reader_close(r);
    pq_schema_reset(&s);
    return ok ? 0 : 1;
}
