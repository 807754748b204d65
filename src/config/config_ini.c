/* SPDX-License-Identifier: Apache-2.0
 *
 * config/config_ini.c - pq_config_load: an INI file through Debian's
 * libinih, with what libinih leaves to its caller: line numbers (our reader
 * counts the lines it hands over), inline ` #` comments (libinih's runtime
 * prefix list), lines over libinih's length limit (refused, not split), and
 * the checks - unknown sections and keys, unsupported keys, types.  The
 * file is applied only when every value in it is valid.
 */
#include "config/config_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ini_rec {
    char *section, *key, *value;
    int line;
    const cfg_key *k;   /* resolved entry (alias target); NULL: skip */
    char *norm;         /* checked value to store */
    bool unsupported;
} ini_rec;

typedef struct ini_state {
    FILE *f;
    const char *path;
    int line;              /* lines handed to libinih so far */
    bool indented;         /* the current line starts with blank space */
    char *buf;
    size_t cap;
    int too_long;          /* first line over libinih's limit; 0 none */
    ini_rec *recs;
    size_t n, cap_recs;
    bool oom;
    pq_config_warn_fn warn;
    void *ctx;
} ini_state;

static void warnf(ini_state *st, int line, const char *fmt, ...) PQ_PRINTF(3, 4);
static void warnf(ini_state *st, int line, const char *fmt, ...)
{
    if (!st->warn) return;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s:%d: ", st->path, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    st->warn(st->ctx, msg);
}

static bool push_rec(ini_state *st, const char *section, const char *key, const char *value);

/* A section header on the line just read: warn when the section is unknown. */
static void check_header(ini_state *st, const char *p)
{
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '[') return;
    const char *end = strchr(p, ']');
    if (!end) return; /* libinih reports the syntax error */
    p++;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    const char *q = end;
    while (q > p && (q[-1] == ' ' || q[-1] == '\t')) q--;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(q - p), p);
    if (!cfg_section_name(name)) (void)push_rec(st, name, NULL, ""); /* warned in line order by check_rec */
}

/* libinih's fgets-style reader: one whole line per call. */
static char *read_line(char *str, int num, void *stream)
{
    ini_state *st = stream;
    ssize_t n = getline(&st->buf, &st->cap, st->f);
    if (n < 0) return NULL;
    st->line++;
    if ((size_t)n + 1 > (size_t)num) {
        if (!st->too_long) st->too_long = st->line;
        snprintf(str, (size_t)num, "\n");
        return str;
    }
    memcpy(str, st->buf, (size_t)n + 1);
    st->indented = n > 0 && (str[0] == ' ' || str[0] == '\t');
    if (!st->indented || st->n == 0) check_header(st, str);
    return str;
}

/* Append a record; key NULL marks an unknown section's header.  False when
 * out of memory (st->oom set). */
static bool push_rec(ini_state *st, const char *section, const char *key, const char *value)
{
    if (st->n == st->cap_recs) {
        size_t nc = st->cap_recs ? 2 * st->cap_recs : 32;
        ini_rec *nr = realloc(st->recs, nc * sizeof *nr);
        if (!nr) return st->oom = true, 0;
        st->recs = nr;
        st->cap_recs = nc;
    }
    ini_rec *r = &st->recs[st->n];
    memset(r, 0, sizeof *r);
    r->section = strdup(section);
    r->key = key ? strdup(key) : NULL;
    r->value = strdup(value);
    r->line = st->line;
    st->n++;
    if (!r->section || (key && !r->key) || !r->value) st->oom = true;
    return !st->oom;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    ini_state *st = user;
    ini_rec *last = st->n ? &st->recs[st->n - 1] : NULL;
    if (st->indented && last && last->key && last->line < st->line && !strcmp(last->section, section) &&
        !strcmp(last->key, name)) {
        /* configparser's continuation line: the value goes on, on a new
         * line (a list item separator) unless a comma already ends it. */
        size_t a = strlen(last->value), b = strlen(value);
        char *v = realloc(last->value, a + b + 2);
        if (!v) return st->oom = true, 0;
        bool comma = (a && v[a - 1] == ',') || value[0] == ',';
        if (!comma) v[a++] = '\n';
        memcpy(v + a, value, b + 1);
        last->value = v;
        return 1;
    }
    return push_rec(st, section, name, value ? value : "") ? 1 : 0;
}

