/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp.c: the allow-lists of the mapper and the probe helper (see
 * seccomp.h), as classic BPF written out by hand.
 *
 * The lists are what the processes were seen to call under strace -f in
 * tests/integration/mapper.sh, mapper_pcp.sh and probe.sh, after the
 * point where the filter goes on, plus what glibc may call on the same
 * paths on another machine (name resolution for a host name in
 * mapping.igd_url: read-only files, AF_UNIX to nscd; getifaddrs: a
 * netlink socket). What is left out is what an attacker who owned one
 * of these processes would want next: execve, fork and clone, ptrace,
 * opening a file for writing, raw or packet sockets, signals to other
 * processes, mount, namespaces, bpf, io_uring.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"

#if defined(__x86_64__) && defined(__ILP32__)
#define SC_ARCH		0	/* x32: not built for */
#elif defined(__x86_64__)
#define SC_ARCH		AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define SC_ARCH		AUDIT_ARCH_I386
#elif defined(__aarch64__) && !defined(__AARCH64EB__)
#define SC_ARCH		AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEB__)
#define SC_ARCH		AUDIT_ARCH_ARMEB
#elif defined(__arm__)
#define SC_ARCH		AUDIT_ARCH_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define SC_ARCH		AUDIT_ARCH_RISCV64
#elif defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__MIPSEB__)
#define SC_ARCH		AUDIT_ARCH_MIPS
#elif defined(__mips__) && _MIPS_SIM == _ABIO32
#define SC_ARCH		AUDIT_ARCH_MIPSEL
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SC_ARCH		AUDIT_ARCH_PPC64LE
#else
#define SC_ARCH		0	/* unknown: sc_build says ENOSYS */
#endif

/* The low 32 bits of argument i: where an int argument lives. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i)	(offsetof(struct seccomp_data, args[i]))
#else
#define ARG_LO(i)	(offsetof(struct seccomp_data, args[i]) + 4)
#endif

/* ASan and UBSan report through their runtime, which needs a few more. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SC_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SC_SANITIZER	1
#endif
#endif

#define END	-1

/* Both: memory, time, signals to itself, exit, the pipe to the daemon, TCP/UDP. */
static const int common[] = {
	__NR_read, __NR_write, __NR_close, __NR_brk, __NR_munmap,
	__NR_mremap, __NR_madvise, __NR_mprotect, __NR_rt_sigreturn,
	__NR_rt_sigaction, __NR_rt_sigprocmask, __NR_exit, __NR_exit_group,
	__NR_getpid, __NR_gettid, __NR_clock_gettime, __NR_clock_getres,
	__NR_gettimeofday, __NR_nanosleep, __NR_clock_nanosleep,
	__NR_getrandom, __NR_ppoll, __NR_connect, __NR_bind, __NR_sendto,
	__NR_sendmsg, __NR_recvfrom, __NR_recvmsg, __NR_setsockopt,
	__NR_getsockopt, __NR_getsockname, __NR_getpeername, __NR_shutdown,
	__NR_fcntl, __NR_lseek, __NR_fstat, __NR_restart_syscall,
	/*
	 * glibc's locks; valgrind's core (valgrind.sh runs both processes
	 * under memcheck) also polls for their signals with
	 * rt_sigtimedwait: audit showed both, and neither reaches outside.
	 */
	__NR_futex, __NR_rt_sigtimedwait,
#ifdef __NR_mmap
	__NR_mmap,
#endif
#ifdef __NR_poll
	__NR_poll,
#endif
#ifdef __NR_time
	__NR_time,
#endif
#ifdef __NR_newfstatat
	__NR_newfstatat,
#endif
#ifdef __NR_sigreturn
	__NR_sigreturn,
#endif
	/* 32-bit ABIs: the 64-bit offset and time variants glibc uses there. */
#ifdef __NR_mmap2
	__NR_mmap2,
#endif
#ifdef __NR_fcntl64
	__NR_fcntl64,
#endif
#ifdef __NR__llseek
	__NR__llseek,
#endif
#ifdef __NR_fstat64
	__NR_fstat64,
#endif
#ifdef __NR_fstatat64
	__NR_fstatat64,
#endif
#ifdef __NR_clock_gettime64
	__NR_clock_gettime64, __NR_clock_nanosleep_time64,
	__NR_ppoll_time64,
#endif
#ifdef __NR_statx
	__NR_statx,
#endif
	END
};

