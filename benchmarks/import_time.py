"""Median fresh-process import time of agsadmin_core against requests alone.

Each figure is a new interpreter (what a scheduled job or a toolbox load pays), measured
alternately so machine noise hits both sides alike. Prints figures; target: at most 1.1x.

    python benchmarks/import_time.py [--runs 30]
"""

from __future__ import print_function

import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Time only the import itself, inside the child, to leave out interpreter start-up.
PROBE = ("import time; t = time.perf_counter(); import %s; "
         "print(time.perf_counter() - t)")


def once(module):
    out = subprocess.check_output([sys.executable, "-c", PROBE % module], cwd=ROOT)
    return float(out.decode().strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    modules = ["requests", "agsadmin_core", "agsadmin_core.session",
               "agsadmin_core.connection, keyring"]
    times = dict((m, []) for m in modules)
    for _ in range(args.runs):
        for module in modules:
            times[module].append(once(module))
    base = statistics.median(times["requests"])
    print("fresh-process import time, median of %d runs, Python %s"
          % (args.runs, sys.version.split()[0]))
    for module in modules:
        median = statistics.median(times[module])
        print("  import %-36s %7.1f ms  %5.2fx requests" % (module, median * 1000,
                                                           median / base))
    ratio = statistics.median(times["agsadmin_core"]) / base
    print("target: import agsadmin_core <= 1.1x import requests: %.2fx %s"
          % (ratio, "met" if ratio <= 1.1 else "NOT met"))


if __name__ == "__main__":
    main()
