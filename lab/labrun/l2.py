"""The L2 side: the QEMU command lines under test and the job lines that
have an L1 run them (guest/l1-init's src, dst and nested start each L2
and drive it over QMP, guest/qmp.c), and the L2 logs an L1 sends back."""

import os
import shlex
from xml.sax.saxutils import quoteattr

from .common import q

# The L2 machine per (arch, L0 kind): -M and -cpu defaults.
L2_DEFAULTS = {
    ('arm64', 'virt'): dict(machine='virt,gic-version=3', cpu='host',
                            mem='256M'),
    ('ppc64', 'powernv'): dict(
        machine='pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,'
                'cap-ibs=broken,cap-ccf-assist=off', cpu='host', mem='512M'),
    ('ppc64', 'pseries'): dict(
        machine='pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,'
                'cap-ibs=broken,cap-ccf-assist=off,ic-mode=xics',
        cpu='host', mem='512M'),
}


def l2_args(sc, side):
    arch = sc.arch
    kind = sc.l0_kind(side)
    k = 'virt' if kind == 'virt' else (
        'pseries' if kind == 'pseries' else 'powernv')
    d = L2_DEFAULTS[(arch, k)]
    machine = d['machine']
    mtype = sc.side('machine_type', side)
    if mtype:
        machine = mtype + machine[machine.find(','):]
    extra = sc.side('machine', side, '')
    if extra:
        machine += ',' + extra
    args = ['-M', machine, '-accel', 'kvm',
            '-cpu', sc.side('cpu', side, d['cpu']),
            '-m', sc.side('mem', side, d['mem'])]
    args += shlex.split(sc.side('qemu_opts', side, ''))
    return args


def migration_lines(sc, c, i, live):
    """(source job line, destination job line) of unit I of a session:
    scenario SC in column C, its stream over port migI (LIVE) or at its
    own offset of the carry disk."""
    tag = '%s.%s' % (sc.id, c)
    env = 'L2APPEND="$L2APPEND0 "%s; ' % shlex.quote(
        sc.s.get('l2_append', ''))
    env += 'PORT=; '
    if live:
        uri_src = uri_dst = '"$(port_uri mig%d)"' % i
        env += 'PORT=mig%d; ' % i
    else:
        # each unit's stream at its own offset of the carry disk
        # (dd: QEMU's file: URI cannot write to a block device)
        uri_src = ('"exec:dd of=$CARRY bs=1M seek=%d conv=notrunc '
                   '2>/dev/null"' % (i * 512))
        uri_dst = '"exec:dd if=$CARRY bs=1M skip=%d 2>/dev/null"' % (i * 512)
    src = '%ssrc %s %s %s %s \'\' %s\n' % (
        env, shlex.quote(tag + '.src'), shlex.quote(sc.qemu('src', c)),
        sc.guest, uri_src, q(l2_args(sc, 'src')))
    dst = '%sdst %s %s %s \'\' 1 %s\n' % (
        env, shlex.quote(tag + '.dst'), shlex.quote(sc.qemu('dst', c)),
        uri_dst, q(l2_args(sc, 'dst')))
    return src, dst


# transport = libvirt: the domain as an operator writes it.  The plain
# machine alias (libvirt expands it to the emulator's default machine type
# on the source, and the destination gets that exact type), a
# host-passthrough CPU unless the row says otherwise (xml_cpu), a
# direct-kernel-boot tick guest with a serial log, no other device.
LV_DOMAIN = {
    'arm64': dict(arch='aarch64', machine='virt', mem=256,
                  features="<gic version='3'/>"),
    # under the lab's emulated POWER hosts the L1's KVM-HV cannot offer the
    # speculation workarounds: the operator says so (as for -M pseries,cap-*)
    'ppc64': dict(arch='ppc64le', machine='pseries', mem=512,
                  features="<cfpc value='broken'/><sbbc value='broken'/>"
                           "<ibs value='broken'/><ccf-assist state='off'/>"),
}
LV_CPU = "<cpu mode='host-passthrough'/>"


