/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/parquet/test_codec.c - page compression codecs (src/parquet/codec.c).
 *
 * Covers, for every codec parquant writes: round trips of empty, 1-byte,
 * incompressible 1 MiB, highly compressible 1 MiB and text inputs at several
 * levels, compared byte by byte, with the append contract of
 * pq_codec_compress; wrong out_len (too small, too large, zero) and
 * truncated, extended or garbled streams, which must give PQ_ERR_CORRUPT and
 * never touch memory past out_len.  Codec-specific cases: concatenated gzip
 * members, zstd frames without a content size and several frames, legacy
 * LZ4 as Hadoop framing (1 and several frames), raw block and frame format,
 * real pages cut from parquet-testing files, LZO and writing LZ4 rejected,
 * level ranges, the i32 size limit, and out-of-memory injected at every
 * allocation the codec makes through its allocator.
 */
#include "parquet/codec.h"

#define ZSTD_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4frame.h>
#include <zstd.h>

#include "harness.h"

/* Errors are reached through a pointer: CHECK_OK tests its errp argument for
 * NULL, which gcc 12 rejects (-Waddress) when handed &err directly. */
#define DECLARE_ERR pq_error err_store, *err = &err_store

static const pq_codec k_writable[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                      PQ_CODEC_ZSTD,         PQ_CODEC_LZ4_RAW, PQ_CODEC_BROTLI};
#define N_WRITABLE (sizeof k_writable / sizeof k_writable[0])

static const char *label(pq_codec c)
{
    static const char *names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return names[c];
}

/* ------------------------------------------------------------ test data */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint8_t *make_random(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(rng() >> 56);
    return p;
}

/** A short phrase repeated with a counter now and then: ratio well over 10. */
static uint8_t *make_repetitive(size_t n)
{
    static const char phrase[] = "bid=101.25 ask=101.50 venue=XNAS side=B qty=100;";
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)phrase[i % (sizeof phrase - 1)];
    for (size_t i = 0; i + 4 < n; i += 4096) memcpy(p + i, &i, 4);
    return p;
}

/** Words drawn at random from a small vocabulary: compressible, but levels matter. */
static uint8_t *make_text(size_t n)
{
    static const char *words[] = {"open ", "high ", "low ", "close ", "volume ", "AAPL ", "MSFT ", "0.25 ",
                                  "1024 ", "vwap ", "\n",    "trade ", "quote ", "cancel ", "fill ", "-3.5 "};
    uint8_t *p = malloc(n ? n : 1);
    size_t i = 0;
    while (i < n) {
        const char *w = words[rng() % 16];
        for (size_t k = 0; w[k] && i < n; k++) p[i++] = (uint8_t)w[k];
    }
    return p;
}

/* -------------------------------------------------------------- helpers */

/** Compress `data` with codec/level into a fresh buffer (allocator NULL). */
static pq_status compress_new(pq_codec_ctx *ctx, pq_codec c, int level, const uint8_t *data, size_t n, pq_buf *out,
                              pq_error *err)
{
    pq_buf_init(out, NULL);
    return pq_codec_compress(ctx, c, level, pq_bytes_make(data, n), out, err);
}

/** Decompress into a buffer one byte larger than out_len whose last byte is
 *  a sentinel, so a write past out_len is caught even outside ASan. */
static pq_status decompress_guarded(pq_codec_ctx *ctx, pq_codec c, const uint8_t *in, size_t in_len, size_t out_len,
                                    uint8_t **out, pq_error *err)
{
    uint8_t *o = malloc(out_len + 1);
    o[out_len] = 0xA5;
    pq_status s = pq_codec_decompress(ctx, c, pq_bytes_make(in, in_len), o, out_len, err);
    CHECK(o[out_len] == 0xA5);
    *out = o;
    return s;
}

/** Compress then decompress; checks the append contract and byte equality.
 *  Returns the compressed size. */
