/* SPDX-License-Identifier: Apache-2.0
 *
 * config/config_keys.h - the table of configuration keys (config_keys.c):
 * for each key its section, type, default, range, and either what reads it
 * or why parquant does not support it.
 */
#ifndef PARQUANT_CONFIG_KEYS_H
#define PARQUANT_CONFIG_KEYS_H

#include <stddef.h>

#include "parquant/config.h"

typedef struct cfg_key {
    const char *section;   /* canonical spelling */
    const char *key;       /* "*": any key of the section */
    pq_config_type type;
    const char *def;       /* default value text; NULL = unset */
    const char *choices;   /* CHOICE: "a|b|c" */
    double min, max;       /* INT/DOUBLE/NUMBERS range; min > max: none */
    const char *used_by;   /* what reads it; NULL = unsupported */
    const char *reason;    /* unsupported: why.  Supported: a warning shown when the value is true */
    const char *alias_of;  /* "SECTION.key" this is another name for; NULL if none */
} cfg_key;

extern const cfg_key cfg_keys[];
extern const size_t cfg_key_count;

/* The entry for SECTION.KEY (the section's "*" entry when the key is not
 * listed), or NULL when unknown.  *section_known tells whether the section
 * is in the table at all. */
const cfg_key *cfg_key_find(const char *section, const char *key, int *section_known);
/* Canonical spelling of a known section, or NULL. */
const char *cfg_section_name(const char *section);

#endif /* PARQUANT_CONFIG_KEYS_H */
