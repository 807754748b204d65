/* SPDX-License-Identifier: Apache-2.0
 *
 * table/table.c - pq_table: a schema plus one pq_array per top-level field.
 */
#include "core/core.h"
#include "parquant/table.h"

pq_status pq_table_init(pq_table *t, const pq_schema *schema, pq_error *err)
{
    memset(t, 0, sizeof *t);
    PQ_TRY(pq_schema_copy(&t->schema, schema, err));
    if (schema->n_fields == 0) return PQ_OK;
    t->columns = (pq_array *)pq_calloc(schema->alloc, (size_t)schema->n_fields, sizeof(pq_array));
    if (!t->columns) { pq_table_reset(t); return PQ_NOMEM(err); }
    for (int64_t i = 0; i < schema->n_fields; i++) {
        pq_status s = pq_array_init(&t->columns[i], &schema->fields[i], schema->alloc, err);
        if (s) { pq_table_reset(t); return s; }
    }
    return PQ_OK;
}

void pq_table_reset(pq_table *t)
{
    if (!t) return;
    if (t->columns)
        for (int64_t i = 0; i < t->schema.n_fields; i++) pq_array_reset(&t->columns[i]);
    pq_free(t->schema.alloc, t->columns);
    pq_schema_reset(&t->schema);
    memset(t, 0, sizeof *t);
}

void pq_table_clear(pq_table *t)
{
    for (int64_t i = 0; i < t->schema.n_fields; i++) pq_array_clear(&t->columns[i]);
    t->num_rows = 0;
}

pq_status pq_table_finish(pq_table *t, pq_error *err)
{
    int64_t n = t->schema.n_fields ? t->columns[0].length : t->num_rows;
    for (int64_t i = 0; i < t->schema.n_fields; i++)
        if (t->columns[i].length != n)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "column '%s' has %lld rows, expected %lld",
                           t->schema.fields[i].name, (long long)t->columns[i].length, (long long)n);
    t->num_rows = n;
    return PQ_OK;
}

bool pq_table_equal(const pq_table *a, const pq_table *b)
{
    if (a->num_rows != b->num_rows || a->schema.n_fields != b->schema.n_fields) return false;
    for (int64_t i = 0; i < a->schema.n_fields; i++) {
        if (strcmp(a->schema.fields[i].name, b->schema.fields[i].name) != 0) return false;
        if (!pq_array_equal(&a->columns[i], &b->columns[i])) return false;
    }
    return true;
}
