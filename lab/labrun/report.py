"""Output: the --list lines, one line per row as it ends, the matrix on
stdout and build/lab/results.json, matrix.md and matrix.svg."""

import html
import json
import os

from .common import OUT, say


def print_list(scs):
    for s in scs:
        say('%-28s %-8s %-6s %-5s %s' % (s.id, s.area, s.arch,
                                        s.transport, ' '.join(s.groups)))


def print_skip(sid, col, why):
    say('SKIP %-30s %-16s %s' % (sid, col, why[:140]))


def print_row(r):
    say('%-4s %-30s %-16s %-5s (expected %-4s) %6.1fs  %s' % (
        'PASS' if r['as_expected'] else 'FAIL', r['id'], r['column'],
        r['outcome'], r['expected'], r['seconds'], r['detail'][:140]))


def index(results):
    """(scenario ids in order, {(id, column): result})."""
    ids = []
    for r in results:
        if r['id'] not in ids:
            ids.append(r['id'])
    return ids, {(r['id'], r['column']): r for r in results}


def write_outputs(results, cols):
    os.makedirs(OUT, exist_ok=True)
    keep = [{k: r[k] for k in (
        'id', 'area', 'arch', 'l0_cpu', 'src_kernel', 'dst_kernel',
        'src_qemu', 'dst_qemu', 'column', 'expected', 'outcome',
        'as_expected', 'seconds', 'detail', 'transport', 'guest', 'probe',
        'precheck', 'kmod', 'session')
        if k in r} for r in results]
    with open(os.path.join(OUT, 'results.json'), 'w') as f:
        json.dump(keep, f, indent=1)
    ids, by = index(results)
    info = {r['id']: r for r in results}
    md = ['# Lab matrix', '',
          '`ok` = as expected, **NOT** = differs from the expectation.', '',
          '| scenario | area | L0 cpu | kernels | ' +
          ' | '.join(cols) + ' |',
          '|---|---|---|---|' + '---|' * len(cols)]
    for i in ids:
        r0 = info[i]
        cells = []
        for c in cols:
            r = by.get((i, c))
            if not r:
                cells.append('')
            else:
                cells.append('%s %s' % (r['outcome'],
                                        'ok' if r['as_expected'] else '**NOT**'))
        md.append('| %s | %s | %s | %s -> %s | %s |' % (
            i, r0['area'], r0['l0_cpu'], r0['src_kernel'], r0['dst_kernel'],
            ' | '.join(cells)))
    md += ['', '## Decisive messages', '']
    for r in results:
        md.append('- `%s` [%s] %s: %s' % (r['id'], r['column'], r['outcome'],
                                          r['detail']))
    md += ['', '## Probes (source; destination)', '']
    seen = set()
    for r in results:
        if r.get('probe') and r['id'] not in seen:
            seen.add(r['id'])
            md.append('- `%s`: %s' % (r['id'], r['probe']))
    with open(os.path.join(OUT, 'matrix.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    write_svg(ids, cols, by)


def write_svg(ids, cols, by):
    cw, rh, lw = 130, 22, 330
    w = max(lw + cw * len(cols) + 10, 760)
    h = 40 + rh * (len(ids) + 1) + 30
    colour = {('pass', True): '#3a3', ('fail', True): '#c93',
              ('pass', False): '#d22', ('fail', False): '#d22',
              ('error', False): '#808', ('skip', True): '#aaa',
              ('skip', False): '#808'}
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="monospace" font-size="12">' % (w, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="8" y="20" font-size="15" font-weight="bold">'
         'qemu-migfix lab: cross-host-kernel migration</text>']
    y = 40
    for j, c in enumerate(cols):
        o.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (
            lw + j * cw + 4, y + 14, html.escape(c)))
    for i in ids:
        y += rh
        o.append('<text x="8" y="%d">%s</text>' % (y + 15, html.escape(i)))
        for j, c in enumerate(cols):
            r = by.get((i, c))
            if not r:
                continue
            fill = colour.get((r['outcome'], r['as_expected']), '#d22')
            label = r['outcome'] + ('' if r['as_expected'] else ' NOT')
            o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="%s" '
                     'rx="3"><title>%s</title></rect>' % (
                         lw + j * cw, y + 2, cw - 6, rh - 4, fill,
                         html.escape(r['detail'])))
            o.append('<text x="%d" y="%d" fill="white">%s</text>' % (
                lw + j * cw + 6, y + 16, html.escape(label)))
    y += rh + 20
    o.append('<text x="8" y="%d" fill="#555">green pass / amber fail: as '
             'expected; red: NOT as expected; purple: error; grey: skipped'
             '</text>' % y)
    o.append('</svg>')
    with open(os.path.join(OUT, 'matrix.svg'), 'w') as f:
        f.write('\n'.join(o) + '\n')


def print_matrix(results, cols):
    ids, by = index(results)
    wid = max([len(i) for i in ids] + [8])
    say('')
    say('%-*s  %s' % (wid, 'scenario', '  '.join('%-16s' % c for c in cols)))
    for i in ids:
        cells = []
        for c in cols:
            r = by.get((i, c))
            cells.append('%-16s' % ('' if not r else '%s%s' % (
                r['outcome'], '' if r['as_expected'] else ' NOT')))
        say('%-*s  %s' % (wid, i, '  '.join(cells)))


def print_summary(results, seconds):
    """The last lines; the number of rows not as expected."""
    bad = [r for r in results if not r['as_expected']]
    say('')
    say('%d passed, %d failed' % (len(results) - len(bad), len(bad)))
    say('(wall %.0fs; results in %s)' % (seconds, os.path.relpath(OUT, os.getcwd())))
    return len(bad)
