/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/column_reader.h - read the pages of one column chunk (one leaf of
 * one row group) into a pq_leaf_data: levels and dense values of all pages
 * appended.  Sits between the leaf units (metadata.h page headers, codec.h,
 * encoding.h) and reader.c, which runs one pq_column_reader per worker
 * thread.
 *
 * A pq_column_reader holds what is reused from chunk to chunk: the codec
 * contexts, the decompression scratch buffer, the pread buffer (sources that
 * are not mapped) and the dictionary of the chunk being read.  It belongs to
 * one thread at a time.
 */
#ifndef PARQUANT_PARQUET_COLUMN_READER_H
#define PARQUANT_PARQUET_COLUMN_READER_H

#include "core/core.h"
#include "io/source.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/levels.h"
#include "parquet/schema.h"

typedef struct pq_column_reader {
    const pq_allocator *alloc;  /* for every buffer below */
    pq_limits limits;           /* max_page_bytes applies to every page */
    bool verify_crc;            /* check page CRCs when the header has one */
    pq_codec_ctx *codec;        /* created on the first compressed page */
    pq_buf page;                /* decompressed page body, reused */
    pq_buf io;                  /* chunk bytes when the source is not mapped */
    pq_values dict;             /* dictionary of the current chunk */
    bool dict_ready;            /* dict was initialised (pq_values_init) */
} pq_column_reader;

/** What to read: one column chunk and where it sits, for errors. */
typedef struct pq_chunk_ref {
    const pq_column_chunk *chunk; /* its metadata (has_meta_data, not encrypted) */
    const pq_leaf *leaf;          /* the leaf it stores (physical type, levels) */
    int64_t row_group;            /* row group index, for err->where */
    int64_t column;               /* leaf index in the file, for err->where */
    int64_t num_rows;             /* rows of the row group, >= 0 */
    int64_t data_end;             /* first byte past the column data (the footer start) */
    int64_t dict_header_pad;      /* bytes the chunk may extend past total_compressed_size
                                     (parquet-mr <= 1.2.8 left the dictionary page header
                                     out of it, PARQUET-816); usually 0 */
} pq_chunk_ref;

/** Initialise with defaults from `limits` and `verify_crc`.  Can't fail
 *  (buffers and the codec context are allocated on first use). */
void pq_column_reader_init(pq_column_reader *cr, const pq_allocator *a, const pq_limits *limits, bool verify_crc);

/** Free every buffer and the codec context.  Accepts a zeroed reader. */
void pq_column_reader_reset(pq_column_reader *cr);

/** Read every page of `ref->chunk` from `src`, appending levels and values
 *  to `out` (initialised by the caller for the leaf's physical type, usually
 *  empty).  Stops once ColumnMetaData.num_values level entries are read.
 *  @return PQ_ERR_CORRUPT (bad offsets, sizes, headers, levels, values),
 *          PQ_ERR_CHECKSUM (page CRC with verify_crc), PQ_ERR_LIMIT (page
 *          larger than limits.max_page_bytes), PQ_ERR_UNSUPPORTED (encrypted
 *          chunk, LZO, unknown encoding), PQ_ERR_IO (pread), PQ_ERR_NOMEM.
 *  Every failure sets err->where.row_group, .column, .page (when inside a
 *  page), .offset (absolute file offset) and err->column_path.  On failure
 *  `out` holds a partial result that the caller resets. */
PQ_NODISCARD pq_status pq_column_reader_read(pq_column_reader *cr, const pq_source *src, const pq_chunk_ref *ref,
                                             pq_leaf_data *out, pq_error *err);

/* ----------------------------------------------- reading selected rows */

/** A run of rows of a row group: [first, first + count). */
typedef struct pq_row_span {
    int64_t first;  /* row index in the row group, >= 0 */
    int64_t count;  /* rows, >= 1 */
} pq_row_span;

/** Data pages of chunks read and skipped by pq_column_reader_read_rows. */
typedef struct pq_page_counts {
    int64_t read, skipped;
} pq_page_counts;

/** Read the pages of `ref->chunk` that hold a row selected in `want` (a
 *  bitmap of ref->num_rows rows, uint64 words LSB-first), located with the
 *  chunk's offset index `oi`: the other data pages are neither fetched nor
 *  decompressed; the dictionary page is read when any data page is.  Each
 *  page read must hold exactly the rows the offset index gives it.  Appends
 *  to `spans` (pq_row_span entries, adjacent ones merged) the rows whose
 *  levels and values were appended to `out`, in order, and adds the data
 *  pages to *counts.  With `want` or `oi` NULL, or an offset index that does
 *  not locate pages inside the chunk in order (not trusted then), the whole
 *  chunk is read as by pq_column_reader_read: one span of every row.
 *  @return as pq_column_reader_read; PQ_ERR_CORRUPT also for a page the
 *  offset index locates that is not a data page or holds other rows. */
PQ_NODISCARD pq_status pq_column_reader_read_rows(pq_column_reader *cr, const pq_source *src,
                                                  const pq_chunk_ref *ref, const pq_offset_index *oi,
                                                  const uint64_t *want, pq_leaf_data *out, pq_buf *spans,
                                                  pq_page_counts *counts, pq_error *err);

#endif /* PARQUANT_PARQUET_COLUMN_READER_H */
