# Shared helpers for the project's scripts.  Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${QEMU_MIGFIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qemu-migfix}
# shellcheck source=../base.env
. "$TOP/base.env"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The QEMU work tree (a git repository: base commit + one commit per patch).
TREE=${TREE:-$TOP/qemu}
BASE_SRC=$CACHE/src/base      # the unpacked, pristine base
BASE_TAG=base                 # tag of the base commit in every tree

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# papt NAME ARCH LINE...
#   Private apt instance NAME for architecture ARCH with the given
#   sources.list lines: its own lists, cache and (empty) dpkg status under
#   $CACHE/apt/NAME, so the host's apt and dpkg set-up is never touched.
#   Sets PAPT (the APT_CONFIG file) and runs "apt-get update" once (again
#   when the source lines change).
papt() {
    local name=$1 arch=$2
    shift 2
    local d=$CACHE/apt/$name
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc"
    touch "$d/status"
    printf '%s\n' "$@" >"$d/sources.list.new"
    cat >"$d/apt.conf" <<EOF
Dir::Etc::sourcelist "$d/sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::preferencesparts "$d/etc";
Dir::Etc::parts "$d/etc";
APT::Sandbox::User "root";
Dir::State "$d";
Dir::State::Lists "$d/lists";
Dir::State::status "$d/status";
Dir::Cache "$d/cache";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Install-Recommends "false";
Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
Acquire::Languages "none";
EOF
    PAPT=$d/apt.conf
    if ! cmp -s "$d/sources.list.new" "$d/sources.list" ||
       [ ! -e "$d/updated" ]; then
        mv "$d/sources.list.new" "$d/sources.list"
        log "apt-get update ($name)"
        APT_CONFIG=$PAPT apt-get -q update >"$d/update.log" 2>&1 ||
            { cat "$d/update.log" >&2; die "apt-get update failed ($name)"; }
        touch "$d/updated"
    else
        rm -f "$d/sources.list.new"
    fi
}

# papt_get / papt_cache ARGS...: apt-get / apt-cache with the private
# configuration set by papt.
papt_get() { APT_CONFIG=$PAPT apt-get -q "$@"; }
papt_cache() { APT_CONFIG=$PAPT apt-cache "$@"; }

# deb_line TYPE ARCH SUITE: one sources.list line for Debian's archive.
deb_line() {
    printf '%s [arch=%s signed-by=%s] %s %s main\n' \
        "$1" "$2" "$KEYRING" "$DEBIAN_MIRROR" "$3"
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

# scratch_tree DIR: DIR becomes a git clone of the work tree's base commit
# with patches/ applied by tree.sh (kept between calls: only changed files
# are rewritten, so builds in it stay incremental).
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
    TREE=$dir FORCE=1 "$TOP/scripts/tree.sh" apply 2>"$dir/.git/apply.log" ||
        { cat "$dir/.git/apply.log" >&2; return 1; }
}

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
