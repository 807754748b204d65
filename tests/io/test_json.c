/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/io/test_json.c - the streaming JSON reader (io/json.c): records
 * re-serialised compactly and compared, each case at block sizes from 1
 * byte up (records cross every boundary); JSON Lines and the top-level
 * array form; escapes and surrogate pairs; number classification at the
 * int64 boundaries; DOM navigation; every error with its exact status,
 * line, record number, offset and message; the depth limit; fault
 * injection over the allocator.
 */
#include "io/json.h"

#include "harness.h"

static const size_t BLOCKS[] = {1, 2, 3, 5, 8, 13, 64, 0};
#define N_BLOCKS (sizeof BLOCKS / sizeof BLOCKS[0])

/* Re-serialise every record, one per line, into out (NUL-terminated). */
static pq_status render(const char *in, size_t len, const pq_json_options *o, const pq_allocator *a, char *out,
                        size_t cap, int64_t *n_records, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, in, len, "mem");
    pq_json_reader *r;
    *n_records = 0;
    out[0] = 0;
    pq_status s = pq_json_open(&r, &src, o, a, err);
    if (s != PQ_OK) return s;
    pq_buf b;
    pq_buf_init(&b, a);
    pq_json_record rec;
    while ((s = pq_json_next(r, &rec, err)) == PQ_OK && rec.nodes) {
        (*n_records)++;
        if ((s = pq_json_write(rec.nodes, 0, &b, err)) != PQ_OK) break;
        if ((s = pq_buf_push(&b, '\n', err)) != PQ_OK) break;
    }
    if (s == PQ_OK && b.len < cap) {
        if (b.len) memcpy(out, b.data, b.len);
        out[b.len] = 0;
    }
    pq_buf_reset(&b);
    pq_json_close(r);
    return s;
}

typedef struct json_case {
    const char *name;
    const char *in;
    const char *expect;
} json_case;

static const json_case CASES[] = {
    {"jsonl", "{\"a\":1,\"b\":\"x\"}\n{\"a\":2}\n", "{\"a\":1,\"b\":\"x\"}\n{\"a\":2}\n"},
    {"jsonl crlf no final newline", "{\"a\":1}\r\n{\"a\":2}", "{\"a\":1}\n{\"a\":2}\n"},
    {"pretty single object", "{\n  \"a\" : [1, 2.5, -3e2],\n \"b\": {\"c\": null}\n}\n",
     "{\"a\":[1,2.5,-3e2],\"b\":{\"c\":null}}\n"},
    {"array form", " [ {\"a\":1} ,\n {\"a\":[]} ] \n", "{\"a\":1}\n{\"a\":[]}\n"},
    {"empty array", "[]", ""},
    {"empty array with spaces", "\n[ \n ]\n\n", ""},
    {"blank lines", "\n\n{\"a\":1}\n\n\n{\"b\":2}\n\n", "{\"a\":1}\n{\"b\":2}\n"},
    {"only whitespace", " \n\t\r\n", ""},
    {"empty input", "", ""},
    {"concatenated", "{\"a\":1}{\"a\":2}", "{\"a\":1}\n{\"a\":2}\n"},
    {"bom", "\xEF\xBB\xBF{\"a\":true,\"b\":false}", "{\"a\":true,\"b\":false}\n"},
    {"escapes", "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00x\"}",
     "{\"s\":\"\\\"\\\\/\\b\\f\\n\\r\\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x\"}\n"},
    {"nul and control escapes", "{\"s\":\"a\\u0000b\\u001f\"}", "{\"s\":\"a\\u0000b\\u001f\"}\n"},
    {"escaped key", "{\"k\\u00e9y\":1}", "{\"k\xC3\xA9y\":1}\n"},
    {"raw utf8", "{\"k\":\"\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80\"}", "{\"k\":\"\xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80\"}\n"},
    {"long string no escapes", "{\"k\":\"0123456789abcdefghijklmnopqrstuvwxyz0123456789\"}",
     "{\"k\":\"0123456789abcdefghijklmnopqrstuvwxyz0123456789\"}\n"},
    {"duplicate keys kept", "{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}\n"},
    {"empty containers", "{\"o\":{},\"l\":[],\"n\":[[],[{}]]}", "{\"o\":{},\"l\":[],\"n\":[[],[{}]]}\n"},
    {"numbers as written", "{\"n\":[0,-0,1.50,1E+2,-2e-3,12345678901234567890123]}",
     "{\"n\":[0,-0,1.50,1E+2,-2e-3,12345678901234567890123]}\n"},
};

