# Checks on the topic series in patches/: each applies alone to the base
# with git am (no fuzz) and exports again byte-identical; all of them stack
# in the order of patches/topics; every patch passes checkpatch.pl with no
# errors, is signed off by its author and has an "area: summary" subject;
# every topic has a cover letter.
. "$(dirname "$0")/lib.sh"

S=$TOP/build/tests/series

roundtrip() {   # roundtrip TOPIC
    rm -rf "$S/export"
    TREE=$S/$1 PATCHES=$S/export "$TOP/scripts/tree.sh" export &&
        diff -r "$S/export" "$TOP/patches/$1"
}
checkpatch() {   # no errors; warnings are shown in the log
    local out
    out=$(cd "$S/$2" && ./scripts/checkpatch.pl --no-color "$1" 2>&1)
    echo "$out"
    grep -qE '^total: 0 errors' <<<"$out"
}
signed_off() {   # ... by the author (the From: line, maybe folded)
    local author
    author=$(sed -n '/^From: /{N;s/^From: //;s/\n / /;s/\n.*//;p;q}' "$1")
    grep -qE '^Signed-off-by: [^<]+ <[^>]+@[^>]+>$' "$1" &&
        grep -qxF "Signed-off-by: $author" "$1"
}
subject() {   # "Subject: [PATCH v2 n/m] [NOT FOR MERGE] area[/sub]: Summary"
    grep -qE '^Subject: \[PATCH( v[0-9]+)?( [0-9]+/[0-9]+)?\] (\[NOT FOR MERGE\] )?[A-Za-z0-9_.+/ ,-]+: [^ ].{4,}$' "$1"
}

for topic in $(topics); do
    P=$TOP/patches/$topic
    t "$topic: applies alone to the base (git am, no fuzz)" scratch_tree "$S/$topic" "$topic"
    t "$topic: export of the applied topic is byte-identical" roundtrip "$topic"
    for p in $(lines "$P/series"); do
        t "checkpatch: $topic/$p" checkpatch "$P/$p" "$topic"
        t "signed-off by its author: $topic/$p" signed_off "$P/$p"
        t "subject is 'area: summary': $topic/$p" subject "$P/$p"
    done
    t "$topic: cover letter present, with a subject and a blurb" \
        bash -c 'test -e "$0" && ! grep -q "SUBJECT HERE\|BLURB HERE" "$0"' \
        "$P/0000-cover-letter.patch"
done
t "all topics stack on the base in the order of patches/topics" scratch_tree "$S/stacked"
# The linux-headers patch of a topic carries exactly the UAPI the kernel
# companion (linux/) adds, in the files QEMU's headers map it to.
for p in "$TOP"/patches/*/[0-9][0-9][0-9][0-9]-*linux-headers*.patch; do
    t "uapi: ${p#"$TOP"/patches/} is the kernel queue's uapi" \
        bash -c 'diff <("$0/scripts/linux-uapi.sh") <("$0/scripts/linux-uapi.sh" "$1")' "$TOP" "$p"
done
