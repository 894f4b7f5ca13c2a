# TAP-style helpers for the test scripts in tests/.  Source it.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
set +e

TLOG=$TOP/build/tests/${0##*/}
TLOG=${TLOG%.sh}
mkdir -p "$TLOG"

# t NAME CMD...: run CMD, print "ok - NAME" or "not ok - NAME" and, on
# failure, the tail of its output.  Returns CMD's status.
t() {
    local name=$1 log rc
    shift
    log=$TLOG/$(echo "$name" | tr -c 'A-Za-z0-9_.-' _).log
    "$@" >"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        tail -n 15 "$log" | sed 's/^/#   /'
    fi
    return $rc
}

# skip NAME REASON
skip() { echo "ok - $1 # SKIP $2"; }

# expect_fail_with REGEX CMD...: CMD must fail and print REGEX (ERE).
expect_fail_with() {
    local re=$1 out
    shift
    if out=$("$@" 2>&1); then
        echo "unexpectedly succeeded: $out"
        return 1
    fi
    echo "$out"
    grep -qE -- "$re" <<<"$out" || { echo "missing /$re/"; return 1; }
}

# with_env VAR=VALUE CMD...: run CMD (a function too) with VAR exported.
with_env() { local -x "$1"; shift; "$@"; }

# The unit tests the series adds (register and feature sets, arm; PVR
# match rules and decisions, ppc); 40-qemu.sh runs them, 45-sanitizers.sh
# again under ASan.
SERIES_UNIT_TESTS=(test-arm-cpreg-set test-ppc-pvr-compat)
