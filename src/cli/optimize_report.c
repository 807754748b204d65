/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/optimize_report.c - the files of an optimisation run: the JSON
 * summary, the text summaries in the original's formats, the portfolio and
 * per-strategy tables (CSV and Parquet), the ULTA inversion report and the
 * charts.  Everything is written into a staging folder beside the output
 * folder, each file through a temporary name, fsync and rename; the staging
 * folder becomes the output folder only when every file is complete.
 */
#include "cli/optimize_report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chart/chart.h"
#include "convert/convert.h"
#include "core/calendar.h"
#include "core/core.h"
#include "core/path.h"
#include "io/sink.h"

/* ------------------------------------------------------------ helpers */

/* dir/name into out; false when it does not fit */
static bool join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    return n >= 0 && (size_t)n < cap;
}

#define PATH_CAP 4608

typedef struct text {
    char *buf;
    size_t len;
    FILE *f;
} text;

static bool text_open(text *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f != NULL;
}

/* write the text to dir/name atomically and free it */
static pq_status text_save(text *t, const char *dir, const char *name, pq_error *err)
{
    char path[PATH_CAP];
    fclose(t->f);
    pq_sink *s = NULL;
    pq_status st = join(path, sizeof path, dir, name) ? pq_sink_open_file(&s, path, NULL, err)
                                                      : PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    if (st == PQ_OK) st = pq_sink_write(s, t->buf, t->len, err);
    if (st == PQ_OK) st = pq_sink_close(s, err);
    else pq_sink_abort(s);
    free(t->buf);
    return st;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

/* JSON has no infinities: they are written as the strings "inf", "-inf", "nan" */
static void json_num(FILE *f, double v)
{
    if (isnan(v)) fputs("\"nan\"", f);
    else if (isinf(v)) fputs(v > 0 ? "\"inf\"" : "\"-inf\"", f);
    else fprintf(f, "%.17g", v);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
    if (isnan(v)) return; /* empty: null */
    if (isinf(v)) fputs(v > 0 ? "inf" : "-inf", f);
    else fprintf(f, "%.17g", v);
}

void opt_date_str(int32_t days, char out[11])
{
    int64_t y;
    unsigned m, d;
    pq_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(((y % 10000) + 10000) % 10000), m % 100, d % 100);
}

static void metrics_json(FILE *f, const pq_metrics *m, const char *indent)
{
    int n = 0;
    const pq_metrics_field *fields = pq_metrics_field_table(&n);
    fputs("{", f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s\n%s  ", i ? "," : "", indent);
        json_str(f, fields[i].name);
        fputs(": ", f);
        json_num(f, pq_metrics_field_value(m, &fields[i]));
    }
    fprintf(f, "\n%s}", indent);
}

static void names_json(FILE *f, const opt_run *run, const pq_opt_result *r)
{
    fputs("[", f);
    for (int64_t i = 0; i < r->k; i++) {
        fputs(i ? ", " : "", f);
        json_str(f, run->in.names[r->members[i]]);
    }
    fputs("]", f);
}

const char *opt_alg_label(pq_opt_algorithm a)
{
    static const char *const L[] = {"GA", "PSO", "SA", "DE", "ACO", "HC", "BO", "RS"};
    return (unsigned)a < PQ_OPT_N_ALGORITHMS ? L[a] : "?";
}

/* ------------------------------------------------------------- files */

