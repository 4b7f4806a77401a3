/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the seccomp allow-lists (seccomp.c), without installing
 * them: sc_build's program is run here by a small interpreter of the
 * classic BPF it uses, over seccomp_data written by hand. The same
 * verdicts in a real process: tests/integration/seccomp.sh.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"
#include "testutil.h"

/* The seccomp_data below are x86_64's; seccomp.sh covers the others. */
#if defined(__x86_64__)

static struct sc_prog prog;

/* Run p over d; the return value, or 0xdead on a malformed program. */
static uint32_t
run(const struct sc_prog *p, const struct seccomp_data *d)
{
	uint32_t a = 0, pc = 0;

	while (pc < p->n) {
		const struct sock_filter *f = &p->insn[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k + 4 > sizeof(*d) || f->k % 4 != 0)
				return 0xdead;
			memcpy(&a, (const char *)d + f->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += 1 + ((a & f->k) ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			return 0xdead;
		}
	}
	return 0xdead;	/* fell off the end */
}

static uint32_t
call(enum sc_who who, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	assert_int_equal(sc_build(who, &prog), 0);
	return run(&prog, &d);
}

#define ALLOW	SECCOMP_RET_ALLOW
#define KILL	SECCOMP_RET_KILL_PROCESS
/* A sanitizer build lets its runtime open its report file (seccomp.c). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define OPEN_KILL	ALLOW
#else
#define OPEN_KILL	KILL
#endif

static void
build__every_path__ends_in_a_return_kill_last(void **state)
{
	unsigned i;

	(void)state;
	assert_int_equal(sc_build(SC_MAPPER, &prog), 0);
	assert_true(prog.n > 10 && prog.n <= SC_MAX_INSNS);
	assert_int_equal(prog.insn[prog.n - 1].code, BPF_RET | BPF_K);
	assert_int_equal(prog.insn[prog.n - 1].k, KILL);
	/* No jump leaves the program. */
	for (i = 0; i < prog.n; i++)
		if (BPF_CLASS(prog.insn[i].code) == BPF_JMP)
			assert_true(i + 1 + prog.insn[i].jt < prog.n &&
			    i + 1 + prog.insn[i].jf < prog.n);
}

static void
filter__what_both_do__allowed(void **state)
{
	static const int nr[] = { __NR_read, __NR_write, __NR_close,
	    __NR_ppoll, __NR_connect, __NR_sendto, __NR_recvfrom,
	    __NR_recvmsg, __NR_bind, __NR_getsockname, __NR_mmap,
	    __NR_munmap, __NR_brk, __NR_clock_gettime, __NR_getrandom,
	    __NR_exit_group, __NR_rt_sigreturn, __NR_fcntl };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		assert_int_equal(call(SC_MAPPER, nr[i], 0, 0, 0), ALLOW);
		assert_int_equal(call(SC_PROBE, nr[i], 0, 0, 0), ALLOW);
	}
}

static void
filter__what_an_intruder_wants__killed(void **state)
{
	static const int nr[] = { __NR_execve, __NR_execveat, __NR_fork,
	    __NR_clone, __NR_clone3, __NR_ptrace, __NR_mount, __NR_unshare,
	    __NR_setns, __NR_setuid, __NR_kill, __NR_bpf, __NR_io_uring_setup,
	    __NR_init_module, __NR_process_vm_writev, __NR_memfd_create,
	    __NR_chmod, __NR_unlink, __NR_socketpair };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		assert_int_equal(call(SC_MAPPER, nr[i], 0, 0, 0), KILL);
		assert_int_equal(call(SC_PROBE, nr[i], 0, 0, 0), KILL);
	}
}

