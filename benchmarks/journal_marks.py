"""Time to record N services in a stop journal, one mark per service (``--no-batch``).

Three ways: a write per mark (the default), marks inside ``Journal.deferred()`` (written at
most every ``DEFER_INTERVAL`` seconds and at the end), and ``mark_many`` (a finished batch).
Also times N marks from each of several processes sharing one journal (lock + merge).
Prints figures; target: 1000 per-mark writes well under the 14 s issue 8 measured.

    python benchmarks/journal_marks.py [--services 1000] [--processes 4]
"""

from __future__ import print_function

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from agsadmin_core.journal import STOPPED, Journal  # noqa: E402

SITE = "https://gis.example.com:6443/arcgis"

WRITER = """
import sys
sys.path.insert(0, %r)
from agsadmin_core.journal import Journal
path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
journal = Journal.open(path, %r)
names = ["P%%s/S%%04d.MapServer" %% (tag, i) for i in range(count)]
journal.plan([(n, "STARTED") for n in names])
for name in names:
    journal.mark(name, "stopped")
"""


def timed(folder, mode, count):
    path = os.path.join(folder, mode + ".journal.json")
    names = ["Maps/S%04d.MapServer" % i for i in range(count)]
    journal = Journal.open(path, SITE)
    journal.plan([(n, "STARTED") for n in names])
    started = time.time()
    if mode == "per-mark":
        for name in names:
            journal.mark(name, STOPPED)
    elif mode == "deferred":
        with journal.deferred():
            for name in names:
                journal.mark(name, STOPPED)
    else:
        journal.mark_many(names, STOPPED)
    elapsed = time.time() - started
    assert set(Journal.load(path).state(n) for n in names) == set([STOPPED])
    return elapsed


def shared(folder, processes, count):
    path = os.path.join(folder, "shared.journal.json")
    started = time.time()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER % (ROOT, SITE), path, str(t),
                               str(count)]) for t in range(processes)]
    assert [p.wait() for p in procs] == [0] * processes
    elapsed = time.time() - started
    assert len(Journal.load(path).entries) == processes * count, "an entry was lost"
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="agsadmin-journal-bench-")
    try:
        for mode in ("per-mark", "deferred", "mark_many"):
            print("%-10s %5d services: %.2f s" % (mode, args.services,
                                                 timed(folder, mode, args.services)))
        per = max(args.services // 10, 1)
        print("shared     %d processes x %d marks: %.2f s, no entry lost"
              % (args.processes, per, shared(folder, args.processes, per)))
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
