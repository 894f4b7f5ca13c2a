"""Scenarios: lab/scenarios/*.ini sections, their per-side/column keys and
expectations, and the selection lab/run's options make."""

import configparser
import os
import sys

from .common import COLUMNS, LAB, TOP, Missing

L0_DEFAULT_CPU = {'virt': 'max', 'powernv8': 'power8_v2.0',
                  'powernv9': 'power9_v2.2', 'powernv10': 'power10',
                  'pseries': 'power9'}

# `l0_build = column`: the L0 is under test too (e.g. TCG's H_RPT_INVALIDATE);
# these columns then use their own host build as L0, the others --l0.
OWN_L0 = {'series': 'build/host', 'stock': 'build/stock/build/host'}

# l1_kmod / hv_kmod values: `patched` is lab/images' kmod-patched.cpio layer
# (scripts/kmod.sh's kvm.ko and kvm-hv.ko at /lib/modules/patched in L1).
KMODS = ('debian', 'patched')


class Scenario:
    """One section of a scenario file, with its per-side/column lookups."""

    def __init__(self, sid, sect, path):
        self.id = sid
        self.s = sect
        self.path = path
        self.arch = sect.get('arch', 'arm64')
        self.area = sect.get('area', 'control')
        self.groups = sect.get('groups', '').split()
        cols = sect.get('columns', ' '.join(COLUMNS)).split()
        self.columns = [c for c in COLUMNS if c in cols]
        self.transport = sect.get('transport', 'file')
        self.guest = sect.get('guest', 'running')

    def side(self, key, side, default=None):
        """KEY for SIDE (src|dst): src_KEY / dst_KEY, else KEY."""
        return self.s.get(side + '_' + key, self.s.get(key, default))

    def qemu(self, side, col):
        v = self.side('qemu', side, 'column')
        return col if v == 'column' else v

    def expect(self, col):
        """(pass|fail|skip, regex) for column COL.  series falls back to
        stock's expectation, so a fix flips it with one expect.series line."""
        keys = ['expect.' + col]
        if col == 'series':
            keys.append('expect.stock')
        keys.append('expect')
        for k in keys:
            if k in self.s:
                v = self.s[k].strip()
                break
        else:
            v = 'pass'
        kind, _, rx = v.partition(':')
        return kind.strip(), rx.strip()

    def l0_kind(self, side):
        m = self.side('l0_machine', side,
                      'virt' if self.arch == 'arm64' else 'powernv9')
        return m

    def l0_cpu(self, side):
        return self.side('l0_cpu', side, L0_DEFAULT_CPU[self.l0_kind(side)])

    def l0_dir(self, col, default):
        """The L0 build directory for column COL: l0_build[.COL] is
        `column` (OWN_L0 for stock/series, else DEFAULT), a directory
        relative to the top, or unset (DEFAULT, i.e. --l0)."""
        v = self.s.get('l0_build.' + col, self.s.get('l0_build', '')).strip()
        if v == 'column':
            return os.path.join(TOP, OWN_L0[col]) if col in OWN_L0 else default
        return os.path.join(TOP, v) if v else default

    def l0_under_test(self):
        return any(k == 'l0_build' or k.startswith('l0_build.') for k in self.s)

    def kmod(self, side):
        """The KVM modules the L1 of SIDE loads: `debian` (the kernel's
        own, default) or `patched` (the kernel companion's, linux/)."""
        v = self.side('l1_kmod', side, 'debian').strip()
        if v not in KMODS:
            raise Missing('%s: l1_kmod = %s (one of %s)' % (self.id, v, ', '.join(KMODS)))
        return v

    def hv_kmod(self, col):
        """(guest = nested) the modules of the L2 hypervisor, for COL."""
        v = self.s.get('hv_kmod.' + col, self.s.get('hv_kmod', 'debian')).strip()
        if v not in KMODS:
            raise Missing('%s: hv_kmod = %s (one of %s)' % (self.id, v, ', '.join(KMODS)))
        return v

    def kmods(self, cols):
        """The module kinds this row needs in COLS, besides Debian's."""
        out = {self.kmod('src'), self.kmod('dst')}
        if self.guest == 'nested':
            out |= {self.hv_kmod(c) for c in cols if c in self.columns}
        return out - {'debian'}


def load_scenarios():
    out = []
    sdir = os.path.join(LAB, 'scenarios')
    for fn in sorted(os.listdir(sdir)):
        if not fn.endswith('.ini'):
            continue
        cp = configparser.ConfigParser(interpolation=None,
                                       inline_comment_prefixes=None,
                                       comment_prefixes=('#', ';'))
        cp.optionxform = str
        cp.read(os.path.join(sdir, fn))
        for sid in cp.sections():
            out.append(Scenario(sid, dict(cp[sid]), fn))
    return out


def select(a):
    """The scenarios and columns lab/run's options A select (-s, -a, -o,
    -g, -c); exits naming an unknown scenario, column or module kind."""
    scs = load_scenarios()
    if a.scenario:
        want = a.scenario.split(',')
        unknown = set(want) - {s.id for s in scs}
        if unknown:
            sys.exit('lab/run: unknown scenario(s): ' + ', '.join(sorted(unknown)))
        scs = [s for s in scs if s.id in want]
    if a.arch:
        scs = [s for s in scs if s.arch == a.arch]
    if a.set:
        for s in scs:
            for kv in a.set:
                k, _, v = kv.partition('=')
                s.s[k] = v
            s.__init__(s.id, s.s, s.path)
    if a.group:
        scs = [s for s in scs if a.group in s.groups]
        for s in scs:       # columns.GROUP: fewer columns in that group
            if 'columns.' + a.group in s.s:
                s.s['columns'] = s.s['columns.' + a.group]
                s.__init__(s.id, s.s, s.path)
    try:                    # l1_kmod / hv_kmod values, before any boot
        for s in scs:
            s.kmods(s.columns)
    except Missing as e:
        sys.exit('lab/run: ' + str(e))
    cols = a.columns.split(',') if a.columns else list(COLUMNS)
    for c in cols:
        if c not in COLUMNS:
            sys.exit('lab/run: unknown column %s (%s)' % (c, ', '.join(COLUMNS)))
    return scs, cols
