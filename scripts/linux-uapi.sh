#!/usr/bin/env bash
# linux-uapi.sh [PATCH...]: the UAPI the kernel companion adds: every #define
# added to a uapi header by linux/*.patch (default: those in linux/series),
# one per line as "HEADER<TAB>#define NAME VALUE", HEADER relative to the
# kernel tree.  The QEMU side's linux-headers patch must carry exactly these.
. "$(dirname "$0")/lib.sh"

if [ $# -eq 0 ]; then
    while read -r p; do set -- "$@" "$TOP/linux/$p"; done <"$TOP/linux/series"
fi
awk '
    /^\+\+\+ / { f = $2; sub(/^b\//, "", f); next }
    /^\+#define[ \t]/ && f ~ /(^|\/)include\/uapi\// {
        line = substr($0, 2)
        sub(/[ \t]*\/\*.*\*\/[ \t]*$/, "", line)   # drop a trailing comment
        gsub(/[ \t]+/, " ", line)
        print f "\t" line
    }' "$@"
