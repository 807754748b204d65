/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_convert.c - `parquant convert IN OUT.parquet [options]`: CSV or
 * JSON to Parquet through convert/convert.c, with a progress line on a
 * terminal.  The output appears under its final name only when complete.
 */
#include "cli/cli.h"
#include "convert/convert.h"
#include "parquant/config.h"
#include "parquant/pnl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char CONVERT_USAGE[] =
    "usage: parquant convert IN [OUT.parquet] [options]\n"
    "  IN is CSV (header row) or JSON (JSON Lines or one array of objects)\n"
    "  --config FILE        INI configuration: [parquet] compression, row_group_size,\n"
    "                       partition_by_date, storage_path (the folder OUT goes to when not\n"
    "                       given); flags override it (docs/config.md)\n"
    "  --compression C      none|snappy|gzip|zstd|lz4_raw|brotli (default snappy)\n"
    "  --level N            compression level, 0 = the codec's default (zstd -131072..22,\n"
    "                       gzip 1..12, brotli 1..11, lz4_raw -65537..12 with 2..12 = LZ4HC)\n"
    "  --page-version 1|2   data page version (default 1)\n"
    "  --row-group-size N   rows per row group (default 131072)\n"
    "  --page-size BYTES    target page size (default 1048576)\n"
    "  --no-dictionary      do not dictionary-encode\n"
    "  --format csv|json    input format (default: from the extension, then the content)\n"
    "  --delimiter C        CSV field delimiter (default ',', tab for .tsv)\n"
    "strategy P&L CSVs (Date,Day,... / Date,Zone,Day,... / the enhanced layout; docs/strategies.md):\n"
    "  --as pnl|table       treat IN as a strategy P&L matrix or as a plain table\n"
    "                       (default: pnl when the header starts like one of the three layouts)\n"
    "  --layout L           wide (default: one column per strategy, like the CSV), partitioned\n"
    "                       (OUT is a Hive dataset folder of wide files), long (date, [zone],\n"
    "                       strategy, pnl ...), partitioned-long (a Hive dataset of long files)\n"
    "  --partition-by K     year or year,month (default year,month; implies --layout partitioned)\n"
    "  --date-format F      auto (default: decided from the whole Date column), ymd, dmy, mdy\n";

/* Options of the strategy P&L path. */
typedef struct pnl_cli {
    int as;                  /* 0 auto, 1 pnl, -1 table */
    pq_pnl_write_options w;
    const char *date_format;
    bool layout_given;
} pnl_cli;

static int apply_pnl_option(pnl_cli *pc, const char *opt, const char *v, bool *handled)
{
    *handled = true;
    if (!strcmp(opt, "--as")) {
        if (!strcmp(v, "pnl")) pc->as = 1;
        else if (!strcmp(v, "table")) pc->as = -1;
        else return cli_usage_error("convert", CONVERT_USAGE, "--as expects pnl or table, found '%s'", v);
    } else if (!strcmp(opt, "--layout")) {
        if (!strcmp(v, "wide")) pc->w.store = PQ_PNL_STORE_WIDE;
        else if (!strcmp(v, "partitioned")) pc->w.store = PQ_PNL_STORE_PARTITIONED, pc->w.part_store = PQ_PNL_STORE_WIDE;
        else if (!strcmp(v, "partitioned-long"))
            pc->w.store = PQ_PNL_STORE_PARTITIONED, pc->w.part_store = PQ_PNL_STORE_LONG;
        else if (!strcmp(v, "long")) pc->w.store = PQ_PNL_STORE_LONG;
        else
            return cli_usage_error("convert", CONVERT_USAGE,
                                   "--layout expects wide, partitioned, partitioned-long or long, found '%s'", v);
        pc->layout_given = true;
    } else if (!strcmp(opt, "--partition-by")) {
        if (!strcmp(v, "year")) pc->w.partition_by = PQ_PNL_PART_YEAR;
        else if (!strcmp(v, "year,month")) pc->w.partition_by = PQ_PNL_PART_YEAR | PQ_PNL_PART_MONTH;
        else return cli_usage_error("convert", CONVERT_USAGE, "--partition-by expects year or year,month, found '%s'", v);
        pc->w.store = PQ_PNL_STORE_PARTITIONED;
        pc->layout_given = true;
    } else if (!strcmp(opt, "--date-format")) {
        if (strcmp(v, "auto") && strcmp(v, "ymd") && strcmp(v, "dmy") && strcmp(v, "mdy"))
            return cli_usage_error("convert", CONVERT_USAGE, "--date-format expects auto, ymd, dmy or mdy, found '%s'", v);
        pc->date_format = v;
    } else *handled = false;
    return CLI_OK;
}

