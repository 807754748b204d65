/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/job.c - a job file (heavy_optimizer.md §7): parsed with the strict
 * JSON reader, checked member by member, turned into the optimiser's options,
 * and written back with the queue's own members (attempts, retry_after,
 * last_error).  The members a user wrote are kept verbatim, unknown ones
 * too (they are reported, not fatal), so a record shows the job as
 * submitted.
 *
 * Required (the original launcher's): job_id (= the file's stem),
 * input_file, portfolio_size, job_type ("complete_optimization"),
 * timestamp.  Informational: client_info, execution_mode, input_format.
 * Optimiser options: see OPTIONS below; config_overrides is an object
 * {"SECTION": {"key": value}} written as an INI file for --config.
 */
#include "queue/queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "io/source.h"

typedef enum opt_kind { K_STR, K_INT, K_NUM, K_LIST, K_BOOL_FLAG } opt_kind;

/* JSON member -> optimize option.  K_BOOL_FLAG: true gives `flag`, false
 * gives `off`. */
static const struct {
    const char *key, *flag, *off;
    opt_kind kind;
} OPTIONS[] = {
    {"algorithms", "--algorithms", NULL, K_LIST},
    {"min_size", "--min-size", NULL, K_INT},
    {"max_size", "--max-size", NULL, K_INT},
    {"seed", "--seed", NULL, K_INT},
    {"metric", "--metric", NULL, K_STR},
    {"correlation_penalty", "--correlation-penalty", NULL, K_NUM},
    {"ulta", "--ulta", "--no-ulta", K_BOOL_FLAG},
    {"ulta_rule", "--ulta-rule", NULL, K_STR},
    {"zone_weights", "--zone-weights", NULL, K_LIST},
    {"regime_min_confidence", "--regime-min-confidence", NULL, K_NUM},
    {"holdout_days", "--holdout-days", NULL, K_NUM},
    {"effort", "--effort", NULL, K_NUM},
    {"time_budget", "--time-budget", NULL, K_NUM},
    {"preset", "--preset", NULL, K_STR},
    {"threads", "--threads", NULL, K_INT},
};
#define N_OPTIONS (sizeof OPTIONS / sizeof OPTIONS[0])

static const char *const INFO_KEYS[] = {"client_info", "execution_mode", "input_format", "config_overrides"};
static const char *const QUEUE_KEYS[] = {"attempts", "retry_after", "last_error"};

void pq_job_init(pq_job *j)
{
    memset(j, 0, sizeof *j);
    pq_buf_init(&j->fields, NULL);
    pq_buf_init(&j->arg_text, NULL);
    pq_buf_init(&j->config_ini, NULL);
}

void pq_job_reset(pq_job *j)
{
    pq_buf_reset(&j->fields);
    pq_buf_reset(&j->arg_text);
    pq_buf_reset(&j->config_ini);
    pq_job_init(j);
}

/* ------------------------------------------------------------ checking */

static bool node_is(const pq_json_node *n, const char *s)
{
    return n->type == PQ_JSON_STRING && n->len == strlen(s) && memcmp(n->str, s, n->len) == 0;
}

static bool in_list(const pq_json_node *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (node_is(key, list[i])) return true;
    return false;
}

/* A short text for messages: the value's JSON, cut to 60 bytes. */
static const char *shown(const pq_json_node *nodes, uint32_t i, char out[72])
{
    pq_buf b;
    pq_buf_init(&b, NULL);
    if (pq_json_write(nodes, i, &b, NULL) != PQ_OK || b.len == 0) {
        snprintf(out, 72, "?");
    } else {
        snprintf(out, 72, "%.*s%s", (int)(b.len > 60 ? 60 : b.len), (const char *)b.data, b.len > 60 ? "..." : "");
    }
    pq_buf_reset(&b);
    return out;
}

/* Copy a string member into a fixed field: a string of 1..cap-1 bytes
 * without NUL or control characters. */
static pq_status get_str(const pq_json_node *nodes, uint32_t v, const char *key, char *out, size_t cap, pq_error *err)
{
    const pq_json_node *n = &nodes[v];
    char s[72];
    if (n->type != PQ_JSON_STRING || n->len == 0 || n->len >= cap)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected a string of 1 to %zu bytes, found %s", key, cap - 1,
                       shown(nodes, v, s));
    for (uint32_t i = 0; i < n->len; i++)
        if ((unsigned char)n->str[i] < 0x20)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: control character in %s", key, shown(nodes, v, s));
    memcpy(out, n->str, n->len);
    out[n->len] = '\0';
    return PQ_OK;
}

