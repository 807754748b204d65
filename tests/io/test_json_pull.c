/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/io/test_json_pull.c - the streaming JSON pull parser (io/json_pull.c):
 * token sequences with offsets and depths for every value kind, BOM,
 * escapes and surrogates, NaN/Infinity on and off, int64 limits, doubles
 * bit-exact against strtod, duplicate keys (top level, nested, in
 * pq_jpull_value, in objects past the linear-search size), truncation at
 * every byte, invalid UTF-8, trailing data, depth and size limits, tokens
 * straddling block ends (every block size gives the same token stream), the
 * DOM of pq_jpull_value node by node against io/json.c's record parser,
 * value/skip/peek mixed with next, exact error messages and locations,
 * sticky failures and allocation failures at every allocation.
 */
#include "io/json_pull.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

/* ------------------------------------------------------------- helpers */

static const size_t BLOCKS[] = {1, 2, 3, 7, 64, 0};
#define N_BLOCKS (sizeof BLOCKS / sizeof BLOCKS[0])

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

typedef struct parser {
    pq_source src;
    pq_jpull *p;
} parser;

/* Open a parser over n bytes of text with block size `block` and `o`
 * (NULL = defaults). */
static void popen_(parser *ps, const char *text, size_t n, size_t block, const pq_jpull_options *o)
{
    pq_jpull_options opt;
    if (o) opt = *o;
    else pq_jpull_options_init(&opt);
    opt.block_size = block;
    pq_error err;
    pq_source_open_memory(&ps->src, text, n, "test");
    ps->p = NULL;
    CHECK_OK(pq_jpull_open(&ps->p, &ps->src, &opt, NULL, &err), &err);
}

static void pclose_(parser *ps)
{
    pq_jpull_close(ps->p);
    pq_source_close(&ps->src);
}

static const char *TYPE_NAMES[] = {"END", "{", "}", "[", "]", "KEY", "STR", "INT", "BIG", "DBL", "null", "true", "false"};

/* Append the text of token t (type, depth, offset, payload) to out. */
static void dump_tok(const pq_jtok *t, pq_buf *out)
{
    char line[128];
    int n = snprintf(line, sizeof line, "%s d%d @%lld", TYPE_NAMES[t->type], (int)t->depth, (long long)t->offset);
    CHECK(pq_buf_append(out, line, (size_t)n, NULL) == PQ_OK);
    if (t->type == PQ_JTOK_INT) {
        n = snprintf(line, sizeof line, " i=%lld", (long long)t->i);
        CHECK(pq_buf_append(out, line, (size_t)n, NULL) == PQ_OK);
    }
    if (t->type >= PQ_JTOK_INT && t->type <= PQ_JTOK_DOUBLE) {
        uint64_t bits;
        memcpy(&bits, &t->d, 8);
        n = snprintf(line, sizeof line, " d=%016llx", (unsigned long long)bits);
        CHECK(pq_buf_append(out, line, (size_t)n, NULL) == PQ_OK);
    }
    if (t->type >= PQ_JTOK_KEY && t->type <= PQ_JTOK_DOUBLE) {
        CHECK(pq_buf_append(out, " '", 2, NULL) == PQ_OK);
        CHECK(pq_buf_append(out, t->str, t->len, NULL) == PQ_OK);
        CHECK(pq_buf_push(out, '\'', NULL) == PQ_OK);
    }
    CHECK(pq_buf_push(out, '\n', NULL) == PQ_OK);
}

/* Read every token of text with `block`; the dump (with the final status,
 * message and location) goes to out.  Returns the final status. */
static pq_status read_tokens(const char *text, size_t n, size_t block, const pq_jpull_options *o, pq_buf *out)
{
    parser ps;
    popen_(&ps, text, n, block, o);
    pq_jtok t;
    pq_error err;
    pq_status s;
    int guard = 0;
    while ((s = pq_jpull_next(ps.p, &t, &err)) == PQ_OK) {
        dump_tok(&t, out);
        if (t.type == PQ_JTOK_END || ++guard > 1000000) break;
    }
    if (s == PQ_OK) {
        /* END again on later calls */
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK(t.type == PQ_JTOK_END);
    } else {
        char line[400];
        int k = snprintf(line, sizeof line, "status %d: %s [%lld:%lld]\n", (int)s, err.message,
                         (long long)err.where.offset, (long long)err.where.line);
        CHECK(pq_buf_append(out, line, (size_t)k, NULL) == PQ_OK);
        /* sticky: the same status and message again */
        pq_error again;
        CHECK_STATUS(pq_jpull_next(ps.p, &t, &again), s);
        CHECK_EQ_STR(again.message, err.message);
    }
    pclose_(&ps);
    return s;
}

/* Status and error of the first failure reading all tokens of text. */
static pq_status first_error(const char *text, size_t n, size_t block, const pq_jpull_options *o, pq_error *err)
{
    parser ps;
    popen_(&ps, text, n, block, o);
    pq_jtok t;
    pq_status s;
    while ((s = pq_jpull_next(ps.p, &t, err)) == PQ_OK && t.type != PQ_JTOK_END) {}
    pclose_(&ps);
    return s;
}

static pq_status parse_all(const char *text, const pq_jpull_options *o, pq_error *err)
{
    return first_error(text, strlen(text), 0, o, err);
}

/* The only token of a one-value document, and END after it. */
static pq_status single(const char *text, const pq_jpull_options *o, pq_jtok *t, char *str, size_t cap)
{
    parser ps;
    popen_(&ps, text, strlen(text), 0, o);
    pq_error err;
    pq_status s = pq_jpull_next(ps.p, t, &err);
    if (s == PQ_OK) {
        size_t n = t->len < cap - 1 ? t->len : cap - 1;
        if (t->str) memcpy(str, t->str, n);
        str[t->str ? n : 0] = 0;
        pq_jtok end;
        s = pq_jpull_next(ps.p, &end, &err);
        if (s == PQ_OK) CHECK(end.type == PQ_JTOK_END);
    }
    pclose_(&ps);
    return s;
}

/* Same token stream for every block size as with the default. */
static void check_blocks(const char *text, size_t n, const pq_jpull_options *o)
{
    pq_buf ref;
    pq_buf_init(&ref, NULL);
    pq_status s0 = read_tokens(text, n, 0, o, &ref);
    for (size_t b = 0; b + 1 < N_BLOCKS; b++) {
        pq_buf got;
        pq_buf_init(&got, NULL);
        pq_status s = read_tokens(text, n, BLOCKS[b], o, &got);
        CHECK_EQ_I64(s, s0);
        CHECK(got.len == ref.len && memcmp(got.data, ref.data, ref.len) == 0);
        if (got.len != ref.len || memcmp(got.data, ref.data, ref.len) != 0)
            fprintf(stderr, "block %zu differs:\n%.*s\n--- vs default ---\n%.*s\n", BLOCKS[b], (int)got.len,
                    (const char *)got.data, (int)ref.len, (const char *)ref.data);
        pq_buf_reset(&got);
    }
    pq_buf_reset(&ref);
}

/* ----------------------------------------------------------- tokens */

typedef struct expect_tok {
    pq_jtok_type type;
    int depth;
    int64_t offset;
    const char *text;          /* str for KEY/STRING/numbers, NULL otherwise */
} expect_tok;

