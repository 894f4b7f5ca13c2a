#!/usr/bin/env bash
# check-bisect.sh [CFG...]: every prefix of every topic, applied alone on
# the base in a scratch clone (build/bisect), builds in each configuration
# (default: host arm ppc).  Incremental: one clone and one build directory
# per configuration, kept between runs; ccache shares objects with the
# other builds.  Each prefix builds ninja's default target (tests
# included).  Prints one "ok"/"not ok" line per prefix and configuration.
. "$(dirname "$0")/lib.sh"

cfgs=("$@")
[ ${#cfgs[@]} -gt 0 ] || cfgs=(host arm ppc)
root=$(variant_root bisect)
clone=$root/qemu
fail=0
for topic in $(topics); do
    scratch_tree "$clone" "$topic"
    commits=$(git -C "$clone" rev-list --reverse "$BASE_TAG..HEAD")
    n=$(echo "$commits" | grep -c . || true)
    i=0
    for c in $commits; do
        i=$((i + 1))
        git -C "$clone" checkout -q "$c"
        subject=$(git -C "$clone" log -1 --format=%s "$c")
        for cfg in "${cfgs[@]}"; do
            if BUILD_ALL=1 "$TOP/scripts/build.sh" bisect "$cfg" 2>"$root/build-$cfg.err"; then
                echo "ok - bisect $topic $i/$n $cfg: $subject"
            else
                echo "not ok - bisect $topic $i/$n $cfg: $subject"
                sed 's/^/#   /' "$root/build-$cfg.err" | tail -25
                fail=1
            fi
        done
    done
    git -C "$clone" checkout -q main
done
exit $fail