static pq_status get_int(const pq_json_node *nodes, uint32_t v, const char *key, int64_t lo, int64_t hi, int64_t *out,
                         pq_error *err)
{
    const pq_json_node *n = &nodes[v];
    char s[72];
    if (n->type != PQ_JSON_INT || n->i < lo || n->i > hi)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected an integer %lld..%lld, found %s", key, (long long)lo,
                       (long long)hi, shown(nodes, v, s));
    *out = n->i;
    return PQ_OK;
}

/* An option value's text must not look like an option and must hold only
 * characters an option value needs (no shell is involved, but a value like
 * "--output" must not be read as a flag). */
static bool safe_value(const char *s, size_t n)
{
    if (n == 0) return false;
    if (s[0] == '-') { /* only a negative number may start with '-' */
        if (n < 2 || s[1] < '0' || s[1] > '9') return false;
        for (size_t i = 2; i < n; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
                return false;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',' || c == '.' ||
              c == '_' || c == '-' || c == '+' || c == ':'))
            return false;
    }
    return true;
}

static pq_status add_arg(pq_job *j, int64_t *offs, const char *s, size_t n, pq_error *err)
{
    if (j->n_args >= PQ_JOB_MAX_OPTIONS) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "too many optimiser options");
    offs[j->n_args++] = (int64_t)j->arg_text.len;
    PQ_TRY(pq_buf_append(&j->arg_text, s, n, err));
    return pq_buf_push(&j->arg_text, 0, err);
}

/* One optimiser option member into argv entries. */
static pq_status take_option(pq_job *j, int64_t *offs, size_t o, const pq_json_node *nodes, uint32_t v, pq_error *err)
{
    const pq_json_node *n = &nodes[v];
    const char *key = OPTIONS[o].key;
    char s[72];
    pq_buf val;
    pq_buf_init(&val, NULL);
    pq_status st = PQ_OK;
    switch (OPTIONS[o].kind) {
    case K_BOOL_FLAG:
        if (n->type != PQ_JSON_TRUE && n->type != PQ_JSON_FALSE)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected true or false, found %s", key, shown(nodes, v, s));
        const char *flag = n->type == PQ_JSON_TRUE ? OPTIONS[o].flag : OPTIONS[o].off;
        return add_arg(j, offs, flag, strlen(flag), err);
    case K_INT:
        if (n->type != PQ_JSON_INT)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected an integer, found %s", key, shown(nodes, v, s));
        st = pq_buf_append(&val, n->str, n->len, err);
        break;
    case K_NUM:
        if (n->type != PQ_JSON_INT && n->type != PQ_JSON_DOUBLE)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected a number, found %s", key, shown(nodes, v, s));
        st = pq_buf_append(&val, n->str, n->len, err);
        break;
    case K_STR:
        if (n->type != PQ_JSON_STRING)
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected a string, found %s", key, shown(nodes, v, s));
        st = pq_buf_append(&val, n->str, n->len, err);
        break;
    case K_LIST:
        if (n->type == PQ_JSON_STRING || n->type == PQ_JSON_INT || n->type == PQ_JSON_DOUBLE) {
            st = pq_buf_append(&val, n->str, n->len, err);
        } else if (n->type == PQ_JSON_ARRAY && n->count > 0) {
            for (uint32_t e = v + 1; st == PQ_OK && e < n->next; e = nodes[e].next) {
                if (nodes[e].type != PQ_JSON_STRING && nodes[e].type != PQ_JSON_INT && nodes[e].type != PQ_JSON_DOUBLE)
                    st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected strings or numbers, found %s", key, shown(nodes, e, s));
                else if (val.len > 0 && (st = pq_buf_push(&val, ',', err)) != PQ_OK) break;
                else st = pq_buf_append(&val, nodes[e].str, nodes[e].len, err);
            }
        } else {
            st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: expected a string or a non-empty array, found %s", key, shown(nodes, v, s));
        }
        break;
    }
    if (st == PQ_OK && !safe_value((const char *)val.data, val.len))
        st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: value %s holds characters an option value cannot have", key,
                     shown(nodes, v, s));
    if (st == PQ_OK) st = add_arg(j, offs, OPTIONS[o].flag, strlen(OPTIONS[o].flag), err);
    if (st == PQ_OK) st = add_arg(j, offs, (const char *)val.data, val.len, err);
    pq_buf_reset(&val);
    return st;
}

/* A config name or value for the INI: no newline, '[', ']', '=' or ';' in
 * names; no newline in values. */
static bool ini_safe(const char *s, size_t n, bool name)
{
    if (n == 0 && name) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n' || c == '\r' || c == '\0') return false;
        if (name && (c == '[' || c == ']' || c == '=' || c == ';' || c == '#')) return false;
    }
    return true;
}

