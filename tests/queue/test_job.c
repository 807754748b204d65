/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/queue/test_job.c - a queue job file (queue/job.c): pq_job_parse on
 * a valid minimal job (fields, attempts, compact `fields`); every required
 * member missing in turn; wrong types and ranges (portfolio_size, job_id,
 * the stem, job_type) with the member named in the message; text that is
 * not one JSON object, and the nesting limit; optimiser options turned into
 * argv pairs, and values that could be read as flags refused; unknown and
 * informational members; the queue's own members (attempts, retry_after,
 * last_error) kept out of `fields` and written back by pq_job_write_json,
 * parsed again to the same job; config_overrides as an INI file;
 * pq_json_put_str escaping; pq_job_id_valid.  Every parse is followed by
 * pq_job_reset, so the test is clean under LeakSanitizer.
 */
#include "queue/queue.h"

#include "harness.h"

#define STEM "j1"
#define TS "2024-01-02T03:04:05"
/* The required members, compact, in this order. */
static const char *const REQUIRED[] = {
    "\"job_id\":\"j1\"",
    "\"input_file\":\"a.csv\"",
    "\"portfolio_size\":35",
    "\"job_type\":\"complete_optimization\"",
    "\"timestamp\":\"" TS "\"",
};
#define N_REQUIRED 5
static const char *const REQUIRED_NAMES[] = {"job_id", "input_file", "portfolio_size", "job_type", "timestamp"};
#define BASE "\"job_id\":\"j1\",\"input_file\":\"a.csv\",\"portfolio_size\":35," \
             "\"job_type\":\"complete_optimization\",\"timestamp\":\"" TS "\""

/* Parse text as stem's job into a freshly initialised j. */
static pq_status parse(const char *stem, const char *text, pq_job *j, pq_error *err)
{
    pq_job_init(j);
    pq_error_clear(err);
    return pq_job_parse(stem, (const uint8_t *)text, strlen(text), j, err);
}

/* True when buffer b holds exactly the text s. */
static int buf_is(const pq_buf *b, const char *s)
{
    size_t n = strlen(s);
    return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

static void show_buf(const char *what, const pq_buf *b, const char *expect)
{
    fprintf(stderr, "  [%s] %s = \"%.*s\", expected \"%s\"\n", harness_case, what, (int)b->len,
            b->len ? (const char *)b->data : "", expect);
}

/* Parse `text` and expect status `want` (!= PQ_OK) with `sub` in the
 * message; the job is reset whatever happens. */
static void expect_fail(const char *label, const char *stem, const char *text, pq_status want, const char *sub)
{
    pq_job j;
    pq_error err;
    pq_status st = parse(stem, text, &j, &err);
    CHECK_EQ_I64(st, want);
    CHECK(strstr(err.message, sub) != NULL);
    if (st != want || !strstr(err.message, sub))
        fprintf(stderr, "  case \"%s\": status %d, message \"%s\", expected %d with \"%s\"\n", label, (int)st,
                err.message, (int)want, sub);
    pq_job_reset(&j);
}

/* --------------------------------------------------------------- cases */

TEST(minimal_job_parses)
{
    const char *text = "{ \"job_id\" : \"j1\",\n  \"input_file\": \"a.csv\",\n  \"portfolio_size\": 35,\n"
                       "  \"job_type\": \"complete_optimization\",\n  \"timestamp\": \"" TS "\" }\n";
    pq_job j;
    pq_error err;
    CHECK_OK(parse(STEM, text, &j, &err), &err);
    CHECK_EQ_STR(j.id, "j1");
    CHECK_EQ_STR(j.input_file, "a.csv");
    CHECK_EQ_I64(j.portfolio_size, 35);
    CHECK_EQ_STR(j.job_type, "complete_optimization");
    CHECK_EQ_STR(j.timestamp, TS);
    CHECK_EQ_I64(j.attempts, 0);
    CHECK_EQ_I64(j.retry_after, 0);
    CHECK_EQ_STR(j.last_error, "");
    CHECK_EQ_I64(j.n_args, 0);
    CHECK_EQ_STR(j.unknown, "");
    CHECK_EQ_I64(j.config_ini.len, 0);
    CHECK(buf_is(&j.fields, BASE));
    if (!buf_is(&j.fields, BASE)) show_buf("fields", &j.fields, BASE);
    pq_job_reset(&j);
    /* reset leaves an empty job */
    CHECK_EQ_STR(j.id, "");
    CHECK(j.fields.data == NULL && j.fields.len == 0);

    /* the size's bounds are accepted */
    static const struct { const char *text; int64_t size; } bounds[] = {
        {"{\"job_id\":\"j1\",\"input_file\":\"a.csv\",\"portfolio_size\":2,\"job_type\":\"complete_optimization\","
         "\"timestamp\":\"t\"}", 2},
        {"{\"job_id\":\"j1\",\"input_file\":\"a.csv\",\"portfolio_size\":1000,\"job_type\":\"complete_optimization\","
         "\"timestamp\":\"t\"}", 1000},
    };
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        CHECK_OK(parse(STEM, bounds[i].text, &j, &err), &err);
        CHECK_EQ_I64(j.portfolio_size, bounds[i].size);
        pq_job_reset(&j);
    }
    /* a job id of exactly PQ_JOB_ID_MAX characters, equal to its stem */
    char id[PQ_JOB_ID_MAX + 1], text2[512];
    memset(id, 'a', PQ_JOB_ID_MAX);
    id[PQ_JOB_ID_MAX] = '\0';
    snprintf(text2, sizeof text2, "{\"job_id\":\"%s\",\"input_file\":\"a.csv\",\"portfolio_size\":35,"
             "\"job_type\":\"complete_optimization\",\"timestamp\":\"t\"}", id);
    CHECK_OK(parse(id, text2, &j, &err), &err);
    CHECK_EQ_STR(j.id, id);
    pq_job_reset(&j);
}