/*
 * The mapper besides: miniupnpc's and libnatpmp's time-outs (setitimer
 * with SIGALRM, select), getppid (is the daemon still there, on
 * SIGTERM), the routing table for the gateway (/proc/net/route, read-only:
 * checked below) and an interface's index (ioctl, checked below).
 */
static const int mapper_only[] = {
	__NR_getppid, __NR_setitimer, __NR_getitimer, __NR_pselect6,
#ifdef __NR_select
	__NR_select,
#endif
#ifdef __NR_alarm
	__NR_alarm,
#endif
#ifdef __NR_pselect6_time64
	__NR_pselect6_time64,
#endif
	END
};

/* The probe helper nothing more: it opens no file and sets no timer. */
static const int probe_only[] = {
	END
};

#ifdef SC_SANITIZER
/*
 * The sanitizers' runtime: its report (the module list from
 * /proc/self/maps, readlink of /proc/self/exe, an alternate signal stack,
 * yielding between threads, and the file of ASAN_OPTIONS=log_path, so
 * open() for writing too) and its abort (tgkill, checked, below).
 * LSan's leak check runs at exit(), which neither process reaches (it
 * leaves with _exit), so its ptrace and clone are not needed; neither
 * is an external symbolizer (GCC's runtime symbolizes in-process).
 * Only a sanitizer build has these: the filter of a release build is
 * the one tests/tools/seccomp_try puts on.
 */
static const int sanitizer[] = {
	__NR_sigaltstack, __NR_sched_yield, __NR_readlinkat, __NR_prctl,
	__NR_prlimit64, __NR_sched_getaffinity, __NR_getdents64,
	__NR_pread64, __NR_openat,
#ifdef __NR_open
	__NR_open,
#endif
#ifdef __NR_readlink
	__NR_readlink,
#endif
#ifdef __NR_getrlimit
	__NR_getrlimit,
#endif
	END
};
#endif

/*
 * socket(): the families portward speaks; never AF_PACKET. (A raw IP
 * socket also needs CAP_NET_RAW, which neither process holds.)
 */
static const unsigned socket_families[] = {
	AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, 0
};
/*
 * ioctl(): an interface's index (if_nametoindex), bytes waiting; and
 * for both, stdio's look at whether stdout is a terminal (TCGETS, on the
 * first printf of a library to a character device).
 */
static const unsigned mapper_ioctls[] = {
	SIOCGIFINDEX, FIONREAD, FIONBIO, TCGETS, 0
};
static const unsigned probe_ioctls[] = {
	TCGETS, 0
};

/* Flags that would make an open() write or create. */
#define OPEN_WRITES	(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | \
			 __O_TMPFILE)

static int
put(struct sc_prog *p, struct sock_filter f)
{
	if (p->n >= SC_MAX_INSNS)
		return -1;
	p->insn[p->n++] = f;
	return 0;
}

#define STMT(c, k)		((struct sock_filter)BPF_STMT((c), (k)))
#define JUMP(c, k, t, f)	((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))
#define RET(k)			STMT(BPF_RET | BPF_K, (k))
#define ALLOW			RET(SECCOMP_RET_ALLOW)
#define KILL			RET(SECCOMP_RET_KILL_PROCESS)
#define LOAD(off)		STMT(BPF_LD | BPF_W | BPF_ABS, (off))

