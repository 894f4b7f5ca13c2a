"""Sessions: the rows (scenario x column) that share their L1 boots,
run together, N sessions at a time."""

import json
import os
import socket
from concurrent.futures import ThreadPoolExecutor

from . import report
from .common import COLUMNS, OUT, Missing
from .images import missing_variants
from .judge import (error_result, judge, judge_nested, kmod_summary,
                    missing_results, probe_summary, skipped)
from .l1 import (L0_MACHINE, L1, PROBE, kmod_state, l0_can, l1_boot,
                 parse_console)
from .l2 import libvirt_lines, migration_lines, nested_line, write_logs


def session_key(sc):
    """Scenarios whose two L1s boot the same way share the boots (file
    transport only: every live or nested scenario is its own session)."""
    if sc.transport != 'file' or sc.guest == 'nested':
        return ('own', sc.id)
    return (sc.arch, bool(sc.s.get('needs'))) + tuple(l1_boot(sc, side)
                                                      for side in ('src', 'dst'))


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def save_result(cdir, r):
    with open(os.path.join(cdir, 'result.json'), 'w') as f:
        json.dump(r, f, indent=1)


def run_session(units, l0dir):
    """Run UNITS [(scenario, column)...] in one source and one destination
    L1 boot (two at once for tcp); returns a list of result dicts."""
    sc0 = units[0][0]
    l0dir = sc0.l0_dir(units[0][1], l0dir)
    if sc0.s.get('needs'):
        for side in ('src', 'dst'):
            why = l0_can(sc0.arch, l0dir, L0_MACHINE[sc0.l0_kind(side)]['machine'],
                         sc0.l0_cpu(side))
            if why:
                return skipped(units, why)
    if sc0.guest == 'nested':
        return run_nested(sc0, [c for _, c in units], l0dir)
    base = os.path.join(OUT, sc0.id)
    if sc0.l0_under_test():     # one session per column's L0: own L1 logs
        base = os.path.join(base, 'l0-' + units[0][1])
    os.makedirs(base, exist_ok=True)
    lv = sc0.transport == 'libvirt'
    live = lv or sc0.transport == 'tcp'
    pre = '' if live else 'CARRY=$(disk_by_serial carry)\n'
    src_job = pre + PROBE[sc0.arch] + '\n' + ('lv_up src\n' if lv else '')
    dst_job = pre + PROBE[sc0.arch] + '\n' + ('lv_up dst\n' if lv else '')
    ports = [('ctl', free_port())] if live else []
    net = free_port() if lv else None
    src_vars, dst_vars = set(), set()
    for i, (sc, c) in enumerate(units):
        src_vars.add(sc.qemu('src', c))
        dst_vars.add(sc.qemu('dst', c))
        if lv:
            s, d = libvirt_lines(sc, c, i)
            src_job += s
            dst_job += d
            continue
        if live:
            ports.append(('mig%d' % i, free_port()))
        s, d = migration_lines(sc, c, i, live)
        src_job += s
        dst_job += d
    carry = None
    if not live:
        carry = os.path.join(base, 'carry.img')
        with open(carry, 'wb') as f:
            f.truncate(len(units) << 29)
    timeout = float(sc0.s.get('timeout', 150 + 90 * len(units)))
    if live:
        dst = L1(sc0, 'dst', dst_job, base, l0dir, dst_vars, None, ports, True,
                 net=net)
        src = L1(sc0, 'src', src_job, base, l0dir, src_vars, None, ports, False,
                 net=net)
        dst.start()
        dst.wait_listening()
        src.start()
        src.wait(timeout)
        dst.wait(timeout)
    else:
        try:
            src = L1(sc0, 'src', src_job, base, l0dir, src_vars, carry)
            src.start()
            src.wait(timeout)
            dst = L1(sc0, 'dst', dst_job, base, l0dir, dst_vars, carry)
            if kmod_state(parse_console(src.text)[3])[1]:
                dst.skip()      # the source's modules did not load: no stream
            else:
                dst.start()
                dst.wait(timeout)
        finally:
            os.unlink(carry)
    # the time its L1s ran
    if live:
        seconds = max(src.t1, dst.t1) - dst.t0
    else:
        seconds = (src.t1 - src.t0) + (dst.t1 - dst.t0)
    sres, slogs, sprobes, snotes = parse_console(src.text)
    dres, dlogs, dprobes, dnotes = parse_console(dst.text)
    skmod, skerr = kmod_state(snotes)
    dkmod, dkerr = kmod_state(dnotes)
    out = []
    for sc, c in units:
        tag = '%s.%s' % (sc.id, c)
        if skerr or dkerr:
            # a patched module that did not load stops the row, with
            # insmod's reason: never Debian's modules in its place
            side, why, k = ('src', skerr, src.kmod) if skerr else ('dst', dkerr, dst.kmod)
            r = error_result(sc, c, '%s L1 (%s modules): %s' % (side, k, why))
        else:
            r = judge(sc, c, tag, sres.get(tag + '.src', {}),
                      dres.get(tag + '.dst', {}), slogs, dlogs, src, dst)
        r['kmod'] = kmod_summary([('src', skmod or src.kmod + '?'),
                                  ('dst', dkmod or dst.kmod + '?')])
        if r['kmod'] != 'debian' and not (skerr or dkerr):
            r['detail'] = ('kmod %s; ' % r['kmod'] + r['detail'])[:600]
        r['seconds'] = round(seconds, 1)
        r['session'] = os.path.relpath(base, OUT)
        r['probes'] = {'src': sprobes, 'dst': dprobes}
        r['probe'] = 'src: %s; dst: %s' % (probe_summary(sprobes),
                                           probe_summary(dprobes))
        cdir = os.path.join(OUT, sc.id, c)
        os.makedirs(cdir, exist_ok=True)
        for logs in (slogs, dlogs):
            write_logs(cdir, logs, tag)
        save_result(cdir, r)
        for side in ('src', 'dst'):
            for suffix in ('l1-console.log', 'l0.log', 'l0-cmd.txt', 'job.sh'):
                p = os.path.join(base, side + '-' + suffix)
                lnk = os.path.join(cdir, side + '-' + suffix)
                if os.path.lexists(lnk):
                    os.unlink(lnk)
                if os.path.exists(p):
                    os.symlink(os.path.relpath(p, cdir), lnk)
        out.append(r)
    return out