TEST(token_sequence)
{
    static const char doc[] = "{\"a\": [1, -2, 3.5, \"s\", true, false, null, {}, []], \"b\": {\"c\": 1e2}}";
    static const expect_tok want[] = {
        {PQ_JTOK_OBJECT_BEGIN, 0, 0, NULL}, {PQ_JTOK_KEY, 1, 1, "a"},         {PQ_JTOK_ARRAY_BEGIN, 1, 6, NULL},
        {PQ_JTOK_INT, 2, 7, "1"},           {PQ_JTOK_INT, 2, 10, "-2"},        {PQ_JTOK_DOUBLE, 2, 14, "3.5"},
        {PQ_JTOK_STRING, 2, 19, "s"},       {PQ_JTOK_TRUE, 2, 24, NULL},       {PQ_JTOK_FALSE, 2, 30, NULL},
        {PQ_JTOK_NULL, 2, 37, NULL},        {PQ_JTOK_OBJECT_BEGIN, 2, 43, NULL}, {PQ_JTOK_OBJECT_END, 2, 44, NULL},
        {PQ_JTOK_ARRAY_BEGIN, 2, 47, NULL}, {PQ_JTOK_ARRAY_END, 2, 48, NULL},  {PQ_JTOK_ARRAY_END, 1, 49, NULL},
        {PQ_JTOK_KEY, 1, 52, "b"},          {PQ_JTOK_OBJECT_BEGIN, 1, 57, NULL}, {PQ_JTOK_KEY, 2, 58, "c"},
        {PQ_JTOK_DOUBLE, 2, 63, "1e2"},     {PQ_JTOK_OBJECT_END, 1, 66, NULL}, {PQ_JTOK_OBJECT_END, 0, 67, NULL},
        {PQ_JTOK_END, 0, 68, NULL},
    };
    for (size_t b = 0; b < N_BLOCKS; b++) {
        parser ps;
        popen_(&ps, doc, sizeof doc - 1, BLOCKS[b], NULL);
        pq_error err;
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            pq_jtok t;
            CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
            CHECK_EQ_I64(t.type, want[k].type);
            CHECK_EQ_I64(t.depth, want[k].depth);
            CHECK_EQ_I64(t.offset, want[k].offset);
            if (want[k].text) CHECK(t.len == strlen(want[k].text) && memcmp(t.str, want[k].text, t.len) == 0);
            if (t.type == PQ_JTOK_INT) CHECK_EQ_I64(t.i, atoll(want[k].text));
            if (t.type == PQ_JTOK_INT) CHECK(t.d == (double)t.i);
            if (t.type == PQ_JTOK_DOUBLE) CHECK(t.d == strtod(want[k].text, NULL));
        }
        CHECK_EQ_I64(pq_jpull_offset(ps.p), sizeof doc - 1);
        pclose_(&ps);
    }
}