static size_t roundtrip(pq_codec_ctx *ctx, pq_codec c, int level, const uint8_t *data, size_t n)
{
    DECLARE_ERR;
    pq_buf out;
    pq_buf_init(&out, NULL);
    CHECK_OK(pq_buf_append(&out, "PFX", 3, err), err);
    CHECK_OK(pq_codec_compress(ctx, c, level, pq_bytes_make(data, n), &out, err), err);
    CHECK(out.len > 3 || c == PQ_CODEC_UNCOMPRESSED);
    CHECK(memcmp(out.data, "PFX", 3) == 0);
    size_t clen = out.len - 3;
    uint8_t *back = NULL;
    pq_status s = decompress_guarded(ctx, c, out.data + 3, clen, n, &back, err);
    CHECK_OK(s, err);
    if (s == PQ_OK && n && memcmp(back, data, n) != 0) {
        fprintf(stderr, "  %s level %d: %zu bytes differ after round trip\n", label(c), level, n);
        CHECK(0);
    }
    free(back);
    pq_buf_reset(&out);
    return clen;
}

/** True when err's message starts with "<CODEC>:". */
static bool names_codec(const pq_error *err, pq_codec c)
{
    size_t l = strlen(label(c));
    return strncmp(err->message, label(c), l) == 0 && err->message[l] == ':';
}

/* ---------------------------------------------------------------- tests */

TEST(ctx_lifecycle)
{
    DECLARE_ERR;
    pq_codec_ctx *ctx = NULL;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    CHECK(ctx != NULL);
    pq_codec_ctx_destroy(ctx);
    pq_codec_ctx_destroy(NULL);
}

TEST(can_write)
{
    static const struct { pq_codec c; bool w; } cases[] = {
        {PQ_CODEC_UNCOMPRESSED, true}, {PQ_CODEC_SNAPPY, true}, {PQ_CODEC_GZIP, true},   {PQ_CODEC_LZO, false},
        {PQ_CODEC_BROTLI, true},       {PQ_CODEC_LZ4, false},   {PQ_CODEC_ZSTD, true},   {PQ_CODEC_LZ4_RAW, true},
        {(pq_codec)8, false},          {(pq_codec)-1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) CHECK(pq_codec_can_write(cases[i].c) == cases[i].w);
}

TEST(roundtrip_all)
{
    static const struct { pq_codec c; int levels[7]; int n; } table[] = {
        {PQ_CODEC_UNCOMPRESSED, {0, 99}, 2},
        {PQ_CODEC_SNAPPY, {0, 5}, 2},
        {PQ_CODEC_GZIP, {0, 1, 6, 9, 12}, 5},
        {PQ_CODEC_ZSTD, {0, -5, 1, 3, 9, 19, 22}, 7},
        {PQ_CODEC_LZ4_RAW, {0, -10, 1, 2, 9, 12}, 6},
        {PQ_CODEC_BROTLI, {0, 1, 5, 9, 11}, 5},
    };
    const size_t big = (size_t)1 << 20;
    uint8_t *rnd = make_random(big), *rep = make_repetitive(big), *txt = make_text(100000);
    uint8_t one = 0x5A;
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        for (int l = 0; l < table[t].n; l++) {
            pq_codec c = table[t].c;
            int level = table[t].levels[l];
            /* An empty page still compresses to a non-empty stream (but for
             * UNCOMPRESSED), which must decode to 0 bytes. */
            size_t e = roundtrip(ctx, c, level, NULL, 0);
            if (c == PQ_CODEC_UNCOMPRESSED) CHECK_EQ_I64(e, 0);
            else CHECK(e > 0);
            CHECK(roundtrip(ctx, c, level, &one, 1) >= 1);
            size_t r = roundtrip(ctx, c, level, rnd, big);
            CHECK(r >= big || c != PQ_CODEC_UNCOMPRESSED);
            size_t p = roundtrip(ctx, c, level, rep, big);
            if (c == PQ_CODEC_UNCOMPRESSED) CHECK_EQ_I64(p, big);
            else CHECK(p < big / 10);
            size_t x = roundtrip(ctx, c, level, txt, 100000);
            if (c != PQ_CODEC_UNCOMPRESSED) CHECK(x < 100000 / 2);
        }
    }
    pq_codec_ctx_destroy(ctx);
    free(rnd);
    free(rep);
    free(txt);
}

