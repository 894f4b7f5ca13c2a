# QEMU's own unit tests and qtests for the areas the series touches, run on
# the series host build (build/host).  The +ds source ships no ROMs, so the
# firmware from Debian's packages (scripts/firmware.sh) is linked where the
# build-tree binaries look for data.
#
# Chosen for relevance and run time (about 2 minutes in all on 2 cores);
# tests that need firmware Debian does not ship (edk2, board boot ROMs) are
# left out.
. "$(dirname "$0")/lib.sh"

B=$TOP/build/host
TESTS=(
    # the series' own unit tests: register and feature sets (arm), PVR
    # match rules and decisions (ppc)
    "${SERIES_UNIT_TESTS[@]}"
    # target/arm: CPU properties, the CPU migration stream, migrations
    # between CPUs whose cpreg lists differ (the series' qtest)
    qtest-aarch64/arm-cpu-features
    qtest-aarch64/arm-cpreg-migration-test
    qtest-aarch64/migration-test
    # hw/ppc, target/ppc: cap-gtse, H_RPT_INVALIDATE under TCG, the PVR
    # checks of an incoming CPU state, RTAS, powernv chips (new POWER9
    # revisions), CPU models, migration
    qtest-ppc64/spapr-gtse-test
    qtest-ppc64/ppc-pvr-migration-test
    qtest-ppc64/rtas-test
    qtest-ppc64/pnv-xscom-test
    qtest-ppc64/pnv-host-i2c-test
    qtest-ppc64/cpu-plug-test
    qtest-ppc64/device-introspect-test
    qtest-ppc64/migration-test
    # migration core: a failed load reports its first error
    qtest-ppc64/loadvm-error-test
    test-vmstate
)

fw=$("$TOP/scripts/firmware.sh")
data=$B/qemu-bundle/usr/local/share/qemu
mkdir -p "$data"
for f in "$fw"/*; do
    [ -e "$data/${f##*/}" ] || ln -s "$f" "$data/"
done

# build_tests NAME...: build what those tests run (make build builds only
# the emulators): their executables and the targets meson says they need.
build_tests() {
    local targets
    targets=$(python3 - "$B" "$@" <<'EOF2'
import json, os, sys
b, want = sys.argv[1], set(sys.argv[2:])
info = lambda f: json.load(open(os.path.join(b, 'meson-info', f)))
files = {t['id']: t['filename'] for t in info('intro-targets.json')}
out = set()
for t in info('intro-tests.json'):
    if t['name'] in want:
        out.add(t['cmd'][0])
        for d in t['depends']:
            out.update(files.get(d, []))
print('\n'.join(sorted(os.path.relpath(f, b) for f in out)))
EOF2
    ) || return 1
    # shellcheck disable=SC2086
    ninja -C "$B" $targets
}

mtest() {
    "$B/pyvenv/bin/meson" test -C "$B" --no-rebuild --print-errorlogs "$1"
}
[ -x "$B/qemu-system-ppc64" ] || die "no host build in $B (make build)"
known=$("$B/pyvenv/bin/meson" test -C "$B" --no-rebuild --list 2>/dev/null |
       sed 's|.* / ||')
t "build the tests" build_tests "${TESTS[@]}"
for name in "${TESTS[@]}"; do
    if ! grep -qx "$name" <<<"$known"; then
        echo "not ok - $name: not a test of this build"
        continue
    fi
    t "$name" mtest "$name"
done
