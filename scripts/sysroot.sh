#!/usr/bin/env bash
# sysroot.sh DEBARCH: a bookworm sysroot for cross-building QEMU (glib,
# pixman, libfdt, zlib and their dependencies), unpacked from .debs with
# dpkg-deb -x under $CACHE/sysroot/DEBARCH.  The host's dpkg is not touched.
# Prints the sysroot's path.
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: sysroot.sh arm64|ppc64el}
root=$CACHE/sysroot/$arch
pkgs=(libglib2.0-dev libfdt-dev zlib1g-dev libpixman-1-dev libc6-dev)

if [ ! -e "$root/.done" ]; then
    papt "bookworm-$arch" "$arch" "$(deb_line deb "$arch" bookworm)"
    log "downloading the $arch sysroot packages"
    papt_get install -y --download-only "${pkgs[@]}" >"$CACHE/apt/bookworm-$arch/dl.log" 2>&1 ||
        { cat "$CACHE/apt/bookworm-$arch/dl.log" >&2; die "download of $arch sysroot failed"; }
    unpack_debs "$root" "$CACHE/apt/bookworm-$arch/cache/archives/"*.deb
    # Absolute paths in linker scripts (libc.so: GROUP ( /lib/... )) must
    # point into the sysroot too.
    grep -rlZ --include='*.so' '^/\* GNU ld script' "$root.tmp/usr/lib" |
        xargs -0 -r sed -i -E "s@([ (])/(usr/)?lib(64)?/@\1$root/\2lib\3/@g"
    mv "$root.tmp" "$root"
    touch "$root/.done"
fi
echo "$root"
