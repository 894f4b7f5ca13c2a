"""What lab/images makes and what the lab needs built: the L0 and L2
binaries, the initrd layers joined per L1 boot, the kernels, the firmware."""

import os
import shutil
import subprocess
import sys
import threading

from .common import IMG, LAB, TOP, Missing, say

# The QEMU binaries, per arch: L0 (x86 TCG) and the L2 columns we build.
L0_BIN = {'arm64': 'qemu-system-aarch64', 'ppc64': 'qemu-system-ppc64'}
OWN_BUILD = {
    'series': {'arm64': 'build/arm/qemu-system-aarch64',
               'ppc64': 'build/ppc/qemu-system-ppc64'},
    'stock': {'arm64': 'build/stock/build/arm/qemu-system-aarch64',
              'ppc64': 'build/stock/build/ppc/qemu-system-ppc64'},
}
DEBARCH = {'arm64': 'arm64', 'ppc64': 'ppc64el'}

LAB_CACHE = os.path.join(os.environ.get('QEMU_MIGFIX_CACHE') or os.path.join(
    os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
    'qemu-migfix'), 'lab')
# The L0's -L for ppc64 (skiboot, SLOF/VOF): Debian's qemu data, from lab/images.
QEMU_DATA = os.path.join(LAB_CACHE, 'root', 'ppc64el', 'qemu-data', 'usr',
                         'share', 'qemu')

# powernv loads at most 128 MiB of initrd: there the QEMU layers travel on
# a "payload" disk instead (each layer at a MiB offset, unpacked by L1).
PAYLOAD_DISK = {'ppc64'}

_rd_lock = threading.Lock()


def l0_binary(arch, l0dir):
    p = os.path.join(l0dir, L0_BIN[arch])
    if not os.access(p, os.X_OK):
        raise Missing('missing L0 binary %s (build it with: make build)' % p)
    return p


def check_columns(arch, cols):
    for c in cols:
        if c in OWN_BUILD:
            p = os.path.join(TOP, OWN_BUILD[c][arch])
            if not os.access(p, os.X_OK):
                raise Missing('missing %s binary %s for column %s '
                              '(build it with: make build)' % (arch, p, c))


def missing_variants(arch):
    """{variant: reason} of the optional QEMU columns lab/images left out."""
    d = os.path.join(IMG, DEBARCH[arch])
    out = {}
    for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if fn.startswith('qemu-') and fn.endswith('.missing'):
            with open(os.path.join(d, fn)) as f:
                out[fn[5:-8]] = f.read().strip()
    return out


def build_images(arches, kmods=()):
    debs = [DEBARCH[a] for a in arches]
    env = dict(os.environ)
    env.pop('LAB_KMOD', None)
    if 'patched' in kmods:          # only then: the kernel build (make kmod)
        env['LAB_KMOD'] = 'patched'
    r = subprocess.run([os.path.join(LAB, 'images')] + debs, env=env)
    if r.returncode:
        raise Missing('lab/images failed')


def prepare(scs, cols, arches, l0, available, no_images):
    """Before any boot: the L0 and stock/series binaries are there (with
    AVAILABLE, the columns that are not are left out of SCS instead), then
    lab/images (unless NO_IMAGES); exits naming what is missing."""
    try:
        for ar in arches:
            l0_binary(ar, l0)
            used = set()
            for s in scs:
                if s.arch != ar:
                    continue
                for c in cols:
                    if c in s.columns:
                        used |= {s.qemu('src', c), s.qemu('dst', c)}
            if available:
                for c in sorted(used):
                    try:
                        check_columns(ar, [c])
                    except Missing as e:
                        say('lab/run: leaving out %s/%s: %s' % (ar, c, e))
                        for sc in scs:
                            if sc.arch == ar and c in sc.columns:
                                sc.columns = [x for x in sc.columns if x != c]
                for sc in scs:      # rows whose L0 is the column's own build
                    if sc.arch != ar or not sc.l0_under_test():
                        continue
                    for c in list(sc.columns):
                        try:
                            l0_binary(ar, sc.l0_dir(c, l0))
                        except Missing as e:
                            say('lab/run: leaving out %s/%s: %s' % (sc.id, c, e))
                            sc.columns.remove(c)
            else:
                check_columns(ar, sorted(used))
        if not no_images:
            build_images(arches, set().union(*[
                s.kmods([c for c in cols if c in s.columns]) for s in scs]))
    except Missing as e:
        sys.exit('lab/run: ' + str(e))


def join_layers(out, parts, align=0):
    """Concatenate PARTS into OUT (cached); with ALIGN, pad each part to a
    multiple of ALIGN bytes.  Returns [(offset, size)] of the parts."""
    spans, off = [], 0
    for p in parts:
        if not os.path.exists(p):
            raise Missing('missing image %s (lab/images)' % p)
        n = os.path.getsize(p)
        spans.append((off, n))
        off += n if not align else -(-n // align) * align
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with _rd_lock:
        if (not os.path.exists(out) or
                any(os.path.getmtime(p) > os.path.getmtime(out) for p in parts)):
            tmp = out + '.tmp%d' % threading.get_ident()
            with open(tmp, 'wb') as o:
                for p, (start, n) in zip(parts, spans):
                    o.seek(start)
                    with open(p, 'rb') as i:
                        shutil.copyfileobj(i, o, 1 << 20)
                o.truncate(off)
            os.replace(tmp, out)
    return spans


def initrd(arch, kver, variants, kmods=(), libvirt=False):
    """(initrd, payload disk or None, job lines unpacking the payload):
    base + kernel layer (+ the kmod layers KMODS) + QEMU layers (+ with
    LIBVIRT the libvirt layer) (cached)."""
    d = os.path.join(IMG, DEBARCH[arch])
    parts = [os.path.join(d, 'base.cpio'),
             os.path.join(d, 'kernel-%s.cpio' % kver)]
    parts += [os.path.join(d, 'kmod-%s.cpio' % k) for k in sorted(kmods)]
    kver = '+'.join([kver] + ['kmod-' + k for k in sorted(kmods)])
    layers = [os.path.join(d, 'qemu-%s.cpio' % v) for v in sorted(variants)]
    combo = '+'.join(sorted(variants))
    if libvirt:
        layers.append(os.path.join(d, 'libvirt.cpio'))
        combo += '+libvirt'
    if arch not in PAYLOAD_DISK:
        rd = os.path.join(d, 'rd', '%s+%s.cpio' % (kver, combo))
        join_layers(rd, parts + layers)
        return rd, None, ''
    rd = os.path.join(d, 'rd', '%s.cpio' % kver)
    join_layers(rd, parts)
    pl = os.path.join(d, 'rd', 'payload+%s.img' % combo)
    spans = join_layers(pl, layers, 1 << 20)
    lines = ''.join('layer %d %d\n' % (o >> 20, -(-n >> 20)) for o, n in spans)
    return rd, pl, lines


def kernel_image(arch, kver):
    p = os.path.join(IMG, DEBARCH[arch], 'kernel-' + kver)
    if not os.path.exists(p):
        raise Missing('missing kernel %s (lab/images)' % p)
    return p
