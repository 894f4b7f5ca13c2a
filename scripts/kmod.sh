#!/usr/bin/env bash
# kmod.sh: kvm.ko and kvm-hv.ko of the kernel companion (linux/), built out of
# tree for exactly Debian's ppc64el kernel $KMOD_KREL, so that they load into
# the unmodified Debian kernel.
#
#   - source: Debian's linux $KMOD_SRCVER (dpkg-source -x), as a git tree
#     (tag base) with linux/series applied by git am;
#   - configuration and symbol CRCs: .config and Module.symvers of Debian's
#     linux-headers-$KMOD_KREL package;
#   - compiler: Debian built the kernel with gcc-14 and binutils 2.44; the
#     host's gcc-12 cannot reproduce that configuration (the kernel's
#     gcc-check-fpatchable-function-entry.sh refuses gcc-12, so ftrace would
#     use another call-site format than the kernel's), so trixie's cross gcc-14
#     and binutils are unpacked privately and run with their own C library.
#
# Every input comes from debian.lock (groups linux-src, kmod-ppc64el,
# kmod-toolchain).  Cached
# under $CACHE/kmod; a second run with the same patches rebuilds nothing.
# Prints the directory holding kvm.ko and kvm-hv.ko.  Fails unless both
# carry the vermagic of Debian's own kvm.ko.  `kmod.sh tree` only prepares
# the patched source tree (git, tag base) and prints its path.
. "$(dirname "$0")/lib.sh"

KMOD_KREL=6.12.107+deb13-powerpc64le-64k
KMOD_SRCVER=6.12.107-1
LINUX_PATCHES=${LINUX_PATCHES:-$TOP/linux}
K=$CACHE/kmod
KSRC=$K/src/linux            # git tree: base + linux/series
KOUT=$K/build                # O= build directory
TC=$K/toolchain              # private trixie cross toolchain
HDR=$K/headers/usr/src/linux-headers-$KMOD_KREL
JOBS=${JOBS:-$(nproc)}

# The patched source tree.  Recreated when linux/ changes (its series and
# patches are hashed into a stamp).
source_tree() {
    local stamp p
    stamp=$( (cat "$LINUX_PATCHES/series"
              while read -r p; do cat "$LINUX_PATCHES/$p"; done \
                  <"$LINUX_PATCHES/series") | sha256sum | cut -d' ' -f1)
    [ -e "$KSRC/.git/kmod-stamp" ] &&
        [ "$(cat "$KSRC/.git/kmod-stamp")" = "$stamp" ] && return 0
    [ -d "$K/src/pristine" ] || unpack_source linux-src "$K/src/pristine"
    if [ ! -d "$KSRC/.git" ]; then
        log "creating the git tree $KSRC"
        rm -rf "$KSRC"
        cp -a "$K/src/pristine" "$KSRC"
        # Debian's .gitignore ignores everything at the top level: -f.
        git -C "$KSRC" init -q -b main
        git -C "$KSRC" add -f -A .
        git -C "$KSRC" -c user.name=kmod -c user.email=kmod@localhost \
            commit -q -m "Debian linux $KMOD_SRCVER"
        git -C "$KSRC" tag base
    fi
    log "applying linux/series"
    git -C "$KSRC" am --abort >/dev/null 2>&1 || true
    git -C "$KSRC" checkout -q -f -B main base
    while read -r p; do
        git -C "$KSRC" -c user.name=kmod -c user.email=kmod@localhost \
            am -q "$LINUX_PATCHES/$p" || die "linux/$p does not apply"
    done <"$LINUX_PATCHES/series"
    echo "$stamp" >"$KSRC/.git/kmod-stamp"
}

# The private toolchain: trixie's powerpc64le cross gcc-14 and binutils 2.44
# with trixie's C library.  Each program is replaced by a script running it
# through the private ld.so, keeping argv[0] (also through symlinks such as
# usr/powerpc64le-linux-gnu/bin/as) so that gcc finds cc1 & co.
toolchain() {
    local deb f r=$TC
    [ -e "$r/.done" ] && return 0
    log "unpacking the private gcc-14 toolchain"
    rm -rf "$r"
    mkdir -p "$r"
    for deb in $(lock_fetch kmod-toolchain); do
        dpkg-deb -x "$deb" "$r"
    done
    find "$r/usr/bin" "$r/usr/libexec/gcc-cross" -type f -perm -u+x |
    while read -r f; do
        case $f in *.so|*.so.*) continue ;; esac   # plugins stay as they are
        head -c4 "$f" | grep -q ELF || continue
        mv "$f" "$f.real"
        cat >"$f" <<EOF
#!/bin/sh
exec "$r/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \\
    --library-path "$r/usr/lib/x86_64-linux-gnu" --argv0 "\$0" "$f.real" "\$@"
EOF
        chmod +x "$f"
    done
    # The driver looks for cross binutils under its own prefix.
    for f in as ld ld.bfd; do
        [ -e "$r/usr/powerpc64le-linux-gnu/bin/$f" ] ||
            { mkdir -p "$r/usr/powerpc64le-linux-gnu/bin"
              ln -sf "../../bin/powerpc64le-linux-gnu-$f" \
                  "$r/usr/powerpc64le-linux-gnu/bin/$f"; }
    done
    echo 'int x;' | "$r/usr/bin/powerpc64le-linux-gnu-gcc-14" -x c -c - \
        -o "$r/.probe.o" || die "the private gcc-14 does not run"
    touch "$r/.done"
}

