#!/usr/bin/env bash
# Fetch the base's source package (base.env: its debian.lock group), each
# file checked against the lock, and unpack it with Debian's patches applied
# into $CACHE/src/qemu-VERSION.  Cached: a second run downloads nothing.
. "$(dirname "$0")/lib.sh"

upstream=${QEMU_VERSION#*:}            # 11.1.1+ds-1
[ -e "$BASE_SRC/.unpacked-$upstream" ] && exit 0

unpack_source "$QEMU_LOCK_GROUP" "$BASE_SRC"
touch "$BASE_SRC/.unpacked-$upstream"
