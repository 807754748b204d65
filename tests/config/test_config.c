/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/config/test_config.c - the configuration file: the guide's
 * parquet_arrow_config.ini with its inline '#' comments read as typed
 * values; warnings (unknown section and key with their lines, unsupported
 * keys with a reason, a repeated key, use_gpu = true); errors with file:line
 * (wrong type, out of range, a key before any section, a bad line, a line
 * over libinih's limit) leaving the configuration untouched; aliases,
 * continuation lines, precedence file < flag, and that every key of the
 * table is either used or carries a reason.
 */
#include "harness.h"
#include "config/config_keys.h"
#include "parquant/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];


/* Collected warnings, one per line. */
typedef struct warnings {
    char text[8192];
    int count;
} warnings;

static void collect(void *ctx, const char *message)
{
    warnings *w = ctx;
    size_t n = strlen(w->text);
    snprintf(w->text + n, sizeof w->text - n, "%s\n", message);
    w->count++;
}

static pq_status load_text(pq_config *c, const char *name, const char *text, warnings *w, pq_error *err,
                           char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", tmp, name);
    harness_write_text(path, text);
    memset(w, 0, sizeof *w);
    pq_error_clear(err);
    return pq_config_load(c, path, collect, w, err);
}

/* The guide's parquet_arrow_config.ini, verbatim. */
static const char GUIDE_INI[] =
    "[general]\n"
    "use_gpu = true              # Enable GPU acceleration\n"
    "memory_pool_size_gb = 4.0   # Arrow memory pool size\n"
    "chunk_size = 1000000        # Processing chunk size\n"
    "\n"
    "[parquet]\n"
    "compression = snappy        # Compression: snappy, gzip, lz4, zstd\n"
    "row_group_size = 50000     # Rows per group\n"
    "partition_by_date = true    # Enable date partitioning\n"
    "\n"
    "[cudf]\n"
    "gpu_memory_limit_gb = 8.0   # GPU memory limit\n"
    "spill_to_host = true        # Spill to CPU if GPU full\n"
    "\n"
    "[enhanced_metrics]\n"
    "calculate_sharpe = true     # Enable Sharpe ratio\n"
    "calculate_sortino = true    # Enable Sortino ratio\n"
    "calculate_calmar = true     # Enable Calmar ratio\n"
    "risk_free_rate = 0.02       # Annual risk-free rate\n";

TEST(guide_file_typed_with_inline_comments)
{
    pq_config *c = pq_config_new();
    warnings w;
    pq_error err;
    char path[512], want[900];
    CHECK_OK(load_text(c, "guide.ini", GUIDE_INI, &w, &err, path, sizeof path), &err);
    CHECK_EQ_STR(pq_config_string(c, "parquet", "compression"), "snappy");
    CHECK_EQ_I64(pq_config_int(c, "parquet", "row_group_size"), 50000);
    CHECK(pq_config_bool(c, "parquet", "partition_by_date"));
    CHECK(pq_config_bool(c, "general", "use_gpu"));
    CHECK(pq_config_double(c, "enhanced_metrics", "risk_free_rate") == 0.02);
    CHECK(pq_config_is_set(c, "PARQUET", "Row_Group_Size")); /* names without regard to case */
    CHECK(!pq_config_is_set(c, "ULTA", "enabled"));
    /* Warnings: use_gpu (no GPU path), the memory pool, the chunk size, two cudf keys. */
    CHECK_EQ_I64(w.count, 5);
    snprintf(want, sizeof want, "%s:2: [general] use_gpu = true: ", path);
    CHECK(strstr(w.text, want) != NULL);
    snprintf(want, sizeof want, "%s:3: [general] memory_pool_size_gb is not supported: parquant has no Arrow", path);
    CHECK(strstr(w.text, want) != NULL);
    snprintf(want, sizeof want, "%s:13: [cudf] spill_to_host is not supported", path);
    CHECK(strstr(w.text, want) != NULL);
    /* Sources: the file and line; the items list the unsupported ones last with their reason. */
    pq_config_item it;
    bool saw_rgs = false, saw_cudf = false, unsupported_seen = false, order_ok = true;
    for (size_t i = 0; pq_config_item_at(c, i, &it); i++) {
        if (it.reason) unsupported_seen = true;
        else if (unsupported_seen) order_ok = false;
        if (!strcmp(it.key, "row_group_size")) {
            snprintf(want, sizeof want, "%s:8", path);
            CHECK_EQ_STR(it.source, want);
            CHECK_EQ_STR(it.value, "50000");
            saw_rgs = true;
        }
        if (!strcmp(it.key, "gpu_memory_limit_gb")) {
            CHECK_EQ_STR(it.value, "8.0");
            CHECK(it.reason && strstr(it.reason, "GPU"));
            saw_cudf = true;
        }
        if (!strcmp(it.key, "seed")) CHECK_EQ_STR(it.source, "default");
    }
    CHECK(saw_rgs && saw_cudf && order_ok);
    pq_config_free(c);
}

TEST(warnings_name_the_line)
{
    pq_config *c = pq_config_new();
    warnings w;
    pq_error err;
    char path[512], want[900];
    CHECK_OK(load_text(c, "warn.ini",
                       "; comment\n"
                       "[ULTA]\n"
                       "min_negatve_days = 12\n"     /* 3: typo */
                       "[Mystery]\n"                 /* 4: unknown section */
                       "a = 1\n"
                       "[ulta]\n"
                       "enabled = yes\n"             /* 7 */
                       "enabled = off ; again\n"     /* 8: repeated */
                       "[general]\n"
                       "penalty_weight = 3\n",       /* 10: belongs elsewhere */
                       &w, &err, path, sizeof path),
             &err);
    CHECK_EQ_I64(w.count, 4);
    snprintf(want, sizeof want, "%s:3: unknown key 'min_negatve_days' in [ULTA]; not used (did you mean 'min_negative_days'?)",
             path);
    CHECK(strstr(w.text, want) != NULL);
    snprintf(want, sizeof want, "%s:4: unknown section [Mystery]", path);
    CHECK(strstr(w.text, want) != NULL);
    snprintf(want, sizeof want, "%s:8: [ULTA] enabled is set again (first on line 7)", path);
    CHECK(strstr(w.text, want) != NULL);
    snprintf(want, sizeof want, "%s:10: unknown key 'penalty_weight' in [general]; not used (it belongs in [CORRELATION])",
             path);
    CHECK(strstr(w.text, want) != NULL);
    CHECK(!pq_config_bool(c, "ULTA", "enabled")); /* the later value */
    CHECK_EQ_I64(pq_config_int(c, "ULTA", "min_negative_days"), 10);
    pq_config_free(c);
}

/* Each bad file fails with FILE:LINE and the problem, and changes nothing. */
TEST(errors_name_file_and_line)
{
    static const struct {
        const char *text;
        int line;
        const char *problem;
    } cases[] = {
        {"[parquet]\nrow_group_size = 50k\n", 2, "[parquet] row_group_size '50k' is not an integer"},
        {"[parquet]\nrow_group_size = 0\n", 2, "0 is out of range"},
        {"[parquet]\ncompression = lzo\n", 2, "'lzo' is not one of none|"},
        {"[ULTA]\nenabled = maybe\n", 2, "'maybe' is not a boolean"},
        {"[ULTA]\nnegative_day_percentage = 1.5\n", 2, "out of range (expected a number from 0 to 1)"},
        {"[RISK_METRICS]\nconfidence_levels = 95,abc\n", 2, "item 'abc' is not a number"},
        {"[CORRELATION]\npenalty_weight =\n", 2, "has no value"},
        {"[general]\nseed = 1\n[MARKET_REGIME_CONFIG]\nregime_column = regime\n", 4, "'regime' is not one of market_regime"},
        {"seed = 1\n[general]\n", 1, "'seed' comes before any [section] header"},
        {"[general]\nseed = 3\nthis line has no equals sign\n", 3,
         "expected a [section] header, a 'key = value' line or a comment, found 'this line has no equals sign'"},
        {"[general\nseed = 3\n", 1, "expected a [section] header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pq_config *c = pq_config_new();
        warnings w;
        pq_error err;
        char path[512], want[700];
        CHECK_STATUS(load_text(c, "bad.ini", cases[i].text, &w, &err, path, sizeof path), PQ_ERR_PARSE);
        snprintf(want, sizeof want, "%s:%d: ", path, cases[i].line);
        if (strncmp(err.message, want, strlen(want)) || !strstr(err.message, cases[i].problem)) {
            harness_failed++;
            fprintf(stderr, "case %zu: got '%s', want '%s...%s'\n", i, err.message, want, cases[i].problem);
        } else harness_passed++;
        /* Nothing of the file was applied. */
        CHECK_EQ_I64(pq_config_int(c, "general", "seed"), 42);
        CHECK(!pq_config_is_set(c, "general", "seed"));
        pq_config_free(c);
    }
    /* A line over libinih's 200-byte limit is refused, not cut in two. */
    char big[400];
    snprintf(big, sizeof big, "[parquet]\nstorage_path = /data/%0250d\nrow_group_size = 7\n", 0);
    pq_config *c = pq_config_new();
    warnings w;
    pq_error err;
    char path[512], want[900];
    CHECK_STATUS(load_text(c, "long.ini", big, &w, &err, path, sizeof path), PQ_ERR_PARSE);
    snprintf(want, sizeof want, "%s:2: line longer than", path);
    CHECK(strstr(err.message, want) == err.message);
    /* A missing file. */
    pq_error_clear(&err);
    CHECK_STATUS(pq_config_load(c, "/nonexistent/x.ini", NULL, NULL, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/x.ini") != NULL);
    pq_config_free(c);
}

TEST(aliases_continuations_quotes_precedence)
{
    pq_config *c = pq_config_new();
    warnings w;
    pq_error err;
    char path[512];
    CHECK_OK(load_text(c, "alias.ini",
                       "\xEF\xBB\xBF[parquet]\r\n"               /* BOM, CRLF */
                       "parquet_compression = ZSTD\r\n"          /* alias, case */
                       "storage_path = \"/data/parquet/strategies\"\r\n"
                       "[ZONE]\r\n"
                       "zone_weights = 0.4, 0.3,\r\n"
                       "   0.2\r\n"                              /* continuation line */
                       "   0.1\r\n"
                       "[OPTIMIZATION]\r\n"
                       "apply_ulta_logic = False\r\n"
                       "[GENERAL]\r\n"
                       "metric = less_max_dd\r\n"
                       "[ZONE_WEIGHTS]\r\n"
                       "zone1 = 2\r\n",
                       &w, &err, path, sizeof path),
             &err);
    CHECK_EQ_I64(w.count, 0);
    CHECK_EQ_STR(pq_config_string(c, "parquet", "compression"), "zstd");
    CHECK_EQ_STR(pq_config_string(c, "parquet", "storage_path"), "/data/parquet/strategies");
    double zw[8];
    CHECK_EQ_I64((int64_t)pq_config_numbers(c, "optimization", "zone_weights", zw, 8), 4);
    CHECK(zw[0] == 0.4 && zw[1] == 0.3 && zw[2] == 0.2 && zw[3] == 0.1);
    CHECK(pq_config_is_set(c, "ULTA", "enabled") && !pq_config_bool(c, "ULTA", "enabled"));
    CHECK_EQ_STR(pq_config_string(c, "general", "metric"), "less max dd");
    CHECK(pq_config_double(c, "ZONE_WEIGHTS", "zone1") == 2.0);
    CHECK(isnan(pq_config_double(c, "ZONE_WEIGHTS", "zone2"))); /* not set */
    pq_config_item it;
    bool alias_source = false;
    for (size_t i = 0; pq_config_item_at(c, i, &it); i++)
        if (!strcmp(it.key, "enabled") && !strcmp(it.section, "ULTA"))
            alias_source = strstr(it.source, ":9 (as [optimization] apply_ulta_logic)") != NULL;
    CHECK(alias_source);
    /* A flag overrides the file; a bad flag value or an unsupported key is an error. */
    CHECK_OK(pq_config_set(c, "parquet", "compression", "gzip", "--compression", &err), &err);
    CHECK_EQ_STR(pq_config_string(c, "parquet", "compression"), "gzip");
    CHECK_STATUS(pq_config_set(c, "parquet", "row_group_size", "-5", "--row-group-size", &err), PQ_ERR_INVALID_ARG);
    CHECK(strstr(err.message, "--row-group-size: [parquet] row_group_size -5 is out of range") == err.message);
    CHECK_STATUS(pq_config_set(c, "cudf", "spill_to_host", "true", "--set", &err), PQ_ERR_UNSUPPORTED);
    CHECK_STATUS(pq_config_set(c, "nope", "x", "1", "--set", &err), PQ_ERR_INVALID_ARG);
    CHECK_STATUS(pq_config_set(c, "parquet", "nope", "1", "--set", &err), PQ_ERR_INVALID_ARG);
    pq_config_free(c);
}

/* The table itself: every key is used by something or says why not; every
 * default passes its own type check; every alias names a real key. */
TEST(key_table_is_complete)
{
    for (size_t i = 0; i < cfg_key_count; i++) {
        const cfg_key *k = &cfg_keys[i];
        if (k->alias_of) {
            const char *dot = strchr(k->alias_of, '.');
            char sec[64];
            snprintf(sec, sizeof sec, "%.*s", (int)(dot - k->alias_of), k->alias_of);
            const cfg_key *t = cfg_key_find(sec, dot + 1, NULL);
            CHECK(t && t->used_by && !t->alias_of);
            continue;
        }
        CHECK(k->used_by || (k->reason && strlen(k->reason) > 20));
        if (k->used_by && k->def) {
            pq_config *c = pq_config_new();
            pq_error err;
            if (strcmp(k->key, "*")) CHECK_OK(pq_config_set(c, k->section, k->key, k->def, "test", &err), &err);
            pq_config_free(c);
        }
        for (size_t j = 0; j < i; j++)
            CHECK(strcasecmp(cfg_keys[j].section, k->section) || strcasecmp(cfg_keys[j].key, k->key));
    }
    /* Sections named by the issue and the spec are all known. */
    static const char *sections[] = {"general", "parquet", "cudf", "enhanced_metrics", "ALGORITHM_PARAMETERS",
                                     "ULTA", "PORTFOLIO_OPTIMIZATION", "MARKET_REGIME_CONFIG", "ZONE",
                                     "ZONE_OPTIMIZATION", "CORRELATION", "GPU", "FITNESS_CALCULATION",
                                     "KELLY_CRITERION", "RISK_METRICS", "OUTPUT_GENERATION", "WINDOWS_INTERFACE",
                                     "ALGORITHMS", "PERFORMANCE", "PATHS", "NETWORK_STORAGE", "LOGGING", "DATABASE",
                                     "VALIDATION", "optimization", "fitness_weights", "algorithm_timeouts",
                                     "ENHANCED_METRICS_THRESHOLDS", "PORTFOLIO_CONSTRAINTS", "PORTFOLIO",
                                     "ZONE_SPECIFIC_OPTIMIZATION", "ZONE_WEIGHTS", "FILE_RATIOS"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) CHECK(cfg_section_name(sections[i]) != NULL);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s/pq-test-config-XXXXXX", P_tmpdir);
    if (!mkdtemp(tmp)) return 1;
    RUN(guide_file_typed_with_inline_comments);
    RUN(warnings_name_the_line);
    RUN(errors_name_file_and_line);
    RUN(aliases_continuations_quotes_precedence);
    RUN(key_table_is_complete);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) return 1;
    return harness_done();
}
