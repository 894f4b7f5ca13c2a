#!/usr/bin/env bash
# The QEMU work tree and the patch queue.
#
# The queue is a set of topic series, each sendable alone (patches/TOPIC:
# series file, cover letter, numbered patches); patches/topics lists them.
#
#   tree.sh apply    (re)create qemu/: the base commit + every topic of
#                    patches/topics stacked in order (what the `series`
#                    variant builds); a patch that is the same change as
#                    one already applied (git patch-id: the linux-headers
#                    patch two topics carry) is applied once
#   TOPIC=T tree.sh apply    qemu/ = the base + topic T alone (to edit it)
#   TOPIC=T tree.sh export   write qemu/'s commits since the base to
#                    patches/T (only a tree made for one topic exports)
#   tree.sh status   say whether qemu/ holds work not yet exported
#
# The tree and the queue directory can be overridden with TREE= and
# PATCHES= (a directory with a `series` file is one topic, with a `topics`
# file a stack of them; the tests use scratch copies).
. "$(dirname "$0")/lib.sh"

if [ -n "${TOPIC:-}" ]; then
    PATCHES=$TOP/patches/$TOPIC
    [ -e "$PATCHES/series" ] || die "no topic $TOPIC (patches/$TOPIC/series)"
fi
PATCHES=${PATCHES:-$TOP/patches}

COVER=0000-cover-letter.patch
IDENT=(-c user.name="QEMU Lab Engineer" -c user.email=lab@qemu-migfix.example)
PREFIX="PATCH${SERIES_VERSION:+ v$SERIES_VERSION}"

# git in the tree, never in a repository above it.
g() { GIT_CEILING_DIRECTORIES=$(dirname "$TREE") git -C "$TREE" "${IDENT[@]}" "$@"; }

series() { lines "$PATCHES/series"; }
stacked() { [ -e "$PATCHES/topics" ]; }

# Stable format-patch output: no commit hashes, no signature, fixed
# abbreviation, cover letter text from the branch description.
format_patches() {
    local out=$1 n
    n=$(g rev-list --count "$BASE_TAG..HEAD")
    [ "$n" -gt 0 ] || return 0
    g -c core.abbrev=12 -c diff.noprefix=false -c format.signOff=false \
        format-patch -q --zero-commit --no-signature --no-attach \
        --subject-prefix="$PREFIX" --notes \
        --cover-letter --cover-from-description=subject --encode-email-headers \
        -o "$out" "$BASE_TAG..HEAD" >/dev/null
    # The cover letter is dated like the newest patch, not "now".
    sed -i "3s/^Date: .*/Date: $(g log -1 --format=%aD HEAD)/" "$out/$COVER"
}

# Cover letter text (subject paragraph + body) from an exported cover
# letter: what format-patch put there from the branch description.
cover_text() {
    awk '
        !body && /^Subject: / {
            sub(/^Subject: \[PATCH( v[0-9]+)? [0-9]+\/[0-9]+\] /, ""); subj = $0; insubj = 1; next
        }
        !body && insubj && /^[ \t]/ { subj = subj $0; next }   # folded header
        !body { insubj = 0 }
        !body && /^$/ { body = 1; print subj; print ""; next }
        body && /^[^ ].* \([0-9]+\):$/ { exit }                 # the shortlog
        body { print }
    ' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

dirty() { [ -n "$(g status --porcelain --untracked-files=normal)" ]; }

# fingerprint DIR: one hash over the numbered patch files in DIR.
fingerprint() {
    (cd "$1" && cat $(ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null) </dev/null) |
        sha256sum | cut -d' ' -f1
}

# unexported: prints what differs between the tree's commits and patches/.
unexported() {
    local tmp f
    tmp=$(mktemp -d)
    format_patches "$tmp"
    for f in $(cd "$tmp" && ls); do
        cmp -s "$tmp/$f" "$PATCHES/$f" || echo "  $f"
    done
    for f in $(cd "$PATCHES" && ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null); do
        [ -e "$tmp/$f" ] || echo "  $f (in patches/, not in the tree)"
    done
    rm -rf "$tmp"
}

# tree_fingerprint: fingerprint of what export would write now.
tree_fingerprint() {
    local tmp fp
    tmp=$(mktemp -d)
    format_patches "$tmp"
    fp=$(fingerprint "$tmp")
    rm -rf "$tmp"
    echo "$fp"
}

create_base() {
    log "creating $TREE from $BASE_SRC"
    rm -rf "$TREE.tmp"
    cp -a "$BASE_SRC" "$TREE.tmp"
    rm -f "$TREE.tmp"/.unpacked-*
    git init -q -b main "$TREE.tmp"
    # Re-applying makes many objects; a background gc of a QEMU-sized
    # repository would cost minutes of CPU for nothing.
    git -C "$TREE.tmp" config gc.auto 0
    TREE=$TREE.tmp g add -A -f
    GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z TREE=$TREE.tmp \
        g commit -q -m "QEMU $QEMU_VERSION (Debian source package, patches applied)"
    TREE=$TREE.tmp g tag "$BASE_TAG"
    mv "$TREE.tmp" "$TREE"
}

# input_fingerprint: one hash over every topic's patches (stacked mode).
input_fingerprint() {
    local t
    for t in $(topics "$PATCHES"); do echo "$t $(fingerprint "$PATCHES/$t")"; done |
        sha256sum | cut -d' ' -f1
}

# safe_to_drop: the tree's commits are exactly what was applied or exported
# (a stacked tree: its HEAD is the one apply made).
safe_to_drop() {
    local rec
    rec=$(cat "$TREE/.git/migfix-applied" 2>/dev/null) || return 1
    case $rec in
    stack\ *) [ "$(g rev-parse HEAD)" = "$(cut -d' ' -f2 <<<"$rec")" ] ;;
    *) [ "$(tree_fingerprint)" = "$rec" ] ;;
    esac
}