/** The level reaches the library: the slowest level beats the fastest on text. */
TEST(levels_matter)
{
    static const struct { pq_codec c; int fast, slow; } table[] = {
        {PQ_CODEC_GZIP, 1, 12}, {PQ_CODEC_ZSTD, -5, 19}, {PQ_CODEC_LZ4_RAW, -10, 12}, {PQ_CODEC_BROTLI, 1, 11},
    };
    uint8_t *txt = make_text(200000);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t fast = roundtrip(ctx, table[i].c, table[i].fast, txt, 200000);
        size_t slow = roundtrip(ctx, table[i].c, table[i].slow, txt, 200000);
        if (!(slow < fast)) fprintf(stderr, "  %s: level %d gave %zu, level %d gave %zu\n", label(table[i].c),
                                    table[i].fast, fast, table[i].slow, slow);
        CHECK(slow < fast);
    }
    /* Default (0) is the documented level: zstd 3, gzip 6, brotli 6. */
    static const struct { pq_codec c; int level; } defaults[] = {
        {PQ_CODEC_ZSTD, 3}, {PQ_CODEC_GZIP, 6}, {PQ_CODEC_BROTLI, 6}, {PQ_CODEC_LZ4_RAW, 1}};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        pq_buf a, b;
        CHECK_OK(compress_new(ctx, defaults[i].c, 0, txt, 200000, &a, err), err);
        CHECK_OK(compress_new(ctx, defaults[i].c, defaults[i].level, txt, 200000, &b, err), err);
        CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
        pq_buf_reset(&a);
        pq_buf_reset(&b);
    }
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

TEST(levels_out_of_range)
{
    static const struct { pq_codec c; int level; } bad[] = {
        {PQ_CODEC_GZIP, 13},    {PQ_CODEC_GZIP, -1},       {PQ_CODEC_ZSTD, 23},         {PQ_CODEC_BROTLI, 12},
        {PQ_CODEC_BROTLI, -1},  {PQ_CODEC_LZ4_RAW, 13},    {PQ_CODEC_LZ4_RAW, -65538},  {PQ_CODEC_ZSTD, -1000000},
    };
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pq_buf out;
        CHECK_STATUS(compress_new(ctx, bad[i].c, bad[i].level, (const uint8_t *)"abc", 3, &out, err),
                     PQ_ERR_INVALID_ARG);
        CHECK(names_codec(err, bad[i].c));
        CHECK_EQ_I64(out.len, 0);
        pq_buf_reset(&out);
    }
    pq_codec_ctx_destroy(ctx);
}

/** Empty input with out_len 0 is accepted for every codec, NULL pointers included. */
TEST(empty_page)
{
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (int c = 0; c <= 7; c++)
        CHECK_OK(pq_codec_decompress(ctx, (pq_codec)c, pq_bytes_make(NULL, 0), NULL, 0, err), err);
    /* ...but an empty input cannot produce bytes. */
    uint8_t o[4];
    for (size_t i = 0; i < N_WRITABLE; i++) {
        CHECK_STATUS(pq_codec_decompress(ctx, k_writable[i], pq_bytes_make(NULL, 0), o, 4, err), PQ_ERR_CORRUPT);
        CHECK(names_codec(err, k_writable[i]));
    }
    CHECK_STATUS(pq_codec_decompress(ctx, PQ_CODEC_LZ4, pq_bytes_make(NULL, 0), o, 4, err), PQ_ERR_CORRUPT);
    pq_codec_ctx_destroy(ctx);
}

