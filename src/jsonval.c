/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonval.c: typed JSON access with positioned errors (see jsonval.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonpos.h"
#include "jsonval.h"
#include "profile.h"

int
jv_open(struct jv_doc *d, const char *file, struct errbuf *eb)
{
	json_error_t jerr;

	memset(d, 0, sizeof(*d));
	d->file = file;
	d->eb = eb;
	if (fio_read(file, &d->text, &d->len, eb) == -1)
		return -1;
	d->root = json_loadb(d->text, d->len, JSON_REJECT_DUPLICATES, &jerr);
	if (d->root == NULL) {
		eb_set(eb, file, jerr.line, jerr.column, NULL,
		    "malformed JSON: %s", jerr.text);
		jv_close(d);
		return -1;
	}
	return 0;
}

void
jv_close(struct jv_doc *d)
{
	json_decref(d->root);
	free(d->text);
	d->root = NULL;
	d->text = NULL;
}

int
jv_err(const struct jv_doc *d, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int line = 0, col = 0;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	if (jpos_find(d->text, d->len, path, &line, &col) == -1)
		line = col = 0;
	return eb_set(d->eb, d->file, line, col, path, "%s", msg);
}

const char *
jv_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

int
jv_path_key(char *buf, size_t sz, const char *path, const char *key)
{
	int n;

	if (path[0] == '\0')
		n = snprintf(buf, sz, "%s", key);
	else
		n = snprintf(buf, sz, "%s.%s", path, key);
	return (n < 0 || (size_t)n >= sz) ? -1 : 0;
}

int
jv_path_index(char *buf, size_t sz, const char *path, size_t i)
{
	int n = snprintf(buf, sz, "%s[%zu]", path, i);

	return (n < 0 || (size_t)n >= sz) ? -1 : 0;
}

int
jv_object(const struct jv_doc *d, const char *path, json_t *v)
{
	if (!json_is_object(v))
		return jv_err(d, path, "expected an object, got %s",
		    jv_type_name(v));
	return 0;
}

int
jv_array(const struct jv_doc *d, const char *path, json_t *v)
{
	if (!json_is_array(v))
		return jv_err(d, path, "expected an array, got %s",
		    jv_type_name(v));
	return 0;
}

int
jv_known_keys(const struct jv_doc *d, const char *path, json_t *v,
    const char *const allowed[])
{
	const char *key;
	json_t *val;
	char sub[256];
	size_t i;

	json_object_foreach(v, key, val) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		if (jv_path_key(sub, sizeof(sub), path, key) == -1)
			return jv_err(d, path, "unknown key (too long to show)");
		return jv_err(d, sub, "unknown key");
	}
	return 0;
}

int
jv_int(const struct jv_doc *d, const char *path, json_t *v, long min,
    long max, long *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return jv_err(d, path, "expected an integer, got %s",
		    jv_type_name(v));
	x = json_integer_value(v);
	if (x < min || x > max)
		return jv_err(d, path, "%lld is out of range %ld-%ld",
		    (long long)x, min, max);
	*out = (long)x;
	return 0;
}

int
jv_bool(const struct jv_doc *d, const char *path, json_t *v, int *out)
{
	if (!json_is_boolean(v))
		return jv_err(d, path, "expected true or false, got %s",
		    jv_type_name(v));
	*out = json_is_true(v);
	return 0;
}

int
jv_string(const struct jv_doc *d, const char *path, json_t *v, char *out,
    size_t outsz)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return jv_err(d, path, "expected a string, got %s",
		    jv_type_name(v));
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0)
		return jv_err(d, path, "must not be empty");
	if (strlen(s) != n)
		return jv_err(d, path, "contains a NUL character");
	if (n >= outsz)
		return jv_err(d, path, "longer than %zu characters", outsz - 1);
	memcpy(out, s, n + 1);
	return 0;
}

void
jv_pos(const struct jv_doc *d, const char *path, int *line, int *col)
{
	if (jpos_find(d->text, d->len, path, line, col) == -1)
		*line = *col = 0;
}

int
jv_families(const struct jv_doc *d, const char *path, json_t *v,
    unsigned *out)
{
	char sub[128];
	json_t *f;
	size_t i;
	unsigned bit;

	if (jv_array(d, path, v) == -1)
		return -1;
	*out = 0;
	json_array_foreach(v, i, f) {
		if (jv_path_index(sub, sizeof(sub), path, i) == -1)
			return jv_err(d, path, "path too long");
		if (!json_is_string(f))
			return jv_err(d, sub, "expected \"ipv4\" or \"ipv6\", "
			    "got %s", jv_type_name(f));
		if (strcmp(json_string_value(f), "ipv4") == 0)
			bit = FAM_IPV4;
		else if (strcmp(json_string_value(f), "ipv6") == 0)
			bit = FAM_IPV6;
		else
			return jv_err(d, sub, "unknown family \"%s\" (ipv4 or "
			    "ipv6)", json_string_value(f));
		if (*out & bit)
			return jv_err(d, sub, "%s is listed twice",
			    json_string_value(f));
		*out |= bit;
	}
	if (*out == 0)
		return jv_err(d, path, "must list at least one of \"ipv4\" and "
		    "\"ipv6\"");
	return 0;
}
