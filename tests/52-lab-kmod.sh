# The lab's kernel-companion switch (l1_kmod / hv_kmod = patched), without
# booting anything: lab/run refuses unknown values, asks lab/images for the
# modules only when a selected row needs them, turns an L1's "@@ kmod"
# report into the row's result (an error naming the module and insmod's
# message when a load failed), and guest/l1lib.sh's kmod_load and
# kmod_report say what insmod and /sys/module said (fake insmod, dmesg and
# /sys/module).  The rows themselves run in 50-lab.sh (quick) and lab/run.
. "$(dirname "$0")/lib.sh"

S=$TLOG/scratch
rm -rf "$S"
mkdir -p "$S"

t "lab/run: an unknown l1_kmod value is refused before any boot" \
    expect_fail_with 'l1_kmod = bogus \(one of debian, patched\)' \
    "$TOP/lab/run" -s ppc-kmod-p9-22-23 -o l1_kmod=bogus
t "lab/run: an unknown hv_kmod value is refused before any boot" \
    expect_fail_with 'hv_kmod = old \(one of debian, patched\)' \
    "$TOP/lab/run" -s ppc-kmod-gtse-l3 -o hv_kmod=old

t "lab/run: kmod selection, reports and results (python)" python3 - "$TOP/lab" <<'PY'
import subprocess, sys
sys.path.insert(0, sys.argv[1])
from labrun import images, judge, l1, scenarios, sessions
scs = {s.id: s for s in scenarios.load_scenarios()}

# which rows need the kernel build
assert scs['ppc-kmod-gtse-3l'].kmods(['stock', 'series']) == {'patched'}
assert scs['ppc-kmod-gtse-l3'].kmods(['series']) == {'patched'}
assert scs['ppc-gtse-l3'].kmods(['series']) == set()
assert scs['ppc-p9-22-23'].kmods(['series']) == set()
s = scs['ppc-p9-22-23']
s.s['dst_l1_kmod'] = 'patched'
assert (s.kmod('src'), s.kmod('dst')) == ('debian', 'patched')
assert sessions.session_key(s) != sessions.session_key(scs['ppc-p9-22-23-precas'])

# lab/images gets LAB_KMOD=patched only when asked for
seen = []
images.subprocess.run = lambda cmd, env=None: (seen.append(env.get('LAB_KMOD')),
                                               subprocess.CompletedProcess(cmd, 0))[1]
images.build_images(['ppc64'], set())
images.build_images(['ppc64'], {'patched'})
assert seen == [None, 'patched'], seen

# an L1's reports
assert l1.kmod_state(['boot x', 'kmod debian']) == ('debian', None)
assert l1.kmod_state(['kmod patched kvm=AB kvm-hv=CD']) == ('patched', None)
k, e = l1.kmod_state(['kmod error kvm.ko: insmod: can\'t insert \'kvm.ko\': '
                      'invalid module format (kernel: kvm: version magic ...)'])
assert k is None and e.startswith('kvm.ko: insmod:') and 'version magic' in e, e
k, e = l1.kmod_state(['kmod patched kvm=AB(built:XY) kvm-hv=CD'])
assert k is None and 'not the ones built' in e, e
assert l1.kmod_state(['boot x']) == (None, None)
assert judge.kmod_summary([('src', 'patched'), ('dst', 'patched')]) == 'patched'
assert judge.kmod_summary([('src', 'debian'), ('dst', 'patched')]) == \
    'src debian, dst patched'
r = judge.error_result(scs['ppc-kmod-p9-22-23'], 'series', 'src L1 (patched modules): x')
assert r['outcome'] == 'error' and not r['as_expected'] and r['detail'].endswith('x')

# the probe line in the summary
assert 'GTSE cap 2, PVR_COMPAT 1' in judge.probe_summary(
    ['pvr: kmod caps PPC_GTSE 2/2 PPC_PVR_COMPAT 1/1'])
print('ok')
PY

# guest/l1lib.sh's kmod_load / kmod_report with fake insmod, dmesg and
# /sys/module: the first module that does not load is named with insmod's
# message and the kernel's line; a loaded one reports its build ID.
mkdir -p "$S/bin" "$S/mods/patched" "$S/sys/kvm/notes" "$S/sys/kvm_hv/notes"
printf 'kvm.ko\nkvm-hv.ko\n' >"$S/mods/patched/load"
printf 'kvm.ko vermagic=v build-id=aa01 sha256=1\nkvm-hv.ko vermagic=v build-id=bb02 sha256=2\n' \
    >"$S/mods/patched/info"
# note MODULE HEX: /sys/module/MODULE/notes/.note.gnu.build-id with ID HEX
# after the note's 16-byte header (namesz 4, descsz, type 3, "GNU")
note() {
    { printf '\004\0\0\0\024\0\0\0\003\0\0\0GNU\0'
      printf "$(echo "$2" | sed 's/../\\x&/g')"; } >"$S/sys/$1/notes/.note.gnu.build-id"
}
cat >"$S/bin/insmod" <<EOF
#!/bin/sh
case \$1 in
*kvm-hv.ko) [ -e "$S/hv-fails" ] || exit 0
    echo "kvm_hv: disagrees about version of symbol module_layout" >>"$S/dmesg"
    echo "insmod: can't insert '\$1': invalid module format" >&2; exit 1 ;;
esac
exit 0
EOF
printf '#!/bin/sh\ncat "%s/dmesg" 2>/dev/null\n' "$S" >"$S/bin/dmesg"
chmod +x "$S/bin/insmod" "$S/bin/dmesg"
echo "[    1.0] early line" >"$S/dmesg"
note kvm aa01
note kvm_hv bb02
lib() { PATH=$S/bin:$PATH KMOD_ROOT=$S/mods SYS_MODULE=$S/sys \
        sh -c ". '$TOP/lab/guest/l1lib.sh'; $1"; }
export -f lib
export S TOP
t "l1lib: kmod_load of loadable modules prints nothing" \
    bash -c '[ -z "$(lib "kmod_load patched")" ]'
t "l1lib: kmod_report names the kind and the loaded build IDs" \
    bash -c '[ "$(lib "kmod_report patched")" = "patched kvm=aa01 kvm-hv=bb02" ]'
note kvm_hv cc03
t "l1lib: kmod_report flags a loaded module that is not the built one" \
    bash -c '[ "$(lib "kmod_report patched")" = "patched kvm=aa01 kvm-hv=cc03(built:bb02)" ]'
rm "$S/sys/kvm_hv/notes/.note.gnu.build-id"
t "l1lib: kmod_report flags a loaded module without a build ID" \
    bash -c '[ "$(lib "kmod_report patched")" = "patched kvm=aa01 kvm-hv=absent(built:bb02)" ]'
touch "$S/hv-fails"
t "l1lib: a failed insmod names the module, insmod's message and the kernel's" \
    bash -c 'out=$(lib "kmod_load patched"); echo "$out"
             case $out in
             "kvm-hv.ko: insmod: can'"'"'t insert"*"invalid module format (kernel: kvm_hv: disagrees about version of symbol module_layout)") ;;
             *) exit 1 ;; esac'
t "l1lib: no kmod layer is a reason too" \
    bash -c 'lib "kmod_load missing" | grep -q "no .*/missing/load (lab/images did not add the kmod layer)"'
