"""Delete 200 services with backups on a sandbox with 20 ms per request: AGSAdmin against a loop.

The loop is what an admin script does by hand: sign in, list each folder, then per service
read the same five backup resources as AGSAdmin (definition, status, item info, manifest,
permissions), write them to disk, and delete it, one service after the other. AGSAdmin reads
the backups ``parallel`` at once, writes them atomically, then deletes with
``deleteServices`` (11.3). Both run over real HTTP against fresh sandboxes, side by side in
one process, alternating. Prints figures; asserts nothing (target: at least 3x faster).

    python benchmarks/delete.py [--services 200] [--latency 20] [--rounds 3] [--parallel 4]
"""

from __future__ import print_function

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import requests  # noqa: E402

from agsadmin_core import Server  # noqa: E402
from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox  # noqa: E402

PATTERN = "Bulk*/*"
PARTS = (("service.json", ""), ("status.json", "/status"), ("iteminfo.json", "/iteminfo"),
         ("manifest.json", "/iteminfo/manifest/manifest.json"),
         ("permissions.json", "/permissions"))


def loop_delete(sandbox, refs, backup_dir):
    """One service at a time: its five backup reads, written to disk, then its delete."""
    http = requests.Session()
    token = http.post(sandbox.admin_url + "/generateToken",
                      data={"username": DEMO_USER, "password": DEMO_PASSWORD,
                            "client": "requestip", "f": "json"}).json()["token"]
    for folder in sorted(set(r.split("/")[0] for r in refs)):
        http.post(sandbox.admin_url + "/services/" + folder, data={"f": "json", "token": token})
    for ref in refs:
        where = os.path.join(backup_dir, *ref.split("/"))
        os.makedirs(where)
        for name, child in PARTS:
            body = http.post("%s/services/%s%s" % (sandbox.admin_url, ref, child),
                             data={"f": "json", "token": token}).json()
            with open(os.path.join(where, name), "w") as handle:
                json.dump(body, handle)
        body = http.post("%s/services/%s/delete" % (sandbox.admin_url, ref),
                         data={"f": "json", "token": token}).json()
        assert body.get("status") == "success", body
    http.close()


def agsadmin_delete(sandbox, refs, backup_dir, parallel):
    server = Server.connect(sandbox.url, username=DEMO_USER, password=DEMO_PASSWORD)
    result = server.services.delete([PATTERN], backup_dir=backup_dir, parallel=parallel)
    assert len(result) == len(refs) and all(r.status == "ok" for r in result)
    server.close()


def measure(args, run):
    with Sandbox(services=args.services, latency_ms=args.latency) as sandbox:
        refs = [r for r in sandbox.site.service_refs() if r.startswith("Bulk")]
        backup_dir = tempfile.mkdtemp(prefix="agsadmin-bench-")
        try:
            began = time.perf_counter()
            run(sandbox, refs, backup_dir)
            seconds = time.perf_counter() - began
            left = [r for r in sandbox.site.service_refs() if r.startswith("Bulk")]
            assert not left, "services left on the server"
            return seconds, len(sandbox.requests)
        finally:
            shutil.rmtree(backup_dir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--latency", type=int, default=20, help="ms per request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args(argv)
    loop_times, ours = [], []
    loop_requests = our_requests = None
    for _ in range(args.rounds):
        seconds, loop_requests = measure(args, loop_delete)
        loop_times.append(seconds)
        seconds, our_requests = measure(
            args, lambda sb, refs, d: agsadmin_delete(sb, refs, d, args.parallel))
        ours.append(seconds)
    loop_s, our_s = statistics.median(loop_times), statistics.median(ours)
    print("delete %d services with backups, %d ms per request, median of %d rounds"
          % (args.services, args.latency, args.rounds))
    print("  one-at-a-time loop : %6.2f s  %5d requests" % (loop_s, loop_requests))
    print("  agsadmin (par. %2d) : %6.2f s  %5d requests" % (args.parallel, our_s,
                                                            our_requests))
    print("  speed-up           : %6.1fx (target >= 3x)" % (loop_s / our_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
