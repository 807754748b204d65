/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/io/test_csv.c - the streaming CSV reader (io/csv.c): RFC 4180
 * records rendered as text and compared, each case run with block sizes
 * from 1 byte up so that every record crosses block boundaries; header
 * names; every error with its exact status, line, field and offset; the
 * UTF-8 validator; fault injection over the allocator.
 */
#include "io/csv.h"

#include "harness.h"

static const size_t BLOCKS[] = {1, 2, 3, 5, 8, 13, 64, 0};
#define N_BLOCKS (sizeof BLOCKS / sizeof BLOCKS[0])

/* Render every record as "L<line>@<offset>:f1|f2|...\n", quoted fields in
 * double quotes, into out (NUL-terminated; *out_len bytes, NULs included).
 * Returns the status of the first failing call. */
static pq_status render_n(const char *in, size_t len, const pq_csv_options *o, char *out, size_t cap,
                          size_t *out_len, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, in, len, "mem");
    pq_csv_reader *r;
    pq_status s = pq_csv_open(&r, &src, o, NULL, err);
    size_t n = 0;
    out[0] = 0;
    if (s != PQ_OK) return s;
    pq_csv_record rec;
    while ((s = pq_csv_next(r, &rec, err)) == PQ_OK && rec.n_fields > 0) {
        n += (size_t)snprintf(out + n, cap - n, "L%lld@%lld:", (long long)rec.line, (long long)rec.offset);
        for (int64_t i = 0; i < rec.n_fields && n + rec.fields[i].len + 4 < cap; i++) {
            const pq_csv_field *f = &rec.fields[i];
            if (i) out[n++] = '|';
            if (f->quoted) out[n++] = '"';
            memcpy(out + n, f->ptr, f->len); /* bytes, NUL included */
            n += f->len;
            if (f->quoted) out[n++] = '"';
        }
        if (n + 2 < cap) out[n++] = '\n';
        out[n] = 0;
    }
    pq_csv_close(r);
    *out_len = n;
    return s;
}

static pq_status render(const char *in, size_t len, const pq_csv_options *o, char *out, size_t cap, pq_error *err)
{
    size_t n;
    return render_n(in, len, o, out, cap, &n, err);
}

typedef struct csv_case {
    const char *name;
    const char *in;
    size_t len;          /* 0 = strlen(in) */
    char delimiter;      /* 0 = ',' */
    const char *expect;  /* rendered records */
    size_t elen;         /* 0 = strlen(expect) */
} csv_case;