static const char *store_name(pq_pnl_store s)
{
    return s == PQ_PNL_STORE_LONG ? "long" : s == PQ_PNL_STORE_PARTITIONED ? "partitioned" : "wide";
}

/* Convert a strategy P&L CSV. */
static int convert_pnl(const char *in, const char *out, const pq_convert_options *o, pnl_cli *pc)
{
    pq_error err;
    pq_error_clear(&err);
    pq_pnl p;
    pq_pnl_csv_options co = {pc->date_format, o->delimiter};
    int64_t dropped = 0;
    cli_progress prog;
    cli_progress_init(&prog, "convert");
    struct stat sb;
    int64_t size = stat(in, &sb) == 0 ? (int64_t)sb.st_size : 0;
    cli_progress_update(&prog, "reading", 0, size, -1);
    if (pq_pnl_read_csv(in, &co, &p, &dropped, &err) != PQ_OK) {
        cli_progress_finish(&prog);
        return cli_report(&err);
    }
    cli_progress_update(&prog, "writing", size, size, -1);
    if (dropped > 0)
        fprintf(stderr, "parquant convert: %s: ignored %lld trailing column%s without a name or any value\n", in,
                (long long)dropped, dropped == 1 ? "" : "s");
    if (pc->w.store == PQ_PNL_STORE_PARTITIONED && pc->w.part_store == PQ_PNL_STORE_WIDE && p.n_strategies > 100000)
        fprintf(stderr, "parquant convert: warning: %lld strategies: every partition file repeats the metadata of "
                        "all their columns; --layout partitioned-long or long suits this size\n",
                (long long)p.n_strategies);
    pc->w.writer = o->writer;
    const char *base = strrchr(in, '/');
    pc->w.source = base ? base + 1 : in;
    int64_t files = 0;
    pq_status s = pq_pnl_write(&p, out, &pc->w, &files, &err);
    cli_progress_finish(&prog);
    char tag[48] = "";
    if (pc->w.store != PQ_PNL_STORE_WIDE)
        snprintf(tag, sizeof tag, " (%s%s)", store_name(pc->w.store),
                 pc->w.store == PQ_PNL_STORE_PARTITIONED && pc->w.part_store == PQ_PNL_STORE_LONG ? ", long files" : "");
    if (s == PQ_OK)
        fprintf(stderr, "%s: strategy P&L, %s layout: %lld rows x %lld strategies (dates %s) -> %s%s (%lld file%s)\n", in,
                pq_pnl_layout_name(p.layout), (long long)p.n_rows, (long long)p.n_strategies,
                p.date_format[0] == 'y' ? "YYYY-MM-DD" : p.date_format[0] == 'd' ? "DD-MM-YYYY" : "MM-DD-YYYY", out,
                tag, (long long)files, files == 1 ? "" : "s");
    pq_pnl_free(&p);
    return s == PQ_OK ? CLI_OK : cli_report(&err);
}

static void on_progress(void *ctx, int pass, int64_t done, int64_t total, int64_t rows)
{
    cli_progress_update((cli_progress *)ctx, pass == 1 ? "scanning types" : "writing", done, total, rows);
}

