# The patch-queue tooling, on a scratch copy: fetch errors, creating the
# tree, export, refusing to lose work, round trip, a fixture patch that
# builds, and a patch that does not apply.
. "$(dirname "$0")/lib.sh"

S=$TOP/build/tests/scratch
rm -rf "$S"
mkdir -p "$S/patches"
: >"$S/patches/series"
export TREE=$S/qemu PATCHES=$S/patches
tree() { "$TOP/scripts/tree.sh" "$@"; }
g() { git -C "$TREE" -c user.name=Fixture -c user.email=fixture@localhost "$@"; }

# --- downloads: everything through debian.lock ---------------------------
LOCKPY=$TOP/scripts/lock.py
L=$S/lock
mkdir -p "$L"
# scratch_lock NAME NEED SED-EXPR: a lock holding one group t-NAME, the
# smallest required file of the real lock edited by SED-EXPR.
scratch_lock() {
    awk '$2 == "req" { print $4, $0 }' "$TOP/debian.lock" | sort -n | head -n 1 |
        cut -d' ' -f2- | sed -E "s/^[^ ]+ [^ ]+ /t-$1 $2 /; $3" >"$L/$1.lock"
}
lockpy() { QEMU_MIGFIX_LOCK=$L/$1.lock QEMU_MIGFIX_CACHE=$L/cache "$LOCKPY" fetch "${@:2}"; }

scratch_lock sha req 's/ [0-9a-f]{64} / 0000000000000000000000000000000000000000000000000000000000000000 /'
t "lock: a file whose sha256 differs from the lock is refused" \
    expect_fail_with "sha256 [0-9a-f]{64} does not match the lock \(0{64}\)" lockpy sha t-sha
scratch_lock gone req 's@ ([^ ]+)/[^/ ]+\.deb @ \1/nosuch_1.0_all.deb @'
t "lock: a required file the archive does not serve stops, naming it and its URL" \
    expect_fail_with "cannot fetch nosuch_1.0_all.deb \(http://deb.debian.org/debian/pool/.*/nosuch_1.0_all.deb\): HTTP 404" \
    lockpy gone t-gone
scratch_lock opt opt 's@ ([^ ]+)/[^/ ]+\.deb @ \1/nosuch_1.0_all.deb @'
opt_missing() {
    local out rc
    out=$(lockpy opt --opt t-opt)
    rc=$?
    echo "$out (exit $rc)"
    [ $rc = 3 ] && grep -q "^lock.py: t-opt unavailable: nosuch_1.0_all.deb" <<<"$out"
}
t "lock: an optional group that cannot be had says which file and exits 3" opt_missing
t "lock: a second fetch downloads nothing" \
    bash -c '"$0" fetch "$1" >/dev/null && ! "$0" fetch "$1" 2>&1 >/dev/null | grep downloading' \
    "$LOCKPY" "$QEMU_LOCK_GROUP"
t "lock: every group of lock.spec is in debian.lock" \
    bash -c 'diff <(awk "!/^#/ && NF { print \$1 }" "$0/lock.spec" | sort) \
                  <(awk "!/^#/ { print \$1 }" "$0/debian.lock" | sort -u)' "$TOP"
t "lock: a listed-but-unserved version falls back to older stable updates" \
    python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import lock
v = lock.older_versions("2.41-12+deb13u3")
assert v == ["2.41-12+deb13u2", "2.41-12+deb13u1", "2.41-12"] + [
    "2.41-12+b%d" % k for k in range(9, 0, -1)], v
assert lock.older_versions("10.46-1~deb13u2")[:2] == ["10.46-1~deb13u1", "10.46-1"]
assert lock.older_versions("1.0-1") == []' "$TOP/scripts"
t "lock: the same or an older version another index lists comes first (security archive)" \
    python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import lock
m = "debian/pool/main/o/openssl/"
s = "debian-security/pool/updates/main/o/openssl/"
idx = {p: ("0" * 64, 1, "x") for p in (
    m + "libssl3t64_3.5.9-1~deb13u1_ppc64el.deb",
    s + "libssl3t64_3.5.7-1~deb13u3_ppc64el.deb",
    s + "libssl3t64_3.5.9-1~deb13u1_ppc64el.deb",
    s + "libssl3t64_3.5.7-1~deb13u3_arm64.deb",
    s + "libssl3t64_3.6.1-1_ppc64el.deb",
    m + "libssl-dev_3.5.7-1~deb13u3_ppc64el.deb")}
a = lock.indexed_alternatives(m + "libssl3t64_3.5.9-1~deb13u1_ppc64el.deb", idx)
assert a == [s + "libssl3t64_3.5.9-1~deb13u1_ppc64el.deb",
             s + "libssl3t64_3.5.7-1~deb13u3_ppc64el.deb"], a