TEST(records_every_block_size)
{
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        harness_case = CASES[c].name;
        for (size_t b = 0; b < N_BLOCKS; b++) {
            pq_json_options o;
            pq_json_options_init(&o);
            o.block_size = BLOCKS[b];
            char out[1024];
            int64_t n;
            pq_error err;
            pq_error_clear(&err);
            CHECK_OK(render(CASES[c].in, strlen(CASES[c].in), &o, NULL, out, sizeof out, &n, &err), &err);
            CHECK_EQ_STR(out, CASES[c].expect);
        }
    }
}

/* The first record of `in` (default options); the reader stays open. */
static pq_json_reader *first_record(const char *in, pq_source *src, pq_json_record *rec)
{
    pq_source_open_memory(src, in, strlen(in), "mem");
    pq_json_reader *r = NULL;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_json_open(&r, src, NULL, NULL, &err), &err);
    if (!r) return NULL;
    CHECK_OK(pq_json_next(r, rec, &err), &err);
    return r;
}

TEST(number_classes)
{
    const char *in = "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"over\":9223372036854775808,"
                     "\"under\":-9223372036854775809,\"d\":1.0,\"z\":-0,\"e\":1e3,\"zero\":0}";
    pq_source src;
    pq_json_record rec;
    pq_json_reader *r = first_record(in, &src, &rec);
    if (!r || !rec.nodes) return;
    static const struct {
        uint8_t type;
        int64_t i;
        const char *text;
    } want[] = {
        {PQ_JSON_INT, INT64_MIN, "-9223372036854775808"}, {PQ_JSON_INT, INT64_MAX, "9223372036854775807"},
        {PQ_JSON_BIGINT, 0, "9223372036854775808"},        {PQ_JSON_BIGINT, 0, "-9223372036854775809"},
        {PQ_JSON_DOUBLE, 0, "1.0"},                        {PQ_JSON_INT, 0, "-0"},
        {PQ_JSON_DOUBLE, 0, "1e3"},                        {PQ_JSON_INT, 0, "0"},
    };
    CHECK_EQ_I64(rec.nodes[0].type, PQ_JSON_OBJECT);
    CHECK_EQ_I64(rec.nodes[0].count, 8);
    uint32_t c = 1;
    for (size_t k = 0; k < 8; k++, c = rec.nodes[c + 1].next) {
        const pq_json_node *v = &rec.nodes[c + 1];
        CHECK_EQ_I64(v->type, want[k].type);
        if (want[k].type == PQ_JSON_INT) CHECK_EQ_I64(v->i, want[k].i);
        CHECK(v->len == strlen(want[k].text) && memcmp(v->str, want[k].text, v->len) == 0);
    }
    CHECK_EQ_I64(c, rec.n_nodes);
    pq_json_close(r);
}

TEST(dom_navigation_and_record_positions)
{
    const char *in = "\n\n  {\"a\":[1,{\"b\":true}],\"c\":\"x\"}\n[\n";
    pq_source src;
    pq_source_open_memory(&src, in, strlen(in), "mem");
    pq_json_reader *r;
    pq_error err;
    pq_error_clear(&err);
    CHECK_OK(pq_json_open(&r, &src, NULL, NULL, &err), &err);
    CHECK(!pq_json_is_array(r));
    pq_json_record rec;
    CHECK_OK(pq_json_next(r, &rec, &err), &err);
    CHECK_EQ_I64(rec.line, 3);
    CHECK_EQ_I64(rec.offset, 4);
    CHECK_EQ_I64(rec.index, 1);
    const pq_json_node *n = rec.nodes;
    CHECK_EQ_I64(rec.n_nodes, 9);
    /* 0 {  1 "a"  2 [  3 1  4 {  5 "b"  6 true  7 "c"  8 "x" */
    CHECK_EQ_I64(n[0].count, 2);
    CHECK_EQ_I64(n[2].type, PQ_JSON_ARRAY);
    CHECK_EQ_I64(n[2].count, 2);
    CHECK_EQ_I64(n[3].i, 1);
    CHECK_EQ_I64(n[4].type, PQ_JSON_OBJECT);
    CHECK_EQ_I64(n[4].next, 7);
    CHECK_EQ_I64(n[6].type, PQ_JSON_TRUE);
    CHECK_EQ_I64(n[2].next, 7);
    CHECK(n[7].type == PQ_JSON_STRING && n[7].len == 1 && n[7].str[0] == 'c');
    /* then "[": not an object -> error on line 4 at offset 33, record 2 */
    CHECK_STATUS(pq_json_next(r, &rec, &err), PQ_ERR_PARSE);
    CHECK_EQ_I64(err.where.line, 4);
    CHECK_EQ_I64(err.where.record, 2);
    CHECK_EQ_I64(err.where.offset, 33);
    CHECK_STATUS(pq_json_next(r, &rec, &err), PQ_ERR_STATE);
    pq_json_close(r);
}