static pq_status write_json(const opt_run *run, const opt_args *a, const char *dir, pq_error *err)
{
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    char d0[11], d1[11];
    opt_date_str(run->in.dates[0], d0);
    opt_date_str(run->in.dates[run->in.T - 1], d1);
    fprintf(f, "{\n  \"parquant_version\": ");
    json_str(f, PQ_VERSION_STRING);
    fprintf(f, ",\n  \"input\": {\n    \"path\": ");
    json_str(f, a->input);
    fprintf(f, ",\n    \"periods\": %lld,\n    \"strategies\": %lld,\n    \"rows\": %lld,\n    \"rows_excluded\": %lld,",
            (long long)run->in.T, (long long)run->in.N, (long long)run->in.rows_in, (long long)run->in.rows_excluded);
    fprintf(f, "\n    \"zones\": %lld,\n    \"first_date\": \"%s\",\n    \"last_date\": \"%s\",", (long long)run->in.n_zones,
            d0, d1);
    fprintf(f, "\n    \"content_sha256\": \"%s\"\n  },\n", run->sha256);
    fprintf(f, "  \"parameters\": {\n    \"metric\": \"%s\",\n    \"correlation_penalty\": ", pq_opt_metric_name(a->metric));
    json_num(f, a->penalty_weight);
    fprintf(f, ",\n    \"drawdown_threshold\": ");
    json_num(f, a->drawdown_threshold);
    fprintf(f, ",\n    \"min_size\": %lld,\n    \"max_size\": %lld,\n    \"preset\": \"%s\",\n    \"effort\": ",
            (long long)a->k_min, (long long)a->k_max, a->legacy ? "legacy" : "parquant");
    json_num(f, a->effort);
    fprintf(f, ",\n    \"ulta\": \"%s\",\n    \"ulta_inverted\": %lld,\n    \"regime_min_confidence\": ",
            a->prep.ulta == PQ_OPT_ULTA_OFF ? "off" : a->prep.ulta == PQ_OPT_ULTA_GATED ? "gated" : "legacy",
            (long long)run->in.n_inverted);
    json_num(f, a->prep.min_confidence);
    fprintf(f, ",\n    \"holdout_periods\": %lld,\n    \"periods_per_year\": ", (long long)run->T_hold);
    json_num(f, run->periods_per_year);
    fprintf(f, ",\n    \"risk_free_rate\": ");
    json_num(f, a->risk_free_rate);
    fprintf(f, ",\n    \"threads\": %d,\n    \"gpu\": false\n  },\n  \"seed\": %llu,\n", a->threads,
            (unsigned long long)a->seed);
    fprintf(f, "  \"seconds\": {\"load\": %.3f, \"search\": %.3f},\n  \"algorithms\": [", run->load_seconds,
            run->search_seconds);
    for (int64_t i = 0; i < run->n_jobs; i++) {
        const opt_job *j = &run->jobs[i];
        fprintf(f, "%s\n    {\n      \"name\": \"%s\",\n      \"size\": %lld,\n      \"fitness\": ", i ? "," : "",
                opt_alg_label(j->alg), (long long)j->k);
        json_num(f, j->res.score.fitness);
        fprintf(f, ",\n      \"ratio_or_metric\": ");
        json_num(f, j->res.score.base);
        fprintf(f, ",\n      \"mean_correlation\": ");
        json_num(f, j->res.score.mean_corr);
        fprintf(f, ",\n      \"seconds\": %.3f,\n      \"evaluations\": %lld,\n      \"stopped_by_time\": %s,",
                j->res.seconds, (long long)j->res.evaluations, j->res.stopped_by_time ? "true" : "false");
        fprintf(f, "\n      \"drawdown_to_typical_move\": ");
        json_num(f, j->dd_to_move);
        fprintf(f, ",\n      \"likely_fit_to_noise\": %s,\n      \"portfolio\": ", j->overfit ? "true" : "false");
        names_json(f, run, &j->res);
        fprintf(f, ",\n      \"metrics\": ");
        metrics_json(f, &j->m, "      ");
        if (run->T_hold > 0) {
            fprintf(f, ",\n      \"holdout\": {\n        \"fitness\": ");
            json_num(f, j->hold_score.fitness);
            fprintf(f, ",\n        \"metrics\": ");
            metrics_json(f, &j->hold_m, "        ");
            fprintf(f, "\n      }");
        }
        fprintf(f, "\n    }");
    }
    const opt_job *b = &run->jobs[run->best];
    fprintf(f, "\n  ],\n  \"best\": {\n    \"algorithm\": \"%s\",\n    \"size\": %lld,\n    \"fitness\": ",
            opt_alg_label(b->alg), (long long)b->k);
    json_num(f, b->res.score.fitness);
    fprintf(f, ",\n    \"likely_fit_to_noise\": %s,\n    \"portfolio\": ", b->overfit ? "true" : "false");
    names_json(f, run, &b->res);
    fprintf(f, ",\n    \"metrics\": ");
    metrics_json(f, &b->m, "    ");
    fprintf(f, "\n  }\n}\n");
    return text_save(&t, dir, "execution_summary.json", err);
}

