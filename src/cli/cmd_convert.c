/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_convert.c - `parquant convert IN OUT.parquet [options]`: CSV or
 * JSON to Parquet through convert/convert.c, with a progress line on a
 * terminal.  The output appears under its final name only when complete.
 */
#include "cli/cli.h"
#include "convert/convert.h"

#include <string.h>

static const char CONVERT_USAGE[] =
    "usage: parquant convert IN OUT.parquet [options]\n"
    "  IN is CSV (header row) or JSON (JSON Lines or one array of objects)\n"
    "  --compression C      none|snappy|gzip|zstd|lz4_raw|brotli (default snappy)\n"
    "  --level N            compression level, 0 = the codec's default (zstd -131072..22,\n"
    "                       gzip 1..12, brotli 1..11, lz4_raw -65537..12 with 2..12 = LZ4HC)\n"
    "  --page-version 1|2   data page version (default 1)\n"
    "  --row-group-size N   rows per row group (default 131072)\n"
    "  --page-size BYTES    target page size (default 1048576)\n"
    "  --no-dictionary      do not dictionary-encode\n"
    "  --format csv|json    input format (default: from the extension, then the content)\n"
    "  --delimiter C        CSV field delimiter (default ',', tab for .tsv)\n";

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

int cli_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    pq_convert_options o;
    pq_convert_options_init(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(CONVERT_USAGE, stdout); return CLI_OK; }
        if (!strcmp(a, "--no-dictionary")) { o.writer.dictionary = false; continue; }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) return cli_usage_error("convert", CONVERT_USAGE, "%s needs a value", a);
            int rc = apply_option(&o, a, argv[++i]);
            if (rc != CLI_OK) return rc;
        } else if (!in) in = a;
        else if (!out) out = a;
        else return cli_usage_error("convert", CONVERT_USAGE, "unexpected argument '%s'", a);
    }
    if (!in || !out) return cli_usage_error("convert", CONVERT_USAGE, "expected IN and OUT.parquet");
    pq_error lerr;
    if (pq_codec_check_level(o.writer.codec, o.writer.compression_level, &lerr) != PQ_OK)
        return cli_usage_error("convert", CONVERT_USAGE, "%s", lerr.message);

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
    if (s != PQ_OK) return cli_report(&err);
    if (prog.enabled)
        fprintf(stderr, "%s: %lld rows, %lld columns, %lld -> %lld bytes\n", out, (long long)st.rows,
                (long long)st.columns, (long long)st.bytes_in, (long long)st.bytes_out);
    return CLI_OK;
}
