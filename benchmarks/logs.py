"""Log export over real HTTP: records per second and the client's peak memory, 100,000 records
beside 1,000,000, the sandbox's own serving rate beside the client's.

For each size, three processes: the sandbox (``Sandbox(log_records=N)``), a raw reader that
walks every page with plain ``requests`` and ``json`` and drops it (the sandbox's serving rate: what no
client can beat), and the client (``server.logs.query(level="DEBUG")`` into ``CsvWriter``, as
``agsadmin logs --out x.csv`` does). The client's memory is its own process's peak RSS above
its RSS once everything is imported and it is signed in ("above the interpreter"); its CPU
seconds show what it would do against a server faster than the sandbox. Prints figures;
asserts nothing. Targets (issue 11): >= 50,000 records/s; < 50 MB above the interpreter,
flat from 100,000 to 1,000,000.

    python benchmarks/logs.py [--sizes 100000,1000000] [--page-size 10000]
"""

from __future__ import print_function

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

USER, PASSWORD = "bench", "bench-pass-0"


def _rss_mb():
    """Current RSS in MB (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1048576.0
    except (IOError, OSError, ValueError):
        return _max_rss_mb()


def _max_rss_mb():
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1048576.0 if sys.platform == "darwin" else 1024.0)


def _cpu():
    times = os.times()
    return times[0] + times[1]


def _cpus():
    import multiprocessing
    return multiprocessing.cpu_count()


def serve(n):
    """Child: a sandbox with n synthetic records; prints its URL, serves until stdin closes."""
    from agsadmin_core.sandbox import Sandbox
    sb = Sandbox(users={USER: PASSWORD}, log_records=n).start()
    print(json.dumps({"url": sb.url}))
    sys.stdout.flush()
    sys.stdin.read()
    sb.stop()


def raw(url, page_size):
    """Child: every page with plain requests and json, records left as dicts and dropped:
    the sandbox's serving rate (boundary repeats counted too)."""
    import requests
    session = requests.Session()
    token = session.post(url + "/admin/generateToken",
                         data={"username": USER, "password": PASSWORD, "client": "requestip",
                               "f": "json"}).json()["token"]
    started, records, start, pages = time.time(), 0, None, 0
    while True:
        form = {"f": "json", "token": token, "level": "DEBUG", "pageSize": page_size,
                "filter": '{"services":"*","server":"*","machines":"*"}'}
        if start is not None:
            form["startTime"] = start
        body = json.loads(session.post(url + "/admin/logs/query", data=form).content)
        pages += 1
        records += len(body["logMessages"])
        if not body["hasMore"]:
            break
        start = body["endTime"]
    seconds = time.time() - started
    print(json.dumps({"records": records, "seconds": seconds, "pages": pages}))


def client(url, page_size, out):
    """Child: the export as agsadmin does it, then a JSON line of figures."""
    from agsadmin_core import Server
    from agsadmin_core.logwriters import CsvWriter, write_records
    server = Server.connect(url, username=USER, password=PASSWORD, allow_http=True)
    server.version
    base = _rss_mb()
    started, cpu = time.time(), _cpu()
    count = write_records(server.logs.query(level="DEBUG", page_size=page_size),
                          CsvWriter(out))
    seconds, cpu = time.time() - started, _cpu() - cpu
    server.close()
    print(json.dumps({"records": count, "seconds": seconds, "cpu": cpu, "base_mb": base,
                      "peak_mb": _max_rss_mb(), "csv_mb": os.path.getsize(out) / 1048576.0}))


def _child(args, stdin=None):
    return subprocess.Popen([sys.executable, os.path.abspath(__file__)] + args,
                            stdout=subprocess.PIPE, stdin=stdin, cwd=ROOT)


def _run(args):
    proc = _child(args)
    out, _ = proc.communicate()
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def measure(n, page_size):
    server = _child(["--serve", str(n)], stdin=subprocess.PIPE)
    try:
        url = json.loads(server.stdout.readline().decode("utf-8"))["url"]
        raw_figures = _run(["--raw", url, "--page-size", str(page_size)])
        folder = tempfile.mkdtemp(prefix="agsadmin-bench-")
        out = os.path.join(folder, "logs.csv")
        try:
            client_figures = _run(["--client", url, "--page-size", str(page_size),
                                   "--out", out])
        finally:
            if os.path.exists(out):
                os.remove(out)
            os.rmdir(folder)
    finally:
        server.stdin.close()
        server.wait()
    return raw_figures, client_figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--page-size", type=int, default=10000)
    parser.add_argument("--serve", type=int)
    parser.add_argument("--raw")
    parser.add_argument("--client")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.serve is not None:
        return serve(args.serve)
    if args.raw:
        return raw(args.raw, args.page_size)
    if args.client:
        return client(args.client, args.page_size, args.out)
    print("Python %s; pages of %d records at DEBUG, sandbox and client in separate processes"
          % (sys.version.split()[0], args.page_size))
    header = ("%10s  %12s  %12s  %13s  %10s  %10s  %10s  %8s"
              % ("records", "sandbox r/s", "client r/s", "client r/CPU-s", "base MB",
                 "peak MB", "above MB", "CSV MB"))
    print(header)
    for n in [int(s) for s in args.sizes.split(",")]:
        raw_figures, figures = measure(n, args.page_size)
        print("%10d  %12.0f  %12.0f  %13.0f  %10.1f  %10.1f  %10.1f  %8.1f" % (
            figures["records"], raw_figures["records"] / raw_figures["seconds"],
            figures["records"] / figures["seconds"], figures["records"] / figures["cpu"],
            figures["base_mb"], figures["peak_mb"], figures["peak_mb"] - figures["base_mb"],
            figures["csv_mb"]))
        sys.stdout.flush()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        print("load average %.2f %.2f %.2f on %d CPUs (the sandbox and the client each want "
              "one)" % (load + (_cpus(),)))
    print("sandbox r/s: its serving rate (pages fetched and parsed as JSON only); client r/s: the export "
          "against it; client r/CPU-s: records per CPU second of the client alone.")


if __name__ == "__main__":
    main()