/* Apply one "--opt value" pair; returns CLI_OK or a usage error code. */
static int apply_option(pq_convert_options *o, const char *opt, const char *v)
{
    pq_error err;
    int64_t n;
    if (!strcmp(opt, "--compression")) {
        if (pq_codec_parse(v, &o->writer.codec, &err) != PQ_OK)
            return cli_usage_error("convert", CONVERT_USAGE,
                                   "unknown codec '%s' (expected one of none, snappy, gzip, zstd, lz4_raw, brotli)", v);
        if (pq_codec_check_level(o->writer.codec, 0, &err) != PQ_OK)
            return cli_usage_error("convert", CONVERT_USAGE, "--compression '%s': %s", v, err.message);
    } else if (!strcmp(opt, "--level")) {
        if (!cli_parse_i64(v, INT32_MIN, INT32_MAX, &n))
            return cli_usage_error("convert", CONVERT_USAGE, "--level expects an integer, found '%s'", v);
        o->writer.compression_level = (int)n;
    } else if (!strcmp(opt, "--page-version")) {
        if (!cli_parse_i64(v, 1, 2, &n))
            return cli_usage_error("convert", CONVERT_USAGE, "--page-version expects 1 or 2, found '%s'", v);
        o->writer.page_version = (int)n;
    } else if (!strcmp(opt, "--row-group-size")) {
        if (!cli_parse_i64(v, 1, INT64_MAX, &n))
            return cli_usage_error("convert", CONVERT_USAGE, "--row-group-size expects a positive integer, found '%s'", v);
        o->writer.row_group_size = n;
    } else if (!strcmp(opt, "--page-size")) {
        if (!cli_parse_i64(v, 1, (int64_t)1 << 30, &n))
            return cli_usage_error("convert", CONVERT_USAGE, "--page-size expects 1..1073741824, found '%s'", v);
        o->writer.page_size = n;
    } else if (!strcmp(opt, "--format")) {
        if (!strcmp(v, "csv")) o->format = PQ_INPUT_CSV;
        else if (!strcmp(v, "json")) o->format = PQ_INPUT_JSON;
        else return cli_usage_error("convert", CONVERT_USAGE, "--format expects csv or json, found '%s'", v);
    } else if (!strcmp(opt, "--delimiter")) {
        if (!strcmp(v, "\\t") || !strcmp(v, "tab")) o->delimiter = '\t';
        else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n' && v[0] != '\r') o->delimiter = v[0];
        else return cli_usage_error("convert", CONVERT_USAGE, "--delimiter expects one character, found '%s'", v);
    } else return cli_usage_error("convert", CONVERT_USAGE, "unknown option '%s'", opt);
    return CLI_OK;
}

/* The [parquet] settings of the configuration, before the flags (which
 * override them).  *storage_path: the folder for OUT when it is not given. */
static void apply_config(const pq_config *cfg, pq_convert_options *o, pnl_cli *pc, bool *partition_by_date,
                         const char **storage_path)
{
    if (pq_config_is_set(cfg, "parquet", "compression")) {
        const char *c = pq_config_string(cfg, "parquet", "compression");
        pq_error err;
        /* "lz4" in the guides means what pyarrow writes: LZ4_RAW. */
        if (pq_codec_parse(strcmp(c, "lz4") ? c : "lz4_raw", &o->writer.codec, &err) != PQ_OK)
            o->writer.codec = PQ_CODEC_SNAPPY; /* cannot happen: the key's choices are codec names */
    }
    if (pq_config_is_set(cfg, "parquet", "row_group_size"))
        o->writer.row_group_size = pq_config_int(cfg, "parquet", "row_group_size");
    *partition_by_date = pq_config_bool(cfg, "parquet", "partition_by_date");
    if (*partition_by_date) pc->w.store = PQ_PNL_STORE_PARTITIONED;
    *storage_path = pq_config_string(cfg, "parquet", "storage_path");
}

/* OUT when not given: STORAGE/<IN's name without its extension>[.parquet]. */
static char *default_output(const char *in, const char *storage, bool dataset)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    size_t n = strlen(storage) + (size_t)stem + 16;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s/%.*s%s", storage, stem, base, dataset ? "" : ".parquet");
    return out;
}

static int convert_main(int argc, char **argv, const pq_config *cfg);