def emulator(sc, c):
    """The <emulator> of column C's domain: /lab/emu/VARIANT, or
    /lab/emu/SRC-to-DST for a cross-version row; on each side a wrapper
    running that side's QEMU (guest/l1lib.sh lv_emu).  Named after what
    it runs, not after the unit: libvirt probes an emulator once per path
    and daemon, so once per L1 boot however many rows run it."""
    src, dst = sc.qemu('src', c), sc.qemu('dst', c)
    return '/lab/emu/' + (src if src == dst else '%s-to-%s' % (src, dst))


def domain_xml(sc, side, name, emu):
    """The domain XML of unit NAME with the emulator EMU (see emulator)."""
    d = LV_DOMAIN[sc.arch]
    con = 'ttyAMA0' if sc.arch == 'arm64' else 'hvc0'
    append = ('console=%s quiet panic=-1 ' % con + sc.s.get('l2_append', '')).strip()
    # xml_qemu_args: QEMU options libvirt has no element for, the way a
    # libvirt user passes them (<qemu:commandline>)
    qargs = shlex.split(sc.side('xml_qemu_args', side, ''))
    ns = " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'" if qargs else ''
    qcmd = ['  <qemu:commandline>'] + [
        '    <qemu:arg value=%s/>' % quoteattr(a) for a in qargs] + [
        '  </qemu:commandline>'] if qargs else []
    return '\n'.join([
        "<domain type='kvm'%s>" % ns,
        '  <name>%s</name>' % name,
        "  <memory unit='MiB'>%s</memory>" % sc.side('mem', side, d['mem']),
        '  <vcpu>1</vcpu>',
        '  <os>',
        "    <type arch='%s' machine='%s'>hvm</type>" % (
            d['arch'], sc.side('machine_type', side, d['machine'])),
        '    <kernel>/l2/kernel</kernel>',
        '    <initrd>/l2/initrd</initrd>',
        '    <cmdline>%s</cmdline>' % append,
        '  </os>',
        '  <features>%s</features>' % d['features'],
        '  ' + sc.side('xml_cpu', side, LV_CPU),
        '  <devices>',
        '    <emulator>%s</emulator>' % emu,
        "    <serial type='file'><source path='/tmp/%s.con'/></serial>" % name,
        "    <controller type='usb' model='none'/>",
        "    <memballoon model='none'/>",
        '  </devices>'] + qcmd + ['</domain>', ''])


def libvirt_lines(sc, c, i):
    """(source job lines, destination job lines) of unit I of a libvirt
    session: the source defines, starts and migrates domain labI, the
    destination only names its emulator and judges what arrives."""
    tag = '%s.%s' % (sc.id, c)
    name = 'lab%d' % i
    emu = emulator(sc, c)
    xml = '/tmp/%s.xml' % name
    src = "cat >%s <<'EOXML'\n%sEOXML\n" % (xml, domain_xml(sc, 'src', name, emu))
    src += 'lvsrc %s %s %s %s %s %s\n' % (shlex.quote(tag + '.src'), name,
                                          shlex.quote(sc.qemu('src', c)), xml,
                                          sc.guest, emu)
    dst = 'lvdst %s %s %s 1 %s\n' % (shlex.quote(tag + '.dst'), name,
                                     shlex.quote(sc.qemu('dst', c)), emu)
    return src, dst


def nested_line(sc, c):
    """(job line, L2 hypervisor's QEMU variant) of column C of a nested
    scenario SC: an L2 hypervisor guest running the L3 tick guest."""
    hv = sc.s.get('hv_qemu', 'column')
    hv = c if hv == 'column' else hv
    line = 'nested %s %s %s %s %s %s %s\n' % (
        shlex.quote(c + '.hv'), shlex.quote(hv), shlex.quote(c),
        shlex.quote(sc.s.get('machine', '')),
        shlex.quote(sc.s.get('l2_append', '')),
        shlex.quote(sc.s.get('l3_machine.' + c, sc.s.get('l3_machine', ''))),
        shlex.quote(sc.hv_kmod(c)))
    return line, hv


def write_logs(cdir, logs, prefix):
    """The L2 logs PREFIX.NAME of an L1 console as CDIR/l2-NAME.log."""
    for name, lines in logs.items():
        if name.startswith(prefix + '.'):
            with open(os.path.join(cdir, 'l2-' + name[len(prefix) + 1:] + '.log'),
                      'w') as f:
                f.write('\n'.join(lines) + '\n')
