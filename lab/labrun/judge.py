"""Judging: an outcome (pass, fail, error, skip) and its decisive message
from what the L1s reported, against the scenario's expectation; the result
dicts of rows that did not run; the probe and module summaries."""

import re

from .l1 import l1_oops

GUEST_CRASH = re.compile(r'Oops|Kernel panic|kernel BUG|sig: \d|Unable to handle')
DECISIVE = re.compile(r'error|fail|could not|invalid|unknown|refus|'
                      r'not support|mismatch|cannot|unable|oops|exception|'
                      r'panic|sig: |can.t |not found', re.I)
REG_ENTRY = re.compile(r'(0x[0-9a-f]+)(?: \(([^)]*)\))?(?: = (0x[0-9a-f]+))?$')


def gtse(mmu):
    """'GTSE=1'/'GTSE=0' from a ppc64 kernel's mmu_features (0x1000), or
    'hash MMU' (no MMU_FTR_TYPE_RADIX, 0x40: GTSE does not apply)."""
    try:
        m = int(mmu, 16)
    except (TypeError, ValueError):
        return ''
    if not m & 0x40:                # MMU_FTR_TYPE_RADIX: GTSE is radix's
        return 'hash MMU'
    return 'GTSE=%d' % bool(m & 0x1000)


def kmod_summary(sides):
    """'patched', or 'src patched, dst debian' when the sides differ."""
    kinds = [k for _, k in sides]
    if len(set(kinds)) == 1:
        return kinds[0]
    return ', '.join('%s %s' % (w, k) for w, k in sides)


def probe_summary(lines):
    """The probe facts that explain a row, in one short string."""
    out = []
    for l in lines:
        m = re.search(r'reglist: host: (\d+) registers', l)
        if m:
            out.append(m.group(1) + ' regs')
        m = re.search(r'reglist: host: PSCI version \S+ \(([\d.]+)\)', l)
        if m:
            out.append('PSCI ' + m.group(1))
        m = re.search(r'reglist: host: ID_AA64MMFR2_EL1 .*(NV=\d+)', l)
        if m:
            out.append(m.group(1))
        m = re.search(r'reglist: host: (\w+)\s+0x\w+ absent', l)
        if m:
            out.append('no ' + m.group(1))
        m = re.search(r'reglist: hide: (FEAT_\w+): \S+ = ([1-9]\d*), clearing it (.*)', l)
        if m:
            out.append('%s (hiding it: %s)' % (m.group(1), m.group(3)))
        m = re.search(r'pvr: host (0x\w+)', l)
        if m:
            out.append('PVR ' + m.group(1))
        m = re.search(r'pvr: kmod caps PPC_GTSE (\d+)/(\d+) PPC_PVR_COMPAT (\d+)/(\d+)', l)
        if m:       # the VM's answers (what QEMU reads)
            out.append('GTSE cap %s, PVR_COMPAT %s' % (m.group(2), m.group(4)))
    return ', '.join(out)


def precheck(src_regs, dst_regs):
    """What the two sides' x-migrated-regs tell before anything is sent:
    registers only one side migrates (and ID registers whose values
    differ, where a side reports values)."""
    def parse(lines):
        out = {}
        for l in lines:
            m = REG_ENTRY.match(l.strip())
            if m:
                out[m.group(1)] = (m.group(2) or m.group(1), m.group(3))
        return out
    a, b = parse(src_regs), parse(dst_regs)
    if not a or not b:
        return None
    facts = []
    only = sorted(set(a) - set(b))
    if only:
        facts.append('only the source has ' + ', '.join(a[i][0] for i in only))
    only = sorted(set(b) - set(a))
    if only:
        facts.append('only the destination has ' + ', '.join(b[i][0] for i in only))
    for i in sorted(set(a) & set(b)):
        if a[i][1] != b[i][1]:
            facts.append('%s %s vs %s' % (a[i][0], a[i][1], b[i][1]))
    values = any(v[1] for v in a.values())
    return '; '.join(facts) or 'same registers' + (' and ID values' if values else '')