int cli_convert(int argc, char **argv)
{
    return cli_with_config(argc, argv, convert_main);
}

static int convert_main(int argc, char **argv, const pq_config *cfg)
{
    const char *in = NULL, *out = NULL;
    pq_convert_options o;
    pq_convert_options_init(&o);
    pnl_cli pc;
    memset(&pc, 0, sizeof pc);
    pq_pnl_write_options_init(&pc.w);
    bool partition_by_date;
    const char *storage;
    apply_config(cfg, &o, &pc, &partition_by_date, &storage);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(CONVERT_USAGE, stdout); return CLI_OK; }
        if (!strcmp(a, "--no-dictionary")) { o.writer.dictionary = false; continue; }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) return cli_usage_error("convert", CONVERT_USAGE, "%s needs a value", a);
            if (!strcmp(a, "--config")) {
                i++;
                continue;
            }
            bool handled;
            int rc = apply_pnl_option(&pc, a, argv[i + 1], &handled);
            if (rc != CLI_OK) return rc;
            if (handled) {
                i++;
                continue;
            }
            rc = apply_option(&o, a, argv[++i]);
            if (rc != CLI_OK) return rc;
        } else if (!in) in = a;
        else if (!out) out = a;
        else return cli_usage_error("convert", CONVERT_USAGE, "unexpected argument '%s'", a);
    }
    if (!in || (!out && !storage))
        return cli_usage_error("convert", CONVERT_USAGE, "expected IN and OUT.parquet (or [parquet] storage_path)");
    pq_error lerr;
    if (pq_codec_check_level(o.writer.codec, o.writer.compression_level, &lerr) != PQ_OK)
        return cli_usage_error("convert", CONVERT_USAGE, "%s", lerr.message);

    bool pnl = pc.as > 0 || (pc.as == 0 && (pc.layout_given || pc.date_format));
    if (pc.as == 0 && !pnl && o.format != PQ_INPUT_JSON) {
        size_t n = strlen(in);
        bool json_ext = (n > 5 && !strcasecmp(in + n - 5, ".json")) || (n > 6 && !strcasecmp(in + n - 6, ".jsonl")) ||
                        (n > 7 && !strcasecmp(in + n - 7, ".ndjson"));
        pnl = !json_ext && pq_pnl_csv_sniff(in, o.delimiter);
    }
    if (pc.as < 0 && (pc.layout_given || pc.date_format))
        return cli_usage_error("convert", CONVERT_USAGE, "--layout, --partition-by and --date-format apply to --as pnl");
    char *out_owned = NULL;
    if (!out) {
        out = out_owned = default_output(in, storage, pnl && pc.w.store == PQ_PNL_STORE_PARTITIONED);
        if (!out) {
            fprintf(stderr, "parquant: out of memory\n");
            return CLI_FAIL;
        }
    }
    if (pnl) {
        if (o.format == PQ_INPUT_JSON) {
            free(out_owned);
            return cli_usage_error("convert", CONVERT_USAGE, "strategy P&L input is CSV, not JSON");
        }
        int rc = convert_pnl(in, out, &o, &pc);
        free(out_owned);
        return rc;
    }
    if (partition_by_date)
        fprintf(stderr, "parquant convert: note: [parquet] partition_by_date applies to strategy P&L input; %s is a "
                        "plain table, written as one file\n", in);

    cli_progress prog;
    cli_progress_init(&prog, "convert");
    o.progress = on_progress;
    o.progress_ctx = &prog;
    pq_error err;
    pq_error_clear(&err);
    pq_convert_stats st;
    memset(&st, 0, sizeof st);
    pq_status s = pq_convert_file(in, out, &o, &st, &err);
    cli_progress_finish(&prog);
    if (s == PQ_OK && prog.enabled)
        fprintf(stderr, "%s: %lld rows, %lld columns, %lld -> %lld bytes\n", out, (long long)st.rows,
                (long long)st.columns, (long long)st.bytes_in, (long long)st.bytes_out);
    free(out_owned);
    return s == PQ_OK ? CLI_OK : cli_report(&err);
}
