# Checks on the series in patches/: it applies to the base with git am (no
# fuzz), exporting it again is byte-identical, and every patch passes
# checkpatch.pl with no errors, is signed off by its author and has an
# "area: summary" subject.
. "$(dirname "$0")/lib.sh"

S=$TOP/build/tests/series
mapfile -t patches < <(grep -v '^\s*\(#\|$\)' "$TOP/patches/series")

t "series: applies to the base (git am, no fuzz)" scratch_tree "$S/qemu"

roundtrip() {
    rm -rf "$S/export"
    TREE=$S/qemu PATCHES=$S/export "$TOP/scripts/tree.sh" export &&
        diff -r "$S/export" "$TOP/patches"
}
t "series: export of the applied series is byte-identical" roundtrip

checkpatch() {   # no errors; warnings are shown in the log
    local out
    out=$(cd "$S/qemu" && ./scripts/checkpatch.pl --no-color "$1" 2>&1)
    echo "$out"
    grep -qE '^total: 0 errors' <<<"$out"
}
signed_off() {   # ... by the author (the From: line, maybe folded)
    local author
    author=$(sed -n '/^From: /{N;s/^From: //;s/\n / /;s/\n.*//;p;q}' "$1")
    grep -qE '^Signed-off-by: [^<]+ <[^>]+@[^>]+>$' "$1" &&
        grep -qxF "Signed-off-by: $author" "$1"
}
subject() {   # "Subject: [PATCH n/m] area[/sub]: Summary"
    grep -qE '^Subject: \[PATCH( [0-9]+/[0-9]+)?\] [A-Za-z0-9_.+/ ,-]+: [^ ].{4,}$' "$1"
}
for p in "${patches[@]}"; do
    t "checkpatch: $p" checkpatch "$TOP/patches/$p"
    t "signed-off by its author: $p" signed_off "$TOP/patches/$p"
    t "subject is 'area: summary': $p" subject "$TOP/patches/$p"
done
if [ ${#patches[@]} -gt 0 ]; then
    t "cover letter: present, with a subject and a blurb" \
        bash -c '! grep -q "SUBJECT HERE\|BLURB HERE" "$0"' \
        "$TOP/patches/0000-cover-letter.patch"
fi
