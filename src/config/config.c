/* SPDX-License-Identifier: Apache-2.0
 *
 * config/config.c - the configuration store: one value per supported key of
 * config_keys.c plus the keys set under sections that take any key, value
 * checking and normalisation by type, sources, getters, and the item list
 * `parquant config show` prints.  Reading INI files is config_ini.c.
 */
#include "config/config_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

pq_config *pq_config_new(void)
{
    pq_config *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->fixed = calloc(cfg_key_count, sizeof *c->fixed);
    if (!c->fixed) {
        free(c);
        return NULL;
    }
    return c;
}

static void value_free(cfg_value *v)
{
    free(v->key);
    free(v->value);
    free(v->source);
}

void pq_config_free(pq_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < cfg_key_count; i++) value_free(&c->fixed[i]);
    for (size_t i = 0; i < c->n_extra; i++) value_free(&c->extra[i]);
    free(c->fixed);
    free(c->extra);
    free(c->files);
    free(c);
}

const char *pq_config_files(const pq_config *c) { return c->files ? c->files : ""; }

static const char *type_name(const cfg_key *k)
{
    switch (k->type) {
    case PQ_CONFIG_BOOL: return "bool";
    case PQ_CONFIG_INT: return "integer";
    case PQ_CONFIG_DOUBLE: return "number";
    case PQ_CONFIG_STRING: return "text";
    case PQ_CONFIG_CHOICE: return k->choices;
    case PQ_CONFIG_NUMBERS: return "numbers";
    case PQ_CONFIG_WORDS: return "words";
    }
    return "?";
}

bool cfg_is_supported(const cfg_key *k) { return k->used_by != NULL; }

/* ------------------------------------------------------------ checking */

static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1])) n--;
    return strndup(s, n);
}

static bool parse_double(const char *s, double *out)
{
    char *end;
    if (!*s || isspace((unsigned char)*s)) return false;
    double d = strtod(s, &end);
    if (*end || !isfinite(d)) return false;
    *out = d;
    return true;
}

static bool in_range(const cfg_key *k, double d) { return k->min > k->max || (d >= k->min && d <= k->max); }

/* Words compare equal ignoring case, with '_' '-' ' ' all alike. */
static bool word_eq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn) return false;
    for (size_t i = 0; i < an; i++) {
        int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
        if (x == '_' || x == '-') x = ' ';
        if (y == '_' || y == '-') y = ' ';
        if (x != y) return false;
    }
    return true;
}

static void range_text(const cfg_key *k, char *buf, size_t cap)
{
    buf[0] = 0;
    if (k->min > k->max) return;
    if (k->max >= 1e15) snprintf(buf, cap, " >= %.15g", k->min);
    else snprintf(buf, cap, " from %.15g to %.15g", k->min, k->max);
}

