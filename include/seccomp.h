/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp.h: the system calls left to the two processes that talk to
 * strangers, the mapper (a router's UPnP, NAT-PMP, PCP and SSDP) and the
 * probe helper (a reflector's answers). Each is a classic BPF allow-list
 * built here by hand (no libseccomp); anything else, or any call from
 * another ABI than the one portward was built for, kills the process
 * (SIGSYS), and its parent sees it die.
 */
#ifndef PORTWARD_SECCOMP_H
#define PORTWARD_SECCOMP_H

#include <linux/filter.h>

enum sc_who {
	SC_MAPPER,
	SC_PROBE,
};

/* Room for the longest allow-list, its argument checks and ASan's extra. */
#define SC_MAX_INSNS	256

struct sc_prog {
	struct sock_filter	insn[SC_MAX_INSNS];
	unsigned short		n;
};

/*
 * The filter of who, into p. 0; -1 with errno ENOSYS when portward was
 * built for an architecture it has no syscall ABI constant for.
 */
int	sc_build(enum sc_who who, struct sc_prog *p);
/*
 * Install who's filter on this process, PR_SET_NO_NEW_PRIVS first: once
 * it returns 0 there is no way back. -1 with errno: ENOSYS (unknown
 * architecture) or EINVAL (a kernel built without seccomp filters) are
 * the kernel's or the build's limits; any other errno is a failure.
 */
int	sc_install(enum sc_who who);
/* "mapper", "probe": for messages. */
const char *sc_name(enum sc_who who);

#endif