/* Edit distance of two short keys, case-insensitive (for "did you mean"). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub = diag + ((a[i - 1] | 32) != (b[j - 1] | 32));
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

static void warn_unknown_key(ini_state *st, const ini_rec *r)
{
    const char *sec = cfg_section_name(r->section);
    const cfg_key *near = NULL, *elsewhere = NULL;
    size_t best = 3;
    for (size_t i = 0; i < cfg_key_count; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (!strcmp(k->key, "*")) continue;
        if (strcasecmp(k->section, sec)) {
            if (!elsewhere && !strcasecmp(k->key, r->key)) elsewhere = k;
            continue;
        }
        size_t d = distance(k->key, r->key);
        if (d < best) best = d, near = k;
    }
    if (near)
        warnf(st, r->line, "unknown key '%s' in [%s]; not used (did you mean '%s'?)", r->key, sec, near->key);
    else if (elsewhere)
        warnf(st, r->line, "unknown key '%s' in [%s]; not used (it belongs in [%s])", r->key, sec, elsewhere->section);
    else
        warnf(st, r->line, "unknown key '%s' in [%s]; not used (docs/config.md lists the keys)", r->key, sec);
}

/* Check one record; warnings as it goes.  PQ_OK with r->k == NULL: skip. */
static pq_status check_rec(ini_state *st, ini_rec *r, pq_error *err)
{
    if (!r->section[0])
        return PQ_FAIL(err, PQ_ERR_PARSE, "%s:%d: '%s' comes before any [section] header", st->path, r->line, r->key);
    if (!r->key) {
        warnf(st, r->line, "unknown section [%s]; its keys are not used (docs/config.md lists the sections)",
              r->section);
        return PQ_OK;
    }
    int known;
    const cfg_key *k = cfg_key_find(r->section, r->key, &known);
    if (!known) return PQ_OK; /* warned at the header */
    if (!k) {
        warn_unknown_key(st, r);
        return PQ_OK;
    }
    const char *shown = strcmp(k->key, "*") ? k->key : r->key;
    if (k->alias_of) {
        k = cfg_resolve_alias(k);
        if (!k) return PQ_FAIL(err, PQ_ERR_INTERNAL, "alias of [%s] %s names no key", r->section, r->key);
    } else if (!cfg_is_supported(k)) {
        warnf(st, r->line, "[%s] %s is not supported: %s; its value is not used", k->section, shown, k->reason);
        r->k = k;
        r->unsupported = true;
        r->norm = strdup(r->value);
        return r->norm ? PQ_OK : PQ_NOMEM(err);
    }
    char why[200];
    r->norm = cfg_check(k, r->value, why, sizeof why);
    if (!r->norm)
        return PQ_FAIL(err, PQ_ERR_PARSE, "%s:%d: [%s] %s %s", st->path, r->line, cfg_section_name(r->section), shown,
                       why);
    r->k = k;
    if (k->reason && !strcmp(r->norm, "true")) warnf(st, r->line, "[%s] %s = true: %s", k->section, shown, k->reason);
    return PQ_OK;
}

static const char *rec_key(const ini_rec *r) { return strcmp(r->k->key, "*") ? r->k->key : r->key; }