/* nr == each of l: allowed. The accumulator holds nr throughout. */
static int
allow_list(struct sc_prog *p, const int *l)
{
	int rc = 0;

	for (; *l != END; l++) {
		rc |= put(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)*l, 0, 1));
		rc |= put(p, ALLOW);
	}
	return rc;
}

/*
 * nr: allowed only when the low half of argument arg is one of vals (a
 * 0-terminated list); any other value kills. The block loads the
 * argument, so it ends in a return whatever the value: the next check
 * after it compares nr again.
 */
static int
allow_if_arg_in(struct sc_prog *p, int nr, unsigned arg, const unsigned *vals)
{
	unsigned n;
	int rc = 0;

	for (n = 0; vals[n] != 0; n++)
		;
	/* Skip the block (load, n pairs, kill) when this is not nr. */
	rc |= put(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0,
	    (unsigned char)(2 * n + 2)));
	rc |= put(p, LOAD(ARG_LO(arg)));
	for (; *vals != 0; vals++) {
		rc |= put(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, *vals, 0, 1));
		rc |= put(p, ALLOW);
	}
	rc |= put(p, KILL);
	return rc;
}

/* nr: allowed only when none of bits is set in argument arg. */
static int
allow_if_arg_clear(struct sc_prog *p, int nr, unsigned arg, unsigned bits)
{
	int rc = 0;

	rc |= put(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 4));
	rc |= put(p, LOAD(ARG_LO(arg)));
	rc |= put(p, JUMP(BPF_JMP | BPF_JSET | BPF_K, bits, 0, 1));
	rc |= put(p, KILL);
	rc |= put(p, ALLOW);
	return rc;
}

/* The architecture first: a call through another ABI means other numbers. */
static int
prologue(struct sc_prog *p)
{
	int rc = 0;

	rc |= put(p, LOAD(offsetof(struct seccomp_data, arch)));
	rc |= put(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, SC_ARCH, 1, 0));
	rc |= put(p, KILL);
	rc |= put(p, LOAD(offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
	/* x32 calls share AUDIT_ARCH_X86_64, numbered from this bit up. */
	rc |= put(p, JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
	rc |= put(p, KILL);
#endif
	return rc;
}

int
sc_build(enum sc_who who, struct sc_prog *p)
{
	/* Signals to itself only (abort(), raise()): fixed at build time. */
	const unsigned self[] = { (unsigned)getpid(), 0 };
	int rc = 0;

	p->n = 0;
	if (SC_ARCH == 0) {
		errno = ENOSYS;
		return -1;
	}
	rc |= prologue(p);
	rc |= allow_list(p, common);
	rc |= allow_list(p, who == SC_MAPPER ? mapper_only : probe_only);
#ifdef SC_SANITIZER
	rc |= allow_list(p, sanitizer);
#endif
	rc |= allow_if_arg_in(p, __NR_socket, 0, socket_families);
	rc |= allow_if_arg_in(p, __NR_tgkill, 0, self);
	rc |= allow_if_arg_in(p, __NR_ioctl, 1, who == SC_MAPPER ?
	    mapper_ioctls : probe_ioctls);
	if (who == SC_MAPPER) {
		rc |= allow_if_arg_clear(p, __NR_openat, 2, OPEN_WRITES);
#ifdef __NR_open
		rc |= allow_if_arg_clear(p, __NR_open, 1, OPEN_WRITES);
#endif
	}
	rc |= put(p, KILL);
	if (rc != 0) {
		errno = ENOSPC;		/* SC_MAX_INSNS is too small */
		return -1;
	}
	return 0;
}

int
sc_install(enum sc_who who)
{
	static struct sc_prog p;
	struct sock_fprog fp;

	if (sc_build(who, &p) == -1)
		return -1;
	fp.len = p.n;
	fp.filter = p.insn;
	/* Without it an unprivileged process may not install a filter. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) == -1)
		return -1;
	return 0;
}

const char *
sc_name(enum sc_who who)
{
	return who == SC_MAPPER ? "mapper" : "probe";
}