static pq_status write_summary(const opt_run *run, const opt_args *a, const char *dir, pq_error *err)
{
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    const opt_job *b = &run->jobs[run->best];
    fprintf(f, "Optimization Summary\n====================\n");
    fprintf(f, "Input: %s (%lld periods x %lld strategies, sha256 %s)\n", a->input, (long long)run->in.T,
            (long long)run->in.N, run->sha256);
    fprintf(f, "Metric: %s\nPortfolio size range: %lld - %lld\nCorrelation penalty weight: %g\n",
            pq_opt_metric_name(a->metric), (long long)a->k_min, (long long)a->k_max, a->penalty_weight);
    fprintf(f, "Preset: %s\nSeed: %llu\nULTA: %s (%lld inverted)\nHeld-out periods: %lld\n\n",
            a->legacy ? "legacy" : "parquant", (unsigned long long)a->seed,
            a->prep.ulta == PQ_OPT_ULTA_OFF ? "off" : a->prep.ulta == PQ_OPT_ULTA_GATED ? "gated" : "legacy",
            (long long)run->in.n_inverted, (long long)run->T_hold);
    for (int64_t i = 0; i < run->n_jobs; i++) {
        const opt_job *j = &run->jobs[i];
        fprintf(f, "%s (size %lld): Fitness=%.6f, Time=%.3fs, Evaluations=%lld", opt_alg_label(j->alg),
                (long long)j->k, j->res.score.fitness, j->res.seconds, (long long)j->res.evaluations);
        if (run->T_hold > 0) fprintf(f, ", Holdout fitness=%.6f", j->hold_score.fitness);
        fprintf(f, "%s\n", j->overfit ? "  [drawdown below a quarter of a typical period's move: likely a fit to noise]"
                                       : "");
    }
    fprintf(f, "\nBest overall: size %lld, method %s, fitness %.6f\nStrategies:\n", (long long)b->k,
            opt_alg_label(b->alg), b->res.score.fitness);
    for (int64_t i = 0; i < b->k; i++) fprintf(f, "  %lld. %s\n", (long long)(i + 1), run->in.names[b->res.members[i]]);
    return text_save(&t, dir, "optimization_summary.txt", err);
}

/* the original's per-size report (heavy_optimizer.md 8b) */
static pq_status write_best_of_size(const opt_run *run, int64_t k, const char *dir, pq_error *err)
{
    const opt_job *b = NULL;
    for (int64_t i = 0; i < run->n_jobs; i++)
        if (run->jobs[i].k == k && (!b || run->jobs[i].res.score.fitness > b->res.score.fitness)) b = &run->jobs[i];
    if (!b) return PQ_OK;
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    fprintf(f, "Best Portfolio (Size %lld) - Method: %s\nFitness: %.6f\n\nPerformance Metrics:\n", (long long)k,
            opt_alg_label(b->alg), b->res.score.fitness);
    fprintf(f, "total_roi: %.6f\nmax_drawdown: %.6f\nwin_percentage: %.6f\nprofit_factor: %.6f\nexpectancy: %.6f\n",
            b->m.total_roi, b->m.max_drawdown, b->m.win_rate * 100, b->m.profit_factor, b->m.expectancy);
    fprintf(f, "sharpe_ratio: %.6f\nsortino_ratio: %.6f\nannualized_return: %.6f\n", b->m.sharpe, b->m.sortino,
            b->m.annual_return);
    fprintf(f, "\nSelected Strategies:\n");
    for (int64_t i = 0; i < b->k; i++) fprintf(f, "%lld. %s\n", (long long)(i + 1), run->in.names[b->res.members[i]]);
    char name[64];
    snprintf(name, sizeof name, "best_portfolio_size%lld.txt", (long long)k);
    return text_save(&t, dir, name, err);
}

