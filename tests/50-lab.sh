# The lab's quick group: each arch and each fix area, in every column; a
# result passes when its outcome is the expected one (stock failing where
# the series fixes something is expected).  A result whose outcome is
# "error" (the lab itself failed: a boot timed out, a tool crashed) is run
# once more; a wrong pass or fail never is.
. "$(dirname "$0")/lib.sh"

R=$TOP/build/lab
# Results are read only from the run just made: one that stops before
# running (images, binaries) leaves none, and that is a failed test.
rm -f "$R/results.json" "$TLOG"/results-*.json
"$TOP/lab/run" -g quick >"$TLOG/lab.log" 2>&1
sed 's/^/# /' "$TLOG/lab.log"
if [ ! -e "$R/results.json" ]; then
    echo "not ok - lab: the quick group did not run ($(tail -n 1 "$TLOG/lab.log"))"
    exit 1
fi
mv "$R/results.json" "$TLOG/results-first.json"

retry=$(python3 - "$TLOG/results-first.json" <<'PY'
import json, sys
errs = [r for r in json.load(open(sys.argv[1])) if r['outcome'] == 'error']
print(' '.join(sorted({r['id'] for r in errs})), end='|')
print(','.join(sorted({r['column'] for r in errs})))
PY
)
ids=${retry%|*} cols=${retry#*|}
if [ -n "$ids" ]; then
    echo "# retrying after a lab error: $ids ($cols)"
    "$TOP/lab/run" -s "${ids// /,}" -c "$cols" >"$TLOG/lab-retry.log" 2>&1
    sed 's/^/# /' "$TLOG/lab-retry.log"
    [ ! -e "$R/results.json" ] || mv "$R/results.json" "$TLOG/results-retry.json"
fi

python3 - "$TLOG/results-first.json" "$TLOG/results-retry.json" <<'PY'
import json, os, sys

def key(r):
    return (r['id'], r['column'])

results = {key(r): r for r in json.load(open(sys.argv[1]))}
if os.path.exists(sys.argv[2]):
    for r in json.load(open(sys.argv[2])):
        if key(r) in results and results[key(r)]['outcome'] == 'error':
            results[key(r)] = r
failed = 0
for r in results.values():
    ok = r['as_expected']
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} - lab {r['id']} "
          f"[{r['src_qemu']}->{r['dst_qemu']}] expected {r['expected']}: "
          f"{r['outcome']} ({r['seconds']:.0f} s) {r['detail'][:120]}")
sys.exit(1 if failed or not results else 0)
PY