/** Exact messages and statuses when out_len disagrees with the stream. */
TEST(wrong_out_len)
{
    const size_t n = 4096;
    uint8_t *txt = make_text(n);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    const size_t lens[] = {n - 1, n + 1, n / 2, 2 * n, 1, 0};
    for (size_t i = 0; i < N_WRITABLE; i++) {
        pq_codec c = k_writable[i];
        pq_buf z;
        CHECK_OK(compress_new(ctx, c, 0, txt, n, &z, err), err);
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
            uint8_t *o;
            CHECK_STATUS(decompress_guarded(ctx, c, z.data, z.len, lens[k], &o, err), PQ_ERR_CORRUPT);
            CHECK(names_codec(err, c));
            CHECK(strstr(err->message, "expected") != NULL);
            free(o);
        }
        pq_buf_reset(&z);
    }
    /* Messages name both sizes where the stream declares its size. */
    pq_buf z;
    uint8_t *o;
    CHECK_OK(compress_new(ctx, PQ_CODEC_SNAPPY, 0, txt, n, &z, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_SNAPPY, z.data, z.len, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "SNAPPY: expected 4095 decompressed bytes, found 4096");
    free(o);
    pq_buf_reset(&z);
    CHECK_OK(compress_new(ctx, PQ_CODEC_ZSTD, 0, txt, n, &z, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_ZSTD, z.data, z.len, n + 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "ZSTD: expected 4097 decompressed bytes, found 4096");
    free(o);
    /* The frame declares its size, so a short out_len is caught before decoding. */
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_ZSTD, z.data, z.len, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "ZSTD: expected 4095 decompressed bytes, found 4096");
    free(o);
    pq_buf_reset(&z);
    CHECK_OK(compress_new(ctx, PQ_CODEC_GZIP, 0, txt, n, &z, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, z.len, n + 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "GZIP: expected 4097 decompressed bytes, found 4096");
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, z.len, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "GZIP: expected 4095 decompressed bytes, found more");
    free(o);
    pq_buf_reset(&z);
    CHECK_OK(compress_new(ctx, PQ_CODEC_BROTLI, 0, txt, n, &z, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_BROTLI, z.data, z.len, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "BROTLI: expected 4095 decompressed bytes, found more");
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_BROTLI, z.data, z.len, n + 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "BROTLI: expected 4097 decompressed bytes, found 4096");
    free(o);
    pq_buf_reset(&z);
    CHECK_OK(compress_new(ctx, PQ_CODEC_LZ4_RAW, 0, txt, n, &z, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4_RAW, z.data, z.len, n + 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "LZ4_RAW: expected 4097 decompressed bytes, found 4096");
    free(o);
    pq_buf_reset(&z);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_UNCOMPRESSED, txt, n, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "UNCOMPRESSED: expected 4095 decompressed bytes, found 4096");
    free(o);
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

/** Every proper prefix of a stream, and the stream plus one byte, is corrupt. */
TEST(truncated_and_extended)
{
    const size_t n = 3000;
    uint8_t *txt = make_text(n);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t i = 0; i < N_WRITABLE; i++) {
        pq_codec c = k_writable[i];
        pq_buf z;
        CHECK_OK(compress_new(ctx, c, 0, txt, n, &z, err), err);
        size_t bad = 0;
        for (size_t cut = 0; cut < z.len; cut++) {
            uint8_t *o;
            if (decompress_guarded(ctx, c, z.data, cut, n, &o, err) != PQ_ERR_CORRUPT) bad++;
            free(o);
        }
        if (bad) fprintf(stderr, "  %s: %zu truncations not reported as corrupt\n", label(c), bad);
        CHECK_EQ_I64(bad, 0);
        CHECK_OK(pq_buf_push(&z, 0x00, err), err);
        uint8_t *o;
        CHECK_STATUS(decompress_guarded(ctx, c, z.data, z.len, n, &o, err), PQ_ERR_CORRUPT);
        CHECK(names_codec(err, c));
        free(o);
        pq_buf_reset(&z);
    }
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

/** Garbled streams: each byte in turn replaced.  Codecs without a checksum
 *  may decode to other bytes, but the status is OK or CORRUPT, nothing else,
 *  and nothing is written past out_len.  Gzip's CRC-32 and size trailer
 *  catch every change past the 10-byte header. */
TEST(garbled)
{
    const size_t n = 2000;
    uint8_t *txt = make_text(n);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t i = 0; i < N_WRITABLE; i++) {
        pq_codec c = k_writable[i];
        pq_buf z;
        CHECK_OK(compress_new(ctx, c, 0, txt, n, &z, err), err);
        size_t odd = 0, gzip_missed = 0;
        for (size_t pos = 0; pos < z.len; pos++) {
            for (int pass = 0; pass < 2; pass++) {
                uint8_t keep = z.data[pos];
                z.data[pos] = pass ? (uint8_t)(keep ^ 0xFF) : (uint8_t)(keep + 1);
                uint8_t *o;
                pq_status s = decompress_guarded(ctx, c, z.data, z.len, n, &o, err);
                if (s != PQ_OK && s != PQ_ERR_CORRUPT) odd++;
                if (c == PQ_CODEC_GZIP && pos >= 10 && s != PQ_ERR_CORRUPT) gzip_missed++;
                free(o);
                z.data[pos] = keep;
            }
        }
        if (odd) fprintf(stderr, "  %s: %zu garbled streams gave an unexpected status\n", label(c), odd);
        CHECK_EQ_I64(odd, 0);
        CHECK_EQ_I64(gzip_missed, 0);
        pq_buf_reset(&z);
    }
    /* Random bytes are not a stream of any codec. */
    uint8_t *junk = make_random(64);
    for (size_t i = 1; i < N_WRITABLE; i++) {
        uint8_t *o;
        CHECK_STATUS(decompress_guarded(ctx, k_writable[i], junk, 64, 100, &o, err), PQ_ERR_CORRUPT);
        free(o);
    }
    uint8_t *o;
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, junk, 64, 100, &o, err), PQ_ERR_CORRUPT);
    CHECK(names_codec(err, PQ_CODEC_LZ4));
    free(o);
    free(junk);
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

