#!/usr/bin/env bash
# linux-uapi.sh [PATCH...]: the UAPI a patch queue adds: every #define added
# to a uapi header, one per line as "HEADER<TAB>#define NAME VALUE", HEADER
# relative to the kernel tree.  Reads linux/*.patch (default: those in
# linux/series) or QEMU patches, whose linux-headers/ paths are mapped back
# to the kernel's (linux-headers/linux/X -> include/uapi/linux/X,
# linux-headers/asm-ARCH/X -> arch/ARCH/include/uapi/asm/X, the mapping of
# QEMU's scripts/update-linux-headers.sh): QEMU's linux-headers patch must
# print exactly what the kernel queue prints.
. "$(dirname "$0")/lib.sh"

if [ $# -eq 0 ]; then
    while read -r p; do set -- "$@" "$TOP/linux/$p"; done <"$TOP/linux/series"
fi
awk '
    /^\+\+\+ / {
        f = $2; sub(/^b\//, "", f)
        if (f ~ /^linux-headers\/linux\//) sub(/^linux-headers\//, "include/uapi/", f)
        else if (match(f, /^linux-headers\/asm-[a-z0-9]+\//)) {
            arch = substr(f, 19, RLENGTH - 19)
            f = "arch/" arch "/include/uapi/asm/" substr(f, RLENGTH + 1)
        }
        next
    }
    /^\+#define[ \t]/ && f ~ /(^|\/)include\/uapi\// {
        line = substr($0, 2)
        sub(/[ \t]*\/\*.*\*\/[ \t]*$/, "", line)   # drop a trailing comment
        gsub(/[ \t]+/, " ", line)
        print f "\t" line
    }' "$@" | sort
