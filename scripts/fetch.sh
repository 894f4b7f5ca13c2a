#!/usr/bin/env bash
# Fetch the pinned QEMU source package (base.env) with a private apt
# configuration, check the .dsc against the recorded sha256 and unpack it
# with Debian's patches applied into $CACHE/src/base.  Cached: a second run
# downloads nothing.
. "$(dirname "$0")/lib.sh"

upstream=${QEMU_VERSION#*:}            # 10.2.2+ds-1
dsc=${QEMU_SRCPKG}_${upstream}.dsc
dl=$CACHE/src/dl
mkdir -p "$dl"

if [ -e "$BASE_SRC/.unpacked-$upstream" ]; then
    exit 0
fi

if [ ! -e "$dl/$dsc" ]; then
    papt src amd64 "$(deb_line deb-src amd64 "$QEMU_SUITE")"
    avail=$(papt_cache showsrc "$QEMU_SRCPKG" 2>/dev/null |
            sed -n 's/^Version: //p' | sort -u | tr '\n' ' ')
    case " $avail " in
    *" $QEMU_VERSION "*) ;;
    *) die "$QEMU_SRCPKG $QEMU_VERSION is no longer in $QEMU_SUITE;" \
           "available source versions: ${avail:-none}" ;;
    esac
    log "downloading $QEMU_SRCPKG=$QEMU_VERSION"
    (cd "$dl" && papt_get source --download-only \
        "$QEMU_SRCPKG=$QEMU_VERSION" >"$dl/download.log" 2>&1) ||
        { cat "$dl/download.log" >&2; die "download of $dsc failed"; }
fi

sum=$(sha256sum "$dl/$dsc" | cut -d' ' -f1)
if [ -z "$QEMU_DSC_SHA256" ]; then
    die "QEMU_DSC_SHA256 is not set in base.env; $dsc has $sum"
fi
[ "$sum" = "$QEMU_DSC_SHA256" ] ||
    die "$dsc: sha256 $sum does not match base.env ($QEMU_DSC_SHA256)"

log "unpacking $dsc with Debian's patches"
rm -rf "$BASE_SRC" "$BASE_SRC.tmp"
dpkg-source -x "$dl/$dsc" "$BASE_SRC.tmp" >"$dl/unpack.log" 2>&1 ||
    { cat "$dl/unpack.log" >&2; die "dpkg-source -x $dsc failed"; }
# Debian's own patches are applied now; the quilt bookkeeping is not part
# of the base.
rm -rf "$BASE_SRC.tmp/.pc"
mv "$BASE_SRC.tmp" "$BASE_SRC"
touch "$BASE_SRC/.unpacked-$upstream"
