/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_footer.c - libFuzzer target for the FileMetaData decoder
 * (pq_meta_decode_file) and, through it, the Thrift compact reader.
 *
 * Properties checked on every input, besides the sanitizers' memory checks:
 *  - the status is one of OK, CORRUPT, LIMIT (no EOF leaks out of a footer
 *    decode, no NOMEM at these sizes, never INTERNAL); a failure carries an
 *    offset inside the input;
 *  - a decoded footer satisfies the codec's promises (non-negative counts and
 *    sizes, enums in range, one root element, non-NULL names);
 *  - a decoded plaintext footer re-encodes, the encoding decodes, and the
 *    re-encoding of that is byte-identical (encoder and decoder agree).
 * Seeds: fuzz/corpus/footer/ (footers of parquet-testing files).
 */
#include <stdint.h>
#include <stdlib.h>

#include "parquet/metadata.h"

#define REQUIRE(cond)                  \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_meta(const pq_file_metadata *m)
{
    REQUIRE(m->n_schema >= 1 && m->schema != NULL);
    REQUIRE(m->num_rows >= 0 && m->n_row_groups >= 0 && m->n_kv >= 0);
    for (int32_t i = 0; i < m->n_schema; i++) {
        const pq_schema_element *e = &m->schema[i];
        REQUIRE(e->name != NULL);
        REQUIRE(!e->has_type || ((int)e->type >= 0 && (int)e->type <= 7));
        REQUIRE(!e->has_repetition || ((int)e->repetition >= 0 && (int)e->repetition <= 2));
        REQUIRE(!e->has_num_children || e->num_children >= 0);
        REQUIRE(e->type_length >= 0);
    }
    for (int32_t g = 0; g < m->n_row_groups; g++) {
        const pq_row_group_meta *r = &m->row_groups[g];
        REQUIRE(r->num_rows >= 0 && r->total_byte_size >= 0 && r->n_columns >= 0);
        for (int32_t c = 0; c < r->n_columns; c++) {
            const pq_column_chunk *cc = &r->columns[c];
            if (!cc->has_meta_data) continue;
            const pq_column_meta *cm = &cc->meta_data;
            REQUIRE((int)cm->codec >= 0 && (int)cm->codec <= 7);
            REQUIRE((int)cm->type >= 0 && (int)cm->type <= 7);
            REQUIRE(cm->num_values >= 0 && cm->total_compressed_size >= 0 && cm->total_uncompressed_size >= 0);
            REQUIRE(cm->data_page_offset >= 0);
            for (int32_t p = 0; p < cm->n_path; p++) REQUIRE(cm->path_in_schema[p] != NULL);
        }
    }
    for (int32_t i = 0; i < m->n_kv; i++) REQUIRE(m->kv[i].key != NULL);
}

/* Chunk-level encryption cannot be re-encoded (crypto metadata is skipped). */
static bool any_encrypted_chunk(const pq_file_metadata *m)
{
    for (int32_t g = 0; g < m->n_row_groups; g++)
        for (int32_t c = 0; c < m->row_groups[g].n_columns; c++)
            if (m->row_groups[g].columns[c].encrypted) return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pq_limits lim = {0, 0, 32, 20000};
    pq_arena a;
    pq_arena_init(&a, NULL);
    pq_error err;
    pq_error_clear(&err);
    pq_file_metadata m;
    pq_status s = pq_meta_decode_file(pq_bytes_make(data, size), &a, &lim, &m, &err);
    REQUIRE(s == PQ_OK || s == PQ_ERR_CORRUPT || s == PQ_ERR_LIMIT);
    if (s != PQ_OK) {
        REQUIRE(err.code == s && err.message[0] != 0);
        REQUIRE(err.where.offset >= 0 && (uint64_t)err.where.offset <= size);
        pq_arena_reset(&a);
        return 0;
    }
    check_meta(&m);
    if (!m.encrypted && !any_encrypted_chunk(&m)) {
        pq_buf b1, b2;
        pq_buf_init(&b1, NULL);
        pq_buf_init(&b2, NULL);
        REQUIRE(pq_meta_encode_file(&m, &b1, &err) == PQ_OK);
        pq_arena a2;
        pq_arena_init(&a2, NULL);
        pq_file_metadata m2;
        REQUIRE(pq_meta_decode_file(pq_bytes_make(b1.data, b1.len), &a2, &lim, &m2, &err) == PQ_OK);
        REQUIRE(m2.n_schema == m.n_schema && m2.n_row_groups == m.n_row_groups && m2.num_rows == m.num_rows);
        REQUIRE(pq_meta_encode_file(&m2, &b2, &err) == PQ_OK);
        REQUIRE(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        pq_arena_reset(&a2);
        pq_buf_reset(&b1);
        pq_buf_reset(&b2);
    }
    pq_arena_reset(&a);
    return 0;
}
