"""Median fresh-process time to open AGSAdmin.pyt: import it and build every tool's parameters.

That is what ArcGIS Pro does when a user expands the toolbox or opens a tool, so it is what a
user waits for. Measured with the arcpy stand-in (tests/stubs), inside the child, from just
before the .pyt is imported to just after the last getParameterInfo, leaving out interpreter
start-up and the stand-in's own import. Compared with ``import arcgis.gis.server`` (the ArcGIS
API for Python's server administration module) where the arcgis package is installed.
Prints figures; asserts nothing. Target: under 0.05 s.

    python benchmarks/toolbox_load.py [--runs 30]
"""

from __future__ import print_function

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLBOX = os.path.join(ROOT, "AGSAdmin.pyt")
TARGET = 0.05

OPEN_TOOLBOX = """
import sys, time
sys.path.insert(0, %(root)r)
from tests.stubs import gp
gp.install(%(mode)r)
clock = getattr(time, "perf_counter", time.time)
started = clock()
tbx = gp.load_toolbox(%(toolbox)r)
for name in tbx.tool_names:
    gp.parameters(tbx, name)
elapsed = clock() - started
assert "requests" not in sys.modules and "keyring" not in sys.modules
print(elapsed)
"""

IMPORT_ARCGIS = """
import time
clock = getattr(time, "perf_counter", time.time)
started = clock()
import arcgis.gis.server
print(clock() - started)
"""


def once(code):
    out = subprocess.check_output([sys.executable, "-c", code], cwd=ROOT)
    return float(out.decode().strip().splitlines()[-1])


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def arcgis_installed():
    code = "import importlib, sys; sys.exit(0 if importlib.util.find_spec('arcgis') else 1)" \
        if sys.version_info[0] > 2 else "import imp; imp.find_module('arcgis')"
    return subprocess.call([sys.executable, "-c", code], cwd=ROOT,
                           stdout=open(os.devnull, "w"), stderr=subprocess.STDOUT) == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    mode = "arcmap" if sys.version_info[0] == 2 else "pro"
    code = OPEN_TOOLBOX % {"root": ROOT, "mode": mode, "toolbox": TOOLBOX}
    with_arcgis = arcgis_installed()
    times, arcgis_times = [], []
    for _ in range(args.runs):   # alternated, so machine noise hits both sides alike
        times.append(once(code))
        if with_arcgis:
            arcgis_times.append(once(IMPORT_ARCGIS))
    ours = median(times)
    print("open AGSAdmin.pyt (import + getParameterInfo of every tool), %s mode, "
          "median of %d fresh processes, Python %s" % (mode, args.runs,
                                                       sys.version.split()[0]))
    print("  AGSAdmin.pyt              %7.1f ms  (min %.1f, max %.1f)"
          % (ours * 1000, min(times) * 1000, max(times) * 1000))
    if with_arcgis:
        theirs = median(arcgis_times)
        print("  import arcgis.gis.server  %7.1f ms  (%.0fx AGSAdmin.pyt)"
              % (theirs * 1000, theirs / ours))
    else:
        print("  import arcgis.gis.server  arcgis not installed")
    print("target: under %.0f ms: %s" % (TARGET * 1000, "met" if ours < TARGET else "NOT met"))


if __name__ == "__main__":
    main()