assert lock.archive_of("trixie-security") == "debian-security/"
assert lock.archive_of("trixie-updates") == "debian/"' "$TOP/scripts"
# Nothing downloads around the lock: apt, curl, wget or urllib appear in
# scripts/lock.py only.
t "lock: no script downloads except through scripts/lock.py" \
    bash -c '! grep -nE "apt-get|apt-cache|curl |wget |urllib|urlopen" \
        "$0"/scripts/*.sh "$0"/lab/run "$0"/lab/labrun/*.py "$0"/lab/images "$0"/lab/bench \
        "$0"/lab/guest/* "$0"/tests/run "$0"/tests/[2-9]*.sh "$0"/tests/lib.sh \
        "$0"/Makefile "$0"/.ci/run' "$TOP"

# --- tree ----------------------------------------------------------------
t "tree: apply creates the tree from the base" tree apply
t "tree: the base is one commit, tagged base" \
    test "$(g rev-list --count HEAD)" = 1 -a "$(g rev-parse HEAD)" = "$(g rev-parse base)"

fixture() {   # a small, real change: one patch that compiles
    sed -i '0,/^#include "qemu\/osdep.h"/s//&\n\n\/* Fixture: proves the queue builds. *\//' \
        "$TREE/target/arm/kvm.c"
    g commit -q -a -s -m "target/arm/kvm: Fixture change" \
        -m "A one-line comment that the tooling test applies, builds and exports."
}
t "tree: a fixture commit" fixture
t "status: reports commits not exported" \
    bash -c '"$0" status | grep -q "commits not exported"' "$TOP/scripts/tree.sh"
t "apply: refuses to drop commits not exported" \
    expect_fail_with "has commits not exported" tree apply
t "export: writes the patch, the cover letter and the series" \
    bash -c 'tree() { "$0" "$@"; }; tree export &&
             test "$(cat "$PATCHES/series")" = 0001-target-arm-kvm-Fixture-change.patch &&
             test -e "$PATCHES/0000-cover-letter.patch" &&
             test "$(grep -c "^From " "$PATCHES"/0001-*.patch)" = 1 &&
             grep -q "^From 0\{40\} " "$PATCHES"/0001-*.patch' "$TOP/scripts/tree.sh"
t "status: in sync after export" \
    bash -c '"$0" status | grep -qE "in sync with .*patches \(1 patches\)"' "$TOP/scripts/tree.sh"

echo "// uncommitted" >>"$TREE/target/arm/kvm.c"
t "apply: refuses to overwrite uncommitted changes" \
    expect_fail_with "has uncommitted changes" tree apply
t "export: refuses while there are uncommitted changes" \
    expect_fail_with "has uncommitted changes" tree export
g checkout -q -- target/arm/kvm.c

cp -r "$PATCHES" "$S/exported"
g checkout -q -B main base
t "round trip: re-apply and export is byte-identical" \
    bash -c 'FORCE=1 "$0" apply && "$0" export && diff -r "$1" "$PATCHES"' \
    "$TOP/scripts/tree.sh" "$S/exported"
t "apply: up to date when nothing changed" \
    bash -c '"$0" apply 2>&1 | grep -q "up to date"' "$TOP/scripts/tree.sh"

t "build: the fixture builds (arm KVM configuration)" \
    bash -c '"$0/scripts/build.sh" build/tests/scratch arm &&
             grep -q "target_arm_kvm.c.o" "$1/build/arm/ninja.log"' "$TOP" "$S"

# --- topics: patches/topics stacks topic series --------------------------
mkdir -p "$S/stack"
cp -r "$PATCHES" "$S/stack/a"
cp -r "$PATCHES" "$S/stack/b"
printf 'a\nb\n' >"$S/stack/topics"
stack_dedup() {
    local out
    out=$(FORCE=1 tree apply 2>&1)
    echo "$out"
    grep -q "'target/arm/kvm: Fixture change' is the same change as in a, applied once" <<<"$out" &&
        test "$(g rev-list --count base..HEAD)" = 1
}
t "stack: a patch two topics carry is applied once" with_env PATCHES=$S/stack stack_dedup
t "stack: up to date when nothing changed" \
    bash -c 'PATCHES=$1 "$0" apply 2>&1 | grep -q "up to date"' "$TOP/scripts/tree.sh" "$S/stack"
t "export: a stacked tree is not exported; it says to name a topic" \
    with_env PATCHES=$S/stack expect_fail_with "make export TOPIC=NAME \(topics: a b \)" tree export
t "export: nor written into one topic" \
    with_env PATCHES=$S/stack/b expect_fail_with "stacks every topic and cannot be exported" tree export

# --- a patch that no longer applies -------------------------------------
sed -e 's/Fixture: proves the queue builds/Fixture: second/' \
    -e 's/^Subject: .*/Subject: [PATCH] target\/arm\/kvm: Broken fixture/' \
    "$PATCHES/0001-target-arm-kvm-Fixture-change.patch" >"$PATCHES/0002-broken.patch"
echo 0002-broken.patch >>"$PATCHES/series"
t "apply: a patch that does not apply fails with its name" \
    with_env FORCE=1 expect_fail_with "patch 0002-broken.patch does not apply" tree apply
t "apply: the failed apply leaves no git am in progress" \
    test ! -d "$TREE/.git/rebase-apply"
