"""Time to start ``Sandbox(services=N)`` and answer its first request (target: under 1 s for N=1000).

Prints the figures; asserts nothing (speed targets live here, not in tests).
Usage: python benchmarks/sandbox_start.py [N] [repeats]
"""

from __future__ import absolute_import, print_function, unicode_literals

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import requests  # noqa: E402

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox  # noqa: E402


def once(count):
    """Seconds from Sandbox(...) to the first answered request, and to a signed-in listing."""
    started = time.time()
    sandbox = Sandbox(services=count).start()
    try:
        http = requests.Session()
        first = http.get(sandbox.url + "/rest/info", params={"f": "json"})
        assert first.status_code == 200
        to_first = time.time() - started
        token = http.post(sandbox.admin_url + "/generateToken",
                          data={"username": DEMO_USER, "password": DEMO_PASSWORD, "f": "json"}).json()["token"]
        listing = http.post(sandbox.admin_url + "/services/Bulk01",
                            data={"f": "json", "token": token}).json()
        assert len(listing["services"]) == min(count, 50)
        http.close()
        return to_first, time.time() - started
    finally:
        sandbox.stop()


# A new interpreter that imports the sandbox, starts it and answers one request:
# what `agsadmin sandbox --services N` pays before it is usable (imports included).
PROBE = ("import time; t = time.time(); "
         "from agsadmin_core.sandbox import Sandbox; import requests; "
         "sb = Sandbox(services=%d).start(); "
         "requests.get(sb.url + '/rest/info', params={'f': 'json'}).raise_for_status(); "
         "print(time.time() - t); sb.stop()")


def fresh_process(count):
    """Seconds, measured inside a new interpreter, from the first import to the first answer."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.check_output([sys.executable, "-c", PROBE % count], cwd=root)
    return float(out.decode("ascii").strip().splitlines()[-1])


def main(argv):
    count = int(argv[1]) if len(argv) > 1 else 1000
    repeats = int(argv[2]) if len(argv) > 2 else 5
    runs = [once(count) for _ in range(repeats)]
    firsts = sorted(r[0] for r in runs)
    listed = sorted(r[1] for r in runs)
    print("Sandbox(services=%d) start -> first answer: median %.3f s, worst %.3f s (%d runs; target < 1 s)"
          % (count, firsts[len(firsts) // 2], firsts[-1], repeats))
    print("  ... -> signed in and listed Bulk01:        median %.3f s, worst %.3f s"
          % (listed[len(listed) // 2], listed[-1]))
    fresh = sorted(fresh_process(count) for _ in range(repeats))
    print("New process, imports included -> first answer: median %.3f s, worst %.3f s"
          % (fresh[len(fresh) // 2], fresh[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