/* config_overrides {"SECTION": {"key": scalar}} -> INI text. */
static pq_status take_overrides(pq_job *j, const pq_json_node *nodes, uint32_t v, pq_error *err)
{
    char s[72];
    if (nodes[v].type != PQ_JSON_OBJECT)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "config_overrides: expected {\"SECTION\": {\"key\": value}}, found %s",
                       shown(nodes, v, s));
    for (uint32_t m = v + 1; m < nodes[v].next;) {
        const pq_json_node *sec = &nodes[m], *body = &nodes[m + 1];
        if (body->type != PQ_JSON_OBJECT || !ini_safe(sec->str, sec->len, true))
            return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "config_overrides: section %s: expected a name and an object of keys",
                           shown(nodes, m, s));
        PQ_TRY(pq_buf_printf(&j->config_ini, err, "[%.*s]\n", (int)sec->len, sec->str));
        for (uint32_t k = m + 2; k < body->next;) {
            const pq_json_node *key = &nodes[k], *val = &nodes[k + 1];
            bool scalar = val->type == PQ_JSON_STRING || val->type == PQ_JSON_INT || val->type == PQ_JSON_DOUBLE ||
                          val->type == PQ_JSON_TRUE || val->type == PQ_JSON_FALSE;
            if (!scalar || !ini_safe(key->str, key->len, true) ||
                (val->type == PQ_JSON_STRING && !ini_safe(val->str, val->len, false)))
                return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "config_overrides: [%.*s] %s: expected a key and a one-line value",
                               (int)sec->len, sec->str, shown(nodes, k, s));
            const char *text = val->type == PQ_JSON_TRUE ? "true" : val->type == PQ_JSON_FALSE ? "false" : val->str;
            size_t tn = val->type == PQ_JSON_TRUE ? 4 : val->type == PQ_JSON_FALSE ? 5 : val->len;
            PQ_TRY(pq_buf_printf(&j->config_ini, err, "%.*s = %.*s\n", (int)key->len, key->str, (int)tn, text));
            k = val->next;
        }
        m = body->next;
    }
    return PQ_OK;
}

/* One member of the job object: a required field, a queue field, an
 * option, or something kept and reported. */
static pq_status take_member(pq_job *j, int64_t *offs, unsigned *seen, const pq_json_node *nodes, uint32_t k,
                             pq_error *err)
{
    const pq_json_node *key = &nodes[k];
    uint32_t v = k + 1;
    if (node_is(key, "job_id")) { *seen |= 1; return get_str(nodes, v, "job_id", j->id, sizeof j->id, err); }
    if (node_is(key, "input_file")) { *seen |= 2; return get_str(nodes, v, "input_file", j->input_file, sizeof j->input_file, err); }
    if (node_is(key, "portfolio_size")) { *seen |= 4; return get_int(nodes, v, "portfolio_size", 2, PQ_JOB_MAX_SIZE, &j->portfolio_size, err); }
    if (node_is(key, "job_type")) { *seen |= 8; return get_str(nodes, v, "job_type", j->job_type, sizeof j->job_type, err); }
    if (node_is(key, "timestamp")) { *seen |= 16; return get_str(nodes, v, "timestamp", j->timestamp, sizeof j->timestamp, err); }
    if (node_is(key, "attempts")) return get_int(nodes, v, "attempts", 0, 1000000, &j->attempts, err);
    if (node_is(key, "retry_after")) return get_int(nodes, v, "retry_after", 0, INT64_MAX, &j->retry_after, err);
    if (node_is(key, "last_error"))
        return nodes[v].type == PQ_JSON_STRING ? get_str(nodes, v, "last_error", j->last_error, sizeof j->last_error, err)
                                               : PQ_OK;
    if (node_is(key, "config_overrides")) return take_overrides(j, nodes, v, err);
    for (size_t o = 0; o < N_OPTIONS; o++)
        if (node_is(key, OPTIONS[o].key)) return take_option(j, offs, o, nodes, v, err);
    if (in_list(key, INFO_KEYS, sizeof INFO_KEYS / sizeof INFO_KEYS[0])) return PQ_OK;
    size_t used = strlen(j->unknown);
    if (used + key->len + 2 < sizeof j->unknown)
        snprintf(j->unknown + used, sizeof j->unknown - used, "%s%.*s", used ? "," : "", (int)key->len, key->str);
    return PQ_OK;
}

/* The members as submitted (without the queue's), for records. */
static pq_status keep_fields(pq_job *j, const pq_json_node *nodes, pq_error *err)
{
    for (uint32_t k = 1; k < nodes[0].next; k = nodes[k + 1].next) {
        if (in_list(&nodes[k], QUEUE_KEYS, sizeof QUEUE_KEYS / sizeof QUEUE_KEYS[0])) continue;
        if (j->fields.len) PQ_TRY(pq_buf_push(&j->fields, ',', err));
        PQ_TRY(pq_json_write(nodes, k, &j->fields, err));
        PQ_TRY(pq_buf_push(&j->fields, ':', err));
        PQ_TRY(pq_json_write(nodes, k + 1, &j->fields, err));
    }
    return PQ_OK;
}

