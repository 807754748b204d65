/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/column_writer.h - the column chunk of one leaf within one row
 * group: shredded batches in, finished pages (dictionary page first) out.
 *
 * Call sequence per row group:
 *     pq_column_writer_write(cw, batch, scratch)   (any number of times)
 *     pq_column_writer_finish(cw, scratch)         (last page, dictionary page)
 *     pq_column_writer_emit(cw, sink)              (bytes, in file order)
 *     pq_column_writer_describe / _page_index      (footer metadata)
 *     pq_column_writer_reset(cw)                   (next row group)
 *
 * Pages: data pages hold about `page_size` bytes of PLAIN-sized values and
 * always start at a row (rep level 0), in v1 and v2 alike.  Values are
 * dictionary-encoded (RLE_DICTIONARY) while that pays: the decision is taken
 * on the chunk's first page holding values (abandoned early when the first
 * 16 Ki values are nearly all distinct, else when the dictionary's PLAIN size
 * exceeds 70 % of the values' PLAIN size), and once the dictionary grows past
 * dictionary_size_limit the following pages use the value encoding (the
 * page during which the limit is crossed stays dictionary-encoded).  A chunk
 * whose dictionary was abandoned on its first page has no dictionary page.
 *
 * Threading: a column writer is used by one thread at a time; the writer
 * runs different leaves on different threads, each with its own scratch.
 * The bytes produced depend only on the batches and the config, never on
 * the thread or scratch used.
 */
#ifndef PARQUANT_PARQUET_COLUMN_WRITER_H
#define PARQUANT_PARQUET_COLUMN_WRITER_H

#include "core/core.h"
#include "io/sink.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/levels.h"
#include "parquet/stats.h"

/** Settings of one leaf's chunks (validated by the writer). */
typedef struct pq_column_writer_config {
    pq_physical physical;          /* leaf physical type */
    int32_t type_length;           /* FLBA width, else 0 */
    int16_t max_def, max_rep;      /* leaf levels, >= 0 */
    pq_stat_order order;           /* statistics order */
    pq_codec codec;                /* a codec pq_codec_can_write accepts */
    int compression_level;         /* 0 = codec default */
    int page_version;              /* 1 or 2 */
    int64_t page_size;             /* target PLAIN bytes per data page, 1 .. 1 GiB */
    bool dictionary;               /* try dictionary encoding (never for BOOLEAN) */
    int64_t dictionary_size_limit; /* PLAIN dictionary bytes before falling back, 0 .. 1 GiB */
    pq_encoding value_encoding;    /* non-dictionary pages: valid for the type */
    bool write_crc;                /* page CRC-32 */
    bool write_statistics;         /* page header + chunk statistics */
    bool write_page_index;         /* column index + offset index */
} pq_column_writer_config;

/** Per-thread scratch: codec context and buffers reused from page to page. */
typedef struct pq_cw_scratch {
    pq_codec_ctx *codec;   /* this thread's compression contexts */
    pq_buf page;           /* uncompressed page body being assembled */
    pq_buf idx;            /* uint32 dictionary indices of a page */
    pq_stats stats;        /* statistics of the page being written */
} pq_cw_scratch;

PQ_NODISCARD pq_status pq_cw_scratch_init(pq_cw_scratch *s, const pq_allocator *a, pq_error *err);
/** Free; accepts a zeroed struct. */
void pq_cw_scratch_reset(pq_cw_scratch *s);

typedef struct pq_column_writer pq_column_writer;

PQ_NODISCARD pq_status pq_column_writer_create(pq_column_writer **out, const pq_column_writer_config *cfg,
                                               const pq_allocator *a, pq_error *err);
/** Accepts NULL. */
void pq_column_writer_destroy(pq_column_writer *cw);

/** Add a batch of whole rows.  Full pages are encoded and compressed at
 *  once; the remainder waits (copied) for the next batch or finish.
 *  @return PQ_ERR_NOMEM, PQ_ERR_LIMIT (a page over 2 GiB), codec errors. */
PQ_NODISCARD pq_status pq_column_writer_write(pq_column_writer *cw, const pq_leaf_batch *b, pq_cw_scratch *s,
                                              pq_error *err);

/** Close the chunk: write the pending page and build the dictionary page. */
PQ_NODISCARD pq_status pq_column_writer_finish(pq_column_writer *cw, pq_cw_scratch *s, pq_error *err);

/** Bytes the finished chunk occupies in the file (headers included). */
int64_t pq_column_writer_chunk_bytes(const pq_column_writer *cw);

/** Append the finished chunk to `sink` (dictionary page, then data pages). */
PQ_NODISCARD pq_status pq_column_writer_emit(pq_column_writer *cw, pq_sink *sink, pq_error *err);

/** Fill the ColumnMetaData facts of the finished chunk placed at file offset
 *  `chunk_offset`: type, encodings, codec, num_values, sizes, page offsets,
 *  statistics (when enabled) and encoding_stats.  Arrays and statistics
 *  bytes are copied into `arena`; path_in_schema and kv are left empty. */
PQ_NODISCARD pq_status pq_column_writer_describe(const pq_column_writer *cw, int64_t chunk_offset, pq_arena *arena,
                                                 pq_column_meta *out, pq_error *err);

/** Append the encoded ColumnIndex (when every page has usable bounds) to
 *  `ci` and the OffsetIndex to `oi`; *has_ci tells whether a column index
 *  was written.  Nothing is appended when page indexes are disabled. */
PQ_NODISCARD pq_status pq_column_writer_page_index(const pq_column_writer *cw, int64_t chunk_offset, pq_buf *ci,
                                                   bool *has_ci, pq_buf *oi, pq_error *err);

/** Number of data pages of the finished chunk. */
int64_t pq_column_writer_num_pages(const pq_column_writer *cw);

/** Forget the chunk (keeps buffers' capacity) to start the next row group. */
void pq_column_writer_reset(pq_column_writer *cw);

#endif /* PARQUANT_PARQUET_COLUMN_WRITER_H */
