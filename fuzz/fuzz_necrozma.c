/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_necrozma.c - libFuzzer target for the NECROZMA layout
 * (src/migrate/): any JSON text, read as a universe, a backtest or a trade
 * log (byte 0 picks the kind), must either fail with a parse or limit
 * error, or load into tables that hold the whole document:
 *   - the document replayed from the tables compares equal, token by token,
 *     with the input (what `migrate` checks before deleting a source);
 *   - the digest of the source's tokens equals the digest of the replay;
 *   - its printed export (json.dump indent=2 style) loads again and
 *     compares equal with the input too.
 * Anything else aborts.
 */
#include "migrate/nz_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20)) return 0;
    pq_nz_kind kind = (pq_nz_kind)(data[0] % 3);
    pq_source src;
    pq_source_open_memory(&src, data + 1, size - 1, "fuzz");
    pq_error err;
    pq_nz_doc d;
    pq_jdigest dg_src;
    pq_jdigest_init(&dg_src);
    pq_status st = nz_load_json_source(&src, kind, &d, &dg_src, &err);
    if (st != PQ_OK) {
        CHECK(st == PQ_ERR_PARSE || st == PQ_ERR_LIMIT);
        CHECK(err.message[0] != 0);
        pq_source_close(&src);
        return 0;
    }
    CHECK(nz_compare_source(&d, &src, &err) == PQ_OK);
    uint8_t a[16], b[16];
    pq_jdigest_final(&dg_src, a);
    CHECK(nz_digest_doc(&d, b, &err) == PQ_OK);
    CHECK(memcmp(a, b, 16) == 0); /* the digest agrees with the comparison */
    pq_buf text;
    pq_buf_init(&text, NULL);
    CHECK(nz_export_buf(&d, &text, &err) == PQ_OK);
    pq_source back;
    pq_source_open_memory(&back, text.data, text.len, "export");
    pq_nz_doc again;
    CHECK(nz_load_json_source(&back, kind, &again, NULL, &err) == PQ_OK);
    CHECK(nz_compare_source(&again, &src, &err) == PQ_OK);
    pq_nz_doc_reset(&again);
    pq_source_close(&back);
    pq_buf_reset(&text);
    pq_nz_doc_reset(&d);
    pq_source_close(&src);
    return 0;
}
