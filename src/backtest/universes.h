/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/universes.h - which universes a backtest runs (necrozma.md §6,
 * §7.2, §9.4-5): the original selection syntax ("1,5,10-15,25") and the
 * discovery of universe files in a folder under both naming conventions,
 * the Parquet form preferred over the JSON of the same stem, sidecars and
 * other files never taken for universes.
 *
 * Universe ids:
 *   - `universe_<NNN>_<X>min_<Y>lb.*`: the id is NNN;
 *   - `[<PREFIX>]universe_<I>m_<L>lb.*` (the analyzer's names, prefixed or
 *     not): the id is the position of (I, L) in the configured grid,
 *     intervals {1,5,15,30,60} x lookbacks {5,10,15,20,30}, 1-based,
 *     interval-major: 1m/5lb = 1, 1m/10lb = 2, ..., 60m/30lb = 25; a pair
 *     outside the grid has no id (0) and is only taken without a selection.
 * The original silently dropped every prefixed file from a selection.
 */
#ifndef PARQUANT_BACKTEST_UNIVERSES_H
#define PARQUANT_BACKTEST_UNIVERSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/** A parsed selection: sorted, distinct ids >= 1. */
typedef struct pq_bt_selection {
    int *ids;
    size_t n;
} pq_bt_selection;

void pq_bt_selection_reset(pq_bt_selection *s);

/** Parse "1,5,10-15,25": parts split on ',' and trimmed; "A-B" an inclusive
 *  range (A <= B); ids 1..1000000; ranges of at most 1,000,000 ids in all.
 *  An empty part, a reversed range, a non-number, a zero or negative id is
 *  an error that names the part and its position:
 *  "--universes: part 3 '7-5': a range must go up (7 > 5)".
 *  @return PQ_ERR_INVALID_ARG, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bt_selection_parse(const char *text, pq_bt_selection *out, pq_error *err);

bool pq_bt_selection_has(const pq_bt_selection *s, int id);

/** A universe file found in a folder. */
typedef struct pq_bt_universe_file {
    char *path;        /* the file to load (.parquet preferred, else .json) */
    char *stem;        /* file name without extension */
    int id;            /* see above; 0 = none */
    int interval;      /* minutes, parsed from the name; 0 = not in the name */
    int lookback;      /* candles, parsed from the name; 0 = not in the name */
    bool is_parquet;
    bool has_json;     /* a JSON of the same stem exists beside the Parquet */
} pq_bt_universe_file;

typedef struct pq_bt_universe_list {
    pq_bt_universe_file *files;
    size_t n;
} pq_bt_universe_list;

void pq_bt_universe_list_reset(pq_bt_universe_list *l);

/** Parse a universe file name (no folder): true when `name` is
 *  `<stem>.parquet` or `<stem>.json` of a universe (either convention;
 *  not `*_metadata.json`, not `*_backtest.*`, not `*_candles_*`, not a
 *  temporary or hidden file); fills stem/id/interval/lookback/is_parquet
 *  (path left NULL; stem allocated). */
bool pq_bt_universe_name(const char *name, pq_bt_universe_file *out);

/** List the universes of `dir` (not recursive), one entry per stem (the
 *  Parquet form when both exist), sorted by (interval, lookback, stem) with
 *  unknown intervals last, restricted to `sel` when sel && sel->n > 0.
 *  @return PQ_ERR_NOT_FOUND when dir does not exist or holds no universe
 *  (the message names the folder and the patterns looked for; with a
 *  selection: which ids were asked for and which ids exist), PQ_ERR_IO,
 *  PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bt_find_universes(const char *dir, const pq_bt_selection *sel, pq_bt_universe_list *out,
                                            pq_error *err);

#endif /* PARQUANT_BACKTEST_UNIVERSES_H */
