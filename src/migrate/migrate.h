/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/migrate.h - migrating one NECROZMA JSON file to its Parquet form,
 * safely (what `parquant migrate` runs for each file it finds):
 *
 *   1. up to date?  The main Parquet file exists, its footer names this
 *      source (size and modification time in "parquant.source") and its
 *      side files exist: skip (unless forced).  This is how a rerun resumes.
 *   2. convert: stream the JSON into tables, write every file through a
 *      temporary name, fsync, rename (side files first, main file last).
 *   3. verify: read the written files back and compare the document they
 *      hold with the JSON: by the XXH3-128 digest of their token streams (the
 *      source's taken while converting it, io/json_pull.h pq_jdigest), or
 *      token by token (json_compare.h) for a file converted by an earlier
 *      run, and to name the place after a digest mismatch.  A difference
 *      removes the written main file (so nothing prefers it over the JSON)
 *      and fails the file.
 *   4. delete the JSON only when asked and only after 3 succeeded (also for
 *      a skipped file: it is verified first).
 */
#ifndef PARQUANT_MIGRATE_MIGRATE_H
#define PARQUANT_MIGRATE_MIGRATE_H

#include "parquant/necrozma.h"

typedef enum nz_outcome { NZ_DONE = 0, NZ_SKIPPED, NZ_FAILED } nz_outcome;

typedef struct nz_migrate_options {
    pq_codec codec;
    bool force;        /* redo files that are up to date */
    bool delete_json;  /* remove the source after verification */
    bool verify;       /* read back and compare (forced on by delete_json) */
} nz_migrate_options;

typedef struct nz_migrate_result {
    nz_outcome outcome;
    int64_t bytes_in;   /* source size */
    int64_t bytes_out;  /* files written for it (shared candle files: by the first writer) */
    bool deleted;
    int warnings;       /* members kept as JSON because of an unforeseen shape */
    char note[256];     /* e.g. what was kept as JSON */
} nz_migrate_result;

/** Parquet path for `json_path` in `out_dir`: <out_dir>/<stem>.parquet. */
PQ_NODISCARD pq_status nz_output_path(const char *json_path, const char *out_dir, char *out, size_t cap,
                                      pq_error *err);

/** Migrate one file (steps above).  A failure is also reported in *res
 *  (outcome NZ_FAILED) with the error in *err. */
PQ_NODISCARD pq_status nz_migrate_file(const char *json_path, const char *out_dir, pq_nz_kind kind,
                                       const nz_migrate_options *o, nz_migrate_result *res, pq_error *err);

/** Remove temporary files a killed run left in `dir` (names of io/sink.c:
 *  "<name>.tmp-XXXXXX"); returns how many were removed. */
int nz_remove_stale_temps(const char *dir);

#endif /* PARQUANT_MIGRATE_MIGRATE_H */
