#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# refl_clients.py: many reflector clients from one process, for
# tests/integration/reflector_flood.sh. Every connection's outcome is one
# line on stdout, "SRC ANSWER" (the reflector's line) or "SRC EOF"
# (closed without one), flushed at once so that the test can wait on it.
#
#   hold HOST PORT N SRC...     N connections from each SRC that send
#                               nothing; ends when all are closed.
#   ask HOST PORT LINE SRC...   LINE from each SRC, all at once; ends
#                               when all are answered or closed.
#   flood HOST PORT STOP N SRC [LINE]
#                               N connections from SRC, each one, once
#                               closed, opened again, until the file STOP
#                               exists; with LINE, each sends it.
# Every wait is bounded (60 s): a broken reflector fails the test, it
# does not hang it.
import os
import selectors
import socket
import sys
import time

DEADLINE = time.monotonic() + 60


def connect(host, port, src):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(10)
    s.connect((host, port))
    s.setblocking(False)
    return s


def run(host, port, plan, again=None):
    """plan: [(src, line or None)]; again(src, line): open it once more?"""
    sel = selectors.DefaultSelector()

    def start(src, line):
        s = connect(host, port, src)
        if line is not None:
            s.sendall(line.encode() + b"\n")
        sel.register(s, selectors.EVENT_READ, [src, line, b""])

    for src, line in plan:
        start(src, line)
    while sel.get_map() and time.monotonic() < DEADLINE:
        for key, _ in sel.select(timeout=0.2):
            src, line, buf = key.data
            try:
                got = key.fileobj.recv(4096)
            except OSError:
                got = b""
            if got and b"\n" not in buf + got:
                key.data[2] = buf + got
                continue
            sel.unregister(key.fileobj)
            key.fileobj.close()
            out = (buf + got).split(b"\n")[0].decode(errors="replace")
            print(src, out if out else "EOF", flush=True)
            if again is not None and again(src, line):
                time.sleep(0.005)   # a flood, not a fork bomb on the test host
                start(src, line)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "hold":
        n = int(sys.argv[4])
        run(host, port, [(s, None) for s in sys.argv[5:] for _ in range(n)])
    elif mode == "ask":
        run(host, port, [(s, sys.argv[4]) for s in sys.argv[5:]])
    elif mode == "flood":
        stop, n, src = sys.argv[4], int(sys.argv[5]), sys.argv[6]
        line = sys.argv[7] if len(sys.argv) > 7 else None
        global DEADLINE
        DEADLINE = time.monotonic() + 300
        run(host, port, [(src, line)] * n,
            lambda s, l: not os.path.exists(stop))
    else:
        sys.exit("usage: refl_clients.py hold|ask|flood HOST PORT ...")


if __name__ == "__main__":
    main()