static const csv_case CASES[] = {
    {"simple", "a,b,c\n1,2,3\n", 0, 0, "L1@0:a|b|c\nL2@6:1|2|3\n", 0},
    {"no final newline", "a,b\n1,2", 0, 0, "L1@0:a|b\nL2@4:1|2\n", 0},
    {"crlf", "a,b\r\n1,2\r\n", 0, 0, "L1@0:a|b\nL2@5:1|2\n", 0},
    {"lone cr", "a,b\r1,2\r", 0, 0, "L1@0:a|b\nL2@4:1|2\n", 0},
    {"quoted delimiter", "\"a,b\",c\n", 0, 0, "L1@0:\"a,b\"|c\n", 0},
    {"escaped quotes", "\"he said \"\"hi\"\"\",x\n", 0, 0, "L1@0:\"he said \"hi\"\"|x\n", 0},
    {"only escaped quotes", "\"\"\"\"\"\"\n", 0, 0, "L1@0:\"\"\"\"\n", 0},
    {"embedded newline", "\"l1\nl2\",x\ny,z\n", 0, 0, "L1@0:\"l1\nl2\"|x\nL3@10:y|z\n", 0},
    {"embedded crlf", "\"l1\r\nl2\",x\r\ny,z", 0, 0, "L1@0:\"l1\r\nl2\"|x\nL3@12:y|z\n", 0},
    {"empty fields", ",,\na,\n", 0, 0, "L1@0:||\nL2@3:a|\n", 0},
    {"empty last field at eof", "a,", 0, 0, "L1@0:a|\n", 0},
    {"blank lines skipped", "a\n\n\r\n\nb\n\n", 0, 0, "L1@0:a\nL5@6:b\n", 0},
    {"bom", "\xEF\xBB\xBF" "a,b\n", 0, 0, "L1@3:a|b\n", 0},
    {"bom only", "\xEF\xBB\xBF", 0, 0, "", 0},
    {"quoted empty", "\"\",x\n", 0, 0, "L1@0:\"\"|x\n", 0},
    {"quote inside unquoted", "5'10\",x\n", 0, 0, "L1@0:5'10\"|x\n", 0},
    {"tab delimiter", "a\tb,c\n", 0, '\t', "L1@0:a|b,c\n", 0},
    {"semicolon delimiter", "a;\"b;c\"\n", 0, ';', "L1@0:a|\"b;c\"\n", 0},
    {"utf8", "h\xC3\xA9llo,\xE6\x97\xA5\xE6\x9C\xAC,\xF0\x9F\x98\x80\n", 0, 0,
     "L1@0:h\xC3\xA9llo|\xE6\x97\xA5\xE6\x9C\xAC|\xF0\x9F\x98\x80\n", 0},
    {"utf8 in quotes", "\"\xC3\xA9,\xC3\xA9\"\n", 0, 0, "L1@0:\"\xC3\xA9,\xC3\xA9\"\n", 0},
    {"empty input", "", 0, 0, "", 0},
    {"only newlines", "\n\r\n\n", 0, 0, "", 0},
    {"nul byte is data", "a\0b,c\n", 6, 0, "L1@0:a\0b|c\n", 11},
    {"quoted then crlf at eof", "\"a\"\r\n", 0, 0, "L1@0:\"a\"\n", 0},
    {"single field lines", "x\ny\nz", 0, 0, "L1@0:x\nL2@2:y\nL3@4:z\n", 0},
};

TEST(records_every_block_size)
{
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        const csv_case *k = &CASES[c];
        size_t len = k->len ? k->len : strlen(k->in);
        for (size_t b = 0; b < N_BLOCKS; b++) {
            pq_csv_options o;
            pq_csv_options_init(&o);
            o.header = false;
            o.block_size = BLOCKS[b];
            if (k->delimiter) o.delimiter = (uint8_t)k->delimiter;
            char out[1024];
            size_t olen;
            pq_error err;
            pq_error_clear(&err);
            harness_case = k->name;
            CHECK_OK(render_n(k->in, len, &o, out, sizeof out, &olen, &err), &err);
            size_t elen = k->elen ? k->elen : strlen(k->expect);
            bool same = olen == elen && memcmp(out, k->expect, elen) == 0;
            CHECK(same);
            if (!same) fprintf(stderr, "  block %zu: got [%s] expected [%s]\n", BLOCKS[b], out, k->expect);
        }
    }
}

TEST(header_and_names)
{
    const char *in = "a,,a,a_2,a,\"b\"\"c\"\n1,2,3,4,5,6\n";
    for (size_t b = 0; b < N_BLOCKS; b++) {
        pq_source src;
        pq_source_open_memory(&src, in, strlen(in), "mem");
        pq_csv_options o;
        pq_csv_options_init(&o);
        o.block_size = BLOCKS[b];
        pq_csv_reader *r;
        pq_error err;
        pq_error_clear(&err);
        CHECK_OK(pq_csv_open(&r, &src, &o, NULL, &err), &err);
        if (!r) continue;
        CHECK_EQ_I64(pq_csv_num_columns(r), 6);
        CHECK_EQ_STR(pq_csv_column_name(r, 0), "a");
        CHECK_EQ_STR(pq_csv_column_name(r, 1), "column_2");
        CHECK_EQ_STR(pq_csv_column_name(r, 2), "a_2");
        CHECK_EQ_STR(pq_csv_column_name(r, 3), "a_2_2");
        CHECK_EQ_STR(pq_csv_column_name(r, 4), "a_3");
        CHECK_EQ_STR(pq_csv_column_name(r, 5), "b\"c");
        CHECK(pq_csv_column_name(r, 6) == NULL);
        pq_csv_record rec;
        CHECK_OK(pq_csv_next(r, &rec, &err), &err);
        CHECK_EQ_I64(rec.n_fields, 6);
        CHECK_EQ_I64(rec.index, 1);
        CHECK_EQ_I64(rec.line, 2);
        CHECK(rec.n_fields == 6 && rec.fields[5].len == 1 && rec.fields[5].ptr[0] == '6');
        CHECK_OK(pq_csv_next(r, &rec, &err), &err);
        CHECK_EQ_I64(rec.n_fields, 0);
        CHECK_EQ_I64(pq_csv_bytes_read(r), (int64_t)strlen(in));
        pq_csv_close(r);
    }
}