TEST(each_required_member_missing)
{
    for (int miss = 0; miss < N_REQUIRED; miss++) {
        char text[1024] = "{";
        for (int m = 0; m < N_REQUIRED; m++) {
            if (m == miss) continue;
            if (strlen(text) > 1) strcat(text, ",");
            strcat(text, REQUIRED[m]);
        }
        strcat(text, "}");
        char sub[64];
        snprintf(sub, sizeof sub, "\"%s\" is missing", REQUIRED_NAMES[miss]);
        expect_fail(REQUIRED_NAMES[miss], STEM, text, PQ_ERR_INVALID_ARG, sub);
    }
}

/* Bad values: the job with one member replaced (or added, last wins in the
 * order of the members), the stem, and what the message must say. */
TEST(wrong_types_and_ranges)
{
    char long_id[PQ_JOB_ID_MAX + 2];
    memset(long_id, 'a', PQ_JOB_ID_MAX + 1);
    long_id[PQ_JOB_ID_MAX + 1] = '\0';
    char long_job[512];
    snprintf(long_job, sizeof long_job, "{\"job_id\":\"%s\",\"input_file\":\"a.csv\",\"portfolio_size\":35,"
             "\"job_type\":\"complete_optimization\",\"timestamp\":\"t\"}", long_id);
#define JOB(id, size, type) "{\"job_id\":" id ",\"input_file\":\"a.csv\",\"portfolio_size\":" size \
                            ",\"job_type\":" type ",\"timestamp\":\"t\"}"
    const struct { const char *label, *stem, *text, *sub; } cases[] = {
        {"size string", STEM, JOB("\"j1\"", "\"35\"", "\"complete_optimization\""),
         "portfolio_size: expected an integer 2..1000, found \"35\""},
        {"size 1", STEM, JOB("\"j1\"", "1", "\"complete_optimization\""), "portfolio_size: expected an integer 2..1000, found 1"},
        {"size 1001", STEM, JOB("\"j1\"", "1001", "\"complete_optimization\""), "portfolio_size: expected an integer 2..1000, found 1001"},
        {"size 3.5", STEM, JOB("\"j1\"", "3.5", "\"complete_optimization\""), "portfolio_size: expected an integer 2..1000, found 3.5"},
        {"size -3", STEM, JOB("\"j1\"", "-3", "\"complete_optimization\""), "portfolio_size"},
        {"size null", STEM, JOB("\"j1\"", "null", "\"complete_optimization\""), "portfolio_size"},
        {"size huge", STEM, JOB("\"j1\"", "123456789012345678901234567890", "\"complete_optimization\""), "portfolio_size"},
        {"id with slash", "a/b", JOB("\"a/b\"", "35", "\"complete_optimization\""), "job_id 'a/b'"},
        {"id ..", "..", JOB("\"..\"", "35", "\"complete_optimization\""), "job_id '..'"},
        {"id starting with .", ".x", JOB("\".x\"", "35", "\"complete_optimization\""), "job_id '.x'"},
        {"id with space", "a b", JOB("\"a b\"", "35", "\"complete_optimization\""), "job_id 'a b'"},
        {"id empty", "", JOB("\"\"", "35", "\"complete_optimization\""), "job_id: expected a string of 1 to 128 bytes"},
        {"id number", STEM, JOB("7", "35", "\"complete_optimization\""), "job_id: expected a string"},
        {"id too long", long_id, long_job, "job_id: expected a string of 1 to 128 bytes"},
        {"id differs from the stem", "j2", JOB("\"j1\"", "35", "\"complete_optimization\""),
         "job_id 'j1' differs from the file's name 'j2.json'"},
        {"job_type other", STEM, JOB("\"j1\"", "35", "\"other\""), "job_type 'other' is not supported"},
        {"job_type number", STEM, JOB("\"j1\"", "35", "1"), "job_type: expected a string"},
        {"input_file empty", STEM,
         "{\"job_id\":\"j1\",\"input_file\":\"\",\"portfolio_size\":35,\"job_type\":\"complete_optimization\",\"timestamp\":\"t\"}",
         "input_file: expected a string"},
        {"input_file with a newline", STEM,
         "{\"job_id\":\"j1\",\"input_file\":\"a\\n.csv\",\"portfolio_size\":35,\"job_type\":\"complete_optimization\",\"timestamp\":\"t\"}",
         "input_file: control character"},
        {"timestamp number", STEM,
         "{\"job_id\":\"j1\",\"input_file\":\"a.csv\",\"portfolio_size\":35,\"job_type\":\"complete_optimization\",\"timestamp\":5}",
         "timestamp: expected a string"},
        {"attempts negative", STEM, "{" BASE ",\"attempts\":-1}", "attempts: expected an integer 0..1000000"},
        {"attempts string", STEM, "{" BASE ",\"attempts\":\"2\"}", "attempts: expected an integer"},
        {"retry_after negative", STEM, "{" BASE ",\"retry_after\":-5}", "retry_after: expected an integer"},
        {"seed not an integer", STEM, "{" BASE ",\"seed\":1.5}", "seed: expected an integer, found 1.5"},
        {"effort a string", STEM, "{" BASE ",\"effort\":\"x\"}", "effort: expected a number"},
        {"ulta a string", STEM, "{" BASE ",\"ulta\":\"yes\"}", "ulta: expected true or false"},
        {"algorithms empty array", STEM, "{" BASE ",\"algorithms\":[]}", "algorithms: expected a string or a non-empty array"},
        {"algorithms nested", STEM, "{" BASE ",\"algorithms\":[[\"ga\"]]}", "algorithms: expected strings or numbers"},
    };
#undef JOB
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_fail(cases[i].label, cases[i].stem, cases[i].text, PQ_ERR_INVALID_ARG, cases[i].sub);

    /* a job id read before a later failure names the job */
    pq_job j;
    pq_error err;
    CHECK_STATUS(parse(STEM, "{\"portfolio_size\":1,\"job_id\":\"j1\"}", &j, &err), PQ_ERR_INVALID_ARG);
    CHECK_EQ_STR(j.id, "j1");
    pq_job_reset(&j);
}

