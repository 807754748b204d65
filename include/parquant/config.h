/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/config.h - the configuration file: the INI keys of the Heavy
 * Optimizer platform and of its Parquet guide, typed, with defaults, and
 * with where each value came from.  docs/config.md lists every key.
 *
 * A pq_config starts with every key at its default.  pq_config_load applies
 * an INI file (parsed by Debian's libinih; `;` and ` #` start comments, also
 * after a value), pq_config_set applies one value from elsewhere (a
 * command-line flag), and the getters return the effective value.  Later
 * sources override earlier ones: defaults < file < flags.
 *
 * Every key the guides document is in the table.  A key parquant uses has a
 * type and a consumer; a value of the wrong type is an error naming the
 * file and line.  A key parquant does not support is reported as a warning
 * with the reason and its value is not used; an unknown section or key is a
 * warning naming it and its line.  Nothing is ignored silently.
 *
 * Section and key names are matched without regard to case (configparser
 * lower-cases keys; the guides spell [parquet] and [PARQUET] both ways).
 */
#ifndef PARQUANT_CONFIG_H
#define PARQUANT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquant/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pq_config pq_config;

/** Value types. */
typedef enum pq_config_type {
    PQ_CONFIG_BOOL = 0, /**< true/false, yes/no, on/off, 1/0 */
    PQ_CONFIG_INT,      /**< decimal integer */
    PQ_CONFIG_DOUBLE,   /**< decimal number */
    PQ_CONFIG_STRING,   /**< text; a matching pair of quotes around it is removed */
    PQ_CONFIG_CHOICE,   /**< one of a fixed set of words */
    PQ_CONFIG_NUMBERS,  /**< comma-separated numbers */
    PQ_CONFIG_WORDS     /**< comma-separated words */
} pq_config_type;

/** Receives each warning (unknown or unsupported key...), one line of text
 *  that names the file and line. */
typedef void (*pq_config_warn_fn)(void *ctx, const char *message);

/** A configuration with every key at its default; NULL when out of memory. */
PQ_API pq_config *pq_config_new(void);
PQ_API void pq_config_free(pq_config *c);

/**
 * Apply the INI file `path`.  Warnings go to `warn` (may be NULL).  Fails
 * (nothing applied) on an unreadable file, a line that is neither a section,
 * a key = value pair nor a comment, or a value of the wrong type.
 */
PQ_API PQ_NODISCARD pq_status pq_config_load(pq_config *c, const char *path, pq_config_warn_fn warn, void *ctx,
                                             pq_error *err);

/**
 * Set SECTION.KEY to `value` (text, checked like a file value); `source`
 * says where it came from ("--compression").  An unsupported key is an
 * error here (a flag asks for it explicitly); an unknown key too.
 */
PQ_API PQ_NODISCARD pq_status pq_config_set(pq_config *c, const char *section, const char *key, const char *value,
                                            const char *source, pq_error *err);

/** Whether SECTION.KEY was set by a file or a flag (not a default). */
PQ_API bool pq_config_is_set(const pq_config *c, const char *section, const char *key);

/* Effective values.  The key must be a supported key of the right type (a
 * programming error otherwise: false / 0 / NaN / NULL). */
PQ_API bool pq_config_bool(const pq_config *c, const char *section, const char *key);
PQ_API int64_t pq_config_int(const pq_config *c, const char *section, const char *key);
PQ_API double pq_config_double(const pq_config *c, const char *section, const char *key);
/** Text of a STRING, CHOICE or WORDS value; NULL when unset without default. */
PQ_API const char *pq_config_string(const pq_config *c, const char *section, const char *key);
/** Numbers of a NUMBERS value: returns how many there are, copies up to cap. */
PQ_API size_t pq_config_numbers(const pq_config *c, const char *section, const char *key, double *out, size_t cap);

/** One row of the effective configuration, for display. */
typedef struct pq_config_item {
    const char *section;  /**< canonical spelling */
    const char *key;
    const char *value;    /**< effective text; NULL when unset and no default */
    const char *source;   /**< "default", "FILE:LINE" or the flag */
    const char *type;     /**< "bool", "integer", "number", "text", "a|b|c", "numbers", "words" */
    const char *used_by;  /**< what reads it; NULL when unsupported */
    const char *reason;   /**< why unsupported; NULL when supported */
} pq_config_item;

/**
 * The i-th item (0-based), in section order: every supported key, then the
 * keys a file set under a section that takes any key, then the unsupported
 * keys a file set.  Returns false past the end.
 */
PQ_API bool pq_config_item_at(const pq_config *c, size_t i, pq_config_item *out);

/** One entry of the key table, for documentation (`parquant config keys`). */
typedef struct pq_config_key {
    const char *section, *key; /**< key "*": any key of the section */
    const char *type;          /**< as in pq_config_item; NULL for aliases and unsupported keys */
    const char *def;           /**< default text; NULL when unset */
    double min, max;           /**< range of numbers; min > max: none */
    const char *used_by;       /**< what reads it; NULL when unsupported or an alias */
    const char *reason;        /**< unsupported: why */
    const char *alias_of;      /**< "SECTION.key" this is another name for */
} pq_config_key;

/** The i-th entry of the key table (0-based); false past the end. */
PQ_API bool pq_config_key_at(size_t i, pq_config_key *out);

/** The files applied so far, in order ("" when none); for display. */
PQ_API const char *pq_config_files(const pq_config *c);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_CONFIG_H */
