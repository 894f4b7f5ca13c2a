#!/usr/bin/env bash
# Install what the builds and the lab need on this x86-64 Debian 12 host:
# the packages debian.lock's groups host (bookworm), host-bpo (meson >=
# 1.5 and python3-pycotap from bookworm-backports) and host-qmp (the
# qemu.qmp Python package QEMU 11.1's configure requires, from sid) name,
# from the locked .debs only (scripts/lock.py install).  Does nothing when
# all is there.
. "$(dirname "$0")/lib.sh"
python3 "$TOP/scripts/lock.py" install host host-bpo host-qmp
