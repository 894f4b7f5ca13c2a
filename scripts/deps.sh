#!/usr/bin/env bash
# Install what the builds and the lab need on this x86-64 Debian 12 host:
# Debian packages from the host's own sources, plus meson >= 1.5 and
# python3-pycotap from bookworm-backports (downloaded with a private apt
# configuration, installed as local .debs).  Does nothing when all is there.
. "$(dirname "$0")/lib.sh"

pkgs=(ccache ninja-build pkg-config flex bison python3-venv python3-setuptools
      libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev
      gcc-aarch64-linux-gnu gcc-powerpc64le-linux-gnu
      xz-utils zstd cpio perl)
# The lab lists its own host packages, one a line.
if [ -e "$TOP/lab/deps" ]; then
    mapfile -t -O ${#pkgs[@]} pkgs < <(grep -v '^\s*\(#\|$\)' "$TOP/lab/deps")
fi

meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version)" ge 1.5 &&
        python3 -c 'import pycotap' 2>/dev/null
}

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -q update >/dev/null
    apt-get -q install -y "${missing[@]}" >/dev/null
fi

# meson and pycotap must be importable by the python QEMU's configure uses.
if ! PATH=/usr/bin:$PATH meson_ok; then
    papt bpo amd64 "$(deb_line deb amd64 bookworm-backports)"
    d=$CACHE/debs/bpo
    mkdir -p "$d"
    (cd "$d" && papt_get download -t bookworm-backports meson python3-pycotap \
        >/dev/null)
    log "installing meson and python3-pycotap from bookworm-backports"
    DEBIAN_FRONTEND=noninteractive apt-get -q install -y "$d"/*.deb >/dev/null
fi