static pq_status write_composition(const opt_run *run, const char *dir, pq_error *err)
{
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    fprintf(f, "Algorithm,Size,Rank,Strategy_Index,Strategy_Name,Weight,Strategy_ROI\n");
    for (int64_t i = 0; i < run->n_jobs; i++) {
        const opt_job *j = &run->jobs[i];
        for (int64_t m = 0; m < j->k; m++) {
            int64_t s = j->res.members[m];
            double roi = 0;
            const double *x = run->in.x + (size_t)s * (size_t)run->in.T;
            for (int64_t p = 0; p < run->T_train; p++) roi += x[p];
            fprintf(f, "%s,%lld,%lld,%lld,", opt_alg_label(j->alg), (long long)j->k, (long long)(m + 1), (long long)s);
            csv_field(f, run->in.names[s]);
            fprintf(f, ",%.17g,%.17g\n", 1.0 / (double)j->k, roi);
        }
    }
    return text_save(&t, dir, "portfolio_composition.csv", err);
}

/* strategy_metrics.csv (the original's five columns and more) and the same as Parquet */
static pq_status write_strategy_metrics(const opt_run *run, const opt_args *a, const char *dir, pq_error *err)
{
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    fprintf(f, "Strategy,ROI,Max Drawdown,Win Percentage,Profit Factor,Expectancy,ROI/DD,Sharpe,Sortino,Calmar,Inverted\n");
    for (int64_t s = 0; s < run->in.N; s++) {
        /* the input's own values (the search's are rounded to its fixed point) */
        pq_metrics m;
        pq_metrics_compute(run->in.x + (size_t)s * (size_t)run->in.T, run->T_train, run->periods_per_year,
                           a->risk_free_rate, NULL, &m);
        csv_field(f, run->in.names[s]);
        double v[] = {m.total_roi, m.max_drawdown, m.win_rate * 100, m.profit_factor, m.expectancy,
                      m.roi_dd_ratio, m.sharpe, m.sortino, m.calmar};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc(',', f);
            csv_num(f, v[i]);
        }
        fprintf(f, ",%s\n", run->in.ulta && run->in.ulta[s].inverted ? "true" : "false");
    }
    pq_status st = text_save(&t, dir, "strategy_metrics.csv", err);
    if (st != PQ_OK) return st;
    char in[PATH_CAP], out[PATH_CAP];
    if (!join(in, sizeof in, dir, "strategy_metrics.csv") || !join(out, sizeof out, dir, "strategy_metrics.parquet"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    pq_convert_options co;
    pq_convert_options_init(&co);
    return pq_convert_file(in, out, &co, NULL, err);
}

static pq_status write_inversions(const opt_run *run, const char *dir, pq_error *err)
{
    if (!run->in.ulta || run->in.n_inverted == 0) return PQ_OK;
    text t;
    if (!text_open(&t)) return PQ_NOMEM(err);
    FILE *f = t.f;
    fprintf(f, "# ULTA inversion report\n\n%lld of %lld strategies were inverted (their P&L negated, `_inv` added to "
               "the name).\n\n| Strategy | ROI | Worst period | Ratio | Inverted ROI | Inverted ratio | Negative periods |\n"
               "|---|---:|---:|---:|---:|---:|---:|\n",
            (long long)run->in.n_inverted, (long long)run->in.N);
    for (int64_t s = 0; s < run->in.N; s++) {
        const pq_opt_ulta_row *u = &run->in.ulta[s];
        if (!u->inverted) continue;
        fprintf(f, "| %s | %.2f | %.2f | %.4f | %.2f | %.4f | %lld |\n", run->in.names[s], u->roi, u->worst, u->ratio,
                u->inv_roi, u->inv_ratio, (long long)u->negative_periods);
    }
    return text_save(&t, dir, "inversion_report.md", err);
}

static void fmt_thousands(double v, char *out, size_t cap)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.2f", fabs(v));
    char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
    if (v < 0 && o + 1 < cap) out[o++] = '-';
    for (size_t i = 0; i < int_len && o + 1 < cap; i++) {
        if (i && (int_len - i) % 3 == 0 && o + 1 < cap) out[o++] = ',';
        out[o++] = raw[i];
    }
    for (const char *p = dot; p && *p && o + 1 < cap; p++) out[o++] = *p;
    out[o] = 0;
}

