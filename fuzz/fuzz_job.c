/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_job.c - libFuzzer target for queue job files (src/queue/job.c):
 * the JSON a user (or anyone with write access to the share) drops into
 * jobs/queue/.
 *
 * Input: the file name's stem on the first line (cut at 160 bytes; "job"
 * when there is no newline), then the job file's bytes.  Checks (any
 * failure aborts):
 *   - pq_job_parse ends in PQ_OK, or in PQ_ERR_PARSE / PQ_ERR_INVALID_ARG /
 *     PQ_ERR_LIMIT (nesting deeper than 16)
 *     with a message (the job would go to failed/ with that reason);
 *   - a parsed job is what the processor relies on: its id is valid and
 *     equals the stem, portfolio_size is in range, job_type is supported,
 *     and argv holds only known optimiser flags, each followed by a value
 *     that cannot be read as a flag; config_overrides became INI lines
 *     "[section]" or "key = value" only;
 *   - the file the queue writes back (attempts, retry_after, last_error
 *     added) parses again into the same job, and writing that one gives
 *     the same bytes (a re-queued job never turns unparsable).
 */
#include "queue/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) \
    do {         \
        if (!(c)) abort(); \
    } while (0)

/* The flags the parser may produce; `takes_value` is false for switches. */
static const struct {
    const char *flag;
    bool takes_value;
} FLAGS[] = {
    {"--algorithms", true}, {"--min-size", true}, {"--max-size", true}, {"--seed", true},
    {"--metric", true}, {"--correlation-penalty", true}, {"--ulta", false}, {"--no-ulta", false},
    {"--ulta-rule", true}, {"--zone-weights", true}, {"--regime-min-confidence", true},
    {"--holdout-days", true}, {"--effort", true}, {"--time-budget", true}, {"--preset", true},
    {"--threads", true},
};

static int flag_index(const char *s)
{
    for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
        if (strcmp(s, FLAGS[i].flag) == 0) return (int)i;
    return -1;
}

static void check_args(const pq_job *j)
{
    CHECK(j->n_args >= 0 && j->n_args <= PQ_JOB_MAX_OPTIONS);
    for (int a = 0; a < j->n_args; a++) {
        int f = flag_index(j->args[a]);
        CHECK(f >= 0);
        if (!FLAGS[f].takes_value) continue;
        CHECK(a + 1 < j->n_args);
        const char *v = j->args[++a];
        CHECK(v[0] != 0);
        if (v[0] == '-') CHECK(v[1] >= '0' && v[1] <= '9'); /* only a negative number */
    }
}

static void check_ini(const pq_buf *ini)
{
    if (ini->len == 0) return;
    const char *p = (const char *)ini->data, *end = p + ini->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        CHECK(nl != NULL);
        CHECK(memchr(p, '\r', (size_t)(nl - p)) == NULL && memchr(p, '\0', (size_t)(nl - p)) == NULL);
        if (*p == '[') {
            CHECK(nl[-1] == ']' && nl - p >= 3);
        } else {
            const char *eq = memchr(p, '=', (size_t)(nl - p));
            CHECK(eq != NULL && eq > p + 1 && eq[-1] == ' ');
        }
        p = nl + 1;
    }
}

static bool same_buf(const pq_buf *a, const pq_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char stem[161] = "job";
    const uint8_t *nl = memchr(data, '\n', size);
    if (nl) {
        size_t n = (size_t)(nl - data);
        if (n > 160) n = 160;
        memcpy(stem, data, n);
        stem[n] = '\0'; /* an inner NUL only shortens the stem */
        size -= (size_t)(nl + 1 - data);
        data = nl + 1;
    }
    pq_job j;
    pq_job_init(&j);
    pq_error err;
    pq_error_clear(&err);
    pq_status st = pq_job_parse(stem, data, size, &j, &err);
    if (st != PQ_OK) {
        CHECK(st == PQ_ERR_PARSE || st == PQ_ERR_INVALID_ARG || st == PQ_ERR_LIMIT);
        CHECK(err.message[0] != 0);
        pq_job_reset(&j);
        return 0;
    }
    CHECK(pq_job_id_valid(j.id) && strcmp(j.id, stem) == 0);
    CHECK(j.portfolio_size >= 2 && j.portfolio_size <= PQ_JOB_MAX_SIZE);
    CHECK(strcmp(j.job_type, "complete_optimization") == 0);
    CHECK(j.input_file[0] != 0 && j.timestamp[0] != 0);
    check_args(&j);
    check_ini(&j.config_ini);

    /* what the queue does on a retry: count the attempt, note the error */
    j.attempts++;
    j.retry_after = 1700000000;
    if (!j.last_error[0]) snprintf(j.last_error, sizeof j.last_error, "exit status 75 \x01\xe2\x82");
    pq_buf out, again;
    pq_buf_init(&out, NULL);
    pq_buf_init(&again, NULL);
    CHECK(pq_job_write_json(&j, &out, &err) == PQ_OK);
    pq_job k;
    pq_job_init(&k);
    CHECK(pq_job_parse(stem, out.data, out.len, &k, &err) == PQ_OK);
    CHECK(strcmp(k.id, j.id) == 0 && strcmp(k.input_file, j.input_file) == 0);
    CHECK(k.portfolio_size == j.portfolio_size && k.attempts == j.attempts && k.retry_after == j.retry_after);
    CHECK(k.last_error[0] != 0);
    CHECK(same_buf(&k.fields, &j.fields) && same_buf(&k.config_ini, &j.config_ini));
    CHECK(k.n_args == j.n_args);
    for (int a = 0; a < j.n_args; a++) CHECK(strcmp(k.args[a], j.args[a]) == 0);
    CHECK(strcmp(k.unknown, j.unknown) == 0);
    CHECK(pq_job_write_json(&k, &again, &err) == PQ_OK);
    CHECK(same_buf(&out, &again));
    pq_job_reset(&k);
    pq_buf_reset(&again);
    pq_buf_reset(&out);
    pq_job_reset(&j);
    return 0;
}
