"""Stop and start 200 services on a sandbox with 20 ms per request: AGSAdmin against a loop.

The loop is what the peers do (restapi, ArcREST, Esri's samples): sign in, list each folder,
then one POST per service. Both sides run over real HTTP against the same sandbox, side by side
in one process, alternating, so the ratio holds on a noisy machine. Prints figures; asserts
nothing (targets: at least 4x faster, at most services x 2 + 10 requests).

    python benchmarks/stop_start.py [--services 200] [--latency 20] [--rounds 3]
                                    [--service-op-ms 0]

With --service-op-ms the server also spends that long on each state change, inside a batch
too: the batch then saves round trips but not the server's own work.
"""

from __future__ import print_function

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import requests  # noqa: E402

from agsadmin_core import Server  # noqa: E402
from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox  # noqa: E402

PATTERN = "Bulk*/*"


def loop_cycle(sandbox, refs):
    """The one-request-per-service loop: token, list folders, stop each, start each."""
    http = requests.Session()
    token = http.post(sandbox.admin_url + "/generateToken",
                      data={"username": DEMO_USER, "password": DEMO_PASSWORD,
                            "client": "requestip", "f": "json"}).json()["token"]
    for folder in sorted(set(r.split("/")[0] for r in refs)):
        http.post(sandbox.admin_url + "/services/" + folder, data={"f": "json", "token": token})
    for verb in ("stop", "start"):
        for ref in refs:
            body = http.post("%s/services/%s/%s" % (sandbox.admin_url, ref, verb),
                             data={"f": "json", "token": token}).json()
            assert body.get("status") == "success", body
    http.close()


def agsadmin_cycle(sandbox, refs, **options):
    server = Server.connect(sandbox.url, username=DEMO_USER, password=DEMO_PASSWORD)
    stopped = server.services.stop([PATTERN], **options)
    started = server.services.start([PATTERN], **options)
    assert all(r.status == "ok" for r in list(stopped) + list(started)), "a service failed"
    assert len(stopped) == len(refs)
    server.close()


def measure(sandbox, cycle, *args, **kwargs):
    sandbox.clear_requests()
    began = time.perf_counter()
    cycle(sandbox, *args, **kwargs)
    return time.perf_counter() - began, len(sandbox.requests)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--latency", type=int, default=20, help="ms per request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--service-op-ms", type=int, default=0,
                        help="server time per service state change, also inside a batch "
                             "(the sandbox charges it per service, sequentially)")
    args = parser.parse_args()
    with Sandbox(services=args.services, latency_ms=args.latency,
                 service_op_ms=args.service_op_ms) as sandbox:
        refs = [r for r in sandbox.site.service_refs() if r.lower().startswith("bulk")]
        sides = [("loop (one request per service)", loop_cycle, {}),
                 ("agsadmin (default: batch on 10.3+)", agsadmin_cycle, {}),
                 ("agsadmin --no-batch --parallel 4", agsadmin_cycle,
                  {"batch": False, "parallel": 4})]
        figures = dict((name, []) for name, _, _ in sides)
        for _ in range(args.rounds):
            for name, cycle, options in sides:
                figures[name].append(measure(sandbox, cycle, refs, **options))
    print("stop + start of %d services, %d ms latency per request, %d ms per state change, "
          "%d rounds (median)" % (len(refs), args.latency, args.service_op_ms, args.rounds))
    print("%-38s %10s %10s %8s" % ("", "seconds", "requests", "speed-up"))
    base = statistics.median(t for t, _ in figures[sides[0][0]])
    for name, _, _ in sides:
        seconds = statistics.median(t for t, _ in figures[name])
        count = statistics.median(n for _, n in figures[name])
        print("%-38s %10.2f %10d %7.1fx" % (name, seconds, count, base / seconds))
    ours = figures[sides[1][0]]
    ratio = base / statistics.median(t for t, _ in ours)
    budget = 2 * len(refs) + 10
    print("target: >= 4x faster than the loop: %.1fx %s" % (ratio, "met" if ratio >= 4 else
                                                            "NOT met"))
    # Each cycle stops and starts, so the per-operation budget applies to each half.
    per_op = statistics.median(n for _, n in ours) / 2.0
    print("target: <= services x 2 + 10 = %d requests per operation: %.0f %s"
          % (budget, per_op, "met" if per_op <= budget else "NOT met"))


if __name__ == "__main__":
    main()
