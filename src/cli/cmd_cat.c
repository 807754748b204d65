/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_cat.c - `parquant cat FILE [--columns a,b.c] [--where EXPR]
 * [--limit N] [--format jsonl|csv] [--verify-checksums]`: print rows,
 * streaming one row group at a time; --where keeps the rows matching a
 * filter expression (pq_reader_set_filter: row groups and pages that can't
 * match are skipped).  A bad expression is a usage error (exit 2), even
 * though it is found only once the file's schema is known.
 * jsonl prints canonical rows (canon v1, table/canon.c) so the output can
 * be diffed with another engine's dump; csv prints RFC 4180 with a header,
 * nulls as empty fields, empty strings as "", and nested values as their
 * canonical JSON text.
 */
#include "cli/cli.h"
#include "core/core.h"
#include "parquant/parquet.h"
#include "table/canon.h"

#include <stdlib.h>
#include <string.h>

static const char CAT_USAGE[] =
    "usage: parquant cat FILE [--columns a,b.c] [--where EXPR] [--limit N] [--format jsonl|csv]\n"
    "                    [--verify-checksums]\n";

typedef enum { FMT_JSONL, FMT_CSV } cat_format;

/* Split "a,b.c" into an array of strings (pointers into `spec`, which is modified). */
static size_t split_columns(char *spec, char **out, size_t cap)
{
    size_t n = 0;
    for (char *tok = strtok(spec, ","); tok && n < cap; tok = strtok(NULL, ","))
        if (*tok) out[n++] = tok;
    return n;
}

static pq_status csv_quote(const uint8_t *p, size_t n, bool force, pq_buf *out)
{
    bool need = force;
    for (size_t i = 0; i < n && !need; i++)
        need = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!need) return pq_buf_append(out, p, n, NULL);
    PQ_TRY(pq_buf_push(out, '"', NULL));
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') PQ_TRY(pq_buf_push(out, '"', NULL));
        PQ_TRY(pq_buf_push(out, p[i], NULL));
    }
    return pq_buf_push(out, '"', NULL);
}

static pq_status csv_value(const pq_field *f, const pq_array *a, int64_t i, pq_buf *tmp, pq_buf *out, pq_error *err)
{
    if (!pq_array_is_valid(a, i)) return PQ_OK;
    pq_kind k = f->type.kind;
    if (k == PQ_KIND_STRING || k == PQ_KIND_JSON) {
        size_t n;
        const uint8_t *p = pq_array_bytes(a, i, &n);
        return csv_quote(p, n, n == 0, out);
    }
    tmp->len = 0;
    PQ_TRY(pq_canon_value(f, a, i, tmp, err));
    bool scalar_quoted = tmp->len >= 2 && tmp->data[0] == '"' && k != PQ_KIND_LIST && k != PQ_KIND_STRUCT &&
                         k != PQ_KIND_MAP;
    if (scalar_quoted) return csv_quote(tmp->data + 1, tmp->len - 2, false, out);
    return csv_quote(tmp->data, tmp->len, false, out);
}

static pq_status emit_rows(const pq_table *t, cat_format fmt, int64_t limit, int64_t *printed, pq_buf *out,
                           pq_buf *tmp, pq_error *err)
{
    for (int64_t row = 0; row < t->num_rows && (limit < 0 || *printed < limit); row++) {
        if (fmt == FMT_JSONL) PQ_TRY(pq_canon_row(t, row, out, err));
        else
            for (int64_t c = 0; c < t->schema.n_fields; c++) {
                if (c) PQ_TRY(pq_buf_push(out, ',', err));
                PQ_TRY(csv_value(&t->schema.fields[c], &t->columns[c], row, tmp, out, err));
            }
        PQ_TRY(pq_buf_push(out, '\n', err));
        (*printed)++;
        if (out->len >= (1u << 20)) {
            if (fwrite(out->data, 1, out->len, stdout) != out->len)
                return PQ_FAIL(err, PQ_ERR_IO, "writing to standard output failed");
            out->len = 0;
        }
    }
    return PQ_OK;
}

static pq_status csv_header(const pq_schema *s, pq_buf *out)
{
    for (int64_t c = 0; c < s->n_fields; c++) {
        if (c) PQ_TRY(pq_buf_push(out, ',', NULL));
        PQ_TRY(csv_quote((const uint8_t *)s->fields[c].name, strlen(s->fields[c].name), false, out));
    }
    return pq_buf_push(out, '\n', NULL);
}

