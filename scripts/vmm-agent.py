#!/usr/bin/env python3
"""The test machine's monitor agent (make vmm-check's pr3 mode).

Runs beside the test machine's QEMU (scripts/run-qemu.sh with
VMM_AGENT=1): reads requests, one a line, from the test machine's second
serial port (a unix socket QEMU serves) and carries them out on that
QEMU's QMP socket; each request gets one reply line on the same port.
Requests (nothing else is accepted):
  set_link NAME on|off   the NIC's link, as the monitor's set_link
                         (NAME: the NIC's net client name, e1000e.4 for
                         the fifth e1000e of config/qemu.args)
  ping                   replies "agent: pong"
The test machine uses it to take a passed-through NIC's link away, which
only its QEMU can do.  Exits when either socket closes.
usage: vmm-agent.py SERIAL_SOCKET QMP_SOCKET
"""
import json
import os
import re
import socket
import sys
import time


def connect(path, timeout=60):
    end = time.monotonic() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


class Qmp:
    def __init__(self, path):
        self.f = connect(path).makefile("rw")
        self.recv()                      # the greeting
        self.execute("qmp_capabilities")

    def recv(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP closed")
        return json.loads(line)

    def execute(self, cmd, args=None):
        req = {"execute": cmd}
        if args is not None:
            req["arguments"] = args
        self.f.write(json.dumps(req) + "\n")
        self.f.flush()
        while True:
            r = self.recv()
            if "return" in r or "error" in r:
                return r


def main():
    serial = connect(sys.argv[1]).makefile("rwb", buffering=0)
    qmp = Qmp(sys.argv[2])
    log = sys.stderr
    buf = b""
    while True:
        c = serial.read(1)
        if not c:
            return
        if c not in (b"\n", b"\r"):
            buf += c
            continue
        line, buf = buf.decode("ascii", "replace").strip(), b""
        if not line:
            continue
        m = re.fullmatch(r"set_link (\S+) (on|off)", line)
        if m:
            r = qmp.execute("set_link", {"name": m[1], "up": m[2] == "on"})
            reply = "ok" if "return" in r else "error " + r["error"]["desc"]
        elif line == "ping":
            reply = "pong"
        else:
            reply = "error unknown request"
        print("vmm-agent: %s: %s" % (line, reply), file=log, flush=True)
        serial.write(("agent: %s: %s\n" % (line, reply)).encode())


if __name__ == "__main__":
    try:
        main()
    except (EOFError, OSError) as e:
        print("vmm-agent: %s" % e, file=sys.stderr)