/* A one-column file with a header (no delimiter in it): a block that ends
 * right after a record is not the end of the input (fuzz_csv found records
 * lost at block sizes 1, 2 and 8: fuzz/regress/csv). */
TEST(one_column_with_header_every_block_size)
{
    const char *in = "a,b\n1,2\n3\n";
    for (size_t b = 0; b < N_BLOCKS; b++) {
        pq_source src;
        pq_source_open_memory(&src, in, strlen(in), "mem");
        pq_csv_options o;
        pq_csv_options_init(&o);
        o.block_size = BLOCKS[b];
        o.delimiter = '\t';
        pq_csv_reader *r;
        pq_error err;
        pq_error_clear(&err);
        CHECK_OK(pq_csv_open(&r, &src, &o, NULL, &err), &err);
        if (!r) continue;
        CHECK_EQ_I64(pq_csv_num_columns(r), 1);
        pq_csv_record rec;
        static const char *const want[] = {"1,2", "3"};
        for (int i = 0; i < 2; i++) {
            CHECK_OK(pq_csv_next(r, &rec, &err), &err);
            CHECK(rec.n_fields == 1 && rec.fields[0].len == strlen(want[i]) &&
                  memcmp(rec.fields[0].ptr, want[i], strlen(want[i])) == 0);
        }
        CHECK_OK(pq_csv_next(r, &rec, &err), &err);
        CHECK_EQ_I64(rec.n_fields, 0);
        pq_csv_close(r);
    }
}

typedef struct csv_err_case {
    const char *name;
    const char *in;
    bool header;
    size_t max_record;    /* 0 = default */
    int64_t max_columns;  /* 0 = default */
    pq_status status;
    int64_t line, field, offset;
    const char *msg;      /* substring of the message */
} csv_err_case;

static const csv_err_case ERRS[] = {
    {"unterminated quote", "a,b\n\"abc\ndef", false, 0, 0, PQ_ERR_PARSE, 2, 1, 4,
     "closing quote for the field opened on line 2"},
    {"unterminated second field", "x,\"abc", false, 0, 0, PQ_ERR_PARSE, 1, 2, 2, "found end of input"},
    {"junk after closing quote", "\"abc\"x,1\n", false, 0, 0, PQ_ERR_PARSE, 1, 1, 5,
     "expected a delimiter or end of line after a closing quote, found 'x'"},
    {"invalid utf8 byte", "ab,c\xff\n", false, 0, 0, PQ_ERR_PARSE, 1, 2, 4, "invalid byte 0xFF"},
    {"overlong utf8", "\xC0\xAF", false, 0, 0, PQ_ERR_PARSE, 1, 1, 0, "invalid byte 0xC0"},
    {"utf16 surrogate in utf8", "ok,\xED\xA0\x80", false, 0, 0, PQ_ERR_PARSE, 1, 2, 3, "invalid byte 0xED"},
    {"code point past U+10FFFF", "\xF4\x90\x80\x80", false, 0, 0, PQ_ERR_PARSE, 1, 1, 0, "invalid byte 0xF4"},
    {"truncated utf8 at eof", "ab\xE3\x81", false, 0, 0, PQ_ERR_PARSE, 1, 1, 2, "cut short"},
    {"bad utf8 in multiline quote", "x\n\"a\nb\xfe\"", false, 0, 0, PQ_ERR_PARSE, 3, 1, 6, "invalid byte 0xFE"},
    {"fewer fields than header", "a,b\n1,2\n3\n", true, 0, 0, PQ_ERR_PARSE, 3, -1, 8, "expected 2 fields, found 1"},
    {"more fields than header", "a,b\n1,2,3\n", true, 0, 0, PQ_ERR_PARSE, 2, -1, 4, "expected 2 fields, found 3"},
    {"many more fields than header", "a\n1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18\n", true, 0, 0, PQ_ERR_PARSE,
     2, -1, 2, "expected 1 fields, found 18"},
    {"empty input with header", "", true, 0, 0, PQ_ERR_PARSE, 1, -1, 0, "expected a header row"},
    {"blank input with header", "\n\n", true, 0, 0, PQ_ERR_PARSE, 3, -1, 2, "expected a header row"},
    {"record too long", "a,b\n0123456789012345678901234567890123456789\n", true, 16, 0, PQ_ERR_LIMIT, 2, -1, 4,
     "at most 16 bytes"},
    {"too many columns", "a,b,c\n", true, 0, 2, PQ_ERR_LIMIT, 1, 3, 4, "at most 2 fields"},
};

