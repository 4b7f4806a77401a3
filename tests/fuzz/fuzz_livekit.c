/* libFuzzer target: the operator's livekit.yaml (profile_livekit.c). */
#include <stdint.h>
#include <stddef.h>

#include "fuzzfile.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile p;
	struct errbuf eb;
	char path[64];
	int fd;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	eb_clear(&eb);
	(void)prof_load_livekit(path, &p, &eb);
	close(fd);
	return 0;
}