TEST(not_one_json_object)
{
    char deep[512] = "{" BASE, deep16[512] = "{" BASE;
    /* depth 17: the job object and 16 nested objects under "x" */
    strcat(deep, ",\"x\":");
    for (int i = 0; i < 16; i++) strcat(deep, i < 15 ? "{\"a\":" : "{");
    for (int i = 0; i < 16; i++) strcat(deep, "}");
    strcat(deep, "}");
    /* depth 16: accepted */
    strcat(deep16, ",\"x\":");
    for (int i = 0; i < 15; i++) strcat(deep16, i < 14 ? "{\"a\":" : "{");
    for (int i = 0; i < 15; i++) strcat(deep16, "}");
    strcat(deep16, "}");
    const struct { const char *label, *text; pq_status want; const char *sub; } cases[] = {
        {"open brace", "{", PQ_ERR_PARSE, "expected"},
        {"garbage", "garbage", PQ_ERR_PARSE, "expected"},
        {"empty", "", PQ_ERR_PARSE, "the job file is empty"},
        {"only spaces", "  \n ", PQ_ERR_PARSE, "expected one JSON object, found nothing"},
        {"array of one object", "[{}]", PQ_ERR_PARSE, "expected one JSON object, found an array"},
        {"array of the job", "[{" BASE "}]", PQ_ERR_PARSE, "found an array"},
        {"two objects", "{" BASE "}{" BASE "}", PQ_ERR_PARSE, "expected one JSON object, found a second one at line 1"},
        {"two objects on two lines", "{" BASE "}\n{" BASE "}\n", PQ_ERR_PARSE, "found a second one at line 2"},
        {"trailing comma", "{" BASE ",}", PQ_ERR_PARSE, "expected"},
        {"trailing garbage", "{" BASE "} x", PQ_ERR_PARSE, "expected"},
        {"a number", "5", PQ_ERR_PARSE, "expected"},
        {"invalid utf-8", "{" BASE ",\"x\":\"\xff\"}", PQ_ERR_PARSE, ""},
        {"too deep", deep, PQ_ERR_LIMIT, "expected at most 16 levels of nesting, found 17"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_job j;
        pq_error err;
        const char *text = cases[i].text;
        pq_status st = parse(STEM, text, &j, &err);
        CHECK(st != PQ_OK);
        CHECK_EQ_I64(st, cases[i].want);
        CHECK(strstr(err.message, cases[i].sub) != NULL);
        if (st != cases[i].want || !strstr(err.message, cases[i].sub))
            fprintf(stderr, "  case \"%s\": status %d, message \"%s\"\n", cases[i].label, (int)st, err.message);
        pq_job_reset(&j);
    }
    pq_job j;
    pq_error err;
    CHECK_OK(parse(STEM, deep16, &j, &err), &err);
    CHECK_EQ_STR(j.unknown, "x");
    pq_job_reset(&j);
}

/* The argv entries of a job, joined with '|'. */
static void join_args(const pq_job *j, char *out, size_t cap)
{
    out[0] = '\0';
    for (int a = 0; a < j->n_args; a++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", a ? "|" : "", j->args[a]);
    }
}

TEST(options_become_argv_pairs)
{
    static const struct { const char *label, *members, *args; int n; } ok[] = {
        {"the brief's example", "\"algorithms\":[\"ga\",\"sa\"],\"seed\":7,\"effort\":0.5,\"ulta\":false,\"metric\":\"roi\"",
         "--algorithms|ga,sa|--seed|7|--effort|0.5|--no-ulta|--metric|roi", 9},
        {"ulta true", "\"ulta\":true", "--ulta", 1},
        {"negative number", "\"correlation_penalty\":-1", "--correlation-penalty|-1", 2},
        {"negative double", "\"correlation_penalty\":-0.25", "--correlation-penalty|-0.25", 2},
        {"exponent", "\"time_budget\":1e3", "--time-budget|1e3", 2},
        {"list as a string", "\"algorithms\":\"ga,sa\"", "--algorithms|ga,sa", 2},
        {"list of numbers", "\"zone_weights\":[1,0.5,2]", "--zone-weights|1,0.5,2", 2},
        {"every option",
         "\"min_size\":5,\"max_size\":10,\"ulta_rule\":\"x:y\",\"regime_min_confidence\":0.6,\"holdout_days\":30,"
         "\"preset\":\"fast\",\"threads\":4",
         "--min-size|5|--max-size|10|--ulta-rule|x:y|--regime-min-confidence|0.6|--holdout-days|30|--preset|fast|"
         "--threads|4", 14},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[1024], got[1024];
        snprintf(text, sizeof text, "{" BASE ",%s}", ok[i].members);
        pq_job j;
        pq_error err;
        CHECK_OK(parse(STEM, text, &j, &err), &err);
        CHECK_EQ_I64(j.n_args, ok[i].n);
        join_args(&j, got, sizeof got);
        CHECK_EQ_STR(got, ok[i].args);
        CHECK_EQ_STR(j.unknown, "");
        /* options stay in fields as written */
        char fields[1024];
        snprintf(fields, sizeof fields, BASE ",%s", ok[i].members);
        CHECK(buf_is(&j.fields, fields));
        if (!buf_is(&j.fields, fields)) show_buf(ok[i].label, &j.fields, fields);
        pq_job_reset(&j);
    }

    static const struct { const char *label, *members, *sub; } bad[] = {
        {"metric a flag", "\"metric\":\"--output\"", "metric: value \"--output\" holds characters"},
        {"metric one dash", "\"metric\":\"-x\"", "metric: value"},
        {"metric with a space", "\"metric\":\"roi x\"", "metric: value"},
        {"metric with a slash", "\"metric\":\"a/b\"", "metric: value"},
        {"metric empty", "\"metric\":\"\"", "metric: value"},
        {"metric with a newline", "\"metric\":\"a\\nb\"", "metric: value"},
        {"preset with a quote", "\"preset\":\"a'b\"", "preset: value"},
        {"algorithms element a flag", "\"algorithms\":[\"--output\",\"x\"]", "algorithms: value"},
        {"algorithms element with a slash", "\"algorithms\":[\"ga\",\"../x\"]", "algorithms: value"},
        {"ulta_rule with a space", "\"ulta_rule\":\"a b\"", "ulta_rule: value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "{" BASE ",%s}", bad[i].members);
        expect_fail(bad[i].label, STEM, text, PQ_ERR_INVALID_ARG, bad[i].sub);
    }

    /* more argv entries than PQ_JOB_MAX_OPTIONS (duplicate keys all count) */
    char text[4096];
    snprintf(text, sizeof text, "{" BASE);
    for (int i = 0; i < PQ_JOB_MAX_OPTIONS / 2 + 1; i++) strcat(text, ",\"seed\":1");
    strcat(text, "}");
    expect_fail("too many options", STEM, text, PQ_ERR_INVALID_ARG, "too many optimiser options");
    /* exactly PQ_JOB_MAX_OPTIONS entries are accepted */
    snprintf(text, sizeof text, "{" BASE);
    for (int i = 0; i < PQ_JOB_MAX_OPTIONS / 2; i++) strcat(text, ",\"seed\":1");
    strcat(text, "}");
    pq_job j;
    pq_error err;
    CHECK_OK(parse(STEM, text, &j, &err), &err);
    CHECK_EQ_I64(j.n_args, PQ_JOB_MAX_OPTIONS);
    CHECK_EQ_STR(j.args[PQ_JOB_MAX_OPTIONS - 2], "--seed");
    CHECK_EQ_STR(j.args[PQ_JOB_MAX_OPTIONS - 1], "1");
    pq_job_reset(&j);
}

/* A value starting with '-' must be a number through to its end: "-1 x/y"
 * holds a space and a '/'. */
TEST(option_value_starting_with_a_negative_number)
{
    expect_fail("negative number then text", STEM, "{" BASE ",\"metric\":\"-1 x/y\"}", PQ_ERR_INVALID_ARG, "metric: value");
    pq_job j;
    pq_error err;
    CHECK_OK(parse(STEM, "{" BASE ",\"metric\":\"-1.5e-3\"}", &j, &err), &err);
    CHECK_EQ_I64(j.n_args, 2);
    pq_job_reset(&j);
}

TEST(unknown_and_informational_members)
{
    pq_job j;
    pq_error err;
    const char *text = "{" BASE ",\"foo\":1,\"client_info\":{\"host\":\"h\"},\"bar\":{},\"execution_mode\":\"batch\","
                       "\"input_format\":\"csv\"}";
    CHECK_OK(parse(STEM, text, &j, &err), &err);
    CHECK_EQ_STR(j.unknown, "foo,bar");
    const char *fields = BASE ",\"foo\":1,\"client_info\":{\"host\":\"h\"},\"bar\":{},\"execution_mode\":\"batch\","
                         "\"input_format\":\"csv\"";
    CHECK(buf_is(&j.fields, fields));
    if (!buf_is(&j.fields, fields)) show_buf("fields", &j.fields, fields);
    CHECK_EQ_I64(j.n_args, 0);
    pq_job_reset(&j);

    /* informational members only: nothing unknown */
    CHECK_OK(parse(STEM, "{" BASE ",\"client_info\":\"x\",\"execution_mode\":1,\"input_format\":null}", &j, &err), &err);
    CHECK_EQ_STR(j.unknown, "");
    pq_job_reset(&j);

    /* a key needing escapes is kept escaped in fields */
    CHECK_OK(parse(STEM, "{" BASE ",\"a\\\"b\":\"x\\ty\"}", &j, &err), &err);
    CHECK_EQ_STR(j.unknown, "a\"b");
    CHECK(buf_is(&j.fields, BASE ",\"a\\\"b\":\"x\\ty\""));
    if (!buf_is(&j.fields, BASE ",\"a\\\"b\":\"x\\ty\"")) show_buf("fields", &j.fields, BASE ",\"a\\\"b\":\"x\\ty\"");
    pq_job_reset(&j);

    /* the list of unknown names is bounded: no overflow, names dropped */
    char big[8192];
    snprintf(big, sizeof big, "{" BASE);
    for (int i = 0; i < 100; i++) {
        size_t n = strlen(big);
        snprintf(big + n, sizeof big - n, ",\"unknown_member_%03d\":%d", i, i);
    }
    strcat(big, "}");
    CHECK_OK(parse(STEM, big, &j, &err), &err);
    CHECK(strlen(j.unknown) < sizeof j.unknown);
    CHECK(strncmp(j.unknown, "unknown_member_000,unknown_member_001,", 38) == 0);
    pq_job_reset(&j);
}

TEST(queue_members_and_round_trip)
{
    pq_job j, k;
    pq_error err;
    const char *text = "{" BASE ",\"attempts\":3,\"seed\":7,\"retry_after\":1700000000,"
                       "\"last_error\":\"boom \\\"x\\\" \\\\ y\",\"foo\":[1,2]}";
    CHECK_OK(parse(STEM, text, &j, &err), &err);
    CHECK_EQ_I64(j.attempts, 3);
    CHECK_EQ_I64(j.retry_after, 1700000000);
    CHECK_EQ_STR(j.last_error, "boom \"x\" \\ y");
    const char *fields = BASE ",\"seed\":7,\"foo\":[1,2]";
    CHECK(buf_is(&j.fields, fields));
    if (!buf_is(&j.fields, fields)) show_buf("fields", &j.fields, fields);

    pq_buf out;
    pq_buf_init(&out, NULL);
    CHECK_OK(pq_job_write_json(&j, &out, &err), &err);
    const char *want = "{" BASE ",\"seed\":7,\"foo\":[1,2],\"attempts\":3,\"retry_after\":1700000000,"
                       "\"last_error\":\"boom \\\"x\\\" \\\\ y\"}\n";
    CHECK(buf_is(&out, want));
    if (!buf_is(&out, want)) show_buf("json", &out, want);

    /* parse the written file again: the same job */
    pq_job_init(&k);
    CHECK_OK(pq_job_parse(STEM, out.data, out.len, &k, &err), &err);
    CHECK_EQ_STR(k.id, j.id);
    CHECK_EQ_STR(k.input_file, j.input_file);
    CHECK_EQ_I64(k.portfolio_size, j.portfolio_size);
    CHECK_EQ_STR(k.job_type, j.job_type);
    CHECK_EQ_STR(k.timestamp, j.timestamp);
    CHECK_EQ_I64(k.attempts, 3);
    CHECK_EQ_I64(k.retry_after, 1700000000);
    CHECK_EQ_STR(k.last_error, j.last_error);
    CHECK_EQ_STR(k.unknown, "foo");
    CHECK_EQ_I64(k.n_args, 2);
    CHECK(k.n_args == 2 && strcmp(k.args[0], "--seed") == 0 && strcmp(k.args[1], "7") == 0);
    CHECK(k.fields.len == j.fields.len && memcmp(k.fields.data, j.fields.data, j.fields.len) == 0);
    pq_job_reset(&k);

    /* attempts changed by the queue, no retry and no error: not written */
    j.attempts = 4;
    j.retry_after = 0;
    j.last_error[0] = '\0';
    CHECK_OK(pq_job_write_json(&j, &out, &err), &err);
    const char *want2 = "{" BASE ",\"seed\":7,\"foo\":[1,2],\"attempts\":4}\n";
    CHECK(buf_is(&out, want2));
    if (!buf_is(&out, want2)) show_buf("json", &out, want2);
    pq_job_init(&k);
    CHECK_OK(pq_job_parse(STEM, out.data, out.len, &k, &err), &err);
    CHECK_EQ_I64(k.attempts, 4);
    CHECK_EQ_I64(k.retry_after, 0);
    CHECK_EQ_STR(k.last_error, "");
    pq_job_reset(&k);
    pq_job_reset(&j);

    /* a non-string last_error is ignored; attempts out of range refused */
    CHECK_OK(parse(STEM, "{" BASE ",\"last_error\":null}", &j, &err), &err);
    CHECK_EQ_STR(j.last_error, "");
    CHECK(buf_is(&j.fields, BASE));
    pq_job_reset(&j);
    expect_fail("attempts too large", STEM, "{" BASE ",\"attempts\":1000001}", PQ_ERR_INVALID_ARG, "attempts");
    pq_buf_reset(&out);
}

/* A last_error the processor filled from a log line parses again: a
 * control character (a tab) and a UTF-8 sequence cut by the 511-byte limit
 * are cleaned when written. */
TEST(round_trip_of_last_error_from_the_processor)
{
    pq_job j, k;
    pq_error err;
    pq_buf out;
    pq_buf_init(&out, NULL);
    CHECK_OK(parse(STEM, "{" BASE "}", &j, &err), &err);
    snprintf(j.last_error, sizeof j.last_error, "parquant: bad\tfield");
    CHECK_OK(pq_job_write_json(&j, &out, &err), &err);
    pq_job_init(&k);
    CHECK_OK(pq_job_parse(STEM, out.data, out.len, &k, &err), &err);
    pq_job_reset(&k);
    /* 509 ASCII bytes, then the first byte of "\xc3\xa9" (e acute) cut by the 511-byte limit */
    memset(j.last_error, 'a', sizeof j.last_error - 3);
    j.last_error[sizeof j.last_error - 3] = '\xc3';
    j.last_error[sizeof j.last_error - 2] = '\0';
    CHECK_OK(pq_job_write_json(&j, &out, &err), &err);
    pq_job_init(&k);
    CHECK_OK(pq_job_parse(STEM, out.data, out.len, &k, &err), &err);
    pq_job_reset(&k);
    pq_job_reset(&j);
    pq_buf_reset(&out);
}

TEST(config_overrides_as_ini)
{
    pq_job j;
    pq_error err;
    const char *text = "{" BASE ",\"config_overrides\":{\"ALGORITHM_PARAMETERS\":{\"smooth_drawdown_guide\":false,"
                       "\"x\":1.5},\"GENERAL\":{\"metric\":\"roi\"}}}";
    CHECK_OK(parse(STEM, text, &j, &err), &err);
    const char *ini = "[ALGORITHM_PARAMETERS]\nsmooth_drawdown_guide = false\nx = 1.5\n[GENERAL]\nmetric = roi\n";
    CHECK(buf_is(&j.config_ini, ini));
    if (!buf_is(&j.config_ini, ini)) show_buf("config_ini", &j.config_ini, ini);
    CHECK_EQ_STR(j.unknown, "");
    CHECK_EQ_I64(j.n_args, 0);
    /* kept in fields as written */
    const char *fields = BASE ",\"config_overrides\":{\"ALGORITHM_PARAMETERS\":{\"smooth_drawdown_guide\":false,"
                         "\"x\":1.5},\"GENERAL\":{\"metric\":\"roi\"}}";
    CHECK(buf_is(&j.fields, fields));
    pq_job_reset(&j);

    /* true, integers, strings with spaces; an empty object gives no INI */
    CHECK_OK(parse(STEM, "{" BASE ",\"config_overrides\":{\"S\":{\"a\":true,\"b\":-3,\"c\":\"two words\"},\"T\":{}}}", &j,
                   &err), &err);
    CHECK(buf_is(&j.config_ini, "[S]\na = true\nb = -3\nc = two words\n[T]\n"));
    if (!buf_is(&j.config_ini, "[S]\na = true\nb = -3\nc = two words\n[T]\n"))
        show_buf("config_ini", &j.config_ini, "[S]\na = true\nb = -3\nc = two words\n[T]\n");
    pq_job_reset(&j);
    CHECK_OK(parse(STEM, "{" BASE ",\"config_overrides\":{}}", &j, &err), &err);
    CHECK_EQ_I64(j.config_ini.len, 0);
    pq_job_reset(&j);

    static const struct { const char *label, *members, *sub; } bad[] = {
        {"value with a newline", "\"config_overrides\":{\"S\":{\"k\":\"a\\nb\"}}", "config_overrides: [S]"},
        {"value with a CR", "\"config_overrides\":{\"S\":{\"k\":\"a\\rb\"}}", "config_overrides: [S]"},
        {"value with a NUL", "\"config_overrides\":{\"S\":{\"k\":\"a\\u0000b\"}}", "config_overrides: [S]"},
        {"section with ]", "\"config_overrides\":{\"S]x\":{\"k\":1}}", "config_overrides: section"},
        {"section with [", "\"config_overrides\":{\"[S\":{\"k\":1}}", "config_overrides: section"},
        {"section empty", "\"config_overrides\":{\"\":{\"k\":1}}", "config_overrides: section"},
        {"section not an object", "\"config_overrides\":{\"S\":1}", "config_overrides: section"},
        {"section an array", "\"config_overrides\":{\"S\":[1]}", "config_overrides: section"},
        {"key with =", "\"config_overrides\":{\"S\":{\"a=b\":1}}", "config_overrides: [S]"},
        {"key with a newline", "\"config_overrides\":{\"S\":{\"a\\nb\":1}}", "config_overrides: [S]"},
        {"key empty", "\"config_overrides\":{\"S\":{\"\":1}}", "config_overrides: [S]"},
        {"value an object", "\"config_overrides\":{\"S\":{\"k\":{}}}", "config_overrides: [S]"},
        {"value null", "\"config_overrides\":{\"S\":{\"k\":null}}", "config_overrides: [S]"},
        {"not an object", "\"config_overrides\":\"x\"", "config_overrides: expected"},
        {"an array", "\"config_overrides\":[]", "config_overrides: expected"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[1024];
        snprintf(t, sizeof t, "{" BASE ",%s}", bad[i].members);
        expect_fail(bad[i].label, STEM, t, PQ_ERR_INVALID_ARG, bad[i].sub);
    }
}

TEST(json_put_str_escapes)
{
    static const struct { const char *in, *out; } cases[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"a\"b", "\"a\\\"b\""},
        {"a\\b", "\"a\\\\b\""},
        {"\x01", "\"\\u0001\""},
        {"x\ny\tz\r", "\"x\\u000ay\\u0009z\\u000d\""},
        {"\x1f" "end", "\"\\u001fend\""},
        {"del\x7f", "\"del\x7f\""},
        {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
        {"/", "\"/\""},
    };
    pq_buf b;
    pq_buf_init(&b, NULL);
    pq_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        b.len = 0;
        CHECK_OK(pq_json_put_str(&b, cases[i].in, &err), &err);
        CHECK(buf_is(&b, cases[i].out));
        if (!buf_is(&b, cases[i].out)) show_buf("put_str", &b, cases[i].out);
    }
    /* appends */
    b.len = 0;
    CHECK_OK(pq_buf_printf(&b, &err, "[%d]", 5), &err);
    CHECK_OK(pq_json_put_str(&b, "q\"", &err), &err);
    CHECK(buf_is(&b, "[5]\"q\\\"\""));
    /* pq_buf_printf beyond its 512-byte stack buffer */
    char big[2000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    b.len = 0;
    CHECK_OK(pq_buf_printf(&b, &err, "<%s>", big), &err);
    CHECK_EQ_I64(b.len, sizeof big + 1);
    CHECK(b.len == sizeof big + 1 && b.data[0] == '<' && b.data[1] == 'z' && b.data[b.len - 1] == '>' &&
          b.data[b.len - 2] == 'z');
    pq_buf_reset(&b);
}

TEST(job_id_valid)
{
    char max[PQ_JOB_ID_MAX + 1], over[PQ_JOB_ID_MAX + 2];
    memset(max, 'x', PQ_JOB_ID_MAX);
    max[PQ_JOB_ID_MAX] = '\0';
    memset(over, 'x', PQ_JOB_ID_MAX + 1);
    over[PQ_JOB_ID_MAX + 1] = '\0';
    static const struct { const char *id; int valid; } cases[] = {
        {"j1", 1}, {"a", 1}, {"A-b_c.d-9", 1}, {"job.json", 1}, {"a..b", 1}, {"0", 1},
        {"", 0}, {".", 0}, {"..", 0}, {".hidden", 0}, {"a/b", 0}, {"a b", 0}, {"a\\b", 0}, {"a:b", 0},
        {"caf\xc3\xa9", 0}, {"a\nb", 0}, {"a*", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_EQ_I64(pq_job_id_valid(cases[i].id), cases[i].valid);
        if (pq_job_id_valid(cases[i].id) != (bool)cases[i].valid) fprintf(stderr, "  id \"%s\"\n", cases[i].id);
    }
    CHECK(pq_job_id_valid(max));
    CHECK(!pq_job_id_valid(over));
}

int main(void)
{
    RUN(minimal_job_parses);
    RUN(each_required_member_missing);
    RUN(wrong_types_and_ranges);
    RUN(not_one_json_object);
    RUN(options_become_argv_pairs);
    RUN(option_value_starting_with_a_negative_number);
    RUN(unknown_and_informational_members);
    RUN(queue_members_and_round_trip);
    RUN(round_trip_of_last_error_from_the_processor);
    RUN(config_overrides_as_ini);
    RUN(json_put_str_escapes);
    RUN(job_id_valid);
    return harness_done();
}