TEST(errors_with_locations)
{
    for (size_t c = 0; c < sizeof ERRS / sizeof ERRS[0]; c++) {
        const csv_err_case *k = &ERRS[c];
        harness_case = k->name;
        for (size_t b = 0; b < N_BLOCKS; b++) {
            if (k->max_record && (BLOCKS[b] == 0 || BLOCKS[b] >= strlen(k->in))) continue; /* limit needs small blocks to be hit mid-record */
            pq_csv_options o;
            pq_csv_options_init(&o);
            o.header = k->header;
            o.block_size = BLOCKS[b];
            if (k->max_record) o.max_record_bytes = k->max_record;
            if (k->max_columns) o.max_columns = k->max_columns;
            char out[1024];
            pq_error err;
            pq_error_clear(&err);
            CHECK_STATUS(render(k->in, strlen(k->in), &o, out, sizeof out, &err), k->status);
            CHECK_EQ_I64(err.where.line, k->line);
            CHECK_EQ_I64(err.where.field, k->field);
            CHECK_EQ_I64(err.where.offset, k->offset);
            CHECK(strstr(err.message, k->msg) != NULL);
            if (!strstr(err.message, k->msg)) fprintf(stderr, "  block %zu: message: %s\n", BLOCKS[b], err.message);
        }
    }
}

TEST(bad_delimiter_and_reuse_after_failure)
{
    pq_source src;
    pq_source_open_memory(&src, "a\n", 2, "mem");
    pq_csv_options o;
    pq_csv_options_init(&o);
    pq_csv_reader *r = (pq_csv_reader *)&o;
    pq_error err;
    const uint8_t bad[] = {'"', '\n', '\r', 0xE9};
    for (size_t i = 0; i < sizeof bad; i++) {
        o.delimiter = bad[i];
        CHECK_STATUS(pq_csv_open(&r, &src, &o, NULL, &err), PQ_ERR_INVALID_ARG);
        CHECK(r == NULL);
    }
    /* After a failure the reader refuses to go on. */
    const char *in = "a,b\n1\n2,3\n";
    pq_source_open_memory(&src, in, strlen(in), "mem");
    pq_csv_options_init(&o);
    CHECK_OK(pq_csv_open(&r, &src, &o, NULL, &err), &err);
    pq_csv_record rec;
    CHECK_STATUS(pq_csv_next(r, &rec, &err), PQ_ERR_PARSE);
    CHECK_STATUS(pq_csv_next(r, &rec, &err), PQ_ERR_STATE);
    pq_csv_close(r);
    pq_csv_close(NULL);
}

