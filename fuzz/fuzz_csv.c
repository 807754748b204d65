/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_csv.c - libFuzzer target for the streaming CSV reader
 * (src/io/csv.c), the CSV type inference (src/convert/infer.c) and the CSV
 * half of the two-pass converter (src/convert/convert.c).
 *
 * Input: byte 0 picks the options, the rest is the CSV text.
 *   bits 0-2  block size 1, 2, 3, 5, 8, 16, 64 or the default (1 MiB)
 *   bits 3-4  delimiter ',', ';', '\t' or '|'
 *   bit  5    header row
 *   bits 6-7  converter batch rows 1, 2, 7 or the default
 *
 * Checks (any failure aborts):
 *   - streaming oracle: reading in the chosen block size and in one block
 *     yields the same records (line, offset, fields, quoting) and ends with
 *     the same status, error location and message;
 *   - every field is valid UTF-8 and every record of a header file has as
 *     many fields as the header;
 *   - the converter ends in PQ_OK, PQ_ERR_PARSE or PQ_ERR_LIMIT (never
 *     TYPE: the input cannot change between its passes), returns as many
 *     rows as the reader found records, and every batch's arrays validate.
 */
#include "convert/infer.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t BLOCKS[] = {1, 2, 3, 5, 8, 16, 64, 0};
static const uint8_t DELIMS[] = {',', ';', '\t', '|'};
static const int64_t BATCHES[] = {1, 2, 7, 0};

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

typedef struct outcome {
    pq_status status;
    pq_error err;
    uint64_t hash;             /* FNV-1a over every record */
    int64_t records;
} outcome;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Read every record of the input with `block`-byte reads. */
static outcome read_all(const uint8_t *data, size_t size, uint8_t delim, bool header, size_t block)
{
    outcome o;
    memset(&o, 0, sizeof o);
    pq_error_clear(&o.err);
    o.hash = 1469598103934665603ull;
    pq_source src;
    pq_source_open_memory(&src, data, size, "fuzz");
    pq_csv_options opt;
    pq_csv_options_init(&opt);
    opt.delimiter = delim;
    opt.header = header;
    opt.block_size = block;
    pq_csv_reader *r;
    o.status = pq_csv_open(&r, &src, &opt, NULL, &o.err);
    if (o.status != PQ_OK) return o;
    int64_t n_cols = pq_csv_num_columns(r);
    for (int64_t i = 0; i < n_cols; i++) {
        const char *name = pq_csv_column_name(r, i);
        CHECK(name && name[0]);
        o.hash = mix(o.hash, name, strlen(name) + 1);
    }
    pq_csv_record rec;
    while ((o.status = pq_csv_next(r, &rec, &o.err)) == PQ_OK && rec.n_fields > 0) {
        CHECK(!header || rec.n_fields == n_cols);
        CHECK(rec.index == o.records + 1 && rec.line >= 1 && rec.offset >= 0 && rec.offset < (int64_t)size);
        o.records++;
        o.hash = mix(o.hash, &rec.line, sizeof rec.line);
        o.hash = mix(o.hash, &rec.offset, sizeof rec.offset);
        for (int64_t i = 0; i < rec.n_fields; i++) {
            const pq_csv_field *f = &rec.fields[i];
            CHECK(f->ptr != NULL && pq_utf8_valid(f->ptr, f->len));
            uint8_t q = f->quoted;
            o.hash = mix(o.hash, &q, 1);
            o.hash = mix(o.hash, &f->len, sizeof f->len);
            o.hash = mix(o.hash, f->ptr, f->len);
        }
    }
    CHECK(o.status == PQ_OK || o.status == PQ_ERR_PARSE || o.status == PQ_ERR_LIMIT);
    pq_csv_close(r);
    return o;
}

static void same_outcome(const outcome *a, const outcome *b)
{
    CHECK(a->status == b->status && a->hash == b->hash && a->records == b->records);
    if (a->status == PQ_OK) return;
    CHECK(a->err.where.line == b->err.where.line && a->err.where.field == b->err.where.field &&
          a->err.where.offset == b->err.where.offset && strcmp(a->err.message, b->err.message) == 0);
}

/* Run both passes of the converter; returns the rows converted. */
static pq_status convert_all(const uint8_t *data, size_t size, uint8_t delim, size_t block, int64_t batch,
                             int64_t *rows)
{
    pq_source src;
    pq_source_open_memory(&src, data, size, "fuzz");
    pq_convert_options o;
    pq_convert_options_init(&o);
    o.format = PQ_INPUT_CSV;
    o.delimiter = (char)delim;
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
    uint8_t delim = DELIMS[(opt >> 3) & 3];
    bool header = (opt >> 5) & 1;
    int64_t batch = BATCHES[(opt >> 6) & 3];

    outcome small = read_all(data, size, delim, header, block);
    outcome whole = read_all(data, size, delim, header, 0);
    same_outcome(&small, &whole);

    int64_t rows;
    pq_status s = convert_all(data, size, delim, block, batch, &rows);
    CHECK(s == PQ_OK || s == PQ_ERR_PARSE || s == PQ_ERR_LIMIT);
    if (header) {
        /* the converter reads the same records with a header */
        CHECK((s == PQ_OK) == (whole.status == PQ_OK));
        if (s == PQ_OK) CHECK(rows == whole.records);
    }
    return 0;
}