up_to_date() {
    dirty && return 1
    if stacked; then
        [ "$(cat "$TREE/.git/migfix-applied" 2>/dev/null)" = \
          "stack $(g rev-parse HEAD) $(input_fingerprint)" ]
    else
        [ "$(cat "$TREE/.git/migfix-from" 2>/dev/null)" = "$PATCHES" ] &&
            [ "$(tree_fingerprint)" = "$(fingerprint "$PATCHES")" ]
    fi
}

# notes_of PATCH: the text below a patch's "---" line, before its diffstat
# (what was tested, changes since v1): format-patch writes a commit's git
# notes there ("Notes:", indented), git am drops it.
notes_of() {
    awk '
        !s && /^---$/ { s = 1; next }
        !s { next }
        /^---$|^ .* \| +[0-9]+ |^ [0-9]+ files? changed|^diff --git / { exit }
        { print }
    ' "$1" | sed -e '/./,$!d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' |
        awk 'NR == 1 && /^Notes:$/ { n = 1; next } { if (n) sub(/^    /, ""); print }'
}

# am QUEUE PATCH: apply one patch file (its notes as the commit's git
# notes), or stop naming it.
am() {
    local notes
    [ -e "$1/$2" ] || die "${1#"$TOP"/}/series names $2, which does not exist"
    if ! g am -q --keep-non-patch --whitespace=nowarn "$1/$2" >"$TREE/.git/am.log" 2>&1; then
        cat "$TREE/.git/am.log" >&2
        g am --abort || true
        die "patch $2 does not apply"
    fi
    notes=$(notes_of "$1/$2")
    [ -z "$notes" ] || g notes add -f -m "$notes" HEAD
}

# Each topic is applied alone on the base (branch topic/NAME), then its
# commits are cherry-picked onto main in the order of patches/topics: a
# three-way merge where two topics add to the same list.
apply_stacked() {
    local t p c id n=0
    declare -A seen=()
    g config --unset branch.main.description || true
    for t in $(topics "$PATCHES"); do
        [ -e "$PATCHES/$t/series" ] || die "patches/topics names $t, which has no series"
        g checkout -q -B "topic/$t" "$BASE_TAG"
        for p in $(lines "$PATCHES/$t/series"); do
            am "$PATCHES/$t" "$p"
        done
    done
    g checkout -q main
    for t in $(topics "$PATCHES"); do
        for c in $(g rev-list --reverse "$BASE_TAG..topic/$t"); do
            id=$(g show "$c" | git patch-id --stable | cut -d' ' -f1)
            if [ -n "${seen[$id]:-}" ]; then
                log "$t: '$(g log -1 --format=%s "$c")' is the same change as in ${seen[$id]}, applied once"
                continue
            fi
            if ! g cherry-pick --allow-empty "$c" >"$TREE/.git/am.log" 2>&1; then
                cat "$TREE/.git/am.log" >&2
                g cherry-pick --abort || true
                die "topic $t: '$(g log -1 --format=%s "$c")' does not stack on the topics before it"
            fi
            seen[$id]=$t
            n=$((n + 1))
        done
    done
    echo "stack $(g rev-parse HEAD) $(input_fingerprint)" >"$TREE/.git/migfix-applied"
    log "$TREE: $n patches of $(topics "$PATCHES" | wc -l) topics on $BASE_TAG"
}