char *cfg_check(const cfg_key *k, const char *text, char *why, size_t cap)
{
    char range[80];
    range_text(k, range, sizeof range);
    char *t = trim_dup(text, strlen(text));
    if (!t) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    size_t n = strlen(t);
    if (n >= 2 && (t[0] == '"' || t[0] == '\'') && t[n - 1] == t[0]) {
        memmove(t, t + 1, n - 2);
        t[n - 2] = 0;
        n -= 2;
    }
    if (n == 0 && k->type != PQ_CONFIG_STRING) {
        snprintf(why, cap, "has no value (expected %s)", k->type == PQ_CONFIG_BOOL ? "true or false" : type_name(k));
        free(t);
        return NULL;
    }
    switch (k->type) {
    case PQ_CONFIG_BOOL: {
        static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (!strcasecmp(t, yes[i])) return free(t), strdup("true");
            if (!strcasecmp(t, no[i])) return free(t), strdup("false");
        }
        snprintf(why, cap, "'%.60s' is not a boolean (expected true/false, yes/no, on/off or 1/0)", t);
        break;
    }
    case PQ_CONFIG_INT: {
        char *end;
        long long v = strtoll(t, &end, 10);
        if (*end || isspace((unsigned char)t[0])) {
            snprintf(why, cap, "'%.60s' is not an integer", t);
            break;
        }
        if (!in_range(k, (double)v)) {
            snprintf(why, cap, "%lld is out of range (expected an integer%s)", v, range);
            break;
        }
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", v);
        free(t);
        return strdup(buf);
    }
    case PQ_CONFIG_DOUBLE: {
        double d;
        if (!parse_double(t, &d)) {
            snprintf(why, cap, "'%.60s' is not a number", t);
            break;
        }
        if (!in_range(k, d)) {
            snprintf(why, cap, "%.60s is out of range (expected a number%s)", t, range);
            break;
        }
        return t;
    }
    case PQ_CONFIG_STRING: return t;
    case PQ_CONFIG_CHOICE: {
        for (const char *c = k->choices; *c;) {
            const char *bar = strchr(c, '|');
            size_t len = bar ? (size_t)(bar - c) : strlen(c);
            if (word_eq(c, len, t)) {
                free(t);
                return strndup(c, len);
            }
            c += len + (bar ? 1 : 0);
        }
        snprintf(why, cap, "'%.60s' is not one of %s", t, k->choices);
        break;
    }
    case PQ_CONFIG_NUMBERS:
    case PQ_CONFIG_WORDS: {
        /* Items separated by commas (or the newlines of a continued value). */
        size_t cap_out = n + 1, len = 0;
        char *out = malloc(cap_out);
        if (!out) {
            snprintf(why, cap, "out of memory");
            break;
        }
        bool ok = true;
        for (const char *p = t;;) {
            size_t m = strcspn(p, ",\n");
            char *item = trim_dup(p, m);
            if (!item) {
                snprintf(why, cap, "out of memory");
                ok = false;
            } else if (!*item) {
                snprintf(why, cap, "has an empty item in '%.60s'", t);
                ok = false;
            } else if (k->type == PQ_CONFIG_NUMBERS) {
                double d;
                if (!parse_double(item, &d)) {
                    snprintf(why, cap, "item '%.40s' is not a number", item);
                    ok = false;
                } else if (!in_range(k, d)) {
                    snprintf(why, cap, "item %.40s is out of range (expected numbers%s)", item, range);
                    ok = false;
                }
            }
            if (ok) {
                size_t il = strlen(item);
                if (len) out[len++] = ',';
                memcpy(out + len, item, il);
                len += il;
            }
            free(item);
            if (!ok || !p[m]) break;
            p += m + 1;
        }
        if (!ok) {
            free(out);
            break;
        }
        out[len] = 0;
        free(t);
        return out;
    }
    }
    free(t);
    return NULL;
}

/* ------------------------------------------------------------ storing */

static cfg_value *extra_find(pq_config *c, const cfg_key *k, const char *key)
{
    for (size_t i = 0; i < c->n_extra; i++)
        if (c->extra[i].def == k && !strcasecmp(c->extra[i].key, key)) return &c->extra[i];
    return NULL;
}

cfg_value *cfg_slot(pq_config *c, const cfg_key *k, const char *key)
{
    if (strcmp(k->key, "*") && cfg_is_supported(k)) return &c->fixed[k - cfg_keys];
    cfg_value *v = extra_find(c, k, key);
    if (v) return v;
    if (c->n_extra == c->cap_extra) {
        size_t nc = c->cap_extra ? 2 * c->cap_extra : 16;
        cfg_value *ne = realloc(c->extra, nc * sizeof *ne);
        if (!ne) return NULL;
        c->extra = ne;
        c->cap_extra = nc;
    }
    v = &c->extra[c->n_extra];
    memset(v, 0, sizeof *v);
    v->def = k;
    v->key = strdup(key);
    if (!v->key) return NULL;
    c->n_extra++;
    return v;
}

const cfg_key *cfg_resolve_alias(const cfg_key *k)
{
    if (!k || !k->alias_of) return k;
    const char *dot = strchr(k->alias_of, '.');
    char sec[64];
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - k->alias_of), k->alias_of);
    return cfg_key_find(sec, dot + 1, NULL);
}

bool cfg_store(pq_config *c, const cfg_key *k, const char *key, char *value, const char *source)
{
    cfg_value *v = cfg_slot(c, k, key);
    char *src = strdup(source);
    if (!v || !src) {
        free(value);
        free(src);
        return false;
    }
    free(v->value);
    free(v->source);
    v->value = value;
    v->source = src;
    return true;
}

pq_status pq_config_set(pq_config *c, const char *section, const char *key, const char *value, const char *source,
                        pq_error *err)
{
    int known;
    const cfg_key *k = cfg_resolve_alias(cfg_key_find(section, key, &known));
    if (!k)
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: unknown %s [%.64s]%s%.64s", source, known ? "key" : "section",
                       section, known ? " " : "", known ? key : "");
    if (!cfg_is_supported(k))
        return PQ_FAIL(err, PQ_ERR_UNSUPPORTED, "%s: [%s] %.64s is not supported: %s", source, k->section, key,
                       k->reason);
    char why[200];
    char *norm = cfg_check(k, value, why, sizeof why);
    if (!norm) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: [%s] %.64s %s", source, k->section, key, why);
    if (!cfg_store(c, k, strcmp(k->key, "*") ? k->key : key, norm, source)) return PQ_NOMEM(err);
    return PQ_OK;
}

