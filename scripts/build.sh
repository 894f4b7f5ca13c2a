#!/usr/bin/env bash
# build.sh VARIANT CFG...: configure (once) and build QEMU.
#
#   VARIANT  series  the work tree qemu/ (patched), builds in build/CFG
#            stock   the unpatched base, builds in build/stock/build/CFG
#            bisect  a scratch clone used by check-bisect.sh
#            build/DIR  any scratch root holding DIR/qemu (a worktree)
#   CFG      host    ppc64-softmmu,aarch64-softmmu for this host (TCG on x86;
#                    the lab's L0)
#            arm     qemu-system-aarch64 with KVM for arm64 (cross from x86),
#                    upstream's minimal device set (the virt board)
#            ppc     qemu-system-ppc64 with KVM for ppc64le (cross from x86),
#                    KVM only (--disable-tcg, as upstream's
#                    cross-ppc64el-kvm-only CI job): the pseries board
#
# The boards and devices are what the lab and the tests use, no more:
# scripts/devices/*.mak (configure --without-default-devices).
#
# Only the emulators are built (what the lab runs): tests/40-qemu.sh builds
# the tests it runs, tests/45-sanitizers.sh its unit tests.  BUILD_ALL=1
# builds ninja's default target, tests included (check-bisect.sh).  No
# debug information (a fifth less compile time): DEBUG_INFO=1 for gdb.
#
# Every build goes through ccache with base_dir set to the checkout, and all
# variants share one relative layout, so identical sources compile once.
# For that, a configuration is the same in every variant: the same flags,
# and the same targets and devices (every common file includes
# config-poison.h, made from all of them).
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: build.sh series|stock|bisect host|arm|ppc...}
shift
root=$(variant_root "$variant")
src=$root/qemu

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Debian's ccache links (gcc, cc, the cross gcc) come first in PATH.
export PATH=/usr/lib/ccache:$PATH
JOBS=${JOBS:-$(nproc)}

prepare_source() {
    case $variant in
    series) [ -d "$src/.git" ] || die "no work tree at $src (run 'make tree')" ;;
    stock)
        if [ "$(cat "$src/.base" 2>/dev/null)" != "$QEMU_VERSION" ]; then
            "$TOP/scripts/fetch.sh"
            rm -rf "$src"
            mkdir -p "$root"
            cp -a "$BASE_SRC" "$src"
            echo "$QEMU_VERSION" >"$src/.base"
        fi ;;
    *) [ -e "$src/.git" ] || die "no git tree at $src" ;;
    esac
}

# cross DEBARCH TRIPLET: add the arguments (and pkg-config environment) of
# a KVM-only cross build to ARGS; nothing on a host of that architecture.
cross() {
    local debarch=$1 triplet=$2 sysroot lib
    [ "$(dpkg --print-architecture)" != "$debarch" ] || return 0
    sysroot=$("$TOP/scripts/sysroot.sh" "$debarch")
    lib=$sysroot/usr/lib/$triplet
    export PKG_CONFIG_LIBDIR=$lib/pkgconfig:$sysroot/usr/share/pkgconfig
    export PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG=pkg-config
    ARGS+=(--cross-prefix="$triplet-" --extra-cflags="-idirafter $sysroot/usr/include"
           --extra-ldflags="-L$lib -Wl,-rpath-link,$lib -Wl,-rpath-link,$sysroot/lib/$triplet")
}

# configure_args CFG: set ARGS to the configure arguments of CFG.
configure_args() {
    # --enable-werror: configure enables it only in a git tree (series),
    # and a flag that differs between variants defeats ccache's sharing
    ARGS=(--python=/usr/bin/python3 --disable-install-blobs --disable-docs
          --enable-werror)
    [ "${DEBUG_INFO:-0}" = 1 ] || ARGS+=(--disable-debug-info)
    local kvm_only=(--without-default-features --enable-kvm
                    --enable-fdt=system --disable-tools)
    case $1 in
    host) TARGETS=(qemu-system-aarch64 qemu-system-ppc64)
          ARGS+=(--target-list=aarch64-softmmu,ppc64-softmmu)
          devices aarch64 aarch64-host ppc64 ppc64-host ;;
    arm) TARGETS=(qemu-system-aarch64)
         ARGS+=(--target-list=aarch64-softmmu "${kvm_only[@]}" --disable-tcg
                --without-default-devices --with-devices-aarch64=minimal)
         cross arm64 aarch64-linux-gnu ;;
    ppc) TARGETS=(qemu-system-ppc64)
         ARGS+=(--target-list=ppc64-softmmu "${kvm_only[@]}" --disable-tcg)
         devices ppc64 ppc64-kvm
         cross ppc64el powerpc64le-linux-gnu ;;
    *) die "unknown build configuration '$1' (host, arm, ppc)" ;;
    esac
    [ "${BUILD_ALL:-0}" != 1 ] || TARGETS=()
}

# devices ARCH NAME [ARCH NAME]...: build only the devices of
# scripts/devices/NAME.mak for ARCH.  configure looks for NAME in the source's configs/devices/, so it
# gets the file's path relative to there.
devices() {
    local rel
    rel=$(realpath -m --relative-to="$src/configs/devices/x" "$TOP/scripts/devices")
    ARGS+=(--without-default-devices)
    while [ $# -gt 0 ]; do
        ARGS+=(--with-devices-$1="$rel/$2")
        shift 2
    done
}

build_one() {
    local cfg=$1 dir=$root/build/$1 args
    configure_args "$cfg"
    args="${ARGS[*]}"
    # Reconfigure when the arguments change (e.g. a moved cache).
    if [ ! -e "$dir/build.ninja" ] || [ "$(cat "$dir/.args" 2>/dev/null)" != "$args" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        log "configuring $variant/$cfg"
        (cd "$dir" && "$src/configure" "${ARGS[@]}" >configure.log 2>&1) ||
            { tail -30 "$dir/configure.log" >&2; die "configure of $variant/$cfg failed"; }
        echo "$args" >"$dir/.args"
    fi
    log "building $variant/$cfg"
    ninja -C "$dir" -j "$JOBS" "${TARGETS[@]}" >"$dir/ninja.log" 2>&1 ||
        { grep -B2 -A20 -m3 -E 'error|FAILED' "$dir/ninja.log" >&2 || tail -40 "$dir/ninja.log" >&2
          die "build of $variant/$cfg failed (log: $dir/ninja.log)"; }
}

prepare_source
for cfg in "$@"; do
    build_one "$cfg"
done