typedef struct json_err_case {
    const char *name;
    const char *in;
    pq_status status;
    int64_t line, record, offset;
    const char *msg;
} json_err_case;

static const json_err_case ERRS[] = {
    {"missing colon", "{\"a\" 1}", PQ_ERR_PARSE, 1, 1, 5, "expected ':' after an object key, found '1' at line 1, column 6"},
    {"colon then brace", "{\"a\"}", PQ_ERR_PARSE, 1, 1, 4, "expected ':' after an object key, found '}'"},
    {"trailing comma in object", "{\"a\":1,}", PQ_ERR_PARSE, 1, 1, 7, "expected '\"' to start an object key, found '}'"},
    {"missing value second record", "{\"a\":1}\n{\"b\":}", PQ_ERR_PARSE, 2, 2, 13,
     "expected a value, found '}' at line 2, column 6"},
    {"leading zero", "{\"a\":01}", PQ_ERR_PARSE, 1, 1, 6, "expected ',' or '}' after an object member, found '1'"},
    {"bad literal", "{\"a\":tru}", PQ_ERR_PARSE, 1, 1, 8, "expected 'true', found '}'"},
    {"nan literal", "{\"a\":NaN}", PQ_ERR_PARSE, 1, 1, 5, "expected a value, found 'N'"},
    {"unterminated string", "{\"a\":\"x", PQ_ERR_PARSE, 1, 1, 7, "expected '\"' to close a string, found end of input"},
    {"unterminated object", "{\"a\":1", PQ_ERR_PARSE, 1, 1, 6, "found end of input"},
    {"control char in string", "{\"a\":\"x\x01\"}", PQ_ERR_PARSE, 1, 1, 7, "control character in a string, found byte 0x01"},
    {"raw newline in string", "{\"a\":\"x\ny\"}", PQ_ERR_PARSE, 1, 1, 7, "found byte 0x0A"},
    {"lone high surrogate", "{\"a\":\"\\ud800\"}", PQ_ERR_PARSE, 1, 1, 6, "lone high surrogate"},
    {"high then non-low", "{\"a\":\"\\ud800\\u0041\"}", PQ_ERR_PARSE, 1, 1, 6, "lone high surrogate"},
    {"lone low surrogate", "{\"a\":\"\\udc00\"}", PQ_ERR_PARSE, 1, 1, 6, "lone low surrogate"},
    {"bad escape", "{\"a\":\"\\q\"}", PQ_ERR_PARSE, 1, 1, 7, "expected an escape"},
    {"bad hex", "{\"a\":\"\\u12g4\"}", PQ_ERR_PARSE, 1, 1, 6, "4 hex digits after \\u"},
    {"invalid utf8", "{\"a\":\"\xff\"}", PQ_ERR_PARSE, 1, 1, 6, "invalid byte 0xFF"},
    {"invalid utf8 in key", "{\"\xC0\x80\":1}", PQ_ERR_PARSE, 1, 1, 2, "invalid byte 0xC0"},
    {"minus alone", "{\"a\":-}", PQ_ERR_PARSE, 1, 1, 6, "expected a digit, found '}'"},
    {"dot without digits", "{\"a\":1.}", PQ_ERR_PARSE, 1, 1, 7, "expected a digit after '.'"},
    {"empty exponent", "{\"a\":1e}", PQ_ERR_PARSE, 1, 1, 7, "expected a digit in the exponent"},
    {"array of numbers", "[1,2]", PQ_ERR_PARSE, 1, 1, 1, "expected '{' to start a record, found '1'"},
    {"scalar at top", "42", PQ_ERR_PARSE, 1, 1, 0, "expected '{' or '[' at the start of JSON input, found '4'"},
    {"trailing comma in array", "[{\"a\":1},]", PQ_ERR_PARSE, 1, 2, 9, "expected '{' to start a record, found ']'"},
    {"unclosed array", "[{\"a\":1}", PQ_ERR_PARSE, 1, 2, 8, "expected ',' or ']' after an array element, found end of input"},
    {"unclosed empty array", "[", PQ_ERR_PARSE, 1, 1, 1, "expected '{' or ']', found end of input"},
    {"junk after array", "[{\"a\":1}] x", PQ_ERR_PARSE, 1, 2, 10, "expected end of input after the top-level array, found 'x'"},
    {"missing comma in array", "[{\"a\":1} {\"a\":2}]", PQ_ERR_PARSE, 1, 2, 9, "expected ',' or ']' after an array element, found '{'"},
    {"junk between lines", "{\"a\":1}\nx", PQ_ERR_PARSE, 2, 2, 8, "expected '{' to start a record, found 'x'"},
    {"error on third line of a record", "{\n \"a\": 1,\n \"b\" 2\n}", PQ_ERR_PARSE, 3, 1, 16,
     "expected ':' after an object key, found '2' at line 3, column 6"},
    {"nul byte", "{\"a\":\0}", PQ_ERR_PARSE, 1, 1, 5, "found byte 0x00"},
};

