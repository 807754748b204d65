/* SPDX-License-Identifier: Apache-2.0
 *
 * queue/lease.h - the moves of a job between the share's folders, each one a
 * rename that exactly one processor wins (docs/queue.md):
 *   claim     queue/X.json -> processing/X.json, then the lease X.lease
 *   aside     processing/X.json -> processing/X.json.<tag>-<processor>:
 *             before re-queueing, failing or completing X, so that an owner
 *             whose lease was taken and a recovering processor never both
 *             act on X
 *   requeue   the aside copy rewritten as queue/X.json, then removed
 *   record    completed/X.json or failed/X.json written, then the aside
 *             copy removed
 * An aside copy left by a processor that died is recovered like a job.
 */
#ifndef PARQUANT_QUEUE_LEASE_H
#define PARQUANT_QUEUE_LEASE_H

#include "queue/queue.h"

/** Identity of this processor: "host:pid", and its host. */
typedef struct pq_qproc {
    char id[320];
    char host[256];
    long pid;
    double lease;              /* seconds: written into each lease so that a processor
                                  configured with a shorter lease waits at least this long */
} pq_qproc;

void pq_qproc_init(pq_qproc *p);

/** Claim queue/<name> (a "X.json").  @return PQ_OK when this processor won;
 *  PQ_ERR_NOT_FOUND when another one did (or the file went); PQ_ERR_IO
 *  (e.g. permission) with the reason: the caller backs off. */
PQ_NODISCARD pq_status pq_lease_claim(const char *root, const char *name, const pq_qproc *p, pq_error *err);

/** Touch processing/<id>.lease (its mtime is the heartbeat) and check that
 *  processing/<id>.json is still there.  False when the job was taken
 *  back from this processor (lease lost). */
bool pq_lease_heartbeat(const char *root, const char *id);

/** Rename processing/<from> aside to processing/<id>.json.<tag>-<pid>.
 *  out gets the aside path.  @return PQ_ERR_NOT_FOUND when it is gone. */
PQ_NODISCARD pq_status pq_lease_aside(const char *root, const char *from, const char *id, const char *tag,
                                      const pq_qproc *p, char out[PQ_QUEUE_PATH], pq_error *err);

/** Give back a claimed job that could not be read (an I/O error is no
 *  reason to fail it): processing/<name> goes aside, then back to
 *  queue/<name> unchanged, and the lease is removed.  @return PQ_ERR_IO;
 *  the aside copy then stays and the recovery scan takes it back later. */
PQ_NODISCARD pq_status pq_lease_unclaim(const char *root, const char *name, const char *id, const pq_qproc *p,
                                        pq_error *err);

/** Write `job` (its JSON) as queue/<id>.json, then remove the aside copy and
 *  the lease.  On failure the aside copy stays (recovered later). */
PQ_NODISCARD pq_status pq_lease_requeue(const char *root, const pq_job *job, const char *aside, pq_error *err);

/** Write the record (completed/ or failed/<id>.json; an existing record of
 *  the same id is kept and the new one gets "<id>.<unix time>.json"), then
 *  remove the aside copy and the lease.  `id` may be a file stem of an
 *  unparsable job. */
PQ_NODISCARD pq_status pq_lease_record(const char *root, bool failed, const char *id, const pq_buf *record,
                                       const char *aside, pq_error *err);

/** Rewrite processing/<id>.json with the job's JSON (attempts counted). */
PQ_NODISCARD pq_status pq_lease_update(const char *root, const pq_job *job, pq_error *err);

#endif /* PARQUANT_QUEUE_LEASE_H */
