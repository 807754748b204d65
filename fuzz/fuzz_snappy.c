/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_snappy.c - differential libFuzzer target for parquant's Snappy
 * decoder (src/parquet/snappy.c), with libsnappy as the oracle.
 *
 * Every input is used twice:
 *  1. as a compressed block: ours and libsnappy (snappy_uncompressed_length,
 *     snappy_validate_compressed_buffer, snappy_uncompress) must agree on
 *     the declared length, on success, and on every output byte.  Our
 *     output buffer is a heap block of exactly the declared size, so ASan
 *     sees any overrun; a caller size one less than declared must be
 *     refused.  Ours may only fail with PQ_ERR_CORRUPT.  The one allowed
 *     disagreement: libsnappy 1.1.9 reads a 4-byte literal length field of
 *     0xffffffff as length 0 (its 32-bit "+ 1" wraps) where the format
 *     means 2^32 bytes, which we reject;
 *  2. as plain bytes: compressed by libsnappy, they must decode with ours
 *     to exactly the input.
 * Declared lengths over FUZZ_MAX_OUT are only checked for agreement on the
 * header (no stream this short can produce that much anyway).
 */
#include "parquet/snappy.h"

#include <snappy-c.h>
#include <stdlib.h>

#define FUZZ_MAX_OUT ((size_t)1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** True when walking the elements as libsnappy does (varint first) meets a
 *  literal whose 4-byte length field is 0xffffffff before anything else
 *  that would stop libsnappy. */
static bool has_wrapping_literal(const uint8_t *z, size_t n)
{
    size_t i = 0;
    while (i < n && (z[i] & 0x80)) i++;
    i++;
    while (i < n) {
        uint32_t t = z[i++];
        if ((t & 3) != 0) {
            i += (t & 3) == 1 ? 1 : (t & 3) == 2 ? 2 : 4;
            continue;
        }
        size_t len = (t >> 2) + 1;
        if (len > 60) {
            size_t nb = len - 60;
            if (n - i < nb) return false;
            uint64_t v = 0;
            for (size_t k = 0; k < nb; k++) v |= (uint64_t)z[i + k] << (8 * k);
            if (nb == 4 && v == 0xffffffffu) return true;
            len = (size_t)v + 1;
            i += nb;
        }
        if (n - i < len) return false;
        i += len;
    }
    return false;
}

static void fuzz_decode(const uint8_t *data, size_t size)
{
    pq_error err;
    size_t lib_len = 0, my_len = 0;
    bool lib_len_ok = snappy_uncompressed_length((const char *)data, size, &lib_len) == SNAPPY_OK;
    pq_status s = pq_snappy_uncompressed_length(data, size, &my_len, &err);
    if (lib_len_ok != (s == PQ_OK)) abort();
    if (!lib_len_ok) {
        if (s != PQ_ERR_CORRUPT) abort();
        return;
    }
    if (my_len != lib_len) abort();
    if (lib_len > FUZZ_MAX_OUT) return;
    uint8_t *mine = lib_len ? (uint8_t *)malloc(lib_len) : NULL;
    uint8_t *lib = (uint8_t *)malloc(lib_len + 1);
    if ((lib_len && !mine) || !lib) abort();
    s = pq_snappy_decompress(data, size, mine, lib_len, &err);
    size_t cap = lib_len;
    bool lib_ok = snappy_uncompress((const char *)data, size, (char *)lib, &cap) == SNAPPY_OK;
    bool lib_valid = snappy_validate_compressed_buffer((const char *)data, size) == SNAPPY_OK;
    if (s != PQ_OK && s != PQ_ERR_CORRUPT) abort();
    if ((s == PQ_OK) != lib_ok || (s == PQ_OK) != lib_valid) {
        if (!(s == PQ_ERR_CORRUPT && lib_ok && lib_valid && has_wrapping_literal(data, size))) abort();
    }
    if (s == PQ_OK && lib_ok && (cap != lib_len || (lib_len && memcmp(mine, lib, lib_len) != 0))) abort();
    /* A caller expecting one byte less must be refused before any write. */
    if (lib_len > 0 && pq_snappy_decompress(data, size, mine, lib_len - 1, &err) != PQ_ERR_CORRUPT) abort();
    free(mine);
    free(lib);
}

static void fuzz_roundtrip(const uint8_t *data, size_t size)
{
    size_t zn = snappy_max_compressed_length(size);
    char *z = (char *)malloc(zn);
    uint8_t *back = size ? (uint8_t *)malloc(size) : NULL;
    if (!z || (size && !back)) abort();
    if (snappy_compress((const char *)data, size, z, &zn) != SNAPPY_OK) abort();
    pq_error err;
    if (pq_snappy_decompress((const uint8_t *)z, zn, back, size, &err) != PQ_OK) abort();
    if (size && memcmp(back, data, size) != 0) abort();
    free(back);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t none[1];
    if (!data) data = none; /* never hand NULL + 0 around */
    fuzz_decode(data, size);
    fuzz_roundtrip(data, size);
    return 0;
}
