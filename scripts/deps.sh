#!/usr/bin/env bash
# Install what the builds and the lab need on this x86-64 Debian 12 host:
# the packages debian.lock's groups host (bookworm) and host-bpo (meson >=
# 1.5 and python3-pycotap from bookworm-backports) name, from the locked
# .debs only (scripts/lock.py install).  Does nothing when all is there.
. "$(dirname "$0")/lib.sh"
python3 "$TOP/scripts/lock.py" install host host-bpo
