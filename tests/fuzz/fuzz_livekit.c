/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libFuzzer target: the operator's livekit.yaml (profile_livekit.c), and
 * the livekit-server command line and environment it is read with. An
 * input that starts with lines up to a "---" line gives those first: a
 * line starting with '-' is a flag, NAME=value a variable.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "fuzzfile.h"
#include "profile.h"

#define MAXL	16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile p;
	static char head[4096];
	const char *argv[MAXL + 1], *env[MAXL];
	const uint8_t *sep;
	struct lk_opts o;
	struct errbuf eb;
	char path[64], *line, *save;
	size_t argc = 1, nenv = 0, hl = 0;
	int fd;

	memset(&o, 0, sizeof(o));
	argv[0] = "livekit-server";
	sep = size > 4 ? memmem(data, size, "\n---\n", 5) : NULL;
	if (sep != NULL && (size_t)(sep - data) < sizeof(head)) {
		hl = (size_t)(sep - data);
		memcpy(head, data, hl);
		head[hl] = '\0';
		for (line = strtok_r(head, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '-' && argc < MAXL)
				argv[argc++] = line;
			else if (strchr(line, '=') != NULL && nenv < MAXL)
				env[nenv++] = line;
		}
		data = sep + 5;
		size -= hl + 5;
		o.argv = argv;
		o.argc = argc;
		o.env = env;
		o.nenv = nenv;
		o.config_implied = 1;
		o.version = (size & 1) ? "1.10.0" : NULL;
	}
	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	o.file = path;
	eb_clear(&eb);
	(void)prof_load_livekit_ex(&o, &p, &eb);
	close(fd);
	return 0;
}
