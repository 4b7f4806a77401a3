/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * metrics.h: the status model in the Prometheus text format, for
 * node_exporter's textfile collector. Rendered from the status document,
 * so that metrics and `portwardctl status` never disagree.
 */
#ifndef PORTWARD_METRICS_H
#define PORTWARD_METRICS_H

#include <stdio.h>

/* Print the metrics of a status document; 0, or -1 if it is not one. */
int	metrics_render(FILE *f, const char *status_json);
/* Render into path atomically (a temporary file renamed over it). */
int	metrics_write(const char *path, const char *status_json);

#endif