def run_nested(sc, cols, l0dir):
    """The 4-level case: one L1 boot; per column an L2 hypervisor guest
    running the L3 tick guest with the column's QEMU."""
    base = os.path.join(OUT, sc.id)
    os.makedirs(base, exist_ok=True)
    job = PROBE[sc.arch] + '\n'
    hvs = set()
    for c in cols:
        line, hv = nested_line(sc, c)
        hvs |= {hv, c}
        job += line
    timeout = float(sc.s.get('timeout', 150 + 300 * len(cols)))
    l1 = L1(sc, 'src', job, base, l0dir, hvs, None,
            hv_kmods={sc.hv_kmod(c) for c in cols})
    l1.start()
    l1.wait(timeout)
    seconds = l1.t1 - l1.t0
    res, logs, probes, notes = parse_console(l1.text)
    l1kmod, l1kerr = kmod_state(notes)
    out = []
    for c in cols:
        d = res.get(c + '.hv', {})
        # the L2 hypervisor's own report ("@@ l2 TAG kmod|probe ...")
        l2n = [n[len('l2 %s.hv ' % c):] for n in notes
               if n.startswith('l2 %s.hv ' % c)]
        l2kmod, l2kerr = kmod_state(l2n)
        l2probes = [n[len('probe '):] for n in l2n if n.startswith('probe ')]
        kmod = 'L1 %s, L2 %s' % (l1kmod or l1.kmod + '?',
                                 l2kmod or sc.hv_kmod(c) + '?')
        if l1kerr or l2kerr:
            r = error_result(sc, c, '%s (%s modules): %s' % (
                'L1' if l1kerr else 'L2 hypervisor',
                l1.kmod if l1kerr else sc.hv_kmod(c), l1kerr or l2kerr))
            r.update(seconds=round(seconds, 1), kmod=kmod, probes={'src': probes},
                     probe='L1: %s' % probe_summary(probes))
            out.append(r)
            continue
        r = judge_nested(sc, c, d, logs, seconds)
        r['session'] = sc.id
        r['kmod'] = kmod
        if 'patched' in kmod:
            r['detail'] = ('kmod %s; ' % kmod + r['detail'])[:600]
        r['probes'] = {'src': probes, 'l2': l2probes}
        r['probe'] = 'L1: %s; L2: %s' % (probe_summary(probes),
                                         probe_summary(l2probes))
        cdir = os.path.join(base, c)
        os.makedirs(cdir, exist_ok=True)
        write_logs(cdir, logs, c)
        save_result(cdir, r)
        out.append(r)
    return out


def run_all(scs, cols, arches, l0, jobs):
    """Every selected row of SCS in COLS, grouped into sessions, JOBS
    sessions at once; prints a line per row, returns the results in
    scenario and column order.  A session is one L0 process at a time,
    or two for a live pair, whose destination mostly waits: the pair
    used 1.2-1.3 cores (measured, arm64 tcp and libvirt), so it counts
    as one like the others."""
    results = []

    # A unit whose QEMU could not be had skips; units sharing its L1 boots
    # are not touched.
    gone = {ar: missing_variants(ar) for ar in arches}
    sessions = {}
    for sc in scs:
        for c in cols:
            if c not in sc.columns:
                continue
            why = [gone[sc.arch][v] for v in (sc.qemu('src', c), sc.qemu('dst', c))
                   if v in gone[sc.arch]]
            if why:
                results += skipped([(sc, c)], None, 'skipped: ' + why[0])
                report.print_skip(sc.id, c, why[0])
            else:
                sessions.setdefault((session_key(sc), sc.l0_dir(c, l0)),
                                    []).append((sc, c))

    def one(units):
        try:
            rs = run_session(units, l0)
        except Missing as e:
            rs = missing_results(units, str(e))
        for r in rs:
            report.print_row(r)
        return rs

    # Long sessions first (live pairs, then ppc: it boots slowly).
    order = sorted(sessions.values(), key=lambda u: (
        u[0][0].transport not in ('tcp', 'libvirt'), u[0][0].arch != 'ppc64', -len(u)))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        for rs in ex.map(one, order):
            results += rs
    idx = {s.id: n for n, s in enumerate(scs)}
    results.sort(key=lambda r: (idx[r['id']], COLUMNS.index(r['column'])))
    return results
