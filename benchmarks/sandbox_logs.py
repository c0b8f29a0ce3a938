"""Memory and speed of the sandbox's synthetic log store: ``Sandbox(log_records=N)``.

For each N (default 100000 and 1000000), a fresh interpreter starts a sandbox
with N synthetic records, then walks every record over HTTP (level DEBUG,
pageSize 10000, the doc's paging rule) and prints: the RSS growth from
before the sandbox to after start-up and to the end of the walk (the store is
generated on demand, so it must not grow with N), and the records served per
second (JSON parsing in the same process included). Asserts nothing.

Usage: python benchmarks/sandbox_logs.py [N ...]
"""

from __future__ import absolute_import, print_function, unicode_literals

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = r"""
import sys, time
sys.path.insert(0, %(root)r)

def rss_mb():
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except IOError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

import requests
from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox
base = rss_mb()
started = time.time()
sb = Sandbox(log_records=%(n)d).start()
startup = time.time() - started
after_start = rss_mb()
http = requests.Session()
token = http.post(sb.admin_url + "/generateToken", data={"username": DEMO_USER,
                  "password": DEMO_PASSWORD, "f": "json"}).json()["token"]
records = pages = 0
peak = after_start
start = None
began = time.time()
while True:
    data = {"f": "json", "token": token, "level": "DEBUG", "pageSize": 10000}
    if start is not None:
        data["startTime"] = start
    body = http.post(sb.admin_url + "/logs/query", data=data).json()
    records += len(body["logMessages"])
    pages += 1
    peak = max(peak, rss_mb())
    if not body["hasMore"]:
        break
    start = body["endTime"]
elapsed = time.time() - began
http.close()
sb.stop()
print(json.dumps({"n": %(n)d, "startup_s": startup, "rss_start_mb": after_start - base,
                  "rss_walk_peak_mb": peak - base, "records": records, "pages": pages,
                  "seconds": elapsed, "per_second": records / elapsed}))
""".replace("print(json", "import json; print(json")


def measure(count):
    """Run one fresh-process measurement for ``count`` records; return its figures."""
    out = subprocess.check_output([sys.executable, "-c", PROBE % {"root": ROOT, "n": count}])
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def main(argv):
    counts = [int(a) for a in argv] or [100000, 1000000]
    print("Python %s" % sys.version.split()[0])
    print("%10s %10s %14s %16s %10s %8s %12s" % ("records", "start s", "RSS start MB",
                                                 "RSS walk peak MB", "served", "pages",
                                                 "records/s"))
    for count in counts:
        r = measure(count)
        print("%10d %10.3f %14.1f %16.1f %10d %8d %12.0f" % (
            r["n"], r["startup_s"], r["rss_start_mb"], r["rss_walk_peak_mb"], r["records"],
            r["pages"], r["per_second"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
