/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_page_header.c - libFuzzer target for the PageHeader decoder
 * (pq_meta_decode_page_header), the hot-path decoder fed with a window of
 * page bytes of unknown length.
 *
 * Properties checked on every input, besides the sanitizers' memory checks:
 *  - the status is OK, EOF or CORRUPT, and a failure's offset lies inside
 *    the input;
 *  - a decoded header has non-negative sizes and counts, a page type 0..3,
 *    and its length is at most the input size;
 *  - every strict prefix of a decoded header is PQ_ERR_EOF (so a reader can
 *    retry with a larger window), and the full input decodes the same;
 *  - the header re-encodes, decodes to the same values, and re-encodes to
 *    the same bytes.
 * Seeds: fuzz/corpus/page_header/ (first page headers of corpus files).
 */
#include <stdint.h>
#include <stdlib.h>

#include "parquet/metadata.h"

#define REQUIRE(cond)                  \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_header(const pq_page_header *h)
{
    REQUIRE((int)h->type >= 0 && (int)h->type <= 3);
    REQUIRE(h->uncompressed_page_size >= 0 && h->compressed_page_size >= 0);
    if (h->has_data_page) REQUIRE(h->data_page.num_values >= 0);
    if (h->has_dictionary_page) REQUIRE(h->dictionary_page.num_values >= 0);
    if (h->has_data_page_v2) {
        const pq_data_page_header_v2 *v = &h->data_page_v2;
        REQUIRE(v->num_values >= 0 && v->num_nulls >= 0 && v->num_rows >= 0);
        REQUIRE(v->definition_levels_byte_length >= 0 && v->repetition_levels_byte_length >= 0);
    }
}

/* Scalar fields that must survive encode -> decode. */
static bool same_scalars(const pq_page_header *a, const pq_page_header *b)
{
    return a->type == b->type && a->uncompressed_page_size == b->uncompressed_page_size &&
           a->compressed_page_size == b->compressed_page_size && a->has_crc == b->has_crc && a->crc == b->crc &&
           a->has_data_page == b->has_data_page && a->has_dictionary_page == b->has_dictionary_page &&
           a->has_data_page_v2 == b->has_data_page_v2 && a->data_page.num_values == b->data_page.num_values &&
           a->data_page.has_statistics == b->data_page.has_statistics &&
           a->dictionary_page.num_values == b->dictionary_page.num_values &&
           a->dictionary_page.is_sorted == b->dictionary_page.is_sorted &&
           a->data_page_v2.num_values == b->data_page_v2.num_values &&
           a->data_page_v2.is_compressed == b->data_page_v2.is_compressed &&
           a->data_page_v2.statistics.null_count == b->data_page_v2.statistics.null_count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pq_error err;
    pq_error_clear(&err);
    pq_page_header h;
    size_t len = 0;
    pq_status s = pq_meta_decode_page_header(pq_bytes_make(data, size), &h, &len, &err);
    REQUIRE(s == PQ_OK || s == PQ_ERR_EOF || s == PQ_ERR_CORRUPT);
    if (s != PQ_OK) {
        REQUIRE(err.code == s && len == 0);
        REQUIRE(err.where.offset >= 0 && (uint64_t)err.where.offset <= size);
        return 0;
    }
    REQUIRE(len > 0 && len <= size);
    check_header(&h);

    /* Prefixes: each one ends inside the header.  A private copy per cut
     * lets ASan catch a read past the window. */
    size_t step = len <= 512 ? 1 : len / 256;
    for (size_t cut = 0; cut < len; cut += step) {
        uint8_t *copy = malloc(cut ? cut : 1);
        REQUIRE(copy != NULL);
        memcpy(copy, data, cut);
        pq_page_header p;
        size_t plen;
        REQUIRE(pq_meta_decode_page_header(pq_bytes_make(copy, cut), &p, &plen, NULL) == PQ_ERR_EOF);
        free(copy);
    }

    pq_buf b1, b2;
    pq_buf_init(&b1, NULL);
    pq_buf_init(&b2, NULL);
    REQUIRE(pq_meta_encode_page_header(&h, &b1, &err) == PQ_OK);
    pq_page_header h2;
    size_t len2;
    REQUIRE(pq_meta_decode_page_header(pq_bytes_make(b1.data, b1.len), &h2, &len2, &err) == PQ_OK);
    REQUIRE(len2 == b1.len && same_scalars(&h, &h2));
    REQUIRE(pq_meta_encode_page_header(&h2, &b2, &err) == PQ_OK);
    REQUIRE(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    pq_buf_reset(&b1);
    pq_buf_reset(&b2);
    return 0;
}