static pq_status parse_object(const char *stem, const pq_json_node *nodes, pq_job *j, pq_error *err)
{
    int64_t offs[PQ_JOB_MAX_OPTIONS];
    unsigned seen = 0;
    /* job_id first, so a failure below still names the job */
    for (uint32_t k = 1; k < nodes[0].next; k = nodes[k + 1].next)
        if (node_is(&nodes[k], "job_id")) PQ_TRY(get_str(nodes, k + 1, "job_id", j->id, sizeof j->id, err));
    for (uint32_t k = 1; k < nodes[0].next; k = nodes[k + 1].next) PQ_TRY(take_member(j, offs, &seen, nodes, k, err));
    static const char *const req[] = {"job_id", "input_file", "portfolio_size", "job_type", "timestamp"};
    for (int r = 0; r < 5; r++)
        if (!(seen & (1u << r))) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "the required member \"%s\" is missing", req[r]);
    if (!pq_job_id_valid(j->id))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "job_id '%s': expected 1 to %d characters of A-Z a-z 0-9 . _ - (not starting with '.')",
                       j->id, PQ_JOB_ID_MAX);
    if (strcmp(j->id, stem) != 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "job_id '%s' differs from the file's name '%s.json'", j->id, stem);
    if (strcmp(j->job_type, "complete_optimization") != 0)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "job_type '%s' is not supported (complete_optimization)", j->job_type);
    for (int a = 0; a < j->n_args; a++) j->args[a] = (char *)j->arg_text.data + offs[a];
    return keep_fields(j, nodes, err);
}

pq_status pq_job_parse(const char *stem, const uint8_t *data, size_t len, pq_job *j, pq_error *err)
{
    pq_source src;
    pq_source_open_memory(&src, data, len, stem);
    pq_json_options o;
    pq_json_options_init(&o);
    o.max_record_bytes = PQ_JOB_MAX_BYTES;
    o.max_depth = 16;
    pq_json_reader *r = NULL;
    pq_json_record rec = {0}, extra = {0};
    pq_status st = len == 0 ? PQ_FAIL(err, PQ_ERR_PARSE, "the job file is empty") : pq_json_open(&r, &src, &o, NULL, err);
    if (st == PQ_OK && pq_json_is_array(r)) st = PQ_FAIL(err, PQ_ERR_PARSE, "expected one JSON object, found an array");
    if (st == PQ_OK) st = pq_json_next(r, &rec, err);
    if (st == PQ_OK && !rec.nodes) st = PQ_FAIL(err, PQ_ERR_PARSE, "expected one JSON object, found nothing");
    if (st == PQ_OK) st = parse_object(stem, rec.nodes, j, err);
    if (st == PQ_OK) st = pq_json_next(r, &extra, err);
    if (st == PQ_OK && extra.nodes) st = PQ_FAIL(err, PQ_ERR_PARSE, "expected one JSON object, found a second one at line %lld",
                                                  (long long)extra.line);
    pq_json_close(r);
    pq_source_close(&src);
    return st;
}

pq_status pq_job_write_json(const pq_job *j, pq_buf *out, pq_error *err)
{
    out->len = 0;
    PQ_TRY(pq_buf_push(out, '{', err));
    PQ_TRY(pq_buf_append(out, j->fields.data, j->fields.len, err));
    PQ_TRY(pq_buf_printf(out, err, ",\"attempts\":%lld", (long long)j->attempts));
    if (j->retry_after > 0) PQ_TRY(pq_buf_printf(out, err, ",\"retry_after\":%lld", (long long)j->retry_after));
    if (j->last_error[0]) {
        /* it comes from logs: control characters become spaces and a UTF-8
         * sequence cut by the field's size is dropped, so it parses again */
        char clean[sizeof j->last_error];
        size_t n = strlen(j->last_error);
        memcpy(clean, j->last_error, n + 1);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)clean[i] < 0x20) clean[i] = ' ';
        size_t lead = n;
        while (lead > 0 && ((unsigned char)clean[lead - 1] & 0xC0) == 0x80) lead--;
        if (lead > 0 && (unsigned char)clean[lead - 1] >= 0xC0) {
            unsigned char c = (unsigned char)clean[lead - 1];
            size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (n - (lead - 1) < need) clean[lead - 1] = '\0';
        }
        PQ_TRY(pq_buf_append(out, ",\"last_error\":", 14, err));
        PQ_TRY(pq_json_put_str(out, clean, err));
    }
    return pq_buf_append(out, "}\n", 2, err);
}