/* ------------------------------------------------------------ getters */

/* The stored value of a supported key of `type` (NULL when a "*" key was
 * never set); *kp: its table entry (NULL: no such key). */
static const cfg_value *lookup(const pq_config *c, const char *section, const char *key, pq_config_type type,
                               const cfg_key **kp)
{
    const cfg_key *k = cfg_resolve_alias(cfg_key_find(section, key, NULL));
    *kp = NULL;
    if (!k || !cfg_is_supported(k) || k->type != type) return NULL;
    *kp = k;
    if (strcmp(k->key, "*")) return &c->fixed[k - cfg_keys];
    return extra_find((pq_config *)c, k, key);
}

static const char *effective(const pq_config *c, const char *section, const char *key, pq_config_type type)
{
    const cfg_key *k;
    const cfg_value *v = lookup(c, section, key, type, &k);
    if (!k) return NULL;
    return v && v->source ? v->value : k->def;
}

bool pq_config_is_set(const pq_config *c, const char *section, const char *key)
{
    const cfg_key *k = cfg_resolve_alias(cfg_key_find(section, key, NULL));
    if (!k || !cfg_is_supported(k)) return false;
    const cfg_value *v = lookup(c, section, key, k->type, &k);
    return v && v->source;
}

bool pq_config_bool(const pq_config *c, const char *section, const char *key)
{
    const char *s = effective(c, section, key, PQ_CONFIG_BOOL);
    return s && !strcmp(s, "true");
}

int64_t pq_config_int(const pq_config *c, const char *section, const char *key)
{
    const char *s = effective(c, section, key, PQ_CONFIG_INT);
    return s ? strtoll(s, NULL, 10) : 0;
}

double pq_config_double(const pq_config *c, const char *section, const char *key)
{
    const char *s = effective(c, section, key, PQ_CONFIG_DOUBLE);
    return s ? strtod(s, NULL) : NAN;
}

const char *pq_config_string(const pq_config *c, const char *section, const char *key)
{
    const cfg_key *k = cfg_resolve_alias(cfg_key_find(section, key, NULL));
    if (!k || (k->type != PQ_CONFIG_STRING && k->type != PQ_CONFIG_CHOICE && k->type != PQ_CONFIG_WORDS)) return NULL;
    const char *s = effective(c, section, key, k->type);
    return s && *s ? s : NULL;
}

size_t pq_config_numbers(const pq_config *c, const char *section, const char *key, double *out, size_t cap)
{
    const char *s = effective(c, section, key, PQ_CONFIG_NUMBERS);
    size_t n = 0;
    while (s && *s) {
        char *end;
        double d = strtod(s, &end);
        if (n < cap) out[n] = d;
        n++;
        s = *end == ',' ? end + 1 : end;
        if (end == s && *s) break;
    }
    return n;
}

/* ------------------------------------------------------------ items */

static void fill_item(const cfg_value *v, const cfg_key *k, const char *key, pq_config_item *out)
{
    out->section = k->section;
    out->key = key;
    out->value = v && v->source ? v->value : k->def;
    out->source = v && v->source ? v->source : "default";
    out->type = type_name(k);
    out->used_by = k->used_by;
    out->reason = cfg_is_supported(k) ? NULL : k->reason;
}

bool pq_config_item_at(const pq_config *c, size_t i, pq_config_item *out)
{
    for (size_t t = 0; t < cfg_key_count; t++) {
        const cfg_key *k = &cfg_keys[t];
        if (!cfg_is_supported(k) || !strcmp(k->key, "*")) continue;
        if (i-- == 0) {
            fill_item(&c->fixed[t], k, k->key, out);
            return true;
        }
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t e = 0; e < c->n_extra; e++) {
            const cfg_value *v = &c->extra[e];
            if (cfg_is_supported(v->def) != (pass == 0)) continue;
            if (i-- == 0) {
                fill_item(v, v->def, v->key, out);
                return true;
            }
        }
    return false;
}

bool pq_config_key_at(size_t i, pq_config_key *out)
{
    if (i >= cfg_key_count) return false;
    const cfg_key *k = &cfg_keys[i];
    bool plain = cfg_is_supported(k) && !k->alias_of;
    out->section = k->section;
    out->key = k->key;
    out->type = plain ? type_name(k) : NULL;
    out->def = k->def;
    out->min = k->min;
    out->max = k->max;
    out->used_by = k->used_by;
    out->reason = k->reason;
    out->alias_of = k->alias_of;
    return true;
}
