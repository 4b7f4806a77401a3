# SPDX-License-Identifier: GPL-2.0-or-later
# portward: see README.md. `make`, `make check`, `make demo`, `make install`.
PREFIX	?= /usr/local
DESTDIR	?=
# /usr gets /etc; any other prefix keeps its configuration under itself.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
VERSION	:= $(shell cat VERSION)
CFLAGS	?= -O2 -g
# CPPFLAGS and LDFLAGS as GNU make has them (packaging/deb.sh passes
# dpkg-buildflags' hardening there); BUILDDIR lets that build stay apart.
CPPFLAGS ?=
LDFLAGS	?=
BUILDDIR ?= build
B	:= $(BUILDDIR)
# The dependency step (packaging/deps.sh: apt-get on Debian 12) runs before
# the first compile unless NO_DEPS=1. A cross build sets it (the OpenWrt
# SDK: packaging/openwrt/Makefile), as does any build whose compiler and
# libraries come from elsewhere; CC, CPPFLAGS, CFLAGS, LDFLAGS and
# PKG_CONFIG (with its PKG_CONFIG_PATH/LIBDIR/SYSROOT_DIR) are then taken
# as given, GNU style.
NO_DEPS	?=
DEPS	:= $(if $(NO_DEPS),,deps-build)
PKG_CONFIG ?= pkg-config

PKGS	:= libnftnl libmnl jansson yaml-0.1 miniupnpc openssl
# -Werror here, where the compiler is known (Debian 12's GCC, tested at
# -O0, -O2, -Os and with clang); WERROR= for a compiler whose new warnings
# should not stop a build (the OpenWrt SDK's, a newer distribution's).
WERROR	?= -Werror
WARN	:= -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes $(WERROR)
SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
# Recursive (=) on purpose: pkg-config may only exist once deps ran.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
# OpenSSL's headers only: the reflector loads libssl when it needs TLS.
# -lm: trunc() (profile_livekit.c), a libm call where the compiler does
# not inline it (clang, -O0, most non-x86 targets); --as-needed drops it
# where it does.
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(filter-out openssl,$(PKGS))) -lnatpmp -lm
# The project's own -I and -D first, then CPPFLAGS (as automake orders
# them): a staging directory's headers must not shadow include/.
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -Iinclude -DPW_DATADIR='"$(PREFIX)/share/portward"' \
	     -DPW_VERSION='"$(VERSION)"' \
	     $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

# Each program links exactly the modules it uses, named here: a common
# set (configuration, profiles, the desired state, nftables, observing and
# judging, the status document, the probe helper), the daemon's (the
# actuators that run for ever: the nft monitor, the mapper and its
# backends, the supervisor, metrics, the control socket's server) and the
# CLI's (the control socket's client, the reflector). A module in the
# wrong set fails the link, so the sets cannot drift.
COMMON_SRCS := log errbuf untrusted rate privsep seccomp supfsm fileio \
	    jsonpos jsonval profile profile_livekit lk_keys conf plan nft_rules \
	    nl nft_read nft_plan nft loop mapper_names status listeners probe \
	    netstate addr fwpath fw_conflicts verdict observe
DAEMON_SRCS := fight instance nft_monitor mapper mapper_msg mapper_proc \
	    mapper_disc mapper_natpmp mapper_pcp mapper_route pcp ssdp \
	    mapper_upnp control supervise metrics
CLI_SRCS    := control_ask admit reflector refl_serve stun
# Units, tools and fuzz targets may use any module.
LIB_SRCS := $(COMMON_SRCS) $(DAEMON_SRCS) $(CLI_SRCS)
PROGS	 := portwardd portwardctl
UNITS	 := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