# --- the rows that did not run ---------------------------------------------

def error_result(sc, c, detail):
    return dict(id=sc.id, area=sc.area, arch=sc.arch, column=c,
                l0_cpu=sc.l0_cpu('src'), l0_machine=sc.l0_kind('src'),
                src_kernel=sc.side('kernel', 'src'),
                dst_kernel=sc.side('kernel', 'dst'),
                src_qemu=sc.qemu('src', c), dst_qemu=sc.qemu('dst', c),
                expected=sc.expect(c)[0], expected_message=sc.expect(c)[1],
                outcome='error', as_expected=False, detail=detail[:600],
                transport=sc.transport, guest=sc.guest, src={}, dst={})


def missing_results(units, detail):
    """UNITS' results when their session could not start (Missing)."""
    return [dict(id=sc.id, area=sc.area, arch=sc.arch, column=x,
                 l0_cpu=sc.l0_cpu('src'),
                 src_kernel=sc.side('kernel', 'src'),
                 dst_kernel=sc.side('kernel', 'dst'),
                 src_qemu=sc.qemu('src', x), dst_qemu=sc.qemu('dst', x),
                 expected=sc.expect(x)[0], outcome='error',
                 as_expected=False, seconds=0, detail=detail,
                 transport=sc.transport, guest=sc.guest)
            for sc, x in units]


def skipped(units, why, detail=None):
    out = []
    for sc, c in units:
        kind = sc.expect(c)[0]
        out.append(dict(id=sc.id, area=sc.area, arch=sc.arch, column=c,
                        l0_cpu='%s -> %s' % (sc.l0_cpu('src'), sc.l0_cpu('dst')),
                        src_kernel=sc.side('kernel', 'src'),
                        dst_kernel=sc.side('kernel', 'dst'),
                        src_qemu=sc.qemu('src', c), dst_qemu=sc.qemu('dst', c),
                        expected=kind, outcome='skip', as_expected=True,
                        seconds=0, detail=detail or 'skipped (needs %s): L0: %s' % (
                            sc.s.get('needs'), why),
                        transport=sc.transport, guest=sc.guest))
    return out


# --- judging ---------------------------------------------------------------