/** Several gzip members back to back decode to the concatenation
 *  (concatenated_gzip_members.parquet); an empty member in the middle too. */
TEST(gzip_members)
{
    uint8_t *a = make_text(3000), *b = make_random(500);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    pq_buf z;
    pq_buf_init(&z, NULL);
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_GZIP, 1, pq_bytes_make(a, 3000), &z, err), err);
    size_t first = z.len;
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_GZIP, 0, pq_bytes_make(NULL, 0), &z, err), err);
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_GZIP, 9, pq_bytes_make(b, 500), &z, err), err);
    uint8_t *o;
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, z.len, 3500, &o, err), err);
    CHECK(memcmp(o, a, 3000) == 0 && memcmp(o + 3000, b, 500) == 0);
    free(o);
    /* The first member alone is too short for 3500 bytes, and too long for 2999. */
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, first, 3500, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "GZIP: expected 3500 decompressed bytes, found 3000");
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, z.len, 3000, &o, err), PQ_ERR_CORRUPT);
    free(o);
    /* Bytes after the last member that are not a member are corrupt. */
    CHECK_OK(pq_buf_append(&z, "xyz", 3, err), err);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_GZIP, z.data, z.len, 3500, &o, err), PQ_ERR_CORRUPT);
    free(o);
    pq_buf_reset(&z);
    pq_codec_ctx_destroy(ctx);
    free(a);
    free(b);
}

/** Zstd frames without a content size (streaming writers) and several frames. */
TEST(zstd_frames)
{
    const size_t n = 10000;
    uint8_t *txt = make_text(n);
    ZSTD_CCtx *zc = ZSTD_createCCtx();
    CHECK_EQ_I64(ZSTD_isError(ZSTD_CCtx_setParameter(zc, ZSTD_c_contentSizeFlag, 0)), 0);
    size_t cap = ZSTD_compressBound(n);
    uint8_t *z = malloc(cap);
    size_t zlen = ZSTD_compress2(zc, z, cap, txt, n);
    CHECK(!ZSTD_isError(zlen));
    CHECK(ZSTD_getFrameContentSize(z, zlen) == ZSTD_CONTENTSIZE_UNKNOWN);
    ZSTD_freeCCtx(zc);

    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    uint8_t *o;
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_ZSTD, z, zlen, n, &o, err), err);
    CHECK(memcmp(o, txt, n) == 0);
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_ZSTD, z, zlen, n - 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "ZSTD: expected 9999 decompressed bytes, found more");
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_ZSTD, z, zlen, n + 1, &o, err), PQ_ERR_CORRUPT);
    CHECK_EQ_STR(err->message, "ZSTD: expected 10001 decompressed bytes, found 10000");
    free(o);
    free(z);

    /* Two frames appended to one buffer decode to the concatenation. */
    pq_buf two;
    pq_buf_init(&two, NULL);
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_ZSTD, 1, pq_bytes_make(txt, 6000), &two, err), err);
    CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_ZSTD, 5, pq_bytes_make(txt + 6000, n - 6000), &two, err), err);
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_ZSTD, two.data, two.len, n, &o, err), err);
    CHECK(memcmp(o, txt, n) == 0);
    free(o);
    pq_buf_reset(&two);

    /* page_v2_empty_compressed.parquet: a frame of empty content, out_len 0. */
    static const uint8_t empty_frame[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00};
    CHECK_OK(pq_codec_decompress(ctx, PQ_CODEC_ZSTD, pq_bytes_make(empty_frame, sizeof empty_frame), NULL, 0, err),
             err);
    uint8_t one[1];
    CHECK_STATUS(pq_codec_decompress(ctx, PQ_CODEC_ZSTD, pq_bytes_make(empty_frame, sizeof empty_frame), one, 1, err),
                 PQ_ERR_CORRUPT);
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

/** Append Hadoop frames ([u32 BE raw][u32 BE compressed][block]) of `data`
 *  cut at the offsets in `cuts` (ascending, ending with n). */