TEST(errors_with_locations)
{
    for (size_t c = 0; c < sizeof ERRS / sizeof ERRS[0]; c++) {
        const json_err_case *k = &ERRS[c];
        harness_case = k->name;
        size_t len = strcmp(k->name, "nul byte") == 0 ? 7 : strlen(k->in);
        for (size_t b = 0; b < N_BLOCKS; b++) {
            pq_json_options o;
            pq_json_options_init(&o);
            o.block_size = BLOCKS[b];
            char out[1024];
            int64_t n;
            pq_error err;
            pq_error_clear(&err);
            CHECK_STATUS(render(k->in, len, &o, NULL, out, sizeof out, &n, &err), k->status);
            CHECK_EQ_I64(err.where.line, k->line);
            CHECK_EQ_I64(err.where.record, k->record);
            CHECK_EQ_I64(err.where.offset, k->offset);
            CHECK(strstr(err.message, k->msg) != NULL);
            if (!strstr(err.message, k->msg)) fprintf(stderr, "  block %zu: message: %s\n", BLOCKS[b], err.message);
        }
    }
}

/* "{"a":" + n times "[" + "1" + n times "]" + "}" */
static char *nested(int n)
{
    char *s = (char *)malloc((size_t)n * 2 + 16);
    size_t k = 0;
    memcpy(s, "{\"a\":", 5);
    k = 5;
    for (int i = 0; i < n; i++) s[k++] = '[';
    s[k++] = '1';
    for (int i = 0; i < n; i++) s[k++] = ']';
    s[k++] = '}';
    s[k] = 0;
    return s;
}

TEST(depth_limit)
{
    char out[4096];
    int64_t n;
    pq_error err;
    pq_json_options o;
    pq_json_options_init(&o);
    /* record object = level 1, so 511 arrays reach exactly 512 */
    char *ok = nested(511), *deep = nested(512);
    pq_error_clear(&err);
    CHECK_OK(render(ok, strlen(ok), &o, NULL, out, sizeof out, &n, &err), &err);
    CHECK_EQ_I64(n, 1);
    pq_error_clear(&err);
    CHECK_STATUS(render(deep, strlen(deep), &o, NULL, out, sizeof out, &n, &err), PQ_ERR_LIMIT);
    CHECK_EQ_I64(err.where.offset, 5 + 511);
    CHECK(strstr(err.message, "at most 512 levels") != NULL);
    o.max_depth = 3;
    const char *three = "{\"a\":[{}]}", *four = "{\"a\":[{\"b\":[]}]}";
    CHECK_OK(render(three, strlen(three), &o, NULL, out, sizeof out, &n, &err), &err);
    CHECK_STATUS(render(four, strlen(four), &o, NULL, out, sizeof out, &n, &err), PQ_ERR_LIMIT);
    free(ok);
    free(deep);
    pq_source src;
    pq_source_open_memory(&src, "{}", 2, "mem");
    pq_json_reader *r;
    o.max_depth = PQ_JSON_MAX_DEPTH + 1;
    CHECK_STATUS(pq_json_open(&r, &src, &o, NULL, &err), PQ_ERR_INVALID_ARG);
    o.max_depth = 0;
    CHECK_STATUS(pq_json_open(&r, &src, &o, NULL, &err), PQ_ERR_INVALID_ARG);
}

