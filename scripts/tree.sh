#!/usr/bin/env bash
# The QEMU work tree and the patch queue.
#
#   tree.sh apply    (re)create qemu/: base commit + patches/series via git am
#   tree.sh export   write qemu/'s commits since the base to patches/
#   tree.sh status   say whether qemu/ holds work not yet exported
#
# The tree and the queue directory can be overridden with TREE= and
# PATCHES= (the tests use scratch copies).
. "$(dirname "$0")/lib.sh"

PATCHES=${PATCHES:-$TOP/patches}

COVER=0000-cover-letter.patch
IDENT=(-c user.name="QEMU migration series" -c user.email=qemu-migfix@localhost)

# git in the tree, never in a repository above it.
g() { GIT_CEILING_DIRECTORIES=$(dirname "$TREE") git -C "$TREE" "${IDENT[@]}" "$@"; }

series() { grep -v '^\s*\(#\|$\)' "$PATCHES/series" 2>/dev/null || true; }

# Stable format-patch output: no commit hashes, no signature, fixed
# abbreviation, cover letter text from the branch description.
format_patches() {
    local out=$1 n
    n=$(g rev-list --count "$BASE_TAG..HEAD")
    [ "$n" -gt 0 ] || return 0
    g -c core.abbrev=12 -c diff.noprefix=false -c format.signOff=false \
        format-patch -q --zero-commit --no-signature --no-attach \
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
            sub(/^Subject: \[PATCH [0-9]+\/[0-9]+\] /, ""); subj = $0; insubj = 1; next
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
    TREE=$TREE.tmp g add -A -f
    GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z TREE=$TREE.tmp \
        g commit -q -m "QEMU $QEMU_VERSION (Debian source package, patches applied)"
    TREE=$TREE.tmp g tag "$BASE_TAG"
    mv "$TREE.tmp" "$TREE"
}

cmd_apply() {
    if [ -d "$TREE/.git" ]; then
        local now
        now=$(tree_fingerprint)
        if [ "$now" = "$(fingerprint "$PATCHES")" ] && ! dirty; then
            log "$TREE is up to date with patches/"
            return
        fi
        dirty && die "$TREE has uncommitted changes; commit and 'make export'," \
                     "or discard them, before re-applying"
        # Commits are safe to drop only if they are exactly what was applied.
        if [ "${FORCE:-}" != 1 ] &&
           [ "$now" != "$(cat "$TREE/.git/migfix-applied" 2>/dev/null)" ]; then
            die "$TREE has commits not exported to patches/ (see 'make status');" \
                "run 'make export' first, or FORCE=1 to drop them"
        fi
        log "re-applying patches/ on $BASE_TAG"
        g checkout -q -B main "$BASE_TAG"
    else
        "$TOP/scripts/fetch.sh"
        create_base
    fi
    if [ -e "$PATCHES/$COVER" ]; then
        g config branch.main.description "$(cover_text "$PATCHES/$COVER")"
    fi
    local p
    for p in $(series); do
        [ -e "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
        if ! g am -q --whitespace=nowarn "$PATCHES/$p" >"$TREE/.git/am.log" 2>&1; then
            cat "$TREE/.git/am.log" >&2
            g am --abort || true
            die "patch $p does not apply"
        fi
    done
    tree_fingerprint >"$TREE/.git/migfix-applied"
    log "$TREE: $(series | wc -l) patches on $BASE_TAG"
}

cmd_export() {
    [ -d "$TREE/.git" ] || die "no work tree at $TREE (run 'make tree')"
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
    log "exported $(series | wc -l) patches to $PATCHES"
}

cmd_status() {
    if [ ! -d "$TREE/.git" ]; then
        echo "no work tree at $TREE (run 'make tree')"
        return
    fi
    local changes out
    changes=$(g status --porcelain --untracked-files=normal)
    out=$(unexported)
    if [ -z "$changes$out" ]; then
        echo "qemu/: in sync with patches/ ($(series | wc -l) patches)"
        return
    fi
    [ -n "$changes" ] && printf 'qemu/: uncommitted changes:\n%s\n' "$changes"
    [ -n "$out" ] && printf 'qemu/: commits not exported (make export):\n%s\n' "$out"
    return 0
}

case ${1:-} in
apply|export|status) "cmd_$1" ;;
*) die "usage: $0 apply|export|status" ;;
esac
