/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * jsonpos.h: line and column of a member inside JSON text.
 * jansson reports positions of syntax errors only; for a wrong type or an
 * unknown key found after parsing, this scanner finds where it was written.
 */
#ifndef PORTWARD_JSONPOS_H
#define PORTWARD_JSONPOS_H

#include <stddef.h>

/*
 * Find the start of the member or element named by path ("a.b[2].c"; ""
 * is the root value) in text: for an object member, the position of its
 * key. Sets *line and *col (from 1) and returns 0, or returns -1 if the
 * path is not in the text. Safe on any input.
 */
int	jpos_find(const char *text, size_t len, const char *path, int *line,
	    int *col);

#endif