static pq_status write_charts(const opt_run *run, const char *dir, pq_error *err)
{
    const opt_job *b = &run->jobs[run->best];
    int64_t T = run->T_train;
    double *r = malloc((size_t)T * 3 * sizeof *r), *eq = r + T, *dd = r + 2 * T;
    if (!r) return PQ_NOMEM(err);
    opt_series(&run->train, b->res.members, b->k, r);
    double E = 0, peak = 0;
    for (int64_t t = 0; t < T; t++) {
        E += r[t];
        if (t == 0 || E > peak) peak = E;
        eq[t] = E;
        dd[t] = E - peak;
    }
    char path[PATH_CAP], name[96], title[256], sub[256], roi[64], mdd[64];
    fmt_thousands(b->m.total_roi, roi, sizeof roi);
    fmt_thousands(b->m.max_drawdown, mdd, sizeof mdd);
    snprintf(sub, sizeof sub, "%s, fitness %.4g: total ROI %s, max drawdown %s, %lld periods", opt_alg_label(b->alg),
             b->res.score.fitness, roi, mdd, (long long)T);
    pq_chart_line line;
    pq_chart_line_init(&line);
    line.title = title;
    line.subtitle = sub;
    line.x_label = "Date";
    line.n = (size_t)T;
    line.dates = run->in.dates;
    snprintf(title, sizeof title, "Equity curve: best portfolio of %lld strategies (mean P&L per period)",
             (long long)b->k);
    line.y_label = "Cumulative P&L (INR)";
    line.y = eq;
    snprintf(name, sizeof name, "equity_curve_best_portfolio_size%lld.png", (long long)b->k);
    pq_status st = join(path, sizeof path, dir, name) ? pq_chart_line_png(path, &line, err)
                                                      : PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    if (st == PQ_OK) {
        snprintf(title, sizeof title, "Drawdown: best portfolio of %lld strategies (below the running peak)",
                 (long long)b->k);
        line.y_label = "Drawdown (INR)";
        line.y = dd;
        line.style = PQ_CHART_AREA_BELOW_ZERO;
        snprintf(name, sizeof name, "drawdowns_best_portfolio_size%lld.png", (long long)b->k);
        st = join(path, sizeof path, dir, name) ? pq_chart_line_png(path, &line, err)
                                                : PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    }
    free(r);
    if (st != PQ_OK) return st;
    /* algorithm comparison: the best job per algorithm */
    const char *labels[PQ_OPT_N_ALGORITHMS];
    double fit[PQ_OPT_N_ALGORITHMS], secs[PQ_OPT_N_ALGORITHMS];
    size_t n = 0;
    for (int a = 0; a < PQ_OPT_N_ALGORITHMS; a++) {
        const opt_job *best = NULL;
        double total = 0;
        for (int64_t i = 0; i < run->n_jobs; i++)
            if (run->jobs[i].alg == (pq_opt_algorithm)a) {
                total += run->jobs[i].res.seconds;
                if (!best || run->jobs[i].res.score.fitness > best->res.score.fitness) best = &run->jobs[i];
            }
        if (!best) continue;
        labels[n] = opt_alg_label((pq_opt_algorithm)a);
        fit[n] = best->res.score.fitness;
        secs[n++] = total;
    }
    pq_chart_bars bars;
    pq_chart_bars_init(&bars);
    bars.title = "Algorithm comparison";
    snprintf(sub, sizeof sub, "best fitness (%s, higher is better) and search time per algorithm",
             pq_opt_metric_name(run->train.metric));
    bars.subtitle = sub;
    bars.n = n;
    bars.labels = labels;
    bars.n_panels = 2;
    bars.panels[0].title = "Fitness";
    bars.panels[0].values = fit;
    bars.panels[1].title = "Time (s)";
    bars.panels[1].values = secs;
    if (!join(path, sizeof path, dir, "algorithm_comparison.png"))
        return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
    return pq_chart_bars_png(path, &bars, err);
}

