#!/usr/bin/env bash
# Fetch the base's source package (base.env: its debian.lock group), each
# file checked against the lock, and unpack it with Debian's patches applied
# into $CACHE/src/base.  Cached: a second run downloads nothing.
. "$(dirname "$0")/lib.sh"

upstream=${QEMU_VERSION#*:}            # 10.2.2+ds-1
[ -e "$BASE_SRC/.unpacked-$upstream" ] && exit 0

files=$(lock_fetch "$QEMU_LOCK_GROUP") || exit 1
dsc=$(grep '\.dsc$' <<<"$files") || die "no .dsc in group $QEMU_LOCK_GROUP"
log "unpacking ${dsc##*/} with Debian's patches"
rm -rf "$BASE_SRC" "$BASE_SRC.tmp"
mkdir -p "${BASE_SRC%/*}"
dpkg-source -x "$dsc" "$BASE_SRC.tmp" >"$BASE_SRC.log" 2>&1 ||
    { cat "$BASE_SRC.log" >&2; die "dpkg-source -x ${dsc##*/} failed"; }
# Debian's own patches are applied now; the quilt bookkeeping is not part
# of the base.
rm -rf "$BASE_SRC.tmp/.pc"
mv "$BASE_SRC.tmp" "$BASE_SRC"
touch "$BASE_SRC/.unpacked-$upstream"
