"""L1 boots: one L0 process per L1 with its job disk, the L0's own
limits, and what an L1 console says (the @@ lines, module loads, oopses)."""

import io
import os
import re
import shlex
import subprocess
import tarfile
import time

from .common import q
from .images import QEMU_DATA, initrd, kernel_image, l0_binary

# The scenario keys that make an L1 boot what it is (with its L0 machine
# kind and CPU).
L1_KEYS = ('l0_machine', 'l0_cpu', 'kernel', 'l0_mem', 'l1_append', 'l0_opts',
           'l0_props', 'l1_kmod')

# How an L1 is booted, per L0 machine kind.
L0_MACHINE = {
    # arm64: virt with EL2 so L1 has KVM (VHE)
    'virt': dict(arch='arm64', mem='2G',
                 machine='virt,virtualization=on,gic-version=3',
                 console='ttyAMA0'),
    # ppc64: a bare-metal POWER box (skiboot firmware, real HV mode)
    'powernv8': dict(arch='ppc64', mem='2G', machine='powernv8',
                     console='hvc0', firmware=True),
    'powernv9': dict(arch='ppc64', mem='2G', machine='powernv9',
                     console='hvc0', firmware=True),
    'powernv10': dict(arch='ppc64', mem='2G', machine='powernv10',
                      console='hvc0', firmware=True),
    # ppc64: a pseries guest with nested KVM-HV (L1 runs kvm-hv nested)
    'pseries': dict(arch='ppc64', mem='2G',
                    machine='pseries,cap-nested-hv=on,x-vof=on,vsmt=1',
                    console='hvc0', vof=True),
}

# The first line of every L1 job: the host probe (lab/probes).
PROBE = {'arm64': 'probe reglist', 'ppc64': 'probe pvr'}


