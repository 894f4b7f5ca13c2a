# The kernel companion (linux/): its pins are well formed, the queue applies
# with git am on Debian's linux 6.12.107-1, every patch is checkpatch.pl
# --strict clean in that tree, and the UAPI it adds is what the QEMU side
# expects (scripts/linux-uapi.sh prints it for comparison).
. "$(dirname "$0")/lib.sh"

S=$TOP/build/tests/kernel
rm -rf "$S"
mkdir -p "$S"
L=$TOP/linux

t "debian.lock: the groups kmod.sh fetches are there" \
    bash -c 'gs=$(grep -oE "(lock_fetch|unpack_source|lock.py\" install) [a-z0-9-]+" "$0/scripts/kmod.sh" |
                 awk "{ print \$NF }" | sort -u)
             [ "$(echo "$gs" | wc -w)" -ge 4 ] || { echo "groups found: $gs"; exit 1; }
             for g in $gs; do
                 grep -q "^$g req " "$0/debian.lock" || { echo "no group $g"; exit 1; }
             done' "$TOP"
t "series: lists every numbered patch, in order" \
    bash -c 'cd "$0" && diff <(ls 000[1-9]*.patch 00[1-9][0-9]*.patch 2>/dev/null) series' "$L"

# The base tree (fetched, verified and unpacked by kmod.sh, cached).
ksrc=$("$TOP/scripts/kmod.sh" tree 2>"$S/tree.log") || { cat "$S/tree.log"; ksrc=; }
if [ -z "$ksrc" ]; then
    echo "not ok - kernel tree: scripts/kmod.sh tree failed"
else
    W=$S/linux
    git clone -q --shared --no-checkout "$ksrc" "$W"
    git -C "$W" fetch -q "$ksrc" "+refs/tags/base:refs/tags/base"
    git -C "$W" checkout -q -f -B main base
    am() {
        local p
        while read -r p; do
            git -C "$W" -c user.name=Test -c user.email=test@localhost \
                am -q "$L/$p" || return 1
        done <"$L/series"
    }
    t "git am: the queue applies on Debian's linux 6.12.107-1" am
    t "git am: one commit per patch" \
        test "$(git -C "$W" rev-list --count base..HEAD)" = "$(wc -l <"$L/series")"
    while read -r p; do
        t "checkpatch --strict: $p" \
            bash -c 'cd "$0" && out=$(./scripts/checkpatch.pl --strict "$1") ||
                     { echo "$out"; exit 1; }
                     grep -q "^total: 0 errors, 0 warnings, 0 checks" <<<"$out" ||
                     { echo "$out"; exit 1; }' "$W" "$L/$p"
    done <"$L/series"
    t "subjects: every patch is 'KVM: PPC: Book3S HV: ...'" \
        bash -c '! git -C "$0" log --format=%s base..HEAD | grep -v "^KVM: PPC: Book3S HV: "' "$W"
    t "cover letter: names the base, the proposed numbers and the rebase" \
        bash -c 'for w in "6.12.107-1" "250" "251" "powerpc/topic/ppc-kvm" \
                          "Fabiano Rosas" "c363a37a450f"; do
                     grep -q -- "$w" "$0" || { echo "missing: $w"; exit 1; }
                 done' "$L/0000-cover-letter.patch"
fi

# The UAPI of the queue, printed for the QEMU side to compare with its
# linux-headers patch.
"$TOP/scripts/linux-uapi.sh" >"$S/uapi.txt"
sed 's/^/# uapi: /' "$S/uapi.txt"
t "uapi: the capabilities and values the QEMU side uses" \
    diff - "$S/uapi.txt" <<'EXPECT'
arch/powerpc/include/uapi/asm/kvm.h	#define KVM_PPC_GTSE_ALLOWED 1
arch/powerpc/include/uapi/asm/kvm.h	#define KVM_PPC_GTSE_NOT_ALLOWED 2
include/uapi/linux/kvm.h	#define KVM_CAP_PPC_GTSE 250
include/uapi/linux/kvm.h	#define KVM_CAP_PPC_PVR_COMPAT 251
EXPECT
t "uapi: the capability numbers are above Linux 7.2's highest (249)" \
    awk -F'\t' '$2 ~ /KVM_CAP_/ { split($2, w, " "); if (w[3] + 0 <= 249) exit 1 }' "$S/uapi.txt"
