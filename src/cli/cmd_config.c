/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_config.c - `parquant config show [--config F] [--set S.K=V]`: the
 * effective configuration and where each value came from; and the helper
 * every command with --config uses to load a file and print its warnings.
 */
#include "cli/cli.h"
#include "parquant/config.h"

#include <stdlib.h>
#include <string.h>

static const char CONFIG_USAGE[] =
    "usage: parquant config show [--config FILE]... [--set SECTION.KEY=VALUE]...\n"
    "       parquant config keys\n"
    "  prints the effective configuration as INI: every key parquant reads with its value,\n"
    "  where the value came from (default, FILE:LINE, --set) and what reads it, then the\n"
    "  keys the files set that parquant does not support, with the reason.\n"
    "  Later sources override earlier ones: defaults < files (in order) < --set.\n"
    "  `config keys` prints the table of every key as Markdown (docs/config.md holds it).\n";

static void print_warning(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "parquant: warning: %s\n", message);
}

int cli_config_open(const char *path, pq_config **out)
{
    pq_config *c = pq_config_new();
    if (!c) {
        fprintf(stderr, "parquant: out of memory\n");
        return CLI_FAIL;
    }
    if (path) {
        pq_error err;
        pq_error_clear(&err);
        if (pq_config_load(c, path, print_warning, NULL, &err) != PQ_OK) {
            pq_config_free(c);
            return cli_report(&err);
        }
    }
    *out = c;
    return CLI_OK;
}

int cli_with_config(int argc, char **argv, int (*main_fn)(int, char **, const pq_config *))
{
    const char *path = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--config")) path = argv[i + 1];
    pq_config *cfg;
    int rc = cli_config_open(path, &cfg);
    if (rc != CLI_OK) return rc;
    rc = main_fn(argc, argv, cfg);
    pq_config_free(cfg);
    return rc;
}

/* "SECTION.KEY=VALUE" applied with source "--set". */
static int apply_set(pq_config *c, const char *arg)
{
    const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
    if (!dot || !eq || dot > eq || dot == arg || eq == dot + 1)
        return cli_usage_error("config", CONFIG_USAGE, "--set expects SECTION.KEY=VALUE, found '%s'", arg);
    char sec[128], key[128];
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - arg), arg);
    snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
    pq_error err;
    pq_error_clear(&err);
    if (pq_config_set(c, sec, key, eq + 1, "--set", &err) != PQ_OK) return cli_report(&err);
    return CLI_OK;
}

static void show(const pq_config *c)
{
    const char *files = pq_config_files(c);
    printf("# parquant configuration: defaults%s%s < --set   (docs/config.md)\n", *files ? " < " : "", files);
    printf("# key = value   ; where the value came from | what reads it\n");
    pq_config_item it;
    const char *section = NULL;
    size_t i = 0;
    bool unsupported_header = false;
    while (pq_config_item_at(c, i++, &it)) {
        if (it.reason) {
            if (!unsupported_header) {
                printf("\n# set, but not supported by parquant (not used):\n");
                unsupported_header = true;
            }
            printf("#   [%s] %s = %s   ; %s | %s\n", it.section, it.key, it.value ? it.value : "", it.source,
                   it.reason);
            continue;
        }
        if (!section || strcmp(section, it.section)) {
            printf("\n[%s]\n", it.section);
            section = it.section;
        }
        char line[256];
        if (it.value) snprintf(line, sizeof line, "%s = %s", it.key, it.value);
        else snprintf(line, sizeof line, "; %s =", it.key);
        printf("%-44s ; %s | %s\n", line, it.value ? it.source : "unset", it.used_by);
    }
}

/* Markdown: one table per section, every key with its type, default and
 * what reads it, or why it is not supported. */
static void print_keys(void)
{
    pq_config_key k;
    const char *section = NULL;
    for (size_t i = 0; pq_config_key_at(i, &k); i++) {
        if (!section || strcmp(section, k.section)) {
            printf("%s### [%s]\n\n| key | type | default | what it does |\n|---|---|---|---|\n", section ? "\n" : "",
                   k.section);
            section = k.section;
        }
        const char *key = strcmp(k.key, "*") ? k.key : "any other key";
        if (k.alias_of) {
            const char *dot = strchr(k.alias_of, '.');
            printf("| `%s` | | | another name for `[%.*s] %s` |\n", key, (int)(dot - k.alias_of), k.alias_of, dot + 1);
        } else if (!k.used_by) {
            printf("| %s%s%s | | | **not supported**: %s |\n", *k.key == '*' ? "" : "`", key, *k.key == '*' ? "" : "`",
                   k.reason);
        } else {
            char range[96] = "";
            if (k.min <= k.max) {
                if (k.max >= 1e15) snprintf(range, sizeof range, ", >= %.15g", k.min);
                else snprintf(range, sizeof range, ", %.15g to %.15g", k.min, k.max);
            }
            /* A choice's words, with the bars escaped for the table. */
            char type[160];
            size_t n = 0;
            for (const char *t = k.type; *t && n + 3 < sizeof type; t++) {
                if (*t == '|') type[n++] = '\\';
                type[n++] = *t;
            }
            type[n] = 0;
            printf("| %s%s%s | %s%s | %s%s%s | %s%s%s |\n", *k.key == '*' ? "" : "`", key, *k.key == '*' ? "" : "`",
                   type, range, k.def ? "`" : "", k.def ? k.def : "unset", k.def ? "`" : "", k.used_by,
                   k.reason ? "; true warns: " : "", k.reason ? k.reason : "");
        }
    }
}

int cli_config(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "keys")) {
        print_keys();
        return CLI_OK;
    }
    if (argc < 2 || strcmp(argv[1], "show")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            fputs(CONFIG_USAGE, stdout);
            return CLI_OK;
        }
        return cli_usage_error("config", CONFIG_USAGE, argc < 2 ? "expected a subcommand" : "unknown subcommand '%s'",
                               argc < 2 ? "" : argv[1]);
    }
    pq_config *c;
    int rc = cli_config_open(NULL, &c);
    if (rc != CLI_OK) return rc;
    /* Files first, in order, then --set: the order of precedence. */
    for (int pass = 0; pass < 2 && rc == CLI_OK; pass++)
        for (int i = 2; i < argc && rc == CLI_OK; i++) {
            const char *a = argv[i];
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                fputs(CONFIG_USAGE, stdout);
                pq_config_free(c);
                return CLI_OK;
            }
            if (strcmp(a, "--config") && strcmp(a, "--set")) {
                rc = cli_usage_error("config", CONFIG_USAGE, "unknown option '%s'", a);
                break;
            }
            if (i + 1 >= argc) {
                rc = cli_usage_error("config", CONFIG_USAGE, "%s needs a value", a);
                break;
            }
            const char *v = argv[++i];
            if (pass == 0 && !strcmp(a, "--config")) {
                pq_error err;
                pq_error_clear(&err);
                if (pq_config_load(c, v, print_warning, NULL, &err) != PQ_OK) rc = cli_report(&err);
            } else if (pass == 1 && !strcmp(a, "--set")) rc = apply_set(c, v);
        }
    if (rc == CLI_OK) show(c);
    pq_config_free(c);
    return rc;
}
