"""Records per second and peak memory of ``LogsManager.query`` + ``CsvWriter``.

The pages come from a fake that builds each page on demand (five records to a millisecond,
so every page boundary repeats records), serialises it to JSON text and lets the client parse
it, as ``AdminSession`` does; the time the fake spends building pages is left out. Each size
runs in its own process, so the peak memory of one does not hide in the other. Prints
figures; asserts nothing (targets: >= 50,000 records/s; < 50 MB above the interpreter, flat
from 100,000 to 1,000,000 records). The sandbox's own ``/logs/query`` over HTTP is measured
by ``benchmarks/logs.py`` once it exists.

    python benchmarks/logs_core.py [--sizes 100000,1000000] [--page-size 10000]
"""

from __future__ import print_function

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from agsadmin_core.logs import LogsManager  # noqa: E402
from agsadmin_core.logwriters import CsvWriter, write_records  # noqa: E402

T0 = 1796025600000
PER_MS = 5
LEVELS = ("SEVERE", "WARNING", "INFO", "FINE")
SOURCES = ("Rest", "Admin", "Maps/Parcels.MapServer", "System/PublishingTools.GPServer")


class PageSource(object):
    """``call()`` like ``AdminSession.call``, for ``n`` records generated page by page."""

    def __init__(self, n):
        self.n = n
        self.fake_seconds = 0.0
        self.fake_cpu = 0.0

    def call(self, path, params, operation=None, safe_to_repeat=False):
        started, cpu = time.time(), _cpu()
        size = min(int(params["pageSize"]), 10000)
        start = params.get("startTime")
        first = 0 if start is None else (T0 - int(start)) * PER_MS
        last = min(first + size, self.n)
        page = []
        for i in range(first, last):
            page.append({"time": T0 - i // PER_MS, "type": LEVELS[i % 4], "code": 9000 + i % 50,
                         "source": SOURCES[i % 4], "machine": "GIS%d.EXAMPLE.COM" % (i % 3),
                         "user": "", "elapsed": "%.3f" % (i % 997 / 100.0) if i % 3 else "",
                         "process": "2852", "thread": str(i % 40), "methodName": "",
                         "requestID": "", "message": "Request %d: draw, \"export\" took a "
                                                      "while" % i})
        more = last < self.n
        text = json.dumps({"hasMore": more, "startTime": start or T0,
                           "endTime": page[-1]["time"] if page else T0,
                           "logMessages": page})
        self.fake_seconds += time.time() - started
        self.fake_cpu += _cpu() - cpu
        return json.loads(text)  # the client's share: parsing, as AdminSession does


def run_fake_only(n, page_size):
    """Child process: the fake's pages alone, read and dropped: its own share of the RSS."""
    base_rss = _max_rss_mb()
    source, start = PageSource(n), None
    while True:
        body = source.call("logs/query", {"pageSize": page_size, "startTime": start})
        if not body["hasMore"]:
            break
        start = body["endTime"]
        del body
    print(json.dumps({"rss_above": _max_rss_mb() - base_rss}))


def run_one(n, page_size, trace):
    """Child process: one export, then a JSON line of figures on stdout."""
    peak_python = None
    tracemalloc = None
    if trace:
        try:
            import tracemalloc
        except ImportError:  # Python 2.7
            trace = False
        else:
            tracemalloc.start()
    base_rss = _max_rss_mb()
    source = PageSource(n)
    out = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    out.close()
    started, cpu = time.time(), _cpu()
    try:
        count = write_records(LogsManager(source).query(level="FINE", page_size=page_size),
                              CsvWriter(out.name))
        seconds = time.time() - started
        cpu = _cpu() - cpu - source.fake_cpu
        size_mb = os.path.getsize(out.name) / 1e6
    finally:
        os.remove(out.name)
    if trace:
        peak_python = tracemalloc.get_traced_memory()[1] / 1e6
    client = seconds - source.fake_seconds
    print(json.dumps({"n": n, "count": count, "seconds": seconds, "client": client,
                      "rate": count / client, "cpu_rate": count / cpu, "rss_above": _max_rss_mb() - base_rss,
                      "peak_python": peak_python, "csv_mb": size_mb}))


def _cpu():
    """CPU seconds of this process (user + system): steadier than the wall clock when the
    machine is shared."""
    times = os.times()
    return times[0] + times[1]


def _max_rss_mb():
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1e6 if sys.platform == "darwin" else rss / 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--page-size", type=int, default=10000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fake-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.fake_only:
        run_fake_only(args.child, args.page_size)
        return
    if args.child:
        run_one(args.child, args.page_size, args.trace)
        return
    print("Python %s, page size %d" % (sys.version.split()[0], args.page_size))
    print("%10s %10s %12s %12s %10s %12s %11s %8s" % (
        "records", "client s", "records/s", "per CPU s", "RSS +MB", "fake's +MB",
        "py peak MB", "CSV MB"))
    for n in [int(s) for s in args.sizes.split(",")]:
        figures = {}
        for mode in ("fast", "trace", "fake"):
            cmd = [sys.executable, os.path.abspath(__file__), "--child", str(n),
                   "--page-size", str(args.page_size)]
            cmd += {"fast": [], "trace": ["--trace"], "fake": ["--fake-only"]}[mode]
            line = subprocess.check_output(cmd).decode("utf-8").strip().splitlines()[-1]
            figures[mode] = json.loads(line)
        fast, traced = figures["fast"], figures["trace"]
        assert fast["count"] == n, "records lost or doubled: %d of %d" % (fast["count"], n)
        print("%10d %10.2f %12.0f %12.0f %10.1f %12.1f %11.1f %8.1f" % (
            n, fast["client"], fast["rate"], fast["cpu_rate"], fast["rss_above"], figures["fake"]["rss_above"],
            traced["peak_python"] if traced["peak_python"] is not None else float("nan"),
            fast["csv_mb"]))
    print("(records/s (wall clock), per CPU s (records per CPU second of the client) and "
          "RSS: an untraced run, the fake's page building left out; fake's +MB: the fake's pages alone, also inside RSS +MB; py peak: "
          "tracemalloc's peak in a traced run, 3.x only)")


if __name__ == "__main__":
    main()
