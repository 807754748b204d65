/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/queue.h - the job-queue protocol on a shared folder (heavy_optimizer.md
 * §7, docs/queue.md): the share's layout, job files, atomic claims, leases
 * that survive a dead processor, re-queueing with an attempt counter and a
 * back-off, the records of finished jobs, and the processor loop that runs
 * jobs in child processes through a caller's handler.
 *
 * The share:
 *   input/                  the users' files; a job's input_file resolves here
 *   output/<job_id>/        what a job wrote
 *   jobs/queue/<id>.json    waiting (written through a temporary name + rename)
 *   jobs/processing/<id>.json, <id>.lease   claimed: the job and its owner
 *   jobs/completed/<id>.json, jobs/failed/<id>.json   records of finished jobs
 *   logs/queue_YYYYMMDD.log one line per event; logs/<id>.log a job's output
 * Only rename and plain polling are relied on, so the share may be a network
 * filesystem shared by processors on several machines.  A claim is the
 * rename of queue/<id>.json into processing/: exactly one processor wins.
 * The owner touches <id>.lease while the job runs; a processor that sees a
 * lease unchanged for the lease time (measured on its own monotonic clock,
 * so clocks of different machines need not agree), or the lease of a dead
 * process on its own host, takes the job back by renaming it aside (again
 * one winner) and re-queues it, or fails it once its attempts are spent.
 *
 * This module knows nothing of what a job does: the processor forks, and
 * the child calls the handler.  Nothing here prints; events go to the log.
 */
#ifndef PARQUANT_QUEUE_H
#define PARQUANT_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"

#define PQ_QUEUE_PATH 4096     /* bytes of any path built here */
#define PQ_JOB_ID_MAX 128      /* job ids: [A-Za-z0-9._-], not starting with '.' */
#define PQ_JOB_MAX_BYTES (1 << 20) /* a job file larger than this is refused */
#define PQ_JOB_MAX_OPTIONS 40  /* argv entries the optimiser options can make */

/* Exit codes of a job's child process (the handler's return value). */
#define PQ_JOB_EXIT_OK 0
#define PQ_JOB_EXIT_FAILED 1   /* the job itself is bad: not retried */
#define PQ_JOB_EXIT_RETRY 75   /* a transient failure (I/O, memory): retried later (EX_TEMPFAIL) */

/* ------------------------------------------------------------- the share */

/** The folders of a share, as paths under `root`. */
typedef enum pq_queue_dir {
    PQ_QDIR_INPUT, PQ_QDIR_OUTPUT, PQ_QDIR_QUEUE, PQ_QDIR_PROCESSING,
    PQ_QDIR_COMPLETED, PQ_QDIR_FAILED, PQ_QDIR_LOGS, PQ_QDIR_CACHE, PQ_QDIR_COUNT
} pq_queue_dir;

/** "input", "output", "jobs/queue", ... ; "data/parquet" for the cache. */
const char *pq_queue_dir_name(pq_queue_dir d);

/** Create every folder of the share that is missing (root too).
 *  @return PQ_ERR_IO naming the folder. */
PQ_NODISCARD pq_status pq_queue_init_share(const char *root, pq_error *err);

/** out = root/<dir>/<name> (name may be NULL or "": the folder).  False
 *  when it does not fit PQ_QUEUE_PATH. */
bool pq_queue_path(char out[PQ_QUEUE_PATH], const char *root, pq_queue_dir d, const char *name);

/** True for a job id of 1..PQ_JOB_ID_MAX characters of [A-Za-z0-9._-] that
 *  does not start with '.'. */
bool pq_job_id_valid(const char *id);

/** Resolve a job's input_file inside root/input: relative, no "..", no
 *  empty or hidden part, and its real path (symlinks followed) still inside
 *  input/; a regular file of at most max_bytes (0 = no limit) ending in
 *  .csv or .parquet.  out gets the real path.  @return PQ_ERR_INVALID_ARG
 *  with the reason, PQ_ERR_NOT_FOUND, PQ_ERR_LIMIT. */
PQ_NODISCARD pq_status pq_queue_resolve_input(const char *root, const char *input_file, int64_t max_bytes,
                                              char out[PQ_QUEUE_PATH], pq_error *err);

/** Write `len` bytes to `path` through a temporary name in the same
 *  folder, fsync and rename (io/sink).  @return PQ_ERR_IO. */
PQ_NODISCARD pq_status pq_queue_write_file(const char *path, const void *data, size_t len, pq_error *err);

/** Read a whole file of at most max bytes into *out (pq_buf, NUL-terminated
 *  past len).  @return PQ_ERR_NOT_FOUND (ENOENT), PQ_ERR_IO, PQ_ERR_LIMIT. */
PQ_NODISCARD pq_status pq_queue_read_file(const char *path, size_t max, pq_buf *out, pq_error *err);

/* ------------------------------------------------------------------ jobs */

