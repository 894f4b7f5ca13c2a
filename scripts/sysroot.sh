#!/usr/bin/env bash
# sysroot.sh DEBARCH: a bookworm sysroot for cross-building QEMU (glib,
# pixman, libfdt, zlib and their dependencies: debian.lock group
# sysroot-DEBARCH), unpacked from .debs with dpkg-deb -x under
# $CACHE/sysroot/DEBARCH.  The host's dpkg is not touched.  Prints the
# sysroot's path.
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: sysroot.sh arm64|ppc64el}
root=$CACHE/sysroot/$arch

if [ ! -e "$root/.done" ]; then
    debs=$(lock_fetch "sysroot-$arch") || exit 1
    # shellcheck disable=SC2086
    unpack_debs "$root" $debs
    # Absolute paths in linker scripts (libc.so: GROUP ( /lib/... )) must
    # point into the sysroot too.
    grep -rlZ --include='*.so' '^/\* GNU ld script' "$root.tmp/usr/lib" |
        xargs -0 -r sed -i -E "s@([ (])/(usr/)?lib(64)?/@\1$root/\2lib\3/@g"
    mv "$root.tmp" "$root"
    touch "$root/.done"
fi
echo "$root"
