#!/usr/bin/env bash
# bench.sh [--warm]: print, as numbers, the durations of fetch, apply, each
# build and the rebuild after one patch is edited, on a scratch copy of the
# project:
#   cold  empty download cache and empty ccache (a fresh machine, minus
#         installing the build dependencies)
#   warm  caches kept, build directories removed (a fresh clone on a used
#         machine)
#   edit  one patch edited, "make tree" re-applies, the three builds rebuild
# --warm skips the cold pass (it takes about as long as a first "make").
# Targets: cold fetch+apply+builds <= 15 min, edit <= 2 min on 2 cores.
. "$(dirname "$0")/lib.sh"

B=$TOP/build/bench
rm -rf "$B/repo"
mkdir -p "$B/repo"
cp -r "$TOP/scripts" "$TOP/base.env" "$TOP/patches" "$TOP/lock.spec" "$TOP/debian.lock" \
    "$B/repo/"
R=$B/repo

# The archive's drift: locked files it no longer serves (make drift).
"$TOP/scripts/lock.py" drift | tail -n 1 || true

declare -A secs
step() {   # step NAME CMD...: run and record the wall time
    local name=$1 t0
    shift
    t0=$(date +%s.%N)
    "$@" >"$B/$name.log" 2>&1 || { cat "$B/$name.log" >&2; die "$name failed"; }
    secs[$name]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    printf '%-14s %8.1f s\n' "$name" "${secs[$name]}"
}

sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) s += ARGV[i]; print s }' "$@"; }

pass() {   # pass PREFIX CACHE
    local p=$1
    export QEMU_MIGFIX_CACHE=$2 CCACHE_DIR=$2/ccache
    rm -rf "$R/qemu" "$R/build"
    step "$p-fetch" "$R/scripts/fetch.sh"
    step "$p-apply" "$R/scripts/tree.sh" apply
    step "$p-host" "$R/scripts/build.sh" series host
    step "$p-arm" "$R/scripts/build.sh" series arm
    step "$p-ppc" "$R/scripts/build.sh" series ppc
}

if [ "${1:-}" != --warm ]; then
    rm -rf "$B/cold-cache"
    mkdir -p "$B/cold-cache"
    # The sysroots and the source come from Debian's archive again.
    pass cold "$B/cold-cache"
    pass warm "$B/cold-cache"
else
    pass warm "$CACHE"
fi

# Edit the last patch of the last topic that changes QEMU's C code (not a
# test or doc) the usual way: the topic alone in qemu/, a fixup commit
# squashed into the patch, export; then every topic stacked again and the
# three configurations rebuilt.
file= last= topic=
for t in $(topics "$R/patches" | tac); do
    for p in $(lines "$R/patches/$t/series" | tac); do
        file=$(sed -n 's#^+++ b/\(\(hw\|target\)/.*\.c\)$#\1#p' "$R/patches/$t/$p" | head -1)
        [ -z "$file" ] || { last=$p topic=$t; break 2; }
    done
done
if [ -n "$last" ]; then
    echo "edit: $topic/$last ($file)"
    subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$R/patches/$topic/$last")
    step edit-topic env TOPIC="$topic" "$R/scripts/tree.sh" apply
    echo '/* bench */' >>"$R/qemu/$file"
    git -C "$R/qemu" -c user.name=bench -c user.email=bench@localhost \
        commit -q -a --fixup=":/$subject"
    GIT_SEQUENCE_EDITOR=: git -C "$R/qemu" -c user.name=bench \
        -c user.email=bench@localhost rebase -q -i --autosquash "$BASE_TAG"
    step edit-export env TOPIC="$topic" "$R/scripts/tree.sh" export
    step edit-stack "$R/scripts/tree.sh" apply
    step edit-builds bash -c 'for c in host arm ppc; do "$0" series $c || exit 1; done' \
        "$R/scripts/build.sh"
fi

echo
echo "summary (seconds)"
for p in cold warm; do
    [ -n "${secs[$p-fetch]:-}" ] || continue
    printf '%-5s fetch %6.1f  apply %6.1f  host %6.1f  arm %6.1f  ppc %6.1f  total %6.1f\n' \
        "$p" "${secs[$p-fetch]}" "${secs[$p-apply]}" "${secs[$p-host]}" \
        "${secs[$p-arm]}" "${secs[$p-ppc]}" \
        "$(sum "${secs[$p-fetch]}" "${secs[$p-apply]}" "${secs[$p-host]}" \
               "${secs[$p-arm]}" "${secs[$p-ppc]}")"
done
[ -z "${secs[edit-builds]:-}" ] ||
    printf 'edit  topic %6.1f  export %6.1f  stack %6.1f  rebuild host+arm+ppc %6.1f  total %6.1f\n' \
        "${secs[edit-topic]}" "${secs[edit-export]}" "${secs[edit-stack]}" "${secs[edit-builds]}" \
        "$(sum "${secs[edit-topic]}" "${secs[edit-export]}" "${secs[edit-stack]}" "${secs[edit-builds]}")"
