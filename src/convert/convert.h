/* SPDX-License-Identifier: Apache-2.0
 *
 * convert/convert.h - CSV / JSON to Parquet conversion (`parquant convert`).
 *
 * Two streaming passes over the input, which is never loaded whole:
 *   1. infer: every column's type over the whole file;
 *   2. parse and write in batches of rows through a pq_writer.
 *
 * CSV (RFC 4180: header row, quoted fields with "" escapes and embedded
 * newlines, CRLF or LF, optional UTF-8 BOM): per-column types inferred over
 * all rows, narrowest first: BOOL (true/false, case-insensitive) < INT64 <
 * DOUBLE (incl. nan/inf spellings) < DATE (YYYY-MM-DD) / TIMESTAMP
 * (YYYY-MM-DD[ T]HH:MM:SS[.f][Z], microseconds; a column holding both dates
 * and timestamps becomes TIMESTAMP) < STRING.  Empty cells are nulls; every
 * column is nullable.
 *
 * JSON: JSON Lines (one object per line) or one top-level array of objects
 * (detected from the first non-space byte).  Keys become fields in order of
 * first appearance; objects become STRUCT, arrays LIST, integers that fit
 * int64 INT64, int/float mixes widen to DOUBLE, conflicting types (e.g.
 * number and string, or object and scalar) fall back to STRING holding the
 * value's JSON text; missing keys and null are nulls.
 *
 * Details beyond the summary above (infer.h has the full rules): integers
 * with leading zeros ("007") stay STRING; integers beyond int64 become
 * DECIMAL(38,0) (more than 38 digits: STRING); timestamps with an offset are
 * stored UTC-adjusted, in microseconds unless a value needs nanoseconds;
 * in CSV a quoted "" is an empty string and an empty unquoted cell a null;
 * JSON input may also be objects separated by whitespace (a single
 * pretty-printed object is one row).
 *
 * Errors name the file, line, CSV field or JSON record and byte offset
 * (pq_error.path, where.line, where.field / where.record, where.offset).
 */
#ifndef PARQUANT_CONVERT_H
#define PARQUANT_CONVERT_H

#include "core/core.h"
#include "parquant/parquet.h"

typedef enum pq_input_format { PQ_INPUT_AUTO = 0, PQ_INPUT_CSV, PQ_INPUT_JSON } pq_input_format;

/** Progress callback: bytes of input done in the current pass (pass 1 =
 *  infer, 2 = write), of `bytes_total`, and rows written so far. */
typedef void (*pq_progress_fn)(void *ctx, int pass, int64_t bytes_done, int64_t bytes_total, int64_t rows);

typedef struct pq_convert_options {
    pq_input_format format;      /* AUTO: by extension (.csv/.tsv, .json/.jsonl/.ndjson), then content */
    char delimiter;              /* CSV; 0 = ',' (or '\t' for .tsv) */
    int64_t batch_rows;          /* rows per pq_writer_write call; 0 = 65536 */
    pq_writer_options writer;    /* codec, level, page version, row group size, dictionary ... */
    pq_progress_fn progress;     /* may be NULL */
    void *progress_ctx;
} pq_convert_options;

typedef struct pq_convert_stats {
    int64_t rows;
    int64_t columns;             /* top-level fields */
    int64_t bytes_in, bytes_out;
} pq_convert_stats;

void pq_convert_options_init(pq_convert_options *o);

/** Convert `in_path` to the Parquet file `out_path` (written through a
 *  temporary file and renamed only on success).  `stats` may be NULL. */
PQ_NODISCARD pq_status pq_convert_file(const char *in_path, const char *out_path, const pq_convert_options *o,
                                       pq_convert_stats *stats, pq_error *err);

#endif /* PARQUANT_CONVERT_H */
