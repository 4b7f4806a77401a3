/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * jsonval.h: typed access to a parsed JSON document, with errors that name
 * the file, the key and the line and column where the key was written.
 * Used by the modules that parse JSON input (conf, profile); the rest of
 * the program never sees json_t.
 */
#ifndef PORTWARD_JSONVAL_H
#define PORTWARD_JSONVAL_H

#include <stddef.h>
#include <jansson.h>

#include "errbuf.h"

struct jv_doc {
	const char	*file;
	char		*text;
	size_t		 len;
	json_t		*root;
	struct errbuf	*eb;
};

/* Read and parse file; duplicate keys are errors. jv_close() frees. */
int	jv_open(struct jv_doc *d, const char *file, struct errbuf *eb);
void	jv_close(struct jv_doc *d);
/* Set the error for key path (located in the text), return -1. */
int	jv_err(const struct jv_doc *d, const char *path, const char *fmt, ...)
	    PW_PRINTF(3, 4);
/* Fail on a member of object v (at path) whose name is not in allowed. */
int	jv_known_keys(const struct jv_doc *d, const char *path, json_t *v,
	    const char *const allowed[]);
/* Require an object / array at path. */
int	jv_object(const struct jv_doc *d, const char *path, json_t *v);
int	jv_array(const struct jv_doc *d, const char *path, json_t *v);
/* An integer within [min, max]. */
int	jv_int(const struct jv_doc *d, const char *path, json_t *v, long min,
	    long max, long *out);
/* A boolean. */
int	jv_bool(const struct jv_doc *d, const char *path, json_t *v, int *out);
/* A non-empty string that fits in out (with its NUL). */
int	jv_string(const struct jv_doc *d, const char *path, json_t *v,
	    char *out, size_t outsz);
/* A list of "ipv4"/"ipv6", none twice, at least one, as FAM_ bits. */
int	jv_families(const struct jv_doc *d, const char *path, json_t *v,
	    unsigned *out);
/* Where path is written, or 0:0 if it cannot be found. */
void	jv_pos(const struct jv_doc *d, const char *path, int *line, int *col);
/* "a string", "an integer", ... for messages. */
const char *jv_type_name(const json_t *v);
/* path + "." + key, or path + "[i]", into buf (truncation is an error). */
int	jv_path_key(char *buf, size_t sz, const char *path, const char *key);
int	jv_path_index(char *buf, size_t sz, const char *path, size_t i);

#endif