/** A parsed, validated job.  Owns its buffers: pq_job_reset. */
typedef struct pq_job {
    char id[PQ_JOB_ID_MAX + 1];
    char input_file[1024];       /* as written: relative to input/ */
    int64_t portfolio_size;      /* 2..PQ_JOB_MAX_SIZE */
    char job_type[64];           /* "complete_optimization" */
    char timestamp[128];         /* the client's text, unparsed */
    int64_t attempts;            /* times a processor has started it, >= 0 */
    int64_t retry_after;         /* unix seconds before which it is not taken; 0 = now */
    char last_error[512];        /* why the previous attempt did not finish, "" if none */
    pq_buf fields;               /* the job object's members as submitted, compact JSON, without braces
                                    and without the queue's own members (attempts, retry_after, ...) */
    int n_args;                  /* optimiser options as argv pairs ("--seed", "7", ...) */
    char *args[PQ_JOB_MAX_OPTIONS];
    pq_buf arg_text;             /* storage of args[] */
    pq_buf config_ini;           /* config_overrides as an INI file; len 0 = none */
    char unknown[512];           /* unknown members, comma-separated, kept in `fields` */
} pq_job;

#define PQ_JOB_MAX_SIZE 1000     /* largest portfolio_size (the original allowed 10..100) */

void pq_job_init(pq_job *j);
void pq_job_reset(pq_job *j);

/** Parse and validate a job file's bytes.  `stem` is the file name without
 *  ".json": job_id must equal it.  On failure the message says what is wrong
 *  ("portfolio_size: expected an integer 2..1000, found \"x\""), j->id holds
 *  the job id when one was read, and the job goes to failed/.
 *  @return PQ_ERR_PARSE (not JSON / not an object), PQ_ERR_INVALID_ARG,
 *  PQ_ERR_LIMIT (nested deeper than 16 levels), PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_job_parse(const char *stem, const uint8_t *data, size_t len, pq_job *j, pq_error *err);

/** The job file: "{" fields, attempts, retry_after, last_error "}".
 *  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_job_write_json(const pq_job *j, pq_buf *out, pq_error *err);

/* ------------------------------------------------------------------- log */

/** Append one line "TIME PROCESSOR EVENT JOB text" to logs/queue_YYYYMMDD.log
 *  (one write with O_APPEND).  Failures are ignored: a log must never stop
 *  the queue.  `echo` (may be NULL) gets the same line, for the terminal. */
void pq_queue_log(const char *root, const char *processor, const char *event, const char *job_id,
                  void (*echo)(const char *line), const char *fmt, ...) PQ_PRINTF(6, 7);

/** "YYYY-MM-DDTHH:MM:SSZ" of unix time t. */
void pq_queue_time_str(int64_t t, char out[32]);

/* ------------------------------------------------------------- processor */

/** What a job's child runs.  Called in the forked child with the job, the
 *  real path of its input and its output folder (root/output/<id>, not yet
 *  created); stdout and stderr already go to logs/<id>.log.  Returns a
 *  PQ_JOB_EXIT_* code. */
typedef int (*pq_job_handler)(void *ctx, const pq_job *job, const char *input_path, const char *output_dir);

/** Called in the processor after a job's child exited 0: add members to the
 *  record (e.g. `"best":{...},`; each ending with a comma).  May be NULL. */
typedef void (*pq_job_summarizer)(void *ctx, const pq_job *job, const char *output_dir, pq_buf *members);

typedef struct pq_queue_options {
    int workers;                 /* jobs run at once, >= 1 */
    double job_timeout;          /* seconds a job may run; <= 0: no limit */
    double poll_interval;        /* seconds between scans of the queue, > 0 */
    double lease;                /* seconds without a heartbeat after which a job is taken back */
    double retry_delay;          /* first back-off after a transient failure (doubles per attempt) */
    int max_attempts;            /* attempts before a job fails for good, >= 1 */
    int64_t max_input_bytes;     /* 0 = no limit */
    bool once;                   /* stop when the queue is empty and nothing runs */
    void (*echo)(const char *line); /* the log lines, for a terminal; may be NULL */
    pq_job_handler handler;
    pq_job_summarizer summarize;
    void *ctx;
} pq_queue_options;

void pq_queue_options_init(pq_queue_options *o);

/** Set by the caller's SIGTERM/SIGINT handler: stop taking jobs, re-queue
 *  the running ones (their attempt not counted), return. */
void pq_queue_request_stop(void);

/** Run the processor on `root` until stopped (or, with `once`, until idle).
 *  Creates the share's folders.  Returns PQ_OK after a requested stop;
 *  PQ_ERR_IO when the share cannot be set up. */
PQ_NODISCARD pq_status pq_queue_run(const char *root, const pq_queue_options *o, pq_error *err);

/* --------------------------------------------------------------- listing */

typedef enum pq_job_state { PQ_JOB_QUEUED, PQ_JOB_RUNNING, PQ_JOB_COMPLETED, PQ_JOB_FAILED, PQ_JOB_UNKNOWN } pq_job_state;

/** "queued", "running", "completed", "failed", "unknown". */
const char *pq_job_state_name(pq_job_state s);

/** Where job `id` is now: looks in completed/, failed/, processing/, queue/
 *  (against the order a job moves), twice when the job is in none of them,
 *  since it may have been between two renames.  `record` (may be NULL) gets
 *  the file's bytes.  @return the state, PQ_JOB_UNKNOWN when in none. */
pq_job_state pq_queue_find(const char *root, const char *id, pq_buf *record);

#endif /* PARQUANT_QUEUE_H */
