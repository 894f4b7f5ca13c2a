# The lab's libvirt transport (transport = libvirt), without booting
# anything: the domain XML an operator would write for every libvirt row,
# the job lines each L1 runs, and the judging of what libvirt reports (a
# pass needs the domain running on the destination and gone from the
# source; a refusal needs virsh's own error to carry QEMU's reason and the
# guest to run on at the source).  The rows run in 50-lab.sh (quick) and
# lab/run.
. "$(dirname "$0")/lib.sh"

t "libvirt: the libvirt-ARCH groups are locked and lab/images fetches them" \
    bash -c 'for a in arm64 ppc64el; do
        grep -q "^libvirt-$a req .*/libvirt-daemon-driver-qemu_11\.3\.0-" "$0/debian.lock" ||
            { echo "no libvirt-$a in debian.lock"; exit 1; }; done
        grep -q "lock_fetch \"libvirt-\$ARCH\"" "$0/lab/images"' "$TOP"
t "libvirt: guest/l1lib.sh parses (sh -n)" sh -n "$TOP/lab/guest/l1lib.sh"

t "libvirt: domain XML, job lines and judging (python)" python3 - "$TOP/lab" <<'PY'
import sys
import xml.etree.ElementTree as ET
sys.path.insert(0, sys.argv[1])
from labrun import judge, l2, scenarios, sessions
scs = {s.id: s for s in scenarios.load_scenarios()}
lv = [s for s in scs.values() if s.transport == 'libvirt']
assert {s.arch for s in lv} == {'arm64', 'ppc64'}, lv
for s in lv:
    assert sessions.session_key(s) == ('own', s.id)
    for side in ('src', 'dst'):
        d = ET.fromstring(l2.domain_xml(s, side, 'lab0', l2.emulator(s, 'series')))
        t = d.find('os/type')
        # the plain alias: libvirt expands it on the source
        assert t.get('machine') == {'arm64': 'virt', 'ppc64': 'pseries'}[s.arch], s.id
        assert d.find('devices/emulator').text.startswith('/lab/emu/')
        assert d.find('devices/serial/source').get('path') == '/tmp/lab0.con'
        assert d.find('cpu').get('mode') in ('host-passthrough', 'host-model'), s.id
a = scs['lv-arm-616-612-n1']
assert ET.fromstring(l2.domain_xml(a, 'src', 'x', 'e')).find('cpu').get('mode') == 'host-passthrough'
p = ET.fromstring(l2.domain_xml(scs['lv-ppc-p10c9-p9'], 'src', 'x', 'e')).find('cpu')
assert p.get('mode') == 'host-model' and p.find('model').text == 'power9'
src, dst = l2.libvirt_lines(a, 'series', 1)
# the emulator is named after the QEMU it runs, not after the unit:
# libvirt probes it once per L1 boot, however many rows run it
assert "<name>lab1</name>" in src and "<emulator>/lab/emu/series</emulator>" in src
assert src.rstrip().endswith('lvsrc lv-arm-616-612-n1.series.src lab1 series '
                             '/tmp/lab1.xml running /lab/emu/series'), src
assert dst == 'lvdst lv-arm-616-612-n1.series.dst lab1 series 1 /lab/emu/series\n', dst
assert l2.libvirt_lines(a, 'stock', 0)[1].endswith(' /lab/emu/stock\n')
x = scs['lv-arm-xver-deb-series']
xs, xd = l2.libvirt_lines(x, 'series', 0)
assert ' debian-10.0.13 ' in xs and ' series ' in xd
assert xs.rstrip().endswith(' /lab/emu/debian-10.0.13-to-series')
assert xd.endswith(' /lab/emu/debian-10.0.13-to-series\n')

# quick runs a libvirt row's series column only (columns.quick); the
# matrix keeps stock's expected failure
import types
opts = dict(scenario=None, arch=None, set=[], columns=None)
q, _ = scenarios.select(types.SimpleNamespace(group='quick', **opts))
qlv = [s for s in q if s.transport == 'libvirt']
assert {s.arch for s in qlv} == {'arm64', 'ppc64'}, qlv
assert all(s.columns == ['series'] for s in qlv), [(s.id, s.columns) for s in qlv]
m, _ = scenarios.select(types.SimpleNamespace(group='libvirt', **opts))
assert {tuple(s.columns) for s in m if s.id in {x.id for x in qlv}} == {('stock', 'series')}

class L1:
    text = l0err = ''

def run(sc, col, s, d):
    return judge.judge(sc, col, 't', s, d, {}, {}, L1(), L1())

ok = dict(src='completed', src_tick='3', lv_src_state='gone', mig_s='9')
landed = dict(dst='running', dst_tick='5', lv_dst_state='running')
r = run(a, 'series', ok, landed)
assert r['outcome'] == 'pass' and r['as_expected'], r
assert 'destination running' in r['detail'], r['detail']
# completed, but libvirt still has the domain on the source
r = run(a, 'series', dict(ok, lv_src_state='shut-off'), landed)
assert r['outcome'] == 'fail' and not r['as_expected'], r
k = scs['lv-arm-616-612-max']
# (the series' refusal as virsh relayed it, lab 2026-12-03, arm-kvm patch 14)
err = ("error: operation failed: migration failed. Message from the source host: "
       "operation failed: job 'migration out' failed: Sibling indicated error 1. "
       "Message from the destination host: operation failed: job 'migration in' "
       "failed: load of migration failed: Invalid argument: error while loading "
       "state for instance 0x0 of device 'cpu': post load hook failed for: cpu, "
       "version_id: 22, minimum_version: 22: KVM refused the incoming system registers: "
       "Could not set register system register op0:3 op1:0 crn:0 crm:4 op2:7 "
       "(ID_AA64FPFR0_EL1) to fc000003 (is f0000003) (and 2 more, see the log)")
refused = dict(src='failed', src_tick='3', lv_src_state='running', after='running',
               src_error=err)
gone = dict(dst='exited', lv_dst_state='gone')
r = run(k, 'series', refused, gone)
assert r['outcome'] == 'fail' and r['as_expected'], r
assert r['detail'].startswith('virsh: operation failed'), r['detail']
# stock: the destination QEMU exits, virsh only sees the stream break
broke = "error: operation failed: job 'migration out' failed: Channel error: Input/output error"
r = run(k, 'stock', dict(refused, src_error=broke), gone)
assert r['outcome'] == 'fail' and r['as_expected'], r
# the reason must be in virsh's error, not only in a QEMU log
r = run(k, 'series', dict(refused, src_error=broke), gone)
assert r['outcome'] == 'fail' and not r['as_expected'], r
assert "not seen in virsh's error" in r['detail'], r['detail']
# ... and name the register, not only that KVM refused
r = run(k, 'series', dict(refused, src_error=err.split(': Could not')[0]), gone)
assert r['outcome'] == 'fail' and not r['as_expected'], r
# a refusal that took the guest down on the source is no refusal
r = run(k, 'series', dict(refused, after='stopped'), gone)
assert r['outcome'] == 'error' and not r['as_expected'], r
PY
