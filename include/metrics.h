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

/*
 * What every metrics file portward writes starts with: a file at
 * metrics_file that does not is someone else's, and is left alone.
 */
#define METRICS_MARKER	"# HELP portward_"

/* Print the metrics of a status document; 0, or -1 if it is not one. */
int	metrics_render(FILE *f, const char *status_json);
/*
 * Render into path atomically (a temporary file renamed over it); only
 * over nothing or a file portward wrote (fio_own_file), never a link.
 */
int	metrics_write(const char *path, const char *status_json);
/* Delete path if it is still the file metrics_write() last put there. */
void	metrics_remove(const char *path);

#endif