/* ------------------------------------------------------------ folder */

static pq_status fsync_dir(const char *dir, pq_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot sync the folder: %s", dir, strerror(e));
    }
    close(fd);
    return PQ_OK;
}

static pq_status mkdirs(const char *path, pq_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create the folder: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create the folder: %s", buf, strerror(errno));
    return PQ_OK;
}

/* the staging folder is flat: unlink its files, then the folder */
static void remove_tree(const char *stage)
{
    DIR *d = opendir(stage);
    if (d) {
        struct dirent *e;
        char p[PATH_CAP];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if (join(p, sizeof p, stage, e->d_name)) unlink(p);
        }
        closedir(d);
    }
    rmdir(stage);
}

/* move every file of stage into dir (each rename atomic), then drop stage */
static pq_status move_into(const char *stage, const char *dir, pq_error *err)
{
    DIR *d = opendir(stage);
    if (!d) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot read the folder: %s", stage, strerror(errno));
    struct dirent *e;
    char from[PATH_CAP], to[PATH_CAP];
    pq_status st = PQ_OK;
    while (st == PQ_OK && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (!join(from, sizeof from, stage, e->d_name) || !join(to, sizeof to, dir, e->d_name))
            st = PQ_FAIL(err, PQ_ERR_INVALID_ARG, "%s: path too long", dir);
        else if (rename(from, to) != 0) st = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot move to %s: %s", from, to, strerror(errno));
    }
    closedir(d);
    if (st == PQ_OK) st = fsync_dir(dir, err);
    if (st == PQ_OK) rmdir(stage);
    return st;
}

pq_status opt_report_write(const opt_run *run, const opt_args *a, const char *out_dir, char *final_dir,
                           size_t final_cap, pq_error *err)
{
    char dir[4096];
    if (out_dir) {
        if (strlen(out_dir) > 3500) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "--output: the path is too long");
        snprintf(dir, sizeof dir, "%s", out_dir);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", &tm);
        snprintf(dir, sizeof dir, "output/run_%s", stamp);
    }
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/') dir[--dl] = 0;
    char parent[4096], stage[4200];
    pq_path_parent(dir, parent, sizeof parent);
    pq_status st = mkdirs(parent, err);
    if (st != PQ_OK) return st;
    snprintf(stage, sizeof stage, "%s.partial-XXXXXX", dir);
    if (!mkdtemp(stage)) return PQ_FAIL(err, PQ_ERR_IO, "%s: cannot create the folder: %s", stage, strerror(errno));
    chmod(stage, 0755);
    st = write_json(run, a, stage, err);
    if (st == PQ_OK) st = write_summary(run, a, stage, err);
    for (int64_t k = a->k_min; st == PQ_OK && k <= a->k_max; k++) st = write_best_of_size(run, k, stage, err);
    if (st == PQ_OK) st = write_composition(run, stage, err);
    if (st == PQ_OK) st = write_strategy_metrics(run, a, stage, err);
    if (st == PQ_OK) st = write_inversions(run, stage, err);
    if (st == PQ_OK) st = write_charts(run, stage, err);
    if (st == PQ_OK) st = fsync_dir(stage, err);
    if (st == PQ_OK) {
        struct stat sb;
        if (stat(dir, &sb) == 0) {
            /* an existing folder: move the files in one by one (each rename is atomic) */
            st = move_into(stage, dir, err);
        } else if (rename(stage, dir) != 0) {
            st = PQ_FAIL(err, PQ_ERR_IO, "%s: cannot rename to %s: %s", stage, dir, strerror(errno));
        }
    }
    if (st == PQ_OK) st = fsync_dir(parent, err);
    if (st != PQ_OK) {
        remove_tree(stage);
        return st;
    }
    snprintf(final_dir, final_cap, "%s", dir);
    return PQ_OK;
}
