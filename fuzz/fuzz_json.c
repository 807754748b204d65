/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_json.c - libFuzzer target for the streaming JSON reader
 * (src/io/json.c), the JSON schema inference (src/convert/infer.c) and the
 * JSON half of the two-pass converter (src/convert/convert.c).
 *
 * Input: byte 0 picks the options, the rest is the JSON text.
 *   bits 0-2  block size 1, 2, 3, 5, 8, 16, 64 or the default (1 MiB)
 *   bits 3-4  converter batch rows 1, 2, 7 or the default
 *   bits 5-6  nesting limit 512, 4, 2 or 64
 *
 * Checks (any failure aborts):
 *   - streaming oracle: reading in the chosen block size and in one block
 *     gives the same records (compact re-serialisation, line, offset) and
 *     ends with the same status, error location and message;
 *   - every string in the DOM is valid UTF-8, containers' `next` links
 *     stay inside the record;
 *   - round trip: the compact text of the records parses again and
 *     re-serialises to the same text;
 *   - the converter ends in PQ_OK, PQ_ERR_PARSE or PQ_ERR_LIMIT (never
 *     TYPE), returns as many rows as there were records, and every batch's
 *     arrays validate.
 */
#include "convert/infer.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t BLOCKS[] = {1, 2, 3, 5, 8, 16, 64, 0};
static const int64_t BATCHES[] = {1, 2, 7, 0};
static const int DEPTHS[] = {512, 4, 2, 64};

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

typedef struct outcome {
    pq_status status;
    pq_error err;
    pq_buf text;               /* compact records, one per line */
    int64_t records;
    uint64_t where;            /* hash of the records' lines and offsets */
} outcome;

/* Check the DOM invariants of node i; returns the index after its subtree. */
static uint32_t check_node(const pq_json_node *n, uint32_t i, uint32_t total)
{
    CHECK(i < total && n[i].next > i && n[i].next <= total);
    if (n[i].type == PQ_JSON_STRING) CHECK(pq_utf8_valid((const uint8_t *)n[i].str, n[i].len));
    if (n[i].type == PQ_JSON_ARRAY || n[i].type == PQ_JSON_OBJECT) {
        uint32_t c = i + 1, per = n[i].type == PQ_JSON_OBJECT ? 2 : 1;
        for (uint32_t k = 0; k < n[i].count; k++) {
            if (per == 2) {
                CHECK(n[c].type == PQ_JSON_STRING);
                c = check_node(n, c, total);
            }
            c = check_node(n, c, total);
        }
        CHECK(c == n[i].next);
    }
    return n[i].next;
}

/* Parse every record of the input with `block`-byte reads. */
static void read_all(const uint8_t *data, size_t size, size_t block, int depth, outcome *o)
{
    memset(o, 0, sizeof *o);
    pq_buf_init(&o->text, NULL);
    pq_error_clear(&o->err);
    o->where = 1469598103934665603ull;
    pq_source src;
    pq_source_open_memory(&src, data, size, "fuzz");
    pq_json_options opt;
    pq_json_options_init(&opt);
    opt.block_size = block;
    opt.max_depth = depth;
    pq_json_reader *r;
    o->status = pq_json_open(&r, &src, &opt, NULL, &o->err);
    if (o->status != PQ_OK) return;
    pq_json_record rec;
    while ((o->status = pq_json_next(r, &rec, &o->err)) == PQ_OK && rec.nodes) {
        CHECK(rec.nodes[0].type == PQ_JSON_OBJECT && check_node(rec.nodes, 0, rec.n_nodes) == rec.n_nodes);
        CHECK(rec.index == o->records + 1 && rec.offset >= 0 && rec.offset < (int64_t)size);
        o->records++;
        o->where = (o->where ^ (uint64_t)rec.line) * 1099511628211ull;
        o->where = (o->where ^ (uint64_t)rec.offset) * 1099511628211ull;
        CHECK(pq_json_write(rec.nodes, 0, &o->text, &o->err) == PQ_OK);
        CHECK(pq_buf_push(&o->text, '\n', &o->err) == PQ_OK);
    }
    CHECK(o->status == PQ_OK || o->status == PQ_ERR_PARSE || o->status == PQ_ERR_LIMIT);
    pq_json_close(r);
}

static void same_outcome(const outcome *a, const outcome *b)
{
    CHECK(a->status == b->status && a->records == b->records && a->where == b->where);
    CHECK(a->text.len == b->text.len && (a->text.len == 0 || memcmp(a->text.data, b->text.data, a->text.len) == 0));
    if (a->status == PQ_OK) return;
    CHECK(a->err.where.line == b->err.where.line && a->err.where.field == b->err.where.field &&
          a->err.where.offset == b->err.where.offset && strcmp(a->err.message, b->err.message) == 0);
}

/* Run both passes of the converter; returns the rows converted. */
static pq_status convert_all(const uint8_t *data, size_t size, size_t block, int64_t batch, int64_t *rows)
{
    pq_source src;
    pq_source_open_memory(&src, data, size, "fuzz");
    pq_convert_options o;
    pq_convert_options_init(&o);
    o.format = PQ_INPUT_JSON;
    o.batch_rows = batch;
    pq_error err;
    pq_error_clear(&err);
    pq_convert_reader *r;
    *rows = 0;
    pq_status s = pq_convert_reader_open(&r, &src, "fuzz", &o, block, &err);
    if (s != PQ_OK) return s;
    pq_table t;
    s = pq_table_init(&t, pq_convert_reader_schema(r), &err);
    while (s == PQ_OK && (s = pq_convert_reader_next(r, &t, &err)) == PQ_OK && t.num_rows > 0) {
        CHECK(batch == 0 || t.num_rows <= batch);
        for (int64_t c = 0; c < t.schema.n_fields; c++) {
            CHECK(t.columns[c].length == t.num_rows);
            CHECK(pq_array_validate(&t.columns[c], &err) == PQ_OK);
        }
        *rows += t.num_rows;
    }
    pq_table_reset(&t);
    pq_convert_reader_close(r);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t opt = data[0];
    data++;
    size--;
    size_t block = BLOCKS[opt & 7];
    int64_t batch = BATCHES[(opt >> 3) & 3];
    int depth = DEPTHS[(opt >> 5) & 3];

    outcome small, whole, again;
    read_all(data, size, block, depth, &small);
    read_all(data, size, 0, depth, &whole);
    same_outcome(&small, &whole);

    /* the compact text of the records it did parse is JSON Lines again */
    read_all(whole.text.data ? whole.text.data : (const uint8_t *)"", whole.text.len, block, depth, &again);
    CHECK(again.status == PQ_OK && again.records == whole.records && again.text.len == whole.text.len &&
          (again.text.len == 0 || memcmp(again.text.data, whole.text.data, again.text.len) == 0));

    if (depth == 512) {
        int64_t rows;
        pq_status s = convert_all(data, size, block, batch, &rows);
        CHECK(s == PQ_OK || s == PQ_ERR_PARSE || s == PQ_ERR_LIMIT);
        if (s == PQ_OK) CHECK(whole.status == PQ_OK && rows == whole.records);
        if (whole.status != PQ_OK) CHECK(s == whole.status);
    }
    pq_buf_reset(&small.text);
    pq_buf_reset(&whole.text);
    pq_buf_reset(&again.text);
    return 0;
}