static void hadoop_frames(pq_codec_ctx *ctx, const uint8_t *data, const size_t *cuts, size_t n_cuts, pq_buf *out)
{
    DECLARE_ERR;
    size_t start = 0;
    for (size_t i = 0; i < n_cuts; i++) {
        size_t raw = cuts[i] - start, at = out->len;
        CHECK_OK(pq_buf_resize(out, at + 8, err), err);
        CHECK_OK(pq_codec_compress(ctx, PQ_CODEC_LZ4_RAW, 0, pq_bytes_make(data + start, raw), out, err), err);
        size_t comp = out->len - at - 8;
        uint8_t *h = out->data + at;
        h[0] = (uint8_t)(raw >> 24), h[1] = (uint8_t)(raw >> 16), h[2] = (uint8_t)(raw >> 8), h[3] = (uint8_t)raw;
        h[4] = (uint8_t)(comp >> 24), h[5] = (uint8_t)(comp >> 16), h[6] = (uint8_t)(comp >> 8), h[7] = (uint8_t)comp;
        start = cuts[i];
    }
}

TEST(lz4_hadoop)
{
    const size_t n = 20000;
    uint8_t *txt = make_text(n);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    static const size_t one_cut[] = {20000}, many_cuts[] = {7000, 7000, 15000, 19999, 20000};
    static const struct { const size_t *cuts; size_t n; } layouts[] = {{one_cut, 1}, {many_cuts, 5}};
    for (size_t l = 0; l < 2; l++) {
        pq_buf z;
        pq_buf_init(&z, NULL);
        hadoop_frames(ctx, txt, layouts[l].cuts, layouts[l].n, &z);
        uint8_t *o;
        CHECK_OK(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n, &o, err), err);
        CHECK(memcmp(o, txt, n) == 0);
        free(o);
        /* Wrong sizes or a cut frame fit none of the three layouts. */
        CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n - 1, &o, err), PQ_ERR_CORRUPT);
        CHECK(names_codec(err, PQ_CODEC_LZ4));
        free(o);
        CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n + 1, &o, err), PQ_ERR_CORRUPT);
        free(o);
        CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len - 1, n, &o, err), PQ_ERR_CORRUPT);
        free(o);
        CHECK_OK(pq_buf_append(&z, "\0\0\0", 3, err), err); /* a partial frame header after the last frame */
        CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n, &o, err), PQ_ERR_CORRUPT);
        free(o);
        z.len -= 3;
        z.data[3] ^= 1; /* first frame's raw size off by one */
        CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n, &o, err), PQ_ERR_CORRUPT);
        free(o);
        pq_buf_reset(&z);
    }
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

/** Real pages from parquet-testing: dictionary pages of column c0 holding the
 *  int64 values 1593604800 and 1593604801 (and the lz4_raw data page). */
