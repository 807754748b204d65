/* SPDX-License-Identifier: Apache-2.0
 *
 * config/config_internal.h - what config.c (the store) and config_ini.c
 * (the INI reader) share.
 */
#ifndef PARQUANT_CONFIG_INTERNAL_H
#define PARQUANT_CONFIG_INTERNAL_H

#include "config/config_keys.h"
#include "core/core.h"

/* One stored value.  source == NULL: not set (the default applies). */
typedef struct cfg_value {
    const cfg_key *def;
    char *key;      /* the key as first spelled (extra values only) */
    char *value;    /* normalised text */
    char *source;   /* "FILE:LINE", a flag... */
} cfg_value;

struct pq_config {
    cfg_value *fixed;   /* one per cfg_keys entry (used for supported, named keys) */
    cfg_value *extra;   /* keys of "*" sections and unsupported keys that were set */
    size_t n_extra, cap_extra;
    char *files;        /* files applied, ", "-separated */
};

bool cfg_is_supported(const cfg_key *k);
/* The key an alias stands for (k itself when not an alias; NULL if k is). */
const cfg_key *cfg_resolve_alias(const cfg_key *k);
/* Check `text` against k's type and range: the normalised value (malloc'd),
 * or NULL with the problem in `why` ("'x' is not a number"). */
char *cfg_check(const cfg_key *k, const char *text, char *why, size_t cap);
/* Store `value` (taken over) for k / key with its source; false when out of memory. */
bool cfg_store(pq_config *c, const cfg_key *k, const char *key, char *value, const char *source);
cfg_value *cfg_slot(pq_config *c, const cfg_key *k, const char *key);

#endif /* PARQUANT_CONFIG_INTERNAL_H */
