"""Paths, the columns, printing and the error every module raises."""

import os
import shlex
import threading

LAB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = os.path.dirname(LAB)
OUT = os.path.join(TOP, 'build', 'lab')
IMG = os.path.join(OUT, 'img')
COLUMNS = ['stock', 'series', 'debian-10.0.13', 'upstream-11.1.3']

PRINT_LOCK = threading.Lock()


def say(*a):
    with PRINT_LOCK:
        print(*a, flush=True)


def q(args):
    """ARGS as one shell-quoted string."""
    return ' '.join(shlex.quote(a) for a in args)


class Missing(Exception):
    pass