# Debian's .config and Module.symvers (headers package) and the vermagic of
# its own kvm.ko (image package).
headers() {
    local deb
    [ -e "$K/headers/.done" ] && return 0
    rm -rf "$K/headers"
    for deb in $(lock_fetch kmod-ppc64el); do
        case $deb in
        */linux-headers-*) dpkg-deb -x "$deb" "$K/headers" ;;
        */linux-image-*)
            dpkg-deb --fsys-tarfile "$deb" |
                tar -xf - -C "$K/headers" --wildcards '*/kvm/kvm.ko*' ;;
        esac
    done
    [ -e "$HDR/.config" ] || die "no .config in the headers package"
    touch "$K/headers/.done"
}

# debian_vermagic: the vermagic of Debian's own kvm.ko for $KMOD_KREL.
debian_vermagic() {
    local ko
    ko=$(find "$K/headers" -path "*/$KMOD_KREL/*/kvm.ko*" | head -n1)
    [ -n "$ko" ] || die "Debian's kvm.ko not found in the image package"
    case $ko in
    *.xz) xz -dc "$ko" >"$K/headers/kvm-debian.ko" ;;
    *) cp "$ko" "$K/headers/kvm-debian.ko" ;;
    esac
    vermagic_of "$K/headers/kvm-debian.ko"
}

kmake() {
    nice -n 19 make -C "$KSRC" O="$KOUT" ARCH=powerpc \
        CROSS_COMPILE="$TC/usr/bin/powerpc64le-linux-gnu-" \
        CC="$TC/usr/bin/powerpc64le-linux-gnu-gcc-14" \
        KERNELRELEASE="$KMOD_KREL" "$@"
}

# vermagic_of KO: the module's vermagic, as `modinfo -F vermagic` prints it
#   (read from the .modinfo section directly when modinfo, from the kmod
#   package, is not installed).
vermagic_of() {
    [ -e "$1" ] || return 1
    if command -v modinfo >/dev/null; then
        modinfo -F vermagic "$1"
    else
        "$TC/usr/bin/powerpc64le-linux-gnu-objcopy" -O binary \
            --only-section=.modinfo "$1" /dev/stdout |
            tr '\0' '\n' | sed -n 's/^vermagic=//p'
    fi
}

# config_same: is the build's .config Debian's, but for the tools' versions
# and abilities (compiler, pahole, rustc; CC_CAN_LINK: whether the cross
# compiler links user-space programs, which no module here is)?  What
# differs is left in config.diff.  Options that Kconfig drops for want of
# a tool change the kernel's structures: with
# pahole missing, DEBUG_INFO_BTF_MODULES goes, struct module loses its BTF
# fields, and the kernel refuses the module ("section size must match the
# kernel's built struct module size").
config_same() {
    [ -e "$KOUT/.config" ] || return 1
    "$KSRC/scripts/diffconfig" "$KOUT/.config.debian" "$KOUT/.config" |
        grep -v -E '^ (CC_VERSION_TEXT|PAHOLE_VERSION|RUSTC_VERSION|RUSTC_LLVM_VERSION) |^[-+](CC_CAN_LINK|CC_CAN_LINK_STATIC|RUSTC_HAS_[A-Z_]+) y$' \
        >"$KOUT/config.diff"
    [ ! -s "$KOUT/config.diff" ]
}

# this_module_size KO: the size of KO's struct module (the kernel refuses a
# module whose size is not its own).
this_module_size() {
    "$TC/usr/bin/powerpc64le-linux-gnu-readelf" -S -W "$1" |
        sed -n 's/.* \.gnu\.linkonce\.this_module  *PROGBITS  *[0-9a-f]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p'
}

main() {
    local m want got t0
    t0=$(date +%s)
    # pahole and libelf, so that Kbuild keeps Debian's BTF options
    python3 "$TOP/scripts/lock.py" install kmod-host
    source_tree
    toolchain
    headers
    want=$(debian_vermagic)
    if ! cmp -s "$HDR/.config" "$KOUT/.config.debian" || ! config_same; then
        mkdir -p "$KOUT"
        cp "$HDR/.config" "$KOUT/.config"
        cp "$HDR/.config" "$KOUT/.config.debian"
        kmake -s olddefconfig
        config_same || die "the configuration is not Debian's:" \
            "$(tr '\n' ' ' <"$KOUT/config.diff")"
    fi
    cp "$HDR/Module.symvers" "$KOUT/Module.symvers"
    kmake -s -j"$JOBS" modules_prepare
    # Built as an external module of the prepared tree, so that modpost
    # takes the kernel's symbol CRCs from Debian's Module.symvers (the
    # in-tree modpost wants vmlinux.o).  The objects land in $KSRC.
    kmake -s -j"$JOBS" M="$KSRC/arch/powerpc/kvm" \
        KCFLAGS="-I$KSRC/virt/kvm -I$KSRC/arch/powerpc/kvm" modules
    for m in kvm kvm-hv; do
        got=$(vermagic_of "$KSRC/arch/powerpc/kvm/$m.ko") ||
            die "no $m.ko built"
        [ "$got" = "$want" ] ||
            die "$m.ko: vermagic '$got' is not the Debian kernel's '$want'"
    done
    got=$(this_module_size "$KSRC/arch/powerpc/kvm/kvm.ko")
    want=$(this_module_size "$K/headers/kvm-debian.ko")
    [ -n "$got" ] && [ "$got" = "$want" ] ||
        die "kvm.ko: struct module of size '$got', Debian's kernel's is '$want'"
    log "built in $(( $(date +%s) - t0 )) s"
    echo "$KSRC/arch/powerpc/kvm"
}

case ${1:-} in
tree) source_tree; echo "$KSRC" ;;     # only the patched source tree
'') main ;;
*) die "usage: ${0##*/} [tree]" ;;
esac
