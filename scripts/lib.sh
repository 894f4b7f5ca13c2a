# Shared helpers for the project's scripts.  Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${QEMU_MIGFIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qemu-migfix}
# shellcheck source=../base.env
. "$TOP/base.env"

# The QEMU work tree (a git repository: base commit + one commit per patch).
TREE=${TREE:-$TOP/qemu}
BASE_SRC=$CACHE/src/qemu-${QEMU_VERSION#*:}   # the unpacked, pristine base
BASE_TAG=base                 # tag of the base commit in every tree

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# lock_fetch [--opt] GROUP...: download (once) and verify the files of the
#   debian.lock groups, print their local paths (scripts/lock.py).
lock_fetch() { python3 "$TOP/scripts/lock.py" fetch "$@"; }

# unpack_source GROUP DEST: the source package of debian.lock group GROUP
#   (checked against the lock) unpacked with dpkg-source -x, which applies
#   Debian's own patches, into DEST (without the quilt bookkeeping).
unpack_source() {
    local files dsc dest=$2
    files=$(lock_fetch "$1") || exit 1
    dsc=$(grep '\.dsc$' <<<"$files") || die "no .dsc in group $1"
    log "unpacking ${dsc##*/} with Debian's patches"
    rm -rf "$dest" "$dest.tmp"
    mkdir -p "${dest%/*}"
    dpkg-source -x "$dsc" "$dest.tmp" >"$dest.log" 2>&1 ||
        { cat "$dest.log" >&2; die "dpkg-source -x ${dsc##*/} failed"; }
    rm -rf "$dest.tmp/.pc"
    mv "$dest.tmp" "$dest"
}

# Where the builds of a variant live: ROOT/qemu is its source, ROOT/build/CFG
# its build directories.  build/DIR names a scratch root (DIR/qemu a clone or
# worktree of the series tree).  Every variant has the same relative layout, so
# ccache (base_dir = $TOP) shares objects between them.
variant_root() {
    case $1 in
    series) echo "$TOP" ;;
    stock|bisect) echo "$TOP/build/$1" ;;
    build/*) [ -d "$TOP/$1/qemu" ] || die "no QEMU tree at $1/qemu"
             echo "$TOP/$1" ;;
    *) die "unknown variant '$1' (series, stock, bisect or build/DIR)" ;;
    esac
}

# scratch_tree DIR [TOPIC]: DIR becomes a git clone of the work tree's base
# commit with patches/ applied by tree.sh: every topic stacked, or TOPIC
# alone (kept between calls: only changed files are rewritten, so builds in
# it stay incremental).
scratch_tree() {
    local dir=$1
    [ -d "$TREE/.git" ] || die "no work tree at $TREE (run 'make tree')"
    if [ ! -d "$dir/.git" ]; then
        mkdir -p "$(dirname "$dir")"
        git clone -q --shared --no-checkout "$TREE" "$dir"
    fi
    git -C "$dir" fetch -q "$TREE" "+refs/tags/$BASE_TAG:refs/tags/$BASE_TAG"
    git -C "$dir" checkout -q -f -B main "$BASE_TAG"
    git -C "$dir" clean -q -fdx
    TREE=$dir FORCE=1 TOPIC=${2:-} "$TOP/scripts/tree.sh" apply 2>"$dir/.git/apply.log" ||
        { cat "$dir/.git/apply.log" >&2; return 1; }
}

# lines FILE: FILE's lines without comments and blank lines (series and
# topics files); nothing when FILE is missing.
lines() { grep -v '^\s*\(#\|$\)' "$1" 2>/dev/null || true; }

# topics [DIR]: the topic series of DIR (patches/), in stacking order.
topics() { lines "${1:-$TOP/patches}/topics"; }

# unpack_debs ROOT DEB...: extract the packages with dpkg-deb -x into
# ROOT.tmp (the caller moves it to ROOT when done) and point their absolute
# symlinks (libz.so -> /lib/..., ROMs -> /usr/lib/ipxe/...) into ROOT.
unpack_debs() {
    local root=$1 deb l
    shift
    rm -rf "$root.tmp"
    mkdir -p "$root.tmp"
    for deb in "$@"; do
        dpkg-deb -x "$deb" "$root.tmp"
    done
    find "$root.tmp" -type l -lname '/*' -print0 |
    while IFS= read -r -d '' l; do
        ln -sfn "$root$(readlink "$l")" "$l"
    done
}
