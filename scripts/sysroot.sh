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
    rm -rf "$root.tmp"
    mkdir -p "$root.tmp"
    for deb in "$CACHE/apt/bookworm-$arch/cache/archives/"*.deb; do
        dpkg-deb -x "$deb" "$root.tmp"
    done
    # Absolute symlinks (libz.so -> /lib/...) must point into the sysroot.
    find "$root.tmp" -type l -lname '/*' -print0 |
    while IFS= read -r -d '' l; do
        ln -sfn "$root$(readlink "$l")" "$l"
    done
    # So must the paths in linker scripts (libc.so: GROUP ( /lib/... )).
    grep -rlZ --include='*.so' '^/\* GNU ld script' "$root.tmp/usr/lib" |
        xargs -0 -r sed -i -E "s@([ (])/(usr/)?lib(64)?/@\1$root/\2lib\3/@g"
    mv "$root.tmp" "$root"
    touch "$root/.done"
fi
echo "$root"
