# The lab's quick group: each arch and each fix area, stock and series
# columns; a result passes when its outcome is the expected one (stock
# failing where the series fixes something is expected).
. "$(dirname "$0")/lib.sh"

"$TOP/lab/run" -g quick >"$TLOG/lab.log" 2>&1
rc=$?
sed 's/^/# /' "$TLOG/lab.log"
python3 - "$TOP/build/lab/results.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    name = f"lab {r['id']} [{r['src_qemu']}->{r['dst_qemu']}] expected {r['expected']}"
    ok = r['outcome'] == r['expected']
    print(f"{'ok' if ok else 'not ok'} - {name}: {r['outcome']} ({r['seconds']:.0f} s) {r['detail'][:100]}")
PY
exit $rc
