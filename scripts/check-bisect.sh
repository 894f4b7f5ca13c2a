#!/usr/bin/env bash
# check-bisect.sh [CFG...]: apply patches/ in a scratch clone (build/bisect)
# and build every prefix of the series in each configuration (default: host
# arm ppc).  Incremental: one clone and one build directory per
# configuration, kept between runs; ccache shares objects with the other
# builds.  Prints one "ok"/"not ok" line per prefix and configuration.
. "$(dirname "$0")/lib.sh"

cfgs=("$@")
[ ${#cfgs[@]} -gt 0 ] || cfgs=(host arm ppc)
root=$(variant_root bisect)
clone=$root/qemu

scratch_tree "$clone"

commits=$(git -C "$clone" rev-list --reverse "$BASE_TAG..HEAD")
n=$(echo "$commits" | grep -c . || true)
[ "$n" -gt 0 ] || { log "the series is empty: nothing to bisect"; exit 0; }
i=0 fail=0
for c in $commits; do
    i=$((i + 1))
    git -C "$clone" checkout -q "$c"
    subject=$(git -C "$clone" log -1 --format=%s "$c")
    for cfg in "${cfgs[@]}"; do
        if "$TOP/scripts/build.sh" bisect "$cfg" 2>"$root/build-$cfg.err"; then
            echo "ok - bisect $i/$n $cfg: $subject"
        else
            echo "not ok - bisect $i/$n $cfg: $subject"
            sed 's/^/#   /' "$root/build-$cfg.err" | tail -25
            fail=1
        fi
    done
done
git -C "$clone" checkout -q main
exit $fail