apply_one() {
    local p
    if [ -e "$PATCHES/$COVER" ]; then
        g config branch.main.description "$(cover_text "$PATCHES/$COVER")"
    fi
    for p in $(series); do
        am "$PATCHES" "$p"
    done
    tree_fingerprint >"$TREE/.git/migfix-applied"
    log "$TREE: $(series | wc -l) patches on $BASE_TAG"
}

cmd_apply() {
    if [ -d "$TREE/.git" ]; then
        if up_to_date; then
            log "$TREE is up to date with ${PATCHES#"$TOP"/}"
            return
        fi
        dirty && die "$TREE has uncommitted changes; commit and 'make export'," \
                     "or discard them, before re-applying"
        # Commits are safe to drop only if they are exactly what was applied.
        if [ "${FORCE:-}" != 1 ] && ! safe_to_drop; then
            die "$TREE has commits not exported (see 'make status');" \
                "run 'make export TOPIC=...' first, or FORCE=1 to drop them"
        fi
        log "re-applying ${PATCHES#"$TOP"/} on $BASE_TAG"
        g checkout -q -B main "$BASE_TAG"
    else
        "$TOP/scripts/fetch.sh"
        create_base
    fi
    echo "$PATCHES" >"$TREE/.git/migfix-from"
    if stacked; then apply_stacked; else apply_one; fi
}

cmd_export() {
    [ -d "$TREE/.git" ] || die "no work tree at $TREE (run 'make tree')"
    stacked && die "name the topic to export: make export TOPIC=NAME" \
                   "(topics: $(topics "$PATCHES" | tr '\n' ' '))"
    local from
    from=$(cat "$TREE/.git/migfix-from" 2>/dev/null || true)
    if [ -e "$from/topics" ]; then
        die "$TREE stacks every topic and cannot be exported; make tree" \
            "TOPIC=NAME, commit there, then make export TOPIC=NAME"
    fi
    dirty && die "$TREE has uncommitted changes; commit them before exporting"
    local tmp
    tmp=$(mktemp -d)
    format_patches "$tmp"
    mkdir -p "$PATCHES"
    rm -f "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch
    (cd "$tmp" && ls | grep -v "^$COVER\$" || true) >"$PATCHES/series"
    cp "$tmp"/*.patch "$PATCHES/" 2>/dev/null || true
    rm -rf "$tmp"
    # patches/ now holds exactly what the tree exports.
    fingerprint "$PATCHES" >"$TREE/.git/migfix-applied"
    echo "$PATCHES" >"$TREE/.git/migfix-from"
    log "exported $(series | wc -l) patches to $PATCHES"
}

cmd_status() {
    if [ ! -d "$TREE/.git" ]; then
        echo "no work tree at $TREE (run 'make tree')"
        return
    fi
    local changes out from
    changes=$(g status --porcelain --untracked-files=normal)
    from=$(cat "$TREE/.git/migfix-from" 2>/dev/null || echo "$PATCHES")
    if [ -e "$from/topics" ]; then
        if safe_to_drop; then
            out=
        else
            out="  commits on top of the stacked topics (make tree TOPIC=NAME to edit one)"
        fi
        [ -z "$changes$out" ] &&
            { echo "qemu/: the topics of ${from#"$TOP"/}, stacked as applied"; return; }
    else
        out=$(PATCHES=$from unexported)
        [ -z "$changes$out" ] &&
            { echo "qemu/: in sync with ${from#"$TOP"/} ($(PATCHES=$from series | wc -l) patches)"; return; }
    fi
    [ -n "$changes" ] && printf 'qemu/: uncommitted changes:\n%s\n' "$changes"
    [ -n "$out" ] && printf 'qemu/: commits not exported (make export):\n%s\n' "$out"
    return 0
}

case ${1:-} in
apply|export|status) "cmd_$1" ;;
*) die "usage: $0 apply|export|status" ;;
esac