static pq_status cat_file(pq_reader *r, cat_format fmt, int64_t limit, pq_error *err)
{
    pq_buf out, tmp;
    pq_buf_init(&out, NULL);
    pq_buf_init(&tmp, NULL);
    pq_status s = PQ_OK;
    int64_t printed = 0;
    if (fmt == FMT_CSV) s = csv_header(pq_reader_output_schema(r), &out);
    for (int64_t g = 0; s == PQ_OK && g < pq_reader_num_row_groups(r) && (limit < 0 || printed < limit); g++) {
        pq_table t;
        s = pq_reader_read_row_group(r, g, &t, err);
        if (s == PQ_OK) s = emit_rows(&t, fmt, limit, &printed, &out, &tmp, err);
        pq_reader_recycle(r, &t);
        /* the rows of every complete row group go out before the next is
         * read, so a later bad row group never hides the good ones (the
         * error still follows, with exit status 1) */
        if (s == PQ_OK && out.len) {
            if (fwrite(out.data, 1, out.len, stdout) != out.len)
                s = PQ_FAIL(err, PQ_ERR_IO, "writing to standard output failed");
            out.len = 0;
        }
    }
    /* what is left: the CSV header of a file with no rows (or --limit 0) */
    if (s == PQ_OK && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
        s = PQ_FAIL(err, PQ_ERR_IO, "writing to standard output failed");
    pq_buf_reset(&out);
    pq_buf_reset(&tmp);
    return s;
}

int cli_cat(int argc, char **argv)
{
    const char *path = NULL, *columns = NULL, *where = NULL;
    int64_t limit = -1;
    cat_format fmt = FMT_JSONL;
    pq_reader_options opts;
    pq_reader_options_init(&opts);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(CAT_USAGE, stdout); return CLI_OK; }
        if (!strcmp(a, "--verify-checksums")) { opts.verify_crc = true; continue; }
        if (!strcmp(a, "--columns") || !strcmp(a, "--limit") || !strcmp(a, "--format") || !strcmp(a, "--where")) {
            if (i + 1 >= argc) return cli_usage_error("cat", CAT_USAGE, "%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--columns")) columns = v;
            else if (!strcmp(a, "--where")) {
                if (where) return cli_usage_error("cat", CAT_USAGE, "--where may be given once (combine with 'and')");
                where = v;
            } else if (!strcmp(a, "--limit")) {
                if (!cli_parse_i64(v, 0, INT64_MAX, &limit))
                    return cli_usage_error("cat", CAT_USAGE, "--limit expects a non-negative integer, found '%s'", v);
            } else if (!strcmp(v, "jsonl")) fmt = FMT_JSONL;
            else if (!strcmp(v, "csv")) fmt = FMT_CSV;
            else return cli_usage_error("cat", CAT_USAGE, "--format expects jsonl or csv, found '%s'", v);
        } else if (a[0] == '-' && a[1]) return cli_usage_error("cat", CAT_USAGE, "unknown option '%s'", a);
        else if (!path) path = a;
        else return cli_usage_error("cat", CAT_USAGE, "unexpected argument '%s'", a);
    }
    if (!path) return cli_usage_error("cat", CAT_USAGE, "missing FILE");

    char *spec = NULL;
    char *names[1024];
    size_t n_names = 0;
    if (columns) {
        spec = strdup(columns);
        if (!spec) { fprintf(stderr, "parquant: out of memory\n"); return CLI_FAIL; }
        n_names = split_columns(spec, names, 1024);
        if (n_names == 0) {
            free(spec);
            return cli_usage_error("cat", CAT_USAGE, "--columns expects a comma-separated list of names, found '%s'",
                                   columns);
        }
    }
    pq_error err;
    pq_error_clear(&err);
    pq_reader *r = NULL;
    int rc = CLI_OK;
    if (pq_reader_open(&r, path, &opts, &err) != PQ_OK) rc = cli_report(&err);
    else if (n_names && pq_reader_select(r, (const char *const *)names, n_names, &err) != PQ_OK) rc = cli_report(&err);
    else if (where && pq_reader_set_filter(r, where, &err) != PQ_OK)
        rc = err.code == PQ_ERR_INVALID_ARG ? cli_usage_error("cat", CAT_USAGE, "--where: %s", err.message)
                                            : cli_report(&err);
    else if (cat_file(r, fmt, limit, &err) != PQ_OK) rc = cli_report(&err);
    pq_reader_close(r);
    free(spec);
    return rc;
}