TEST(lz4_corpus_pages)
{
    static const uint8_t hadoop[] = {0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x12, 0xf0, 0x01, 0xc0, 0x7a, 0xfc,
                                     0x5e, 0x00, 0x00, 0x00, 0x00, 0xc1, 0x7a, 0xfc, 0x5e, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t non_hadoop[] = {0xf0, 0x01, 0xc0, 0x7a, 0xfc, 0x5e, 0x00, 0x00, 0x00,
                                         0x00, 0xc1, 0x7a, 0xfc, 0x5e, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t raw_page[] = {0x84, 0xc0, 0x7a, 0xfc, 0x5e, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x13,
                                       0xc1, 0x10, 0x00, 0x80, 0xc1, 0x7a, 0xfc, 0x5e, 0x00, 0x00, 0x00, 0x00};
    static const struct { const char *name; pq_codec c; const uint8_t *in; size_t len; int64_t v[4]; size_t n; } pages[] = {
        {"hadoop_lz4_compressed", PQ_CODEC_LZ4, hadoop, sizeof hadoop, {1593604800, 1593604801}, 2},
        {"non_hadoop_lz4_compressed", PQ_CODEC_LZ4, non_hadoop, sizeof non_hadoop, {1593604800, 1593604801}, 2},
        {"lz4_raw_compressed", PQ_CODEC_LZ4_RAW, raw_page, sizeof raw_page,
         {1593604800, 1593604800, 1593604801, 1593604801}, 4},
    };
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        uint8_t *o;
        harness_case = pages[i].name;
        CHECK_OK(decompress_guarded(ctx, pages[i].c, pages[i].in, pages[i].len, pages[i].n * 8, &o, err), err);
        for (size_t k = 0; k < pages[i].n; k++) CHECK_EQ_I64((int64_t)pq_load_u64le(o + 8 * k), pages[i].v[k]);
        free(o);
    }
    pq_codec_ctx_destroy(ctx);
}

/** Legacy LZ4 falls back to a raw block and then to the frame format. */
TEST(lz4_fallbacks)
{
    const size_t n = 50000;
    uint8_t *txt = make_text(n);
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    pq_buf z;
    uint8_t *o;
    CHECK_OK(compress_new(ctx, PQ_CODEC_LZ4_RAW, 0, txt, n, &z, err), err);
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_LZ4, z.data, z.len, n, &o, err), err);
    CHECK(memcmp(o, txt, n) == 0);
    free(o);
    pq_buf_reset(&z);

    /* Frame format: with a content checksum and small blocks, then two frames. */
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs.frameInfo.contentSize = n;
    size_t cap = 2 * LZ4F_compressFrameBound(n, &prefs);
    uint8_t *f = malloc(cap);
    size_t flen = LZ4F_compressFrame(f, cap, txt, n, &prefs);
    CHECK(!LZ4F_isError(flen));
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen, n, &o, err), err);
    CHECK(memcmp(o, txt, n) == 0);
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen, n - 1, &o, err), PQ_ERR_CORRUPT);
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen, n + 1, &o, err), PQ_ERR_CORRUPT);
    free(o);
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen - 1, n, &o, err), PQ_ERR_CORRUPT);
    free(o);
    /* A damaged content checksum (the frame's last 4 bytes) is caught. */
    f[flen - 1] ^= 0x40;
    CHECK_STATUS(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen, n, &o, err), PQ_ERR_CORRUPT);
    free(o);
    f[flen - 1] ^= 0x40;
    size_t flen2 = LZ4F_compressFrame(f + flen, cap - flen, txt, n, &prefs);
    CHECK(!LZ4F_isError(flen2));
    CHECK_OK(decompress_guarded(ctx, PQ_CODEC_LZ4, f, flen + flen2, 2 * n, &o, err), err);
    CHECK(memcmp(o, txt, n) == 0 && memcmp(o + n, txt, n) == 0);
    free(o);
    free(f);
    pq_codec_ctx_destroy(ctx);
    free(txt);
}