static void
filter__socket__only_inet_unix_netlink(void **state)
{
	(void)state;
	assert_int_equal(call(SC_PROBE, __NR_socket, AF_INET, SOCK_STREAM, 0), ALLOW);
	assert_int_equal(call(SC_PROBE, __NR_socket, AF_INET6, SOCK_DGRAM, 0), ALLOW);
	assert_int_equal(call(SC_MAPPER, __NR_socket, AF_UNIX, SOCK_DGRAM, 0), ALLOW);
	assert_int_equal(call(SC_MAPPER, __NR_socket, AF_NETLINK, SOCK_RAW, 0), ALLOW);
	assert_int_equal(call(SC_MAPPER, __NR_socket, AF_PACKET, SOCK_RAW, 0), KILL);
	assert_int_equal(call(SC_PROBE, __NR_socket, AF_BLUETOOTH, 0, 0), KILL);
	/* The high half of an int argument is not the family. */
	assert_int_equal(call(SC_PROBE, __NR_socket, ((uint64_t)1 << 32) |
	    AF_PACKET, 0, 0), KILL);
}

static void
filter__open__mapper_reads_only_probe_never(void **state)
{
	(void)state;
	assert_int_equal(call(SC_MAPPER, __NR_openat, AT_FDCWD, 0,
	    O_RDONLY | O_CLOEXEC), ALLOW);
	assert_int_equal(call(SC_MAPPER, __NR_openat, AT_FDCWD, 0, O_WRONLY),
	    OPEN_KILL);
	assert_int_equal(call(SC_MAPPER, __NR_openat, AT_FDCWD, 0, O_RDWR),
	    OPEN_KILL);
	assert_int_equal(call(SC_MAPPER, __NR_openat, AT_FDCWD, 0,
	    O_RDONLY | O_CREAT), OPEN_KILL);
	assert_int_equal(call(SC_MAPPER, __NR_openat, AT_FDCWD, 0,
	    O_RDONLY | O_TRUNC), OPEN_KILL);
	assert_int_equal(call(SC_MAPPER, __NR_open, 0, O_APPEND, 0), OPEN_KILL);
	assert_int_equal(call(SC_PROBE, __NR_openat, AT_FDCWD, 0, O_RDONLY),
	    OPEN_KILL);
}

static void
filter__ioctl_and_tgkill__narrowed(void **state)
{
	(void)state;
	assert_int_equal(call(SC_MAPPER, __NR_ioctl, 3, SIOCGIFINDEX, 0), ALLOW);
	assert_int_equal(call(SC_PROBE, __NR_ioctl, 3, SIOCGIFINDEX, 0), KILL);
	assert_int_equal(call(SC_MAPPER, __NR_ioctl, 3, TIOCSTI, 0), KILL);
	assert_int_equal(call(SC_PROBE, __NR_ioctl, 1, TCGETS, 0), ALLOW);
	assert_int_equal(call(SC_PROBE, __NR_tgkill, (uint64_t)getpid(),
	    (uint64_t)getpid(), 6), ALLOW);
	assert_int_equal(call(SC_PROBE, __NR_tgkill, 1, 1, 9), KILL);
}

static void
filter__other_abi__killed(void **state)
{
	struct seccomp_data d;

	(void)state;
	assert_int_equal(sc_build(SC_PROBE, &prog), 0);
	memset(&d, 0, sizeof(d));
	/* read is 3 on i386, close on x86_64: the arch decides, first. */
	d.nr = 3;
	d.arch = AUDIT_ARCH_I386;
	assert_int_equal(run(&prog, &d), KILL);
	d.arch = AUDIT_ARCH_X86_64;
	assert_int_equal(run(&prog, &d), ALLOW);
	/* x32: the same arch, the syscall number with bit 30 set. */
	d.nr = 0x40000000 | __NR_read;
	assert_int_equal(run(&prog, &d), KILL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build__every_path__ends_in_a_return_kill_last),
		cmocka_unit_test(filter__what_both_do__allowed),
		cmocka_unit_test(filter__what_an_intruder_wants__killed),
		cmocka_unit_test(filter__socket__only_inet_unix_netlink),
		cmocka_unit_test(filter__open__mapper_reads_only_probe_never),
		cmocka_unit_test(filter__ioctl_and_tgkill__narrowed),
		cmocka_unit_test(filter__other_abi__killed),
	};

	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}

#else

int
main(void)
{
	return 0;
}

#endif