TEST(long_quoted_field_across_many_blocks)
{
    /* A 100 KB quoted field with escapes and newlines, read in 7-byte blocks. */
    size_t n = 100000, len = 0;
    char *in = (char *)malloc(n + 64);
    char *expect = (char *)malloc(n);
    size_t elen = 0;
    in[len++] = '"';
    for (size_t i = 0; len < n; i++) {
        char c = "ab\"\nc,"[i % 6];
        in[len++] = c;
        if (c == '"') in[len++] = '"';
        expect[elen++] = c;
    }
    memcpy(in + len, "\",z\nq,r\n", 8);
    len += 8;
    pq_source src;
    pq_source_open_memory(&src, in, len, "mem");
    pq_csv_options o;
    pq_csv_options_init(&o);
    o.header = false;
    o.block_size = 7;
    pq_csv_reader *r;
    pq_error err;
    CHECK_OK(pq_csv_open(&r, &src, &o, NULL, &err), &err);
    pq_csv_record rec;
    CHECK_OK(pq_csv_next(r, &rec, &err), &err);
    CHECK_EQ_I64(rec.n_fields, 2);
    CHECK(rec.fields[0].quoted && rec.fields[0].len == elen && memcmp(rec.fields[0].ptr, expect, elen) == 0);
    CHECK_OK(pq_csv_next(r, &rec, &err), &err);
    int64_t newlines = 0;
    for (size_t i = 0; i < elen; i++) newlines += expect[i] == '\n';
    CHECK_EQ_I64(rec.line, 2 + newlines);
    CHECK(rec.n_fields == 2 && rec.fields[0].ptr[0] == 'q');
    CHECK_OK(pq_csv_next(r, &rec, &err), &err);
    CHECK_EQ_I64(rec.n_fields, 0);
    pq_csv_close(r);
    free(in);
    free(expect);
}

TEST(utf8_validator)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"", true}, {"plain ascii text longer than eight", true}, {"\xC2\x80", true}, {"\xDF\xBF", true},
        {"\xE0\xA0\x80", true}, {"\xEF\xBF\xBF", true}, {"\xF0\x90\x80\x80", true}, {"\xF4\x8F\xBF\xBF", true},
        {"\x80", false}, {"\xC1\xBF", false}, {"\xE0\x9F\xBF", false}, {"\xED\xA0\x80", false},
        {"\xF0\x8F\xBF\xBF", false}, {"\xF4\x90\x80\x80", false}, {"\xF5\x80\x80\x80", false}, {"\xC2", false},
        {"abcdefgh\xC2", false}, {"\xE2\x82", false}, {"\xC2\x41", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = pq_utf8_valid((const uint8_t *)cases[i].s, strlen(cases[i].s));
        CHECK(got == cases[i].ok);
        if (got != cases[i].ok) fprintf(stderr, "  utf8 case %zu\n", i);
    }
    const uint8_t cut[] = {0xE2, 0x82};
    CHECK_EQ_I64(pq_utf8_seq(cut, cut + 2), -1);
    CHECK_EQ_I64(pq_utf8_seq(cut, cut + 1), -1);
    const uint8_t bad[] = {0xE2, 0x41};
    CHECK_EQ_I64(pq_utf8_seq(bad, bad + 2), 0);
}

TEST(fault_injection)
{
    const char *in = "id,name\n1,\"a\"\"b\"\n2,c\n";
    long n_ok = 0;
    for (long fail = 1; fail < 200; fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, fail);
        pq_source src;
        pq_source_open_memory(&src, in, strlen(in), "mem");
        pq_csv_options o;
        pq_csv_options_init(&o);
        o.block_size = 4;
        pq_csv_reader *r = NULL;
        pq_error err;
        pq_status s = pq_csv_open(&r, &src, &o, &a, &err);
        int64_t rows = 0;
        pq_csv_record rec;
        while (s == PQ_OK && (s = pq_csv_next(r, &rec, &err)) == PQ_OK && rec.n_fields) rows++;
        pq_csv_close(r);
        CHECK_EQ_I64(f.live, 0);
        if (f.failed) CHECK_STATUS(s, PQ_ERR_NOMEM);
        else {
            CHECK_OK(s, &err);
            CHECK_EQ_I64(rows, 2);
            n_ok++;
            break;
        }
    }
    CHECK_EQ_I64(n_ok, 1);
}

int main(void)
{
    RUN(records_every_block_size);
    RUN(one_column_with_header_every_block_size);
    RUN(header_and_names);
    RUN(errors_with_locations);
    RUN(bad_delimiter_and_reuse_after_failure);
    RUN(long_quoted_field_across_many_blocks);
    RUN(utf8_validator);
    RUN(fault_injection);
    return harness_done();
}