LIB_OBJS  := $(LIB_SRCS:%=$(B)/obj/%.o)
ASAN_OBJS := $(LIB_SRCS:%=$(B)/asan/obj/%.o)
# What each program links, by build: obj (release) or asan/obj.
portwardd_SRCS   := portwardd $(COMMON_SRCS) $(DAEMON_SRCS)
portwardctl_SRCS := portwardctl $(COMMON_SRCS) $(CLI_SRCS)
# The libraries: the mapper's (UPnP, NAT-PMP) only for the daemon;
# OpenSSL for no one (the reflector loads libssl when TLS needs it).
COMMON_LIBS = $(shell $(PKG_CONFIG) --libs libnftnl libmnl jansson yaml-0.1) -lm
portwardd_LIBS   = $(COMMON_LIBS) $(shell $(PKG_CONFIG) --libs miniupnpc) -lnatpmp
portwardctl_LIBS = $(COMMON_LIBS)
UNIT_BINS := $(UNITS:%=$(B)/tests/%)
TOOLS	  := $(patsubst tests/tools/%.c,$(B)/tools/%,$(wildcard tests/tools/*.c))
ASAN_UNIT_BINS := $(UNITS:%=$(B)/asan/tests/%)

.PHONY: all deps deps-build check units demo bench fuzz install deb clean
all: $(PROGS:%=$(B)/%)

# The one dependency step: apt-get on Debian 12, a no-op when all is there.
deps-build:
	@sh packaging/deps.sh build
deps:
	@sh packaging/deps.sh all

$(B)/obj/%.o: src/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The programs' --version and the metrics' build_info come from VERSION.
$(B)/obj/portwardd.o $(B)/obj/portwardctl.o $(B)/obj/metrics.o \
$(B)/asan/obj/portwardd.o $(B)/asan/obj/portwardctl.o $(B)/asan/obj/metrics.o: VERSION

$(B)/asan/obj/%.o: src/%.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c $< -o $@

# The programs: their own objects, their libraries (--as-needed drops a
# library no object calls, -lm where the compiler inlined trunc()).
.SECONDEXPANSION:
$(PROGS:%=$(B)/%): $$(patsubst %,$(B)/obj/%.o,$$($$(@F)_SRCS))
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $($(@F)_LIBS)

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSRCDIR='"$(CURDIR)"' -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) -lcmocka

$(B)/asan/tests/%: tests/unit/%.c $(ASAN_OBJS) | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -DSRCDIR='"$(CURDIR)"' -Itests/unit $(LDFLAGS) -o $@ $< $(ASAN_OBJS) \
	    $(PKG_LIBS) -lcmocka

$(B)/tools/%: tests/tools/%.c $(LIB_OBJS) | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS)

$(PROGS:%=$(B)/asan/%): $$(patsubst %,$(B)/asan/obj/%.o,$$($$(@F)_SRCS))
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $($(@F)_LIBS)

units: $(UNIT_BINS) $(ASAN_UNIT_BINS) $(TOOLS) $(PROGS:%=$(B)/asan/%)

# Every test: cmocka units, the same under ASan+UBSan, golden files and
# the integration tests in network namespaces. Ends with "N passed, N failed".
check: deps all units
	@bash tests/run.sh

# The Go stand-in and WebRTC client (Debian's pion, offline).
GO_TOOLS := $(B)/go/sfu $(B)/go/webrtc-client
$(GO_TOOLS) &: tests/tools/go-build.sh tests/tools/sfu/main.go \
    tests/tools/webrtc-client/main.go | deps
	@tests/tools/go-build.sh $(B)/go

# The lab demo: a throwaway set of network namespaces, nothing on the host.
# It supervises the Go stand-in of LiveKit (tests/tools/sfu) and makes real
# WebRTC calls to it (tests/tools/webrtc-client); not `units`: ASan is slow.
demo: deps all $(GO_TOOLS)
	@bash tests/demo.sh

# libFuzzer targets (clang), each run FUZZ_SECONDS on its seed corpus.
# The project's -D flags too: metrics.c needs PW_VERSION.
FUZZ_SECONDS ?= 30
FUZZERS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz: deps-build
	@command -v clang >/dev/null || apt-get install -y -qq clang >/dev/null
	@mkdir -p $(B)/fuzz
	@set -e; for f in $(FUZZERS); do \
	    clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
	        -DPW_VERSION='"$(VERSION)"' -DPW_DATADIR='"$(PREFIX)/share/portward"' \
	        -Iinclude -Itests/fuzz $(PKG_CFLAGS) -o $(B)/fuzz/$$f tests/fuzz/fuzz_$$f.c \
	        $(LIB_SRCS:%=src/%.c) $(PKG_LIBS); \
	    mkdir -p $(B)/fuzz/corpus-$$f; \
	    $(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
	        $(B)/fuzz/corpus-$$f tests/fuzz/corpus/$$f; \
	done

# Benchmarks, side by side with what users would otherwise run: they need
# the programs and tests/tools (nft_events, respawn_bench, lkstub), not
# the ASan builds.
bench: deps all $(TOOLS)
	@sh packaging/deps.sh bench
	@bash tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/portward $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(SYSCONFDIR)/portward
	install -m 755 $(B)/portwardd $(DESTDIR)$(PREFIX)/sbin/portwardd
	install -m 755 $(B)/portwardctl $(DESTDIR)$(PREFIX)/bin/portwardctl
	install -m 644 rules/*.json $(DESTDIR)$(PREFIX)/share/portward/
	install -m 644 docs/man/portward.json.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 docs/man/portwardctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/man/portwardd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 packaging/bash-completion/portwardctl \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/portwardctl
	sed -e 's|/usr/sbin/portwardd|$(PREFIX)/sbin/portwardd|g' \
	    -e 's|/etc/portward/|$(SYSCONFDIR)/portward/|g' \
	    packaging/systemd/portward.service \
	    >$(DESTDIR)$(PREFIX)/lib/systemd/system/portward.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/portward.service
	test -e $(DESTDIR)$(SYSCONFDIR)/portward/portward.json || \
	    install -m 644 packaging/portward.json \
	    $(DESTDIR)$(SYSCONFDIR)/portward/portward.json

# A Debian package of the /usr install (packaging/deb.sh).
deb: all
	@sh packaging/deps.sh all
	@sh packaging/deb.sh $(VERSION)

clean:
	rm -rf $(B)

.SECONDARY:
-include $(B)/obj/*.d $(B)/asan/obj/*.d $(B)/tests/*.d $(B)/asan/tests/*.d \
	 $(B)/tools/*.d