def judge(sc, col, tag, s, d, slogs, dlogs, src, dst):
    """A migration unit: S and D are the source's and the destination's
    reports for TAG, SLOGS and DLOGS the L2 logs, SRC and DST the L1s."""
    kind, rx = sc.expect(col)
    r = dict(id=sc.id, area=sc.area, arch=sc.arch,
             l0_cpu=sc.l0_cpu('src') if sc.l0_cpu('src') == sc.l0_cpu('dst')
             else '%s -> %s' % (sc.l0_cpu('src'), sc.l0_cpu('dst')),
             l0_machine=sc.l0_kind('src'),
             src_kernel=sc.side('kernel', 'src'),
             dst_kernel=sc.side('kernel', 'dst'),
             src_qemu=sc.qemu('src', col), dst_qemu=sc.qemu('dst', col),
             column=col, transport=sc.transport, guest=sc.guest,
             expected=kind, expected_message=rx)
    texts = []
    for logs, t in ((dlogs, tag + '.dst'), (slogs, tag + '.src')):
        for f in ('err', 'con', 'qmplog'):
            lines = logs.get(t + '.' + f, [])
            if f == 'con':      # the guest's console: only its crashes
                lines = [x for x in lines if GUEST_CRASH.search(x)]
            texts += lines
    if s.get('src_error'):
        texts.insert(0, s['src_error'])
    alltext = '\n'.join(texts)
    src_tick = int(s.get('src_tick', '0') or 0)
    dst_tick = int(d.get('dst_tick', '0') or 0)
    l0fail = None
    for l1 in (src, dst):
        m = re.search(r'qemu-system-\w+: (?!warning: )(.*)', l1.l0err)
        if m and not s and not d:
            l0fail = m.group(1)
    if l0fail and sc.l0_under_test() and DECISIVE.search(l0fail) and \
            not re.search(r'lock|-drive|-device|No such file|Could not open',
                          l0fail):
        outcome = 'fail'
        detail = 'L0 refused to start: ' + l0fail
        texts.insert(0, l0fail)
        alltext = '\n'.join(texts)
    elif l0fail:
        outcome = 'skip' if re.search(r'invalid chip model|unable to find CPU'
                                      r'|not found', l0fail) else 'error'
        detail = 'L0: ' + l0fail
    elif s.get('start') == 'failed' and any(
            DECISIVE.search(t) for t in slogs.get(tag + '.src.err', [])):
        outcome = 'fail'
        detail = 'source refused to start: ' + [
            t for t in slogs[tag + '.src.err'] if DECISIVE.search(t)][0]
    elif (not s or s.get('boot')) and (oops := l1_oops(src.text)):
        # the L1 kernel died under the source L2 (e.g. kvm-hv executing a
        # tlbie it may not): the stack cannot run the case
        outcome = 'fail'
        detail = 'source L1 kernel: ' + oops
        texts.insert(0, detail)
        alltext = '\n'.join(texts)
    elif not s or s.get('start') or s.get('boot'):
        outcome, detail = 'error', 'source L2 did not run (%s)' % (
            s or 'no L1 report; see src-l1-console.log')
    elif s.get('src') == 'completed' and d.get('dst') == 'running' and (
            sc.guest == 'paused' or dst_tick >= src_tick):
        outcome = 'pass'
        detail = 'migrated in %ss, ticks %d -> %d' % (
            s.get('mig_s', '?'), src_tick, dst_tick)
        if s.get('total_ms'):
            detail += ' (total %s ms, downtime %s ms)' % (
                s.get('total_ms'), s.get('downtime_ms') or '?')
    elif s.get('src') == 'completed' and not d:
        outcome, detail = 'error', 'destination L1 gave no report'
    elif d.get('start') == 'failed' and any(
            DECISIVE.search(t) for t in dlogs.get(tag + '.dst.err', [])):
        outcome = 'fail'
        detail = 'destination refused to start: ' + re.sub(
            r'^qemu(-system-\w+)?: ', '', [
                t for t in dlogs[tag + '.dst.err'] if DECISIVE.search(t)][0])
    elif d.get('start'):
        outcome, detail = 'error', 'destination L2 did not start'
    else:
        outcome = 'fail'
        lines = []
        for t in texts:                 # the decisive lines, each once
            t = re.sub(r'^qemu(-system-\w+)?: ', '', t.strip())
            if DECISIVE.search(t) and t not in lines:
                lines.append(t)
        if kind == 'fail' and rx:       # the expected message first
            lines.sort(key=lambda t: not re.search(rx, t))
        detail = ' / '.join(lines[:2]) if lines else (
            'src=%s dst=%s' % (s.get('src'), d.get('dst')))
        if s.get('after'):
            detail += ' [source after: %s, migrates again: %s]' % (
                s.get('after'), s.get('retry', '-'))
    if gtse(s.get('mmu')):
        detail = 'guest %s; %s' % (gtse(s.get('mmu')), detail)
    if (s.get('pvr') or d.get('pvr')) and outcome == 'pass':
        # the PVR the guest read (mfpvr) before, and after landing (it
        # prints it again only when it changes)
        detail = 'guest PVR %s -> %s; %s' % (
            s.get('pvr') or '(not started)', d.get('pvr') or s.get('pvr'),
            detail)
    pre = precheck(slogs.get(tag + '.src.regs', []), dlogs.get(tag + '.dst.regs', []))
    if pre:
        r['precheck'] = pre
        if outcome != 'pass':
            detail += ' [x-migrated-regs before: %s]' % pre
    if sc.transport == 'libvirt':
        outcome, detail, where = libvirt_verdict(outcome, detail, s, d)
        alltext = where if outcome == 'fail' else alltext
    r['outcome'] = outcome
    r['detail'] = detail.strip()[:600]
    ok = outcome == kind
    if ok and kind == 'fail' and rx and not re.search(rx, alltext):
        ok = False
        r['detail'] += ' (expected message /%s/ not seen%s)' % (
            rx, ' in virsh\'s error' if sc.transport == 'libvirt' else '')
    if outcome == 'skip' and sc.s.get('needs'):
        ok = True
    r['as_expected'] = ok
    r['src'] = s
    r['dst'] = d
    return r


