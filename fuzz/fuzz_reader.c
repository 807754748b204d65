/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_reader.c - libFuzzer target for the whole-file Parquet reader
 * (src/parquet/reader.c, column_reader.c and every unit below them): the
 * input is a Parquet file in memory.  It is opened, every page index is
 * looked up, every row group is read and each column of the result is
 * checked with pq_array_validate; then the reader is closed.
 *
 * Every call must end in PQ_OK or a "bad input" status (CORRUPT, EOF,
 * CHECKSUM, UNSUPPORTED, LIMIT, TYPE); a status that means misuse or a bug
 * (INTERNAL, INVALID_ARG, STATE, IO), an invalid array or any sanitizer
 * report aborts.
 *
 * Decoded sizes are not bounded by the input size (RLE runs, dictionaries),
 * so a row group is skipped when its metadata announces more output than a
 * fuzzing process should hold: more than 1 Mi rows or level entries, or
 * entries x input size above 256 MiB (each value could be a copy of a
 * dictionary entry as long as the input).  CRCs are not verified, so that
 * mutations inside checksummed pages reach the decoders.
 */
#include "parquant/parquet.h"

#include "fuzz_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode both page indexes of the first 64 leaves of row group g. */
static void read_indexes(pq_reader *r, int64_t g)
{
    for (int64_t leaf = 0; leaf < pq_reader_num_leaves(r) && leaf < 64; leaf++) {
        const pq_column_index *ci;
        const pq_offset_index *oi;
        pq_error err;
        fuzz_expect_clean(pq_reader_column_index(r, g, leaf, &ci, &err));
        fuzz_expect_clean(pq_reader_offset_index(r, g, leaf, &oi, &err));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pq_reader_options o;
    pq_reader_options_init(&o);
    o.threads = 1;
    o.verify_crc = false;
    o.limits.max_page_bytes = (int64_t)16 << 20;
    o.limits.max_footer_bytes = (int64_t)4 << 20;
    o.limits.max_columns = 4096;
    pq_reader *r;
    pq_error err;
    pq_status s = pq_reader_open_memory(&r, data, size, "fuzz", &o, &err);
    fuzz_expect_clean(s);
    if (s != PQ_OK) return 0;
    const pq_file_metadata *m = pq_reader_metadata(r);
    for (int64_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        read_indexes(r, g);
        if (!fuzz_small_enough(m, g, size)) continue;
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, &err);
        fuzz_expect_clean(s);
        if (s == PQ_OK) {
            if (t.num_rows != m->row_groups[g].num_rows) abort();
            for (int64_t c = 0; c < t.schema.n_fields; c++)
                if (pq_array_validate(&t.columns[c], &err) != PQ_OK) abort();
        }
        pq_reader_recycle(r, &t); /* the next row group reuses its buffers */
    }
    pq_reader_close(r);
    return 0;
}