TEST(top_level_scalars)
{
    static const struct {
        const char *text;
        pq_jtok_type type;
        const char *str;
    } cases[] = {
        {"123", PQ_JTOK_INT, "123"},  {" -0 ", PQ_JTOK_INT, "-0"},   {"\"x\"", PQ_JTOK_STRING, "x"},
        {"true", PQ_JTOK_TRUE, ""},   {"\n\tfalse\r\n", PQ_JTOK_FALSE, ""}, {"null", PQ_JTOK_NULL, ""},
        {"0.5", PQ_JTOK_DOUBLE, "0.5"}, {"\"\"", PQ_JTOK_STRING, ""}, {"1E+2", PQ_JTOK_DOUBLE, "1E+2"},
        {"-1.5e-3", PQ_JTOK_DOUBLE, "-1.5e-3"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pq_jtok t;
        char s[64];
        CHECK_OK(single(cases[k].text, NULL, &t, s, sizeof s), NULL);
        CHECK_EQ_I64(t.type, cases[k].type);
        CHECK_EQ_STR(s, cases[k].str);
        CHECK_EQ_I64(t.depth, 0);
        check_blocks(cases[k].text, strlen(cases[k].text), NULL);
    }
    static const char *bad[] = {"", "   ", "\n", "01", "-", "1.", ".5", "1e", "1e+", "+1", "tru", "nul", "True",
                                "'a'", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "{\"a\"}", "{\"a\":}", "{1:2}",
                                "[1 2]", "\"abc", "-a", "1.e5", "0x10", "[01]", "--1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pq_error err;
        CHECK_STATUS(parse_all(bad[k], NULL, &err), PQ_ERR_PARSE);
        CHECK(strstr(err.message, " at byte ") != NULL);
        check_blocks(bad[k], strlen(bad[k]), NULL);
    }
}

TEST(bom)
{
    static const char doc[] = "\xEF\xBB\xBF{\"a\": 1}";
    parser ps;
    popen_(&ps, doc, sizeof doc - 1, 1, NULL);
    pq_jtok t;
    pq_error err;
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.type, PQ_JTOK_OBJECT_BEGIN);
    CHECK_EQ_I64(t.offset, 3);
    pclose_(&ps);
    check_blocks(doc, sizeof doc - 1, NULL);
    /* a BOM alone is no document; one after whitespace is an error */
    CHECK_STATUS(parse_all("\xEF\xBB\xBF", NULL, &err), PQ_ERR_PARSE);
    CHECK_STATUS(parse_all(" \xEF\xBB\xBF{}", NULL, &err), PQ_ERR_PARSE);
    CHECK_STATUS(parse_all("\xEF\xBB{}", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected a value, found byte 0xEF at byte 0 (line 1, column 1)");
}

/* ------------------------------------------------------------ strings */

TEST(escapes)
{
    static const struct {
        const char *json;
        const char *bytes;
        size_t n;
    } cases[] = {
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8},
        {"\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC", 6},
        {"\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80", 4},
        {"\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF", 4},
        {"\"a\\u0000b\"", "a\0b", 3},
        {"\"x\\ny\xC3\xA9z\xF0\x9F\x98\x80\"", "x\ny\xC3\xA9z\xF0\x9F\x98\x80", 10},
        {"\"caf\xC3\xA9\"", "caf\xC3\xA9", 5},
        {"\"\\u007f\\u0080\\u07FF\\u0800\\uFFFF\"", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 11},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (size_t b = 0; b < N_BLOCKS; b++) {
            parser ps;
            popen_(&ps, cases[k].json, strlen(cases[k].json), BLOCKS[b], NULL);
            pq_jtok t;
            pq_error err;
            CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
            CHECK_EQ_I64(t.type, PQ_JTOK_STRING);
            CHECK(t.len == cases[k].n && memcmp(t.str, cases[k].bytes, t.len) == 0);
            CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
            CHECK_EQ_I64(t.type, PQ_JTOK_END);
            pclose_(&ps);
        }
    }
    static const char *bad[] = {
        "\"\\uD800\"",        /* lone high surrogate */
        "\"\\uDC00\"",        /* lone low surrogate */
        "\"\\uD800\\u0041\"", /* high then not a low one */
        "\"\\uD800x\"",
        "\"\\uD800\\\"",
        "\"\\uDBFF\\uDBFF\"",
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"\\u123\"",
        "\"\\U0041\"",
        "\"a\tb\"", /* raw control characters */
        "\"a\nb\"",
        "\"a\x01\"",
        "\"\\",
        "\"\\u",
        "\"\\uD83D\\uDE0",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pq_error err;
        CHECK_STATUS(parse_all(bad[k], NULL, &err), PQ_ERR_PARSE);
        check_blocks(bad[k], strlen(bad[k]), NULL);
    }
    pq_error err;
    CHECK_STATUS(parse_all("[\"\\uDC00\"]", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected a high surrogate before \\uDC00, found a lone low surrogate at byte 2 "
                              "(line 1, column 3)");
    CHECK_STATUS(parse_all("[\"ab\\q\"]", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected an escape (\" \\ / b f n r t u) after '\\', found 'q' at byte 5 (line 1, "
                              "column 6)");
    /* a NUL byte in the data is a control character, not the end */
    static const char nul[] = "[\"a\0b\"]";
    CHECK_STATUS(first_error(nul, sizeof nul - 1, 0, NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_I64(err.where.offset, 3);
    CHECK_STATUS(first_error("[1\0]", 4, 0, NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected ',' or ']', found byte 0x00 at byte 2 (line 1, column 3)");
}

TEST(invalid_utf8)
{
    static const char *bad[] = {
        "[\"\xC0\x80\"]",         /* overlong NUL */
        "[\"\xC1\xBF\"]",         /* overlong */
        "[\"\xE0\x80\x80\"]",     /* overlong 3-byte */
        "[\"\xF0\x80\x80\x80\"]", /* overlong 4-byte */
        "[\"\xED\xA0\x80\"]",     /* surrogate D800 */
        "[\"\xED\xBF\xBF\"]",     /* surrogate DFFF */
        "[\"\xF4\x90\x80\x80\"]", /* past U+10FFFF */
        "[\"\xF5\x80\x80\x80\"]",
        "[\"\xFF\"]",
        "[\"\x80\"]",             /* lone continuation byte */
        "[\"\xE2\x82\"]",         /* truncated sequence */
        "[\"\xF0\x9F\x98\"]",
        "[\"\xC3\"]",
        "[\"ok\xC3",              /* truncated by the end of input */
        "{\"\xC3\x28\": 1}",      /* in a key */
        "[\"a\\n\xC3\x28\"]",     /* in an escaped string */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pq_error err;
        CHECK_STATUS(parse_all(bad[k], NULL, &err), PQ_ERR_PARSE);
        check_blocks(bad[k], strlen(bad[k]), NULL);
    }
    pq_error err;
    CHECK_STATUS(parse_all("{\n  \"a\": \"x\xED\xA0\x80\"\n}", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "invalid UTF-8 in string at byte 11 (line 2, column 10)");
    CHECK_EQ_I64(err.where.offset, 11);
    CHECK_EQ_I64(err.where.line, 2);
    /* valid multi-byte text split at every block size */
    static const char good[] = "[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\", \"\xF4\x8F\xBF\xBF\xEF\xBF\xBF\"]";
    CHECK_OK(parse_all(good, NULL, &err), &err);
    check_blocks(good, sizeof good - 1, NULL);
}

/* ------------------------------------------------------------ numbers */

TEST(nonfinite)
{
    static const char doc[] = "[NaN, Infinity, -Infinity, 1]";
    parser ps;
    popen_(&ps, doc, sizeof doc - 1, 0, NULL);
    pq_jtok t;
    pq_error err;
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK(t.type == PQ_JTOK_DOUBLE && isnan(t.d) && t.len == 3 && memcmp(t.str, "NaN", 3) == 0);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK(t.type == PQ_JTOK_DOUBLE && isinf(t.d) && t.d > 0 && t.len == 8 && memcmp(t.str, "Infinity", 8) == 0);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK(t.type == PQ_JTOK_DOUBLE && isinf(t.d) && t.d < 0 && t.len == 9 && memcmp(t.str, "-Infinity", 9) == 0);
    CHECK_EQ_I64(t.offset, 16);
    pclose_(&ps);
    check_blocks(doc, sizeof doc - 1, NULL);

    pq_jpull_options o;
    pq_jpull_options_init(&o);
    o.allow_nonfinite = false;
    CHECK_STATUS(parse_all("[NaN]", &o, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected a value, found 'N' at byte 1 (line 1, column 2)");
    CHECK_STATUS(parse_all("[Infinity]", &o, &err), PQ_ERR_PARSE);
    CHECK_STATUS(parse_all("[-Infinity]", &o, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "expected a digit after '-', found 'I' at byte 2 (line 1, column 3)");
    CHECK_OK(parse_all("[1.5, -0.0]", &o, &err), &err);
    /* misspellings are errors either way */
    static const char *bad[] = {"nan", "NAN", "infinity", "-NaN", "+Infinity", "Inf", "NaNa", "-Infinit", "[Na]"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CHECK_STATUS(parse_all(bad[k], NULL, &err), PQ_ERR_PARSE);
        CHECK_STATUS(parse_all(bad[k], &o, &err), PQ_ERR_PARSE);
    }
}

TEST(int64_limits)
{
    static const struct {
        const char *text;
        pq_jtok_type type;
        int64_t i;
    } cases[] = {
        {"9223372036854775807", PQ_JTOK_INT, INT64_MAX},
        {"9223372036854775808", PQ_JTOK_BIGINT, 0},
        {"-9223372036854775808", PQ_JTOK_INT, INT64_MIN},
        {"-9223372036854775809", PQ_JTOK_BIGINT, 0},
        {"18446744073709551615", PQ_JTOK_BIGINT, 0},
        {"18446744073709551616", PQ_JTOK_BIGINT, 0},
        {"99999999999999999999", PQ_JTOK_BIGINT, 0},
        {"1000000000000000000", PQ_JTOK_INT, 1000000000000000000},
        {"9999999999999999999", PQ_JTOK_BIGINT, 0},
        {"-1", PQ_JTOK_INT, -1},
        {"0", PQ_JTOK_INT, 0},
        {"123456789012345678901234567890", PQ_JTOK_BIGINT, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pq_jtok t;
        char s[64];
        CHECK_OK(single(cases[k].text, NULL, &t, s, sizeof s), NULL);
        CHECK_EQ_I64(t.type, cases[k].type);
        CHECK_EQ_STR(s, cases[k].text);
        if (t.type == PQ_JTOK_INT) {
            CHECK_EQ_I64(t.i, cases[k].i);
            CHECK(t.d == (double)cases[k].i);
        } else CHECK(t.d == strtod(cases[k].text, NULL));
    }
}

/* A random JSON number text (valid grammar) into s. */
static void random_number(char *s, size_t cap)
{
    size_t n = 0;
    if (rndn(2)) s[n++] = '-';
    unsigned kind = rndn(4);
    unsigned idigits = kind == 0 ? 1 : 1 + rndn(kind == 3 ? 25 : 8);
    for (unsigned k = 0; k < idigits; k++) s[n++] = (char)('0' + (k == 0 ? (idigits > 1 ? 1 + rndn(9) : rndn(10)) : rndn(10)));
    bool frac = rndn(4) != 0, ex = rndn(3) == 0;
    if (frac) {
        s[n++] = '.';
        unsigned fd = 1 + rndn(kind == 3 ? 30 : 9);
        unsigned zeros = rndn(5) == 0 ? rndn(12) : 0;
        for (unsigned k = 0; k < zeros && n < cap - 40; k++) s[n++] = '0';
        for (unsigned k = 0; k < fd; k++) s[n++] = (char)('0' + rndn(10));
    }
    if (ex || !frac) {
        if (!frac && !ex && rndn(2)) goto done; /* some integers */
        s[n++] = rndn(2) ? 'e' : 'E';
        unsigned sg = rndn(3);
        if (sg == 1) s[n++] = '-';
        if (sg == 2) s[n++] = '+';
        int e = rndn(4) == 0 ? (int)rndn(400) : (int)rndn(30);
        n += (size_t)snprintf(s + n, cap - n, "%d", e);
    }
done:
    s[n] = 0;
}

TEST(doubles_match_strtod)
{
    char s[128];
    int fast_ok = 0;
    for (int k = 0; k < 200000; k++) {
        random_number(s, sizeof s);
        pq_jtok t;
        char got[128];
        pq_status st = single(s, NULL, &t, got, sizeof got);
        if (st != PQ_OK) {
            CHECK_OK(st, NULL);
            fprintf(stderr, "text %s\n", s);
            continue;
        }
        CHECK_EQ_STR(got, s);
        double want = strtod(s, NULL);
        if (t.type == PQ_JTOK_DOUBLE || t.type == PQ_JTOK_BIGINT) {
            bool same = memcmp(&t.d, &want, 8) == 0;
            CHECK(same);
            if (!same) fprintf(stderr, "text %s: %.17g, strtod %.17g\n", s, t.d, want);
            fast_ok++;
        } else {
            CHECK_EQ_I64(t.type, PQ_JTOK_INT);
            CHECK_EQ_I64(t.i, strtoll(s, NULL, 10));
        }
    }
    CHECK(fast_ok > 100000);
    /* hand-picked cases: halfway points, subnormals, extremes, signed zeros */
    static const char *hard[] = {
        "1.05843", "0.1", "0.3", "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623159e308",
        "1e400", "-1e400", "1e-400", "-0.0", "0.0", "-0e10", "9007199254740993.0",
        "9007199254740992.5", "123456789012345.6", "1234567890123456.7", "1e22", "1e23", "1e-22", "1e-23",
        "8.98846567431158e307", "0.000000000000000000000000000000000001", "3.0000000000000000000000000000001",
        ("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330"
         "28640e-1"),
        "4503599627370496.5", "4503599627370497.5", "1.00000000000000011102230246251565404236316680908203125",
        "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000e-80",
    };
    for (size_t k = 0; k < sizeof hard / sizeof hard[0]; k++) {
        pq_jtok t;
        char got[400];
        CHECK_OK(single(hard[k], NULL, &t, got, sizeof got), NULL);
        CHECK_EQ_I64(t.type, PQ_JTOK_DOUBLE);
        double want = strtod(hard[k], NULL);
        CHECK(memcmp(&t.d, &want, 8) == 0);
        if (memcmp(&t.d, &want, 8) != 0) fprintf(stderr, "text %s: %.17g, strtod %.17g\n", hard[k], t.d, want);
    }
    pq_jtok t;
    char got[8];
    CHECK_OK(single("-0.0", NULL, &t, got, sizeof got), NULL);
    CHECK(t.d == 0 && signbit(t.d));
}

/* ----------------------------------------------------- duplicate keys */

TEST(duplicate_keys)
{
    pq_error err;
    CHECK_STATUS(parse_all("{\"a\": 1, \"a\": 2}", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "duplicate key \"a\" at byte 9 (line 1, column 10)");
    CHECK_EQ_I64(err.where.offset, 9);
    CHECK_EQ_I64(err.where.line, 1);
    CHECK_STATUS(parse_all("[\n  {\"x\": 1},\n  {\"open\": 1, \"open\": 2}\n]", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "duplicate key \"open\" at byte 28 (line 3, column 15)");
    CHECK_EQ_I64(err.where.line, 3);
    /* nested, after a sub-object that used the same key */
    CHECK_STATUS(parse_all("{\"x\": {\"a\": {\"a\": 1}, \"b\": 2, \"a\": 3}}", NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_I64(err.where.offset, 30);
    /* decoded bytes are compared: an escaped spelling is the same key */
    CHECK_STATUS(parse_all("{\"a\": 1, \"\\u0061\": 2}", NULL, &err), PQ_ERR_PARSE);
    CHECK_STATUS(parse_all("{\"\": 1, \"\": 2}", NULL, &err), PQ_ERR_PARSE);
    CHECK_STATUS(parse_all("{\"a\\u0000\": 1, \"a\\u0000\": 2}", NULL, &err), PQ_ERR_PARSE);
    /* the same key in different objects is fine */
    static const char *ok[] = {
        "{\"a\": 1, \"b\": {\"a\": 2}}",         "[{\"a\": 1}, {\"a\": 1}]",
        "{\"a\": {\"a\": {\"a\": {}}}}",         "{\"a\": 1, \"A\": 2, \"a \": 3, \"\": 4}",
        "{\"a\\u0000\": 1, \"a\": 2}",           "{\"abcdefghij\": 1, \"abcdefghik\": 2, \"bbcdefghij\": 3}",
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) CHECK_OK(parse_all(ok[k], NULL, &err), &err);
    /* accepted when not rejected */
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    o.reject_duplicate_keys = false;
    CHECK_OK(parse_all("{\"a\": 1, \"a\": 2}", &o, &err), &err);
}

/* An object of n keys "key<k>" (k < n) with the value k, then, when dup >=
 * 0, key<dup> again; nested inside an array of small objects. */
static void many_keys(pq_buf *b, int n, int dup)
{
    char tmp[64];
    CHECK(pq_buf_append(b, "[{\"k\": 0}, {", 12, NULL) == PQ_OK);
    for (int k = 0; k < n; k++) {
        int w = snprintf(tmp, sizeof tmp, "%s\"key%d\": {\"key%d\": %d}", k ? ", " : "", k, k, k);
        CHECK(pq_buf_append(b, tmp, (size_t)w, NULL) == PQ_OK);
    }
    if (dup >= 0) {
        int w = snprintf(tmp, sizeof tmp, ", \"key%d\": 1", dup);
        CHECK(pq_buf_append(b, tmp, (size_t)w, NULL) == PQ_OK);
    }
    CHECK(pq_buf_append(b, "}, {\"k\": 0}]", 12, NULL) == PQ_OK);
}

TEST(duplicate_keys_large_objects)
{
    static const int sizes[] = {7, 8, 9, 15, 16, 17, 33, 65, 100, 600, 5000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        int dups[] = {-1, 0, n / 2, n - 1};
        for (size_t d = 0; d < 4; d++) {
            pq_buf b;
            pq_buf_init(&b, NULL);
            many_keys(&b, n, dups[d]);
            pq_error err;
            pq_status s = first_error((const char *)b.data, b.len, 0, NULL, &err);
            if (dups[d] < 0) CHECK_OK(s, &err);
            else {
                CHECK_STATUS(s, PQ_ERR_PARSE);
                char want[64];
                snprintf(want, sizeof want, "duplicate key \"key%d\"", dups[d]);
                CHECK(strncmp(err.message, want, strlen(want)) == 0);
                CHECK_EQ_I64(err.where.offset, (int64_t)b.len - 12 - 9 - (dups[d] >= 10) - (dups[d] >= 100) -
                                                   (dups[d] >= 1000));
            }
            /* the same through pq_jpull_value on the big object */
            parser ps;
            popen_(&ps, (const char *)b.data, b.len, n >= 600 ? 0 : 7, NULL);
            pq_jtok t;
            const pq_json_node *nodes;
            uint32_t cnt;
            CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
            CHECK_OK(pq_jpull_skip(ps.p, &err), &err);
            s = pq_jpull_value(ps.p, &nodes, &cnt, &err);
            if (dups[d] < 0) {
                CHECK_OK(s, &err);
                CHECK_EQ_I64(cnt, 1 + 4 * n);
                CHECK_EQ_I64(nodes[0].count, n);
            } else {
                CHECK_STATUS(s, PQ_ERR_PARSE);
                CHECK(strstr(err.message, "duplicate key") != NULL);
            }
            pclose_(&ps);
            pq_buf_reset(&b);
        }
    }
}

/* -------------------------------------------------- truncation, trailing */

static const char SAMPLE[] =
    "{\n"
    "  \"symbol\": \"EURUSD\",\n"
    "  \"n\": -12,\n"
    "  \"big\": 123456789012345678901234,\n"
    "  \"rows\": [\n"
    "    {\"t\": \"2025-03-04 08:00:00+00:00\", \"open\": 1.0582, \"ok\": true, \"x\": null},\n"
    "    {\"t\": \"caf\xC3\xA9 \\u20ac \\uD83D\\uDE00 \\\"q\\\"\", \"open\": -1.5e-3, \"ok\": false, \"x\": [NaN, "
    "Infinity, -Infinity]}\n"
    "  ],\n"
    "  \"empty\": {}, \"e2\": [], \"s\": \"\"\n"
    "}\n";

TEST(truncation_everywhere)
{
    size_t n = sizeof SAMPLE - 1;
    pq_error err;
    CHECK_OK(first_error(SAMPLE, n, 0, NULL, &err), &err);
    check_blocks(SAMPLE, n, NULL);
    /* the last byte is a newline, and the one before closes the document */
    for (size_t cut = 0; cut < n - 1; cut++) {
        for (size_t b = 0; b < N_BLOCKS; b += 5) { /* block 1 and the default */
            pq_status s = first_error(SAMPLE, cut, BLOCKS[b], NULL, &err);
            CHECK_STATUS(s, PQ_ERR_PARSE);
            if (s != PQ_ERR_PARSE) fprintf(stderr, "cut at %zu gives %d\n", cut, (int)s);
            CHECK(err.message[0] != 0);
            CHECK(err.where.offset >= 0 && err.where.offset <= (int64_t)cut);
        }
    }
    CHECK_STATUS(first_error(SAMPLE, 40, 0, NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "unexpected end of input at byte 40 (line 4, column 5): expected '\"' to close a "
                              "string; 1 container still open");
    CHECK_STATUS(first_error("[[{\"a\": [", 9, 0, NULL, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "unexpected end of input at byte 9 (line 1, column 10): expected a value or ']'; 4 "
                              "containers still open");
    CHECK_EQ_I64(err.where.offset, 9);
}

TEST(trailing_data)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"{} x", "expected end of input after the top-level value, found 'x' at byte 3 (line 1, column 4)"},
        {"{}{}", "expected end of input after the top-level value, found '{' at byte 2 (line 1, column 3)"},
        {"1 2", "expected end of input after the top-level value, found '2' at byte 2 (line 1, column 3)"},
        {"[1]\n]", "expected end of input after the top-level value, found ']' at byte 4 (line 2, column 1)"},
        {"\"a\",", "expected end of input after the top-level value, found ',' at byte 3 (line 1, column 4)"},
        {"nullx", "expected end of input after the top-level value, found 'x' at byte 4 (line 1, column 5)"},
        {"{}\n\n \x01", "expected end of input after the top-level value, found byte 0x01 at byte 5 (line 3, column 2)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pq_buf out;
        pq_buf_init(&out, NULL);
        pq_status s = read_tokens(cases[k].text, strlen(cases[k].text), 0, NULL, &out);
        CHECK_STATUS(s, PQ_ERR_PARSE);
        pq_error err;
        CHECK_STATUS(parse_all(cases[k].text, NULL, &err), PQ_ERR_PARSE);
        CHECK_EQ_STR(err.message, cases[k].msg);
        /* no END before the error */
        CHECK(pq_buf_push(&out, 0, NULL) == PQ_OK);
        CHECK(out.len > 1 && strstr((const char *)out.data, "END") == NULL);
        check_blocks(cases[k].text, strlen(cases[k].text), NULL);
        pq_buf_reset(&out);
    }
    pq_error err;
    CHECK_OK(parse_all("{}  \n\t\r\n ", NULL, &err), &err);
}

/* ------------------------------------------------------------- limits */

TEST(depth_limit)
{
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    o.max_depth = 3;
    pq_error err;
    CHECK_OK(parse_all("[[[1]]]", &o, &err), &err);
    CHECK_OK(parse_all("{\"a\": {\"b\": [1]}}", &o, &err), &err);
    CHECK_STATUS(parse_all("[[[[1]]]]", &o, &err), PQ_ERR_LIMIT);
    CHECK_EQ_STR(err.message, "expected at most 3 levels of nesting, found 4 at byte 3 (line 1, column 4)");
    CHECK_STATUS(parse_all("{\"a\": [{\"b\": {}}]}", &o, &err), PQ_ERR_LIMIT);
    /* default 512; deep documents need no recursion */
    for (int depth = 511; depth <= 513; depth++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        for (int k = 0; k < depth; k++) CHECK(pq_buf_push(&b, '[', NULL) == PQ_OK);
        for (int k = 0; k < depth; k++) CHECK(pq_buf_push(&b, ']', NULL) == PQ_OK);
        pq_status s = first_error((const char *)b.data, b.len, 0, NULL, &err);
        if (depth <= 512) CHECK_OK(s, &err);
        else CHECK_STATUS(s, PQ_ERR_LIMIT);
        pq_buf_reset(&b);
    }
    pq_buf b;
    pq_buf_init(&b, NULL);
    int deep = 200000;
    for (int k = 0; k < deep; k++) CHECK(pq_buf_append(&b, "{\"a\":[", 6, NULL) == PQ_OK);
    for (int k = 0; k < deep; k++) CHECK(pq_buf_append(&b, "]}", 2, NULL) == PQ_OK);
    o.max_depth = 2 * deep;
    CHECK_OK(first_error((const char *)b.data, b.len, 0, &o, &err), &err);
    parser ps;
    popen_(&ps, (const char *)b.data, b.len, 4096, &o);
    const pq_json_node *nodes;
    uint32_t n;
    CHECK_OK(pq_jpull_value(ps.p, &nodes, &n, &err), &err);
    CHECK_EQ_I64(n, 3 * deep);
    CHECK_EQ_I64(nodes[0].next, 3 * deep);
    CHECK_EQ_I64(nodes[3 * deep - 3].type, PQ_JSON_OBJECT);
    pclose_(&ps);
    pq_buf_reset(&b);
}

TEST(size_limits)
{
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    o.max_token_bytes = 20;
    pq_error err;
    /* a string token of 20 bytes (quotes included) passes, 21 fail, whatever the block */
    static const char ok[] = "[\"123456789012345678\", 1234567890123456789]";
    static const char *bad[] = {"[\"1234567890123456789\"]", "[123456789012345678901]", "{\"1234567890123456789\": 1}",
                                "[\"123456789012345678901234567890\"]"};
    for (size_t b = 0; b < N_BLOCKS; b++) {
        CHECK_OK(first_error(ok, sizeof ok - 1, BLOCKS[b], &o, &err), &err);
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            CHECK_STATUS(first_error(bad[k], strlen(bad[k]), BLOCKS[b], &o, &err), PQ_ERR_LIMIT);
            CHECK_EQ_I64(err.where.offset, 1);
        }
    }
    /* an error found past the limit is the limit error, whatever the block
     * size (the scan got past the limit before it could see the error) */
    static const char *past[] = {
        "[\"abcdefghijklmnop\\uD84D\\u0ED1\"]", /* named at byte 18, decided at the last digit */
        "[\"abcdefghijklmnop\\uDC00\"]",
        "[\"abcdefghijklmnopqr\xE2\x82\x41\"]",  /* UTF-8 named at byte 20, decided at 22 */
        "[\"abcdefghijklmnopqrstuvwxyz",             /* end of input */
        "[\"abcdefghijklmnopqrstuvwxyz\\x\"]",
    };
    for (size_t k = 0; k < sizeof past / sizeof past[0]; k++) {
        for (size_t b = 0; b < N_BLOCKS; b++) {
            CHECK_STATUS(first_error(past[k], strlen(past[k]), BLOCKS[b], &o, &err), PQ_ERR_LIMIT);
            CHECK_EQ_STR(err.message, "expected a token of at most 20 bytes, found a longer one at byte 1 (line 1, "
                                      "column 2)");
        }
        check_blocks(past[k], strlen(past[k]), &o);
    }
    /* ... and one found before it is reported as such */
    static const char *before[] = {"[\"abc\\uD84D\\u0ED1 and more text\"]", "[\"abc\xE2\x82\x41 and more text\"]"};
    for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
        for (size_t b = 0; b < N_BLOCKS; b++)
            CHECK_STATUS(first_error(before[k], strlen(before[k]), BLOCKS[b], &o, &err), PQ_ERR_PARSE);
        check_blocks(before[k], strlen(before[k]), &o);
    }
    /* max_value_bytes limits pq_jpull_value, not streaming */
    pq_jpull_options_init(&o);
    o.max_value_bytes = 10;
    static const char doc[] = "[[1,2,3,4], [1,2,3,4,5]]";
    for (size_t b = 0; b < N_BLOCKS; b++) {
        parser ps;
        popen_(&ps, doc, sizeof doc - 1, BLOCKS[b], &o);
        pq_jtok t;
        const pq_json_node *nodes;
        uint32_t n;
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_OK(pq_jpull_value(ps.p, &nodes, &n, &err), &err);
        CHECK_EQ_I64(n, 5);
        CHECK_STATUS(pq_jpull_value(ps.p, &nodes, &n, &err), PQ_ERR_LIMIT);
        CHECK_EQ_I64(err.where.offset, 12);
        CHECK_EQ_STR(err.message, "expected a value of at most 10 bytes, found a longer one at byte 12 (line 1, "
                                  "column 13)");
        pclose_(&ps);
        CHECK_OK(first_error(doc, sizeof doc - 1, BLOCKS[b], &o, &err), &err);
    }
    /* bad options */
    pq_source src;
    pq_source_open_memory(&src, "1", 1, "t");
    pq_jpull *p;
    pq_jpull_options_init(&o);
    o.max_depth = 0;
    CHECK_STATUS(pq_jpull_open(&p, &src, &o, NULL, &err), PQ_ERR_INVALID_ARG);
    CHECK(p == NULL);
}

/* ----------------------------------------------- value, skip, peek, next */

TEST(value_skip_peek)
{
    static const char doc[] =
        "{\"meta\": {\"n\": 2, \"s\": \"a\\tb\"}, \"rows\": [{\"x\": 1}, [2, 3], \"four\", 5.5, null],"
        " \"tail\": true}";
    for (size_t b = 0; b < N_BLOCKS; b++) {
        parser ps;
        popen_(&ps, doc, sizeof doc - 1, BLOCKS[b], NULL);
        pq_jtok t;
        pq_jtok_type ty;
        pq_error err;
        const pq_json_node *n;
        uint32_t cnt;
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err);
        CHECK_EQ_I64(ty, PQ_JTOK_OBJECT_BEGIN);
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err); /* peeking twice is harmless */
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_OBJECT_BEGIN);
        /* a key is expected: value and skip refuse, without harm */
        CHECK_STATUS(pq_jpull_value(ps.p, &n, &cnt, &err), PQ_ERR_STATE);
        CHECK_STATUS(pq_jpull_skip(ps.p, &err), PQ_ERR_STATE);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK(t.type == PQ_JTOK_KEY && t.len == 4 && memcmp(t.str, "meta", 4) == 0 && t.offset == 1);
        CHECK_OK(pq_jpull_value(ps.p, &n, &cnt, &err), &err);
        CHECK_EQ_I64(cnt, 5);
        CHECK(n[0].type == PQ_JSON_OBJECT && n[0].count == 2 && n[0].next == 5);
        CHECK(n[1].type == PQ_JSON_STRING && n[1].len == 1 && n[1].str[0] == 'n');
        CHECK(n[2].type == PQ_JSON_INT && n[2].i == 2 && n[2].len == 1 && n[2].str[0] == '2');
        CHECK(n[4].type == PQ_JSON_STRING && n[4].len == 3 && memcmp(n[4].str, "a\tb", 3) == 0);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK(t.type == PQ_JTOK_KEY && t.len == 4 && memcmp(t.str, "rows", 4) == 0);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_ARRAY_BEGIN);
        /* element by element: value after peek, skip, value of scalars */
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err);
        CHECK_EQ_I64(ty, PQ_JTOK_OBJECT_BEGIN);
        CHECK_OK(pq_jpull_value(ps.p, &n, &cnt, &err), &err);
        CHECK(cnt == 3 && n[0].type == PQ_JSON_OBJECT && n[2].i == 1);
        CHECK_OK(pq_jpull_skip(ps.p, &err), &err);
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err);
        CHECK_EQ_I64(ty, PQ_JTOK_STRING);
        CHECK_OK(pq_jpull_value(ps.p, &n, &cnt, &err), &err);
        CHECK(cnt == 1 && n[0].type == PQ_JSON_STRING && n[0].len == 4 && memcmp(n[0].str, "four", 4) == 0);
        CHECK_OK(pq_jpull_value(ps.p, &n, &cnt, &err), &err);
        CHECK(cnt == 1 && n[0].type == PQ_JSON_DOUBLE && n[0].len == 3 && memcmp(n[0].str, "5.5", 3) == 0);
        CHECK(pq_jpull_node_double(&n[0]) == 5.5);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_NULL);
        /* at the end of the array */
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err);
        CHECK_EQ_I64(ty, PQ_JTOK_ARRAY_END);
        CHECK_STATUS(pq_jpull_value(ps.p, &n, &cnt, &err), PQ_ERR_STATE);
        CHECK(n == NULL && cnt == 0);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK(t.type == PQ_JTOK_ARRAY_END && t.depth == 1);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_KEY);
        CHECK_OK(pq_jpull_skip(ps.p, &err), &err);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK(t.type == PQ_JTOK_OBJECT_END && t.depth == 0 && t.offset == (int64_t)sizeof doc - 2);
        CHECK_OK(pq_jpull_peek(ps.p, &ty, &err), &err);
        CHECK_EQ_I64(ty, PQ_JTOK_END);
        CHECK_STATUS(pq_jpull_skip(ps.p, &err), PQ_ERR_STATE);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_END);
        pclose_(&ps);
    }
    /* the whole document as one value, scalar documents too */
    static const char *whole[] = {"{\"a\": [1, {\"b\": null}]}", "42", "\"s\\u00e9\"", "[]", "-Infinity"};
    static const uint32_t counts[] = {7, 1, 1, 1, 1};
    for (size_t k = 0; k < 5; k++) {
        for (size_t b = 0; b < N_BLOCKS; b++) {
            parser ps;
            popen_(&ps, whole[k], strlen(whole[k]), BLOCKS[b], NULL);
            const pq_json_node *n;
            uint32_t cnt;
            pq_error err;
            pq_jtok t;
            CHECK_OK(pq_jpull_value(ps.p, &n, &cnt, &err), &err);
            CHECK_EQ_I64(cnt, counts[k]);
            CHECK_EQ_I64(n[0].next, cnt);
            CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
            CHECK_EQ_I64(t.type, PQ_JTOK_END);
            pclose_(&ps);
        }
    }
    /* errors inside a value are sticky parse errors */
    parser ps;
    popen_(&ps, "[{\"a\": 1, \"a\": 2}]", 18, 0, NULL);
    pq_jtok t;
    pq_error err;
    const pq_json_node *n;
    uint32_t cnt;
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_STATUS(pq_jpull_value(ps.p, &n, &cnt, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "duplicate key \"a\" at byte 10 (line 1, column 11)");
    CHECK_STATUS(pq_jpull_next(ps.p, &t, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_jpull_skip(ps.p, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_jpull_peek(ps.p, &t.type, &err), PQ_ERR_PARSE);
    CHECK_EQ_STR(err.message, "duplicate key \"a\" at byte 10 (line 1, column 11)");
    pclose_(&ps);
}

TEST(error_locations)
{
    static const struct {
        const char *text;
        const char *msg;
        int64_t offset, line;
    } cases[] = {
        {"{\n  \"a\": 1,\n  \"b\" 2\n}", "expected ':' after an object key, found '2' at byte 18 (line 3, column 7)",
         18, 3},
        {"[1,\n 2,\n x]", "expected a value, found 'x' at byte 9 (line 3, column 2)", 9, 3},
        {"{\"a\": 1 \"b\": 2}", "expected ',' or '}', found '\"' at byte 8 (line 1, column 9)", 8, 1},
        {"[1 2]", "expected ',' or ']', found '2' at byte 3 (line 1, column 4)", 3, 1},
        {"{\"a\": 1,}", "expected '\"' to start an object key, found '}' at byte 8 (line 1, column 9)", 8, 1},
        {"{]", "expected '\"' or '}', found ']' at byte 1 (line 1, column 2)", 1, 1},
        {"[1.x]", "expected a digit after '.', found 'x' at byte 3 (line 1, column 4)", 3, 1},
        {"[1e+]", "expected a digit in the exponent, found ']' at byte 4 (line 1, column 5)", 4, 1},
        {"[tx]", "expected 'true', found 'x' at byte 2 (line 1, column 3)", 2, 1},
        {"\r\n\r\n  [\"\\uD800\\u0041\"]",
         "expected a low surrogate \\uDC00-\\uDFFF after \\uD800, found \\u0041 at byte 8 (line 3, column 5)", 8, 3},
        {"", "unexpected end of input at byte 0 (line 1, column 1): expected a value; 0 containers still open", 0, 1},
        {"{\"a\"", "unexpected end of input at byte 4 (line 1, column 5): expected ':' after an object key; 1 "
                   "container still open", 4, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (size_t b = 0; b < N_BLOCKS; b++) {
            pq_error err;
            CHECK_STATUS(first_error(cases[k].text, strlen(cases[k].text), BLOCKS[b], NULL, &err), PQ_ERR_PARSE);
            CHECK_EQ_STR(err.message, cases[k].msg);
            CHECK_EQ_I64(err.where.offset, cases[k].offset);
            CHECK_EQ_I64(err.where.line, cases[k].line);
        }
    }
}

TEST(offsets_and_progress)
{
    static const char doc[] = "  [\n    10,\n    \"ab\"\n  ]  ";
    parser ps;
    popen_(&ps, doc, sizeof doc - 1, 3, NULL);
    pq_jtok t;
    pq_error err;
    CHECK_EQ_I64(pq_jpull_offset(ps.p), 0);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.offset, 2);
    CHECK_EQ_I64(pq_jpull_offset(ps.p), 3);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.offset, 8);
    CHECK_EQ_I64(pq_jpull_offset(ps.p), 10);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.offset, 16);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.offset, 23);
    CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
    CHECK_EQ_I64(t.type, PQ_JTOK_END);
    CHECK_EQ_I64(t.offset, sizeof doc - 1);
    CHECK_EQ_I64(pq_jpull_offset(ps.p), sizeof doc - 1);
    pclose_(&ps);
}

/* -------------------------------------------- random documents vs json.c */

/* Append a random JSON string (escapes, UTF-8) to b. */
static void gen_string(pq_buf *b, int salt)
{
    static const char *pieces[] = {"a", "open", "x y", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\uD83D\\uDE00",
                                   "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\\u0000", "\\t", "long text here",
                                   "2025-03-04 08:00:00+00:00"};
    CHECK(pq_buf_push(b, '"', NULL) == PQ_OK);
    if (salt >= 0) {
        char tmp[16];
        int w = snprintf(tmp, sizeof tmp, "k%d", salt);
        CHECK(pq_buf_append(b, tmp, (size_t)w, NULL) == PQ_OK);
    }
    unsigned n = rndn(4);
    for (unsigned k = 0; k < n; k++) {
        const char *s = pieces[rndn(sizeof pieces / sizeof pieces[0])];
        CHECK(pq_buf_append(b, s, strlen(s), NULL) == PQ_OK);
    }
    CHECK(pq_buf_push(b, '"', NULL) == PQ_OK);
}

static void gen_ws(pq_buf *b)
{
    static const char *ws[] = {"", "", " ", "\n  ", "\t", "\r\n", "\n        "};
    const char *s = ws[rndn(7)];
    CHECK(pq_buf_append(b, s, strlen(s), NULL) == PQ_OK);
}

/* Append a random value of at most `depth` more levels (standard JSON only
 * when !nonfinite). */
static void gen_value(pq_buf *b, int depth, bool nonfinite)
{
    unsigned kind = depth > 0 ? rndn(10) : 2 + rndn(8);
    char tmp[128];
    switch (kind) {
    case 0:
    case 1: {
        bool obj = kind == 0;
        unsigned n = rndn(rndn(8) == 0 ? 70 : 6);
        CHECK(pq_buf_push(b, obj ? '{' : '[', NULL) == PQ_OK);
        for (unsigned k = 0; k < n; k++) {
            if (k) CHECK(pq_buf_push(b, ',', NULL) == PQ_OK);
            gen_ws(b);
            if (obj) {
                gen_string(b, (int)k);
                gen_ws(b);
                CHECK(pq_buf_push(b, ':', NULL) == PQ_OK);
                gen_ws(b);
            }
            gen_value(b, depth - 1, nonfinite);
            gen_ws(b);
        }
        CHECK(pq_buf_push(b, obj ? '}' : ']', NULL) == PQ_OK);
        return;
    }
    case 2: gen_string(b, -1); return;
    case 3:
    case 4: random_number(tmp, sizeof tmp); break;
    case 5: snprintf(tmp, sizeof tmp, "%lld", (long long)(rnd() >> rndn(64))); break;
    case 6: snprintf(tmp, sizeof tmp, "%.*f", (int)rndn(8), (double)(rnd() % 100000) / 997.0); break;
    case 7: snprintf(tmp, sizeof tmp, "%s", rndn(2) ? "true" : "false"); break;
    case 8: snprintf(tmp, sizeof tmp, "null"); break;
    default: {
        static const char *nf[] = {"NaN", "Infinity", "-Infinity"};
        snprintf(tmp, sizeof tmp, "%s", nonfinite ? nf[rndn(3)] : "-0.0");
    }
    }
    CHECK(pq_buf_append(b, tmp, strlen(tmp), NULL) == PQ_OK);
}

/* The pull parser's DOUBLE nodes carry their value's bits in `i`
 * (pq_jpull_node_double): strtod of the text, or NaN/+-Infinity. */
static bool double_bits_ok(const pq_json_node *n)
{
    char tmp[512];
    if (n->len >= sizeof tmp) return false;
    memcpy(tmp, n->str, n->len);
    tmp[n->len] = 0;
    double d = pq_jpull_node_double(n), want;
    if (strcmp(tmp, "NaN") == 0) return isnan(d);
    if (strcmp(tmp, "Infinity") == 0) want = INFINITY;
    else if (strcmp(tmp, "-Infinity") == 0) want = -INFINITY;
    else want = strtod(tmp, NULL);
    return memcmp(&d, &want, sizeof d) == 0;
}

/* Node-by-node equality of the pull parser's DOM `a` with `b` (from
 * json.c when `b_is_json_c`: its DOUBLE nodes have i == 0). */
static bool same_dom_as(const pq_json_node *a, uint32_t na, const pq_json_node *b, uint32_t nb, bool b_is_json_c)
{
    if (na != nb) return false;
    for (uint32_t k = 0; k < na; k++) {
        if (a[k].type != b[k].type || a[k].next != b[k].next || a[k].count != b[k].count || a[k].len != b[k].len ||
            a[k].flags != b[k].flags)
            return false;
        if (a[k].type == PQ_JSON_DOUBLE) {
            if (!double_bits_ok(&a[k]) || (b_is_json_c ? b[k].i != 0 : a[k].i != b[k].i)) return false;
        } else if (a[k].i != b[k].i) return false;
        if (a[k].len && memcmp(a[k].str, b[k].str, a[k].len) != 0) return false;
        if (a[k].type == PQ_JSON_STRING && a[k].str == NULL) return false;
    }
    return true;
}

static bool same_dom(const pq_json_node *a, uint32_t na, const pq_json_node *b, uint32_t nb)
{
    return same_dom_as(a, na, b, nb, false);
}

TEST(value_dom_matches_json_c)
{
    for (int round = 0; round < 300; round++) {
        /* records for json.c (JSON Lines) and the same records in an array for the pull parser */
        pq_buf lines, arr;
        pq_buf_init(&lines, NULL);
        pq_buf_init(&arr, NULL);
        unsigned n = 1 + rndn(6);
        CHECK(pq_buf_push(&arr, '[', NULL) == PQ_OK);
        for (unsigned r = 0; r < n; r++) {
            size_t start = lines.len;
            CHECK(pq_buf_push(&lines, '{', NULL) == PQ_OK);
            unsigned keys = rndn(15);
            for (unsigned k = 0; k < keys; k++) {
                if (k) CHECK(pq_buf_append(&lines, ", ", 2, NULL) == PQ_OK);
                gen_string(&lines, (int)k);
                CHECK(pq_buf_append(&lines, ": ", 2, NULL) == PQ_OK);
                gen_value(&lines, 3, false);
            }
            CHECK(pq_buf_push(&lines, '}', NULL) == PQ_OK);
            if (r) CHECK(pq_buf_append(&arr, ",\n", 2, NULL) == PQ_OK);
            CHECK(pq_buf_append(&arr, lines.data + start, lines.len - start, NULL) == PQ_OK);
            CHECK(pq_buf_push(&lines, '\n', NULL) == PQ_OK);
        }
        CHECK(pq_buf_push(&arr, ']', NULL) == PQ_OK);

        pq_source jsrc;
        pq_source_open_memory(&jsrc, lines.data, lines.len, "lines");
        pq_json_reader *jr;
        pq_error err;
        CHECK_OK(pq_json_open(&jr, &jsrc, NULL, NULL, &err), &err);
        size_t block = BLOCKS[rndn(N_BLOCKS)];
        parser ps;
        popen_(&ps, (const char *)arr.data, arr.len, block, NULL);
        pq_jtok t;
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        for (unsigned r = 0; r < n; r++) {
            pq_json_record rec;
            CHECK_OK(pq_json_next(jr, &rec, &err), &err);
            const pq_json_node *nodes;
            uint32_t cnt;
            CHECK_OK(pq_jpull_value(ps.p, &nodes, &cnt, &err), &err);
            bool same = rec.nodes && same_dom_as(nodes, cnt, rec.nodes, rec.n_nodes, true);
            CHECK(same);
            if (!same) {
                pq_buf x, y;
                pq_buf_init(&x, NULL);
                pq_buf_init(&y, NULL);
                if (pq_json_write(nodes, 0, &x, NULL) == PQ_OK && rec.nodes && pq_json_write(rec.nodes, 0, &y, NULL) == PQ_OK)
                    fprintf(stderr, "round %d record %u (block %zu) differs:\n%.*s\n%.*s\n", round, r, block,
                            (int)x.len, (const char *)x.data, (int)y.len, (const char *)y.data);
                pq_buf_reset(&x);
                pq_buf_reset(&y);
            }
        }
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_ARRAY_END);
        CHECK_OK(pq_jpull_next(ps.p, &t, &err), &err);
        CHECK_EQ_I64(t.type, PQ_JTOK_END);
        pclose_(&ps);
        pq_json_close(jr);
        pq_source_close(&jsrc);
        pq_buf_reset(&lines);
        pq_buf_reset(&arr);
    }
}

TEST(random_documents_all_blocks)
{
    for (int round = 0; round < 150; round++) {
        pq_buf b;
        pq_buf_init(&b, NULL);
        gen_ws(&b);
        gen_value(&b, 4, true);
        gen_ws(&b);
        check_blocks((const char *)b.data, b.len, NULL);
        /* pq_jpull_value of the whole document in small blocks equals the one-block DOM */
        parser p1, p2;
        popen_(&p1, (const char *)b.data, b.len, 0, NULL);
        popen_(&p2, (const char *)b.data, b.len, 1 + rndn(9), NULL);
        const pq_json_node *n1, *n2;
        uint32_t c1, c2;
        pq_error err;
        CHECK_OK(pq_jpull_value(p1.p, &n1, &c1, &err), &err);
        CHECK_OK(pq_jpull_value(p2.p, &n2, &c2, &err), &err);
        CHECK(same_dom(n1, c1, n2, c2));
        pclose_(&p1);
        pclose_(&p2);
        pq_buf_reset(&b);
    }
}

/* ----------------------------------------------------- other sources */

TEST(pread_source)
{
    char path[] = "/tmp/pq_jpull_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    CHECK(write(fd, SAMPLE, sizeof SAMPLE - 1) == (ssize_t)(sizeof SAMPLE - 1));
    close(fd);
    pq_source src;
    pq_error err;
    CHECK_OK(pq_source_open_file_mode(&src, path, false, &err), &err);
    pq_jpull_options o;
    pq_jpull_options_init(&o);
    o.block_size = 5;
    pq_jpull *p;
    CHECK_OK(pq_jpull_open(&p, &src, &o, NULL, &err), &err);
    pq_jtok t;
    int tokens = 0;
    pq_status s;
    while ((s = pq_jpull_next(p, &t, &err)) == PQ_OK && t.type != PQ_JTOK_END) tokens++;
    CHECK_OK(s, &err);
    CHECK_EQ_I64(tokens, 43);
    pq_jpull_close(p);
    pq_source_close(&src);
    unlink(path);
}

/* ------------------------------------------------- allocation failures */

TEST(allocation_failures)
{
    pq_buf big;
    pq_buf_init(&big, NULL);
    many_keys(&big, 40, -1);
    const char *docs[] = {SAMPLE, (const char *)big.data};
    size_t lens[] = {sizeof SAMPLE - 1, big.len};
    for (int d = 0; d < 2; d++) {
        for (long fail = 1; fail < 200; fail++) {
            harness_fault f;
            pq_allocator a = harness_fault_allocator(&f, fail);
            pq_source src;
            pq_source_open_memory(&src, docs[d], lens[d], "t");
            pq_jpull_options o;
            pq_jpull_options_init(&o);
            o.block_size = 16;
            pq_jpull *p = NULL;
            pq_error err;
            pq_status s = pq_jpull_open(&p, &src, &o, &a, &err);
            pq_jtok t;
            const pq_json_node *n;
            uint32_t cnt;
            if (s == PQ_OK) s = pq_jpull_next(p, &t, &err);
            while (s == PQ_OK && t.type != PQ_JTOK_END) {
                pq_jtok_type ty;
                s = pq_jpull_peek(p, &ty, &err);
                if (s == PQ_OK && (ty == PQ_JTOK_OBJECT_BEGIN || ty == PQ_JTOK_ARRAY_BEGIN))
                    s = pq_jpull_value(p, &n, &cnt, &err);
                if (s == PQ_OK) s = pq_jpull_next(p, &t, &err);
            }
            CHECK(s == PQ_OK || s == PQ_ERR_NOMEM);
            if (s == PQ_OK) CHECK(!f.failed);
            else CHECK(f.failed);
            pq_jpull_close(p);
            CHECK_EQ_I64(f.live, 0);
            if (!f.failed) break;
        }
    }
    pq_buf_reset(&big);
}

int main(void)
{
    RUN(token_sequence);
    RUN(top_level_scalars);
    RUN(bom);
    RUN(escapes);
    RUN(invalid_utf8);
    RUN(nonfinite);
    RUN(int64_limits);
    RUN(doubles_match_strtod);
    RUN(duplicate_keys);
    RUN(duplicate_keys_large_objects);
    RUN(truncation_everywhere);
    RUN(trailing_data);
    RUN(depth_limit);
    RUN(size_limits);
    RUN(value_skip_peek);
    RUN(error_locations);
    RUN(offsets_and_progress);
    RUN(value_dom_matches_json_c);
    RUN(random_documents_all_blocks);
    RUN(pread_source);
    RUN(allocation_failures);
    return harness_done();
}