static pq_status apply(pq_config *c, ini_state *st, pq_error *err)
{
    for (size_t i = 0; i < st->n; i++) PQ_TRY(check_rec(st, &st->recs[i], err));
    for (size_t i = 0; i < st->n; i++) {
        ini_rec *r = &st->recs[i];
        if (!r->k) continue;
        for (size_t j = 0; j < i; j++)
            if (st->recs[j].k == r->k && !strcasecmp(rec_key(&st->recs[j]), rec_key(r))) {
                warnf(st, r->line, "[%s] %s is set again (first on line %d); this later value is used", r->k->section,
                      rec_key(r), st->recs[j].line);
                break;
            }
    }
    for (size_t i = 0; i < st->n; i++) {
        ini_rec *r = &st->recs[i];
        if (!r->k) continue;
        char src[600];
        const cfg_key *named = cfg_key_find(r->section, r->key, NULL); /* r->k set: a key record */
        if (named && named->alias_of)
            snprintf(src, sizeof src, "%s:%d (as [%s] %s)", st->path, r->line, named->section, named->key);
        else snprintf(src, sizeof src, "%s:%d", st->path, r->line);
        bool ok = cfg_store(c, r->k, rec_key(r), r->norm, src);
        r->norm = NULL;
        if (!ok) return PQ_NOMEM(err);
    }
    return PQ_OK;
}

static void state_free(ini_state *st)
{
    for (size_t i = 0; i < st->n; i++) {
        free(st->recs[i].section);
        free(st->recs[i].key);
        free(st->recs[i].value);
        free(st->recs[i].norm);
    }
    free(st->recs);
    free(st->buf);
}

static pq_status add_file_name(pq_config *c, const char *path, pq_error *err)
{
    size_t a = c->files ? strlen(c->files) : 0, b = strlen(path);
    char *f = realloc(c->files, a + b + 3);
    if (!f) return PQ_NOMEM(err);
    if (a) memcpy(f + a, ", ", 2), a += 2;
    memcpy(f + a, path, b + 1);
    c->files = f;
    return PQ_OK;
}

/* Line n of the file (the start of it, without the line end), for an
 * error message; "" if it cannot be read again. */
static void line_text(const char *path, int n, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len = -1;
    for (int i = 0; f && i < n && (len = getline(&line, &lcap, f)) >= 0; i++) {}
    if (len >= 0 && line) {
        line[strcspn(line, "\r\n")] = 0;
        if ((size_t)snprintf(out, cap, "%s", line) >= cap && cap > 4) memcpy(out + cap - 4, "...", 4);
    }
    free(line);
    if (f) fclose(f);
}

pq_status pq_config_load(pq_config *c, const char *path, pq_config_warn_fn warn, void *ctx, pq_error *err)
{
    ini_state st;
    memset(&st, 0, sizeof st);
    st.path = path;
    st.warn = warn;
    st.ctx = ctx;
    st.f = fopen(path, "r");
    if (!st.f) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot open the configuration file: %s", path, strerror(errno));
    /* libinih's options are process globals: set ours for this parse only. */
    char *saved_prefixes = ini_inline_comment_prefixes;
    bool saved_inline = ini_allow_inline_comments;
    ini_inline_comment_prefixes = ";#";
    ini_allow_inline_comments = true;
    int rc = ini_parse_stream(read_line, &st, on_pair, &st);
    ini_inline_comment_prefixes = saved_prefixes;
    ini_allow_inline_comments = saved_inline;
    bool read_error = ferror(st.f) != 0;
    fclose(st.f);
    pq_status s = PQ_OK;
    if (st.oom || rc == -2) s = PQ_NOMEM(err);
    else if (read_error) s = PQ_FAIL(err, PQ_ERR_IO, "%s: read error", path);
    else if (st.too_long && (rc <= 0 || st.too_long <= rc))
        s = PQ_FAIL(err, PQ_ERR_PARSE, "%s:%d: line longer than %d characters (the limit of libinih)", path,
                    st.too_long, ini_max_line - 3);
    else if (rc > 0) {
        char text[64];
        line_text(path, rc, text, sizeof text);
        s = PQ_FAIL(err, PQ_ERR_PARSE, "%s:%d: expected a [section] header, a 'key = value' line or a comment, found '%s'",
                    path, rc, text);
    }
    else if (rc < 0) s = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot read the configuration file", path);
    if (s == PQ_OK) s = apply(c, &st, err);
    if (s == PQ_OK) s = add_file_name(c, path, err);
    state_free(&st);
    return s;
}