class L1:
    """One L0 process booting an L1 with a job."""

    def __init__(self, sc, side, job, logdir, l0dir, variants, carry,
                 ports=(), server=False, hv_kmods=(), net=None):
        self.side = side
        self.logdir = logdir
        self.con = os.path.join(logdir, side + '-l1-console.log')
        arch = sc.arch
        kind = sc.l0_kind(side)
        m = L0_MACHINE[kind]
        kver = sc.side('kernel', side)
        self.kmod = sc.kmod(side)
        kmods = ({self.kmod} | set(hv_kmods)) - {'debian'}
        lv = sc.transport == 'libvirt'
        rd, payload, unpack = initrd(arch, kver, variants, kmods, libvirt=lv)
        job = unpack + job
        jobimg = os.path.join(logdir, side + '-job.tar')
        with tarfile.open(jobimg, 'w', format=tarfile.USTAR_FORMAT) as t:
            data = job.encode()
            ti = tarfile.TarInfo('job.sh')
            ti.size = len(data)
            ti.mode = 0o755
            t.addfile(ti, io.BytesIO(data))
        with open(jobimg, 'ab') as f:      # pad to a whole number of sectors
            f.truncate(((os.path.getsize(jobimg) + 65535) // 65536) * 65536)
        with open(os.path.join(logdir, side + '-job.sh'), 'w') as f:
            f.write(job)
        append = 'console=%s quiet panic=-1 %s' % (
            m['console'], sc.side('l1_append', side, ''))
        if self.kmod != 'debian':       # read by guest/l1-init
            append += ' lab.kmod=' + self.kmod
        l0m = m['machine'] + (',' + sc.side('l0_props', side)
                              if sc.side('l0_props', side) else '')
        cmd = [l0_binary(arch, l0dir), '-M', l0m,
               '-cpu', sc.l0_cpu(side), '-smp', '1',
               '-m', sc.side('l0_mem', side, m['mem']),
               '-display', 'none', '-no-reboot', '-monitor', 'none', '-nic', 'none',
               '-serial', 'file:' + self.con,
               '-kernel', kernel_image(arch, kver),
               '-initrd', rd,
               '-append', append.strip()]
        if arch == 'arm64' and sc.l0_cpu(side) == 'max':
            cmd[cmd.index('-cpu') + 1] = 'max,pauth-impdef=on'
        if m.get('firmware') or m.get('vof'):
            cmd += ['-L', QEMU_DATA]
        if kind == 'pseries':
            cmd += ['-vga', 'none']
        disks = [('job', jobimg)] + ([('carry', carry)] if carry else [])
        if payload:
            disks.append(('payload', payload))
        # powernv: one device per PHB root port (pcie.N, slot 0 only)
        bus = iter(',bus=pcie.%d' % n for n in range(8)) \
            if kind.startswith('powernv') else iter(lambda: '', None)
        for i, (name, path) in enumerate(disks):
            ro = ',read-only=on' if name == 'payload' else ''
            cmd += ['-drive', 'file=%s,format=raw,if=none,id=d%d%s' % (path, i, ro),
                    '-device', 'virtio-blk-pci,drive=d%d,serial=%s%s' % (
                        i, name, next(bus))]
        # A live pair's channels: the destination's L0 listens, the
        # source's connects once it does (see wait_listening), without
        # reconnect-ms: QEMU 11.1.1 aborts on a failed reconnecting connect
        # (yank_unregister_function() from qemu_chr_socket_connected()).
        if ports:
            cmd += ['-device', 'virtio-serial-pci,id=vs' + next(bus)]
            for i, (name, port) in enumerate(ports):
                cs = ',server=on,wait=off' if server else ''
                cmd += ['-chardev', 'socket,id=p%d,host=127.0.0.1,port=%d%s'
                        % (i, port, cs),
                        '-device', 'virtserialport,bus=vs.0,chardev=p%d,name=%s'
                        % (i, name)]
        # A libvirt pair's network: one virtio-net link between the two
        # L0s (the destination's listens, the source's connects to it).
        self.listen = [port for _, port in ports]
        if net:
            self.listen.append(net)
            cmd += ['-netdev', 'stream,id=n0,server=%s,addr.type=inet,'
                    'addr.host=127.0.0.1,addr.port=%d' % ('on' if server else 'off', net),
                    '-device', 'virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:00:00:%02x%s'
                    % (2 if server else 1, next(bus))]
        cmd += shlex.split(sc.side('l0_opts', side, ''))
        self.cmd = cmd
        with open(os.path.join(logdir, side + '-l0-cmd.txt'), 'w') as f:
            f.write(q(cmd) + '\n')

    def start(self):
        self.t0 = time.time()
        if os.path.exists(self.con):
            os.unlink(self.con)
        self.err = open(os.path.join(self.logdir, self.side + '-l0.log'), 'wb')
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                  stdout=self.err, stderr=subprocess.STDOUT)

    def wait_listening(self, timeout=60):
        """Until this L0 listens on all its ports (or exits, or timeout).
        Read from /proc/net/tcp, so that no probe connection reaches the
        L0's chardevs."""
        want = {'%04X' % port for port in self.listen}
        end = time.time() + timeout
        while time.time() < end and self.p.poll() is None:
            with open('/proc/net/tcp') as f:
                rows = [line.split() for line in f.readlines()[1:]]
            if want <= {r[1].split(':')[1] for r in rows if r[3] == '0A'}:
                return
            time.sleep(0.1)

    def skip(self):
        """Not booted (the other side's L1 already stopped the row)."""
        self.text = self.l0err = ''
        self.t0 = self.t1 = 0

    def wait(self, timeout):
        """Until the L1 job ends (or the L0 exits, or timeout)."""
        end = time.time() + timeout
        while time.time() < end:
            if self.p.poll() is not None:
                break
            try:
                with open(self.con, 'rb') as f:
                    if b'@@ end' in f.read():
                        break
            except OSError:
                pass
            time.sleep(0.2)
        try:
            self.p.wait(3)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t1 = time.time()
        self.err.close()
        try:
            with open(self.con, 'rb') as f:
                self.text = f.read().decode('utf-8', 'replace')
        except OSError:
            self.text = ''
        with open(os.path.join(self.logdir, self.side + '-l0.log'), 'rb') as f:
            self.l0err = f.read().decode('utf-8', 'replace')


def l1_boot(sc, side):
    """How SIDE's L1 of SC boots: its L0 machine kind and CPU, the L1 keys."""
    return (sc.l0_kind(side), sc.l0_cpu(side)) + tuple(
        sc.side(k, side, '') for k in L1_KEYS)


_l0_can = {}


def l0_can(arch, l0dir, machine, cpu):
    """Whether the L0 QEMU can model MACHINE with CPU (it starts, -S, and
    is still up after a few seconds); None or the L0's complaint."""
    key = (arch, machine, cpu)
    if key not in _l0_can:
        p = subprocess.Popen([l0_binary(arch, l0dir), '-M', machine, '-cpu', cpu,
                              '-S', '-display', 'none', '-monitor', 'none',
                              '-serial', 'none', '-nic', 'none', '-L', QEMU_DATA],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        try:
            out, _ = p.communicate(timeout=4)
            msg = [l for l in out.decode(errors='replace').splitlines()
                   if 'warning' not in l]
            _l0_can[key] = (msg[-1] if msg else 'L0 exited') if p.returncode else None
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            _l0_can[key] = None
    return _l0_can[key]


def parse_console(text):
    """The @@ lines: results per tag, logs per tag.file, probe lines."""
    res, logs, probes, notes = {}, {}, [], []
    for line in text.splitlines():
        line = line.replace('\r', '')
        i = line.find('@@ ')
        if i < 0:
            continue
        words = line[i + 3:]
        kind, _, rest = words.partition(' ')
        if kind == 'res':
            tag, _, kv = rest.partition(' ')
            d = res.setdefault(tag, {})
            m = re.match(r'([a-z_]*error)=(.*)$', kv)
            if m:                       # free text, the rest of the line
                d[m.group(1)] = m.group(2)
                continue
            for w in kv.split():
                k, _, v = w.partition('=')
                d[k] = v
        elif kind == 'log':
            name, _, l = rest.partition(': ')
            logs.setdefault(name.rstrip(':'), []).append(l)
        elif kind == 'probe':
            probes.append(rest)
        else:
            notes.append(words)
    return res, logs, probes, notes


def kmod_state(notes):
    """(kind, error) of the KVM modules an L1 (or L2) reported
    ("@@ kmod debian", "@@ kmod patched kvm=SRCVERSION kvm-hv=...", "@@ kmod
    error MODULE: insmod's message"); (None, None) without a report."""
    for n in notes:
        if n.startswith('kmod error '):
            return None, n[len('kmod error '):].strip()
        if n.startswith('kmod '):
            words = n.split()
            if '(built:' in n:
                return None, 'the modules that run are not the ones built: ' + n[5:]
            return words[1], None
    return None, None


def l1_oops(text):
    """An L1 kernel oops on an L1 console: its first line and the function
    it hit (NIP), or None."""
    lines = [l.strip() for l in text.splitlines() if not l.startswith('@@')]
    for i, l in enumerate(lines):
        if re.search(r'Oops:|Kernel panic|kernel BUG', l):
            nip = [re.sub(r'^\[[ \d.]+\] ', '', x) for x in lines[i:i + 40]
                   if re.search(r'NIP \[|pc : ', x)]
            return ' / '.join([re.sub(r'^\[[ \d.]+\] ', '', l)] + nip[:1])
    return None