TEST(record_size_limit)
{
    const char *in = "{\"a\":1}\n{\"long\":\"0123456789012345678901234567890123456789\"}\n";
    pq_json_options o;
    pq_json_options_init(&o);
    o.block_size = 4;
    o.max_record_bytes = 16;
    char out[1024];
    int64_t n;
    pq_error err;
    pq_error_clear(&err);
    CHECK_STATUS(render(in, strlen(in), &o, NULL, out, sizeof out, &n, &err), PQ_ERR_LIMIT);
    CHECK_EQ_I64(n, 1);
    CHECK_EQ_I64(err.where.line, 2);
    CHECK_EQ_I64(err.where.record, 2);
    CHECK_EQ_I64(err.where.offset, 8);
}

TEST(large_array_streamed_in_small_blocks)
{
    /* 5000 records in the array form, 17-byte blocks: every record crosses
     * boundaries and the buffer stays small (no whole-array load). */
    pq_buf in;
    pq_buf_init(&in, NULL);
    pq_error err;
    CHECK_OK(pq_buf_append(&in, "[", 1, &err), &err);
    for (int i = 0; i < 5000; i++) {
        char rec[96];
        int n = snprintf(rec, sizeof rec, "%s{\"i\":%d,\"s\":\"v\\u00e9%d\",\"l\":[%d,%d.5]}\n", i ? "," : "", i, i, i, i);
        CHECK_OK(pq_buf_append(&in, rec, (size_t)n, &err), &err);
    }
    CHECK_OK(pq_buf_append(&in, "]", 1, &err), &err);
    pq_source src;
    pq_source_open_memory(&src, in.data, in.len, "mem");
    pq_json_options o;
    pq_json_options_init(&o);
    o.block_size = 17;
    pq_json_reader *r;
    CHECK_OK(pq_json_open(&r, &src, &o, NULL, &err), &err);
    CHECK(pq_json_is_array(r));
    pq_json_record rec;
    int i = 0, bad = 0;
    while (pq_json_next(r, &rec, &err) == PQ_OK && rec.nodes) {
        char want[32];
        int wl = snprintf(want, sizeof want, "v\xC3\xA9%d", i);
        if (rec.nodes[2].i != i || rec.nodes[4].len != (uint32_t)wl || memcmp(rec.nodes[4].str, want, (size_t)wl) ||
            rec.line != i + 1 || rec.index != i + 1)
            bad++;
        i++;
    }
    CHECK_EQ_I64(i, 5000);
    CHECK_EQ_I64(bad, 0);
    CHECK_EQ_I64(pq_json_bytes_read(r), (int64_t)in.len);
    pq_json_close(r);
    pq_buf_reset(&in);
}

TEST(fault_injection)
{
    const char *in = "[{\"a\":\"x\\ty\",\"b\":[1,2,{\"c\":null}]},{\"a\":\"\\u00e9\"}]";
    long ok_at = 0;
    for (long fail = 1; fail < 500 && !ok_at; fail++) {
        harness_fault f;
        pq_allocator a = harness_fault_allocator(&f, fail);
        pq_json_options o;
        pq_json_options_init(&o);
        o.block_size = 5;
        char out[1024];
        int64_t n;
        pq_error err;
        pq_error_clear(&err);
        pq_status s = render(in, strlen(in), &o, &a, out, sizeof out, &n, &err);
        CHECK_EQ_I64(f.live, 0);
        if (f.failed) CHECK_STATUS(s, PQ_ERR_NOMEM);
        else {
            CHECK_OK(s, &err);
            CHECK_EQ_STR(out, "{\"a\":\"x\\ty\",\"b\":[1,2,{\"c\":null}]}\n{\"a\":\"\xC3\xA9\"}\n");
            ok_at = fail;
        }
    }
    CHECK(ok_at > 1);
}

int main(void)
{
    RUN(records_every_block_size);
    RUN(number_classes);
    RUN(dom_navigation_and_record_positions);
    RUN(errors_with_locations);
    RUN(depth_limit);
    RUN(record_size_limit);
    RUN(large_array_streamed_in_small_blocks);
    RUN(fault_injection);
    return harness_done();
}