TEST(unsupported)
{
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    pq_buf z;
    CHECK_STATUS(compress_new(ctx, PQ_CODEC_LZ4, 0, (const uint8_t *)"abc", 3, &z, err), PQ_ERR_UNSUPPORTED);
    CHECK_EQ_STR(err->message, "legacy LZ4 codec is not written; use lz4_raw");
    CHECK_EQ_I64(z.len, 0);
    CHECK_STATUS(compress_new(ctx, PQ_CODEC_LZO, 0, (const uint8_t *)"abc", 3, &z, err), PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(compress_new(ctx, (pq_codec)9, 0, (const uint8_t *)"abc", 3, &z, err), PQ_ERR_INVALID_ARG);
    uint8_t o[8];
    CHECK_STATUS(pq_codec_decompress(ctx, PQ_CODEC_LZO, pq_bytes_make("abcdefgh", 8), o, 8, err),
                 PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(pq_codec_decompress(ctx, (pq_codec)8, pq_bytes_make("abcdefgh", 8), o, 8, err),
                 PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(pq_codec_decompress(ctx, (pq_codec)-1, pq_bytes_make(NULL, 0), NULL, 0, err), PQ_ERR_UNSUPPORTED);
    pq_codec_ctx_destroy(ctx);
}

/** Sizes beyond Parquet's i32 page sizes are refused before any memory is touched. */
TEST(size_limits)
{
    pq_codec_ctx *ctx;
    DECLARE_ERR;
    CHECK_OK(pq_codec_ctx_create(&ctx, NULL, err), err);
    uint8_t small[16] = {0};
    const size_t huge = (size_t)INT32_MAX + 1;
    for (size_t i = 0; i < N_WRITABLE; i++) {
        pq_codec c = k_writable[i];
        CHECK_STATUS(pq_codec_decompress(ctx, c, pq_bytes_make(small, 16), small, huge, err), PQ_ERR_LIMIT);
        CHECK(names_codec(err, c));
        CHECK_STATUS(pq_codec_decompress(ctx, c, pq_bytes_make(small, huge), small, 16, err), PQ_ERR_LIMIT);
        pq_buf z;
        CHECK_STATUS(compress_new(ctx, c, 0, small, huge, &z, err), PQ_ERR_LIMIT);
        CHECK_EQ_I64(z.len, 0);
    }
    CHECK_STATUS(pq_codec_decompress(ctx, PQ_CODEC_LZ4, pq_bytes_make(small, 16), small, huge, err), PQ_ERR_LIMIT);
    CHECK_STATUS(pq_codec_decompress(ctx, PQ_CODEC_SNAPPY, pq_bytes_make(small, 16), NULL, 16, err),
                 PQ_ERR_INVALID_ARG);
    pq_codec_ctx_destroy(ctx);
}

/** Compress+decompress (or decompress `foreign`) with the Nth allocation
 *  failing, for every N until a run sees no failure: a run returns NOMEM
 *  exactly when an allocation was refused, and leaks nothing. */
static void fault_loop(pq_codec c, int level, const uint8_t *data, size_t n, const uint8_t *foreign, size_t flen)
{
    long nomem = 0, n_fail;
    for (n_fail = 1; n_fail < 10000; n_fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, n_fail);
        DECLARE_ERR;
        pq_codec_ctx *ctx = NULL;
        pq_status s = pq_codec_ctx_create(&ctx, &a, err);
        pq_buf z;
        pq_buf_init(&z, &a);
        uint8_t *o = malloc(n + 1);
        if (s == PQ_OK) {
            if (foreign) s = pq_codec_decompress(ctx, c, pq_bytes_make(foreign, flen), o, n, err);
            else s = pq_codec_compress(ctx, c, level, pq_bytes_make(data, n), &z, err);
        }
        if (s == PQ_OK && !foreign) s = pq_codec_decompress(ctx, c, pq_bytes_make(z.data, z.len), o, n, err);
        if (s == PQ_OK) CHECK(memcmp(o, data, n) == 0);
        /* Every refused allocation surfaces as NOMEM; none is swallowed. */
        if (f.failed != (s == PQ_ERR_NOMEM)) {
            fprintf(stderr, "  %s fail_at %ld: status %d: %s\n", label(c), n_fail, (int)s, err->message);
            CHECK(0);
        }
        nomem += s == PQ_ERR_NOMEM;
        free(o);
        pq_buf_reset(&z);
        pq_codec_ctx_destroy(ctx);
        CHECK_EQ_I64(f.live, 0);
        if (!f.failed) {
            CHECK_OK(s, err);
            break;
        }
    }
    CHECK(nomem >= 1);
    CHECK(n_fail < 10000);
    if (getenv("PQ_TEST_VERBOSE")) fprintf(stderr, "  %s level %d: %ld allocations\n", label(c), level, n_fail - 1);
}

TEST(fault_injection)
{
    const size_t n = 20000;
    uint8_t *txt = make_text(n);
    for (size_t i = 0; i < N_WRITABLE; i++) fault_loop(k_writable[i], 0, txt, n, NULL, 0);
    fault_loop(PQ_CODEC_ZSTD, 19, txt, n, NULL, 0);
    fault_loop(PQ_CODEC_LZ4_RAW, 9, txt, n, NULL, 0);
    fault_loop(PQ_CODEC_BROTLI, 11, txt, n, NULL, 0);
    /* Legacy LZ4 frame format: the frame decoder context and its buffers. */
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    size_t cap = LZ4F_compressFrameBound(n, &prefs);
    uint8_t *f = malloc(cap);
    size_t flen = LZ4F_compressFrame(f, cap, txt, n, &prefs);
    CHECK(!LZ4F_isError(flen));
    fault_loop(PQ_CODEC_LZ4, 0, txt, n, f, flen);
    free(f);
    free(txt);
}

int main(void)
{
    RUN(ctx_lifecycle);
    RUN(can_write);
    RUN(roundtrip_all);
    RUN(levels_matter);
    RUN(levels_out_of_range);
    RUN(empty_page);
    RUN(wrong_out_len);
    RUN(truncated_and_extended);
    RUN(garbled);
    RUN(gzip_members);
    RUN(zstd_frames);
    RUN(lz4_hadoop);
    RUN(lz4_corpus_pages);
    RUN(lz4_fallbacks);
    RUN(unsupported);
    RUN(size_limits);
    RUN(fault_injection);
    return harness_done();
}