def libvirt_verdict(outcome, detail, s, d):
    """A libvirt row as libvirt sees it: a migration passes only when
    `virsh domstate` has the domain running on the destination and gone
    from the source; a refusal only when virsh failed and the domain still
    runs (and ticks) on the source.  Returns (outcome, detail, the text an
    expected refusal must match: virsh's own error)."""
    src, dst = s.get('lv_src_state', '?'), d.get('lv_dst_state', '?')
    states = 'virsh domstate: source %s, destination %s' % (src, dst)
    if outcome == 'pass':
        if src != 'gone' or dst != 'running':
            return 'fail', detail + '; but ' + states, ''
        return outcome, detail + '; ' + states, ''
    if outcome != 'fail' or s.get('src') != 'failed':
        return outcome, detail, ''
    err = re.sub(r'^error: ', '', s.get('src_error', ''))
    if src != 'running' or s.get('after') != 'running':
        return 'error', 'virsh migrate failed but the source did not go on ' \
            '(%s, ticks after: %s): %s' % (states, s.get('after', '?'), err), ''
    return 'fail', 'virsh: %s [%s, source ticks on]' % (err, states), err


def judge_nested(sc, c, d, logs, seconds):
    """Column C of a nested scenario: D is the L2 hypervisor's report
    (l3=ticking|exited|oops, the MMU features), LOGS the L1's L2 logs."""
    kind, rx = sc.expect(c)
    con = logs.get(c + '.hv.con', []) + logs.get(c + '.hv.err', [])
    r = dict(id=sc.id, area=sc.area, arch=sc.arch, l0_cpu=sc.l0_cpu('src'),
             l0_machine=sc.l0_kind('src'), src_kernel=sc.side('kernel', 'src'),
             dst_kernel=sc.side('kernel', 'src'), src_qemu=c, dst_qemu=c,
             column=c, transport='none', guest='nested', expected=kind,
             expected_message=rx, seconds=round(seconds, 1), src=d, dst={})
    l3 = d.get('l3')
    mmu = 'L2 %s, L3 %s: ' % (gtse(d.get('l2_mmu')) or '?',
                              gtse(d.get('l3_mmu')) or '?')
    l3err = [t for t in logs.get(c + '.hv.con', [])
             if re.search(r'\bqemu(-system-\w+)?: ', t)]
    if l3 == 'ticking':
        r['outcome'] = 'pass'
        r['detail'] = mmu + 'L3 guest ticking after %ss' % d.get('l3_s')
    elif l3 == 'exited' and l3err:
        # the L3 QEMU refused to start (e.g. an unknown cap)
        r['outcome'] = 'fail'
        r['detail'] = mmu + 'L3 QEMU refused: ' + re.sub(
            r'^.*?\bqemu(-system-\w+)?: ', '', l3err[0])
    elif l3 == 'oops':
        r['outcome'] = 'fail'
        lines = [t for t in con if re.search(rx or DECISIVE, t)] or \
            [t for t in con if DECISIVE.search(t)]
        r['detail'] = mmu + 'L3: ' + ' / '.join(lines[:2])
    else:
        r['outcome'] = 'error'
        r['detail'] = 'L3 %s (%s)' % (l3 or 'no report', d)
    ok = r['outcome'] == kind
    if ok and kind == 'fail' and rx and not re.search(rx, '\n'.join(con)):
        ok = False
        r['detail'] += ' (expected message /%s/ not seen)' % rx
    r['as_expected'] = ok
    return r
