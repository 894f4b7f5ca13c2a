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

# --- fetch: a scratch copy of the scripts with other pins --------------
repo_with() {   # repo_with DIR SED-EXPR: copy of scripts/ + edited base.env
    mkdir -p "$1"
    cp -r "$TOP/scripts" "$1/"
    sed "$2" "$TOP/base.env" >"$1/base.env"
}
repo_with "$S/v" 's/^QEMU_VERSION=.*/QEMU_VERSION=1:0.0.1+ds-1/'
t "fetch: a version no longer in the archive names the available ones" \
    with_env QEMU_MIGFIX_CACHE="$S/v/cache" expect_fail_with \
    "qemu 1:0.0.1\+ds-1 is no longer in sid; available source versions: .*1:10\.2\.2\+ds-1" \
    "$S/v/scripts/fetch.sh"

repo_with "$S/h" 's/^QEMU_DSC_SHA256=.*/QEMU_DSC_SHA256=0000/'
mkdir -p "$S/h/cache/src"
ln -s "$CACHE/src/dl" "$S/h/cache/src/dl"
t "fetch: a .dsc whose sha256 differs from base.env is refused" \
    with_env QEMU_MIGFIX_CACHE="$S/h/cache" expect_fail_with \
    "sha256 [0-9a-f]{64} does not match base.env \(0000\)" "$S/h/scripts/fetch.sh"

t "fetch: a second run downloads nothing" \
    bash -c '"$0/scripts/fetch.sh" 2>&1 | { ! grep -q downloading; }' "$TOP"

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
    bash -c '"$0" status | grep -q "in sync with patches/ (1 patches)"' "$TOP/scripts/tree.sh"

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

# --- a patch that no longer applies -------------------------------------
sed -e 's/Fixture: proves the queue builds/Fixture: second/' \
    -e 's/^Subject: .*/Subject: [PATCH] target\/arm\/kvm: Broken fixture/' \
    "$PATCHES/0001-target-arm-kvm-Fixture-change.patch" >"$PATCHES/0002-broken.patch"
echo 0002-broken.patch >>"$PATCHES/series"
t "apply: a patch that does not apply fails with its name" \
    with_env FORCE=1 expect_fail_with "patch 0002-broken.patch does not apply" tree apply
t "apply: the failed apply leaves no git am in progress" \
    test ! -d "$TREE/.git/rebase-apply"
